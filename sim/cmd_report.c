/* msasim report STATS.json [--format text|csv|json] [-o FILE] */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/atomic_file.h"
#include "sim/cli.h"
#include "sim/options.h"
#include "sim/stats.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON };
static const char *const format_names[] = {"text", "csv", "json", NULL};

struct report_opts {
    int format;
    const char *out;
};

static const struct opt_spec report_specs[] = {
    {"format", OPT_CHOICE, offsetof(struct report_opts, format), NULL,
     "text (default, for people), csv (one figure a row) or json (the schema of run)", 0, 0, format_names},
    {"out", OPT_STRING, offsetof(struct report_opts, out), "FILE",
     "write to FILE instead of stdout (whole or not at all)", 0, 0, NULL, 'o'},
    {0},
};

static void report_usage(FILE *out)
{
    fputs("usage: msasim report STATS.json [--format text|csv|json] [-o FILE]\n"
          "\n"
          "Renders a statistics file written by --stats-json: the summary, then every\n"
          "counter, gauge, histogram (count, mean, p50, p99, max) and time series\n"
          "(points, peak, time-weighted mean).  STATS.json may be - for stdin.\n"
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
        cli_error(res.npositional ? "report: give exactly one STATS.json"
                                  : "report: missing STATS.json (see msasim report --help)");
        return MSA_EXIT_USAGE;
    }
    struct stats *s;
    if (stats_read_json(res.positional[0], &s, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    struct atomic_file af;
    FILE *f = atomic_open(o.out ? o.out : "-", &af, &err);
    if (!f) {
        cli_error(err.msg);
        stats_free(s);
        return MSA_EXIT_USAGE;
    }
    switch (o.format) {
    case REPORT_TEXT: stats_write_text(s, f); break;
    case REPORT_CSV: write_csv(s, f); break;
    case REPORT_JSON: stats_write_json(s, f); break;
    }
    stats_free(s);
    if (atomic_commit(&af, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    return MSA_EXIT_OK;
}
