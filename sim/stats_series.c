/* Time series with bounded memory.
 *
 * Points are appended in time order.  When the buffer is full, neighbouring
 * pairs are merged and the stride (appended points per stored point)
 * doubles; later points then fill each stored point up to the new stride
 * before a new one starts, so resolution stays uniform over the whole run
 * and the result depends only on the sequence of appends.
 *
 * A merged point keeps min, max and the last value, and the exact integral
 * of the step function over the span it covers, so the peak and the
 * time-weighted mean are the same as without downsampling. */
#include "sim/stats_internal.h"

#include <math.h>
#include <stdlib.h>

void stats_series_release(struct stats_series *s)
{
    free(s->pts);
    s->pts = s->last = NULL;
    s->n = s->cap = 0;
}

/* b directly follows a; a's last value holds until b starts. */
static struct stats_series_point merge(struct stats_series_point a, struct stats_series_point b)
{
    struct stats_series_point m = a;
    m.area = a.area + a.value * (double)(b.cycle - a.last_cycle) + b.area;
    m.last_cycle = b.last_cycle;
    m.value = b.value;
    if (b.min < m.min)
        m.min = b.min;
    if (b.max > m.max)
        m.max = b.max;
    return m;
}

static void downsample(struct stats_series *s)
{
    size_t half = s->n / 2;
    for (size_t i = 0; i < half; i++)
        s->pts[i] = merge(s->pts[2 * i], s->pts[2 * i + 1]);
    if (s->n % 2) /* not reached: the buffer is full and its size is even */
        s->pts[half++] = s->pts[s->n - 1];
    s->n = half;
    s->last = &s->pts[half - 1];
    s->stride *= 2;
}

void stats_series_append_point(struct stats_series *s, uint64_t cycle, double v)
{
    if (s->n) {
        struct stats_series_point *last = &s->pts[s->n - 1];
        if (cycle < last->last_cycle)
            cycle = last->last_cycle;
        if (s->tail_fill < s->stride) {
            stats_series_merge_one(last, cycle, v);
            s->tail_fill++;
            return;
        }
    }
    if (s->n == STATS_SERIES_MAX_POINTS)
        downsample(s);
    if (s->n == s->cap) {
        /* Most series (a slot's holders) stay short: a small first block
         * keeps the pages a run touches for them few. */
        size_t ncap = s->cap ? s->cap * 2 : 8;
        if (ncap > STATS_SERIES_MAX_POINTS)
            ncap = STATS_SERIES_MAX_POINTS;
        struct stats_series_point *np = realloc(s->pts, ncap * sizeof *np);
        if (!np)
            stats_oom();
        s->pts = np;
        s->cap = ncap;
    }
    s->last = &s->pts[s->n];
    s->pts[s->n++] = (struct stats_series_point){cycle, cycle, v, v, v, 0.0};
    s->tail_fill = 1;
}

size_t stats_series_len(const struct stats_series *s) { return s->n; }

const struct stats_series_point *stats_series_points(const struct stats_series *s)
{
    return s->pts;
}

uint64_t stats_series_count(const struct stats_series *s)
{
    return s->n ? (uint64_t)(s->n - 1) * s->stride + s->tail_fill : 0;
}
uint64_t stats_series_stride(const struct stats_series *s) { return s->stride; }

double stats_series_peak(const struct stats_series *s)
{
    if (!s->n)
        return NAN;
    double peak = s->pts[0].max;
    for (size_t i = 1; i < s->n; i++)
        if (s->pts[i].max > peak)
            peak = s->pts[i].max;
    return peak;
}

double stats_series_integral(const struct stats_series *s, uint64_t end_cycle)
{
    double total = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        const struct stats_series_point *p = &s->pts[i];
        uint64_t until = i + 1 < s->n ? s->pts[i + 1].cycle : end_cycle;
        if (until < p->last_cycle)
            until = p->last_cycle;
        total += p->area + p->value * (double)(until - p->last_cycle);
    }
    return total;
}

double stats_series_time_mean(const struct stats_series *s, uint64_t end_cycle)
{
    if (!s->n)
        return NAN;
    uint64_t start = s->pts[0].cycle;
    uint64_t end = end_cycle;
    if (end < s->pts[s->n - 1].last_cycle)
        end = s->pts[s->n - 1].last_cycle;
    if (end == start)
        return s->pts[s->n - 1].value;
    return stats_series_integral(s, end) / (double)(end - start);
}

const char *stats_series_load(struct stats_series *s, uint64_t count, uint64_t stride,
                              const struct stats_series_point *pts, size_t n, size_t *bad)
{
    *bad = SIZE_MAX;
    if (s->n)
        return "series already holds points";
    if (stride == 0 || (stride & (stride - 1)))
        return "stride must be a power of two";
    if (n > STATS_SERIES_MAX_POINTS)
        return "a series holds at most 4096 points";
    if ((n == 0) != (count == 0))
        return "count and the number of points disagree";
    if (n) {
        /* All points but the last are full; the last holds 1..stride. */
        if (stride > UINT64_MAX / n)
            return "stride is too large for the number of points";
        uint64_t full = (uint64_t)(n - 1) * stride;
        if (count <= full || count - full > stride)
            return "count does not match the number of points and the stride";
    }
    for (size_t i = 0; i < n; i++) {
        *bad = i;
        if (pts[i].last_cycle < pts[i].cycle)
            return "a point ends before it starts";
        if (i && pts[i].cycle < pts[i - 1].last_cycle)
            return "points are not in time order";
        if (stride == 1 && pts[i].last_cycle != pts[i].cycle)
            return "a point of an unmerged series covers more than one cycle";
        if (pts[i].min > pts[i].max)
            return "a point's min is larger than its max";
    }
    *bad = SIZE_MAX;
    if (n) {
        s->pts = malloc(n * sizeof *s->pts);
        if (!s->pts)
            return "out of memory";
        for (size_t i = 0; i < n; i++)
            s->pts[i] = pts[i];
    }
    s->n = s->cap = n;
    s->last = n ? &s->pts[n - 1] : NULL;
    s->stride = stride;
    s->tail_fill = n ? count - (uint64_t)(n - 1) * stride : 0;
    return NULL;
}
