/* MMU translation speed and table-walk cost.
 *
 * Part 1: translations per second when the TLBs hit (micro-TLB, main TLB),
 * for stage 1 alone, stages 1+2, and stage 1 with the EL2 MPU as stage 2
 * (Armv8-R), each the median of 5 timed runs over a fixed address stream.
 *
 * Part 2: descriptor reads per walk for a 4-level stage 1 alone and nested
 * in a 4-level stage 2, with the walk and IPA caches off (4 and 24 reads)
 * and with the Cortex-A53 defaults (first walk, then the neighbouring page),
 * and a cycle estimate: reads x the cost of one descriptor read.  Walk
 * reads are dependent (each address comes from the previous read), so
 * they do not overlap.  The default cost, 13 cycles, is the Cortex-A53 L1
 * miss served by L2 (reference section 4.5); pass another as the first
 * argument (for example 100+ for tables in DRAM).  Host ns per walk are
 * measured with every TLB structure off, so each translation walks.
 *
 * Lines starting with "mmu_bench" are for machines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmu/mmu.h"
#include "mpu/mpu.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (32ull << 20)
#define TBL_BASE (RAM_BASE + (16ull << 20))
#define S1T_DELTA 0x100000000ull   /* two-stage: stage-1 tables at IPA = PA + 4 GiB */
#define IPA_BASE 0x200000000ull    /* two-stage: data IPAs */
#define VA_BASE 0x0000123400000000ull
#define PAGES 1024u
#define STREAM_LEN 4096u
#define HIT_TRANSLATIONS (10u * 1000u * 1000u)
#define WALK_TRANSLATIONS (2u * 1000u * 1000u)
#define REPS 5
#define DEFAULT_ACCESS_CYCLES 13.0

struct machine {
    uint64_t *ram;
    uint64_t next;
    uint64_t delta;        /* stage-1 table IPA - PA */
    struct mmu_bus bus;
    struct mmu_ctl ctl;
    struct mmu_tlb tlb;
    struct mmu_pgt s1, s2;
    struct mpu_pair *mpu;
    struct mpu_ctl mctl;
    struct mmu_mpu_stage2 mpu_s2;
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int read_pa(void *ctx, uint64_t pa, uint64_t *v)
{
    struct machine *m = ctx;
    if (pa < RAM_BASE || pa >= RAM_BASE + RAM_SIZE)
        return 1;
    *v = m->ram[(pa - RAM_BASE) / 8];
    return 0;
}

static int pgt_read(void *ctx, uint64_t a, uint64_t *v)
{
    struct machine *m = ctx;
    return read_pa(ctx, a - m->delta, v);
}

static int pgt_write(void *ctx, uint64_t a, uint64_t v)
{
    struct machine *m = ctx;
    uint64_t pa = a - m->delta;
    if (pa < RAM_BASE || pa >= RAM_BASE + RAM_SIZE)
        return 1;
    m->ram[(pa - RAM_BASE) / 8] = v;
    return 0;
}

static uint64_t pgt_alloc(void *ctx, uint64_t bytes)
{
    struct machine *m = ctx;
    uint64_t a = (m->next + bytes - 1) & ~(bytes - 1);
    if (a + bytes > RAM_BASE + RAM_SIZE)
        return 0;
    m->next = a + bytes;
    return a + m->delta;
}

static void die(const char *what, const struct msa_error *err)
{
    fprintf(stderr, "bench_mmu: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

static void check(int rc, const char *what, const struct msa_error *err)
{
    if (rc < 0)
        die(what, err);
}

enum setup { S1_ONLY, S1_S2, S1_MPU };

/* PAGES pages of 4 KiB at VA_BASE, 48-bit VA, 4 KiB granule; with stage 2:
 * 48-bit IPA, stage-2 walk from level 0 (SL0 = 2). */
static void build(struct machine *m, enum setup setup, const struct mmu_tlb_config *cfg)
{
    struct msa_error err = {""};
    memset(m, 0, sizeof *m);
    m->ram = calloc(RAM_SIZE / 8, 8);
    if (!m->ram)
        die("RAM", NULL);
    m->next = TBL_BASE;
    m->bus = (struct mmu_bus){m, read_pa};
    check(mmu_tlb_init(&m->tlb, cfg, &err), "TLB", &err);

    struct mmu_pgt base = {.ctx = m, .read = pgt_read, .write = pgt_write, .alloc = pgt_alloc};
    uint64_t leaf1 = MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) | MMU_S1_ATTRINDX(1);
    uint64_t leaf2 = MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) | MMU_S2AP_R | MMU_S2AP_W |
                     MMU_S2_MEMATTR(MMU_S2_MEMATTR_WB);
    bool two = setup == S1_S2;
    m->delta = two ? S1T_DELTA : 0;
    m->s1 = base;
    check(mmu_pgt_init_s1(&m->s1, 12, 48, &err), "stage-1 tables", &err);
    for (unsigned i = 0; i < PAGES; i++) {
        uint64_t out = (two ? IPA_BASE : RAM_BASE) + (uint64_t)i * 0x1000;
        check(mmu_pgt_map(&m->s1, VA_BASE + (uint64_t)i * 0x1000, out, 3, leaf1, &err),
              "stage-1 map", &err);
    }
    uint64_t s1_end = m->next;
    m->ctl = (struct mmu_ctl){
        .regime = MMU_REGIME_EL10,
        .sctlr = MMU_SCTLR_M | MMU_SCTLR_C | MMU_SCTLR_I,
        .tcr = MMU_TCR_T0SZ(16) | MMU_TCR_T1SZ(16) | MMU_TCR_TG1_4K | MMU_TCR_IPS(5) |
               MMU_TCR_IRGN0(1) | MMU_TCR_ORGN0(1) | MMU_TCR_SH0(3),
        .ttbr0 = m->s1.root | 1ull << 48,
        .mair = 0xFF00,
    };
    if (two) {
        m->delta = 0;
        m->s2 = base;
        check(mmu_pgt_init_s2(&m->s2, 12, 48, 0, &err), "stage-2 tables", &err);
        for (uint64_t pa = TBL_BASE; pa < s1_end; pa += 0x1000)
            check(mmu_pgt_map(&m->s2, pa + S1T_DELTA, pa, 3, leaf2, &err), "stage-2 map",
                  &err);
        for (unsigned i = 0; i < PAGES; i++)
            check(mmu_pgt_map(&m->s2, IPA_BASE + (uint64_t)i * 0x1000,
                              RAM_BASE + (uint64_t)i * 0x1000, 3, leaf2, &err),
                  "stage-2 map", &err);
        m->ctl.hcr = MMU_HCR_VM;
        m->ctl.vtcr = MMU_TCR_T0SZ(16) | MMU_VTCR_SL0(2) | MMU_TCR2_PS(5);
        m->ctl.vttbr = m->s2.root | 1ull << 48;
    }
    if (setup == S1_MPU) {
        /* Armv8-R: 32 EL2 regions, the data and tables in two of them */
        m->mpu = calloc(1, sizeof *m->mpu);
        if (!m->mpu)
            die("MPU", NULL);
        check(mpu_pair_init(m->mpu, 16, 32, NULL, &err), "MPU", &err);
        uint64_t lo[2] = {RAM_BASE, TBL_BASE}, hi[2] = {TBL_BASE - 1, RAM_BASE + RAM_SIZE - 1};
        for (unsigned r = 0; r < 2; r++) {
            mpu_sysreg_write(m->mpu, MPU_SYSREG_ENC(3, 4, 6, 2, 1), r);
            mpu_sysreg_write(m->mpu, MPU_SYSREG_ENC(3, 4, 6, 8, 0),
                             mpu_prbar(lo[r], MPU_SH_INNER, MPU_AP_RW_ALL, 0));
            mpu_sysreg_write(m->mpu, MPU_SYSREG_ENC(3, 4, 6, 8, 1), mpu_prlar(hi[r], 1, true));
        }
        mpu_pair_context_sync(m->mpu, 0);
        mpu_ctl_from_regs(&m->mctl, MMU_SCTLR_M, MMU_SCTLR_M, MMU_HCR_VM, 1ull << 31,
                          m->ctl.mair, 0xFF00);
        m->mpu_s2 = (struct mmu_mpu_stage2){m->mpu, &m->mctl};
        m->ctl.hcr = MMU_HCR_VM;
        m->ctl.stage2 = mmu_stage2_mpu;
        m->ctl.stage2_ctx = &m->mpu_s2;
        m->ctl.pa_bits = 40;
    }
}

static void teardown(struct machine *m)
{
    mmu_tlb_free(&m->tlb);
    free(m->ram);
    free(m->mpu);
}

/* Median translations per second over the stream. */
static double measure(struct machine *m, const uint64_t *stream, unsigned n,
                      enum mmu_hit want, double *host_ns)
{
    double rate[REPS];
    unsigned bad = 0;
    struct mmu_req req = {.type = MMU_ACC_READ, .el = 1};
    struct mmu_result res;
    for (unsigned i = 0; i < STREAM_LEN; i++) {     /* warm up */
        req.va = stream[i];
        mmu_translate(&m->tlb, &m->ctl, &m->bus, &req, &res);
    }
    for (unsigned r = 0; r < REPS; r++) {
        double t0 = now_s();
        for (unsigned i = 0; i < n; i++) {
            req.va = stream[i & (STREAM_LEN - 1)];
            if (!mmu_translate(&m->tlb, &m->ctl, &m->bus, &req, &res) || res.hit != want)
                bad++;
        }
        rate[r] = n / (now_s() - t0);
    }
    if (bad) {
        fprintf(stderr, "bench_mmu: %u translations faulted or missed the expected TLB level\n",
                bad);
        exit(1);
    }
    qsort(rate, REPS, sizeof rate[0], cmp_double);
    if (host_ns)
        *host_ns = 1e9 / rate[REPS / 2];
    return rate[REPS / 2];
}

/* Random pages, or the pages in turn (so that a 10-entry micro-TLB never
 * hits and every access goes to the main TLB). */
static void make_stream(uint64_t *stream, unsigned pages, bool cyclic)
{
    for (unsigned i = 0; i < STREAM_LEN; i++) {
        uint64_t page = cyclic ? i % pages : rng() % pages;
        stream[i] = VA_BASE + page * 0x1000 + (rng() & 0xFF8);
    }
}

struct hit_row {
    const char *name, *key;
    enum setup setup;
    unsigned pages;
    enum mmu_hit want;
};

struct walk_row {
    const char *name, *key, *caches;
    enum setup setup;
    bool cold;           /* no walk or IPA cache at all */
    unsigned reads;      /* filled */
    double host_ns;
};

/* Reads of one walk: with the A53 caches, the first walk of a page (cold)
 * or the walk of its neighbour just after (warm). */
static unsigned walk_reads(enum setup setup, bool caches, bool warm)
{
    struct machine m;
    struct mmu_tlb_config cfg;
    mmu_tlb_config_default(&cfg);
    if (!caches) {
        cfg.geom[MMU_TLB_WALK].entries = 0;
        cfg.geom[MMU_TLB_IPA].entries = 0;
    }
    build(&m, setup, &cfg);
    struct mmu_req req = {.va = VA_BASE + 0x5000, .type = MMU_ACC_READ, .el = 1};
    struct mmu_result res;
    if (!mmu_translate(&m.tlb, &m.ctl, &m.bus, &req, &res))
        die("walk", NULL);
    if (warm) {
        req.va += 0x1000;
        if (!mmu_translate(&m.tlb, &m.ctl, &m.bus, &req, &res) || res.hit != MMU_HIT_WALK)
            die("warm walk", NULL);
    }
    teardown(&m);
    return res.walk_reads;
}

/* Host time per walk with no TLB structure at all: every translation walks. */
static double walk_host_ns(enum setup setup)
{
    struct machine m;
    struct mmu_tlb_config cfg;
    mmu_tlb_config_default(&cfg);
    for (unsigned l = 0; l < MMU_TLB_LEVEL_COUNT; l++)
        cfg.geom[l].entries = 0;
    build(&m, setup, &cfg);
    static uint64_t stream[STREAM_LEN];
    make_stream(stream, PAGES, false);
    double ns;
    measure(&m, stream, WALK_TRANSLATIONS, MMU_HIT_WALK, &ns);
    teardown(&m);
    return ns;
}

int main(int argc, char **argv)
{
    double access_cycles = DEFAULT_ACCESS_CYCLES;
    if (argc > 1) {
        char *end;
        access_cycles = strtod(argv[1], &end);
        if (*end || access_cycles < 0) {
            fprintf(stderr, "bench_mmu: cycles per descriptor read: '%s'; expected a "
                    "non-negative number\n", argv[1]);
            return 2;
        }
    }

    static const struct hit_row hits[] = {
        {"micro-TLB hit, stage 1", "micro_s1", S1_ONLY, 8, MMU_HIT_MICRO},
        {"main-TLB hit, stage 1", "main_s1", S1_ONLY, 256, MMU_HIT_MAIN},
        {"micro-TLB hit, stages 1+2", "micro_s12", S1_S2, 8, MMU_HIT_MICRO},
        {"main-TLB hit, stages 1+2", "main_s12", S1_S2, 256, MMU_HIT_MAIN},
        {"micro-TLB hit, stage 1 + EL2 MPU", "micro_s1_mpu", S1_MPU, 8, MMU_HIT_MICRO},
    };
    enum { NH = sizeof hits / sizeof hits[0] };
    double rate[NH];
    static uint64_t stream[STREAM_LEN];
    for (unsigned i = 0; i < NH; i++) {
        struct machine m;
        build(&m, hits[i].setup, NULL);
        make_stream(stream, hits[i].pages, hits[i].want == MMU_HIT_MAIN);
        rate[i] = measure(&m, stream, HIT_TRANSLATIONS, hits[i].want, NULL);
        teardown(&m);
    }

    struct walk_row walks[] = {
        {"stage 1, 4 levels", "s1_nocache", "none", S1_ONLY, true, 0, 0},
        {"stages 1+2, 4+4 levels", "s12_nocache", "none", S1_S2, true, 0, 0},
        {"stage 1, 4 levels", "s1_a53_cold", "A53, first", S1_ONLY, false, 0, 0},
        {"stage 1, 4 levels", "s1_a53_warm", "A53, next page", S1_ONLY, false, 0, 0},
        {"stages 1+2, 4+4 levels", "s12_a53_cold", "A53, first", S1_S2, false, 0, 0},
        {"stages 1+2, 4+4 levels", "s12_a53_warm", "A53, next page", S1_S2, false, 0, 0},
    };
    enum { NW = sizeof walks / sizeof walks[0] };
    for (unsigned i = 0; i < NW; i++)
        walks[i].reads = walk_reads(walks[i].setup, !walks[i].cold,
                                    strstr(walks[i].caches, "next") != NULL);
    walks[0].host_ns = walk_host_ns(S1_ONLY);
    walks[1].host_ns = walk_host_ns(S1_S2);

    printf("MMU translations on TLB hits, EL1 data reads, median of %d runs of %u\n", REPS,
           HIT_TRANSLATIONS);
    printf("%-34s %8s %16s %9s\n", "", "pages", "translations/s", "ns");
    for (unsigned i = 0; i < NH; i++)
        printf("%-34s %8u %16.3e %9.2f\n", hits[i].name, hits[i].pages, rate[i], 1e9 / rate[i]);
    printf("\nTable walks: descriptor reads, and cycles at %.0f per read\n", access_cycles);
    printf("%-24s %-16s %6s %12s %14s\n", "walk", "walk/IPA caches", "reads", "est. cycles",
           "host ns/walk");
    for (unsigned i = 0; i < NW; i++) {
        char ns[32] = "-";
        if (walks[i].host_ns > 0)
            snprintf(ns, sizeof ns, "%.1f", walks[i].host_ns);
        printf("%-24s %-16s %6u %12.0f %14s\n", walks[i].name, walks[i].caches, walks[i].reads,
               walks[i].reads * access_cycles, ns);
    }
    for (unsigned i = 0; i < NH; i++)
        printf("mmu_bench hit=%s pages=%u translations_per_s=%.0f\n", hits[i].key,
               hits[i].pages, rate[i]);
    for (unsigned i = 0; i < NW; i++) {
        printf("mmu_bench walk=%s reads=%u est_cycles=%.0f access_cycles=%.0f", walks[i].key,
               walks[i].reads, walks[i].reads * access_cycles, access_cycles);
        if (walks[i].host_ns > 0)
            printf(" host_ns=%.1f", walks[i].host_ns);
        printf("\n");
    }
    return 0;
}
