/* The smallest program: a line through semihosting, one through the
 * PL011 UART of the virt platform, exit status 0. */
#include "lib/rt.h"

int main(void)
{
    puts_("hello from msasim workloads\n");
    put_kv("currentel", read_sysreg(CurrentEL));
    for (const char *p = "hello through the PL011\n"; *p; p++)
        uart_putc(*p);
    return 0;
}
