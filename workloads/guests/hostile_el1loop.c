/* hostile_el1loop: points its EL1 vectors at a page of zeros (UDF #0) and
 * executes an undefined instruction.  Every exception then lands on
 * another UDF at the vector, taken at the guest's own EL1: a loop the
 * hypervisor never sees (nothing traps to EL2).  The simulator's loop
 * detector does; the guest's domain is crashed, and the other guests,
 * including one sharing its core, run on. */
#include "guests/hostile_lib.h"

static uint8_t void_vectors[2048] __attribute__((aligned(2048)));

int main(void)
{
    guest_puts("el1loop: vectors into the void\n");
    __asm__ volatile("msr vbar_el1, %0\n\tisb\n\tudf #0" ::"r"(void_vectors) : "memory");
    guest_puts("el1loop: still here (unexpected)\n");
    guest_shutdown(0);
    return 0;
}
