/* MPU lookups per second with 1, 16, 32 and 255 enabled regions.
 *
 * Regions are non-overlapping and spread over memory.  The realistic stream
 * stays in its current region 90% of the time and jumps to a random region
 * 10% of the time; the worst-case stream jumps to a random region on every
 * access, so that nobody mistakes the hit cache for the search.  Each figure
 * is the median of 5 timed repetitions.  Lines starting with "mpu_bench"
 * are for machines. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mpu/mpu.h"

#define STREAM_LEN (1u << 14)          /* addresses replayed in a loop */
#define LOOKUPS_PER_REP (10u * 1000u * 1000u)
#define REPS 5
#define REGION_STRIDE 0x01000000ull    /* 16 MiB between region bases */
#define REGION_SIZE 0x00040000ull      /* 256 KiB per region */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    /* xorshift64*: reproducible streams without libc rand() */
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

static void setup(struct mpu_pair *pair, unsigned nregions)
{
    struct msa_error err;
    if (mpu_pair_init(pair, 16, 255, NULL, &err) < 0) {
        fprintf(stderr, "bench_mpu: %s\n", err.msg);
        exit(1);
    }
    for (unsigned i = 0; i < nregions; i++) {
        uint64_t base = 0x100000ull + (uint64_t)i * REGION_STRIDE;
        mpu_sysreg_write(pair, MPU_SYSREG_ENC(3, 4, 6, 2, 1), i);
        mpu_sysreg_write(pair, MPU_SYSREG_ENC(3, 4, 6, 8, 0),
                         mpu_prbar(base, MPU_SH_INNER, MPU_AP_RW_PRIV, 2));
        mpu_sysreg_write(pair, MPU_SYSREG_ENC(3, 4, 6, 8, 1),
                         mpu_prlar(base + REGION_SIZE - 1, 7, true));
    }
    mpu_pair_context_sync(pair, 0);
}

static uint64_t addr_in(unsigned region)
{
    return 0x100000ull + (uint64_t)region * REGION_STRIDE + (rng() % REGION_SIZE & ~7ull);
}

/* jump_pct: chance in percent that the next access goes to a random region */
static void make_stream(uint64_t *stream, unsigned nregions, unsigned jump_pct)
{
    unsigned cur = 0;
    for (unsigned i = 0; i < STREAM_LEN; i++) {
        if (rng() % 100 < jump_pct)
            cur = (unsigned)(rng() % nregions);
        stream[i] = addr_in(cur);
    }
}

/* Lookups per second over one pass of LOOKUPS_PER_REP lookups. */
static double measure_once(struct mpu_pair *pair, const uint64_t *stream)
{
    struct mpu_ctl ctl;
    mpu_ctl_from_regs(&ctl, 0, 1, 0, 0, 0, 0xFF000004EEAA4400ull);
    struct mpu_req req = {.type = MPU_ACC_READ, .el = 2};
    struct mpu_result res;
    unsigned faults = 0;
    double t0 = now_s();
    for (unsigned i = 0; i < LOOKUPS_PER_REP; i++) {
        req.addr = stream[i & (STREAM_LEN - 1)];
        if (!mpu_lookup(pair, &ctl, &req, &res))
            faults++;
    }
    double rate = LOOKUPS_PER_REP / (now_s() - t0);
    if (faults) {
        fprintf(stderr, "bench_mpu: %u unexpected faults\n", faults);
        exit(1);
    }
    return rate;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof v[0], cmp_double);
    return v[n / 2];
}

int main(void)
{
    static const unsigned counts[] = {1, 16, 32, 255};
    enum { N = sizeof counts / sizeof counts[0] };
    static struct mpu_pair pair[N];
    static uint64_t local_stream[N][STREAM_LEN], random_stream[N][STREAM_LEN];
    double local[N][REPS], worst[N][REPS], local_med[N], worst_med[N];

    for (unsigned i = 0; i < N; i++) {
        setup(&pair[i], counts[i]);
        make_stream(local_stream[i], counts[i], 10);
        make_stream(random_stream[i], counts[i], 100);
    }
    /* Interleaved, so that a burst of load from other processes on a shared
     * machine spreads over all configurations instead of skewing one. */
    for (unsigned r = 0; r < REPS; r++)
        for (unsigned i = 0; i < N; i++) {
            local[i][r] = measure_once(&pair[i], local_stream[i]);
            worst[i][r] = measure_once(&pair[i], random_stream[i]);
        }
    for (unsigned i = 0; i < N; i++) {
        local_med[i] = median(local[i], REPS);
        worst_med[i] = median(worst[i], REPS);
    }

    printf("MPU lookups, EL2 data reads, median of %d runs of %u lookups\n", REPS,
           LOOKUPS_PER_REP);
    printf("streams: 90%% in the current region / 10%% jump to a random one; "
           "every access to a random region\n\n");
    printf("%-8s  %-32s   %-32s\n", "", "90% local", "all random (worst case)");
    printf("%-8s  %12s %9s %9s   %12s %9s %9s\n", "regions", "lookups/s", "ns", "time x1",
           "lookups/s", "ns", "time x1");
    for (unsigned i = 0; i < N; i++)
        printf("%-8u  %12.3e %9.2f %9.2f   %12.3e %9.2f %9.2f\n", counts[i], local_med[i],
               1e9 / local_med[i], local_med[0] / local_med[i], worst_med[i],
               1e9 / worst_med[i], local_med[0] / worst_med[i]);
    printf("(time x1: time per lookup relative to 1 region, 90%% local stream)\n");
    for (unsigned i = 0; i < N; i++)
        printf("mpu_bench regions=%u local_lookups_per_s=%.0f random_lookups_per_s=%.0f "
               "local_time_ratio=%.3f random_time_ratio=%.3f\n",
               counts[i], local_med[i], worst_med[i], local_med[0] / local_med[i],
               local_med[0] / worst_med[i]);
    return 0;
}
