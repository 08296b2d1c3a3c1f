/* The HTML report of a sweep: what was swept, the Pareto view (one scatter
 * chart per pair of figures and platform, the front ringed and joined), the
 * Pareto-optimal configurations, every point, and the failed ones. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report_format.h"
#include "sim/report_svg.h"
#include "sim/report_sweep.h"

struct marker {
    double x, y;
    size_t policy;
    size_t rows[64];
    size_t nrows;
    bool front;
    bool eligible;  /* false: ran out of regions, drawn as a grey cross */
};

static void range_of(double lo, double hi, bool log, double *a, double *b)
{
    if (log) {
        *a = pow(10, floor(log10(lo)));
        *b = pow(10, ceil(log10(hi)));
        if (*b <= *a)
            *b = *a * 10;
        return;
    }
    double pad = hi > lo ? (hi - lo) * 0.08 : fmax(1, fabs(lo) * 0.1);
    *a = lo - pad;
    *b = hi + pad;
    if (lo >= 0 && *a < 0)
        *a = 0;
}

static size_t gather(const struct sweep_view *v, size_t facet, size_t k, struct marker *mk)
{
    const struct sweep_table *t = v->t;
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        double x, y;
        if (v->facet_of[r] != facet || !sweep_row_ok(t, r) ||
            !sweep_number(t, r, v->charts[k].xcol, &x) || !sweep_number(t, r, v->charts[k].ycol, &y))
            continue;
        bool eligible = sweep_view_eligible(v, r);
        size_t i = 0;
        while (i < n && !(mk[i].x == x && mk[i].y == y && mk[i].policy == v->policy_of[r] &&
                          mk[i].eligible == eligible))
            i++;
        if (i == n)
            mk[n++] = (struct marker){x, y, v->policy_of[r], {0}, 0, false, eligible};
        if (mk[i].nrows < 64)
            mk[i].rows[mk[i].nrows++] = r;
        mk[i].front |= v->front[k][r];
    }
    return n;
}

/* The values of the parameters that are neither the policy nor the
 * platform (mpu-regions, say) written beside the dots on one spot, so points
 * of one policy can be told apart. */
static void point_label(const struct sweep_view *v, const struct marker *mk, size_t n, size_t at,
                        double x, double y, FILE *f)
{
    const struct sweep_table *t = v->t;
    char text[160];
    size_t len = 0;
    text[0] = '\0';
    for (size_t c = 0; c < t->nparams; c++) {
        bool policy = (long)c == v->facet_col;
        for (size_t k = 0; k < v->npolicy_cols; k++)
            policy |= v->policy_cols[k] == c;
        if (policy)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (mk[i].x != mk[at].x || mk[i].y != mk[at].y)
                continue;
            for (size_t j = 0; j < mk[i].nrows && len + 1 < sizeof text; j++) {
                const char *val = sweep_cell(t, mk[i].rows[j], c);
                char probe[64];
                snprintf(probe, sizeof probe, ",%s,", val);
                char have[sizeof text + 2];
                snprintf(have, sizeof have, ",%s,", text);
                if (strstr(have, probe))
                    continue;
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", len ? "," : "", val);
            }
        }
    }
    if (!len)
        return;
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#555\">", x, y);
    html_text(f, text);
    fputs("</text>", f);
}

static int by_x(const void *pa, const void *pb)
{
    const struct marker *a = *(const struct marker *const *)pa, *b = *(const struct marker *const *)pb;
    return a->x < b->x ? -1 : a->x > b->x ? 1 : (a->y < b->y ? -1 : a->y > b->y);
}

static void scatter(const struct sweep_view *v, size_t facet, size_t k, int width, FILE *f)
{
    const struct sweep_table *t = v->t;
    const struct sweep_chart_axes *ax = &v->charts[k];
    char id[64], title[256];
    snprintf(id, sizeof id, "pareto-%zu-%zu", facet, k);
    snprintf(title, sizeof title, "%s against %s, lower is better on both", ax->ylabel, ax->xlabel);
    if (ax->xcol < 0 || ax->ycol < 0) {
        fputs("<div class=\"missing\">The results have no ", f);
        html_text(f, ax->xcol < 0 ? ax->xlabel : ax->ylabel);
        fputs(" column.</div>\n", f);
        return;
    }
    struct marker *mk = calloc(t->nrows ? t->nrows : 1, sizeof *mk);
    if (!mk)
        return;
    size_t n = gather(v, facet, k, mk);
    if (!n) {
        fputs("<div class=\"missing\">No completed point to plot.</div>\n", f);
        free(mk);
        return;
    }
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    bool xint = true, yint = true;
    /* The axes fit the eligible points; crosses outside them are counted. */
    bool any_eligible = false;
    for (size_t i = 0; i < n; i++)
        any_eligible |= mk[i].eligible;
    for (size_t i = 0; i < n; i++) {
        if (any_eligible && !mk[i].eligible)
            continue;
        xlo = fmin(xlo, mk[i].x);
        xhi = fmax(xhi, mk[i].x);
        ylo = fmin(ylo, mk[i].y);
        yhi = fmax(yhi, mk[i].y);
        xint &= mk[i].x == floor(mk[i].x);
        yint &= mk[i].y == floor(mk[i].y);
    }
    struct svg_chart c;
    svg_begin(&c, f, id, title, width, 380);
    c.left = 72;
    c.x_integer = xint;
    c.y_integer = yint;
    c.xlog = xlo > 0 && xhi / xlo > 100;
    c.ylog = ylo > 0 && yhi / ylo > 100;
    range_of(xlo, xhi, c.xlog, &c.x0, &c.x1);
    range_of(ylo, yhi, c.ylog, &c.y0, &c.y1);
    svg_axes(&c, ax->xlabel, ax->ylabel);

    /* The front as a staircase: everything above and right of it is beaten. */
    struct marker **fr = malloc(n * sizeof *fr);
    size_t nf = 0;
    for (size_t i = 0; fr && i < n; i++)
        if (mk[i].front)
            fr[nf++] = &mk[i];
    if (nf) {
        qsort(fr, nf, sizeof *fr, by_x);
        fprintf(f, "<path class=\"front\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\" "
                   "stroke-dasharray=\"5 4\" d=\"M%.1f %.1f",
                svg_x(&c, fr[0]->x), svg_y(&c, fr[0]->y));
        for (size_t i = 1; i < nf; i++)
            fprintf(f, "H%.1fV%.1f", svg_x(&c, fr[i]->x), svg_y(&c, fr[i]->y));
        fputs("\"/>\n", f);
    }
    free(fr);

    char b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    size_t outside = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mk[i].eligible && (mk[i].x < c.x0 || mk[i].x > c.x1 || mk[i].y < c.y0 ||
                                mk[i].y > c.y1)) {
            outside++;
            continue;
        }
        /* Different policies on the same spot are spread sideways. */
        size_t same = 0, before = 0;
        for (size_t j = 0; j < n; j++)
            if (mk[j].x == mk[i].x && mk[j].y == mk[i].y) {
                same++;
                if (j < i)
                    before++;
            }
        double px = svg_x(&c, mk[i].x) + ((double)before - (double)(same - 1) / 2) * 9;
        double py = svg_y(&c, mk[i].y);
        fprintf(f, "<g class=\"point%s\">", mk[i].front ? " pareto" : "");
        if (!mk[i].eligible) {
            fprintf(f, "<path d=\"M%.1f %.1fl8 8m0 -8l-8 8\" stroke=\"#999\" stroke-width=\"2\"/>"
                       "<title>",
                    px - 4, py - 4);
            html_textf(f, "%s: %s, %s: %s (ran out of regions: not eligible)", ax->xlabel,
                       report_num(mk[i].x, b1, sizeof b1), ax->ylabel,
                       report_num(mk[i].y, b2, sizeof b2));
            for (size_t j = 0; j < mk[i].nrows; j++) {
                char cfg[512];
                sweep_view_config(v, mk[i].rows[j], cfg, sizeof cfg);
                fputs("\n", f);
                html_text(f, cfg);
            }
            fputs("</title></g>\n", f);
            continue;
        }
        if (mk[i].front)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" stroke=\"#222\" "
                       "stroke-width=\"2\"/>",
                    px, py);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5.5\" fill=\"%s\" stroke=\"#fff\" "
                   "stroke-width=\"1\"/>",
                px, py, svg_series_colour((unsigned)mk[i].policy));
        if (before + 1 == same) /* one label per spot, right of its last dot */
            point_label(v, mk, n, i, px + 10, py + 4, f);
        fputs("<title>", f);
        html_textf(f, "%s: %s, %s: %s%s", ax->xlabel, report_num(mk[i].x, b1, sizeof b1),
                   ax->ylabel, report_num(mk[i].y, b2, sizeof b2),
                   mk[i].front ? " (Pareto-optimal)" : "");
        for (size_t j = 0; j < mk[i].nrows; j++) {
            char cfg[512];
            sweep_view_config(v, mk[i].rows[j], cfg, sizeof cfg);
            fputs("\n", f);
            html_text(f, cfg);
        }
        fputs("</title></g>\n", f);
    }
    if (outside)
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" fill=\"#777\">"
                   "%zu point%s that ran out of regions lie%s outside the chart</text>\n",
                c.width - c.right, c.top + 10, outside, outside == 1 ? "" : "s",
                outside == 1 ? "s" : "");
    svg_end(&c);
    free(mk);
}

static void legend(const struct sweep_view *v, FILE *f)
{
    fputs("<p class=\"legend\">", f);
    for (size_t p = 0; p < v->npolicies; p++) {
        fprintf(f, "<span style=\"margin-right:16px;white-space:nowrap\"><span class=\"swatch\" "
                   "style=\"background:%s;border-radius:6px\"></span>",
                svg_series_colour((unsigned)p));
        html_text(f, v->policy_names[p][0] ? v->policy_names[p] : "(all points)");
        fputs("</span> ", f);
    }
    fputs("<span style=\"white-space:nowrap\"><svg width=\"22\" height=\"18\" "
          "style=\"display:inline;margin:0;vertical-align:-4px\"><circle cx=\"11\" cy=\"9\" "
          "r=\"7\" fill=\"none\" stroke=\"#222\" stroke-width=\"2\"/></svg> Pareto-optimal, "
          "joined by the dashed line</span>",
          f);
    if (v->nexhausted)
        fputs(" <span style=\"white-space:nowrap;margin-left:16px\"><svg width=\"14\" "
              "height=\"14\" style=\"display:inline;margin:0;vertical-align:-2px\"><path "
              "d=\"M3 3l8 8m0 -8l-8 8\" stroke=\"#999\" stroke-width=\"2\"/></svg> ran out of "
              "regions (some allocation failed): not eligible</span>",
              f);
    fputs("</p>\n", f);
}

static void pareto_table(const struct sweep_view *v, size_t facet, FILE *f)
{
    const struct sweep_table *t = v->t;
    const struct sweep_chart_axes *a = &v->charts[0];
    char b[REPORT_NUM_MAX];
    fprintf(f, "<table class=\"pareto-table\" id=\"pareto-table-%zu\"><thead><tr><th>"
               "Pareto-optimal configuration</th><th class=\"n\">",
            facet);
    html_text(f, a->xlabel);
    fputs("</th><th class=\"n\">", f);
    html_text(f, a->ylabel);
    fputs("</th></tr></thead><tbody>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        if (v->facet_of[r] != facet || !v->front[0][r])
            continue;
        char cfg[512];
        double x = NAN, y = NAN;
        sweep_view_config(v, r, cfg, sizeof cfg);
        sweep_number(t, r, a->xcol, &x);
        sweep_number(t, r, a->ycol, &y);
        fprintf(f, "<tr><td><span class=\"swatch\" style=\"background:%s;border-radius:6px\">"
                   "</span>",
                svg_series_colour((unsigned)v->policy_of[r]));
        html_text(f, cfg);
        fprintf(f, "</td><td class=\"n\">%s</td>", report_num(x, b, sizeof b));
        fprintf(f, "<td class=\"n\">%s</td></tr>\n", report_num(y, b, sizeof b));
    }
    fputs("</tbody></table>\n", f);
}

static void results_table(const struct sweep_view *v, FILE *f)
{
    const struct sweep_table *t = v->t;
    char b[REPORT_NUM_MAX];
    fputs("<div class=\"scroll\"><table id=\"results-table\"><thead><tr>", f);
    for (size_t c = 0; c < t->ncols; c++) {
        fprintf(f, "<th%s>", c > t->error_col || c == t->status_col ? " class=\"n\"" : "");
        html_text(f, t->cols[c]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        fprintf(f, "<tr%s>", v->front[0][r] ? " class=\"pareto\"" : "");
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = sweep_cell(t, r, c);
            double d;
            if (c == t->status_col)
                fprintf(f, "<td class=\"n%s\">", sweep_row_ok(t, r) ? "" : " fail");
            else if (c == t->error_col)
                fputs("<td class=\"err\">", f);
            else
                fputs(c > t->error_col ? "<td class=\"n\">" : "<td>", f);
            if (c > t->error_col && sweep_number(t, r, (long)c, &d))
                fputs(report_num(d, b, sizeof b), f);
            else if (c == t->error_col && strlen(s) > 60)
                html_textf(f, "%.57s...", s); /* in full under Failed points */
            else
                html_text(f, s);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static void parameters(const struct sweep_view *v, FILE *f)
{
    const struct sweep_table *t = v->t;
    fputs("<table id=\"parameter-table\"><thead><tr><th>parameter</th><th>values</th></tr>"
          "</thead><tbody>\n",
          f);
    for (size_t c = 0; c < t->nparams; c++) {
        fputs("<tr><td><code>", f);
        html_text(f, t->cols[c]);
        fputs("</code></td><td>", f);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t q = 0;
            while (q < r && strcmp(sweep_cell(t, q, c), sweep_cell(t, r, c)) != 0)
                q++;
            if (q < r)
                continue;
            if (r)
                fputs(", ", f);
            html_text(f, sweep_cell(t, r, c));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

void report_sweep_html(const struct sweep_view *v, const char *source, FILE *f)
{
    const struct sweep_table *t = v->t;
    char b[REPORT_NUM_MAX];
    html_page_begin(f, "msasim sweep report");
    fputs("<h1>Sweep report</h1>\n<p class=\"sub\">", f);
    html_textf(f, "From %s \xc2\xb7 %zu points \xc2\xb7 %zu failed", source, t->nrows, v->nfailed);
    fputs("</p>\n<nav><a href=\"#pareto\">Pareto view</a><a href=\"#results\">All points</a>",
          f);
    if (v->nfailed)
        fputs("<a href=\"#failed\">Failed points</a>", f);
    fputs("</nav>\n<p class=\"explain\">A sweep runs the same experiment once per combination of "
          "the parameter values below. Each combination is a <i>point</i>; its row in the table "
          "holds the figures that run produced.</p>\n<div class=\"cards\">",
          f);
    size_t nfront = 0;
    for (size_t r = 0; r < t->nrows; r++)
        nfront += v->front[0][r];
    fprintf(f, "<div class=\"card\"><div class=\"v\">%s</div><div class=\"k\">points</div></div>",
            report_num((double)t->nrows, b, sizeof b));
    fprintf(f, "<div class=\"card%s\"><div class=\"v\">%zu</div><div class=\"k\">failed (not "
               "plotted)</div></div>",
            v->nfailed ? " bad" : "", v->nfailed);
    if (v->nexhausted)
        fprintf(f, "<div class=\"card warn\"><div class=\"v\">%zu</div><div class=\"k\">ran out "
                   "of regions: completed, but not eligible for the Pareto front</div></div>",
                v->nexhausted);
    fprintf(f, "<div class=\"card\"><div class=\"v\">%zu</div><div class=\"k\">Pareto-optimal "
               "points</div></div></div>\n",
            nfront);
    parameters(v, f);

    fputs("<h2 id=\"pareto\">Pareto view</h2>\n<p class=\"explain\">Each dot is a point that "
          "completed, coloured by policy (a grey cross: it completed but ran out of regions). "
          "Lower is better on both axes. A ringed dot is "
          "<b>Pareto-optimal</b>: no other point is at least as good on both axes and better on "
          "one. The dashed line joins them; everything above and to the right of it is beaten by "
          "some point on it. Hover over a dot to see its configuration.</p>\n",
          f);
    if (!v->have_exposure)
        fputs("<div class=\"missing\"><b>Exposure was not measured in this sweep</b> (it needs "
              "guests running under the hypervisor model), so the view shows map/unmap cycles "
              "against the region peak instead of exposure against each of them.</div>\n",
              f);
    legend(v, f);
    for (size_t fct = 0; fct < v->nfacets; fct++) {
        if (v->facet_col >= 0) {
            const char *name = v->facet_names[fct];
            const char *slash = strrchr(name, '/');
            fputs("<h3>Platform ", f);
            html_text(f, slash && slash[1] ? slash + 1 : name);
            fputs("</h3>\n", f);
        }
        fputs("<div class=\"multiples\">\n", f);
        for (size_t k = 0; k < v->ncharts; k++)
            scatter(v, fct, k, v->ncharts > 1 ? 560 : 820, f);
        fputs("</div>\n", f);
        pareto_table(v, fct, f);
    }

    fputs("<h2 id=\"results\">All points</h2>\n<p class=\"explain\">One row per point, in the "
          "order the sweep ran them. Pareto-optimal rows are shaded green; a non-zero status "
          "means the point failed (its error says why).</p>\n",
          f);
    results_table(v, f);
    if (v->nfailed) {
        fputs("<h2 id=\"failed\">Failed points</h2>\n<table id=\"failed-table\"><thead><tr><th>"
              "configuration</th><th class=\"n\">status</th><th>error</th></tr></thead><tbody>\n",
              f);
        for (size_t r = 0; r < t->nrows; r++) {
            if (sweep_row_ok(t, r))
                continue;
            char cfg[512];
            sweep_view_config(v, r, cfg, sizeof cfg);
            fputs("<tr><td>", f);
            html_text(f, cfg);
            if (v->facet_col >= 0) {
                fputs(" platform=", f);
                html_text(f, sweep_cell(t, r, (size_t)v->facet_col));
            }
            fputs("</td><td class=\"n fail\">", f);
            html_text(f, sweep_cell(t, r, t->status_col));
            fputs("</td><td>", f);
            html_text(f, sweep_cell(t, r, t->error_col));
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    html_page_end(f);
}
