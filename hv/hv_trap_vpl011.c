/* The virtual PL011 of a domain (Xen's vpl011): the registers a guest
 * driver touches, emulated from stage-2 data aborts in the window at
 * HV_VPL011_BASE.  Transmitted bytes go to the console at once; there is
 * no input, so the receive FIFO is always empty and no interrupt is
 * raised.  Offsets and identification values from the PL011 TRM. */
#include "hv/hv_internal.h"

enum {
    UART_DR = 0x000, UART_RSR = 0x004, UART_FR = 0x018, UART_ILPR = 0x020,
    UART_IBRD = 0x024, UART_FBRD = 0x028, UART_LCR_H = 0x02C, UART_CR = 0x030,
    UART_IFLS = 0x034, UART_IMSC = 0x038, UART_RIS = 0x03C, UART_MIS = 0x040,
    UART_ICR = 0x044, UART_DMACR = 0x048,
};
#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)

/* UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0..0xFFC. */
static const uint8_t id_regs[8] = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

/* Returns false for an offset the device does not decode (the access is
 * then injected back as an abort). */
bool hv_vpl011_access(struct hv_guests *g, int d, uint64_t off, bool write, unsigned size,
                      uint64_t *val)
{
    struct hv_vpl011 *u = &g->dom[d].uart;
    if (off >= 0xFE0 && off < 0x1000 && !(off & 3)) {
        if (!write)
            *val = id_regs[(off - 0xFE0) / 4];
        return true;
    }
    /* Xen's vpl011 takes 8, 16 and 32-bit accesses to its registers; a
     * 64-bit one is refused (bad width), but for the writes it ignores. */
    if (size == 8 && !(write && (off == UART_FR || off == UART_RIS || off == UART_MIS)))
        return false;
    uint32_t *reg = NULL;
    switch (off) {
    case UART_DR:
        if (write) {
            char c = (char)(*val & 0xFF);
            hv_guest_output(g, d, &c, 1);
        } else {
            *val = 0;
        }
        return true;
    case UART_FR:
        if (!write)
            *val = FR_TXFE | FR_RXFE;
        return true;
    case UART_RSR: case UART_ILPR: case UART_ICR: case UART_DMACR:
        if (!write)
            *val = 0;
        return true;
    case UART_RIS: case UART_MIS:
        if (!write)
            *val = 0;
        return true;
    case UART_IBRD: reg = &u->ibrd; break;
    case UART_FBRD: reg = &u->fbrd; break;
    case UART_LCR_H: reg = &u->lcr_h; break;
    case UART_CR: reg = &u->cr; break;
    case UART_IFLS: reg = &u->ifls; break;
    case UART_IMSC: reg = &u->imsc; break;
    default:
        return false;
    }
    if (write)
        *reg = (uint32_t)*val;
    else
        *val = *reg;
    return true;
}
