/* Reprogramming an EL2 MPU region in a loop, as a hypervisor does at every
 * context switch: select, synchronize, write base and limit, DSB, ISB.
 * Profile r only; elsewhere it says so and exits 0. */
#include "tm_rt.h"

#define ITERS 2000

__attribute__((noipa, aligned(64))) static void mpu_reprogram(long n)
{
    /* a region nothing accesses, moved between two pages */
    u64 bar_a = 0xF0000000ull | 2u << 4 | 2u;   /* outer shareable, XN */
    u64 bar_b = 0xF0001000ull | 2u << 4 | 2u;
    u64 lar = 0xF0000FC0ull | 1u << 1 | 1u;      /* Device, enabled */
    u64 sel = TM_SPARE_REGION, t;
    __asm__ volatile("1:\n"
                     " msr S3_4_C6_C2_1, %[sel]\n isb\n"       /* PRSELR_EL2 */
                     " msr S3_4_C6_C8_0, %[a]\n"              /* PRBAR_EL2 */
                     " msr S3_4_C6_C8_1, %[lar]\n"            /* PRLAR_EL2 */
                     " dsb sy\n isb\n"
                     " mov %[t], %[a]\n mov %[a], %[b]\n mov %[b], %[t]\n"
                     " add %[lar], %[a], #0xFC0\n and %[lar], %[lar], #~0x3F\n orr %[lar], %[lar], #3\n"
                     " subs %[n], %[n], #1\n b.ne 1b\n"
                     : [n] "+r"(n), [a] "+r"(bar_a), [b] "+r"(bar_b), [lar] "+r"(lar), [t] "=&r"(t)
                     : [sel] "r"(sel)
                     : "cc", "memory");
}

int main(void)
{
    if (!tm_profile_r()) {
        puts_("mpu benchmark: profile r only, skipped\n");
        return 0;
    }
    tm_caches_on();
    mpu_reprogram(ITERS);
    puts_("mpu reprogramming done\n");
    return 0;
}
