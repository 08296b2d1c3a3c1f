/* Writes the registry as an "msasim-stats" JSON document (sim/STATS_SCHEMA.md).
 * Metrics come out sorted by name and the summary and meta in insertion
 * order, so the bytes depend only on the registry's contents. */
#include "sim/atomic_file.h"
#include "sim/json_writer.h"
#include "sim/stats_internal.h"

#include <stdlib.h>

/* Small arrays (a bucket, a point) go on one line: a series of 4096 points
 * stays 4096 lines long instead of 16384.  json_writer emits newlines only
 * while `pretty` is set, so it is cleared between the brackets. */
static bool begin_inline_array(struct json_writer *w)
{
    bool pretty = w->pretty;
    json_begin_array(w);
    w->pretty = false;
    return pretty;
}

static void end_inline_array(struct json_writer *w, bool pretty)
{
    json_end_array(w);
    w->pretty = pretty;
}

static void write_meta(const struct stats *s, struct json_writer *w)
{
    json_key(w, "meta");
    json_begin_object(w);
    for (size_t i = 0; i < stats_meta_count(s); i++)
        json_kv_string(w, stats_meta_key(s, i), stats_meta_value(s, i));
    json_end_object(w);
}

static void write_summary(const struct stats *s, struct json_writer *w)
{
    json_key(w, "summary");
    json_begin_object(w);
    for (size_t i = 0; i < stats_summary_count(s); i++)
        json_kv_double(w, stats_summary_key(s, i), stats_summary_value(s, i));
    json_end_object(w);
}

static void write_histogram(const struct stats_hist *h, struct json_writer *w)
{
    json_begin_object(w);
    json_kv_uint(w, "count", stats_hist_count(h));
    json_kv_uint(w, "sum", stats_hist_sum(h));
    json_kv_uint(w, "min", stats_hist_min(h));
    json_kv_uint(w, "max", stats_hist_max(h));
    json_kv_double(w, "mean", stats_hist_mean(h));
    json_kv_uint(w, "p50", stats_hist_percentile(h, 50));
    json_kv_uint(w, "p99", stats_hist_percentile(h, 99));
    json_kv_bool(w, "exact", stats_hist_is_exact(h));
    json_key(w, "buckets");
    json_begin_array(w);
    size_t n;
    struct stats_hist_bucket *b = stats_hist_buckets(h, &n);
    for (size_t i = 0; i < n; i++) {
        bool pretty = begin_inline_array(w);
        json_uint(w, b[i].lo);
        json_uint(w, b[i].hi);
        json_uint(w, b[i].count);
        end_inline_array(w, pretty);
    }
    free(b);
    json_end_array(w);
    json_end_object(w);
}

static void write_series(const struct stats_series *s, struct json_writer *w)
{
    json_begin_object(w);
    json_kv_uint(w, "count", stats_series_count(s));
    json_kv_uint(w, "stride", stats_series_stride(s));
    json_kv_double(w, "peak", stats_series_peak(s));
    json_key(w, "points");
    json_begin_array(w);
    const struct stats_series_point *p = stats_series_points(s);
    bool merged = stats_series_stride(s) > 1;
    for (size_t i = 0; i < stats_series_len(s); i++) {
        bool pretty = begin_inline_array(w);
        json_uint(w, p[i].cycle);
        json_double(w, p[i].value);
        if (merged) {
            json_double(w, p[i].min);
            json_double(w, p[i].max);
            json_uint(w, p[i].last_cycle);
            json_double(w, p[i].area);
        }
        end_inline_array(w, pretty);
    }
    json_end_array(w);
    json_end_object(w);
}

static void write_kind(const struct stats *s, struct json_writer *w, enum stats_kind kind,
                       const char *section)
{
    json_key(w, section);
    json_begin_object(w);
    for (size_t i = 0; i < stats_metric_count(s); i++) {
        const struct stats_metric *m = stats_metric_at(s, i);
        if (m->kind != kind)
            continue;
        json_key(w, m->name);
        switch (kind) {
        case STATS_COUNTER: json_uint(w, m->v.counter); break;
        case STATS_GAUGE: json_double(w, m->v.gauge); break;
        case STATS_HISTOGRAM: write_histogram(m->v.hist, w); break;
        case STATS_SERIES: write_series(m->v.series, w); break;
        }
    }
    json_end_object(w);
}

static void write_descriptions(const struct stats *s, struct json_writer *w)
{
    json_key(w, "descriptions");
    json_begin_object(w);
    for (size_t i = 0; i < stats_metric_count(s); i++) {
        const struct stats_metric *m = stats_metric_at(s, i);
        if (*m->desc)
            json_kv_string(w, m->name, m->desc);
    }
    json_end_object(w);
}

void stats_write_json(const struct stats *s, FILE *out)
{
    struct json_writer w;
    json_init(&w, out, true);
    json_begin_object(&w);
    json_kv_string(&w, "schema", STATS_SCHEMA_NAME);
    json_kv_uint(&w, "schema_version", STATS_SCHEMA_VERSION);
    write_meta(s, &w);
    write_summary(s, &w);
    write_kind(s, &w, STATS_COUNTER, "counters");
    write_kind(s, &w, STATS_GAUGE, "gauges");
    write_kind(s, &w, STATS_HISTOGRAM, "histograms");
    write_kind(s, &w, STATS_SERIES, "series");
    write_descriptions(s, &w);
    json_end_object(&w);
    json_finish(&w);
}

int stats_write_json_file(const struct stats *s, const char *path, struct msa_error *err)
{
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, err);
    if (!f)
        return -1;
    stats_write_json(s, f);
    return atomic_commit(&af, err);
}
