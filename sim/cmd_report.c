/* msasim report FILE [--format text|csv|json|html] [-o OUT] [--all] [--functions LIST]
 *
 * FILE is a statistics file (--stats-json of run or boot) or a sweep's CSV
 * (msasim sweep); which one is told from its first bytes. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/atomic_file.h"
#include "sim/cli.h"
#include "sim/options.h"
#include "sim/report.h"
#include "sim/stats.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON, REPORT_HTML };
static const char *const format_names[] = {"text", "csv", "json", "html", NULL};

#define REPORT_MAX_INPUT ((size_t)256 << 20)

struct report_opts {
    int format;
    const char *out;
    bool all;
    const char *functions;
};

static const struct opt_spec report_specs[] = {
    {"format", OPT_CHOICE, offsetof(struct report_opts, format), NULL,
     "text (default, for people), csv, json, or html (one self-contained page)", 0, 0,
     format_names},
    {"out", OPT_STRING, offsetof(struct report_opts, out), "FILE",
     "write to FILE instead of stdout (whole or not at all)", 0, 0, NULL, 'o'},
    {"all", OPT_FLAG, offsetof(struct report_opts, all), NULL,
     "text: list every counter, gauge, histogram and series after the report", 0, 0, NULL},
    {"functions", OPT_STRING, offsetof(struct report_opts, functions), "LIST",
     "text, html: list also the functions whose names contain one of these comma-separated "
     "words (besides those with the most cycles)", 0, 0, NULL},
    {0},
};

static void report_usage(FILE *out)
{
    fputs("usage: msasim report FILE [--format text|csv|json|html] [-o OUT] [--all]\n"
          "                     [--functions LIST]\n"
          "\n"
          "FILE is a statistics file written by --stats-json (run, boot) or the CSV of a\n"
          "sweep; FILE may be - for stdin.\n"
          "\n"
          "Statistics: the key figures, the EL2 MPU region usage per core and per owner, a\n"
          "timeline of who held each MPU slot, region pressure over time against the\n"
          "implemented count, the cost of every map/unmap operation (table and, in html,\n"
          "a histogram per operation), TLB maintenance by kind, speculation exposure (for a\n"
          "real hypervisor, each VM's memory as its own EL2 tables map it) and the CPI\n"
          "stack with cycles and calls per function, when the run measured them.  csv\n"
          "gives one figure a row (section,name,value); json the statistics file itself.\n"
          "\n"
          "Sweep CSV: the results table and the Pareto view (exposure against map/unmap\n"
          "cycles and against the region peak, across policies; map/unmap cycles against\n"
          "the region peak when exposure was not measured).  csv adds a pareto column;\n"
          "json gives the rows as objects.\n"
          "\noptions:\n",
          out);
    opt_print_help(report_specs, out);
}

static void csv_number(FILE *f, const char *section, const char *name, const char *field, double v)
{
    fprintf(f, "%s,%s%s%s,", section, name, field ? "." : "", field ? field : "");
    if (!isfinite(v))
        fputs("\n", f);
    else if (v == floor(v) && fabs(v) < 9e15)
        fprintf(f, "%" PRId64 "\n", (int64_t)v);
    else
        fprintf(f, "%.17g\n", v);
}

/* One row per scalar figure, so spreadsheets and scripts need no JSON. */
static void write_csv(const struct stats *s, FILE *f)
{
    fputs("section,name,value\n", f);
    for (size_t i = 0; i < stats_meta_count(s); i++) {
        const char *v = stats_meta_value(s, i);
        fprintf(f, "meta,%s,", stats_meta_key(s, i));
        if (strpbrk(v, ",\"\n")) {
            fputc('"', f);
            for (const char *p = v; *p; p++) {
                if (*p == '"')
                    fputc('"', f);
                fputc(*p, f);
            }
            fputc('"', f);
        } else {
            fputs(v, f);
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < stats_summary_count(s); i++)
        csv_number(f, "summary", stats_summary_key(s, i), NULL, stats_summary_value(s, i));
    for (size_t i = 0; i < stats_metric_count(s); i++) {
        const struct stats_metric *m = stats_metric_at(s, i);
        switch (m->kind) {
        case STATS_COUNTER: csv_number(f, "counter", m->name, NULL, (double)m->v.counter); break;
        case STATS_GAUGE: csv_number(f, "gauge", m->name, NULL, m->v.gauge); break;
        case STATS_HISTOGRAM:
            csv_number(f, "histogram", m->name, "count", (double)stats_hist_count(m->v.hist));
            csv_number(f, "histogram", m->name, "mean", stats_hist_mean(m->v.hist));
            csv_number(f, "histogram", m->name, "p50", (double)stats_hist_percentile(m->v.hist, 50));
            csv_number(f, "histogram", m->name, "p99", (double)stats_hist_percentile(m->v.hist, 99));
            csv_number(f, "histogram", m->name, "max", (double)stats_hist_max(m->v.hist));
            break;
        case STATS_SERIES: {
            size_t n = stats_series_len(m->v.series);
            uint64_t end = n ? stats_series_points(m->v.series)[n - 1].last_cycle : 0;
            csv_number(f, "series", m->name, "points", (double)stats_series_count(m->v.series));
            csv_number(f, "series", m->name, "peak", stats_series_peak(m->v.series));
            csv_number(f, "series", m->name, "mean", stats_series_time_mean(m->v.series, end));
            break;
        }
        }
    }
}

/* The whole input, NUL-terminated; "-" is standard input. */
static char *slurp(const char *path, size_t *len, struct msa_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        msa_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap >= REPORT_MAX_INPUT) {
            free(buf);
            buf = NULL;
            msa_error_set(err, "%s: larger than %zu MiB", path, REPORT_MAX_INPUT >> 20);
            break;
        }
        char *g = realloc(buf, 2 * cap + 1);
        if (!g)
            free(buf);
        buf = g;
        cap *= 2;
    }
    bool bad = ferror(f);
    int read_errno = errno;
    if (f != stdin)
        fclose(f);
    if (!buf) {
        if (!err->msg[0])
            msa_error_set(err, "%s: out of memory", path);
        return NULL;
    }
    if (bad) {
        free(buf);
        msa_error_set(err, "%s: cannot read: %s", path, strerror(read_errno));
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int render_stats(const char *path, const char *text, size_t len, const struct report_opts *o,
                        FILE *f, struct msa_error *err)
{
    struct stats *s;
    if (stats_read_json_buffer(text, len, path, &s, err) < 0)
        return -1;
    int rc = 0;
    struct report_options ro = {.all = o->all, .functions = o->functions};
    switch (o->format) {
    case REPORT_TEXT: rc = report_stats_text(s, path, &ro, f); break;
    case REPORT_CSV: write_csv(s, f); break;
    case REPORT_JSON: stats_write_json(s, f); break;
    case REPORT_HTML: rc = report_stats_html(s, path, &ro, f); break;
    }
    stats_free(s);
    if (rc < 0)
        msa_error_set(err, "report: out of memory");
    return rc;
}

int cmd_report(int argc, char **argv)
{
    struct report_opts o = {0};
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(report_specs, &o, argc, argv, &res, &help, "report", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        report_usage(stdout);
        return MSA_EXIT_OK;
    }
    if (res.npositional != 1) {
        cli_error(res.npositional ? "report: give exactly one FILE"
                                  : "report: missing FILE (a statistics file or a sweep CSV; see "
                                    "msasim report --help)");
        return MSA_EXIT_USAGE;
    }
    const char *path = res.positional[0];
    size_t len;
    char *text = slurp(path, &len, &err);
    if (!text) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    struct atomic_file af;
    FILE *f = atomic_open(o.out ? o.out : "-", &af, &err);
    if (!f) {
        cli_error(err.msg);
        free(text);
        return MSA_EXIT_USAGE;
    }
    int rc;
    if (report_is_sweep_csv(text, len))
        rc = report_sweep(text, len, path, format_names[o.format], f, &err);
    else
        rc = render_stats(path, text, len, &o, f, &err);
    free(text);
    if (rc < 0) {
        atomic_abort(&af);
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (atomic_commit(&af, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    return MSA_EXIT_OK;
}
