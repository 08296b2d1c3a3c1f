/* The GICv3 with the generic timer: the distributor and the boot core's
 * redistributor are set up at EL2, then
 *   1. the EL2 physical timer (CNTHP, PPI 26) interrupts a WFI at EL2,
 *   2. the EL1 physical timer (CNTP, PPI 30) interrupts a WFI at EL1,
 *   3. a list register injects virtual INTID 42 into EL1, which
 *      acknowledges and ends it through ICC_IAR1/EOIR1 (the ICV view),
 *   4. an SGI the core sends itself is taken at EL2.
 * Each handler acknowledges with ICC_IAR1_EL1 and ends with
 * ICC_EOIR1_EL1; what they saw is printed.  QEMU's output is the
 * reference. */
#include "lib/rt.h"

#define GICD 0x08000000ul
#define GICR 0x080A0000ul
#define SGI_BASE 0x10000ul

#define HCR_RW (1ull << 31)
#define HCR_IMO (1ull << 4)

static volatile u32 *reg(u64 a)
{
    return (volatile u32 *)a;
}

static volatile u64 taken_intid, taken_count;

static void take(u64 idx, int el)
{
    u64 id = read_sysreg(S3_0_C12_C12_0);   /* ICC_IAR1_EL1 */
    puts_(el == 2 ? "el2 irq vec=" : "el1 irq vec=");
    put_dec((s64)idx);
    puts_(" intid=");
    put_dec((s64)id);
    puts_("\n");
    if (id == 26)
        write_sysreg(cnthp_ctl_el2, 0);
    if (id == 30)
        write_sysreg(cntp_ctl_el0, 0);
    write_sysreg(S3_0_C12_C12_1, id);       /* ICC_EOIR1_EL1 */
    isb();
    taken_intid = id;
    taken_count++;
}

static void el2_after(void);

void exc_el2(struct frame *f __attribute__((unused)), u64 idx)
{
    if (idx == 5) {   /* IRQ, current EL with SPx */
        take(idx, 2);
        return;
    }
    u64 esr = read_sysreg(esr_el2);
    if ((esr >> 26) == 0x16) {   /* HVC from EL1: back to EL2 */
        write_sysreg(elr_el2, (u64)el2_after);
        write_sysreg(spsr_el2, 0x3c9);
        return;
    }
    put_kv("unexpected el2 esr", esr);
    rt_exit(1);
}

void exc_el1(struct frame *f __attribute__((unused)), u64 idx)
{
    if (idx == 5) {
        take(idx, 1);
        return;
    }
    put_kv("unexpected el1 esr", read_sysreg(esr_el1));
    rt_exit(1);
}

/* Called with IRQs masked.  The count is tested while masked and WFI wakes
 * on a pending interrupt even so; the interrupt is then taken in the short
 * unmasked window.  (Testing with IRQs unmasked loses a wake-up when the
 * interrupt lands between the test and the WFI: the core then sleeps with
 * nothing left to wake it.) */
static void wait_for(u64 count)
{
    while (taken_count < count) {
        __asm__ volatile("wfi");
        __asm__ volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::: "memory");
    }
}

static void gic_init(void)
{
    reg(GICD)[0] = 0x12;                           /* ARE, EnableGrp1 */
    reg(GICR + 0x14)[0] &= ~2u;                    /* WAKER.ProcessorSleep */
    while (reg(GICR + 0x14)[0] & 4)                /* ChildrenAsleep */
        ;
    reg(GICR + SGI_BASE + 0x80)[0] = 0xFFFFFFFF;   /* IGROUPR0: group 1 */
    for (unsigned i = 0; i < 8; i++)
        reg(GICR + SGI_BASE + 0x400)[i] = 0x80808080;
    reg(GICR + SGI_BASE + 0x100)[0] = 1u << 26 | 1u << 30 | 1u << 7;   /* ISENABLER0 */
    write_sysreg(S3_4_C12_C9_5, 0xF);              /* ICC_SRE_EL2: SRE, Enable */
    isb();
    write_sysreg(S3_0_C4_C6_0, 0xF0);              /* ICC_PMR_EL1 */
    write_sysreg(S3_0_C12_C12_7, 1);               /* ICC_IGRPEN1_EL1 */
    isb();
    check("sre_el2.sre", read_sysreg(S3_4_C12_C9_5) & 1, 1);
    check("pfr0.gic", (read_sysreg(id_aa64pfr0_el1) >> 24) & 0xF, 1);
    check("gicd.typer.lines", 32 * ((reg(GICD + 4)[0] & 0x1F) + 1), 256);
    check("gicr.typer.affinity", reg(GICR + 12)[0], 0);
}

static void el1_main(void)
{
    write_sysreg(S3_0_C12_C12_5, 7);   /* ICC_SRE_EL1 */
    isb();
    /* 2: EL1 physical timer */
    write_sysreg(cntp_tval_el0, 2000);
    write_sysreg(cntp_ctl_el0, 1);
    wait_for(2);
    __asm__ volatile("hvc #1");
}

static void el1_virtual(void)
{
    wait_for(3);
    check("icv.rpr.idle", read_sysreg(S3_0_C12_C11_3), 0xFF);
    __asm__ volatile("hvc #2");
}

static void to_el1(void (*fn)(void))
{
    extern char __stack_el1_top[];
    write_sysreg(sp_el1, (u64)__stack_el1_top);
    write_sysreg(elr_el2, (u64)fn);
    write_sysreg(spsr_el2, 0x3c5);     /* EL1h, DAIF masked */
    __asm__ volatile("eret");
}

static int phase;

static void el2_after(void)
{
    phase++;
    if (phase == 1) {
        check("el1 timer intid", taken_intid, 30);
        /* 3: a virtual interrupt from a list register */
        write_sysreg(S3_4_C12_C11_7, 0xF0ull << 24 | 2);   /* ICH_VMCR_EL2: VPMR, VENG1 */
        write_sysreg(S3_4_C12_C11_0, 1);                   /* ICH_HCR_EL2.En */
        write_sysreg(S3_4_C12_C12_0, 1ull << 62 | 1ull << 60 | 0xA0ull << 48 | 42);
        write_sysreg(hcr_el2, HCR_RW | HCR_IMO);
        isb();
        check("elrsr before", read_sysreg(S3_4_C12_C11_5) & 1, 0);
        to_el1(el1_virtual);
    }
    write_sysreg(hcr_el2, HCR_RW);
    isb();
    check("virtual intid", taken_intid, 42);
    check("lr0 state after eoi", read_sysreg(S3_4_C12_C12_0) >> 62, 0);
    check("elrsr after", read_sysreg(S3_4_C12_C11_5) & 1, 1);
    write_sysreg(S3_4_C12_C11_0, 0);
    /* 4: an SGI to this core (Aff0 0 in TargetList) */
    write_sysreg(hcr_el2, HCR_RW | HCR_IMO);
    isb();
    write_sysreg(S3_0_C12_C11_5, 7ull << 24 | 1);   /* ICC_SGI1R_EL1: INTID 7 */
    isb();
    wait_for(4);
    check("sgi intid", taken_intid, 7);
    rt_exit(checks_failed());
}

int main(void)
{
    gic_init();
    write_sysreg(cnthctl_el2, 3);
    /* 1: EL2 physical timer, taken at EL2 (HCR_EL2.IMO routes IRQs to EL2) */
    write_sysreg(hcr_el2, HCR_RW | HCR_IMO);
    isb();
    write_sysreg(cnthp_tval_el2, 2000);
    write_sysreg(cnthp_ctl_el2, 1);
    wait_for(1);
    check("el2 timer intid", taken_intid, 26);
    write_sysreg(hcr_el2, HCR_RW);   /* IRQs to EL1 */
    isb();
    to_el1(el1_main);
    return 1;
}
