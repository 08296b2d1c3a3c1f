/* mmio: a PL011 driver on the domain's virtual UART (Xen's vpl011 at
 * GUEST_PL011_BASE): identification registers, control writes, FR polled
 * before every byte; then a load from an address outside the domain's
 * memory, which the hypervisor delivers back as a data abort; the abort
 * handler checks the syndrome and powers the domain off. */
#include "guests/guest.h"

#define UART 0x22000000ul
#define DR 0x000
#define FR 0x018
#define IBRD 0x024
#define LCR_H 0x02C
#define CR 0x030
#define PERIPHID0 0xFE0
#define FR_TXFF (1u << 5)
#define UNMAPPED 0x70000000ul

static inline void wr(unsigned off, uint32_t v) { *(volatile uint32_t *)(UART + off) = v; }
static inline uint32_t rd(unsigned off) { return *(volatile uint32_t *)(UART + off); }

static void uart_puts(const char *s)
{
    for (; *s; s++) {
        while (rd(FR) & FR_TXFF)
            ;
        wr(DR, (uint8_t)*s);
    }
}

void guest_exception(uint64_t esr, uint64_t far, uint64_t elr)
{
    unsigned ec = (unsigned)(esr >> 26);
    (void)elr;
    uart_puts(ec == 0x25 && far == UNMAPPED ? "data abort injected at the expected address\n"
                                            : "unexpected exception\n");
    guest_shutdown(ec == 0x25 && far == UNMAPPED ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

int main(void)
{
    if (rd(PERIPHID0) != 0x11)
        return 1;
    wr(CR, 0);
    wr(IBRD, 13);
    wr(LCR_H, 0x70);
    wr(CR, 0x301);
    if (rd(CR) != 0x301 || rd(IBRD) != 13)
        return 1;
    uart_puts("hello through the virtual PL011\n");
    (void)*(volatile uint32_t *)UNMAPPED;
    uart_puts("no abort\n");
    return 1;
}
