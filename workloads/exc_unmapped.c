/* Accesses to addresses with nothing behind them (above the 1 GiB of RAM
 * on the virt machine): loads and stores of every size, pairs, an
 * exclusive, and an instruction fetch, at EL2, at EL1 and at EL0.  Each
 * is a synchronous external abort; the handler prints ESR/ELR/SPSR/FAR
 * and steps over the access (a fetch returns to the saved link).  QEMU's
 * output is the reference. */
#include "lib/rt.h"

extern char __stack_el1_top[], __stack_el0_top[];

#define HCR_RW (1ull << 31)
#define HOLE   0x90000000ull        /* nothing there on virt with 1 GiB */

static void report(const char *who, u64 esr, u64 elr, u64 spsr, u64 far)
{
    puts_(who);
    puts_(" ec=");
    put_hex(esr >> 26);
    puts_(" esr=");
    put_hex(esr);
    puts_(" elr=");
    put_hex(elr);
    puts_(" spsr=");
    put_hex(spsr);
    puts_(" far=");
    put_hex(far);
    puts_("\n");
}

/* Data aborts step over the access; an instruction abort returns to x30
 * (the fetch was a BLR into the hole). */
static u64 resume_at(unsigned ec, u64 elr, const struct frame *f)
{
    return ec == 0x20 || ec == 0x21 ? f->x[30] : elr + 4;
}

static void el2_final(void);

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2);
    unsigned ec = (unsigned)(esr >> 26);
    if (ec == 0x16 && (esr & 0xffff) == 0xfff) {
        write_sysreg(elr_el2, (u64)el2_final);
        write_sysreg(spsr_el2, 0x3c9);
        return;
    }
    report("el2", esr, elr, read_sysreg(spsr_el2), read_sysreg(far_el2));
    write_sysreg(elr_el2, resume_at(ec, elr, f));
    (void)idx;
}

void exc_el1(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1);
    unsigned ec = (unsigned)(esr >> 26);
    if (ec == 0x15 && (esr & 0xffff) == 0xfff) {
        __asm__ volatile("hvc #0xfff");
        return;
    }
    report("el1", esr, elr, read_sysreg(spsr_el1), read_sysreg(far_el1));
    write_sysreg(elr_el1, resume_at(ec, elr, f));
    (void)idx;
}

/* The same accesses at every EL; registers differ so SRT varies. */
static void __attribute__((noinline)) touch_hole(void)
{
    u64 a = HOLE;
    __asm__ volatile("ldrb w3, [%0]" ::"r"(a) : "x3", "memory");
    __asm__ volatile("ldrh w4, [%0, #2]" ::"r"(a) : "x4", "memory");
    __asm__ volatile("ldr w5, [%0, #4]" ::"r"(a) : "x5", "memory");
    __asm__ volatile("ldr x6, [%0, #8]" ::"r"(a) : "x6", "memory");
    __asm__ volatile("ldrsh x7, [%0, #16]" ::"r"(a) : "x7", "memory");
    __asm__ volatile("strb w8, [%0, #24]" ::"r"(a) : "memory");
    __asm__ volatile("strh w9, [%0, #26]" ::"r"(a) : "memory");
    __asm__ volatile("str w10, [%0, #28]" ::"r"(a) : "memory");
    __asm__ volatile("str x11, [%0, #32]" ::"r"(a) : "memory");
    __asm__ volatile("ldp x12, x13, [%0, #48]" ::"r"(a) : "x12", "x13", "memory");
    __asm__ volatile("stp x12, x13, [%0, #64]" ::"r"(a) : "memory");
    __asm__ volatile("ldr x14, [%0, #0x80]!" : "+r"(a) : : "x14", "memory");
    a = 0x100000000ull;             /* 4 GiB: nothing there either */
    __asm__ volatile("ldr x15, [%0]" ::"r"(a) : "x15", "memory");
    /* an instruction fetch from the hole */
    __asm__ volatile("blr %0" ::"r"(HOLE + 0x100)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
                       "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory");
}

static void __attribute__((noinline)) el0_main(void)
{
    touch_hole();
    __asm__ volatile("svc #0xfff");
    for (;;)
        ;
}

static void __attribute__((noinline)) el1_main(void)
{
    puts_("el1:\n");
    touch_hole();
    puts_("el0:\n");
    write_sysreg(sp_el0, (u64)__stack_el0_top);
    write_sysreg(elr_el1, (u64)el0_main);
    write_sysreg(spsr_el1, 0x3c0);
    __asm__ volatile("eret");
}

static void el2_final(void)
{
    puts_("exc_unmapped: done\n");
    rt_exit(0);
}

int main(void)
{
    puts_("el2:\n");
    touch_hole();
    write_sysreg(hcr_el2, HCR_RW);
    write_sysreg(sp_el1, (u64)__stack_el1_top);
    write_sysreg(elr_el2, (u64)el1_main);
    write_sysreg(spsr_el2, 0x3c5);
    __asm__ volatile("eret");
    return 1;
}
