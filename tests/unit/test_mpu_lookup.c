/* MPU lookups: region matching, overlaps, the background region, AP/XN/WXN
 * permissions, the two stages of an EL1&0 access, fault reports and slot
 * counts.  Expectations are written from the architecture rules (reference
 * sections 1.5, 1.8, 1.9, 2.7), with registers built by hand. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mpu/mpu.h"
#include "tests/unit/check_run.h"

enum { OP1_EL1 = 0, OP1_EL2 = 4 };
enum { AP_RW_PRIV = 0, AP_RW_ALL = 1, AP_RO_PRIV = 2, AP_RO_ALL = 3 };
enum { XN_NONE = 0, XN_BIT0 = 1, XN_BIT1 = 2, XN_BOTH = 3 };

#define XEN_MAIR_EL2 0xFF000004EEAA4400ull     /* idx 0 00, 1 44, 2 AA, 3 EE, 4 04, 7 FF */
#define ZEPHYR_MAIR_EL1 0x44FFAA00ull          /* idx 0 00, 1 AA, 2 FF, 3 44 */

static uint32_t enc_prselr(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 2, 1); }
static uint32_t enc_prbar(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 8, 0); }
static uint32_t enc_prlar(int op1) { return MPU_SYSREG_ENC(3, op1, 6, 8, 1); }
static uint32_t enc_prbar_n(int op1, unsigned n)
{
    return MPU_SYSREG_ENC(3, op1, 6, 8 + (n >> 1), 4 * (n & 1));
}
static uint32_t enc_prlar_n(int op1, unsigned n)
{
    return MPU_SYSREG_ENC(3, op1, 6, 8 + (n >> 1), 4 * (n & 1) + 1);
}

static struct mpu_pair P;
static struct mpu_ctl C;
static struct mpu_result R;

static void wr(uint32_t enc, uint64_t v)
{
    ck_assert_int_eq(mpu_sysreg_write(&P, enc, v), MPU_SYSREG_OK);
}

/* PRBAR: BASE[47:6] SH[5:4] AP[3:2] XN[1:0]; PRLAR: LIMIT[47:6] AttrIndx[3:1] EN */
static void region_full(int op1, unsigned slot, uint64_t base, uint64_t limit, unsigned ap,
                        unsigned xn, unsigned sh, unsigned attr, bool en)
{
    wr(enc_prselr(op1), slot);
    wr(enc_prbar(op1), (base & ~0x3Full) | sh << 4 | ap << 2 | xn);
    wr(enc_prlar(op1), (limit & ~0x3Full) | attr << 1 | (en ? 1u : 0u));
}

static void region(int op1, unsigned slot, uint64_t base, uint64_t limit, unsigned ap,
                   unsigned xn)
{
    region_full(op1, slot, base, limit, ap, xn, 3, 7, true);
}

static void sync(void)
{
    mpu_pair_context_sync(&P, 0);
}

static void setup_opts(unsigned n1, unsigned n2, const struct mpu_options *o)
{
    struct msa_error e;
    ck_assert_int_eq(mpu_pair_init(&P, n1, n2, o, &e), 0);
    memset(&C, 0, sizeof C);
    C.el1_m = C.el2_m = true;
    C.mair_el1 = ZEPHYR_MAIR_EL1;
    C.mair_el2 = XEN_MAIR_EL2;
}

static void setup(void)
{
    setup_opts(16, 32, NULL);
}

static bool acc(uint64_t addr, enum mpu_access t, unsigned el)
{
    struct mpu_req rq = {.addr = addr, .type = t, .el = (uint8_t)el};
    memset(&R, 0x5A, sizeof R);
    return mpu_lookup(&P, &C, &rq, &R);
}

static bool acc_unpriv(uint64_t addr, enum mpu_access t)
{
    struct mpu_req rq = {.addr = addr, .type = t, .el = 1, .unprivileged = true};
    return mpu_lookup(&P, &C, &rq, &R);
}

static void assert_fault(unsigned stage, unsigned target_el, enum mpu_fault_kind kind)
{
    ck_assert(!R.ok);
    ck_assert_uint_eq(R.stage, stage);
    ck_assert_uint_eq(R.target_el, target_el);
    ck_assert_int_eq(R.kind, kind);
    ck_assert_uint_eq(R.fsc, 0x0C);    /* Permission fault, level 0 */
    ck_assert_uint_eq(R.level, 0);
}

/* ---- matching -------------------------------------------------------------- */

/* The limit is inclusive: LIMIT << 6 | 0x3F. */
START_TEST(match_inclusive_limit_64b_edges)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_PRIV, XN_NONE);
    sync();
    ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    ck_assert(acc(0x1FC0, MPU_ACC_READ, 2));
    ck_assert(acc(0x1FFF, MPU_ACC_READ, 2));
    ck_assert(!acc(0x2000, MPU_ACC_READ, 2));
    assert_fault(1, 2, MPU_FAULT_NO_MATCH);
    ck_assert(!acc(0x0FFF, MPU_ACC_READ, 2));
    ck_assert(!acc(0x0FC0, MPU_ACC_READ, 2));
}
END_TEST

/* One granule: BASE == LIMIT covers 64 bytes. */
START_TEST(match_single_granule)
{
    setup();
    region(OP1_EL2, 3, 0x40000, 0x40000, AP_RW_PRIV, XN_NONE);
    sync();
    ck_assert(!acc(0x3FFFF, MPU_ACC_READ, 2));
    for (uint64_t a = 0x40000; a < 0x40040; a++)
        ck_assert(acc(a, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 3);
    ck_assert(!acc(0x40040, MPU_ACC_READ, 2));
}
END_TEST

/* The low six bits of BASE and LIMIT are not part of the range. */
START_TEST(match_low_bits_ignored)
{
    setup();
    wr(enc_prselr(OP1_EL2), 0);
    wr(enc_prbar(OP1_EL2), 0x1000 | 0x3F);  /* low bits are attributes */
    wr(enc_prlar(OP1_EL2), 0x1000 | 0x1F);  /* limit 0x1000, attrs, EN */
    sync();
    ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    ck_assert(acc(0x103F, MPU_ACC_READ, 2));
    ck_assert(!acc(0x1040, MPU_ACC_READ, 2));
}
END_TEST

START_TEST(match_adjacent_regions_do_not_overlap)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 1, 0x2000, 0x2FFF, AP_RO_PRIV, XN_NONE);
    sync();
    ck_assert(acc(0x1FFF, MPU_ACC_WRITE, 2));
    ck_assert_int_eq(R.s1_region, 0);
    ck_assert(acc(0x2000, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 1);
    ck_assert(!acc(0x2000, MPU_ACC_WRITE, 2));
    assert_fault(1, 2, MPU_FAULT_PERM_WRITE);
}
END_TEST

START_TEST(match_only_enabled_regions)
{
    setup();
    region_full(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_PRIV, XN_NONE, 3, 7, false);
    /* a disabled region overlapping an enabled one is no overlap */
    region_full(OP1_EL2, 1, 0x3000, 0x3FFF, AP_RW_PRIV, XN_NONE, 3, 7, false);
    region(OP1_EL2, 2, 0x3000, 0x3FFF, AP_RW_PRIV, XN_NONE);
    /* LIMIT below BASE matches nothing */
    region(OP1_EL2, 4, 0x6000, 0x5FFF, AP_RW_PRIV, XN_NONE);
    sync();
    ck_assert(!acc(0x1000, MPU_ACC_READ, 2));
    assert_fault(1, 2, MPU_FAULT_NO_MATCH);
    ck_assert(acc(0x3000, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 2);
    ck_assert(!acc(0x5FFF, MPU_ACC_READ, 2));
    ck_assert(!acc(0x6000, MPU_ACC_READ, 2));
}
END_TEST

/* Two or more matching enabled regions: the access faults, whatever their
 * permissions, and the background region does not rescue it. */
START_TEST(match_overlap_faults)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x2FFF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 1, 0x2000, 0x3FFF, AP_RW_PRIV, XN_NONE);
    C.el2_br = true;
    sync();
    ck_assert(acc(0x1800, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 0);
    ck_assert(!acc(0x2000, MPU_ACC_READ, 2));
    assert_fault(1, 2, MPU_FAULT_OVERLAP);
    ck_assert(!acc(0x2FFF, MPU_ACC_EXEC, 2));
    assert_fault(1, 2, MPU_FAULT_OVERLAP);
    ck_assert(R.is_instruction);
    ck_assert(acc(0x3000, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 1);
}
END_TEST

/* Overlap of a single granule at the edges, and identical regions. */
START_TEST(match_overlap_edges)
{
    setup();
    region(OP1_EL2, 5, 0x1000, 0x10FF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 9, 0x10C0, 0x11FF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 10, 0x8000, 0x8FFF, AP_RO_ALL, XN_BIT1);
    region(OP1_EL2, 11, 0x8000, 0x8FFF, AP_RO_ALL, XN_BIT1);
    /* three-way: a region inside a region inside a region */
    region(OP1_EL2, 12, 0x10000, 0x1FFFF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 13, 0x14000, 0x17FFF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 14, 0x15000, 0x15FFF, AP_RW_PRIV, XN_NONE);
    sync();
    ck_assert(acc(0x10BF, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 5);
    ck_assert(!acc(0x10C0, MPU_ACC_READ, 2));
    ck_assert(!acc(0x10FF, MPU_ACC_READ, 2));
    ck_assert(acc(0x1100, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 9);
    ck_assert(!acc(0x8000, MPU_ACC_READ, 2));
    assert_fault(1, 2, MPU_FAULT_OVERLAP);
    ck_assert(acc(0x13FFF, MPU_ACC_READ, 2));
    ck_assert(!acc(0x14000, MPU_ACC_READ, 2));
    ck_assert(!acc(0x15800, MPU_ACC_READ, 2));
    ck_assert(!acc(0x17FFF, MPU_ACC_READ, 2));
    ck_assert(acc(0x18000, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 12);
}
END_TEST

/* ---- background region ------------------------------------------------------ */

START_TEST(bg_el2_needs_br)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_PRIV, XN_NONE);
    sync();
    ck_assert(!acc(0x100000, MPU_ACC_READ, 2));
    assert_fault(1, 2, MPU_FAULT_NO_MATCH);
    C.el2_br = true;
    ck_assert(acc(0x100000, MPU_ACC_READ, 2));
    ck_assert(acc(0x100000, MPU_ACC_WRITE, 2));
    ck_assert_int_eq(R.s1_region, -1);
    ck_assert_uint_ge(P.el2.stats.background_hits, 2);
}
END_TEST

/* EL1 regime: only privileged EL1 accesses use the background region;
 * EL0 and LDTR/STTR at EL1 fault. */
START_TEST(bg_el1_vs_el0)
{
    setup();
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_NONE);
    C.el1_br = true;
    sync();
    ck_assert(acc(0x100000, MPU_ACC_READ, 1));
    ck_assert(!acc(0x100000, MPU_ACC_READ, 0));
    assert_fault(1, 1, MPU_FAULT_NO_MATCH);
    ck_assert(!acc_unpriv(0x100000, MPU_ACC_WRITE));
    assert_fault(1, 1, MPU_FAULT_NO_MATCH);
    ck_assert(R.wnr);
    /* SCTLR_EL2.BR has no say over the EL1 regime */
    C.el1_br = false;
    C.el2_br = true;
    ck_assert(!acc(0x100000, MPU_ACC_READ, 1));
    assert_fault(1, 1, MPU_FAULT_NO_MATCH);
}
END_TEST

/* Stage 2 never uses the background region. */
START_TEST(bg_never_at_stage2)
{
    setup();
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_NONE);
    C.hcr_vm = true;
    C.el2_br = true;
    C.el1_br = true;
    sync();
    ck_assert(!acc(0x1000, MPU_ACC_READ, 1));
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
    ck_assert(!acc(0x100000, MPU_ACC_READ, 1));   /* EL1 background, then stage 2 */
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
    ck_assert(!acc(0x1000, MPU_ACC_READ, 0));
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
    region(OP1_EL2, 0, 0x0, 0xFFFFF, AP_RW_ALL, XN_NONE);
    sync();
    ck_assert(acc(0x1000, MPU_ACC_READ, 0));
    ck_assert(acc(0x80000, MPU_ACC_READ, 1));     /* background at stage 1 */
    ck_assert_int_eq(R.s1_region, -1);
    ck_assert_int_eq(R.s2_region, 0);
}
END_TEST

/* MPU off: the default map.  Default option: executable below 2 GiB,
 * device and execute-never above. */
START_TEST(bg_mpu_disabled_default_map)
{
    setup();
    C.el2_m = false;
    C.el1_m = false;
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 2));
    ck_assert(acc(0x9C090000, MPU_ACC_WRITE, 2));
    ck_assert_uint_eq(R.attr, 0x00);                /* Device-nGnRnE */
    ck_assert(!acc(0x9C090000, MPU_ACC_EXEC, 2));
    assert_fault(1, 2, MPU_FAULT_PERM_EXEC);
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 0));
    ck_assert(!acc(0x80000000, MPU_ACC_EXEC, 1));
    assert_fault(1, 1, MPU_FAULT_PERM_EXEC);

    struct mpu_options o;
    mpu_options_default(&o);
    o.bgmap = MPU_BGMAP_FLAT;
    setup_opts(16, 32, &o);
    C.el2_m = false;
    ck_assert(acc(0x9C090000, MPU_ACC_EXEC, 2));
    ck_assert_uint_eq(R.attr, 0xFF);
}
END_TEST

/* WXN makes the (writable) background region execute-never. */
START_TEST(bg_wxn)
{
    setup();
    C.el2_br = true;
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 2));
    C.el2_wxn = true;
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 2));
    assert_fault(1, 2, MPU_FAULT_PERM_EXEC);
    ck_assert(acc(0x1000, MPU_ACC_WRITE, 2));
}
END_TEST

/* ---- permissions ------------------------------------------------------------- */

/* EL1 MPU AP: 00 EL1 RW/EL0 none; 01 RW both; 10 EL1 RO/EL0 none; 11 RO both. */
START_TEST(perm_el1_ap_table)
{
    static const struct {
        unsigned ap;
        bool el1_r, el1_w, el0_r, el0_w;
    } t[] = {
        {AP_RW_PRIV, 1, 1, 0, 0},
        {AP_RW_ALL, 1, 1, 1, 1},
        {AP_RO_PRIV, 1, 0, 0, 0},
        {AP_RO_ALL, 1, 0, 1, 0},
    };
    for (unsigned i = 0; i < 4; i++) {
        setup();
        region(OP1_EL1, 1, 0x1000, 0x1FFF, t[i].ap, XN_NONE);
        sync();
        ck_assert_int_eq(acc(0x1000, MPU_ACC_READ, 1), t[i].el1_r);
        ck_assert_int_eq(acc(0x1000, MPU_ACC_WRITE, 1), t[i].el1_w);
        ck_assert_int_eq(acc(0x1000, MPU_ACC_READ, 0), t[i].el0_r);
        ck_assert_int_eq(acc(0x1000, MPU_ACC_WRITE, 0), t[i].el0_w);
        /* LDTR/STTR at EL1 are checked as EL0 */
        ck_assert_int_eq(acc_unpriv(0x1000, MPU_ACC_READ), t[i].el0_r);
        ck_assert_int_eq(acc_unpriv(0x1000, MPU_ACC_WRITE), t[i].el0_w);
        /* execution needs read permission (XN clear here) */
        ck_assert_int_eq(acc(0x1000, MPU_ACC_EXEC, 1), t[i].el1_r);
        ck_assert_int_eq(acc(0x1000, MPU_ACC_EXEC, 0), t[i].el0_r);
        if (!t[i].el0_r)
            assert_fault(1, 1, MPU_FAULT_PERM_EXEC);
    }
}
END_TEST

/* EL2 MPU AP for EL2's own accesses: bit 1 read-only, bit 0 irrelevant. */
START_TEST(perm_el2_ap_table)
{
    static const bool w[4] = {1, 1, 0, 0};
    for (unsigned ap = 0; ap < 4; ap++) {
        setup();
        region(OP1_EL2, 0, 0x1000, 0x1FFF, ap, XN_NONE);
        sync();
        ck_assert(acc(0x1000, MPU_ACC_READ, 2));
        ck_assert_int_eq(acc(0x1000, MPU_ACC_WRITE, 2), w[ap]);
        ck_assert_int_eq(acc(0x1000, MPU_ACC_RMW, 2), w[ap]);
        if (!w[ap]) {
            assert_fault(1, 2, MPU_FAULT_PERM_WRITE);
            ck_assert(R.wnr);
            ck_assert(!R.is_instruction);
            ck_assert_uint_eq(R.far, 0x1000);
        }
    }
}
END_TEST

/* XN[1] is execute-never at stage 1; XN[0] is not (model choice). */
START_TEST(perm_xn_stage1)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RO_PRIV, XN_BIT1);
    region(OP1_EL2, 1, 0x2000, 0x2FFF, AP_RO_PRIV, XN_BIT0);
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RO_ALL, XN_BIT1);
    region(OP1_EL1, 1, 0x2000, 0x2FFF, AP_RO_ALL, XN_NONE);
    sync();
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 2));
    assert_fault(1, 2, MPU_FAULT_PERM_EXEC);
    ck_assert(R.is_instruction);
    ck_assert(!R.wnr);
    ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 2));
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 1));
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 0));
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 0));
}
END_TEST

/* WXN: writable regions are execute-never; read-only ones are not. */
START_TEST(perm_wxn)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_PRIV, XN_NONE);
    region(OP1_EL2, 1, 0x2000, 0x2FFF, AP_RO_PRIV, XN_NONE);
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_NONE);
    region(OP1_EL1, 1, 0x2000, 0x2FFF, AP_RO_ALL, XN_NONE);
    region(OP1_EL1, 2, 0x3000, 0x3FFF, AP_RW_PRIV, XN_NONE);
    sync();
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 2));
    C.el2_wxn = true;
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 2));
    assert_fault(1, 2, MPU_FAULT_PERM_EXEC);
    ck_assert(acc(0x1000, MPU_ACC_WRITE, 2));
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 2));
    /* SCTLR_EL2.WXN does not touch the EL1 regime */
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 1));
    C.el1_wxn = true;
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 1));
    assert_fault(1, 1, MPU_FAULT_PERM_EXEC);
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 0));
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 0));
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 1));
    ck_assert(!acc(0x3000, MPU_ACC_EXEC, 1));
}
END_TEST

/* Stage 2 uses the EL1&0 half of the EL2 MPU's AP: bit 0 lets EL1&0 in. */
START_TEST(perm_stage2_ap)
{
    static const struct {
        unsigned ap;
        bool r, w;
    } t[] = {
        {AP_RW_PRIV, 0, 0},
        {AP_RW_ALL, 1, 1},
        {AP_RO_PRIV, 0, 0},
        {AP_RO_ALL, 1, 0},
    };
    for (unsigned i = 0; i < 4; i++) {
        setup();
        C.hcr_vm = true;
        region(OP1_EL1, 0, 0x0, 0xFFFFF, AP_RW_ALL, XN_NONE);
        region(OP1_EL2, 7, 0x1000, 0x1FFF, t[i].ap, XN_NONE);
        sync();
        for (unsigned el = 0; el <= 1; el++) {
            ck_assert_int_eq(acc(0x1000, MPU_ACC_READ, el), t[i].r);
            if (!t[i].r) {
                assert_fault(2, 2, MPU_FAULT_PERM_READ);
                ck_assert_uint_eq(R.ipa, 0x1000);
            }
            ck_assert_int_eq(acc(0x1000, MPU_ACC_WRITE, el), t[i].w);
            if (!t[i].w)
                assert_fault(2, 2, MPU_FAULT_PERM_WRITE);
        }
        /* EL2's own access to the same region: the EL2 half */
        ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    }
}
END_TEST

/* Stage-2 XN, default reading: XN[1] forbids execution at EL1 and EL0. */
START_TEST(perm_stage2_xn_default)
{
    setup();
    C.hcr_vm = true;
    C.el2_wxn = true;   /* WXN has no effect at stage 2 */
    C.el1_m = false;
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_NONE);
    region(OP1_EL2, 1, 0x2000, 0x2FFF, AP_RW_ALL, XN_BIT1);
    region(OP1_EL2, 2, 0x3000, 0x3FFF, AP_RW_ALL, XN_BIT0);
    sync();
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 1));
    ck_assert(acc(0x1000, MPU_ACC_EXEC, 0));
    ck_assert(!acc(0x2000, MPU_ACC_EXEC, 1));
    assert_fault(2, 2, MPU_FAULT_PERM_EXEC);
    ck_assert(R.is_instruction);
    ck_assert(!acc(0x2000, MPU_ACC_EXEC, 0));
    ck_assert(acc(0x3000, MPU_ACC_EXEC, 1));
    ck_assert(acc(0x3000, MPU_ACC_EXEC, 0));
}
END_TEST

/* Stage-2 XN, FEAT_XNX reading: 00 both, 01 EL0 only, 10 none, 11 EL1 only. */
START_TEST(perm_stage2_xn_xnx)
{
    struct mpu_options o;
    mpu_options_default(&o);
    o.s2_xn = MPU_S2_XN_XNX;
    setup_opts(16, 32, &o);
    C.hcr_vm = true;
    C.el1_m = false;
    static const bool el1[4] = {1, 0, 0, 1}, el0[4] = {1, 1, 0, 0};
    for (unsigned xn = 0; xn < 4; xn++)
        region(OP1_EL2, xn, 0x1000 * (xn + 1), 0x1000 * (xn + 1) + 0xFFF, AP_RW_ALL, xn);
    sync();
    for (unsigned xn = 0; xn < 4; xn++) {
        ck_assert_int_eq(acc(0x1000 * (xn + 1), MPU_ACC_EXEC, 1), el1[xn]);
        ck_assert_int_eq(acc(0x1000 * (xn + 1), MPU_ACC_EXEC, 0), el0[xn]);
    }
    /* EL2's own stage 1 still reads XN[1] only */
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 2));
    ck_assert(!acc(0x3000, MPU_ACC_EXEC, 2));
}
END_TEST

/* ---- two stages ------------------------------------------------------------- */

START_TEST(stage_s1_fault_to_el1_before_stage2)
{
    setup();
    C.hcr_vm = true;
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RO_ALL, XN_NONE);
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RO_ALL, XN_NONE);
    sync();
    ck_assert(!acc(0x1000, MPU_ACC_WRITE, 1));
    assert_fault(1, 1, MPU_FAULT_PERM_WRITE);
    ck_assert(!R.hpfar_valid);
    ck_assert_uint_eq(P.el2.stats.faults[1][MPU_FAULT_PERM_WRITE], 0);
    ck_assert_uint_eq(P.el1.stats.faults[0][MPU_FAULT_PERM_WRITE], 1);
}
END_TEST

START_TEST(stage_s2_fault_reports)
{
    setup();
    C.hcr_vm = true;
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_NONE);
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RO_ALL, XN_NONE);
    sync();
    ck_assert(!acc(0x1040, MPU_ACC_RMW, 0));
    assert_fault(2, 2, MPU_FAULT_PERM_WRITE);
    ck_assert(R.wnr);
    ck_assert_uint_eq(R.far, 0x1040);
    ck_assert_uint_eq(R.ipa, 0x1040);
    ck_assert(R.hpfar_valid);   /* default: HPFAR written */

    struct mpu_options o;
    mpu_options_default(&o);
    o.hpfar = MPU_HPFAR_UNKNOWN;
    setup_opts(16, 32, &o);
    C.hcr_vm = true;
    C.el1_m = false;
    sync();
    ck_assert(!acc(0x1040, MPU_ACC_READ, 1));
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
    ck_assert(!R.hpfar_valid);
}
END_TEST

/* HCR_EL2.VM clear: no stage 2; SCTLR_EL1.M clear: stage 2 alone. */
START_TEST(stage_enables)
{
    setup();
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_NONE);
    region(OP1_EL2, 0, 0x2000, 0x2FFF, AP_RW_ALL, XN_NONE);
    sync();
    ck_assert(acc(0x1000, MPU_ACC_WRITE, 0));
    ck_assert_int_eq(R.s2_region, -1);
    C.hcr_vm = true;
    ck_assert(!acc(0x1000, MPU_ACC_WRITE, 0));
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
    ck_assert(!acc(0x2000, MPU_ACC_WRITE, 0));
    assert_fault(1, 1, MPU_FAULT_NO_MATCH);
    C.el1_m = false;
    ck_assert(acc(0x2000, MPU_ACC_WRITE, 0));
    ck_assert_int_eq(R.s1_region, -1);
    ck_assert_int_eq(R.s2_region, 0);
    /* stage 2 does not depend on SCTLR_EL2.M */
    C.el2_m = false;
    ck_assert(!acc(0x1000, MPU_ACC_WRITE, 0));
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
}
END_TEST

/* HCR_EL2.TGE: the EL1 MPU behaves as disabled. */
START_TEST(stage_tge_disables_el1_mpu)
{
    setup();
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RO_PRIV, XN_NONE);
    sync();
    ck_assert(!acc(0x1000, MPU_ACC_READ, 0));
    C.hcr_tge = true;
    ck_assert(acc(0x1000, MPU_ACC_WRITE, 0));
}
END_TEST

/* VMSA at stage 1 (VTCR_EL2.MSA): the MPU applies stage 2 to the IPA. */
START_TEST(stage_vmsa_stage1_then_mpu)
{
    setup();
    C.el1_vmsa = true;
    C.hcr_vm = true;
    region(OP1_EL1, 0, 0x1000, 0x1FFF, AP_RO_PRIV, XN_NONE);   /* ignored */
    region(OP1_EL2, 0, 0x40000000, 0x4FFFFFFF, AP_RW_ALL, XN_NONE);
    sync();
    struct mpu_req rq = {.addr = 0xFFFF000000001000ull, .type = MPU_ACC_WRITE, .el = 1};
    ck_assert(mpu_stage2(&P, &C, &rq, 0x40001000, 0xFF, MPU_SH_INNER, &R));
    ck_assert_uint_eq(R.pa, 0x40001000);
    ck_assert_uint_eq(R.attr, 0xFF);
    ck_assert(!mpu_stage2(&P, &C, &rq, 0x50000000, 0xFF, MPU_SH_INNER, &R));
    assert_fault(2, 2, MPU_FAULT_NO_MATCH);
    ck_assert_uint_eq(R.far, 0xFFFF000000001000ull);
    ck_assert_uint_eq(R.ipa, 0x50000000);
    ck_assert(acc(0x40000000, MPU_ACC_WRITE, 1));   /* EL1 MPU not consulted */
}
END_TEST

/* ---- attributes ------------------------------------------------------------- */

START_TEST(attr_from_mair)
{
    setup();
    region_full(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RW_ALL, XN_BIT1, 2, 4, true);   /* device */
    region_full(OP1_EL2, 1, 0x2000, 0x2FFF, AP_RW_ALL, XN_NONE, 3, 7, true);   /* normal */
    region_full(OP1_EL2, 2, 0x3000, 0x3FFF, AP_RW_ALL, XN_NONE, 3, 2, true);   /* WT */
    region_full(OP1_EL2, 3, 0x4000, 0x4FFF, AP_RW_ALL, XN_NONE, 3, 1, true);   /* NC */
    region_full(OP1_EL1, 0, 0x1000, 0x4FFF, AP_RW_ALL, XN_NONE, 3, 2, true);   /* WB */
    sync();
    ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    ck_assert_uint_eq(R.attr, 0x04);
    ck_assert_uint_eq(R.sh, MPU_SH_OUTER);    /* device: outer shareable */
    ck_assert(acc(0x2000, MPU_ACC_READ, 2));
    ck_assert_uint_eq(R.attr, 0xFF);
    ck_assert_uint_eq(R.sh, MPU_SH_INNER);
    ck_assert(acc(0x2000, MPU_ACC_READ, 1));
    ck_assert_uint_eq(R.attr, 0xFF);          /* Zephyr MAIR_EL1 idx 2 */
    /* two stages: device beats normal, the weaker cacheability wins */
    C.hcr_vm = true;
    ck_assert(acc(0x1000, MPU_ACC_READ, 1));
    ck_assert_uint_eq(R.attr, 0x04);
    ck_assert_uint_eq(R.sh, MPU_SH_OUTER);
    ck_assert(acc(0x2000, MPU_ACC_READ, 1));
    ck_assert_uint_eq(R.attr, 0xFF);
    ck_assert(acc(0x3000, MPU_ACC_READ, 1));
    ck_assert_uint_eq(R.attr, 0xAA);
    ck_assert(acc(0x4000, MPU_ACC_READ, 1));
    ck_assert_uint_eq(R.attr, 0x44);
    ck_assert_uint_eq(R.sh, MPU_SH_OUTER);    /* Normal-NC: outer shareable */
}
END_TEST

START_TEST(attr_combine_rules)
{
    ck_assert_uint_eq(mpu_combine_attr(0x00, 0x04), 0x00);   /* stricter device */
    ck_assert_uint_eq(mpu_combine_attr(0x0C, 0x08), 0x08);
    ck_assert_uint_eq(mpu_combine_attr(0xFF, 0x0C), 0x0C);
    ck_assert_uint_eq(mpu_combine_attr(0x04, 0xFF), 0x04);
    ck_assert_uint_eq(mpu_combine_attr(0xFF, 0x44), 0x44);
    ck_assert_uint_eq(mpu_combine_attr(0xEE, 0xAA), 0xAA);
    ck_assert_uint_eq(mpu_combine_attr(0xAA, 0xFF), 0xAA);
    ck_assert_uint_eq(mpu_combine_attr(0xF4, 0x4F), 0x44);   /* per half */
    ck_assert_uint_eq(mpu_combine_attr(0xFF, 0xFF), 0xFF);
}
END_TEST

/* ---- slot counts -------------------------------------------------------------- */

/* Program every implemented slot through the aliases (slot s is
 * {s[7:4], s[3:0]}), each covering its own 4 KiB, and check each one
 * matches and that nothing beyond N exists. */
static void check_slots(unsigned n)
{
    setup_opts(16, n, NULL);
    for (unsigned s = 0; s < 256; s++) {
        uint64_t base = 0x100000ull + (uint64_t)s * 0x1000;
        wr(enc_prselr(OP1_EL2), s);
        if (s & 0xF) {
            wr(enc_prbar_n(OP1_EL2, s & 0xF), base | AP_RW_PRIV << 2);
            wr(enc_prlar_n(OP1_EL2, s & 0xF), (base + 0xFC0) | 7 << 1 | 1);
        } else {
            wr(enc_prbar(OP1_EL2), base | AP_RW_PRIV << 2);
            wr(enc_prlar(OP1_EL2), (base + 0xFC0) | 7 << 1 | 1);
        }
    }
    sync();
    ck_assert_uint_eq(mpu_enabled_count(&P.el2), n);
    for (unsigned s = 0; s < 256; s++) {
        uint64_t base = 0x100000ull + (uint64_t)s * 0x1000;
        if (s < n) {
            ck_assert(acc(base, MPU_ACC_WRITE, 2));
            ck_assert_int_eq(R.s1_region, (int)s);
            ck_assert(acc(base + 0xFFF, MPU_ACC_READ, 2));
            ck_assert_int_eq(R.s1_region, (int)s);
        } else {
            ck_assert(!acc(base, MPU_ACC_READ, 2));
            assert_fault(1, 2, MPU_FAULT_NO_MATCH);
        }
    }
    ck_assert_int_eq(mpu_headroom(&P.el2), 0);
}

START_TEST(slots_1) { check_slots(1); }
END_TEST
START_TEST(slots_32) { check_slots(32); }
END_TEST
START_TEST(slots_255) { check_slots(255); }
END_TEST
START_TEST(slots_256) { check_slots(256); }
END_TEST

/* 256 slots: slot 255 is reachable even though MPUIR says 255. */
START_TEST(slots_256_last_slot)
{
    setup_opts(16, 256, NULL);
    wr(enc_prselr(OP1_EL2), 0xF3);
    wr(enc_prbar_n(OP1_EL2, 15), 0x7000000);
    wr(enc_prlar_n(OP1_EL2, 15), 0x7000FC0 | 1);
    sync();
    ck_assert(acc(0x7000010, MPU_ACC_READ, 2));
    ck_assert_int_eq(R.s1_region, 255);
    uint64_t v;
    ck_assert_int_eq(mpu_sysreg_read(&P, MPU_SYSREG_ENC(3, 4, 0, 0, 4), &v), MPU_SYSREG_OK);
    ck_assert_uint_eq(v & 0xFF, 255);
}
END_TEST

/* Instruction fetches and data accesses alternating between two regions,
 * and regions changing under a warm cache. */
START_TEST(cache_invalidated_on_change)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x1FFF, AP_RO_PRIV, XN_NONE);     /* text */
    region(OP1_EL2, 1, 0x8000, 0x8FFF, AP_RW_PRIV, XN_BIT1);     /* data */
    sync();
    for (int i = 0; i < 4; i++) {
        ck_assert(acc(0x1000 + 4 * i, MPU_ACC_EXEC, 2));
        ck_assert(acc(0x8000 + 8 * i, MPU_ACC_WRITE, 2));
        ck_assert(!acc(0x8000, MPU_ACC_EXEC, 2));
    }
    /* shrink the data region and move the text region: warm entries die */
    region(OP1_EL2, 1, 0x8000, 0x803F, AP_RW_PRIV, XN_BIT1);
    region(OP1_EL2, 0, 0x2000, 0x2FFF, AP_RO_PRIV, XN_NONE);
    sync();
    ck_assert(acc(0x8000, MPU_ACC_WRITE, 2));
    ck_assert(!acc(0x8040, MPU_ACC_WRITE, 2));
    ck_assert(!acc(0x1000, MPU_ACC_EXEC, 2));
    ck_assert(acc(0x2000, MPU_ACC_EXEC, 2));
}
END_TEST

/* After a successful EL2 lookup, the range answered alike from the hit
 * cache: the whole single-region segment, or only the address itself when
 * the answer came another way (a fault, an overlap, an EL1 access, a
 * pending write). */
static uint64_t same_until(uint64_t addr, enum mpu_access t, unsigned el)
{
    struct mpu_req rq = {.addr = addr, .type = t, .el = (uint8_t)el};
    return mpu_lookup_same_until(&P, &C, &rq);
}

START_TEST(same_until_segment)
{
    setup();
    region(OP1_EL2, 0, 0x1000, 0x4FFF, AP_RW_PRIV, XN_BIT1);
    region(OP1_EL2, 1, 0x8000, 0x8FFF, AP_RO_PRIV, XN_BIT1);
    sync();
    ck_assert(acc(0x2000, MPU_ACC_WRITE, 2));
    ck_assert_uint_eq(same_until(0x2000, MPU_ACC_WRITE, 2), 0x4FFF);
    ck_assert(acc(0x8100, MPU_ACC_READ, 2));
    ck_assert_uint_eq(same_until(0x8100, MPU_ACC_READ, 2), 0x8FFF);
    /* a permission fault, no region, an EL1 access: nothing promised */
    ck_assert(!acc(0x8100, MPU_ACC_WRITE, 2));
    ck_assert_uint_eq(same_until(0x8100, MPU_ACC_WRITE, 2), 0x8100);
    ck_assert(!acc(0x6000, MPU_ACC_READ, 2));
    ck_assert_uint_eq(same_until(0x6000, MPU_ACC_READ, 2), 0x6000);
    ck_assert_uint_eq(same_until(0x2000, MPU_ACC_READ, 1), 0x2000);
    /* an overlap cuts the segment below it short, and is not promised */
    region(OP1_EL2, 2, 0x3000, 0x3FFF, AP_RW_PRIV, XN_BIT1);
    sync();
    ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    ck_assert_uint_eq(same_until(0x1000, MPU_ACC_READ, 2), 0x2FFF);
    ck_assert(!acc(0x3000, MPU_ACC_READ, 2));
    ck_assert_uint_eq(same_until(0x3000, MPU_ACC_READ, 2), 0x3000);
    /* a write not yet synchronized: the lookups count it, nothing promised */
    region(OP1_EL2, 2, 0x3000, 0x3FFF, AP_RW_PRIV, XN_BIT1);
    region(OP1_EL2, 3, 0x9000, 0x9FFF, AP_RW_PRIV, XN_BIT1);
    ck_assert(acc(0x1000, MPU_ACC_READ, 2));
    ck_assert_uint_eq(same_until(0x1000, MPU_ACC_READ, 2), 0x1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mpu_lookup");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, match_inclusive_limit_64b_edges);
    tcase_add_test(tc, match_single_granule);
    tcase_add_test(tc, match_low_bits_ignored);
    tcase_add_test(tc, match_adjacent_regions_do_not_overlap);
    tcase_add_test(tc, match_only_enabled_regions);
    tcase_add_test(tc, match_overlap_faults);
    tcase_add_test(tc, match_overlap_edges);
    tcase_add_test(tc, cache_invalidated_on_change);
    tcase_add_test(tc, same_until_segment);
    suite_add_tcase(s, tc);

    tc = tcase_create("background");
    tcase_add_test(tc, bg_el2_needs_br);
    tcase_add_test(tc, bg_el1_vs_el0);
    tcase_add_test(tc, bg_never_at_stage2);
    tcase_add_test(tc, bg_mpu_disabled_default_map);
    tcase_add_test(tc, bg_wxn);
    suite_add_tcase(s, tc);

    tc = tcase_create("permissions");
    tcase_add_test(tc, perm_el1_ap_table);
    tcase_add_test(tc, perm_el2_ap_table);
    tcase_add_test(tc, perm_xn_stage1);
    tcase_add_test(tc, perm_wxn);
    tcase_add_test(tc, perm_stage2_ap);
    tcase_add_test(tc, perm_stage2_xn_default);
    tcase_add_test(tc, perm_stage2_xn_xnx);
    suite_add_tcase(s, tc);

    tc = tcase_create("stages");
    tcase_add_test(tc, stage_s1_fault_to_el1_before_stage2);
    tcase_add_test(tc, stage_s2_fault_reports);
    tcase_add_test(tc, stage_enables);
    tcase_add_test(tc, stage_tge_disables_el1_mpu);
    tcase_add_test(tc, stage_vmsa_stage1_then_mpu);
    tcase_add_test(tc, attr_from_mair);
    tcase_add_test(tc, attr_combine_rules);
    suite_add_tcase(s, tc);

    tc = tcase_create("slots");
    tcase_add_test(tc, slots_1);
    tcase_add_test(tc, slots_32);
    tcase_add_test(tc, slots_255);
    tcase_add_test(tc, slots_256);
    tcase_add_test(tc, slots_256_last_slot);
    suite_add_tcase(s, tc);

    return check_run(s);
}
