/* The registry for people: short, aligned, at most 100 columns.
 *
 *   summary                 headline figures, in the order they were set
 *   counters, gauges        grouped by prefix (everything before the last dot)
 *   histograms, series      one table row per metric
 *   meta                    tool version, command line, ...
 *
 * Each part is laid out twice: once to measure the widest name and figure,
 * once to print, so columns are as narrow as the content allows.  A name too
 * long for its column gets a line of its own, with the figures on the next
 * line, so columns never shift. */
#include "sim/atomic_file.h"
#include "sim/stats_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 100
#define NUM_MAX 20     /* widest figure: UINT64_MAX */
#define TABLE_NUM_MAX 12 /* widest figure in a table column */
#define NAME_MAX_W 60  /* a longer name goes on its own line */

struct layout {
    FILE *out;
    bool measure;
    int label_w; /* indent included */
    int value_w;
};

/* Figures: integers as integers, other values with 6 significant digits,
 * and anything wider than `max` in a shorter scientific form. */
static void fit_number(char *buf, size_t size, double v, bool is_int, uint64_t u, int max)
{
    if (is_int)
        snprintf(buf, size, "%" PRIu64, u);
    else if (isnan(v))
        snprintf(buf, size, "-");
    else if (v == floor(v) && fabs(v) < 9.0e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.6g", v);
    for (int prec = 5; (int)strlen(buf) > max && prec >= 1; prec--)
        snprintf(buf, size, "%.*g", prec, is_int ? (double)u : v);
}

static void fmt_double(char *buf, size_t size, double v, int max)
{
    fit_number(buf, size, v, false, 0, max);
}

static void fmt_u64(char *buf, size_t size, uint64_t u, int max)
{
    fit_number(buf, size, 0, true, u, max);
}

static int imax(int a, int b) { return a > b ? a : b; }

/* Prints text replacing control characters, so one value stays one line. */
static void put_clean(FILE *out, const char *s, int n)
{
    for (int i = 0; i < n && s[i]; i++)
        fputc((unsigned char)s[i] < 0x20 ? ' ' : s[i], out);
}

static void row(struct layout *l, int indent, const char *label, const char *value)
{
    int w = indent + (int)strlen(label);
    if (l->measure) {
        if (w <= NAME_MAX_W)
            l->label_w = imax(l->label_w, w);
        l->value_w = imax(l->value_w, (int)strlen(value));
        return;
    }
    if (w > l->label_w) {
        fprintf(l->out, "%*s%s\n", indent, "", label);
        label = "";
    }
    fprintf(l->out, "%*s%-*s  %*s\n", indent, "", imax(l->label_w - indent, 0), label,
            l->value_w, value);
}

static void heading(struct layout *l, const char *text, int len)
{
    if (!l->measure)
        fprintf(l->out, "%.*s\n", len, text);
}

static void write_summary(const struct stats *s, struct layout *l)
{
    if (!stats_summary_count(s))
        return;
    heading(l, "summary", 7);
    for (size_t i = 0; i < stats_summary_count(s); i++) {
        char v[64];
        fmt_double(v, sizeof v, stats_summary_value(s, i), NUM_MAX);
        row(l, 2, stats_summary_key(s, i), v);
    }
}

static size_t group_len(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? (size_t)(dot - name) : 0;
}

/* Orders by group, then by the last component, so that each group's
 * members are contiguous even when sub-groups sort between them by name. */
static int compare_grouped(const void *a, const void *b)
{
    const struct stats_metric *x = *(const struct stats_metric *const *)a;
    const struct stats_metric *y = *(const struct stats_metric *const *)b;
    size_t gx = group_len(x->name), gy = group_len(y->name);
    int c = memcmp(x->name, y->name, gx < gy ? gx : gy);
    if (c)
        return c;
    if (gx != gy)
        return gx < gy ? -1 : 1;
    return strcmp(x->name + gx, y->name + gy);
}

static const struct stats_metric **metrics_of_kind(const struct stats *s, enum stats_kind kind,
                                                   size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < stats_metric_count(s); i++)
        *n += stats_metric_at(s, i)->kind == kind;
    if (!*n)
        return NULL;
    const struct stats_metric **list = malloc(*n * sizeof *list);
    if (!list)
        stats_oom();
    size_t k = 0;
    for (size_t i = 0; i < stats_metric_count(s); i++)
        if (stats_metric_at(s, i)->kind == kind)
            list[k++] = stats_metric_at(s, i);
    return list;
}

static void write_grouped(const struct stats *s, struct layout *l, enum stats_kind kind,
                          const char *title)
{
    size_t n;
    const struct stats_metric **list = metrics_of_kind(s, kind, &n);
    if (!list)
        return;
    qsort(list, n, sizeof *list, compare_grouped);
    heading(l, title, (int)strlen(title));
    const char *group = NULL;
    size_t glen = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = list[i]->name;
        size_t len = group_len(name);
        if (!group || len != glen || memcmp(name, group, len) != 0) {
            group = name;
            glen = len;
            if (len && !l->measure)
                fprintf(l->out, "  %.*s\n", (int)len, name);
        }
        char v[64];
        if (kind == STATS_COUNTER)
            fmt_u64(v, sizeof v, list[i]->v.counter, NUM_MAX);
        else
            fmt_double(v, sizeof v, list[i]->v.gauge, NUM_MAX);
        row(l, len ? 4 : 2, len ? name + len + 1 : name, v);
    }
    free(list);
}

/* ---- tables ------------------------------------------------------------ */

#define TABLE_COLS 5

struct table {
    const char *title;
    const char *heads[TABLE_COLS];
    int ncols;
    int name_w;
    int col_w[TABLE_COLS];
};

static void table_measure(struct table *t, const char *name, char cols[][32])
{
    if ((int)strlen(name) + 2 <= NAME_MAX_W)
        t->name_w = imax(t->name_w, (int)strlen(name) + 2);
    for (int i = 0; i < t->ncols; i++)
        t->col_w[i] = imax(t->col_w[i], (int)strlen(cols[i]));
}

static void table_begin(FILE *out, struct table *t)
{
    int budget = WIDTH;
    for (int i = 0; i < t->ncols; i++) {
        t->col_w[i] = imax(t->col_w[i], (int)strlen(t->heads[i]));
        budget -= 2 + t->col_w[i];
    }
    /* Names that do not fit what the figures leave go on their own line. */
    if (t->name_w > budget)
        t->name_w = budget;
    t->name_w = imax(t->name_w, (int)strlen(t->title));
    fprintf(out, "%-*s", t->name_w, t->title);
    for (int i = 0; i < t->ncols; i++)
        fprintf(out, "  %*s", t->col_w[i], t->heads[i]);
    fputc('\n', out);
}

static void table_row(FILE *out, const struct table *t, const char *name, char cols[][32])
{
    if ((int)strlen(name) + 2 > t->name_w) {
        fprintf(out, "  %s\n", name);
        name = "";
    }
    fprintf(out, "  %-*s", t->name_w - 2, name);
    for (int i = 0; i < t->ncols; i++)
        fprintf(out, "  %*s", t->col_w[i], cols[i]);
    fputc('\n', out);
}

static void histogram_cols(const struct stats_hist *h, char cols[][32])
{
    fmt_u64(cols[0], 32, stats_hist_count(h), TABLE_NUM_MAX);
    if (!stats_hist_count(h)) {
        for (int i = 1; i < 5; i++)
            strcpy(cols[i], "-");
        return;
    }
    fmt_double(cols[1], 32, stats_hist_mean(h), TABLE_NUM_MAX);
    fmt_u64(cols[2], 32, stats_hist_percentile(h, 50), TABLE_NUM_MAX);
    fmt_u64(cols[3], 32, stats_hist_percentile(h, 99), TABLE_NUM_MAX);
    fmt_u64(cols[4], 32, stats_hist_max(h), TABLE_NUM_MAX);
}

static void series_cols(const struct stats_series *ser, char cols[][32])
{
    size_t n = stats_series_len(ser);
    const struct stats_series_point *p = stats_series_points(ser);
    double min = n ? p[0].min : NAN;
    for (size_t k = 1; k < n; k++)
        if (p[k].min < min)
            min = p[k].min;
    fmt_u64(cols[0], 32, stats_series_count(ser), TABLE_NUM_MAX);
    fmt_double(cols[1], 32, min, TABLE_NUM_MAX);
    fmt_double(cols[2], 32, n ? p[n - 1].value : NAN, TABLE_NUM_MAX);
    fmt_double(cols[3], 32, stats_series_peak(ser), TABLE_NUM_MAX);
}

static void write_table(const struct stats *s, FILE *out, enum stats_kind kind, struct table *t)
{
    size_t n;
    const struct stats_metric **list = metrics_of_kind(s, kind, &n);
    if (!list)
        return;
    char cols[TABLE_COLS][32];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            table_begin(out, t);
        for (size_t i = 0; i < n; i++) {
            if (kind == STATS_HISTOGRAM)
                histogram_cols(list[i]->v.hist, cols);
            else
                series_cols(list[i]->v.series, cols);
            if (pass == 0)
                table_measure(t, list[i]->name, cols);
            else
                table_row(out, t, list[i]->name, cols);
        }
    }
    free(list);
}

static void write_meta(const struct stats *s, FILE *out)
{
    if (!stats_meta_count(s))
        return;
    fputs("meta\n", out);
    int key_w = 0;
    for (size_t i = 0; i < stats_meta_count(s); i++)
        if ((int)strlen(stats_meta_key(s, i)) <= 30)
            key_w = imax(key_w, (int)strlen(stats_meta_key(s, i)));
    int room = WIDTH - 2 - key_w - 2;
    for (size_t i = 0; i < stats_meta_count(s); i++) {
        const char *k = stats_meta_key(s, i), *v = stats_meta_value(s, i);
        if ((int)strlen(k) > key_w) {
            fprintf(out, "  %s\n", k);
            k = "";
        }
        fprintf(out, "  %-*s  ", key_w, k);
        if ((int)strlen(v) > room) {
            put_clean(out, v, room - 3);
            fputs("...", out);
        } else {
            put_clean(out, v, room);
        }
        fputc('\n', out);
    }
}

void stats_write_text(const struct stats *s, FILE *out)
{
    /* Summary, counters and gauges share one value column. */
    struct layout l = {.out = out, .measure = true};
    for (int pass = 0; pass < 2; pass++) {
        write_summary(s, &l);
        write_grouped(s, &l, STATS_COUNTER, "counters");
        write_grouped(s, &l, STATS_GAUGE, "gauges");
        l.measure = false;
    }
    struct table hist = {"histograms", {"count", "mean", "p50", "p99", "max"}, 5, 0, {0}};
    write_table(s, out, STATS_HISTOGRAM, &hist);
    struct table series = {"series", {"points", "min", "last", "peak"}, 4, 0, {0}};
    write_table(s, out, STATS_SERIES, &series);
    write_meta(s, out);
}

int stats_write_text_file(const struct stats *s, const char *path, struct msa_error *err)
{
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, err);
    if (!f)
        return -1;
    stats_write_text(s, f);
    return atomic_commit(&af, err);
}
