/* Reports of a sweep's CSV: the view (facets, policies, Pareto fronts) and
 * its text, CSV and JSON forms; the HTML form is in report_sweep_html.c. */
#include "sim/report_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_writer.h"
#include "sim/report.h"
#include "sim/report_format.h"

/* ---- the view ------------------------------------------------------------------ */

static bool column_is_numeric(const struct sweep_table *t, size_t col)
{
    for (size_t r = 0; r < t->nrows; r++) {
        double d;
        if (!sweep_number(t, r, (long)col, &d))
            return false;
    }
    return true;
}

static size_t intern(const char ***names, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], s) == 0)
            return i;
    (*names)[*n] = s;
    return (*n)++;
}

static bool column_has_numbers(const struct sweep_table *t, long col)
{
    for (size_t r = 0; col >= 0 && r < t->nrows; r++) {
        double d;
        if (sweep_number(t, r, col, &d))
            return true;
    }
    return false;
}

bool sweep_view_eligible(const struct sweep_view *v, size_t row)
{
    double failures;
    return sweep_row_ok(v->t, row) &&
           !(sweep_number(v->t, row, sweep_col(v->t, "region_failures"), &failures) && failures > 0);
}

void sweep_view_config(const struct sweep_view *v, size_t row, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < v->t->nparams && n < len; c++) {
        if ((long)c == v->facet_col)
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", n ? " " : "", v->t->cols[c],
                              sweep_cell(v->t, row, c));
    }
}

static int policies(struct sweep_view *v)
{
    const struct sweep_table *t = v->t;
    /* Policy columns: parameters whose values are words; all of them when
     * every parameter is a number. */
    for (int pass = 0; pass < 2 && !v->npolicy_cols; pass++)
        for (size_t c = 0; c < t->nparams && v->npolicy_cols < 32; c++)
            if ((long)c != v->facet_col && (pass == 1 || !column_is_numeric(t, c)))
                v->policy_cols[v->npolicy_cols++] = c;
    v->policy_names = calloc(t->nrows ? t->nrows : 1, sizeof *v->policy_names);
    v->policy_of = calloc(t->nrows ? t->nrows : 1, sizeof *v->policy_of);
    if (!v->policy_names || !v->policy_of)
        return -1;
    for (size_t r = 0; r < t->nrows; r++) {
        char label[512];
        size_t n = 0;
        label[0] = '\0';
        for (size_t k = 0; k < v->npolicy_cols && n < sizeof label; k++) {
            size_t c = v->policy_cols[k];
            if (v->npolicy_cols == 1)
                n += (size_t)snprintf(label + n, sizeof label - n, "%s", sweep_cell(t, r, c));
            else
                n += (size_t)snprintf(label + n, sizeof label - n, "%s%s=%s", n ? " " : "",
                                      t->cols[c], sweep_cell(t, r, c));
        }
        size_t i = 0;
        while (i < v->npolicies && strcmp(v->policy_names[i], label) != 0)
            i++;
        if (i == v->npolicies && !(v->policy_names[v->npolicies++] = strdup(label)))
            return -1;
        v->policy_of[r] = i;
    }
    return 0;
}

static int fronts(struct sweep_view *v)
{
    const struct sweep_table *t = v->t;
    size_t n = t->nrows ? t->nrows : 1;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    bool *use = malloc(n * sizeof *use), *front = malloc(n * sizeof *front);
    int rc = x && y && use && front ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < v->ncharts; k++) {
        v->front[k] = calloc(n, sizeof *v->front[k]);
        if (!v->front[k]) {
            rc = -1;
            break;
        }
        for (size_t fct = 0; rc == 0 && fct < v->nfacets; fct++) {
            for (size_t r = 0; r < t->nrows; r++) {
                use[r] = v->facet_of[r] == fct && sweep_view_eligible(v, r) &&
                         sweep_number(t, r, v->charts[k].xcol, &x[r]) &&
                         sweep_number(t, r, v->charts[k].ycol, &y[r]);
                if (!use[r])
                    x[r] = y[r] = NAN;
            }
            rc = sweep_pareto(x, y, use, t->nrows, front);
            for (size_t r = 0; rc == 0 && r < t->nrows; r++)
                if (use[r])
                    v->front[k][r] = front[r];
        }
    }
    free(x);
    free(y);
    free(use);
    free(front);
    return rc;
}

int sweep_view_build(const struct sweep_table *t, struct sweep_view *v)
{
    memset(v, 0, sizeof *v);
    v->t = t;
    v->facet_col = -1;
    for (size_t c = 0; c < t->nparams; c++)
        if (strcmp(t->cols[c], "platform") == 0)
            v->facet_col = (long)c;
    size_t n = t->nrows ? t->nrows : 1;
    v->facet_names = calloc(n, sizeof *v->facet_names);
    v->facet_of = calloc(n, sizeof *v->facet_of);
    if (!v->facet_names || !v->facet_of) {
        sweep_view_free(v);
        return -1;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        v->facet_of[r] = intern(&v->facet_names, &v->nfacets,
                                v->facet_col < 0 ? "" : sweep_cell(t, r, (size_t)v->facet_col));
        if (!sweep_row_ok(t, r))
            v->nfailed++;
        else if (!sweep_view_eligible(v, r))
            v->nexhausted++;
    }
    if (!t->nrows)
        v->nfacets = 0;
    long map = sweep_col(t, "map_cycles"), peak = sweep_col(t, "regions_peak");
    long exp = sweep_col(t, "exposure_byte_cycles");
    v->have_exposure = column_has_numbers(t, exp);
    if (v->have_exposure) {
        v->charts[v->ncharts++] = (struct sweep_chart_axes){map, exp, "map/unmap cycles",
                                                            "exposure (byte-cycles)"};
        v->charts[v->ncharts++] = (struct sweep_chart_axes){peak, exp, "EL2 MPU regions at the peak",
                                                            "exposure (byte-cycles)"};
    } else {
        v->charts[v->ncharts++] = (struct sweep_chart_axes){peak, map, "EL2 MPU regions at the peak",
                                                            "map/unmap cycles"};
    }
    if (policies(v) < 0 || fronts(v) < 0) {
        sweep_view_free(v);
        return -1;
    }
    return 0;
}

void sweep_view_free(struct sweep_view *v)
{
    for (size_t i = 0; v->policy_names && i < v->npolicies; i++)
        free(v->policy_names[i]);
    free(v->policy_names);
    free(v->policy_of);
    free(v->facet_names);
    free(v->facet_of);
    for (size_t k = 0; k < SWEEP_VIEW_MAX_CHARTS; k++)
        free(v->front[k]);
    memset(v, 0, sizeof *v);
}

/* ---- text ---------------------------------------------------------------------- */

static void param_summary(const struct sweep_table *t, FILE *f)
{
    for (size_t c = 0; c < t->nparams; c++) {
        char line[4096];
        int n = snprintf(line, sizeof line, "  %-16s", t->cols[c]);
        const char *seen[64];
        size_t nseen = 0;
        for (size_t r = 0; r < t->nrows && nseen < 64; r++) {
            const char *val = sweep_cell(t, r, c);
            size_t k = 0;
            while (k < nseen && strcmp(seen[k], val) != 0)
                k++;
            if (k < nseen)
                continue;
            seen[nseen++] = val;
            if (n < (int)sizeof line)
                n += snprintf(line + n, sizeof line - (size_t)n, "%s%s", nseen > 1 ? ", " : " ",
                              val);
        }
        if (n > REPORT_TEXT_WIDTH)
            snprintf(line + REPORT_TEXT_WIDTH - 3, 4, "...");
        fprintf(f, "%s\n", line);
    }
}

/* Text cells are cut to fit; the full values are in the CSV. */
static void cell(FILE *f, const char *s, int width, bool right)
{
    int len = (int)strlen(s);
    if (len > width)
        fprintf(f, " %.*s~", width - 1, s);
    else
        fprintf(f, right ? " %*s" : " %-*s", width, s);
}

static void text_report(const struct sweep_view *v, const char *source, FILE *f)
{
    const struct sweep_table *t = v->t;
    char b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    fprintf(f, "msasim sweep report: %.70s\n", source);
    fprintf(f, "%zu points, %zu failed", t->nrows, v->nfailed);
    if (v->nexhausted)
        fprintf(f, ", %zu ran out of regions (not on the Pareto front)", v->nexhausted);
    fputs("\n\nParameters\n", f);
    param_summary(t, f);
    const struct sweep_chart_axes *a = &v->charts[0];
    fprintf(f, "\nPareto view: %s against %s (both lower is better)\n", a->ylabel, a->xlabel);
    if (!v->have_exposure)
        fputs("  exposure was not measured in this sweep: map/unmap cycles are shown against the\n"
              "  region peak instead\n",
              f);
    for (size_t fct = 0; fct < v->nfacets; fct++) {
        if (v->facet_col >= 0)
            fprintf(f, "  platform %.80s\n", v->facet_names[fct]);
        for (size_t r = 0; r < t->nrows; r++) {
            if (v->facet_of[r] != fct || !v->front[0][r])
                continue;
            double x = NAN, y = NAN;
            sweep_number(t, r, a->xcol, &x);
            sweep_number(t, r, a->ycol, &y);
            char cfg[512];
            sweep_view_config(v, r, cfg, sizeof cfg);
            fprintf(f, "    %-54.54s %14s %14s\n", cfg, report_num(x, b1, sizeof b1),
                    report_num(y, b2, sizeof b2));
        }
    }
    /* The results: parameters, status and the figures of the view. */
    fputs("\nResults\n ", f);
    long figs[4] = {sweep_col(t, "regions_peak"), sweep_col(t, "map_cycles"),
                    sweep_col(t, "region_failures"), sweep_col(t, "exposure_byte_cycles")};
    int pw = t->nparams ? (int)((REPORT_TEXT_WIDTH - 2 - 7 - 4 * 14) / t->nparams) - 1 : 0;
    if (pw < 6)
        pw = 6;
    for (size_t c = 0; c < t->nparams; c++)
        cell(f, t->cols[c], pw, false);
    fprintf(f, " %6s", "status");
    for (int k = 0; k < 4; k++)
        if (figs[k] >= 0)
            cell(f, t->cols[figs[k]], 13, true);
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++) {
        fputc(' ', f);
        for (size_t c = 0; c < t->nparams; c++)
            cell(f, sweep_cell(t, r, c), pw, false);
        fprintf(f, " %6.6s", sweep_cell(t, r, t->status_col));
        for (int k = 0; k < 4; k++) {
            double d;
            if (figs[k] >= 0)
                cell(f, sweep_number(t, r, figs[k], &d) ? report_num(d, b1, sizeof b1) : "-", 13,
                     true);
        }
        fputc('\n', f);
    }
    if (v->nfailed) {
        fputs("\nFailed points\n", f);
        for (size_t r = 0; r < t->nrows; r++) {
            if (sweep_row_ok(t, r))
                continue;
            char cfg[512];
            sweep_view_config(v, r, cfg, sizeof cfg);
            fprintf(f, "  %.96s\n    status %.10s: %.82s\n", cfg, sweep_cell(t, r, t->status_col),
                    sweep_cell(t, r, t->error_col));
        }
    }
}

/* ---- CSV and JSON ---------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_report(const struct sweep_view *v, FILE *f)
{
    const struct sweep_table *t = v->t;
    for (size_t c = 0; c < t->ncols; c++) {
        csv_field(f, t->cols[c]);
        fputc(',', f);
    }
    fputs("pareto\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            csv_field(f, sweep_cell(t, r, c));
            fputc(',', f);
        }
        fputs(v->front[0][r] ? "1\n" : "0\n", f);
    }
}

static void json_report(const struct sweep_view *v, FILE *f)
{
    const struct sweep_table *t = v->t;
    struct json_writer w;
    json_init(&w, f, true);
    json_begin_object(&w);
    json_kv_string(&w, "schema", "msasim-sweep-report");
    json_kv_uint(&w, "schema_version", 1);
    json_key(&w, "parameters");
    json_begin_array(&w);
    for (size_t c = 0; c < t->nparams; c++)
        json_string(&w, t->cols[c]);
    json_end_array(&w);
    json_key(&w, "pareto_axes");
    json_begin_array(&w);
    for (size_t k = 0; k < v->ncharts; k++) {
        json_begin_object(&w);
        json_kv_string(&w, "x", v->charts[k].xcol >= 0 ? t->cols[v->charts[k].xcol] : "");
        json_kv_string(&w, "y", v->charts[k].ycol >= 0 ? t->cols[v->charts[k].ycol] : "");
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "rows");
    json_begin_array(&w);
    for (size_t r = 0; r < t->nrows; r++) {
        json_begin_object(&w);
        for (size_t c = 0; c < t->ncols; c++) {
            double d;
            json_key(&w, t->cols[c]);
            const char *s = sweep_cell(t, r, c);
            if (c < t->nparams || c == t->error_col)
                json_string(&w, s);
            else if (sweep_number(t, r, (long)c, &d))
                json_double(&w, d);
            else if (*s)
                json_string(&w, s);
            else
                json_null(&w);
        }
        json_key(&w, "pareto");
        json_begin_array(&w);
        for (size_t k = 0; k < v->ncharts; k++)
            json_bool(&w, v->front[k][r]);
        json_end_array(&w);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_finish(&w);
}

/* ---- entry points --------------------------------------------------------------- */

bool report_is_sweep_csv(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    if (i < len && text[i] == '{')
        return false;
    return sweep_table_detect(text, len);
}

int report_sweep(const char *text, size_t len, const char *name, const char *format, FILE *f,
                 struct msa_error *err)
{
    struct sweep_table t;
    if (sweep_table_parse(text, len, name, &t, err) < 0)
        return -1;
    struct sweep_view v;
    if (sweep_view_build(&t, &v) < 0) {
        sweep_table_free(&t);
        return msa_error_set(err, "report: out of memory");
    }
    if (strcmp(format, "html") == 0)
        report_sweep_html(&v, name, f);
    else if (strcmp(format, "csv") == 0)
        csv_report(&v, f);
    else if (strcmp(format, "json") == 0)
        json_report(&v, f);
    else
        text_report(&v, name, f);
    sweep_view_free(&v);
    sweep_table_free(&t);
    return 0;
}
