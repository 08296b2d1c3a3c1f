/* Pointer chasing over growing footprints: a ring of pointers, one per
 * cache line, walked in address order.  Each footprint has its own copy of
 * the walk (chase_4k, chase_8k, ...), so the statistics give its cycles
 * per access.  Below the L1 data cache size every access hits; above it
 * (LRU) every access misses to the L2; above the L2, to memory. */
#include "tm_rt.h"

#define LINE 64
#define MAX_FOOTPRINT (2u << 20)
static u64 ring[MAX_FOOTPRINT / 8] __attribute__((aligned(4096)));

static void *build_ring(u64 bytes)
{
    u64 lines = bytes / LINE;
    for (u64 i = 0; i < lines; i++) {
        u64 next = (i + 1) % lines;
        ring[i * (LINE / 8)] = (u64)&ring[next * (LINE / 8)];
    }
    return &ring[0];
}

/* `n` accesses: ldr x, [x] */
#define CHASE(name)                                                                 \
    __attribute__((noipa, aligned(64))) static void name(void *p, long n)       \
    {                                                                               \
        __asm__ volatile("1:\n ldr %[p], [%[p]]\n subs %[n], %[n], #1\n b.ne 1b\n" \
                         : [p] "+r"(p), [n] "+r"(n)                                 \
                         :                                                          \
                         : "cc", "memory");                                        \
        tm_sink = (u64)p;                                                           \
    }

CHASE(chase_4k)
CHASE(chase_8k)
CHASE(chase_16k)
CHASE(chase_32k)
CHASE(chase_64k)
CHASE(chase_128k)
CHASE(chase_1m)
CHASE(chase_2m)

/* Accesses per footprint: at least 4 passes and 16384 accesses. */
static long accesses(u64 bytes)
{
    long passes = (long)(4 * bytes / LINE);
    return passes > 16384 ? passes : 16384;
}

#define RUN(fn, bytes) fn(build_ring(bytes), accesses(bytes))

int main(void)
{
    tm_caches_on();
    RUN(chase_4k, 4u << 10);
    RUN(chase_8k, 8u << 10);
    RUN(chase_16k, 16u << 10);
    RUN(chase_32k, 32u << 10);
    RUN(chase_64k, 64u << 10);
    RUN(chase_128k, 128u << 10);
    RUN(chase_1m, 1u << 20);
    RUN(chase_2m, 2u << 20);
    puts_("pointer chase done\n");
    return 0;
}
