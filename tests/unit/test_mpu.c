/* MPU configuration, system registers, context synchronization and
 * statistics.  Expected values come from the architecture (register
 * encodings, field layouts, PRSELR/alias addressing, PRENR), not from the
 * model's code: register values are built by hand from the field tables. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mpu/mpu.h"
#include "tests/unit/check_run.h"

enum { OP1_EL1 = 0, OP1_EL2 = 4 };

static uint32_t enc_mpuir(int op1) { return MPU_SYSREG_ENC(3, op1, 0, 0, 4); }
static uint32_t enc_prenr(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 1, 1); }
static uint32_t enc_prselr(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 2, 1); }
static uint32_t enc_prbar(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 8, 0); }
static uint32_t enc_prlar(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 8, 1); }
/* PRBAR<n>: CRm = 8 + n/2, op2 = 4 * (n & 1); PRLAR<n>: op2 + 1 */
static uint32_t enc_prbar_n(int op1, unsigned n)
{
    return MPU_SYSREG_ENC(3, op1, 6, 8 + (n >> 1), 4 * (n & 1));
}
static uint32_t enc_prlar_n(int op1, unsigned n)
{
    return MPU_SYSREG_ENC(3, op1, 6, 8 + (n >> 1), 4 * (n & 1) + 1);
}

/* PRBAR: BASE[47:6] SH[5:4] AP[3:2] XN[1:0]; PRLAR: LIMIT[47:6] AttrIndx[3:1] EN[0] */
static uint64_t prbar_v(uint64_t base, unsigned sh, unsigned ap, unsigned xn)
{
    return (base & ~0x3Full) | (uint64_t)sh << 4 | (uint64_t)ap << 2 | xn;
}
static uint64_t prlar_v(uint64_t limit, unsigned attr, bool en)
{
    return (limit & ~0x3Full) | (uint64_t)attr << 1 | (en ? 1 : 0);
}

static struct mpu_pair P;

static void setup_pair(unsigned n1, unsigned n2)
{
    struct msa_error e;
    ck_assert_int_eq(mpu_pair_init(&P, n1, n2, NULL, &e), 0);
}

static void wr(uint32_t enc, uint64_t v)
{
    ck_assert_int_eq(mpu_sysreg_write(&P, enc, v), MPU_SYSREG_OK);
}

static uint64_t rd(uint32_t enc)
{
    uint64_t v = 0xDEADBEEF;
    ck_assert_int_eq(mpu_sysreg_read(&P, enc, &v), MPU_SYSREG_OK);
    return v;
}

static void set_region(int op1, unsigned slot, uint64_t base, uint64_t limit, unsigned ap,
                       unsigned xn, bool en)
{
    wr(enc_prselr(op1), slot);
    wr(enc_prbar(op1), prbar_v(base, 3, ap, xn));
    wr(enc_prlar(op1), prlar_v(limit, 7, en));
}

/* EL2 MPU on, BR off, Xen's MAIR_EL2. */
static struct mpu_ctl el2_ctl(void)
{
    struct mpu_ctl c;
    memset(&c, 0, sizeof c);
    c.el2_m = true;
    c.mair_el2 = 0xFF000004EEAA4400ull;
    return c;
}

static bool access_el2(uint64_t addr, enum mpu_access t, struct mpu_result *res)
{
    struct mpu_ctl c = el2_ctl();
    struct mpu_req rq = {.addr = addr, .type = t, .el = 2};
    return mpu_lookup(&P, &c, &rq, res);
}

/* ---- configuration ------------------------------------------------------- */

START_TEST(config_rejects_zero_and_257)
{
    struct mpu m;
    struct msa_error e = {{0}};
    ck_assert_int_eq(mpu_init(&m, MPU_REGIME_EL2, 0, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "--mpu-regions 0"));
    ck_assert_int_eq(mpu_init(&m, MPU_REGIME_EL2, 257, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "--mpu-regions 257"));
    ck_assert_int_eq(mpu_init(&m, MPU_REGIME_EL1, 0, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "--el1-mpu-regions 0"));
    ck_assert_int_eq(mpu_init(&m, MPU_REGIME_EL1, 1000, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "--el1-mpu-regions 1000"));
    /* pair init names the option of the MPU at fault */
    ck_assert_int_eq(mpu_pair_init(&P, 16, 0, NULL, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "--mpu-regions"));
    ck_assert_ptr_null(strstr(e.msg, "--el1-mpu-regions"));
}
END_TEST

/* MPUIR.REGION is [7:0]: N for N <= 255, and 255 for 256 slots. */
START_TEST(config_mpuir_counts)
{
    static const unsigned n[] = {1, 16, 32, 255, 256};
    static const uint64_t want[] = {1, 16, 32, 255, 255};
    for (unsigned i = 0; i < 5; i++) {
        setup_pair(n[i], n[i]);
        ck_assert_uint_eq(rd(enc_mpuir(OP1_EL1)), want[i]);
        ck_assert_uint_eq(rd(enc_mpuir(OP1_EL2)), want[i]);
    }
    setup_pair(16, 32);
    ck_assert_uint_eq(rd(enc_mpuir(OP1_EL1)), 16);
    ck_assert_uint_eq(rd(enc_mpuir(OP1_EL2)), 32);
}
END_TEST

START_TEST(config_mpuir_write_undefined)
{
    setup_pair(16, 32);
    ck_assert_int_eq(mpu_sysreg_write(&P, enc_mpuir(OP1_EL2), 5), MPU_SYSREG_UNDEFINED);
    ck_assert_int_eq(mpu_sysreg_write(&P, enc_mpuir(OP1_EL1), 5), MPU_SYSREG_UNDEFINED);
    ck_assert_uint_eq(rd(enc_mpuir(OP1_EL2)), 32);
}
END_TEST

/* ---- encodings ----------------------------------------------------------- */

START_TEST(sysreg_encodings_recognised)
{
    for (int op1 = 0; op1 <= 4; op1 += 4) {
        ck_assert(mpu_sysreg_is_mpu(3, op1, 0, 0, 4));  /* MPUIR */
        ck_assert(mpu_sysreg_is_mpu(3, op1, 6, 1, 1));  /* PRENR */
        ck_assert(mpu_sysreg_is_mpu(3, op1, 6, 2, 1));  /* PRSELR */
        ck_assert(mpu_sysreg_is_mpu(3, op1, 6, 8, 0));  /* PRBAR */
        ck_assert(mpu_sysreg_is_mpu(3, op1, 6, 8, 1));  /* PRLAR */
        for (unsigned n = 1; n <= 15; n++) {
            ck_assert(mpu_sysreg_is_mpu(3, op1, 6, 8 + (n >> 1), 4 * (n & 1)));
            ck_assert(mpu_sysreg_is_mpu(3, op1, 6, 8 + (n >> 1), 4 * (n & 1) + 1));
        }
    }
    /* PRBAR1 = C8_4, PRBAR2 = C9_0, PRBAR15 = C15_4 (reference examples) */
    ck_assert_uint_eq(enc_prbar_n(4, 1), MPU_SYSREG_ENC(3, 4, 6, 8, 4));
    ck_assert_uint_eq(enc_prbar_n(4, 2), MPU_SYSREG_ENC(3, 4, 6, 9, 0));
    ck_assert_uint_eq(enc_prbar_n(4, 15), MPU_SYSREG_ENC(3, 4, 6, 15, 4));
}
END_TEST

START_TEST(sysreg_other_registers_fall_through)
{
    /* neighbours in the encoding space that are not MPU registers */
    ck_assert(!mpu_sysreg_is_mpu(3, 4, 6, 0, 4));   /* HPFAR_EL2 */
    ck_assert(!mpu_sysreg_is_mpu(3, 4, 6, 0, 0));   /* FAR_EL2 */
    ck_assert(!mpu_sysreg_is_mpu(3, 0, 6, 0, 0));   /* FAR_EL1 */
    ck_assert(!mpu_sysreg_is_mpu(3, 4, 1, 0, 0));   /* SCTLR_EL2 */
    ck_assert(!mpu_sysreg_is_mpu(3, 4, 2, 0, 0));   /* VSCTLR_EL2 */
    ck_assert(!mpu_sysreg_is_mpu(3, 0, 0, 0, 0));   /* MIDR_EL1 */
    ck_assert(!mpu_sysreg_is_mpu(3, 1, 6, 8, 0));   /* op1 1 */
    ck_assert(!mpu_sysreg_is_mpu(3, 6, 6, 8, 0));   /* op1 6 (EL3) */
    ck_assert(!mpu_sysreg_is_mpu(2, 4, 6, 8, 0));   /* op0 2 */
    ck_assert(!mpu_sysreg_is_mpu(3, 4, 6, 8, 2));   /* op2 2 unallocated */
    ck_assert(!mpu_sysreg_is_mpu(3, 4, 6, 2, 0));
    setup_pair(16, 32);
    uint64_t v;
    ck_assert_int_eq(mpu_sysreg_read(&P, MPU_SYSREG_ENC(3, 4, 6, 0, 4), &v), MPU_SYSREG_NOT_MPU);
    ck_assert_int_eq(mpu_sysreg_write(&P, MPU_SYSREG_ENC(3, 4, 1, 0, 0), 1), MPU_SYSREG_NOT_MPU);
}
END_TEST

START_TEST(sysreg_names)
{
    char buf[32];
    ck_assert_str_eq(mpu_sysreg_name(enc_prbar_n(4, 5), buf, sizeof buf), "PRBAR5_EL2");
    ck_assert_str_eq(mpu_sysreg_name(enc_prlar(0), buf, sizeof buf), "PRLAR_EL1");
    ck_assert_str_eq(mpu_sysreg_name(enc_mpuir(4), buf, sizeof buf), "MPUIR_EL2");
    ck_assert_ptr_null(mpu_sysreg_name(MPU_SYSREG_ENC(3, 4, 1, 0, 0), buf, sizeof buf));
}
END_TEST

/* ---- register behaviour -------------------------------------------------- */

START_TEST(sysreg_res0_masking)
{
    setup_pair(16, 32);
    wr(enc_prselr(OP1_EL2), 0xFFFFFFFFFFFFFF05ull);
    ck_assert_uint_eq(rd(enc_prselr(OP1_EL2)), 0x05);
    wr(enc_prbar(OP1_EL2), ~0ull);
    ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), 0x0000FFFFFFFFFFFFull);  /* [63:48] RES0 */
    wr(enc_prlar(OP1_EL2), ~0ull);
    ck_assert_uint_eq(rd(enc_prlar(OP1_EL2)), 0x0000FFFFFFFFFFDFull);  /* and bit 5 */
    wr(enc_prenr(OP1_EL2), ~0ull);
    ck_assert_uint_eq(rd(enc_prenr(OP1_EL2)), 0xFFFFFFFFull);           /* [63:32] RES0 */
}
END_TEST

START_TEST(sysreg_prselr_selects_region)
{
    setup_pair(16, 32);
    for (unsigned r = 0; r < 32; r++) {
        wr(enc_prselr(OP1_EL2), r);
        wr(enc_prbar(OP1_EL2), prbar_v(0x1000ull * r, 0, 0, 0));
        wr(enc_prlar(OP1_EL2), prlar_v(0x1000ull * r + 0xFFF, r & 7, false));
    }
    for (unsigned r = 0; r < 32; r++) {
        wr(enc_prselr(OP1_EL2), r);
        ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), prbar_v(0x1000ull * r, 0, 0, 0));
        ck_assert_uint_eq(rd(enc_prlar(OP1_EL2)), prlar_v(0x1000ull * r + 0xFFF, r & 7, false));
    }
    /* the EL1 MPU is a different set of registers */
    wr(enc_prselr(OP1_EL1), 3);
    ck_assert_uint_eq(rd(enc_prbar(OP1_EL1)), 0);
    ck_assert_uint_eq(rd(enc_prselr(OP1_EL2)), 31);
}
END_TEST

/* PRBAR<n>/PRLAR<n> reach region {PRSELR[7:4], n}; plain PRBAR reaches
 * PRSELR itself. */
START_TEST(sysreg_alias_addressing)
{
    setup_pair(16, 256);
    for (unsigned group = 0; group < 16; group++) {
        /* low nibble of PRSELR must not matter for the aliases */
        wr(enc_prselr(OP1_EL2), group << 4 | ((group * 7) & 0xF));
        for (unsigned n = 1; n <= 15; n++) {
            wr(enc_prbar_n(OP1_EL2, n), prbar_v((uint64_t)(group << 4 | n) << 12, 0, 1, 0));
            wr(enc_prlar_n(OP1_EL2, n), prlar_v((uint64_t)(group << 4 | n) << 12 | 0xFFF, 2, 0));
        }
    }
    for (unsigned r = 0; r < 256; r++) {
        wr(enc_prselr(OP1_EL2), r);
        uint64_t want = (r & 0xF) ? prbar_v((uint64_t)r << 12, 0, 1, 0) : 0;
        ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), want);
        want = (r & 0xF) ? prlar_v((uint64_t)r << 12 | 0xFFF, 2, 0) : 0;
        ck_assert_uint_eq(rd(enc_prlar(OP1_EL2)), want);
    }
    /* PRSELR = 0x25: PRBAR is region 0x25, PRBAR3 region 0x23 */
    wr(enc_prselr(OP1_EL2), 0x25);
    wr(enc_prbar(OP1_EL2), prbar_v(0xAA000, 0, 0, 0));
    wr(enc_prbar_n(OP1_EL2, 3), prbar_v(0xBB000, 0, 0, 0));
    wr(enc_prselr(OP1_EL2), 0x23);
    ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), prbar_v(0xBB000, 0, 0, 0));
    wr(enc_prselr(OP1_EL2), 0x25);
    ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), prbar_v(0xAA000, 0, 0, 0));
    /* alias reads use the same addressing */
    wr(enc_prselr(OP1_EL2), 0x2F);
    ck_assert_uint_eq(rd(enc_prbar_n(OP1_EL2, 3)), prbar_v(0xBB000, 0, 0, 0));
    ck_assert_uint_eq(rd(enc_prbar_n(OP1_EL2, 5)), prbar_v(0xAA000, 0, 0, 0));
}
END_TEST

/* Selecting a slot that is not implemented: writes ignored, reads zero. */
START_TEST(sysreg_unimplemented_slot)
{
    setup_pair(16, 32);
    set_region(OP1_EL2, 31, 0x1000, 0x1FFF, 0, 0, true);
    wr(enc_prselr(OP1_EL2), 32);
    wr(enc_prbar(OP1_EL2), prbar_v(0x5000, 0, 0, 0));
    ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), 0);
    ck_assert_uint_eq(rd(enc_prlar(OP1_EL2)), 0);
    /* alias {PRSELR[7:4], n}: 0x20 | 1 = 33 is beyond 32 slots */
    wr(enc_prbar_n(OP1_EL2, 1), prbar_v(0x6000, 0, 0, 0));
    ck_assert_uint_eq(rd(enc_prbar_n(OP1_EL2, 1)), 0);
    /* slot 31 is untouched; 0x10 | 15 = 31 reaches it through an alias */
    wr(enc_prselr(OP1_EL2), 0x10);
    ck_assert_uint_eq(rd(enc_prbar_n(OP1_EL2, 15)), prbar_v(0x1000, 3, 0, 0));
    ck_assert_uint_ge(P.el2.stats.out_of_range_accesses, 4);
}
END_TEST

static bool prlar_en(int op1, unsigned slot)
{
    wr(enc_prselr(op1), slot);
    return rd(enc_prlar(op1)) & 1;
}

/* PRENR[31:0] mirrors PRLAR.EN of regions 0..31, both ways. */
START_TEST(sysreg_prenr_mirrors_enable)
{
    setup_pair(16, 64);
    set_region(OP1_EL2, 0, 0x0000, 0x0FFF, 0, 0, true);
    set_region(OP1_EL2, 3, 0x3000, 0x3FFF, 0, 0, true);
    set_region(OP1_EL2, 31, 0x1F000, 0x1FFFF, 0, 0, true);
    set_region(OP1_EL2, 32, 0x20000, 0x20FFF, 0, 0, true);
    set_region(OP1_EL2, 1, 0x1000, 0x1FFF, 1, 2, false);
    ck_assert_uint_eq(rd(enc_prenr(OP1_EL2)), 0x80000009ull);

    wr(enc_prenr(OP1_EL2), 0x6 | (1ull << 32));
    ck_assert(!prlar_en(OP1_EL2, 0));
    ck_assert(prlar_en(OP1_EL2, 1));
    ck_assert(prlar_en(OP1_EL2, 2));
    ck_assert(!prlar_en(OP1_EL2, 3));
    ck_assert(!prlar_en(OP1_EL2, 31));
    ck_assert(prlar_en(OP1_EL2, 32));   /* region 32 has no PRENR bit */
    /* the other PRLAR fields survive */
    wr(enc_prselr(OP1_EL2), 1);
    ck_assert_uint_eq(rd(enc_prlar(OP1_EL2)), prlar_v(0x1FFF, 7, true));
    ck_assert_uint_eq(rd(enc_prbar(OP1_EL2)), prbar_v(0x1000, 3, 1, 2));
    ck_assert_uint_eq(rd(enc_prenr(OP1_EL2)), 0x6);

    /* clearing EN through PRLAR shows in PRENR */
    wr(enc_prselr(OP1_EL2), 2);
    wr(enc_prlar(OP1_EL2), prlar_v(0x2FFF, 0, false));
    ck_assert_uint_eq(rd(enc_prenr(OP1_EL2)), 0x2);
}
END_TEST

START_TEST(sysreg_prenr_small_mpu)
{
    setup_pair(8, 8);
    wr(enc_prenr(OP1_EL1), 0xFFFFFFFF);
    ck_assert_uint_eq(rd(enc_prenr(OP1_EL1)), 0xFF);   /* bits >= 8: RAZ/WI */
    ck_assert_uint_eq(rd(enc_prenr(OP1_EL2)), 0);
}
END_TEST

/* A region enabled through PRENR protects once synchronized. */
START_TEST(sysreg_prenr_takes_effect)
{
    setup_pair(16, 32);
    set_region(OP1_EL2, 4, 0x4000, 0x4FFF, 0, 0, false);
    mpu_pair_context_sync(&P, 0);
    struct mpu_result res;
    ck_assert(!access_el2(0x4000, MPU_ACC_READ, &res));
    wr(enc_prenr(OP1_EL2), 1u << 4);
    mpu_pair_context_sync(&P, 1);
    ck_assert(access_el2(0x4000, MPU_ACC_READ, &res));
    ck_assert_int_eq(res.s1_region, 4);
    wr(enc_prenr(OP1_EL2), 0);
    mpu_pair_context_sync(&P, 2);
    ck_assert(!access_el2(0x4000, MPU_ACC_READ, &res));
}
END_TEST

/* ---- when writes take effect --------------------------------------------- */

START_TEST(sync_writes_wait_for_context_sync)
{
    setup_pair(16, 32);
    struct mpu_result res;
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 0, 0, true);
    /* readable back at once, not yet enforced */
    wr(enc_prselr(OP1_EL2), 0);
    ck_assert(rd(enc_prlar(OP1_EL2)) & 1);
    ck_assert(!access_el2(0x1000, MPU_ACC_READ, &res));
    ck_assert_int_eq(res.kind, MPU_FAULT_NO_MATCH);
    mpu_pair_context_sync(&P, 10);
    ck_assert(access_el2(0x1000, MPU_ACC_READ, &res));

    /* disabling: the old region still applies until the sync */
    wr(enc_prlar(OP1_EL2), prlar_v(0x1FFF, 7, false));
    ck_assert(access_el2(0x1000, MPU_ACC_READ, &res));
    mpu_pair_context_sync(&P, 20);
    ck_assert(!access_el2(0x1000, MPU_ACC_READ, &res));

    /* a permission change too */
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 2 /* RO */, 0, true);
    mpu_pair_context_sync(&P, 30);
    ck_assert(!access_el2(0x1000, MPU_ACC_WRITE, &res));
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 0 /* RW */, 0, true);
    ck_assert(!access_el2(0x1000, MPU_ACC_WRITE, &res));
    mpu_pair_context_sync(&P, 40);
    ck_assert(access_el2(0x1000, MPU_ACC_WRITE, &res));
}
END_TEST

/* Accesses between a write and its synchronization are counted; those whose
 * outcome the write would change are counted as stale. */
START_TEST(sync_counts_accesses_before_sync)
{
    setup_pair(16, 32);
    struct mpu_result res;
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 0, 0, true);
    mpu_pair_context_sync(&P, 0);
    ck_assert_uint_eq(P.el2.stats.pending_accesses, 0);

    set_region(OP1_EL2, 1, 0x8000, 0x8FFF, 0, 0, true);
    access_el2(0x1000, MPU_ACC_READ, &res);   /* unaffected by the write */
    access_el2(0x1040, MPU_ACC_READ, &res);
    access_el2(0x8000, MPU_ACC_READ, &res);   /* would succeed after the sync */
    ck_assert_uint_eq(P.el2.stats.pending_accesses, 3);
    ck_assert_uint_eq(P.el2.stats.stale_accesses, 1);
    mpu_pair_context_sync(&P, 5);
    access_el2(0x8000, MPU_ACC_READ, &res);
    ck_assert_uint_eq(P.el2.stats.pending_accesses, 3);
    ck_assert_uint_eq(P.el2.stats.stale_accesses, 1);
    ck_assert_uint_eq(P.el1.stats.pending_accesses, 0);

    /* a write that changes nothing leaves nothing pending */
    set_region(OP1_EL2, 1, 0x8000, 0x8FFF, 0, 0, true);
    access_el2(0x8000, MPU_ACC_READ, &res);
    ck_assert_uint_eq(P.el2.stats.pending_accesses, 3);

    /* a permission change makes a write stale */
    set_region(OP1_EL2, 1, 0x8000, 0x8FFF, 2, 0, true);
    ck_assert(access_el2(0x8000, MPU_ACC_WRITE, &res));
    ck_assert_uint_eq(P.el2.stats.stale_accesses, 2);
}
END_TEST

START_TEST(sync_counts_selector_without_sync)
{
    setup_pair(16, 32);
    wr(enc_prselr(OP1_EL2), 3);
    wr(enc_prbar(OP1_EL2), 0);               /* PRSELR not synchronized */
    ck_assert_uint_eq(P.el2.stats.selector_unsynced, 1);
    mpu_pair_context_sync(&P, 0);
    wr(enc_prbar(OP1_EL2), 0x1000);
    wr(enc_prlar(OP1_EL2), 0x1FC1);
    ck_assert_uint_eq(P.el2.stats.selector_unsynced, 1);
    wr(enc_prselr(OP1_EL2), 3);              /* same value: no new hazard */
    wr(enc_prbar(OP1_EL2), 0x1000);
    ck_assert_uint_eq(P.el2.stats.selector_unsynced, 1);
}
END_TEST

START_TEST(sync_counts)
{
    setup_pair(16, 32);
    mpu_pair_context_sync(&P, 0);
    mpu_pair_context_sync(&P, 1);
    set_region(OP1_EL2, 2, 0x1000, 0x1FFF, 0, 0, true);
    mpu_pair_context_sync(&P, 2);
    ck_assert_uint_eq(P.el2.stats.syncs, 3);
    ck_assert_uint_eq(P.el2.stats.syncs_changed, 1);
    ck_assert_uint_eq(P.el1.stats.syncs, 3);
    ck_assert_uint_eq(P.el1.stats.syncs_changed, 0);
}
END_TEST

/* ---- statistics ---------------------------------------------------------- */

START_TEST(stats_register_writes)
{
    setup_pair(16, 32);
    wr(enc_prselr(OP1_EL2), 0);
    wr(enc_prselr(OP1_EL2), 16);
    wr(enc_prbar(OP1_EL2), 0);
    wr(enc_prlar(OP1_EL2), 0);
    wr(enc_prlar(OP1_EL2), 0);
    for (unsigned n = 1; n <= 4; n++)
        wr(enc_prbar_n(OP1_EL2, n), 0);
    wr(enc_prlar_n(OP1_EL2, 9), 0);
    wr(enc_prenr(OP1_EL2), 0);
    wr(enc_prenr(OP1_EL1), 0);
    const uint64_t *w = P.el2.stats.reg_writes;
    ck_assert_uint_eq(w[MPU_REG_PRSELR], 2);
    ck_assert_uint_eq(w[MPU_REG_PRBAR], 1);
    ck_assert_uint_eq(w[MPU_REG_PRLAR], 2);
    ck_assert_uint_eq(w[MPU_REG_PRBAR_ALIAS], 4);
    ck_assert_uint_eq(w[MPU_REG_PRLAR_ALIAS], 1);
    ck_assert_uint_eq(w[MPU_REG_PRENR], 1);
    ck_assert_uint_eq(P.el1.stats.reg_writes[MPU_REG_PRENR], 1);
    ck_assert_str_eq(mpu_reg_name(MPU_REG_PRBAR_ALIAS), "prbar_alias");
}
END_TEST

START_TEST(stats_faults_by_kind)
{
    setup_pair(16, 32);
    struct mpu_result res;
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 2 /* RO */, 2 /* XN */, true);
    set_region(OP1_EL2, 1, 0x3000, 0x4FFF, 0, 0, true);
    set_region(OP1_EL2, 2, 0x4000, 0x5FFF, 0, 0, true);
    mpu_pair_context_sync(&P, 0);
    access_el2(0x9000, MPU_ACC_READ, &res);    /* no match */
    access_el2(0x4800, MPU_ACC_READ, &res);    /* overlap */
    access_el2(0x4800, MPU_ACC_WRITE, &res);   /* overlap */
    access_el2(0x1000, MPU_ACC_WRITE, &res);   /* RO */
    access_el2(0x1000, MPU_ACC_EXEC, &res);    /* XN */
    access_el2(0x1000, MPU_ACC_READ, &res);    /* fine */
    const uint64_t *f = P.el2.stats.faults[0];
    ck_assert_uint_eq(f[MPU_FAULT_NO_MATCH], 1);
    ck_assert_uint_eq(f[MPU_FAULT_OVERLAP], 2);
    ck_assert_uint_eq(f[MPU_FAULT_PERM_WRITE], 1);
    ck_assert_uint_eq(f[MPU_FAULT_PERM_EXEC], 1);
    ck_assert_uint_eq(f[MPU_FAULT_PERM_READ], 0);
    ck_assert_uint_eq(P.el2.stats.faults[1][MPU_FAULT_NO_MATCH], 0);

    /* a guest access to a hypervisor-only region: stage-2 read fault */
    struct mpu_ctl c = el2_ctl();
    c.hcr_vm = true;
    struct mpu_req rq = {.addr = 0x1000, .type = MPU_ACC_READ, .el = 1};
    ck_assert(!mpu_lookup(&P, &c, &rq, &res));
    ck_assert_uint_eq(P.el2.stats.faults[1][MPU_FAULT_PERM_READ], 1);
    ck_assert_str_eq(mpu_fault_kind_name(MPU_FAULT_OVERLAP), "overlap");
}
END_TEST

/* Enabled regions over time: peak, time-weighted mean, headroom. */
START_TEST(stats_region_pressure)
{
    setup_pair(16, 32);
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 0, 0, true);
    set_region(OP1_EL2, 1, 0x2000, 0x2FFF, 0, 0, true);
    mpu_pair_context_sync(&P, 0);                /* 2 regions on [0, 100) */
    set_region(OP1_EL2, 2, 0x3000, 0x3FFF, 0, 0, true);
    set_region(OP1_EL2, 3, 0x4000, 0x4FFF, 0, 0, true);
    mpu_pair_context_sync(&P, 100);              /* 4 on [100, 300) */
    wr(enc_prenr(OP1_EL2), 0x1);
    mpu_pair_context_sync(&P, 300);              /* 1 on [300, 400) */
    ck_assert_uint_eq(mpu_enabled_count(&P.el2), 1);
    ck_assert_uint_eq(P.el2.stats.peak, 4);
    ck_assert_int_eq(mpu_headroom(&P.el2), 28);
    ck_assert_double_eq_tol(mpu_mean_enabled(&P.el2, 400), (2 * 100 + 4 * 200 + 1 * 100) / 400.0,
                            1e-9);
    ck_assert_int_eq(mpu_headroom(&P.el1), 16);
}
END_TEST

START_TEST(stats_owner_tags)
{
    setup_pair(16, 32);
    ck_assert_int_eq(mpu_set_owner(&P.el2, 0, MPU_OWNER_HV_TEXT, 0), 0);
    ck_assert_int_eq(mpu_set_owner(&P.el2, 5, MPU_OWNER_GUEST_STAGE2, 3), 0);
    ck_assert_int_eq(mpu_set_owner(&P.el2, 32, MPU_OWNER_DEVICE, 0), -1);
    set_region(OP1_EL2, 0, 0x1000, 0x1FFF, 0, 0, true);
    set_region(OP1_EL2, 5, 0x5000, 0x5FFF, 1, 0, true);
    set_region(OP1_EL2, 6, 0x6000, 0x6FFF, 1, 0, true);
    mpu_pair_context_sync(&P, 0);
    const unsigned *by = P.el2.stats.enabled_by_owner;
    ck_assert_uint_eq(by[MPU_OWNER_HV_TEXT], 1);
    ck_assert_uint_eq(by[MPU_OWNER_GUEST_STAGE2], 1);
    ck_assert_uint_eq(by[MPU_OWNER_NONE], 1);
    /* retagging an enabled slot moves it */
    mpu_set_owner(&P.el2, 6, MPU_OWNER_GUEST_STAGE2, 3);
    ck_assert_uint_eq(by[MPU_OWNER_GUEST_STAGE2], 2);
    ck_assert_uint_eq(by[MPU_OWNER_NONE], 0);
    wr(enc_prenr(OP1_EL2), 0x1);
    mpu_pair_context_sync(&P, 10);
    ck_assert_uint_eq(by[MPU_OWNER_GUEST_STAGE2], 0);
    ck_assert_uint_eq(P.el2.stats.peak_by_owner[MPU_OWNER_GUEST_STAGE2], 2);
    ck_assert_str_eq(mpu_owner_name(MPU_OWNER_TRANSIENT_MAP), "transient_map");
}
END_TEST

struct event_log {
    unsigned n;
    struct mpu_event ev[8];
};

static void log_event(void *ctx, const struct mpu *mpu, const struct mpu_event *ev)
{
    struct event_log *log = ctx;
    (void)mpu;
    if (log->n < 8)
        log->ev[log->n] = *ev;
    log->n++;
}

START_TEST(stats_observer_timeline)
{
    setup_pair(16, 32);
    struct event_log log = {0};
    mpu_set_observer(&P.el2, log_event, &log);
    mpu_set_owner(&P.el2, 7, MPU_OWNER_TRANSIENT_MAP, 2);
    set_region(OP1_EL2, 7, 0x7000, 0x7FFF, 0, 0, true);
    set_region(OP1_EL2, 8, 0x8000, 0x8FFF, 0, 0, false);  /* disabled: no event */
    ck_assert_uint_eq(log.n, 0);                          /* nothing before sync */
    mpu_pair_context_sync(&P, 42);
    ck_assert_uint_eq(log.n, 1);
    ck_assert_uint_eq(log.ev[0].cycle, 42);
    ck_assert_uint_eq(log.ev[0].slot, 7);
    ck_assert(log.ev[0].enabled);
    ck_assert_int_eq(log.ev[0].owner, MPU_OWNER_TRANSIENT_MAP);
    ck_assert_uint_eq(log.ev[0].domid, 2);
    ck_assert_uint_eq(log.ev[0].enabled_count, 1);
    wr(enc_prenr(OP1_EL2), 0);
    mpu_pair_context_sync(&P, 50);
    ck_assert_uint_eq(log.n, 2);
    ck_assert(!log.ev[1].enabled);
    ck_assert_uint_eq(log.ev[1].enabled_count, 0);
    mpu_set_observer(&P.el2, NULL, NULL);
    wr(enc_prenr(OP1_EL2), 1u << 7);
    mpu_pair_context_sync(&P, 60);
    ck_assert_uint_eq(log.n, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mpu");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, config_rejects_zero_and_257);
    tcase_add_test(tc, config_mpuir_counts);
    tcase_add_test(tc, config_mpuir_write_undefined);
    suite_add_tcase(s, tc);

    tc = tcase_create("sysreg");
    tcase_add_test(tc, sysreg_encodings_recognised);
    tcase_add_test(tc, sysreg_other_registers_fall_through);
    tcase_add_test(tc, sysreg_names);
    tcase_add_test(tc, sysreg_res0_masking);
    tcase_add_test(tc, sysreg_prselr_selects_region);
    tcase_add_test(tc, sysreg_alias_addressing);
    tcase_add_test(tc, sysreg_unimplemented_slot);
    tcase_add_test(tc, sysreg_prenr_mirrors_enable);
    tcase_add_test(tc, sysreg_prenr_small_mpu);
    tcase_add_test(tc, sysreg_prenr_takes_effect);
    suite_add_tcase(s, tc);

    tc = tcase_create("sync");
    tcase_add_test(tc, sync_writes_wait_for_context_sync);
    tcase_add_test(tc, sync_counts_accesses_before_sync);
    tcase_add_test(tc, sync_counts_selector_without_sync);
    tcase_add_test(tc, sync_counts);
    suite_add_tcase(s, tc);

    tc = tcase_create("stats");
    tcase_add_test(tc, stats_register_writes);
    tcase_add_test(tc, stats_faults_by_kind);
    tcase_add_test(tc, stats_region_pressure);
    tcase_add_test(tc, stats_owner_tags);
    tcase_add_test(tc, stats_observer_timeline);
    suite_add_tcase(s, tc);

    return check_run(s);
}
