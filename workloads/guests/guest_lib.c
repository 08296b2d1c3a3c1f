/* The guests' small runtime: console output and shutdown through
 * hypercalls. */
#include "guests/guest.h"

static unsigned long str_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

void guest_puts(const char *s)
{
    hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, str_len(s), (unsigned long)s);
}

void guest_put_hex(uint64_t v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xF];
    buf[18] = 0;
    guest_puts(buf);
}

void guest_shutdown(unsigned reason)
{
    /* struct sched_shutdown { unsigned int reason; } */
    static volatile unsigned int arg;
    arg = reason;
    hypercall3(HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&arg, 0);
    for (;;)
        __asm__ volatile("wfi");
}

__attribute__((weak)) void guest_exception(uint64_t esr, uint64_t far, uint64_t elr)
{
    guest_puts("unexpected exception: esr ");
    guest_put_hex(esr);
    guest_puts(" far ");
    guest_put_hex(far);
    guest_puts(" elr ");
    guest_put_hex(elr);
    guest_puts("\n");
}
