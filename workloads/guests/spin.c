/* spin: computes without a single trap to the hypervisor for SPIN_ROUNDS
 * rounds of a small hash, then prints its name and the result.  Two of
 * them on one core finish in the order of their lengths only if the
 * scheduler's timer preempts them: the loop gives the hypervisor no other
 * chance to switch. */
#include "guests/guest.h"

#ifndef SPIN_ROUNDS
#define SPIN_ROUNDS 100000
#endif
#ifndef SPIN_NAME
#define SPIN_NAME "spin"
#endif

int main(void)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (volatile unsigned long i = 0; i < SPIN_ROUNDS; i++)
        h = (h ^ i) * 0x100000001B3ull;
    guest_puts(SPIN_NAME " done: ");
    guest_put_hex(h);
    guest_puts("\n");
    return 0;
}
