/* Representation shared by the sim/stats*.c files and nobody else: the
 * histogram and series layouts, bucket arithmetic, and the loaders the JSON
 * reader uses to rebuild a metric from a file. */
#ifndef MSASIM_SIM_STATS_INTERNAL_H
#define MSASIM_SIM_STATS_INTERNAL_H

#include "sim/stats.h"

struct stats_hist {
    uint64_t count;
    uint64_t sum;
    uint64_t min; /* UINT64_MAX while empty */
    uint64_t max;
    uint64_t *samples; /* while exact: `count` samples, unsorted */
    size_t samples_cap;
    uint64_t *buckets; /* once not exact: STATS_HIST_BUCKETS counts, else NULL */
};

struct stats_series {
    struct stats_series_point *pts;
    size_t n;
    size_t cap;
    uint64_t stride;    /* appended points per stored point (a power of two) */
    uint64_t count;     /* appended points */
    uint64_t tail_fill; /* appended points merged into pts[n-1] so far */
};

/* Prints a message and aborts; for update paths that cannot report errors. */
void stats_oom(void) __attribute__((noreturn));

/* Log-linear bucket arithmetic (see STATS_HIST_SUB_BITS in stats.h). */
size_t stats_hist_bucket_index(uint64_t v);
uint64_t stats_hist_bucket_lo(size_t index);
uint64_t stats_hist_bucket_hi(size_t index);

void stats_hist_release(struct stats_hist *h);
void stats_series_release(struct stats_series *s);

/* Rebuild an empty metric from its written form.  Return NULL on success,
 * otherwise what is wrong; *bad is then the index of the offending bucket or
 * point, or SIZE_MAX when the problem is with the metric as a whole. */
const char *stats_hist_load(struct stats_hist *h, bool exact, uint64_t count, uint64_t sum,
                            uint64_t min, uint64_t max, const struct stats_hist_bucket *b,
                            size_t nb, size_t *bad);
const char *stats_series_load(struct stats_series *s, uint64_t count, uint64_t stride,
                              const struct stats_series_point *pts, size_t n, size_t *bad);

#endif
