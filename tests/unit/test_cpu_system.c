/* Exceptions and system behaviour of the core: syndromes (ESR/ELR/SPSR/
 * FAR/HPFAR), routing between EL0/EL1/EL2, HCR_EL2 traps, alignment
 * faults, the translation seam (a stand-in MPU), the decode cache
 * invalidation on code writes, semihosting, WFI and interrupts, the
 * fault-loop stop and PSCI CPU_ON. */
#include "tests/unit/test_cpu_testbench.h"
#include "tests/unit/check_run.h"

/* Drops from EL2 to EL1h at label el1 with HCR_EL2 = x0 (RW set). */
#define TO_EL1(hcr)                                                          \
    "ldr x0, =" hcr "\n msr hcr_el2, x0\n adr x0, el1\n msr elr_el2, x0\n"    \
    "mov x0, #0x3c5\n msr spsr_el2, x0\n ldr x0, =0x40030000\n msr sp_el1, x0\n eret\n"

START_TEST(test_svc_hvc_at_el2)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "mov x0, #0\n cmp x0, #0\n svc #0x42\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x56000042);
    ck_assert_uint_eq(tb_sr(t, ENC_ELR_EL2), TB_RAM_BASE + 12);
    ck_assert_uint_eq(tb_sr(t, ENC_SPSR_EL2), 0x600003c9);   /* Z C, DAIF, EL2h */
    ck_assert_uint_eq(cpu_current_el(t->c), 2);
    tb_free(t);
}
END_TEST

START_TEST(test_el1_routing)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    /* HVC from EL1 goes to EL2 (lower EL vector, ELR after it) */
    tb_load(t, TO_EL1("0x80000000") "el1: hvc #7\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x5a000007);
    ck_assert_uint_eq(tb_sr(t, ENC_SPSR_EL2), 0x3c5);
    /* SVC from EL1 stays at EL1 */
    tb_load(t, TO_EL1("0x80000000") "el1: svc #9\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(cpu_current_el(t->c), 1);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL1), 0x56000009);
    /* HCR_EL2.HCD makes HVC undefined */
    tb_load(t, TO_EL1("0xA0000000") "el1: hvc #7\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL1), 0x02000000);
    /* HCR_EL2.TSC traps SMC to EL2 with ELR at the SMC */
    tb_load(t, TO_EL1("0x80080000") "el1: smc #3\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x5e000003);
    ck_assert_uint_eq(tb_sr(t, ENC_ELR_EL2) & 0xfff, 0x24 + 4 * 0);
    /* HCR_EL2.TVM traps writes of SCTLR_EL1, TRVM reads of TTBR0_EL1 */
    tb_load(t, TO_EL1("0x84000000") "el1: msr sctlr_el1, x3\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x62300460);   /* EC 0x18, Rt=3, write */
    tb_load(t, TO_EL1("0xC0000000") "el1: mrs x5, ttbr0_el1\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x623008a1);   /* read, Rt=5, CRn=2 */
    /* EL2 registers are UNDEFINED at EL1 */
    tb_load(t, TO_EL1("0x80000000") "el1: mrs x0, hcr_el2\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL1), 0x02000000);
    /* FP access with CPACR_EL1.FPEN = 0 traps to EL1 (EC 0x07) */
    tb_load(t, TO_EL1("0x80000000") "el1: fmov d0, x1\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL1) >> 26, 0x07);
    /* WFI trapped by HCR_EL2.TWI */
    tb_load(t, TO_EL1("0x80002000") "el1: wfi\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x07e00000);
    tb_free(t);
}
END_TEST

START_TEST(test_el0_and_tge)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    const char *src = TO_EL1("0x80000000")
        "el1: adr x0, el0\n msr elr_el1, x0\n msr spsr_el1, xzr\n ldr x0, =0x40038000\n msr sp_el0, x0\n eret\n"
        "el0: svc #1\n wfi";
    tb_load(t, src);
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(cpu_current_el(t->c), 1);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL1), 0x56000001);
    ck_assert_uint_eq(tb_sr(t, ENC_SPSR_EL1), 0);
    /* with HCR_EL2.TGE, an EL0 undefined instruction goes to EL2 */
    tb_load(t, "ldr x0, =0x88000000\n msr hcr_el2, x0\n adr x0, el0\n msr elr_el2, x0\n"
               "msr spsr_el2, xzr\n eret\n el0: .inst 0\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(cpu_current_el(t->c), 2);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x02000000);
    tb_free(t);
}
END_TEST

START_TEST(test_data_abort_syndrome)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    /* device slave error at EL2: ISV, SAS=1, SSE, SRT=7, SF, EA, FSC 0x10 */
    tb_load(t, "ldr x1, =0x0A000010\n ldrsh x7, [x1]\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x96000000u | 1u << 24 | 1u << 22 | 1u << 21 | 7u << 16 |
                                                 1u << 15 | 1u << 9 | 0x10);
    ck_assert_uint_eq(tb_sr(t, ENC_FAR_EL2), 0x0A000010);
    /* a store: WnR; nothing mapped there: EA = 0 */
    tb_load(t, "ldr x1, =0x0B000000\n str w2, [x1, #4]\n wfi");
    tb_run_to_vector(t);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x96000000u | 1u << 24 | 2u << 22 | 2u << 16 | 1u << 6 | 0x10);
    /* writeback forms have no syndrome */
    tb_load(t, "ldr x1, =0x0B000000\n ldr x2, [x1], #8\n wfi");
    tb_run_to_vector(t);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x96000010u);
    /* taken to EL1: no instruction syndrome (as QEMU) */
    tb_load(t, TO_EL1("0x80000000") "el1: ldr x1, =0x0B000000\n ldr x2, [x1]\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL1), 0x96000010u);
    ck_assert_uint_eq(tb_sr(t, ENC_FAR_EL1), 0x0B000000);
    /* device reads and writes reach the bus */
    tb_load(t, "ldr x1, =0x09000000\n ldrb w2, [x1, #1]\n mov w3, #0x41\n strh w3, [x1, #2]\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 2), 0x55);
    ck_assert_uint_eq(t->dev_pa, 0x09000002);
    ck_assert_uint_eq(t->dev_val, 0x41);
    tb_free(t);
}
END_TEST

START_TEST(test_alignment)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    /* exclusives must be aligned even with SCTLR.A clear */
    tb_load(t, "ldr x1, =0x40020001\n ldxr w2, [x1]\n wfi");
    tb_run_to_vector(t);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x96000021u);
    ck_assert_uint_eq(tb_sr(t, ENC_FAR_EL2), 0x40020001);
    /* ordinary unaligned access is fine with SCTLR.A clear... */
    tb_load(t, "ldr x1, =0x40020001\n ldr w2, [x1]\n wfi");
    tb_run_clean(t);
    /* ...and faults with it set */
    tb_load(t, "mrs x0, sctlr_el2\n orr x0, x0, #2\n msr sctlr_el2, x0\n ldr x1, =0x40020001\n ldr w2, [x1]\n wfi");
    tb_run_to_vector(t);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2) & 0x3f, 0x21);
    /* SP alignment (SCTLR_EL2.SA is set at reset) */
    tb_load(t, "ldr x0, =0x40030008\n mov sp, x0\n ldr x1, [sp]\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x9a000000u);
    /* PC alignment */
    tb_load(t, "adr x0, 1f\n add x0, x0, #2\n br x0\n 1: wfi");
    tb_run_to_vector(t);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x8a000000u);
    ck_assert_uint_eq(tb_sr(t, ENC_FAR_EL2), TB_RAM_BASE + 14);
    tb_free(t);
}
END_TEST

START_TEST(test_illegal_return)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "adr x0, 1f\n msr elr_el2, x0\n mov x0, #0x3cd\n msr spsr_el2, x0\n eret\n 1: nop\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x3a000000u);
    ck_assert_uint_eq(tb_sr(t, ENC_SPSR_EL2), 0x1003c9u);
    ck_assert_uint_eq(tb_sr(t, ENC_ELR_EL2), TB_RAM_BASE + 20);
    tb_free(t);
}
END_TEST

/* ---- the translation seam, with a stand-in stage 2 ---- */

static int fake_translate(void *ctx, struct cpu *c, const struct cpu_xlat_req *req,
                          struct cpu_xlat *out, struct cpu_fault *f)
{
    unsigned *calls = ctx;
    (*calls)++;
    if (req->va >= 0x40050000 && req->va < 0x40051000 && !req->regime_el2) {
        *f = (struct cpu_fault){.stage = 2, .level = 0, .fsc = 0x0C, .ipa_valid = true, .ipa = req->va};
        return -1;
    }
    out->pa = req->va;
    out->page_ok = true;
    return 0;
}

static uint64_t fake_prselr;
static unsigned fake_syncs;

static int fake_sync(void *ctx, struct cpu *c)
{
    fake_syncs++;
    return 0;
}

static int fake_sysreg_read(void *ctx, struct cpu *c, uint32_t enc, uint64_t *val)
{
    if (enc != CPU_SYSREG_ENC(3, 4, 6, 2, 1))
        return -1;
    *val = fake_prselr;
    return 0;
}

static int fake_sysreg_write(void *ctx, struct cpu *c, uint32_t enc, uint64_t val)
{
    if (enc != CPU_SYSREG_ENC(3, 4, 6, 2, 1))
        return -1;
    fake_prselr = val;
    return 0;
}

START_TEST(test_xlat_seam)
{
    NEED_AS();
    static unsigned calls;
    static const struct cpu_xlat_ops ops = {fake_translate, fake_sysreg_read, fake_sysreg_write,
                                           fake_sync};
    struct tb *t = tb_new(CPU_PROFILE_R);
    cpu_set_xlat(t->c, &ops, &calls);
    /* PRSELR_EL2 is served by the machine's handler; an unknown encoding is UNDEFINED */
    tb_load(t, "mov x0, #7\n msr S3_4_C6_C2_1, x0\n isb\n mrs x1, S3_4_C6_C2_1\n wfi");
    fake_syncs = 0;
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 1), 7);
    ck_assert_uint_eq(fake_syncs, 1);   /* the ISB is a context synchronization event */
    tb_load(t, "mrs x1, S3_4_C6_C3_1\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x02000000);
    /* with HCR_EL2.VM, an EL1 load from the guarded page is a stage-2 abort to EL2 */
    calls = 0;
    tb_load(t, TO_EL1("0x80000001") "el1: ldr x1, =0x40050010\n ldr w9, [x1]\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_gt(calls, 0);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x92000000u | 1u << 24 | 2u << 22 | 9u << 16 | 0x0C);
    ck_assert_uint_eq(tb_sr(t, ENC_FAR_EL2), 0x40050010);
    ck_assert_uint_eq(tb_sr(t, ENC_HPFAR_EL2), 0x40050ull << 4);
    /* the EL1 MPU registers (CRn=6, op1=0) trap to EL2 under HCR_EL2.TVM */
    tb_load(t, TO_EL1("0x84000000") "el1: msr S3_0_C6_C2_1, x2\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2) >> 26, 0x18);
    /* profile r reports MSA = 0xF and the configured MSA_frac */
    uint64_t mmfr0;
    ck_assert_int_eq(cpu_sysreg_get(t->c, CPU_SYSREG_ENC(3, 0, 0, 7, 0), &mmfr0), 0);
    ck_assert_uint_eq((mmfr0 >> 48) & 0xff, 0x1f);
    tb_free(t);
}
END_TEST

START_TEST(test_decode_cache_invalidation)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    /* The loop body runs twice: the first time `target` adds 1, then the
     * code overwrites it with "add x0, x0, #100" (0x91019000). */
    tb_load(t, "mov x0, #0\n mov x3, #2\n ldr x1, =0x91019000\n adr x2, target\n"
               "loop: \n target: add x0, x0, #1\n str w1, [x2]\n subs x3, x3, #1\n b.ne loop\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 0), 101);
    /* A write behind the core's back is seen after cpu_cluster_code_written. */
    uint32_t add7 = 0x91001c00;   /* add x0, x0, #7 */
    uint32_t off = 4 * 4;         /* `target` */
    cpu_reset(t->c, TB_RAM_BASE + off);
    cpu_sysreg_set(t->c, ENC_VBAR_EL2, TB_VECTORS);
    memcpy(t->ram + off, &add7, 4);
    memcpy(t->ram + off + 4, &(uint32_t){WFI_INSN}, 4);
    cpu_cluster_code_written(t->cl, TB_RAM_BASE + off, 8);
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 0), 7);
    ck_assert_str_eq(cpu_insn_name(add7), "add_imm");
    ck_assert_str_eq(cpu_insn_name(0), "undefined");
    tb_free(t);
}
END_TEST

START_TEST(test_semihosting_exit)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_R);
    tb_load(t, "adr x1, msg\n mov x0, #4\n hlt #0xf000\n"
               "adr x1, blk\n mov x0, #0x18\n hlt #0xf000\n wfi\n"
               "msg: .asciz \"hi there\\n\"\n .balign 8\n blk: .quad 0x20026, 3\n");
    struct cpu_run_result r = tb_run(t);
    ck_assert_int_eq(r.reason, CPU_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 3);
    ck_assert_str_eq(t->out, "hi there\n");
    tb_free(t);
}
END_TEST

START_TEST(test_wfi_and_irq)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "mov x0, #0x10\n msr hcr_el2, x0\n msr daifclr, #2\n wfi\n mov x5, #1\n wfi");
    struct cpu_run_result r = tb_run(t);
    ck_assert_int_eq(r.reason, CPU_STOP_WFI);
    /* nothing pending: stays asleep */
    r = tb_run(t);
    ck_assert_int_eq(r.reason, CPU_STOP_WFI);
    ck_assert_uint_eq(r.insns, 0);
    struct cpu_irq_lines l = {.irq = true};
    cpu_set_irq_lines(t->c, &l);
    /* taken at once; the WFI of the vector completes because the line is
     * still asserted (WFI wakes on a pending interrupt even when masked) */
    r = cpu_run(t->c, 1);
    ck_assert_uint_eq(r.insns, 1);
    ck_assert_uint_eq(cpu_get_pc(t->c), TB_VECTORS + 0x284);   /* IRQ, current EL, SPx */
    ck_assert_uint_eq(tb_sr(t, ENC_ELR_EL2), TB_RAM_BASE + 16);
    ck_assert_uint_eq(tb_sr(t, ENC_SPSR_EL2), 0x349);          /* I was clear */
    tb_free(t);
}
END_TEST

START_TEST(test_fault_loop)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    /* vectors where nothing is mapped: every entry faults again */
    tb_load(t, "ldr x0, =0x0B000000\n msr vbar_el2, x0\n .inst 0\n wfi");
    struct cpu_run_result r = cpu_run(t->c, 1000000);
    ck_assert_int_eq(r.reason, CPU_STOP_FAULT_LOOP);
    ck_assert_uint_eq(r.fault_pc, 0x0B000200);
    ck_assert_uint_eq(r.fault_el, 2);
    ck_assert_uint_eq(r.fault_esr, 0x86000010u);   /* instruction abort, same EL, external */
    ck_assert_uint_lt(r.insns, 1000);
    tb_free(t);
}
END_TEST

START_TEST(test_psci_cpu_on)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    struct cpu_bus bus = {t, tb_host, tb_read, tb_write};
    struct cpu *c1 = cpu_create(t->cl, 1, 1, NULL, &bus);
    ck_assert_ptr_nonnull(c1);
    tb_load(t, "ldr x0, =0xC4000003\n mov x1, #1\n adr x2, sec\n mov x3, #0x77\n smc #0\n mov x9, x0\n"
               "ldr x0, =0xC4000004\n mov x1, #1\n smc #0\n mov x10, x0\n"
               "ldr x0, =0xC4000003\n mov x1, #1\n adr x2, sec\n smc #0\n mov x11, x0\n wfi\n"
               "sec: add x5, x0, #1\n wfi");
    ck_assert_int_eq(cpu_run(c1, 100).reason, CPU_STOP_OFF);
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 9), 0);
    ck_assert_uint_eq(X(t, 10), 0);                  /* ON */
    ck_assert_uint_eq(X(t, 11), (uint64_t)-4);       /* ALREADY_ON */
    ck_assert_int_eq(cpu_run(c1, 100).reason, CPU_STOP_WFI);
    ck_assert_uint_eq(cpu_get_x(c1, 5), 0x78);
    ck_assert_uint_eq(cpu_current_el(c1), 2);
    tb_free(t);
}
END_TEST

START_TEST(test_global_monitor)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    struct cpu_bus bus = {t, tb_host, tb_read, tb_write};
    struct cpu *c1 = cpu_create(t->cl, 1, 1, NULL, &bus);
    /* core 0: ldxr, (core 1 runs), stxr; core 1: a plain store to the word */
    tb_load(t, "ldr x1, =0x40020040\n ldxr x2, [x1]\n wfi\n stxr w3, x2, [x1]\n"
               "ldxr x2, [x1]\n stxr w4, x2, [x1]\n wfi\n"
               "other: ldr x1, =0x40020048\n str x1, [x1]\n str x1, [x1, #-8]\n wfi");
    cpu_reset(c1, TB_RAM_BASE + 4 * 7);
    cpu_sysreg_set(c1, ENC_VBAR_EL2, TB_VECTORS);
    /* a store to the same 64-byte granule, but first one to warm the TLB */
    ck_assert_int_eq(cpu_run(t->c, 2).reason, CPU_STOP_LIMIT);
    ck_assert_int_eq(cpu_run(c1, 100).reason, CPU_STOP_WFI);
    struct cpu_irq_lines l = {.irq = true};
    cpu_set_irq_lines(t->c, &l);   /* wake core 0 (the IRQ stays masked) */
    ck_assert_uint_eq(cpu_run(t->c, 3).insns, 3);   /* stxr, ldxr, stxr */
    ck_assert_uint_eq(X(t, 3), 1);   /* the other core's store cleared the monitor */
    ck_assert_uint_eq(X(t, 4), 0);
    tb_free(t);
}
END_TEST

/* A host-side hypervisor model: answers HVC #0x55 from EL1 by itself. */
static void host_hvc(void *ctx, struct cpu *c, unsigned el, uint32_t esr)
{
    if (el == 2 && esr == 0x5a000055u) {
        cpu_set_x(c, 0, cpu_get_x(c, 0) + 1000);
        cpu_eret(c);
    }
}

START_TEST(test_host_side_handler)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    struct cpu_hooks h = {.ctx = t, .on_exception = host_hvc};
    cpu_set_hooks(t->c, &h);
    tb_load(t, TO_EL1("0x80000000") "el1: mov x0, #1\n hvc #0x55\n add x0, x0, #1\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 0), 1002);
    ck_assert_uint_eq(cpu_current_el(t->c), 1);
    tb_free(t);
}
END_TEST

START_TEST(test_timers)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_R);
    /* the counter is the instruction count: a timer 5 ahead fires after 5 */
    tb_load(t, "mov x0, #5\n msr S3_4_C14_C5_0, x0\n mov x0, #1\n msr S3_4_C14_C5_1, x0\n"
               "mrs x1, S3_4_C14_C5_1\n nop\n nop\n nop\n nop\n mrs x2, S3_4_C14_C5_1\n"
               "mrs x3, cntfrq_el0\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 1), 1);        /* enabled, not yet due */
    ck_assert_uint_eq(X(t, 2), 5);        /* ISTATUS */
    ck_assert_uint_eq(X(t, 3), 62500000);
    ck_assert_uint_eq(cpu_timer_lines(t->c), 8);
    tb_free(t);
}
END_TEST

struct trace {
    unsigned n, loads, exceptions;
    uint64_t load_va;
    uint32_t first_insn;
};

static struct trace trace;

static void on_insn(void *ctx, struct cpu *c, const struct cpu_insn_record *r)
{
    struct trace *tr = &trace;
    if (tr->n++ == 0)
        tr->first_insn = r->insn;
    if (r->mem_size == 4 && !r->mem_write) {
        tr->loads++;
        tr->load_va = r->mem_va;
    }
    tr->exceptions += r->exception;
}

START_TEST(test_insn_records)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    struct trace *tr = &trace;
    memset(tr, 0, sizeof *tr);
    struct cpu_hooks h = {.ctx = t, .console_write = tb_console, .on_insn = on_insn};
    cpu_set_hooks(t->c, &h);
    tb_load(t, "ldr x1, =0x40020008\n ldr w2, [x1]\n svc #0\n");
    tb_run_to_vector(t);
    ck_assert_uint_eq(tr->n, 4);            /* ldr, ldr, svc, the vector's wfi */
    ck_assert_uint_eq(tr->first_insn & 0xff000000u, 0x58000000u);   /* ldr literal */
    ck_assert_uint_eq(tr->loads, 1);
    ck_assert_uint_eq(tr->load_va, 0x40020008);
    ck_assert_uint_eq(tr->exceptions, 1);
    tb_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_system");
    TCase *tc = tcase_create("system");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_svc_hvc_at_el2);
    tcase_add_test(tc, test_el1_routing);
    tcase_add_test(tc, test_el0_and_tge);
    tcase_add_test(tc, test_data_abort_syndrome);
    tcase_add_test(tc, test_alignment);
    tcase_add_test(tc, test_illegal_return);
    tcase_add_test(tc, test_xlat_seam);
    tcase_add_test(tc, test_decode_cache_invalidation);
    tcase_add_test(tc, test_semihosting_exit);
    tcase_add_test(tc, test_wfi_and_irq);
    tcase_add_test(tc, test_fault_loop);
    tcase_add_test(tc, test_psci_cpu_on);
    tcase_add_test(tc, test_insn_records);
    tcase_add_test(tc, test_global_monitor);
    tcase_add_test(tc, test_host_side_handler);
    tcase_add_test(tc, test_timers);
    suite_add_tcase(s, tc);
    return check_run(s);
}
