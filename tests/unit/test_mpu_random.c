/* Randomized cross-check: the model's lookup (hit cache, interval index,
 * fast path) against a plain reference written here from the architecture
 * rules: a linear scan over the synchronized regions, no caching.
 *
 * Region sets are drawn dense enough to overlap often, with edges, single
 * granules, disabled and empty (LIMIT < BASE) regions; addresses cluster at
 * region edges; control bits, options, exception levels and access types
 * vary; some writes are left unsynchronized for a while, during which the
 * old regions must still apply. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mpu/mpu.h"
#include "tests/unit/check_run.h"

#define ADDR_MASK 0x0000FFFFFFFFFFC0ull
enum { R_ = 1, W_ = 2, X_ = 4 };

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static unsigned rnd(unsigned n)
{
    return (unsigned)(rng() % n);
}

/* ---- reference model --------------------------------------------------------- */

struct ref_mpu {
    unsigned n;
    uint64_t prbar[256], prlar[256];       /* written */
    uint64_t eprbar[256], eprlar[256];     /* effective (synchronized) */
};

static struct ref_mpu ref1, ref2;

static void ref_sync(struct ref_mpu *m)
{
    memcpy(m->eprbar, m->prbar, sizeof m->prbar);
    memcpy(m->eprlar, m->prlar, sizeof m->prlar);
}

struct ref_out {
    enum mpu_fault_kind kind;
    int region;
    uint8_t attr, sh;
};

static enum mpu_fault_kind missing_kind(unsigned need, unsigned have)
{
    unsigned miss = need & ~have;
    if (miss & X_)
        return MPU_FAULT_PERM_EXEC;
    if (miss & W_)
        return MPU_FAULT_PERM_WRITE;
    if (miss & R_)
        return MPU_FAULT_PERM_READ;
    return MPU_FAULT_NONE;
}

/* stage: 1 or 2; lower: EL0/unprivileged at stage 1, or any EL1&0 access at
 * stage 2; el: the access's EL (for the stage-2 XNX reading). */
static struct ref_out ref_stage(const struct ref_mpu *m, const struct mpu_options *o,
                                uint64_t addr, unsigned need, int stage, bool lower,
                                unsigned el, bool wxn, bool bg_ok, uint64_t mair)
{
    struct ref_out out = {MPU_FAULT_NONE, -1, 0, 0};
    int hit = -1, count = 0;
    for (unsigned i = 0; i < m->n; i++) {
        if (!(m->eprlar[i] & 1))
            continue;
        uint64_t lo = m->eprbar[i] & ADDR_MASK, hi = (m->eprlar[i] & ADDR_MASK) | 0x3F;
        if (lo <= addr && addr <= hi) {
            hit = (int)i;
            count++;
        }
    }
    if (count > 1) {
        out.kind = MPU_FAULT_OVERLAP;
        return out;
    }
    unsigned have;
    if (count == 0) {
        if (!bg_ok) {
            out.kind = MPU_FAULT_NO_MATCH;
            return out;
        }
        bool device = o->bgmap == MPU_BGMAP_SPLIT_2G && addr >= 0x80000000ull;
        have = R_ | W_ | (device ? 0 : X_);
        if (wxn)
            have &= ~X_;
        out.attr = device ? 0x00 : 0xFF;
        out.sh = device ? 2 : 3;
        out.kind = missing_kind(need, have);
        return out;
    }
    uint64_t bar = m->eprbar[hit];
    unsigned ap = (bar >> 2) & 3, xnf = bar & 3;
    have = 0;
    if (!lower || (ap & 1))
        have = R_ | ((ap & 2) ? 0 : W_);
    bool xn;
    if (stage == 1 || o->s2_xn == MPU_S2_XN_BIT1)
        xn = xnf & 2;
    else
        xn = el == 0 ? (xnf == 2 || xnf == 3) : (xnf == 1 || xnf == 2);
    if ((have & R_) && !xn && !(wxn && (have & W_)))
        have |= X_;
    out.region = hit;
    out.attr = (uint8_t)(mair >> (8 * ((m->eprlar[hit] >> 1) & 7)));
    out.sh = (bar >> 4) & 3;
    if (out.sh == 1)
        out.sh = 0;   /* SH 01 is reserved: non-shareable */
    out.kind = missing_kind(need, have);
    return out;
}

static unsigned half_rank(unsigned h)
{
    if (h == 0 || h == 4)
        return 0;
    return (h & 4) ? 2 : 1;
}

static uint8_t ref_combine(uint8_t a, uint8_t b)
{
    bool da = a < 0x10, db = b < 0x10;
    if (da && db)
        return a < b ? a : b;
    if (da)
        return a;
    if (db)
        return b;
    unsigned hi = half_rank(a >> 4) <= half_rank(b >> 4) ? (a >> 4) : (b >> 4);
    unsigned lo = half_rank(a & 15) <= half_rank(b & 15) ? (a & 15) : (b & 15);
    return (uint8_t)(hi << 4 | lo);
}

static uint8_t ref_final_sh(uint8_t attr, uint8_t sh)
{
    return (attr < 0x10 || attr == 0x44) ? 2 : sh;
}

static uint8_t ref_combine_sh(uint8_t a, uint8_t b)
{
    if (a == 2 || b == 2)
        return 2;
    if (a == 3 || b == 3)
        return 3;
    return 0;
}

struct ref_result {
    bool ok;
    enum mpu_fault_kind kind;
    unsigned stage, target_el;
    int s1, s2;
    uint8_t attr, sh;
};

static struct ref_result ref_access(const struct mpu_ctl *c, const struct mpu_options *o,
                                    uint64_t addr, unsigned need, unsigned el, bool unpriv)
{
    struct ref_result r = {true, MPU_FAULT_NONE, 0, 0, -1, -1, 0, 0};
    struct ref_out s1;
    if (el == 2) {
        if (!c->el2_m) {
            bool device = o->bgmap == MPU_BGMAP_SPLIT_2G && addr >= 0x80000000ull;
            s1 = (struct ref_out){missing_kind(need, R_ | W_ | (device ? 0 : X_)), -1,
                                  device ? 0 : 0xFF, device ? 2 : 3};
        } else {
            s1 = ref_stage(&ref2, o, addr, need, 1, false, 2, c->el2_wxn, c->el2_br,
                           c->mair_el2);
        }
        if (s1.kind != MPU_FAULT_NONE)
            return (struct ref_result){false, s1.kind, 1, 2, -1, -1, 0, 0};
        r.s1 = s1.region;
        r.attr = s1.attr;
        r.sh = ref_final_sh(s1.attr, s1.sh);
        return r;
    }
    bool priv = el == 1 && !unpriv;
    if (c->el1_m && !c->hcr_tge) {
        s1 = ref_stage(&ref1, o, addr, need, 1, !priv, el, c->el1_wxn, c->el1_br && priv,
                       c->mair_el1);
    } else {
        bool device = o->bgmap == MPU_BGMAP_SPLIT_2G && addr >= 0x80000000ull;
        s1 = (struct ref_out){missing_kind(need, R_ | W_ | (device ? 0 : X_)), -1,
                              device ? 0 : 0xFF, device ? 2 : 3};
    }
    if (s1.kind != MPU_FAULT_NONE)
        return (struct ref_result){false, s1.kind, 1, 1, -1, -1, 0, 0};
    r.s1 = s1.region;
    if (!c->hcr_vm) {
        r.attr = s1.attr;
        r.sh = ref_final_sh(s1.attr, s1.sh);
        return r;
    }
    struct ref_out s2 =
        ref_stage(&ref2, o, addr, need, 2, true, el, false, false, c->mair_el2);
    if (s2.kind != MPU_FAULT_NONE)
        return (struct ref_result){false, s2.kind, 2, 2, -1, -1, 0, 0};
    r.s2 = s2.region;
    r.attr = ref_combine(s1.attr, s2.attr);
    r.sh = ref_final_sh(r.attr, ref_combine_sh(s1.sh, s2.sh));
    return r;
}

/* ---- driving the model -------------------------------------------------------- */

static struct mpu_pair P;

static void wr(uint32_t enc, uint64_t v)
{
    ck_assert_int_eq(mpu_sysreg_write(&P, enc, v), MPU_SYSREG_OK);
}

/* Write a region through PRSELR + PRBAR/PRLAR or through an alias. */
static void program(int op1, struct ref_mpu *m, unsigned slot, uint64_t bar, uint64_t lar)
{
    if ((slot & 0xF) && rnd(2)) {
        unsigned n = slot & 0xF;
        wr(MPU_SYSREG_ENC(3, op1, 6, 2, 1), (slot & 0xF0) | rnd(16));
        wr(MPU_SYSREG_ENC(3, op1, 6, 8 + (n >> 1), 4 * (n & 1)), bar);
        wr(MPU_SYSREG_ENC(3, op1, 6, 8 + (n >> 1), 4 * (n & 1) + 1), lar);
    } else {
        wr(MPU_SYSREG_ENC(3, op1, 6, 2, 1), slot);
        wr(MPU_SYSREG_ENC(3, op1, 6, 8, 0), bar);
        wr(MPU_SYSREG_ENC(3, op1, 6, 8, 1), lar);
    }
    if (slot < m->n) {
        m->prbar[slot] = bar & 0x0000FFFFFFFFFFFFull;
        m->prlar[slot] = lar & 0x0000FFFFFFFFFFDFull;
    }
}

static void write_prenr(int op1, struct ref_mpu *m, uint32_t v)
{
    wr(MPU_SYSREG_ENC(3, op1, 6, 1, 1), v);
    for (unsigned i = 0; i < m->n && i < 32; i++)
        m->prlar[i] = (m->prlar[i] & ~1ull) | ((v >> i) & 1);
}

/* A random region in a window of `space` bytes: dense windows overlap. */
static void random_region(uint64_t space, uint64_t *bar, uint64_t *lar)
{
    uint64_t base = (rng() % space) & ~0x3Full;
    uint64_t size;
    switch (rnd(4)) {
    case 0: size = 64; break;
    case 1: size = 64 * (1 + rnd(16)); break;
    case 2: size = 0x1000 * (1 + rnd(64)); break;
    default: size = (rng() % (space / 4 + 64)) & ~0x3Full; break;
    }
    uint64_t limit = base + (size ? size - 1 : 0);
    if (rnd(20) == 0)
        limit = base > 64 ? base - 64 : base;   /* LIMIT < BASE or one granule */
    *bar = base | rnd(4) << 4 | rnd(4) << 2 | rnd(4) | (rnd(8) == 0 ? 0xABCDull << 48 : 0);
    *lar = (limit & ~0x3Full) | rnd(8) << 1 | (rnd(6) ? 1 : 0) | rnd(2) << 4;
}

static const uint8_t mair_bytes[] = {0x00, 0x04, 0x08, 0x0C, 0x44, 0xAA, 0xEE, 0xFF, 0x4F, 0xF4};

static uint64_t random_mair(void)
{
    uint64_t m = 0;
    for (int i = 0; i < 8; i++)
        m |= (uint64_t)mair_bytes[rnd(sizeof mair_bytes)] << (8 * i);
    return m;
}

static uint64_t pick_addr(uint64_t space)
{
    const struct ref_mpu *m = rnd(2) ? &ref1 : &ref2;
    unsigned slot = rnd(m->n);
    uint64_t lo = m->eprbar[slot] & ADDR_MASK, hi = (m->eprlar[slot] & ADDR_MASK) | 0x3F;
    switch (rnd(10)) {
    case 0: return lo - 1;
    case 1: return lo;
    case 2: return lo + 63;
    case 3: return lo + 64;
    case 4: return hi;
    case 5: return hi + 1;
    case 6: return hi - 63;
    case 7: return hi > lo ? lo + rng() % (hi - lo + 1) : lo;
    case 8: return 0x80000000ull - 64 + rnd(128);
    default: return rng() % (space + 0x1000);
    }
}

/* A slot number that PRSELR can hold, sometimes beyond the implemented count. */
static unsigned pick_slot(const struct ref_mpu *m)
{
    unsigned s = rnd(m->n + 2);
    return s > 255 ? 255 : s;
}

static unsigned pick_count(void)
{
    static const unsigned n[] = {1, 2, 16, 32, 255, 256};
    return n[rnd(6)];
}

static void check_one(const struct mpu_ctl *c, const struct mpu_options *o, uint64_t addr,
                      unsigned trial)
{
    static const enum mpu_access types[] = {MPU_ACC_READ, MPU_ACC_WRITE, MPU_ACC_RMW,
                                            MPU_ACC_EXEC};
    struct mpu_req rq = {.addr = addr, .type = types[rnd(4)], .el = (uint8_t)rnd(3)};
    rq.unprivileged = rq.el == 1 && rnd(4) == 0;
    struct mpu_result res;
    bool ok = mpu_lookup(&P, c, &rq, &res);
    struct ref_result want = ref_access(c, o, addr, rq.type, rq.el, rq.unprivileged);
    ck_assert_msg(ok == want.ok && res.ok == ok,
                  "trial %u addr %#llx type %d el %u: ok %d, reference %d (kind %d)", trial,
                  (unsigned long long)addr, rq.type, rq.el, ok, want.ok, want.kind);
    ck_assert_int_eq(res.kind, want.kind);
    if (ok) {
        ck_assert_int_eq(res.s1_region, want.s1);
        ck_assert_int_eq(res.s2_region, want.s2);
        ck_assert_uint_eq(res.attr, want.attr);
        ck_assert_uint_eq(res.sh, want.sh);
        ck_assert_uint_eq(res.pa, addr);
    } else {
        ck_assert_uint_eq(res.stage, want.stage);
        ck_assert_uint_eq(res.target_el, want.target_el);
        ck_assert_uint_eq(res.fsc, 0x0C);
        ck_assert_uint_eq(res.far, addr);
        ck_assert_int_eq(res.wnr, (rq.type & MPU_ACC_WRITE) != 0);
        ck_assert_int_eq(res.is_instruction, rq.type == MPU_ACC_EXEC);
        if (want.stage == 2) {
            ck_assert_uint_eq(res.ipa, addr);
            ck_assert_int_eq(res.hpfar_valid, o->hpfar == MPU_HPFAR_VALID);
        }
    }
}

static void run_trials(uint64_t seed, unsigned trials)
{
    rng_state = seed;
    for (unsigned t = 0; t < trials; t++) {
        struct mpu_options o;
        mpu_options_default(&o);
        o.s2_xn = rnd(2) ? MPU_S2_XN_BIT1 : MPU_S2_XN_XNX;
        o.bgmap = rnd(2) ? MPU_BGMAP_SPLIT_2G : MPU_BGMAP_FLAT;
        o.hpfar = rnd(2) ? MPU_HPFAR_VALID : MPU_HPFAR_UNKNOWN;
        memset(&ref1, 0, sizeof ref1);
        memset(&ref2, 0, sizeof ref2);
        ref1.n = pick_count();
        ref2.n = pick_count();
        struct msa_error e;
        ck_assert_int_eq(mpu_pair_init(&P, ref1.n, ref2.n, &o, &e), 0);

        /* dense windows overlap a lot; wide ones rarely */
        uint64_t space = rnd(3) == 0 ? 0x4000 : rnd(2) ? 0x100000 : 0x200000000ull;
        unsigned k1 = 1 + rnd(ref1.n < 40 ? ref1.n : 40);
        unsigned k2 = 1 + rnd(ref2.n);
        for (unsigned i = 0; i < k1; i++) {
            uint64_t bar, lar;
            random_region(space, &bar, &lar);
            program(0, &ref1, pick_slot(&ref1), bar, lar);
        }
        for (unsigned i = 0; i < k2; i++) {
            uint64_t bar, lar;
            random_region(space, &bar, &lar);
            program(4, &ref2, pick_slot(&ref2), bar, lar);
        }
        if (rnd(4) == 0)
            write_prenr(4, &ref2, (uint32_t)rng());
        mpu_pair_context_sync(&P, t);
        ref_sync(&ref1);
        ref_sync(&ref2);

        struct mpu_ctl c;
        memset(&c, 0, sizeof c);
        c.el1_m = rnd(5) != 0;
        c.el2_m = rnd(5) != 0;
        c.el1_br = rnd(2);
        c.el2_br = rnd(2);
        c.el1_wxn = rnd(2);
        c.el2_wxn = rnd(2);
        c.hcr_vm = rnd(2);
        c.hcr_tge = rnd(8) == 0;
        c.mair_el1 = random_mair();
        c.mair_el2 = random_mair();

        for (unsigned a = 0; a < 300; a++) {
            uint64_t addr = pick_addr(space);
            check_one(&c, &o, addr, t);
            /* locality: the neighbours hit the cache */
            check_one(&c, &o, addr + 8, t);
            /* now and then a write left unsynchronized for a while */
            if (rnd(50) == 0) {
                uint64_t bar, lar;
                random_region(space, &bar, &lar);
                if (rnd(2))
                    program(4, &ref2, rnd(ref2.n), bar, lar);
                else
                    program(0, &ref1, rnd(ref1.n), bar, lar);
            }
            if (rnd(60) == 0) {
                mpu_pair_context_sync(&P, t);
                ref_sync(&ref1);
                ref_sync(&ref2);
            }
        }
    }
}

START_TEST(random_against_reference)
{
    run_trials(0x1234567ull + (uint64_t)_i * 7919, 60);
}
END_TEST

/* The index on its own: regions spread thinly over the 48-bit space with
 * a cluster at one end (the bucket table's hard case). */
START_TEST(random_clustered_index)
{
    rng_state = 0xC0FFEEull;
    struct msa_error e;
    struct mpu_options o;
    mpu_options_default(&o);
    memset(&ref1, 0, sizeof ref1);
    memset(&ref2, 0, sizeof ref2);
    ref1.n = 1;
    ref2.n = 256;
    ck_assert_int_eq(mpu_pair_init(&P, 1, 256, &o, &e), 0);
    for (unsigned i = 0; i < 250; i++) {
        uint64_t base = 0x1000ull * i + (rnd(2) ? 0 : 0x40);
        program(4, &ref2, i, base | 1 << 2, (base + 64 * (1 + rnd(100))) | 1);
    }
    program(4, &ref2, 250, 0xFFFF00000000ull, 0xFFFFFFFFFFC0ull | 1);
    program(4, &ref2, 251, 0x800000000000ull, 0x800000000FC0ull | 1);
    mpu_pair_context_sync(&P, 0);
    ref_sync(&ref2);
    struct mpu_ctl c;
    memset(&c, 0, sizeof c);
    c.el2_m = true;
    c.el2_br = true;
    for (unsigned a = 0; a < 20000; a++) {
        uint64_t addr = rnd(8) == 0 ? rng() & 0xFFFFFFFFFFFFull : pick_addr(0x100000);
        check_one(&c, &o, addr, a);
    }
    check_one(&c, &o, 0xFFFFFFFFFFFFull, 0);
    check_one(&c, &o, 0x1000000000000ull, 0);
    check_one(&c, &o, ~0ull, 0);
    check_one(&c, &o, 0, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mpu_random");
    TCase *tc = tcase_create("cross_check");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_against_reference, 0, 8);
    tcase_add_test(tc, random_clustered_index);
    suite_add_tcase(s, tc);
    return check_run(s);
}
