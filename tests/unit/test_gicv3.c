/* The GICv3 model (sim/dev_gicv3*.c) on the virt platform: reset values
 * and register behaviour from the GIC architecture specification (IHI
 * 0069), priority and acknowledge flow, SGIs between cores, timer PPIs,
 * the virtual CPU interface, and time passing while every core waits. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/dev_gicv3.h"
#include "sim/machine.h"
#include "tests/unit/check_run.h"

#define GICD 0x08000000ull
#define GICR 0x080A0000ull
#define SGI_BASE 0x10000ull

#define ICC_PMR_EL1 CPU_SYSREG_ENC(3, 0, 4, 6, 0)
#define ICC_IAR1_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 0)
#define ICC_EOIR1_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 1)
#define ICC_HPPIR1_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 2)
#define ICC_CTLR_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 4)
#define ICC_SRE_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 5)
#define ICC_IGRPEN1_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 7)
#define ICC_DIR_EL1 CPU_SYSREG_ENC(3, 0, 12, 11, 1)
#define ICC_RPR_EL1 CPU_SYSREG_ENC(3, 0, 12, 11, 3)
#define ICC_SGI1R_EL1 CPU_SYSREG_ENC(3, 0, 12, 11, 5)
#define ICC_AP1R0_EL1 CPU_SYSREG_ENC(3, 0, 12, 9, 0)
#define ICH_HCR_EL2 CPU_SYSREG_ENC(3, 4, 12, 11, 0)
#define ICH_VTR_EL2 CPU_SYSREG_ENC(3, 4, 12, 11, 1)
#define ICH_MISR_EL2 CPU_SYSREG_ENC(3, 4, 12, 11, 2)
#define ICH_ELRSR_EL2 CPU_SYSREG_ENC(3, 4, 12, 11, 5)
#define ICH_VMCR_EL2 CPU_SYSREG_ENC(3, 4, 12, 11, 7)
#define ICH_LR0_EL2 CPU_SYSREG_ENC(3, 4, 12, 12, 0)
#define ICH_LR4_EL2 CPU_SYSREG_ENC(3, 4, 12, 12, 4)
#define ID_AA64PFR0_EL1 CPU_SYSREG_ENC(3, 0, 0, 4, 0)
#define CNTP_CTL_EL0 CPU_SYSREG_ENC(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0 CPU_SYSREG_ENC(3, 3, 14, 2, 2)
#define CNTPCT_EL0 CPU_SYSREG_ENC(3, 3, 14, 0, 1)

static struct machine *m;

static void setup(void)
{
    struct machine_config cfg;
    struct msa_error e = {{0}};
    machine_config_default(&cfg);
    cfg.platform = "virt";
    cfg.cores = 2;
    ck_assert_msg(machine_create(&cfg, &m, &e) == 0, "%s", e.msg);
    for (unsigned i = 0; i < m->ncores; i++)
        cpu_reset(m->cores[i], 0x40000000);
}

static void teardown(void)
{
    machine_destroy(m);
    m = NULL;
}

static uint64_t rd(uint64_t pa, unsigned size)
{
    uint64_t v = 0;
    ck_assert_int_eq(bus_mmio_read(&m->bus, pa, size, &v), 0);
    return v;
}

static void wr(uint64_t pa, unsigned size, uint64_t v)
{
    ck_assert_int_eq(bus_mmio_write(&m->bus, pa, size, v), 0);
}

static uint64_t sr(unsigned core, uint32_t enc)
{
    uint64_t v = 0;
    ck_assert_int_eq(cpu_sysreg_get(m->cores[core], enc, &v), 0);
    return v;
}

static void sw(unsigned core, uint32_t enc, uint64_t v)
{
    ck_assert_int_eq(cpu_sysreg_set(m->cores[core], enc, v), 0);
}

/* The ICV_* view: an EL1 access with HCR_EL2.IMO set. */
static uint64_t vr(unsigned core, uint32_t enc)
{
    uint64_t v = 0;
    ck_assert_int_eq(gicv3_cpu_ops.read(machine_gic(m), m->cores[core], enc, true, &v), 0);
    return v;
}

static void vw(unsigned core, uint32_t enc, uint64_t v)
{
    ck_assert_int_eq(gicv3_cpu_ops.write(machine_gic(m), m->cores[core], enc, true, v), 0);
}

/* Distributor on for group 1, redistributors awake, interfaces enabled
 * with the priority mask open. */
static void enable_all(void)
{
    wr(GICD + 0x0, 4, 0x12);   /* ARE | EnableGrp1 */
    for (unsigned k = 0; k < m->ncores; k++) {
        wr(GICR + k * 0x20000 + 0x14, 4, 0);   /* WAKER.ProcessorSleep = 0 */
        wr(GICR + k * 0x20000 + SGI_BASE + 0x80, 4, 0xFFFFFFFF);   /* group 1 */
        sw(k, ICC_PMR_EL1, 0xF0);
        sw(k, ICC_IGRPEN1_EL1, 1);
    }
    for (unsigned n = 1; n < GICV3_NR_IRQS / 32; n++)
        wr(GICD + 0x80 + 4 * n, 4, 0xFFFFFFFF);
}

START_TEST(reset_values_follow_the_spec)
{
    uint64_t typer = rd(GICD + 0x4, 4);
    ck_assert_uint_eq(32 * ((typer & 0x1F) + 1), 256);   /* ITLinesNumber */
    ck_assert_uint_eq((typer >> 17) & 1, 0);              /* no LPIs */
    ck_assert_uint_eq((typer >> 19) & 0x1F, 15);          /* 16 INTID bits */
    ck_assert_uint_eq(rd(GICD + 0x8, 4), 0x43B);          /* IIDR */
    ck_assert_uint_eq((rd(GICD + 0xFFE8, 4) >> 4) & 0xF, 3); /* PIDR2.ArchRev */
    ck_assert_uint_eq(rd(GICD + 0x0, 4) & 0x50, 0x50);    /* ARE, DS */
    /* one redistributor per core: processor number, affinity, Last */
    uint64_t t0 = rd(GICR + 0x8, 8), t1 = rd(GICR + 0x20000 + 0x8, 8);
    ck_assert_uint_eq((t0 >> 8) & 0xFFFF, 0);
    ck_assert_uint_eq((t1 >> 8) & 0xFFFF, 1);
    ck_assert_uint_eq(t0 >> 32, 0);
    ck_assert_uint_eq(t1 >> 32, 1);
    ck_assert_uint_eq(t0 & 0x10, 0);
    ck_assert_uint_eq(t1 & 0x10, 0x10);
    ck_assert_uint_eq(t0 & 1, 0);                         /* PLPIS */
    ck_assert_uint_eq((rd(GICR + 0xFFE8, 4) >> 4) & 0xF, 3);
    ck_assert_uint_eq(rd(GICR + 0x20000 + 0xC, 4), 1);    /* upper TYPER word alone */
    /* WAKER: asleep at reset, ChildrenAsleep follows ProcessorSleep */
    ck_assert_uint_eq(rd(GICR + 0x14, 4), 0x6);
    wr(GICR + 0x14, 4, 0);
    ck_assert_uint_eq(rd(GICR + 0x14, 4), 0);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0xC00, 4), 0xAAAAAAAA);  /* SGIs edge */
    /* CPU interface */
    ck_assert_uint_eq((sr(0, ID_AA64PFR0_EL1) >> 24) & 0xF, 1);
    ck_assert_uint_eq(sr(0, ICC_SRE_EL1) & 1, 1);
    ck_assert_uint_eq((sr(0, ICC_CTLR_EL1) >> 8) & 7, 4);   /* 5 priority bits */
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 1023);
    ck_assert_uint_eq(sr(0, ICC_RPR_EL1), 0xFF);
    ck_assert_uint_eq(sr(0, ICH_VTR_EL2) & 0x1F, GICV3_NUM_LRS - 1);
    ck_assert_int_ne(cpu_sysreg_get(m->cores[0], ICH_LR4_EL2, &(uint64_t){0}), 0);
    /* an offset the model does not know reads as zero and is counted */
    uint64_t before = gicv3_get_stats(machine_gic(m))->unknown_reads;
    ck_assert_uint_eq(rd(GICD + 0x5000, 4), 0);
    ck_assert_uint_eq(gicv3_get_stats(machine_gic(m))->unknown_reads, before + 1);
}
END_TEST

START_TEST(set_clear_priority_and_routing_registers)
{
    wr(GICD + 0x104, 4, 0x00000300);   /* ISENABLER1: SPIs 40, 41 */
    wr(GICD + 0x104, 4, 0x00010000);   /* writing 0 bits changes nothing */
    ck_assert_uint_eq(rd(GICD + 0x104, 4), 0x00010300);
    wr(GICD + 0x184, 4, 0x00000100);   /* ICENABLER1: SPI 40 */
    ck_assert_uint_eq(rd(GICD + 0x184, 4), 0x00010200);
    ck_assert_uint_eq(rd(GICD + 0x100, 4), 0);   /* SGI/PPI copy: RAZ with ARE */
    wr(GICD + 0x400 + 41, 1, 0xFF);              /* byte access, 5 bits kept */
    ck_assert_uint_eq(rd(GICD + 0x400 + 40, 4), 0xF800);
    wr(GICD + 0x6000 + 8 * 41, 8, 0x0000000100000001ull);
    ck_assert_uint_eq(rd(GICD + 0x6000 + 8 * 41, 8), 0x0000000100000001ull);
    wr(GICR + SGI_BASE + 0x400, 4, 0x80706050);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0x400, 4), 0x80706050);
    ck_assert_uint_eq(rd(GICR + 0x20000 + SGI_BASE + 0x400, 4), 0);   /* banked per core */
}
END_TEST

START_TEST(highest_priority_is_acknowledged_first)
{
    enable_all();
    wr(GICD + 0x400 + 40, 1, 0x80);
    wr(GICD + 0x400 + 41, 1, 0x40);
    wr(GICD + 0x104, 4, 0x300);
    wr(GICD + 0x204, 4, 0x300);   /* ISPENDR1 */
    ck_assert(m->cores[0]->lines.irq);
    ck_assert(!m->cores[1]->lines.irq);   /* IROUTER = 0: core 0 */
    ck_assert_uint_eq(sr(0, ICC_HPPIR1_EL1), 41);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 41);
    ck_assert_uint_eq(sr(0, ICC_RPR_EL1), 0x40);
    ck_assert(!m->cores[0]->lines.irq);   /* 0x80 cannot preempt 0x40 */
    ck_assert_uint_eq(rd(GICD + 0x304, 4), 0x200);   /* 41 active */
    sw(0, ICC_EOIR1_EL1, 41);
    ck_assert_uint_eq(rd(GICD + 0x304, 4), 0);
    ck_assert(m->cores[0]->lines.irq);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 40);
    sw(0, ICC_EOIR1_EL1, 40);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 1023);
    ck_assert_uint_eq(sr(0, ICC_RPR_EL1), 0xFF);
    /* the priority mask hides what is not strictly higher */
    wr(GICD + 0x204, 4, 0x100);
    sw(0, ICC_PMR_EL1, 0x80);
    ck_assert(!m->cores[0]->lines.irq);
    sw(0, ICC_PMR_EL1, 0x88);
    ck_assert(m->cores[0]->lines.irq);
    /* IROUTER moves the SPI to core 1 */
    wr(GICD + 0x6000 + 8 * 40, 8, 1);
    ck_assert(!m->cores[0]->lines.irq);
    ck_assert(m->cores[1]->lines.irq);
}
END_TEST

START_TEST(eoimode_splits_priority_drop_and_deactivation)
{
    enable_all();
    wr(GICD + 0x104, 4, 0x1);
    wr(GICD + 0x204, 4, 0x1);   /* SPI 32 */
    sw(0, ICC_CTLR_EL1, 2);     /* EOImode = 1 */
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 32);
    sw(0, ICC_EOIR1_EL1, 32);
    ck_assert_uint_eq(sr(0, ICC_AP1R0_EL1), 0);
    ck_assert_uint_eq(rd(GICD + 0x304, 4), 1);   /* still active */
    sw(0, ICC_DIR_EL1, 32);
    ck_assert_uint_eq(rd(GICD + 0x304, 4), 0);
}
END_TEST

START_TEST(sgi_reaches_the_named_core_only)
{
    enable_all();
    for (unsigned k = 0; k < 2; k++)
        wr(GICR + k * 0x20000 + SGI_BASE + 0x100, 4, 0xFFFF);
    sw(0, ICC_SGI1R_EL1, 3ull << 24 | 0x2);   /* INTID 3 to Aff0 = 1 */
    ck_assert(!m->cores[0]->lines.irq);
    ck_assert(m->cores[1]->lines.irq);
    ck_assert_uint_eq(sr(1, ICC_IAR1_EL1), 3);
    sw(1, ICC_EOIR1_EL1, 3);
    /* IRM = 1: every core but the sender */
    sw(1, ICC_SGI1R_EL1, 1ull << 40 | 5ull << 24);
    ck_assert(m->cores[0]->lines.irq);
    ck_assert(!m->cores[1]->lines.irq);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 5);
    ck_assert_uint_eq(gicv3_get_stats(machine_gic(m))->sgis, 2);
}
END_TEST

START_TEST(timer_output_is_a_level_ppi)
{
    enable_all();
    wr(GICR + SGI_BASE + 0x100, 4, 1u << 30);   /* enable PPI 30 on core 0 */
    sw(0, CNTP_CVAL_EL0, 0);
    sw(0, CNTP_CTL_EL0, 1);                     /* fired: counter >= 0 */
    machine_gic_poll(m, 0, false, 0);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0x200, 4), 1u << 30);   /* pending */
    ck_assert(m->cores[0]->lines.irq);
    ck_assert(!m->cores[1]->lines.irq);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 30);
    sw(0, ICC_EOIR1_EL1, 30);
    ck_assert(m->cores[0]->lines.irq);          /* still asserted: pending again */
    sw(0, CNTP_CTL_EL0, 3);                     /* IMASK */
    machine_gic_poll(m, 0, false, 0);
    ck_assert(!m->cores[0]->lines.irq);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0x200, 4), 0);
}
END_TEST

START_TEST(waiting_cores_move_to_the_next_timer)
{
    ck_assert(!machine_gic_skip_idle(m));       /* nothing armed: deadlock */
    uint64_t now = sr(0, CNTPCT_EL0);
    sw(0, CNTP_CVAL_EL0, now + 5000);
    sw(0, CNTP_CTL_EL0, 1);
    ck_assert(machine_gic_skip_idle(m));
    ck_assert_uint_eq(sr(0, CNTPCT_EL0), now + 5000);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0x200, 4), 1u << 30);
    ck_assert(!machine_gic_skip_idle(m));       /* fired: nothing later */
    /* a waiting core's counter advances by the slots it waited */
    machine_gic_poll(m, 1, true, 1000);
    ck_assert_uint_eq(sr(1, CNTPCT_EL0), now + 5000 + 1000);
}
END_TEST

START_TEST(virtual_interface_follows_the_list_registers)
{
    enable_all();
    /* a physical PPI 27 acknowledged by the hypervisor, then handed to
     * the guest with HW = 1 */
    wr(GICR + SGI_BASE + 0x100, 4, 1u << 27);
    wr(GICR + SGI_BASE + 0x200, 4, 1u << 27);
    sw(0, ICC_CTLR_EL1, 2);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), 27);
    sw(0, ICC_EOIR1_EL1, 27);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0x300, 4), 1u << 27);   /* active */
    sw(0, ICH_VMCR_EL2, 0xF0u << 24 | 2);   /* VPMR 0xF0, VENG1 */
    sw(0, ICH_HCR_EL2, 1);
    ck_assert_uint_eq(sr(0, ICH_ELRSR_EL2), 0xF);
    uint64_t lr = 1ull << 62 | 1ull << 61 | 1ull << 60 | 0xA0ull << 48 | 27ull << 32 | 27;
    sw(0, ICH_LR0_EL2, lr);
    ck_assert(m->cores[0]->lines.virq);
    ck_assert_uint_eq(sr(0, ICH_ELRSR_EL2), 0xE);
    ck_assert_uint_eq(vr(0, ICC_PMR_EL1), 0xF0);
    ck_assert_uint_eq(vr(0, ICC_IAR1_EL1), 27);
    ck_assert(!m->cores[0]->lines.virq);
    ck_assert_uint_eq(sr(0, ICH_LR0_EL2) >> 62, 2);   /* active */
    ck_assert_uint_eq(vr(0, ICC_RPR_EL1), 0xA0);
    vw(0, ICC_EOIR1_EL1, 27);
    ck_assert_uint_eq(sr(0, ICH_LR0_EL2) >> 62, 0);
    ck_assert_uint_eq(rd(GICR + SGI_BASE + 0x300, 4), 0);   /* physical deactivated */
    /* an EOI no list register holds counts in EOIcount; LRENPIE raises
     * the maintenance interrupt */
    vw(0, ICC_EOIR1_EL1, 99);
    ck_assert_uint_eq(sr(0, ICH_HCR_EL2) >> 27, 1);
    sw(0, ICH_HCR_EL2, (1u << 27) | 1u << 2 | 1);
    ck_assert_uint_eq(sr(0, ICH_MISR_EL2) & 4, 4);
    wr(GICR + SGI_BASE + 0x100, 4, 1u << GICV3_MAINT_PPI);
    ck_assert(m->cores[0]->lines.irq);
    ck_assert_uint_eq(sr(0, ICC_IAR1_EL1), GICV3_MAINT_PPI);
    /* VPMR masks */
    sw(0, ICH_LR0_EL2, 1ull << 62 | 1ull << 60 | 0xA0ull << 48 | 40);
    ck_assert(m->cores[0]->lines.virq);
    vw(0, ICC_PMR_EL1, 0xA0);
    ck_assert(!m->cores[0]->lines.virq);
    ck_assert_uint_eq(vr(0, ICC_IAR1_EL1), 1023);
}
END_TEST

/* workloads/gic_timer.c: timer interrupts at EL2 and EL1, a virtual
 * interrupt and an SGI, against the output QEMU printed. */
static char out[4096];
static size_t nout;

static void capture(void *ctx, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len && nout < sizeof out - 1; i++)
        out[nout++] = bytes[i];
}

START_TEST(workload_matches_qemu)
{
    const char *b = getenv("BUILD");
    char elf[256];
    snprintf(elf, sizeof elf, "%s/workloads/gic_timer.elf", b && *b ? b : "build");
    FILE *want_f = fopen("workloads/expected/gic_timer.txt", "rb");
    ck_assert_ptr_nonnull(want_f);
    static char want[4096];
    size_t nwant = fread(want, 1, sizeof want - 1, want_f);
    want[nwant] = '\0';
    fclose(want_f);
    FILE *probe = fopen(elf, "rb");
    if (!probe) {
        printf("test_gicv3: SKIP workload: %s not built (make workloads)\n", elf);
        return;
    }
    fclose(probe);
    machine_destroy(m);
    struct machine_config cfg;
    struct msa_error e = {{0}};
    machine_config_default(&cfg);
    cfg.platform = "virt";
    cfg.console = capture;
    ck_assert_msg(machine_create(&cfg, &m, &e) == 0, "%s", e.msg);
    ck_assert_msg(machine_load_program(m, elf, &e) == 0, "%s", e.msg);
    nout = 0;
    struct machine_result r = machine_run(m, 10000000, NULL, NULL);
    out[nout] = '\0';
    ck_assert_int_eq(r.reason, MACHINE_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 0);
    ck_assert_str_eq(out, want);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gicv3");
    TCase *tc = tcase_create("gicv3");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_values_follow_the_spec);
    tcase_add_test(tc, set_clear_priority_and_routing_registers);
    tcase_add_test(tc, highest_priority_is_acknowledged_first);
    tcase_add_test(tc, eoimode_splits_priority_drop_and_deactivation);
    tcase_add_test(tc, sgi_reaches_the_named_core_only);
    tcase_add_test(tc, timer_output_is_a_level_ppi);
    tcase_add_test(tc, waiting_cores_move_to_the_next_timer);
    tcase_add_test(tc, virtual_interface_follows_the_list_registers);
    tcase_add_test(tc, workload_matches_qemu);
    suite_add_tcase(s, tc);
    return check_run(s);
}
