/* Unit tests for the shortcuts the replay takes, each against the long way
 * it replaces:
 *   - MPU registers named directly (mpu_reg_write/mpu_reg_read) against the
 *     MSR/MRS encodings (mpu_sysreg_write/mpu_sysreg_read): same registers,
 *     same effective regions after a synchronization, same counts;
 *   - lookups right after a change (answered by a scan of the enabled
 *     regions while the index is stale) against lookups once the index is
 *     rebuilt, over random layouts with overlaps, gaps and regions leaving,
 *     and the segments cached while a transient region comes and goes;
 *   - mpu_lookup_until against mpu_lookup then mpu_lookup_same_until;
 *   - binary-trace numbers of every length (the word-at-a-time decode)
 *     against the values written. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpu/mpu.h"
#include "sim/trace.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_rng.h"


/* ---- MPU registers by name and by encoding ------------------------------- */

static uint32_t enc_of(unsigned op1, enum mpu_reg_id id, unsigned alias)
{
    switch (id) {
    case MPU_ID_MPUIR: return MPU_SYSREG_ENC(3, op1, 0, 0, 4);
    case MPU_ID_PRENR: return MPU_SYSREG_ENC(3, op1, 6, 1, 1);
    case MPU_ID_PRSELR: return MPU_SYSREG_ENC(3, op1, 6, 2, 1);
    case MPU_ID_PRBAR: return MPU_SYSREG_ENC(3, op1, 6, 8 + alias / 2, 4 * (alias % 2));
    case MPU_ID_PRLAR: return MPU_SYSREG_ENC(3, op1, 6, 8 + alias / 2, 4 * (alias % 2) + 1);
    }
    return 0;
}

static void assert_same_mpu(const struct mpu *a, const struct mpu *b)
{
    ck_assert_mem_eq(a->written, b->written, sizeof a->written);
    ck_assert_mem_eq(a->effective, b->effective, sizeof a->effective);
    ck_assert_uint_eq(a->prselr, b->prselr);
    ck_assert_int_eq(a->prselr_unsynced, b->prselr_unsynced);
    ck_assert_int_eq(a->pending, b->pending);
    ck_assert_mem_eq(a->stats.reg_writes, b->stats.reg_writes, sizeof a->stats.reg_writes);
    ck_assert_mem_eq(a->stats.reg_reads, b->stats.reg_reads, sizeof a->stats.reg_reads);
    ck_assert_uint_eq(a->stats.out_of_range_accesses, b->stats.out_of_range_accesses);
    ck_assert_uint_eq(a->stats.selector_unsynced, b->stats.selector_unsynced);
    ck_assert_uint_eq(a->stats.enabled, b->stats.enabled);
}

START_TEST(direct_registers_equal_msr_mrs)
{
    /* 20 EL2 slots: PRSELR values above it reach no slot, so the
     * out-of-range counts are exercised too. */
    static struct mpu_pair by_enc, by_id;
    struct msa_error err = {{0}};
    ck_assert_int_eq(mpu_pair_init(&by_enc, 12, 20, NULL, &err), 0);
    ck_assert_int_eq(mpu_pair_init(&by_id, 12, 20, NULL, &err), 0);
    rng_state = 0x9E3779B97F4A7C15ull;
    for (unsigned step = 0; step < 20000; step++) {
        unsigned el2 = rng() & 1, op1 = el2 ? 4 : 0;
        struct mpu *m = el2 ? &by_id.el2 : &by_id.el1;
        enum mpu_reg_id id = (enum mpu_reg_id)(rng() % 5);
        unsigned alias = (unsigned)(rng() % 16);
        uint64_t v = rng();
        if (id == MPU_ID_PRSELR)
            v %= 40;
        uint32_t enc = enc_of(op1, id, alias);
        if (rng() % 5 == 0) {
            /* a region written in one call: PRBAR then PRLAR by encoding */
            uint64_t lar = rng();
            ck_assert_int_eq(mpu_sysreg_write(&by_enc, enc_of(op1, MPU_ID_PRBAR, alias), v),
                             MPU_SYSREG_OK);
            ck_assert_int_eq(mpu_sysreg_write(&by_enc, enc_of(op1, MPU_ID_PRLAR, alias), lar),
                             MPU_SYSREG_OK);
            mpu_reg_write_region(m, alias, v, lar);
        } else if (rng() % 3 == 0) {
            uint64_t a = 0, b = 1;
            ck_assert_int_eq(mpu_sysreg_read(&by_enc, enc, &a), MPU_SYSREG_OK);
            b = mpu_reg_read(m, id, alias);
            ck_assert_uint_eq(a, b);
        } else {
            ck_assert_int_eq(mpu_sysreg_write(&by_enc, enc, v), mpu_reg_write(m, id, alias, v));
        }
        if (rng() % 7 == 0) {
            mpu_pair_context_sync(&by_enc, step);
            mpu_pair_context_sync(&by_id, step);
        }
        assert_same_mpu(&by_enc.el1, &by_id.el1);
        assert_same_mpu(&by_enc.el2, &by_id.el2);
    }
    ck_assert_uint_gt(by_id.el2.stats.out_of_range_accesses, 0);
    ck_assert_uint_gt(by_id.el2.stats.reg_writes[MPU_REG_PRBAR_ALIAS], 0);
}
END_TEST

START_TEST(mpuir_and_the_counts_by_name)
{
    static struct mpu_pair p;
    struct msa_error err = {{0}};
    ck_assert_int_eq(mpu_pair_init(&p, 8, 8, NULL, &err), 0);
    ck_assert_int_eq(mpu_reg_write(&p.el2, MPU_ID_MPUIR, 0, 5), MPU_SYSREG_UNDEFINED);
    ck_assert_int_eq(mpu_sysreg_write(&p, enc_of(4, MPU_ID_MPUIR, 0), 5), MPU_SYSREG_UNDEFINED);
    ck_assert_uint_eq(mpu_reg_read(&p.el2, MPU_ID_MPUIR, 0), 8);
    /* each access counted once, under its register */
    ck_assert_uint_eq(p.el2.stats.reg_reads[MPU_REG_MPUIR], 1);
    mpu_reg_write(&p.el2, MPU_ID_PRSELR, 0, 0x13);
    ck_assert_uint_eq(mpu_reg_read(&p.el2, MPU_ID_PRSELR, 0), 0x13);
    mpu_reg_write(&p.el2, MPU_ID_PRBAR, 2, 0x1000);   /* PRBAR2: slot 0x12, not implemented */
    ck_assert_uint_eq(p.el2.stats.reg_writes[MPU_REG_PRSELR], 1);
    ck_assert_uint_eq(p.el2.stats.reg_reads[MPU_REG_PRSELR], 1);
    ck_assert_uint_eq(p.el2.stats.reg_writes[MPU_REG_PRBAR_ALIAS], 1);
    ck_assert_uint_eq(p.el2.stats.out_of_range_accesses, 1);
    ck_assert_uint_eq(p.el2.stats.selector_unsynced, 1);
}
END_TEST

/* ---- Lookups while the index is stale, against a rebuilt index ------------ */

static void program(struct mpu *m, unsigned slot, uint64_t lo, uint64_t hi, bool en)
{
    ck_assert_int_eq(mpu_reg_write(m, MPU_ID_PRSELR, 0, slot), MPU_SYSREG_OK);
    mpu_reg_write(m, MPU_ID_PRBAR, 0, mpu_prbar(lo, MPU_SH_INNER, MPU_AP_RW_PRIV, 0));
    mpu_reg_write(m, MPU_ID_PRLAR, 0, mpu_prlar(hi, 0, en));
}

/* One EL2 data read at `addr`: its region, or its fault kind as -1 - kind. */
static int outcome(struct mpu_pair *p, uint64_t addr)
{
    struct mpu_ctl ctl;
    mpu_ctl_from_regs(&ctl, 0, 1 /* SCTLR_EL2.M */, 0, 0, 0, 0xFF);
    struct mpu_req req = {.addr = addr, .type = MPU_ACC_READ, .el = 2};
    struct mpu_result res;
    if (mpu_lookup(p, &ctl, &req, &res))
        return res.s1_region;
    return -1 - (int)res.kind;
}

START_TEST(stale_scans_answer_as_the_index)
{
    static struct mpu_pair p, q;
    struct msa_error err = {{0}};
    ck_assert_int_eq(mpu_pair_init(&p, 4, 48, NULL, &err), 0);
    ck_assert_int_eq(mpu_pair_init(&q, 4, 48, NULL, &err), 0);
    rng_state = 0x243F6A8885A308D3ull;
    unsigned overlaps = 0, regions = 0;
    for (unsigned round = 0; round < 400; round++) {
        /* change a few slots: new ranges (some overlapping, some empty
         * after a base above the limit), some disabled */
        for (unsigned k = 1 + (unsigned)(rng() % 4); k-- > 0;) {
            unsigned slot = (unsigned)(rng() % 48);
            uint64_t lo = (rng() % 4096) << 12, len = ((rng() % 64) + 1) << 12;
            bool en = rng() % 5 != 0;
            uint64_t hi = rng() % 17 == 0 ? lo - 64 : lo + len - 1;
            program(&p.el2, slot, lo, hi, en);
            program(&q.el2, slot, lo, hi, en);
        }
        mpu_pair_context_sync(&p, round);
        mpu_pair_context_sync(&q, round);
        /* q's index is rebuilt before it answers; p answers its first
         * misses by scanning */
        (void)mpu_segments(&q.el2);
        for (unsigned a = 0; a < 8; a++) {
            uint64_t addr = (rng() % (4096ull << 12)) & ~7ull;
            int want = outcome(&q, addr);
            ck_assert_int_eq(outcome(&p, addr), want);
            overlaps += want == -1 - (int)MPU_FAULT_OVERLAP;
            regions += want >= 0;
        }
    }
    /* the layouts did exercise both answers */
    ck_assert_uint_gt(overlaps, 10);
    ck_assert_uint_gt(regions, 100);
    ck_assert_uint_gt(p.el2.stats.cache_misses, 0);
}
END_TEST

/* The cached segment of one EL2 data read at `addr` (after looking it up). */
static struct mpu_cache_entry segment_of(struct mpu_pair *p, uint64_t addr)
{
    (void)outcome(p, addr);
    return p->el2.cache[0][0];
}

/* A hypervisor mapping page after page through a transient slot, among a
 * few fixed regions that now and then change too: the refill that knows
 * the transient region alone (kept free stretch, or one pass around the
 * region just enabled) must cache the very segment the index holds, since
 * the segment decides later hits and misses. */
START_TEST(transient_maps_cache_the_index_segment)
{
    static struct mpu_pair p, q;
    struct msa_error err = {{0}};
    ck_assert_int_eq(mpu_pair_init(&p, 4, 24, NULL, &err), 0);
    ck_assert_int_eq(mpu_pair_init(&q, 4, 24, NULL, &err), 0);
    rng_state = 0x13198A2E03707344ull;
    enum { TRANSIENT = 20 };
    unsigned owned = 0, alone = 0, compared = 0;
    for (unsigned slot = 0; slot < 8; slot++) {
        uint64_t lo = (uint64_t)slot << 24;
        program(&p.el2, slot, lo, lo + (1u << 20) - 1, true);
        program(&q.el2, slot, lo, lo + (1u << 20) - 1, true);
    }
    for (unsigned round = 0; round < 3000; round++) {
        /* now and then a fixed region moves, grows into the free memory
         * or leaves, in the same synchronization as the map or alone */
        if (rng() % 8 == 0) {
            unsigned slot = (unsigned)(rng() % 10);
            uint64_t lo = (rng() % 512) << 18, hi = lo + ((rng() % 64) + 1) * 4096 - 1;
            bool en = rng() % 4 != 0;
            program(&p.el2, slot, lo, hi, en);
            program(&q.el2, slot, lo, hi, en);
            if (rng() % 2) {
                mpu_pair_context_sync(&p, round);
                mpu_pair_context_sync(&q, round);
            }
        }
        /* map a page: mostly in free memory, sometimes onto a region,
         * sometimes a second transient page at once */
        uint64_t page = (rng() % (1u << 15)) << 12;
        program(&p.el2, TRANSIENT, page, page + 4095, true);
        program(&q.el2, TRANSIENT, page, page + 4095, true);
        if (rng() % 16 == 0) {
            program(&p.el2, TRANSIENT + 1, page + 4096, page + 8191, true);
            program(&q.el2, TRANSIENT + 1, page + 4096, page + 8191, true);
        }
        mpu_pair_context_sync(&p, round);
        mpu_pair_context_sync(&q, round);
        owned += p.el2.gap_owner == TRANSIENT;
        (void)mpu_segments(&q.el2);
        /* the page, then somewhere else (a source elsewhere), then the
         * page again from the other way */
        uint64_t addrs[3] = {page + (rng() % 4096), (rng() % (1u << 15)) << 12,
                             page + (rng() % 4096)};
        for (unsigned a = 0; a < 3; a++) {
            struct mpu_cache_entry want = segment_of(&q, addrs[a]);
            struct mpu_cache_entry got = segment_of(&p, addrs[a]);
            ck_assert_int_eq(got.region, want.region);
            if (want.region == MPU_SEG_OVERLAP)
                continue;   /* a scan may cut an overlap narrower */
            ck_assert_uint_eq(got.lo, want.lo);
            ck_assert_uint_eq(got.span, want.span);
            compared++;
        }
        alone += p.el2.gap_owner == TRANSIENT;
        ck_assert_uint_eq(p.el2.stats.cache_misses, q.el2.stats.cache_misses);
        /* unmap */
        program(&p.el2, TRANSIENT, page, page + 4095, false);
        program(&q.el2, TRANSIENT, page, page + 4095, false);
        program(&p.el2, TRANSIENT + 1, 0, 4095, false);
        program(&q.el2, TRANSIENT + 1, 0, 4095, false);
        mpu_pair_context_sync(&p, round);
        mpu_pair_context_sync(&q, round);
    }
    /* both shortcuts were taken, and often */
    ck_assert_uint_gt(owned, 400);
    ck_assert_uint_gt(alone, owned + 1000);
    ck_assert_uint_gt(compared, 6000);
}
END_TEST

/* ---- One call for the lookup and the range it holds for --------------------- */

static void random_layout(struct mpu *a, struct mpu *b, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        unsigned slot = (unsigned)(rng() % 12);
        uint64_t lo = (rng() % 64) << 12, hi = lo + ((rng() % 8) + 1) * 4096 - 1;
        uint64_t bar = mpu_prbar(lo, (unsigned)(rng() % 4), (unsigned)(rng() % 4),
                                 (unsigned)(rng() % 4));
        uint64_t lar = mpu_prlar(hi, (unsigned)(rng() % 8), rng() % 4 != 0);
        struct mpu *m[2] = {a, b};
        for (unsigned i = 0; i < 2; i++) {
            mpu_reg_write(m[i], MPU_ID_PRSELR, 0, slot);
            mpu_reg_write_region(m[i], 0, bar, lar);
        }
    }
}

START_TEST(lookup_until_is_lookup_then_same_until)
{
    static struct mpu_pair p, q;
    struct msa_error err = {{0}};
    ck_assert_int_eq(mpu_pair_init(&p, 12, 12, NULL, &err), 0);
    ck_assert_int_eq(mpu_pair_init(&q, 12, 12, NULL, &err), 0);
    rng_state = 0xA4093822299F31D0ull;
    unsigned promised = 0, faults = 0;
    for (unsigned round = 0; round < 2000; round++) {
        random_layout(&p.el1, &q.el1, (unsigned)(rng() % 3));
        random_layout(&p.el2, &q.el2, (unsigned)(rng() % 3));
        if (rng() % 4) {   /* otherwise the writes stay pending */
            mpu_pair_context_sync(&p, round);
            mpu_pair_context_sync(&q, round);
        }
        struct mpu_ctl ctl;
        uint64_t bits = rng();
        mpu_ctl_from_regs(&ctl, (bits & 1) | (bits & (1u << 17)) | (bits & (1u << 19)),
                          ((bits >> 1) & 1) | ((bits >> 2) & (1u << 17)) |
                              ((bits >> 3) & (1u << 19)),
                          (bits >> 4) & 1, 0, rng(), rng());
        for (unsigned a = 0; a < 6; a++) {
            static const enum mpu_access types[4] = {MPU_ACC_READ, MPU_ACC_WRITE,
                                                     MPU_ACC_RMW, MPU_ACC_EXEC};
            struct mpu_req req = {.addr = (rng() % (80ull << 12)) & ~3ull,
                                  .type = types[rng() % 4],
                                  .el = (uint8_t)(rng() % 4 ? 2 : rng() % 2),
                                  .unprivileged = rng() % 8 == 0};
            struct mpu_result rp, rq;
            memset(&rp, 0, sizeof rp);
            memset(&rq, 0, sizeof rq);
            uint64_t until_p = 1, until_q = 1;
            bool okp = mpu_lookup_until(&p, &ctl, &req, &rp, &until_p);
            bool okq = mpu_lookup(&q, &ctl, &req, &rq);
            if (okq)
                until_q = mpu_lookup_same_until(&q, &ctl, &req);
            ck_assert_int_eq(okp, okq);
            ck_assert_mem_eq(&rp, &rq, sizeof rp);
            ck_assert_uint_eq(until_p, until_q);
            promised += okq && until_q > req.addr;
            faults += !okq;
        }
        ck_assert_mem_eq(&p.el1.stats, &q.el1.stats, sizeof p.el1.stats);
        ck_assert_mem_eq(&p.el2.stats, &q.el2.stats, sizeof p.el2.stats);
        ck_assert_mem_eq(p.el2.cache, q.el2.cache, sizeof p.el2.cache);
    }
    ck_assert_uint_gt(promised, 400);
    ck_assert_uint_gt(faults, 2000);
}
END_TEST

/* ---- Binary-trace numbers of every length --------------------------------- */

START_TEST(numbers_of_every_length_round_trip)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/msasim-fastpaths-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/n.mtrace", dir);

    struct trace_header h;
    memset(&h, 0, sizeof h);
    h.version = TRACE_FORMAT_VERSION;
    h.platform_kind = TRACE_PLATFORM_BUILTIN;
    h.platform = "fvp-r";
    h.module = "xen-mpu";
    h.mpu_regions = 32;
    h.el1_mpu_regions = 16;
    struct msa_error err = {{0}};
    struct trace_writer *w;
    ck_assert_int_eq(trace_writer_open(path, TRACE_BINARY, &h, &w, &err), 0);
    /* 2^k - 1, 2^k and a value with every 7-bit group busy, k = 0..63:
     * every encoded length from 1 to 10 bytes, each group boundary */
    enum { N = 64 * 3 };
    uint64_t vals[N];
    for (unsigned k = 0; k < 64; k++) {
        vals[3 * k] = (1ull << k) - 1;
        vals[3 * k + 1] = 1ull << k;
        vals[3 * k + 2] = k ? (0x8102040810204081ull >> (63 - k)) | (1ull << k) : 1;
    }
    for (unsigned i = 0; i < N; i++) {
        struct hv_event ev = {.kind = HV_EV_COPY, .core = 0, .domain = -1, .ctx_domain = -1,
                              .a = vals[i], .b = vals[N - 1 - i], .c = vals[(i * 7) % N] / 2,
                              .cycle = 0};
        trace_writer_event(w, &ev);
    }
    ck_assert_msg(trace_writer_close(w, &err) == 0, "%s", err.msg);

    struct trace_reader *r;
    ck_assert_msg(trace_open(path, &r, &err) == 0, "%s", err.msg);
    struct hv_event ev;
    for (unsigned i = 0; i < N; i++) {
        ck_assert_msg(trace_next(r, &ev, &err) == 1, "%s", err.msg);
        ck_assert_uint_eq(ev.a, vals[i]);
        ck_assert_uint_eq(ev.b, vals[N - 1 - i]);
        ck_assert_uint_eq(ev.c, vals[(i * 7) % N] / 2);
    }
    ck_assert_int_eq(trace_next(r, &ev, &err), 0);
    trace_close(r);
    unlink(path);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fast_paths");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, direct_registers_equal_msr_mrs);
    tcase_add_test(tc, mpuir_and_the_counts_by_name);
    tcase_add_test(tc, stale_scans_answer_as_the_index);
    tcase_add_test(tc, transient_maps_cache_the_index_segment);
    tcase_add_test(tc, lookup_until_is_lookup_then_same_until);
    tcase_add_test(tc, numbers_of_every_length_round_trip);
    suite_add_tcase(s, tc);
    return check_run(s);
}
