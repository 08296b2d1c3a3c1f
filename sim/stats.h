/* The statistics registry: every figure a run produces (region pressure,
 * map/unmap cost, speculation exposure, core counts) is a named metric here,
 * and the registry is what gets written as JSON (schema in
 * sim/STATS_SCHEMA.md) and as text.
 *
 * Names are hierarchical and dotted ("cpu0.insns",
 * "hv.map.map_domain_page.cycles"), made of [A-Za-z0-9_.-], 1 to
 * STATS_NAME_MAX characters, and share one namespace across the four kinds.
 *
 * Hot paths register once and keep the handle: a counter or gauge handle is a
 * plain pointer to the value (stable for the registry's lifetime), so an
 * update is one add or store.  Registering a name again returns the same
 * metric; registering it as another kind, or an invalid name, returns NULL
 * (a programming error that tests catch; nothing aborts).
 *
 * Metrics are kept sorted by name, so output is deterministic: two identical
 * runs write byte-identical files.
 *
 * Memory: registration returns NULL when memory runs out.  The update paths
 * (histogram add, series append) have no error channel by design; if they
 * cannot get the few kilobytes they need they print a message and abort. */
#ifndef MSASIM_SIM_STATS_H
#define MSASIM_SIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/error.h"

#define STATS_SCHEMA_NAME "msasim-stats"
#define STATS_SCHEMA_VERSION 1

#define STATS_NAME_MAX 255
/* Summary keys and meta entries are headline figures, not a database. */
#define STATS_SUMMARY_MAX 4096
#define STATS_META_MAX 1024

/* A histogram keeps its samples (exact percentiles) until it has more than
 * STATS_HIST_EXACT_MAX of them, then switches to log-linear buckets: values
 * below 2^STATS_HIST_SUB_BITS get a bucket each, every higher power-of-two
 * range is split into 2^(STATS_HIST_SUB_BITS-1) equal buckets.  A bucket is
 * at most 1/64 of its lower bound wide and a percentile reports the bucket's
 * midpoint, so its relative error is at most 1/128 (0.79%). */
#define STATS_HIST_EXACT_MAX 1024
#define STATS_HIST_SUB_BITS 7
#define STATS_HIST_BUCKETS 3776 /* 128 + 57 ranges of 64 */

/* A time series holds at most this many points; see stats_series_append. */
#define STATS_SERIES_MAX_POINTS 4096

enum stats_kind {
    STATS_COUNTER,
    STATS_GAUGE,
    STATS_HISTOGRAM,
    STATS_SERIES,
};

struct stats;
struct stats_hist;
struct stats_series;

/* One registered metric, as seen by readers (report code, writers).  Treat
 * it as read-only; update through the handles. */
struct stats_metric {
    const char *name;
    const char *desc; /* "" when none was given */
    enum stats_kind kind;
    union {
        uint64_t counter;
        double gauge;
        struct stats_hist *hist;
        struct stats_series *series;
    } v;
};

struct stats *stats_new(void);
void stats_free(struct stats *s);

/* True for a valid metric, summary or meta name. */
bool stats_name_valid(const char *name);

/* ---- registration (returns the handle, NULL on error) ------------------
 * `desc` may be NULL.  A later registration fills in a description the first
 * one left empty but never changes an existing one. */
uint64_t *stats_counter(struct stats *s, const char *name, const char *desc);
double *stats_gauge(struct stats *s, const char *name, const char *desc);
struct stats_hist *stats_histogram(struct stats *s, const char *name, const char *desc);
struct stats_series *stats_series(struct stats *s, const char *name, const char *desc);

static inline void stats_counter_add(uint64_t *counter, uint64_t n) { *counter += n; }
static inline void stats_gauge_set(double *gauge, double v) { *gauge = v; }
/* Keeps the largest value seen, for peaks. */
static inline void stats_gauge_max(double *gauge, double v)
{
    if (v > *gauge)
        *gauge = v;
}

/* ---- histograms ----------------------------------------------------- */

/* The layout is here only so that the common case of an add (room for the
 * sample, or a bucket to count it in) is inline at the call sites; the
 * other stats_hist_* functions are the interface. */
struct stats_hist {
    uint64_t count;
    uint64_t sum;
    uint64_t min; /* UINT64_MAX while empty */
    uint64_t max;
    uint64_t *samples; /* while exact: `count` samples, unsorted */
    size_t samples_cap;
    uint64_t *buckets; /* once not exact: STATS_HIST_BUCKETS counts, else NULL */
};

/* The log-linear bucket of a value.  Values below 128 map to themselves.
 * A larger value with its top bit at position b keeps its top 7 bits: it
 * falls in range s = b - 6 (bucket width 2^s), sub-bucket (v >> s) - 64
 * (with STATS_HIST_SUB_BITS 7). */
static inline size_t stats_hist_bucket_index(uint64_t v)
{
    const uint64_t linear = UINT64_C(1) << STATS_HIST_SUB_BITS; /* 128 exact buckets */
    const uint64_t per_range = linear / 2;                       /* 64 per power of two */
    if (v < linear)
        return (size_t)v;
    /* 63 ^ clz is 63 - clz for a count in 0..63, and is what BSR gives. */
    unsigned top = 63u ^ (unsigned)__builtin_clzll(v);
    unsigned shift = top - (STATS_HIST_SUB_BITS - 1);
    /* linear + (shift - 1) x per_range + (v >> shift) - per_range */
    return (size_t)(shift * per_range + (v >> shift));
}

/* The whole add, out of line: stats_hist_add calls it when the sample
 * buffer is full (it then grows, or gives way to buckets). */
void stats_hist_add_slow(struct stats_hist *h, uint64_t v);

/* The count, sum (saturating), minimum and maximum after a sample `v`. */
static inline void stats_hist_note(struct stats_hist *h, uint64_t v)
{
    h->count++;
    h->sum = h->sum > UINT64_MAX - v ? UINT64_MAX : h->sum + v;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

static inline void stats_hist_add(struct stats_hist *h, uint64_t v)
{
    if (h->buckets) {
        h->buckets[stats_hist_bucket_index(v)]++;
    } else if (h->count < h->samples_cap) {
        h->samples[h->count] = v;
    } else {
        stats_hist_add_slow(h, v);
        return;
    }
    stats_hist_note(h, v);
}
uint64_t stats_hist_count(const struct stats_hist *h);
/* Sum of the samples, saturating at UINT64_MAX. */
uint64_t stats_hist_sum(const struct stats_hist *h);
uint64_t stats_hist_min(const struct stats_hist *h); /* 0 when empty */
uint64_t stats_hist_max(const struct stats_hist *h); /* 0 when empty */
double stats_hist_mean(const struct stats_hist *h);  /* 0 when empty */
/* True while every sample is kept (percentiles are exact). */
bool stats_hist_is_exact(const struct stats_hist *h);
/* Nearest-rank percentile, p in percent [0, 100]: the smallest sample such
 * that at least p% of the samples are <= it (p = 0 gives the minimum).
 * Exact while stats_hist_is_exact(), otherwise within 1/128 relative error.
 * 0 when empty. */
uint64_t stats_hist_percentile(const struct stats_hist *h, double p);

/* A non-empty bucket: `count` samples in [lo, hi] (inclusive).  While the
 * histogram is exact, every bucket is one distinct sample value (lo == hi). */
struct stats_hist_bucket {
    uint64_t lo, hi, count;
};
/* The non-empty buckets in increasing order, malloc'ed (caller frees);
 * NULL with *n = 0 when the histogram is empty. */
struct stats_hist_bucket *stats_hist_buckets(const struct stats_hist *h, size_t *n);

/* ---- time series ------------------------------------------------------
 * A series is a step function: each appended value holds from its cycle
 * until the next point's cycle.  Points must come in time order; a point
 * older than the previous one is taken as happening at the previous one's
 * cycle.  When the series would exceed STATS_SERIES_MAX_POINTS, neighbouring
 * points are merged pairwise (deterministically), so each stored point then
 * covers `stride` appended points and keeps their min, max, last value and
 * exact time integral: the peak and the time-weighted mean survive any amount
 * of downsampling. */
struct stats_series_point {
    uint64_t cycle;      /* cycle of the first appended point it covers */
    uint64_t last_cycle; /* cycle of the last appended point it covers */
    double value;        /* last value; holds from last_cycle on */
    double min, max;     /* over the values it covers */
    double area;         /* integral of the value over [cycle, last_cycle] */
};

/* The layout is here only so that the common cases of an append (merging
 * into the last stored point, or starting a new one while the buffer has
 * room) are inline at the sampling sites; the other stats_series_*
 * functions are the interface.  The appended points are counted as
 * (n - 1) x stride + tail_fill, not kept in a counter of their own: an
 * append updates one figure fewer. */
struct stats_series {
    struct stats_series_point *pts;
    struct stats_series_point *last; /* &pts[n - 1]; NULL while empty */
    size_t n;
    size_t cap;
    uint64_t stride;    /* appended points per stored point (a power of two) */
    uint64_t tail_fill; /* appended points merged into pts[n-1] so far */
};

/* The whole append, out of line: stats_series_append calls it when the
 * buffer has no room for a new point (it then grows or is downsampled) or
 * the series is empty. */
void stats_series_append_point(struct stats_series *s, uint64_t cycle, double v);

/* The append (cycle, v) merged into the stored point `last` that it
 * follows, while that point covers fewer than `stride` appends: as merging
 * two stored points does (the new point's own area, 0.0, is added too, for
 * the same rounding). */
static inline void stats_series_merge_one(struct stats_series_point *last, uint64_t cycle,
                                          double v)
{
    last->area = last->area + last->value * (double)(cycle - last->last_cycle) + 0.0;
    last->last_cycle = cycle;
    last->value = v;
    if (v < last->min)
        last->min = v;
    if (v > last->max)
        last->max = v;
}

static inline void stats_series_append(struct stats_series *s, uint64_t cycle, double v)
{
    struct stats_series_point *last = s->last;
    if (last) {
        if (cycle < last->last_cycle)
            cycle = last->last_cycle;
        if (s->tail_fill < s->stride) {
            stats_series_merge_one(last, cycle, v);
            s->tail_fill++;
            return;
        }
        if (s->n < s->cap) {
            last[1] = (struct stats_series_point){cycle, cycle, v, v, v, 0.0};
            s->last = last + 1;
            s->n++;
            s->tail_fill = 1;
            return;
        }
    }
    stats_series_append_point(s, cycle, v);
}
size_t stats_series_len(const struct stats_series *s); /* stored points */
const struct stats_series_point *stats_series_points(const struct stats_series *s);
uint64_t stats_series_count(const struct stats_series *s);  /* appended points */
uint64_t stats_series_stride(const struct stats_series *s); /* appended per stored */
/* Largest value ever appended; NaN when empty. */
double stats_series_peak(const struct stats_series *s);
/* Integral of the step function from the first point to end_cycle (an end
 * before the last point counts as the last point's cycle). */
double stats_series_integral(const struct stats_series *s, uint64_t end_cycle);
/* Integral / (end_cycle - first cycle); the last value when that span is
 * empty; NaN when the series is empty. */
double stats_series_time_mean(const struct stats_series *s, uint64_t end_cycle);

/* ---- summary and meta (insertion order kept) ---------------------------
 * Setting an existing key updates it in place.  Return false for an invalid
 * key, a full table or no memory. */
bool stats_summary_set(struct stats *s, const char *key, double v);
bool stats_summary_get(const struct stats *s, const char *key, double *v);
size_t stats_summary_count(const struct stats *s);
const char *stats_summary_key(const struct stats *s, size_t i);
double stats_summary_value(const struct stats *s, size_t i);

bool stats_meta_set(struct stats *s, const char *key, const char *value);
const char *stats_meta_get(const struct stats *s, const char *key); /* NULL if absent */
size_t stats_meta_count(const struct stats *s);
const char *stats_meta_key(const struct stats *s, size_t i);
const char *stats_meta_value(const struct stats *s, size_t i);

/* ---- lookups and iteration (metrics sorted by name) ------------------- */
size_t stats_metric_count(const struct stats *s);
const struct stats_metric *stats_metric_at(const struct stats *s, size_t i);
const struct stats_metric *stats_find(const struct stats *s, const char *name);
/* NULL when absent or of another kind. */
const uint64_t *stats_find_counter(const struct stats *s, const char *name);
const double *stats_find_gauge(const struct stats *s, const char *name);
const struct stats_hist *stats_find_histogram(const struct stats *s, const char *name);
const struct stats_series *stats_find_series(const struct stats *s, const char *name);
const char *stats_kind_name(enum stats_kind kind); /* "counter", ... */

/* ---- output and input -------------------------------------------------- */
void stats_write_json(const struct stats *s, FILE *out);
void stats_write_text(const struct stats *s, FILE *out);
/* Whole file or nothing (sim/atomic_file.h); "-" is standard output. */
int stats_write_json_file(const struct stats *s, const char *path, struct msa_error *err);
int stats_write_text_file(const struct stats *s, const char *path, struct msa_error *err);

/* Rebuilds a registry from a stats file written by stats_write_json ("-"
 * reads standard input).  Writing the result again gives identical bytes. */
int stats_read_json(const char *path, struct stats **out, struct msa_error *err);
/* The same from memory; `name` is what error messages call the input. */
int stats_read_json_buffer(const char *text, size_t len, const char *name, struct stats **out,
                           struct msa_error *err);

#endif
