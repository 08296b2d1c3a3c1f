/* Branch patterns: the same loop (a CBZ on a byte of a 256-byte pattern)
 * over an always-taken, an alternating and a pseudo-random pattern.  Each
 * has its own copy of the loop, so the statistics give its cycles and
 * mispredictions. */
#include "tm_rt.h"

#define ITERS 8192
static unsigned char always[256], alternate[256], random_bits[256];

#define PATTERN_LOOP(name)                                                          \
    __attribute__((noipa, aligned(64))) static u64 name(const unsigned char *pat, long n) \
    {                                                                               \
        u64 count = 0, i = 0, b;                                                    \
        __asm__ volatile("1:\n and %[b], %[i], #255\n ldrb %w[b], [%[pat], %[b]]\n" \
                         " cbz %w[b], 2f\n add %[c], %[c], #1\n"                    \
                         "2:\n add %[i], %[i], #1\n subs %[n], %[n], #1\n b.ne 1b\n" \
                         : [c] "+r"(count), [i] "+r"(i), [n] "+r"(n), [b] "=&r"(b) \
                         : [pat] "r"(pat)                                           \
                         : "cc", "memory");                                        \
        return count;                                                               \
    }

PATTERN_LOOP(branch_always)
PATTERN_LOOP(branch_alternate)
PATTERN_LOOP(branch_random)

int main(void)
{
    tm_caches_on();
    u32 lfsr = 0xACE1u;
    for (int i = 0; i < 256; i++) {
        always[i] = 0;
        alternate[i] = (unsigned char)(i & 1);
        lfsr = (lfsr >> 1) ^ (-(lfsr & 1u) & 0xB400u);
        random_bits[i] = (unsigned char)(lfsr & 1);
    }
    u64 a = branch_always(always, ITERS);
    u64 b = branch_alternate(alternate, ITERS);
    u64 c = branch_random(random_bits, ITERS);
    put_kv("not_taken_always", a);
    put_kv("not_taken_alternate", b);
    put_kv("not_taken_random", c);
    return 0;
}
