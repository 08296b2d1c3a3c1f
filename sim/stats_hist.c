/* Histograms: exact while small, log-linear buckets when large.
 *
 * Most per-operation histograms (map_domain_page cycles, region counts) see
 * a few hundred samples, where an approximate p99 would be misleading, so the
 * samples themselves are kept up to STATS_HIST_EXACT_MAX.  Beyond that the
 * samples are folded into fixed log-linear buckets (the HDR histogram idea):
 * constant memory, O(1) add, bounded relative error. */
#include "sim/stats_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINEAR_LIMIT (UINT64_C(1) << STATS_HIST_SUB_BITS) /* 128 exact buckets */
#define PER_RANGE (UINT64_C(1) << (STATS_HIST_SUB_BITS - 1)) /* 64 per power of two */

_Static_assert(LINEAR_LIMIT + (64 - STATS_HIST_SUB_BITS) * PER_RANGE == STATS_HIST_BUCKETS,
               "STATS_HIST_BUCKETS must match the bucket layout");

/* The bounds of a bucket (the bucket of a value is inline in stats.h). */
uint64_t stats_hist_bucket_lo(size_t index)
{
    if (index < LINEAR_LIMIT)
        return index;
    size_t j = index - LINEAR_LIMIT;
    unsigned shift = (unsigned)(j / PER_RANGE) + 1;
    return (PER_RANGE + j % PER_RANGE) << shift;
}

uint64_t stats_hist_bucket_hi(size_t index)
{
    if (index < LINEAR_LIMIT)
        return index;
    unsigned shift = (unsigned)((index - LINEAR_LIMIT) / PER_RANGE) + 1;
    return stats_hist_bucket_lo(index) + ((UINT64_C(1) << shift) - 1);
}

void stats_hist_release(struct stats_hist *h)
{
    free(h->samples);
    free(h->buckets);
    h->samples = NULL;
    h->buckets = NULL;
}

static void switch_to_buckets(struct stats_hist *h)
{
    h->buckets = calloc(STATS_HIST_BUCKETS, sizeof *h->buckets);
    if (!h->buckets)
        stats_oom();
    for (uint64_t i = 0; i < h->count; i++)
        h->buckets[stats_hist_bucket_index(h->samples[i])]++;
    free(h->samples);
    h->samples = NULL;
    h->samples_cap = 0;
}

static void record(struct stats_hist *h, uint64_t v)
{
    if (h->buckets) {
        h->buckets[stats_hist_bucket_index(v)]++;
        return;
    }
    if (h->count == h->samples_cap) {
        size_t ncap = h->samples_cap ? h->samples_cap * 2 : 16;
        if (ncap > STATS_HIST_EXACT_MAX)
            ncap = STATS_HIST_EXACT_MAX;
        uint64_t *ns = realloc(h->samples, ncap * sizeof *ns);
        if (!ns)
            stats_oom();
        h->samples = ns;
        h->samples_cap = ncap;
    }
    h->samples[h->count] = v;
}

void stats_hist_add_slow(struct stats_hist *h, uint64_t v)
{
    if (!h->buckets && h->count == STATS_HIST_EXACT_MAX)
        switch_to_buckets(h);
    record(h, v);
    stats_hist_note(h, v);
}

uint64_t stats_hist_count(const struct stats_hist *h) { return h->count; }
uint64_t stats_hist_sum(const struct stats_hist *h) { return h->sum; }
uint64_t stats_hist_min(const struct stats_hist *h) { return h->count ? h->min : 0; }
uint64_t stats_hist_max(const struct stats_hist *h) { return h->count ? h->max : 0; }
bool stats_hist_is_exact(const struct stats_hist *h) { return h->buckets == NULL; }

double stats_hist_mean(const struct stats_hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* 1-based nearest rank ceil(p/100 * n), clamped to [1, n].  A product that
 * lands a hair above an integer only through rounding (99.9 * 1000 / 100)
 * counts as that integer, so ranks agree with integer arithmetic. */
static uint64_t nearest_rank(double p, uint64_t n)
{
    if (!(p > 0.0))
        return 1;
    if (p >= 100.0)
        return n;
    double x = p * (double)n / 100.0;
    double fl = floor(x);
    double r = x - fl <= 1e-9 * fmax(1.0, x) ? fl : fl + 1.0;
    if (r < 1.0)
        return 1;
    if (r >= (double)n)
        return n;
    return (uint64_t)r;
}

uint64_t stats_hist_percentile(const struct stats_hist *h, double p)
{
    if (!h->count)
        return 0;
    uint64_t rank = nearest_rank(p, h->count);
    if (rank == 1)
        return h->min;
    if (rank == h->count)
        return h->max;
    if (!h->buckets) {
        uint64_t sorted[STATS_HIST_EXACT_MAX];
        memcpy(sorted, h->samples, h->count * sizeof *sorted);
        qsort(sorted, h->count, sizeof *sorted, compare_u64);
        return sorted[rank - 1];
    }
    uint64_t seen = 0;
    for (size_t i = 0; i < STATS_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            uint64_t lo = stats_hist_bucket_lo(i), hi = stats_hist_bucket_hi(i);
            uint64_t mid = lo + (hi - lo) / 2;
            /* Every sample lies in [min, max]; clamping only moves closer. */
            if (mid < h->min)
                mid = h->min;
            if (mid > h->max)
                mid = h->max;
            return mid;
        }
    }
    return h->max; /* not reached while counts are consistent */
}

struct stats_hist_bucket *stats_hist_buckets(const struct stats_hist *h, size_t *n)
{
    *n = 0;
    if (!h->count)
        return NULL;
    size_t max = h->buckets ? STATS_HIST_BUCKETS : (size_t)h->count;
    struct stats_hist_bucket *out = malloc(max * sizeof *out);
    if (!out)
        stats_oom();
    size_t k = 0;
    if (h->buckets) {
        for (size_t i = 0; i < STATS_HIST_BUCKETS; i++)
            if (h->buckets[i])
                out[k++] = (struct stats_hist_bucket){stats_hist_bucket_lo(i),
                                                      stats_hist_bucket_hi(i), h->buckets[i]};
    } else {
        uint64_t sorted[STATS_HIST_EXACT_MAX];
        memcpy(sorted, h->samples, h->count * sizeof *sorted);
        qsort(sorted, h->count, sizeof *sorted, compare_u64);
        for (size_t i = 0; i < h->count; i++) {
            if (k && out[k - 1].lo == sorted[i])
                out[k - 1].count++;
            else
                out[k++] = (struct stats_hist_bucket){sorted[i], sorted[i], 1};
        }
    }
    *n = k;
    return out;
}

const char *stats_hist_load(struct stats_hist *h, bool exact, uint64_t count, uint64_t sum,
                            uint64_t min, uint64_t max, const struct stats_hist_bucket *b,
                            size_t nb, size_t *bad)
{
    *bad = SIZE_MAX;
    if (h->count)
        return "histogram already holds samples";
    if (exact && count > STATS_HIST_EXACT_MAX)
        return "an exact histogram holds at most 1024 samples";
    if (count && min > max)
        return "min is larger than max";
    uint64_t total = 0;
    for (size_t i = 0; i < nb; i++) {
        *bad = i;
        if (b[i].count == 0)
            return "a bucket has a zero count";
        if (i && b[i].lo <= b[i - 1].hi)
            return "buckets are not in increasing order";
        /* A sample value lies within [min, max]; a log-linear bucket may
         * stick out of it but must overlap it. */
        if (exact ? b[i].lo < min || b[i].hi > max : b[i].hi < min || b[i].lo > max)
            return exact ? "a sample lies outside [min, max]" : "a bucket lies outside [min, max]";
        if (exact) {
            if (b[i].lo != b[i].hi)
                return "a bucket of an exact histogram must have lo == hi";
        } else {
            size_t idx = stats_hist_bucket_index(b[i].lo);
            if (stats_hist_bucket_lo(idx) != b[i].lo || stats_hist_bucket_hi(idx) != b[i].hi)
                return "a bucket's bounds are not those of a log-linear bucket";
        }
        if (b[i].count > count - total)
            return "bucket counts add up to more than count";
        total += b[i].count;
    }
    *bad = SIZE_MAX;
    if (total != count)
        return "bucket counts do not add up to count";
    if (count && (nb == 0 || b[0].lo > min || b[nb - 1].hi < max))
        return "min or max lies in no bucket";

    if (exact) {
        h->samples = count ? malloc(count * sizeof *h->samples) : NULL;
        if (count && !h->samples)
            return "out of memory";
        h->samples_cap = count;
        uint64_t k = 0;
        for (size_t i = 0; i < nb; i++)
            for (uint64_t j = 0; j < b[i].count; j++)
                h->samples[k++] = b[i].lo;
    } else {
        h->buckets = calloc(STATS_HIST_BUCKETS, sizeof *h->buckets);
        if (!h->buckets)
            return "out of memory";
        for (size_t i = 0; i < nb; i++)
            h->buckets[stats_hist_bucket_index(b[i].lo)] = b[i].count;
    }
    h->count = count;
    h->sum = sum;
    h->min = count ? min : UINT64_MAX;
    h->max = count ? max : 0;
    return NULL;
}
