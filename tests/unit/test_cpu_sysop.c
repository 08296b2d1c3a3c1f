/* The core's side of AT and TLBI through cpu_xlat_ops.sys_op: the machine
 * answers AT with PAR_EL1 or makes it take a Data Abort (CM = 1, WnR = 1),
 * or declines and lets the core translate; every TLBI reaches it with its
 * encoding and operand after the core's own traps. */
#include "tests/unit/test_cpu_testbench.h"
#include "tests/unit/check_run.h"

#define TO_EL1(hcr)                                                          \
    "ldr x0, =" hcr "\n msr hcr_el2, x0\n adr x0, el1\n msr elr_el2, x0\n"    \
    "mov x0, #0x3c5\n msr spsr_el2, x0\n ldr x0, =0x40030000\n msr sp_el1, x0\n eret\n"

#define ENC_PAR_EL1 ENC(3, 0, 7, 4, 0)

/* What the stand-in machine saw and how it answers. */
static struct {
    unsigned calls;
    uint32_t enc;
    uint64_t xt;
    int rc;                  /* 0: PAR, 1: abort, -1: decline */
    uint64_t par;
    struct cpu_fault fault;
} seen;

static int fake_translate(void *ctx, struct cpu *c, const struct cpu_xlat_req *req,
                          struct cpu_xlat *out, struct cpu_fault *f)
{
    out->pa = req->va;
    out->page_ok = true;
    return 0;
}

static int fake_sys_op(void *ctx, struct cpu *c, uint32_t enc, uint64_t xt, uint64_t *par,
                       struct cpu_fault *fault)
{
    seen.calls++;
    seen.enc = enc;
    seen.xt = xt;
    if (seen.rc == 0)
        *par = seen.par;
    else if (seen.rc > 0)
        *fault = seen.fault;
    return seen.rc;
}

static const struct cpu_xlat_ops ops = {
    .translate = fake_translate,
    .sys_op = fake_sys_op,
};

static struct tb *bench(void)
{
    struct tb *t = tb_new(CPU_PROFILE_A);
    cpu_set_xlat(t->c, &ops, NULL);
    memset(&seen, 0, sizeof seen);
    return t;
}

START_TEST(test_at_par_from_machine)
{
    NEED_AS();
    struct tb *t = bench();
    seen.par = 0xFF00000041000B80ull;
    tb_load(t, "ldr x0, =0x80001234\n at s12e1r, x0\n isb\n mrs x1, par_el1\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(seen.calls, 1);
    ck_assert_uint_eq(seen.enc, CPU_SYSREG_ENC(1, 4, 7, 8, 4));
    ck_assert_uint_eq(seen.xt, 0x80001234);
    ck_assert_uint_eq(X(t, 1), 0xFF00000041000B80ull);
    tb_free(t);
}
END_TEST

START_TEST(test_at_abort_from_machine)
{
    NEED_AS();
    struct tb *t = bench();
    /* AT S1E1W at EL1 whose stage-1 walk faults at stage 2: a Data Abort
     * to EL2 at the AT, with CM, WnR and S1PTW, HPFAR from the fault;
     * PAR_EL1 keeps its value. */
    seen.rc = 1;
    seen.fault = (struct cpu_fault){.stage = 2, .level = 3, .fsc = 0x07, .s1ptw = true,
                                    .ipa_valid = true, .ipa = 0x41007000};
    tb_load(t, TO_EL1("0x80000001") "el1: ldr x0, =0x80200010\n at s1e1w, x0\n wfi");
    ck_assert_int_eq(cpu_sysreg_set(t->c, ENC_PAR_EL1, 0x777), 0);
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(seen.enc, CPU_SYSREG_ENC(1, 0, 7, 8, 1));
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x92000000u | 1u << 8 | 1u << 7 | 1u << 6 | 0x07);
    ck_assert_uint_eq(tb_sr(t, ENC_FAR_EL2), 0x80200010);
    ck_assert_uint_eq(tb_sr(t, ENC_HPFAR_EL2), 0x41007ull << 4);
    uint64_t elr = tb_sr(t, ENC_ELR_EL2);
    ck_assert_uint_eq(*(uint32_t *)(t->ram + (elr - TB_RAM_BASE)) >> 16, 0xD508);   /* SYS #0 */
    ck_assert_uint_eq(tb_sr(t, ENC_PAR_EL1), 0x777);
    tb_free(t);
}
END_TEST

START_TEST(test_at_declined)
{
    NEED_AS();
    struct tb *t = bench();
    /* The machine declines: the core translates through the current regime
     * (EL2, MMU off: flat). */
    seen.rc = -1;
    tb_load(t, "ldr x0, =0x40012345\n at s1e2r, x0\n isb\n mrs x1, par_el1\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(seen.calls, 1);
    ck_assert_uint_eq(X(t, 1), 0x40012000);
    tb_free(t);
}
END_TEST

START_TEST(test_tlbi_reaches_machine)
{
    NEED_AS();
    struct tb *t = bench();
    tb_load(t, "ldr x0, =0x80007\n tlbi vae2is, x0\n dsb ish\n wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(seen.calls, 1);
    ck_assert_uint_eq(seen.enc, CPU_SYSREG_ENC(1, 4, 8, 3, 1));
    ck_assert_uint_eq(seen.xt, 0x80007);
    /* trapped by HCR_EL2.TTLB at EL1: the machine never sees it */
    memset(&seen, 0, sizeof seen);
    tb_load(t, TO_EL1("0x82000000") "el1: tlbi vmalle1is\n wfi");
    ck_assert_uint_eq(tb_run_to_vector(t), 0x400);
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2) >> 26, 0x18);
    ck_assert_uint_eq(seen.calls, 0);
    tb_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_sysop");
    TCase *tc = tcase_create("sys_op");
    tcase_add_test(tc, test_at_par_from_machine);
    tcase_add_test(tc, test_at_abort_from_machine);
    tcase_add_test(tc, test_at_declined);
    tcase_add_test(tc, test_tlbi_reaches_machine);
    suite_add_tcase(s, tc);
    return check_run(s);
}
