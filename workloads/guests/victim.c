/* victim: a well-behaved guest that shares the machine with a hostile one
 * (linked at the second domain's base, 0x61000000).  It fills a buffer with
 * a pattern, takes checksums of its own image (text, rodata, data) and of
 * the buffer, then yields (SCHEDOP_yield) ROUNDS times, checking the buffer
 * after every yield, while the other domain attacks.  At the end it
 * checks both again and prints "victim: memory intact" or what changed.
 * It also leaves values in its EL1 MPU registers (region 5, with its MPU
 * off): on a core it shares with the other domain they are the vCPU's
 * state, which the hypervisor saves and restores at every switch.
 * Whatever the other domain did, nothing of this domain may change. */
#include "guests/guest.h"

#define ROUNDS 1500
#define WORDS 1024

extern char __image_start[], __bss_start[];

#define MPU_REGION 5
#define MPU_PRBAR (0x61000000ul | 0x2)  /* its own memory's base, XN */
#define MPU_PRLAR (0x61FFFFC0ul | 0x1)  /* limit, enabled */

static uint64_t buffer[WORDS];

static void mpu_set(void)
{
    __asm__ volatile("msr S3_0_C6_C2_1, %0\n\tisb\n\t"
                     "msr S3_0_C6_C8_0, %1\n\t"
                     "msr S3_0_C6_C8_1, %2\n\tisb"
                     ::"r"((uint64_t)MPU_REGION), "r"(MPU_PRBAR), "r"(MPU_PRLAR) : "memory");
}

/* 0 when the selector and region 5 still hold what mpu_set wrote. */
static unsigned mpu_changed(void)
{
    uint64_t sel, bar, lar;
    __asm__ volatile("mrs %0, S3_0_C6_C2_1" : "=r"(sel));
    __asm__ volatile("msr S3_0_C6_C2_1, %0\n\tisb" ::"r"((uint64_t)MPU_REGION) : "memory");
    __asm__ volatile("mrs %0, S3_0_C6_C8_0\n\tmrs %1, S3_0_C6_C8_1" : "=r"(bar), "=r"(lar));
    return (sel != MPU_REGION) + 2 * (bar != MPU_PRBAR) + 4 * (lar != MPU_PRLAR);
}

/* Fletcher-like: position-dependent, so that swapped words show. */
static uint64_t checksum(const volatile uint64_t *p, uint64_t n)
{
    uint64_t a = 0, b = 0;
    for (uint64_t i = 0; i < n; i++) {
        a += p[i] ^ 0x9E3779B97F4A7C15ull;
        b += a;
    }
    return a ^ (b << 1);
}

static uint64_t pattern(unsigned i)
{
    return (uint64_t)i * 0x0101010101010101ull ^ 0xA5A55A5AC3C33C3Cull;
}

static uint64_t image_sum(void)
{
    /* everything the image loaded: text, vectors, rodata and data */
    uint64_t n = (uint64_t)(__bss_start - __image_start) / 8;
    return checksum((const volatile uint64_t *)__image_start, n);
}

int main(void)
{
    for (unsigned i = 0; i < WORDS; i++)
        buffer[i] = pattern(i);
    mpu_set();
    const uint64_t image0 = image_sum();
    const uint64_t buf0 = checksum(buffer, WORDS);
    unsigned bad_rounds = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        hypercall3(HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
        if (checksum(buffer, WORDS) != buf0)
            bad_rounds++;
    }
    unsigned bad_words = 0;
    for (unsigned i = 0; i < WORDS; i++)
        bad_words += buffer[i] != pattern(i);
    const uint64_t image1 = image_sum();
    const unsigned mpu = mpu_changed();
    if (image1 == image0 && bad_words == 0 && bad_rounds == 0 && mpu == 0) {
        guest_puts("victim: memory intact\n");
        return 0;
    }
    guest_puts("victim: memory CHANGED: image checksum ");
    guest_put_hex(image0);
    guest_puts(" -> ");
    guest_put_hex(image1);
    guest_puts(", buffer words changed ");
    guest_put_hex(bad_words);
    guest_puts(", rounds that saw a change ");
    guest_put_hex(bad_rounds);
    guest_puts(", EL1 MPU registers changed ");
    guest_put_hex(mpu);
    guest_puts("\n");
    return 1;
}
