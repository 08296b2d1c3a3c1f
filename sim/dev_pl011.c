#include "sim/dev_pl011.h"

#include <string.h>

/* Register offsets and bits from the PL011 TRM (Arm DDI 0183). */
enum {
    UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024,
    UARTFBRD = 0x028, UARTLCR_H = 0x02C, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038,
    UARTRIS = 0x03C, UARTMIS = 0x040, UARTICR = 0x044, UARTDMACR = 0x048,
};
#define FR_RXFE (1u << 4) /* receive FIFO empty */
#define FR_TXFE (1u << 7) /* transmit FIFO empty */
#define RIS_TX (1u << 5)

/* PrimeCell identification: UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0-0xFFC. */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void pl011_init(struct pl011 *u, void (*output)(void *, const char *, unsigned), void *ctx)
{
    memset(u, 0, sizeof *u);
    u->output = output;
    u->output_ctx = ctx;
    u->cr = 0x300; /* TXE and RXE set at reset */
    u->ifls = 0x12;
    u->ris = RIS_TX; /* the transmit FIFO is never full, so TX interrupt is raw-pending */
}

static int pl011_read(void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
    struct pl011 *u = ctx;
    switch (off) {
    case UARTDR: *val = 0; break;
    case UARTRSR: *val = 0; break;
    case UARTFR: *val = FR_RXFE | FR_TXFE; break;
    case UARTILPR: *val = 0; break;
    case UARTIBRD: *val = u->ibrd; break;
    case UARTFBRD: *val = u->fbrd; break;
    case UARTLCR_H: *val = u->lcr_h; break;
    case UARTCR: *val = u->cr; break;
    case UARTIFLS: *val = u->ifls; break;
    case UARTIMSC: *val = u->imsc; break;
    case UARTRIS: *val = u->ris; break;
    case UARTMIS: *val = u->ris & u->imsc; break;
    case UARTDMACR: *val = 0; break;
    default:
        if (off >= 0xFE0 && off < 0x1000 && (off & 3) == 0)
            *val = pl011_id[(off - 0xFE0) / 4];
        else
            *val = 0;
    }
    return 0;
}

static int pl011_write(void *ctx, uint64_t off, unsigned size, uint64_t val)
{
    struct pl011 *u = ctx;
    switch (off) {
    case UARTDR: {
        char c = (char)(val & 0xFF);
        u->bytes_written++;
        if (u->output)
            u->output(u->output_ctx, &c, 1);
        break;
    }
    case UARTIBRD: u->ibrd = (uint32_t)val & 0xFFFF; break;
    case UARTFBRD: u->fbrd = (uint32_t)val & 0x3F; break;
    case UARTLCR_H: u->lcr_h = (uint32_t)val & 0xFF; break;
    case UARTCR: u->cr = (uint32_t)val & 0xFFFF; break;
    case UARTIFLS: u->ifls = (uint32_t)val & 0x3F; break;
    case UARTIMSC: u->imsc = (uint32_t)val & 0x7FF; break;
    case UARTICR: u->ris &= ~((uint32_t)val & ~RIS_TX); break;
    default: break; /* writes to read-only or unmodelled registers are ignored */
    }
    return 0;
}

bool pl011_irq_level(const struct pl011 *u)
{
    return (u->ris & u->imsc) != 0;
}

struct mmio_device pl011_device(struct pl011 *u, const char *name, uint64_t base)
{
    struct mmio_device d = {name, base, PL011_SIZE, u, pl011_read, pl011_write};
    return d;
}
