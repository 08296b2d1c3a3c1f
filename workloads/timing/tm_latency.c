/* Dependency chains: ALU, multiply and load chains of 8 and 16 links per
 * loop iteration.  The difference between the two lengths is 8 links per
 * iteration, whatever the loop costs; tests/cli/timing_micro.sh compares
 * it with the latencies the core description gives. */
#include "tm_rt.h"

#define ITERS 4000

static void *self_ptr = &self_ptr;    /* ldr x, [x] chases itself: always the same line */

#define CHAIN(name, links, insn, init, clobber)                                       \
    __attribute__((noipa, aligned(64))) static void name(long n)                 \
    {                                                                                 \
        u64 x = (init);                                                               \
        __asm__ volatile("1:\n"                                                       \
                         ".rept " #links "\n" insn "\n.endr\n"                        \
                         "subs %[n], %[n], #1\n"                                      \
                         "b.ne 1b\n"                                                  \
                         : [x] "+r"(x), [n] "+r"(n)                                   \
                         :                                                            \
                         : "cc", clobber);                                           \
        tm_sink = x;                                                                  \
    }

CHAIN(alu8, 8, "add %[x], %[x], #1", 0, "memory")
CHAIN(alu16, 16, "add %[x], %[x], #1", 0, "memory")
CHAIN(mul8, 8, "mul %[x], %[x], %[x]", 3, "memory")
CHAIN(mul16, 16, "mul %[x], %[x], %[x]", 3, "memory")
CHAIN(load8, 8, "ldr %[x], [%[x]]", (u64)&self_ptr, "memory")
CHAIN(load16, 16, "ldr %[x], [%[x]]", (u64)&self_ptr, "memory")

int main(void)
{
    tm_caches_on();
    alu8(ITERS);
    alu16(ITERS);
    mul8(ITERS);
    mul16(ITERS);
    load8(ITERS);
    load16(ITERS);
    puts_("latency chains done\n");
    return 0;
}
