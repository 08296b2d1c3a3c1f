/* The cycle model on hand-made instruction streams: each test feeds the
 * records a core would produce and compares the cycles with what the
 * parameters predict (read back from the same configuration), and checks
 * that the CPI stack adds up to the cycles.  Code sits in an instruction
 * TCM so that fetch never misses unless a test wants it to. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/timing.h"
#include "tests/unit/check_run.h"

#define CODE 0x100000ull
#define DATA 0x800000ull

/* Encodings (checked against GNU as). */
#define ADD_X1_1 0x91000421u      /* add x1, x1, #1 */
#define ADD_X2_1 0x91000442u      /* add x2, x2, #1 */
#define MUL_X0 0x9b017c00u        /* mul x0, x0, x1 */
#define LDR_X0_X0 0xf9400000u     /* ldr x0, [x0] */
#define LDR_X1_X2 0xf9400041u     /* ldr x1, [x2] */
#define ADD_X3_X1 0x91000423u     /* add x3, x1, #1 */
#define NOP 0xd503201fu
#define ISB 0xd5033fdfu
#define DSB_SY 0xd5033f9fu
#define MSR_PRBAR 0xd51c6800u     /* msr prbar_el2, x0 */
#define MSR_PRLAR 0xd51c6820u
#define MSR_PRSELR 0xd51c6220u
#define TLBI_VMALLE1IS 0xd508831fu
#define TLBI_ALLE2 0xd50c871fu
#define SVC0 0xd4000001u
#define ERET 0xd69f03e0u
#define CBZ_X3_8 0xb4000043u      /* cbz x3, .+8 */
#define SDIV_X0 0x9ac10c00u       /* sdiv x0, x0, x1 */
#define ADD_X3_3 0x91000463u      /* add x3, x3, #1 */
#define B_BACK8 0x17fffffeu       /* b .-8 */

struct rig {
    struct timing_config *cfg;
    struct timing_system *sys;
    struct timing_core *c;
    uint64_t pc;
};

static uint64_t param(const struct rig *r, const char *key)
{
    uint64_t v = 0;
    ck_assert_msg(timing_config_get(r->cfg, key, &v) == 0, "no key %s", key);
    return v;
}

static void rig_open_env(struct rig *r, const char *const *sets, const struct timing_env *env);

static void rig_open(struct rig *r, const char *const *sets)
{
    rig_open_env(r, sets, NULL);
}

static void rig_open_env(struct rig *r, const char *const *sets, const struct timing_env *env)
{
    struct msa_error err = {{0}};
    memset(r, 0, sizeof *r);
    ck_assert_int_eq(timing_config_load("cortex-a53", &r->cfg, &err), 0);
    char buf[64];
    snprintf(buf, sizeof buf, "tcm.i.base=%llu", CODE);
    ck_assert_int_eq(timing_config_set(r->cfg, buf, &err), 0);
    ck_assert_int_eq(timing_config_set(r->cfg, "tcm.i.size=1M", &err), 0);
    for (; sets && *sets; sets++)
        ck_assert_msg(timing_config_set(r->cfg, *sets, &err) == 0, "%s", err.msg);
    ck_assert_msg(timing_system_new(r->cfg, 2, env, &r->sys, &err) == 0, "%s", err.msg);
    r->c = timing_system_core(r->sys, 0);
    r->pc = CODE;
}

static void rig_close(struct rig *r)
{
    timing_system_free(r->sys);
    timing_config_free(r->cfg);
}

/* One instruction at r->pc; next is where execution goes (0: pc + 4). */
static void feed_at(struct rig *r, uint32_t insn, uint64_t next, unsigned size, uint64_t va, bool write,
                    bool exception)
{
    struct cpu_insn_record rec;
    memset(&rec, 0, sizeof rec);
    rec.pc = r->pc;
    rec.insn = insn;
    rec.el = 2;
    rec.mem_size = (uint8_t)size;
    rec.mem_va = va;
    rec.mem_write = write;
    rec.exception = exception;
    rec.next_pc = next ? next : r->pc + 4;
    timing_core_insn(r->c, NULL, &rec);
    r->pc = rec.next_pc;
}

static void feed(struct rig *r, uint32_t insn)
{
    feed_at(r, insn, 0, 0, 0, false, false);
}

static void feed_mem(struct rig *r, uint32_t insn, uint64_t va, bool write)
{
    feed_at(r, insn, 0, 8, va, write, false);
}

static uint64_t cycles(struct rig *r)
{
    return timing_core_stats(r->c)->cycles;
}

static void check_stack(struct rig *r)
{
    const struct timing_stats *st = timing_core_stats(r->c);
    uint64_t sum = 0;
    for (int k = 0; k < TIMING_CPI_COUNT; k++)
        sum += st->cpi[k];
    ck_assert_uint_eq(sum, st->cycles);
}

/* Steady-state cost: cycles after `more` repetitions minus cycles after
 * `less` (the boundary effects of the first and last one cancel). */
#define STEADY(r, body, less, more, out)                   \
    do {                                                  \
        for (int i_ = 0; i_ < (less); i_++) {             \
            body;                                         \
        }                                                 \
        uint64_t a_ = cycles(r);                          \
        for (int i_ = (less); i_ < (more); i_++) {        \
            body;                                         \
        }                                                 \
        (out) = cycles(r) - a_;                           \
    } while (0)

START_TEST(alu_chain_and_pairs)
{
    static const char *const one[] = {"issue.width=1", NULL};
    static const char *const slow[] = {"lat.alu=2", NULL};
    const char *const *variants[] = {NULL, one, slow};
    for (int v = 0; v < 3; v++) {
        struct rig r;
        rig_open(&r, variants[v]);
        uint64_t d;
        STEADY(&r, feed(&r, ADD_X1_1), 100, 200, d);
        ck_assert_uint_eq(d, 100 * param(&r, "lat.alu"));
        /* two independent chains (x2, x3): a pair per cycle when two fit */
        STEADY(&r, (feed(&r, ADD_X3_3), feed(&r, ADD_X2_1)), 50, 100, d);
        uint64_t width = param(&r, "issue.width"), alus = param(&r, "issue.alu");
        uint64_t lat = param(&r, "lat.alu");
        uint64_t per_pair = (width >= 2 && alus >= 2) ? lat : (lat > 2 ? lat : 2);
        ck_assert_uint_eq(d, 50 * per_pair);
        check_stack(&r);
        rig_close(&r);
    }
}
END_TEST

START_TEST(multiply_and_divide_chains)
{
    static const char *const slow[] = {"lat.mul=5", "lat.div=20", NULL};
    for (int v = 0; v < 2; v++) {
        struct rig r;
        rig_open(&r, v ? slow : NULL);
        uint64_t d;
        STEADY(&r, feed(&r, MUL_X0), 64, 128, d);
        ck_assert_uint_eq(d, 64 * param(&r, "lat.mul"));
        STEADY(&r, feed(&r, SDIV_X0), 8, 16, d);
        ck_assert_uint_eq(d, 8 * param(&r, "lat.div"));
        check_stack(&r);
        rig_close(&r);
    }
}
END_TEST

START_TEST(load_use_chains)
{
    static const char *const lat5[] = {"l1d.latency=5", NULL};
    for (int v = 0; v < 2; v++) {
        struct rig r;
        rig_open(&r, v ? lat5 : NULL);
        uint64_t lat = param(&r, "l1d.latency"), d;
        STEADY(&r, feed_mem(&r, LDR_X0_X0, DATA, false), 50, 100, d);
        ck_assert_uint_eq(d, 50 * lat);
        /* load then dependent add: the next load joins the add's group */
        STEADY(&r, (feed_mem(&r, LDR_X1_X2, DATA, false), feed(&r, ADD_X3_X1)), 50, 100, d);
        ck_assert_uint_eq(d, 50 * lat);
        check_stack(&r);
        rig_close(&r);
    }
}
END_TEST

/* Pointer chasing over a footprint: below the L1 size every access hits,
 * above it (LRU, sequential lines) every access misses to the L2. */
START_TEST(footprint_knee)
{
    static const char *const small[] = {"l1d.size=4K", "l1d.ways=4", NULL};
    struct rig r;
    rig_open(&r, small);
    uint64_t size = param(&r, "l1d.size"), line = param(&r, "l1d.line");
    uint64_t lat = param(&r, "l1d.latency"), l2 = param(&r, "l2.latency");
    for (uint64_t fp = size / 4; fp <= size * 4; fp *= 2) {
        uint64_t lines = fp / line;
        uint64_t base = DATA + fp * 16;  /* a fresh region for each footprint */
        uint64_t d;
        /* a warm-up pass, a pass to reach the steady state, the measured pass */
        STEADY(&r, feed_mem(&r, LDR_X0_X0, base + (uint64_t)(i_ % (int)lines) * line, false), (int)(2 * lines),
               (int)(3 * lines), d);
        uint64_t want = lines * (fp <= size ? lat : lat + l2);
        ck_assert_msg(d == want, "footprint %llu: %llu cycles, predicted %llu", (unsigned long long)fp,
                      (unsigned long long)d, (unsigned long long)want);
    }
    check_stack(&r);
    rig_close(&r);
}
END_TEST

START_TEST(memory_and_l2_miss)
{
    struct rig r;
    rig_open(&r, NULL);
    uint64_t lat = param(&r, "l1d.latency"), l2 = param(&r, "l2.latency"), mem = param(&r, "mem.latency");
    uint64_t d;
    uint64_t dc0 = 0;
    /* dependent loads, each to a line nobody touched */
    STEADY(&r, (i_ == 3 ? (void)(dc0 = timing_core_stats(r.c)->cpi[TIMING_CPI_DCACHE]) : (void)0,
                feed_mem(&r, LDR_X0_X0, DATA + 0x10000 * (uint64_t)(i_ + 1), false)),
           3, 5, d);
    ck_assert_uint_eq(d, 2 * (lat + l2 + mem));
    ck_assert_uint_eq(timing_core_stats(r.c)->cpi[TIMING_CPI_DCACHE] - dc0, 2 * (l2 + mem));
    check_stack(&r);
    rig_close(&r);
}
END_TEST

/* Alternating outcomes: a bimodal predictor misses every taken one, gshare
 * learns the pattern; the branch part of the CPI stack is the
 * mispredictions times their penalty plus the BTB-miss bubbles. */
START_TEST(branch_patterns)
{
    static const char *const bimodal[] = {"bp.kind=bimodal", NULL};
    static const char *const gshare[] = {"bp.kind=gshare", NULL};
    for (int v = 0; v < 2; v++) {
        struct rig r;
        rig_open(&r, v ? gshare : bimodal);
        uint64_t top = r.pc;
        const int iters = 400;
        uint64_t half = 0;
        for (int i = 0; i < iters; i++) {
            if (i == iters / 2)
                half = timing_core_stats(r.c)->mispredicts;
            bool taken = i & 1;
            r.pc = top;
            feed_at(&r, CBZ_X3_8, taken ? top + 8 : 0, 0, 0, false, false);
            if (!taken)
                feed(&r, NOP);
            feed_at(&r, B_BACK8, top, 0, 0, false, false);
        }
        const struct timing_stats *st = timing_core_stats(r.c);
        if (v == 0) {
            ck_assert_uint_ge(st->mispredicts, iters / 2 - 1);
            ck_assert_uint_le(st->mispredicts, iters / 2 + 1);
        } else {
            ck_assert_uint_le(st->mispredicts - half, 2);
        }
        uint64_t want = st->mispredicts * param(&r, "bp.mispredict") + st->btb_misses * param(&r, "bp.btb_miss");
        ck_assert_uint_eq(st->cpi[TIMING_CPI_BRANCH], want);
        check_stack(&r);
        rig_close(&r);
    }
}
END_TEST

START_TEST(mpu_reprogramming_costs)
{
    struct rig r;
    rig_open(&r, NULL);
    uint64_t w = param(&r, "mpu.write");
    ck_assert_uint_ge(w, 1);
    uint64_t d, sync0 = timing_core_stats(r.c)->cpi[TIMING_CPI_MPU_SYNC];
    STEADY(&r, (feed(&r, MSR_PRSELR), feed(&r, MSR_PRBAR), feed(&r, MSR_PRLAR), feed(&r, ISB)), 10, 20, d);
    /* three writes of w cycles each, the ISB's issue cycle, then the refill */
    uint64_t refill = param(&r, "pipe.stages") + param(&r, "isb.cost") + param(&r, "mpu.sync");
    ck_assert_uint_eq(d, 10 * (3 * w + 1 + refill));
    const struct timing_stats *st = timing_core_stats(r.c);
    ck_assert_uint_eq(st->mpu_writes, 60);
    ck_assert_uint_eq(st->mpu_syncs, 20);
    ck_assert_uint_ge(st->cpi[TIMING_CPI_MPU_SYNC] - sync0, 19 * (3 * w + refill));
    ck_assert_uint_le(st->cpi[TIMING_CPI_MPU_SYNC] - sync0, 20 * (3 * w + refill));
    /* an ISB with nothing pending is a barrier */
    STEADY(&r, feed(&r, ISB), 10, 20, d);
    ck_assert_uint_eq(d, 10 * (1 + param(&r, "pipe.stages") + param(&r, "isb.cost")));
    check_stack(&r);
    rig_close(&r);
}
END_TEST

START_TEST(barrier_tlbi_exception_costs)
{
    struct rig r;
    rig_open(&r, NULL);
    uint64_t d;
    ck_assert_uint_ge(param(&r, "dsb.cost"), 1);
    STEADY(&r, feed(&r, DSB_SY), 10, 20, d);
    ck_assert_uint_eq(d, 10 * param(&r, "dsb.cost"));
    STEADY(&r, feed(&r, TLBI_ALLE2), 10, 20, d);
    ck_assert_uint_eq(d, 10 * param(&r, "tlbi.local"));
    STEADY(&r, feed(&r, TLBI_VMALLE1IS), 10, 20, d);
    ck_assert_uint_eq(d, 10 * param(&r, "tlbi.broadcast"));
    const struct timing_stats *st = timing_core_stats(r.c);
    ck_assert_uint_eq(st->tlbi_local, 20);
    ck_assert_uint_eq(st->tlbi_broadcast, 20);
    /* SVC and ERET: each refills the pipeline */
    uint64_t stages = param(&r, "pipe.stages");
    uint64_t base = r.pc;
    STEADY(&r, (r.pc = base, feed_at(&r, SVC0, CODE + 0x800, 0, 0, false, true),
                feed_at(&r, ERET, base, 0, 0, false, false)), 10, 20, d);
    ck_assert_uint_eq(d, 10 * (2 + 2 * stages + param(&r, "exc.entry") + param(&r, "exc.return")));
    /* a jump nothing explains (an interrupt) is an exception entry */
    STEADY(&r, (r.pc = CODE + 0x880 + 0x40 * (uint64_t)(i_ & 1), feed(&r, NOP)), 10, 20, d);
    ck_assert_uint_eq(d, 10 * (1 + stages + param(&r, "exc.entry")));
    check_stack(&r);
    rig_close(&r);
}
END_TEST


/* A data TCM answers at its own fixed latency, without the caches. */
START_TEST(tcm_latency)
{
    static const char *const tcm[] = {"tcm.d.base=0x800000", "tcm.d.size=64K", "tcm.latency=2", NULL};
    struct rig r;
    rig_open(&r, tcm);
    uint64_t d;
    STEADY(&r, feed_mem(&r, LDR_X0_X0, DATA + 0x100, false), 50, 100, d);
    ck_assert_uint_eq(d, 50 * param(&r, "tcm.latency"));
    const struct timing_stats *st = timing_core_stats(r.c);
    ck_assert_uint_eq(st->tcm, 100);
    ck_assert_uint_eq(st->l1d_access, 0);
    rig_close(&r);
}
END_TEST

/* The machine's answers, as a test sees fit: data under an MPU, or a
 * 4-level VMSA walk whose descriptor addresses follow the VA. */
static int xlat_mpu(void *ctx, struct cpu *cpu, uint64_t va, bool fetch, struct timing_xlat *out)
{
    out->pa = va;
    out->type = TIMING_MEM_WB;
    out->mpu = !fetch;
    out->page_uniform = true;
    return 0;
}

#define TABLES 0x10000000ull
static int xlat_vmsa(void *ctx, struct cpu *cpu, uint64_t va, bool fetch, struct timing_xlat *out)
{
    out->pa = va;
    out->type = TIMING_MEM_WB;
    out->page_uniform = true;
    if (fetch)
        return 0;
    out->vmsa = true;
    out->page_shift = 12;
    out->nwalk = 4;
    out->walk_pa[0] = TABLES + ((va >> 39) & 511) * 8;
    out->walk_pa[1] = TABLES + 0x1000 + ((va >> 30) & 511) * 8;
    out->walk_pa[2] = TABLES + 0x2000 + ((va >> 21) & 511) * 8;
    out->walk_pa[3] = TABLES + 0x3000 + ((va >> 12) & 511) * 8;
    return 0;
}

START_TEST(mpu_lookup_cost)
{
    static const char *const lookup[] = {"mpu.lookup=2", NULL};
    struct timing_env env = {NULL, xlat_mpu};
    for (int v = 0; v < 2; v++) {
        struct rig r;
        rig_open_env(&r, v ? lookup : NULL, &env);
        uint64_t d;
        STEADY(&r, feed_mem(&r, LDR_X0_X0, DATA, false), 50, 100, d);
        ck_assert_uint_eq(d, 50 * (param(&r, "l1d.latency") + param(&r, "mpu.lookup")));
        rig_close(&r);
    }
}
END_TEST

START_TEST(tlb_and_walk_costs)
{
    struct timing_env env = {NULL, xlat_vmsa};
    struct rig r;
    rig_open_env(&r, NULL, &env);
    const struct timing_stats *st = timing_core_stats(r.c);
    uint64_t main_lat = param(&r, "tlb.main.latency"), walk = param(&r, "tlb.walk.latency");
    uint64_t l2 = param(&r, "l2.latency"), mem = param(&r, "mem.latency");
    uint64_t tlb0 = st->cpi[TIMING_CPI_TLB], walk0 = st->cpi[TIMING_CPI_WALK];
    /* first page: every descriptor read goes to memory */
    feed_mem(&r, LDR_X1_X2, DATA, false);
    ck_assert_uint_eq(st->tlb_main_miss, 1);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_TLB] - tlb0, main_lat);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_WALK] - walk0, walk + 4 * (l2 + mem));
    /* next page: the walk cache holds the table entries, the leaf's line is in the L2 */
    walk0 = timing_core_stats(r.c)->cpi[TIMING_CPI_WALK];
    feed_mem(&r, LDR_X1_X2, DATA + 0x1000, false);
    ck_assert_uint_eq(st->tlb_main_miss, 2);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_WALK] - walk0, walk + l2);
    /* back to the first page: a micro-TLB hit costs nothing */
    tlb0 = st->cpi[TIMING_CPI_TLB];
    walk0 = st->cpi[TIMING_CPI_WALK];
    feed_mem(&r, LDR_X1_X2, DATA + 8, false);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_TLB], tlb0);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_WALK], walk0);
    /* more pages than the micro-TLB holds, then the first again: main TLB hit */
    for (uint64_t i = 2; i < 2 + param(&r, "tlb.micro"); i++)
        feed_mem(&r, LDR_X1_X2, DATA + i * 0x1000, false);
    uint64_t misses = timing_core_stats(r.c)->tlb_main_miss;
    tlb0 = st->cpi[TIMING_CPI_TLB];
    feed_mem(&r, LDR_X1_X2, DATA, false);
    ck_assert_uint_eq(st->tlb_main_miss, misses);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_TLB] - tlb0, main_lat);
    /* a TLBI by VA drops the page: it walks again */
    feed_at(&r, 0xd50c8720u /* tlbi vae2, x0: x0 reads as 0 here */, 0, 0, 0, false, false);
    feed_mem(&r, LDR_X1_X2, 0x0, false);
    ck_assert_uint_eq(st->tlb_main_miss, misses + 1);
    check_stack(&r);
    rig_close(&r);
}
END_TEST

/* DC CIVAC writes a dirty line back and drops it. */
START_TEST(cache_maintenance)
{
    struct rig r;
    rig_open(&r, NULL);
    feed_mem(&r, 0xf9000041u /* str x1, [x2] */, 0x0, true);   /* DC below names address 0 (x0 = 0) */
    const struct timing_stats *st = timing_core_stats(r.c);
    uint64_t wb = st->l1d_writeback, miss = st->l1d_miss;
    uint64_t dc0 = st->cpi[TIMING_CPI_DCACHE];
    feed(&r, 0xd50b7e20u /* dc civac, x0 */);
    feed(&r, NOP);
    ck_assert_uint_eq(st->l1d_writeback, wb + 1);
    ck_assert_uint_eq(st->dc_ops, 1);
    /* the write-back goes to an empty write buffer: only dc.cost blocks */
    ck_assert_uint_eq(st->cpi[TIMING_CPI_DCACHE] - dc0, param(&r, "dc.cost"));
    feed_mem(&r, LDR_X1_X2, 0x0, false);
    ck_assert_uint_eq(st->l1d_miss, miss + 1);
    check_stack(&r);
    rig_close(&r);
}
END_TEST

/* Fetch outside the TCM: the first pass over code misses every line. */
START_TEST(icache_misses)
{
    struct rig r;
    rig_open(&r, NULL);
    r.pc = 0x4000000;
    uint64_t t0 = cycles(&r);
    for (int i = 0; i < 64; i++)
        feed(&r, NOP);
    const struct timing_stats *st = timing_core_stats(r.c);
    uint64_t line = param(&r, "l1i.line");
    ck_assert_uint_eq(st->l1i_miss, 64 * 4 / line);
    ck_assert_uint_eq(st->cpi[TIMING_CPI_ICACHE],
                      st->l1i_miss * (param(&r, "l2.latency") + param(&r, "mem.latency")));
    (void)t0;
    check_stack(&r);
    rig_close(&r);
}
END_TEST

/* Stores to lines another core holds: invalidations, and dirty transfers. */
START_TEST(sharing_between_cores)
{
    struct rig r;
    rig_open(&r, NULL);
    struct timing_core *c1 = timing_system_core(r.sys, 1);
    struct rig r1 = r;
    r1.c = c1;
    r1.pc = CODE + 0x4000;
    feed_mem(&r, LDR_X0_X0, DATA, false);
    feed_mem(&r1, LDR_X1_X2, DATA, false);
    feed_mem(&r1, 0xf9000041u /* str x1, [x2] */, DATA, true);
    ck_assert_uint_eq(timing_core_stats(c1)->coh_invalidates, 1);
    feed_mem(&r, LDR_X0_X0, DATA, false);   /* invalidated: misses, dirty in core 1 */
    ck_assert_uint_eq(timing_core_stats(r.c)->coh_transfers, 1);
    rig_close(&r);
}
END_TEST

START_TEST(parameters_and_errors)
{
    struct msa_error err = {{0}};
    struct timing_config *cfg;
    ck_assert_int_eq(timing_config_load("cortex-r82", &cfg, &err), 0);
    ck_assert_str_eq(timing_config_name(cfg), "cortex-r82");
    uint64_t v;
    ck_assert_int_eq(timing_config_set(cfg, "l1d.size=16K", &err), 0);
    ck_assert_int_eq(timing_config_get(cfg, "l1d.size", &v), 0);
    ck_assert_uint_eq(v, 16384);
    ck_assert_int_eq(timing_config_set(cfg, "mem.latency=0x40", &err), 0);
    ck_assert_int_eq(timing_config_get(cfg, "mem.latency", &v), 0);
    ck_assert_uint_eq(v, 64);
    ck_assert_int_eq(timing_config_set(cfg, "bp.kind=bimodal", &err), 0);
    ck_assert_int_eq(timing_config_get(cfg, "bp.kind", &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(timing_config_set(cfg, "l1d.sise=16K", &err), -1);
    ck_assert_str_eq(err.msg, "--set: unknown key 'l1d.sise' (keys in cpu/timing/README.md)");
    ck_assert_int_eq(timing_config_set(cfg, "l1d.size=big", &err), -1);
    ck_assert_str_eq(err.msg, "--set: l1d.size: 'big' is not accepted; expected a number from 256 to 16777216");
    ck_assert_int_eq(timing_config_set(cfg, "l1d.repl=mru", &err), -1);
    ck_assert_str_eq(err.msg, "--set: l1d.repl: 'mru' is not accepted; expected lru, fifo or random");
    ck_assert_int_eq(timing_config_set(cfg, "l1d.size", &err), -1);
    ck_assert_int_eq(timing_config_set(cfg, "l1d.size=24K", &err), 0);
    ck_assert_int_eq(timing_config_check(cfg, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "l1d: 24576 bytes in 4 ways"));
    ck_assert_int_eq(timing_config_get(cfg, "nope", &v), -1);
    timing_config_free(cfg);

    ck_assert_int_eq(timing_config_load("cortex-x99", &cfg, &err), -1);
    ck_assert_str_eq(err.msg, "--core: 'cortex-x99' is neither a built-in core (cortex-a53 or cortex-r82) nor a "
                              "readable file");
    /* a description file: base, a comment, an override; then a bad line */
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
    char path[512];
    snprintf(path, sizeof path, "%s/test_timing_XXXXXX", dir);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("# mine\nbase = cortex-a53\nl2.size = 0   # no L2\n", f);
    fclose(f);
    ck_assert_msg(timing_config_load(path, &cfg, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(timing_config_get(cfg, "l2.size", &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(timing_config_get(cfg, "l1d.latency", &v), 0);
    ck_assert_uint_eq(v, 3);
    timing_config_free(cfg);
    f = fopen(path, "w");
    fputs("l1d.size = 32K\nl1d.colour = blue\n", f);
    fclose(f);
    ck_assert_int_eq(timing_config_load(path, &cfg, &err), -1);
    char want[700];
    snprintf(want, sizeof want, "%s:2: unknown key 'l1d.colour' (keys in cpu/timing/README.md)", path);
    ck_assert_str_eq(err.msg, want);
    remove(path);
}
END_TEST

/* Every built-in description sets every key, and the README documents
 * every key. */
START_TEST(descriptions_and_docs_complete)
{
    const char *const *names = timing_builtin_core_names();
    ck_assert_ptr_nonnull(names[0]);
    FILE *f = fopen("cpu/timing/README.md", "r");
    ck_assert_msg(f != NULL, "cpu/timing/README.md is missing (tests run from the repository root)");
    static char readme[200000];
    size_t n = fread(readme, 1, sizeof readme - 1, f);
    readme[n] = 0;
    fclose(f);
    for (size_t i = 0; i < timing_key_count(); i++) {
        const struct timing_key_info *k = timing_key_at(i);
        char pat[80];
        snprintf(pat, sizeof pat, "`%s`", k->key);
        ck_assert_msg(strstr(readme, pat) != NULL, "README lacks %s", pat);
        for (const char *const *nm = names; *nm; nm++) {
            const char *text = timing_builtin_core_text(*nm);
            snprintf(pat, sizeof pat, "\n%s ", k->key);
            ck_assert_msg(strstr(text, pat) != NULL, "%s does not set %s", *nm, k->key);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timing");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, alu_chain_and_pairs);
    tcase_add_test(tc, multiply_and_divide_chains);
    tcase_add_test(tc, load_use_chains);
    tcase_add_test(tc, footprint_knee);
    tcase_add_test(tc, memory_and_l2_miss);
    tcase_add_test(tc, branch_patterns);
    tcase_add_test(tc, mpu_reprogramming_costs);
    tcase_add_test(tc, barrier_tlbi_exception_costs);
    tcase_add_test(tc, icache_misses);
    tcase_add_test(tc, sharing_between_cores);
    tcase_add_test(tc, tcm_latency);
    tcase_add_test(tc, mpu_lookup_cost);
    tcase_add_test(tc, tlb_and_walk_costs);
    tcase_add_test(tc, cache_maintenance);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("parameters");
    tcase_add_test(tp, parameters_and_errors);
    tcase_add_test(tp, descriptions_and_docs_complete);
    suite_add_tcase(s, tp);
    return check_run(s);
}
