/* Representation shared by the sim/stats*.c files and nobody else: the
 * histogram and series layouts, bucket arithmetic, and the loaders the JSON
 * reader uses to rebuild a metric from a file. */
#ifndef MSASIM_SIM_STATS_INTERNAL_H
#define MSASIM_SIM_STATS_INTERNAL_H

#include "sim/stats.h"

/* struct stats_hist and struct stats_series are in stats.h, for the inline
 * update paths. */

/* Prints a message and aborts; for update paths that cannot report errors. */
void stats_oom(void) __attribute__((noreturn));

/* Log-linear bucket arithmetic (see STATS_HIST_SUB_BITS in stats.h; the
 * index of a value, stats_hist_bucket_index, is inline there). */
uint64_t stats_hist_bucket_lo(size_t index);
uint64_t stats_hist_bucket_hi(size_t index);

/* Replaces a registered metric's description with a copy of `desc`; false
 * when out of memory (the old one stays). */
bool stats_metric_set_desc(struct stats_metric *m, const char *desc);

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
