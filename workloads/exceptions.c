/* Exception round trips: starts at EL2, drops to EL1, then to EL0, and
 * takes SVC, HVC, SMC (trapped), undefined instructions, system register
 * traps (HCR_EL2.TVM, SCTLR_EL1.UCT), WFI traps, data aborts (external,
 * alignment), SP and PC alignment faults, BRK, and an illegal exception
 * return.  Each handler prints ESR/ELR/SPSR (and FAR for aborts) in hex;
 * QEMU's output is the reference. */
#include "lib/rt.h"

extern char __stack_el1_top[], __stack_el0_top[];

#define HCR_RW  (1ull << 31)
#define HCR_TVM (1ull << 26)
#define HCR_TSC (1ull << 19)
#define HCR_TWI (1ull << 13)

static volatile u64 resume_pc;   /* where a handler returns when ELR is unusable */
static u64 scratch[4] __attribute__((aligned(16)));

static void report(const char *who, u64 idx, u64 esr, u64 elr, u64 spsr, u64 far)
{
    unsigned ec = (unsigned)(esr >> 26);
    puts_(who);
    puts_(" vec=");
    put_dec((s64)idx);
    puts_(" ec=");
    put_hex(ec);
    puts_(" esr=");
    put_hex(esr);
    puts_(" elr=");
    put_hex(elr);
    puts_(" spsr=");
    put_hex(spsr);
    if (ec == 0x20 || ec == 0x21 || ec == 0x22 || ec == 0x24 || ec == 0x25) {
        puts_(" far=");
        put_hex(far);
    }
    puts_("\n");
}

/* Whether ELR points at the instruction that caused the exception (so the
 * handler must step over it) rather than after it. */
static int elr_at_insn(unsigned ec)
{
    return ec != 0x15 && ec != 0x16;
}

static void el2_final(void);

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2), spsr = read_sysreg(spsr_el2);
    unsigned ec = (unsigned)(esr >> 26);
    report("el2", idx, esr, elr, spsr, read_sysreg(far_el2));
    if (ec == 0x16 && (esr & 0xffff) == 0xfff) {
        /* the lower ELs are done: continue at EL2 */
        write_sysreg(elr_el2, (u64)el2_final);
        write_sysreg(spsr_el2, 0x3c9);
        return;
    }
    if (ec == 0x0e) {
        write_sysreg(elr_el2, resume_pc);
        write_sysreg(spsr_el2, 0x3c9);
        return;
    }
    if (elr_at_insn(ec))
        write_sysreg(elr_el2, elr + 4);
    (void)f;
}

void exc_el1(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1), spsr = read_sysreg(spsr_el1);
    unsigned ec = (unsigned)(esr >> 26);
    report("el1", idx, esr, elr, spsr, read_sysreg(far_el1));
    if (ec == 0x15 && (esr & 0xffff) == 0x3ff) {
        /* EL0 is done: hand over to EL2 */
        __asm__ volatile("hvc #0xfff");
        return;
    }
    if (ec == 0x22 || ec == 0x26) {
        write_sysreg(elr_el1, resume_pc);
        return;
    }
    if (elr_at_insn(ec))
        write_sysreg(elr_el1, elr + 4);
    (void)f;
}

static void __attribute__((noinline)) el0_main(void)
{
    __asm__ volatile("svc #0x300");
    __asm__ volatile("hvc #0x301");
    __asm__ volatile("brk #0x302");
    __asm__ volatile("mrs x0, sctlr_el1" ::: "x0");
    __asm__ volatile("mrs x0, ctr_el0" ::: "x0");
    /* (No SP alignment fault here: QEMU does not implement SP alignment
     * checking, so the unit tests cover it instead.) */
    __asm__ volatile("wfi");
    __asm__ volatile("svc #0x3ff");
    for (;;)
        ;
}

static void __attribute__((noinline)) el1_main(void)
{
    puts_("el1: running\n");
    put_kv("el1 currentel", read_sysreg(CurrentEL));
    __asm__ volatile("svc #0x101");
    __asm__ volatile("hvc #0x102");
    __asm__ volatile(".inst 0x00000000");
    __asm__ volatile("mrs x0, hcr_el2" ::: "x0");
    __asm__ volatile("msr sctlr_el1, %0" ::"r"(read_sysreg(sctlr_el1)));
    __asm__ volatile("mrs x0, ttbr0_el1" ::: "x0");
    __asm__ volatile("wfi");
    __asm__ volatile("smc #0x103");
    /* external abort: nothing at 0x80000000 */
    __asm__ volatile("ldr x0, [%0]" ::"r"(0x80000000ull) : "x0", "memory");
    /* alignment fault: SCTLR_EL1.A was set by EL2 */
    __asm__ volatile("ldr w0, [%0, #1]" ::"r"(scratch) : "x0", "memory");
    __asm__ volatile("str x0, [%0, #3]" ::"r"(scratch) : "x0", "memory");
    /* PC alignment fault */
    __asm__ volatile("adr x9, 1f\n"
                     "str x9, [%0]\n"
                     "add x9, x9, #2\n"
                     "br x9\n"
                     "1:\n"
                     :
                     : "r"(&resume_pc)
                     : "x9", "memory");
    puts_("el1: to el0\n");
    write_sysreg(sp_el0, (u64)__stack_el0_top);
    write_sysreg(elr_el1, (u64)el0_main);
    write_sysreg(spsr_el1, 0x3c0);
    __asm__ volatile("eret");
}

static void el2_final(void)
{
    puts_("el2: back, illegal return test\n");
    /* ERET to EL3 (not implemented): an illegal return, PSTATE.IL set, and
     * the next instruction takes an Illegal Execution State exception. */
    __asm__ volatile("adr x9, 1f\n"
                     "str x9, [%0]\n"
                     "adr x9, 2f\n"
                     "msr elr_el2, x9\n"
                     "mov x9, #0x3cd\n"
                     "msr spsr_el2, x9\n"
                     "eret\n"
                     "2: nop\n"
                     "1:\n"
                     :
                     : "r"(&resume_pc)
                     : "x9", "memory");
    put_kv("el2 currentel", read_sysreg(CurrentEL));
    puts_("exceptions: done\n");
    rt_exit(0);
}

int main(void)
{
    put_kv("el2 currentel", read_sysreg(CurrentEL));
    __asm__ volatile("svc #0x1");
    __asm__ volatile("hvc #0x2");
    __asm__ volatile(".inst 0x00000000");
    __asm__ volatile("ldr x0, [%0]" ::"r"(0x80000000ull) : "x0", "memory");
    __asm__ volatile("ldr x0, [%0]" ::"r"(0x10000000000000ull) : "x0", "memory");

    puts_("el2: to el1\n");
    write_sysreg(hcr_el2, HCR_RW | HCR_TVM | HCR_TSC | HCR_TWI);
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 2);   /* A: alignment checks */
    write_sysreg(sp_el1, (u64)__stack_el1_top);
    write_sysreg(elr_el2, (u64)el1_main);
    write_sysreg(spsr_el2, 0x3c5);
    __asm__ volatile("eret");
    return 1;
}
