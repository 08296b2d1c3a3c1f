/* Exclusives, acquire/release and (when ID_AA64ISAR0_EL1.Atomic says they
 * exist) LSE atomics.  On a Cortex-A57 there is no LSE, so that part only
 * reports its absence; the unit tests check LSE on the profile r core. */
#include "lib/rt.h"

static u64 word __attribute__((aligned(16)));
static u64 pair[2] __attribute__((aligned(16)));
static u32 w32 __attribute__((aligned(8)));

static u64 ldxr_add(u64 *p, u64 v, unsigned *tries)
{
    u64 old, status;
    unsigned n = 0;
    do {
        n++;
        __asm__ volatile("ldaxr %0, [%2]\n add x9, %0, %3\n stlxr %w1, x9, [%2]"
                         : "=&r"(old), "=&r"(status) : "r"(p), "r"(v) : "x9", "memory");
    } while (status);
    *tries = n;
    return old;
}

int main(void)
{
    unsigned tries;
    u64 r, st, a, b;

    word = 40;
    r = ldxr_add(&word, 2, &tries);
    check("ldaxr/stlxr old", r, 40);
    check("ldaxr/stlxr new", word, 42);
    check("ldaxr/stlxr first try", tries, 1);

    /* a store-exclusive without a load-exclusive fails */
    __asm__ volatile("clrex\n stxr %w0, %1, [%2]" : "=&r"(st) : "r"(7ull), "r"(&word) : "memory");
    check("stxr without monitor fails", st, 1);
    check("memory unchanged", word, 42);

    /* clrex between the pair makes the store fail */
    __asm__ volatile("ldxr %0, [%2]\n clrex\n stxr %w1, %0, [%2]" : "=&r"(r), "=&r"(st) : "r"(&word) : "memory");
    check("clrex clears the monitor", st, 1);

    /* byte, halfword and word exclusives */
    w32 = 0x11223344;
    __asm__ volatile("ldxrb %w0, [%2]\n add %w0, %w0, #1\n stxrb %w1, %w0, [%2]" : "=&r"(r), "=&r"(st) : "r"(&w32) : "memory");
    check("stxrb status", st, 0);
    check("stxrb value", w32, 0x11223345);
    __asm__ volatile("ldxrh %w0, [%2]\n add %w0, %w0, #0x100\n stxrh %w1, %w0, [%2]" : "=&r"(r), "=&r"(st) : "r"(&w32) : "memory");
    check("stxrh value", w32, 0x11223445);
    __asm__ volatile("ldaxr %w0, [%2]\n eor %w0, %w0, #0xff000000\n stlxr %w1, %w0, [%2]" : "=&r"(r), "=&r"(st) : "r"(&w32) : "memory");
    check("stlxr w value", w32, 0xee223445);

    /* pairs */
    pair[0] = 1;
    pair[1] = 2;
    __asm__ volatile("ldxp %0, %1, [%3]\n add %0, %0, #10\n add %1, %1, #20\n stxp %w2, %0, %1, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair) : "memory");
    check("stxp status", st, 0);
    check("stxp lo", pair[0], 11);
    check("stxp hi", pair[1], 22);
    __asm__ volatile("ldaxp %w0, %w1, [%3]\n stlxp %w2, %w1, %w0, [%3]" : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair) : "memory");
    check("stlxp w swap", pair[0], 0x0000000b00000000ull);

    /* acquire / release */
    __asm__ volatile("stlr %1, [%2]\n ldar %0, [%2]" : "=&r"(r) : "r"(0x5a5aull), "r"(&word) : "memory");
    check("stlr/ldar", r, 0x5a5a);
    __asm__ volatile("stlrh %w1, [%2]\n ldarb %w0, [%2]" : "=&r"(r) : "r"(0xbeefull), "r"(&word) : "memory");
    check("stlrh/ldarb", r, 0xef);

    u64 isar0 = read_sysreg(ID_AA64ISAR0_EL1);
    if (((isar0 >> 20) & 0xf) >= 2) {
        puts_("lse: present\n");
        word = 5;
        __asm__ volatile(".arch_extension lse\n ldaddal %1, %0, [%2]" : "=&r"(r) : "r"(3ull), "r"(&word) : "memory");
        check("ldaddal old", r, 5);
        check("ldaddal new", word, 8);
    } else {
        puts_("lse: not implemented\n");
    }
    return checks_failed();
}
