/* Loads and stores in every addressing mode and size: unsigned offset,
 * unscaled, pre/post-index, register offset with extend and shift,
 * literal, pairs (incl. LDPSW), sign-extending loads, LDTR/STTR (at EL2
 * they act as ordinary accesses), prefetch, unaligned and page-crossing
 * accesses.  Prints a hash per group; the reference is QEMU's output. */
#include "lib/rt.h"

static unsigned char buf[8192] __attribute__((aligned(4096)));
static u64 hash;

static void mix(u64 v)
{
    hash = (hash ^ v) * 0x100000001b3ull;
    hash ^= hash >> 29;
}

static void fill(void)
{
    for (unsigned k = 0; k < sizeof buf; k++)
        buf[k] = (unsigned char)(k * 37 + (k >> 8) * 11 + 0x85);
}

static void report(const char *name)
{
    puts_(name);
    puts_(" ");
    put_hex(hash);
    puts_("\n");
    hash = 0xcbf29ce484222325ull;
}

static u64 lit_word __attribute__((used)) = 0;

int main(void)
{
    unsigned char *p = buf + 256;
    u64 r0, r1, r2, r3, base;
    fill();
    hash = 0xcbf29ce484222325ull;

    /* unsigned offset, all sizes, zero and sign extension */
    for (int k = 0; k < 64; k++) {
        unsigned char *q = p + 8 * k;
        __asm__ volatile("ldrb %w0, [%4, #1]\n ldrsb %1, [%4, #3]\n ldrh %w2, [%4, #2]\n ldrsh %w3, [%4, #6]"
                         : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(q) : "memory");
        mix(r0); mix(r1); mix(r2); mix(r3);
        __asm__ volatile("ldr %w0, [%4, #4]\n ldrsw %1, [%4, #8]\n ldr %2, [%4, #16]\n ldrsh %3, [%4, #4094]"
                         : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(q) : "memory");
        mix(r0); mix(r1); mix(r2); mix(r3);
    }
    report("uimm");

    /* unscaled, negative offsets */
    for (int k = 0; k < 32; k++) {
        unsigned char *q = p + 64 + 3 * k;
        __asm__ volatile("ldur %0, [%4, #-1]\n ldursw %1, [%4, #-255]\n ldurh %w2, [%4, #255]\n ldursb %w3, [%4, #-7]"
                         : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(q) : "memory");
        mix(r0); mix(r1); mix(r2); mix(r3);
    }
    report("unscaled");

    /* pre/post index with writeback */
    base = (u64)(p + 512);
    for (int k = 0; k < 32; k++) {
        __asm__ volatile("ldr %0, [%2, #16]!\n ldrh %w1, [%2], #-6" : "=&r"(r0), "=&r"(r1), "+r"(base) : : "memory");
        mix(r0); mix(r1); mix(base - (u64)buf);
        __asm__ volatile("strb %w2, [%1, #-3]!\n ldrsb %0, [%1], #5" : "=&r"(r0), "+r"(base) : "r"((u64)k * 77) : "memory");
        mix(r0); mix(base - (u64)buf);
    }
    report("index");

    /* register offset: lsl, uxtw, sxtw, sxtx */
    for (int k = -16; k < 16; k++) {
        u64 idx = (u64)(s64)k;
        __asm__ volatile("ldr %0, [%4, %5, lsl #3]\n ldrh %w1, [%4, %w5, sxtw #1]\n ldrb %w2, [%4, %5]\n ldrsw %3, [%4, %5, sxtx #2]"
                         : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(p + 1024), "r"(idx) : "memory");
        mix(r0); mix(r1); mix(r2); mix(r3);
        u64 u = (u64)(k + 16);
        __asm__ volatile("str %w2, [%1, %w3, uxtw #2]\n ldr %w0, [%1, %w3, uxtw #2]"
                         : "=&r"(r0) : "r"(p + 2048), "r"(u * 0x01010101u), "r"(u) : "memory");
        mix(r0);
    }
    report("regoff");

    /* pairs */
    base = (u64)(p + 3000) & ~15ull;
    for (int k = 0; k < 16; k++) {
        __asm__ volatile("ldp %0, %1, [%4, #-64]\n ldpsw %2, %3, [%4, #8]"
                         : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(base) : "memory");
        mix(r0); mix(r1); mix(r2); mix(r3);
        __asm__ volatile("stp %w2, %w3, [%1, #16]!\n ldp %w0, %w2, [%1], #-8"
                         : "=&r"(r0), "+r"(base), "+r"(r1) : "r"(r2) : "memory");
        mix(r0); mix(r1); mix(base - (u64)buf);
        __asm__ volatile("stnp %1, %2, [%0, #32]\n ldnp %1, %2, [%0, #24]" : "+r"(base), "+r"(r0), "+r"(r3) : : "memory");
        mix(r0); mix(r3);
    }
    report("pairs");

    /* stores of every size, then read back as one word */
    for (int k = 0; k < 32; k++) {
        unsigned char *q = p + 4096 + 16 * k;
        u64 v = 0x0102030405060708ull * (u64)(k + 1);
        __asm__ volatile("str %1, [%0]\n strh %w1, [%0, #3]\n strb %w1, [%0, #6]\n stur %w1, [%0, #9]\n sttr %1, [%0, #-8]\n ldtr %1, [%0, #-8]"
                         : : "r"(q), "r"(v) : "memory");
        u64 w0, w1;
        __asm__ volatile("ldr %0, [%2]\n ldr %1, [%2, #8]" : "=&r"(w0), "=&r"(w1) : "r"(q) : "memory");
        mix(w0); mix(w1);
    }
    report("stores");

    /* literal loads and prefetch */
    __asm__ volatile("b 1f\n .balign 8\n 2: .quad 0x1122334455667788\n 3: .word 0x80000001\n"
                     "1: ldr %0, 2b\n ldr %w1, 3b\n ldrsw %2, 3b\n prfm pldl1keep, [%3]\n prfm pstl2strm, 2b\n"
                     "prfum pldl3keep, [%3, #-1]"
                     : "=&r"(r0), "=&r"(r1), "=&r"(r2) : "r"(p) : "memory");
    mix(r0); mix(r1); mix(r2);
    report("literal");

    /* unaligned (SCTLR_EL2.A is clear) and across the page boundary */
    for (int k = 1; k < 16; k++) {
        unsigned char *q = buf + 4096 - k;
        __asm__ volatile("ldr %0, [%3]\n ldr %w1, [%3, #1]\n ldrh %w2, [%3, #2]" : "=&r"(r0), "=&r"(r1), "=&r"(r2) : "r"(q) : "memory");
        mix(r0); mix(r1); mix(r2);
        __asm__ volatile("str %1, [%0, #-3]" : : "r"(q), "r"(r0 ^ 0xa5a5a5a5a5a5a5a5ull) : "memory");
        __asm__ volatile("sub x9, %2, #5\n ldp %w0, %w1, [x9]" : "=&r"(r0), "=&r"(r1) : "r"(q) : "x9", "memory");
        mix(r0); mix(r1);
    }
    report("unaligned");

    /* SP-based accesses */
    __asm__ volatile("sub sp, sp, #32\n stp %2, %3, [sp]\n ldr %0, [sp, #8]\n ldrb %w1, [sp, #1]\n add sp, sp, #32"
                     : "=&r"(r0), "=&r"(r1) : "r"(0x1234ull), "r"(0xabcdull) : "memory");
    check("sp ldr", r0, 0xabcd);
    check("sp ldrb", r1, 0x12);
    return checks_failed();
}
