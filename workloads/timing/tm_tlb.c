/* TLB misses: one load per 4 KiB page, over 64 pages (they fit in the main
 * TLB: micro-TLB misses only) and over 1024 pages (more than the main TLB
 * holds: every access walks).  Profile a only (the EL2 MMU); elsewhere it
 * says so and exits 0. */
#include "tm_rt.h"

#define ITERS 8192

#define PAGE_WALK(name)                                                              \
    __attribute__((noipa, aligned(64))) static u64 name(u64 base, u64 mask, long n) \
    {                                                                                \
        u64 off = 0, v = 0, a;                                                       \
        __asm__ volatile("1:\n add %[a], %[base], %[off]\n ldr %[v], [%[a]]\n"       \
                         " add %[off], %[off], #4096\n and %[off], %[off], %[mask]\n" \
                         " subs %[n], %[n], #1\n b.ne 1b\n"                          \
                         : [off] "+r"(off), [v] "+r"(v), [n] "+r"(n), [a] "=&r"(a)   \
                         : [base] "r"(base), [mask] "r"(mask)                        \
                         : "cc", "memory");                                         \
        return v;                                                                    \
    }

PAGE_WALK(tlb_fit)
PAGE_WALK(tlb_thrash)

int main(void)
{
    if (tm_profile_r()) {
        puts_("tlb benchmark: profile a only, skipped\n");
        return 0;
    }
    tm_caches_on();
    tm_sink = tlb_fit(TM_PAGES_BASE, 64 * 4096 - 1, ITERS);
    tm_sink = tlb_thrash(TM_PAGES_BASE, 1024 * 4096 - 1, ITERS);
    puts_("tlb benchmark done\n");
    return 0;
}
