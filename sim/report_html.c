/* The HTML report of one run: key figures, region usage, who held each MPU
 * slot when, region pressure against the implemented count, map/unmap cost
 * (table and a histogram per operation), exposure and the CPI stack. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpu/mpu.h"
#include "sim/report.h"
#include "sim/report_format.h"
#include "sim/report_model.h"
#include "sim/report_svg.h"

#define CHART_W 1100
#define TIMELINE_CELLS 480

static const char *num(double v, char *b)
{
    return report_num(v, b, REPORT_NUM_MAX);
}

static void missing(FILE *f, const char *what)
{
    fputs("<div class=\"missing\"><b>Not measured in this run.</b> ", f);
    html_text(f, what);
    fputs("</div>\n", f);
}

/* ---- heading and key figures ------------------------------------------------ */

static void card(FILE *f, const char *cls, const char *value, const char *key)
{
    fprintf(f, "<div class=\"card%s%s\"><div class=\"v\">", cls ? " " : "", cls ? cls : "");
    html_text(f, value);
    fputs("</div><div class=\"k\">", f);
    html_text(f, key);
    fputs("</div></div>\n", f);
}

static void heading(const struct report_model *m, const char *source, FILE *f)
{
    char b[REPORT_NUM_MAX];
    fputs("<h1>Region usage report: ", f);
    html_text(f, m->title);
    fputs("</h1>\n<p class=\"sub\">", f);
    html_textf(f, "From %s", source);
    if (m->ncores)
        html_textf(f, " \xc2\xb7 %u core%s", m->ncores, m->ncores == 1 ? "" : "s");
    if (!isnan(m->implemented))
        html_textf(f, " \xc2\xb7 %s EL2 MPU regions per core", num(m->implemented, b));
    if (m->end_cycle)
        html_textf(f, " \xc2\xb7 %s cycles", num((double)m->end_cycle, b));
    fputs("</p>\n<nav><a href=\"#regions\">Region usage</a><a href=\"#slot-timeline\">Slot "
          "timeline</a><a href=\"#pressure\">Pressure over time</a><a href=\"#costs\">Map/unmap "
          "cost</a><a href=\"#exposure\">Exposure</a><a href=\"#cpi\">CPI stack</a><a "
          "href=\"#all\">All figures</a></nav>\n",
          f);
    fputs("<p class=\"explain\">The hypervisor keeps its own memory and its guests' memory in "
          "the <b>EL2 MPU</b>, a small, fixed set of region slots per core. This report shows "
          "how many slots the design needed and when (<i>region pressure</i>), who held each "
          "slot, and what every mapping change cost in cycles. Hover over a chart for exact "
          "values.</p>\n",
          f);
}

static void key_figures(const struct report_model *m, FILE *f)
{
    const struct stats *s = m->s;
    char v[96], k[160], b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    fputs("<div class=\"cards\" id=\"key-figures\">\n", f);
    double peak = report_summary(s, "regions_peak");
    double failures = report_summary(s, "region_failures");
    if (!isnan(peak)) {
        snprintf(v, sizeof v, "%s / %s", num(peak, b1), num(m->implemented, b2));
        double bp = report_summary(s, "regions_boot_peak"), rp = report_summary(s,
                                                                                "regions_runtime_peak");
        if (!isnan(bp) && !isnan(rp))
            snprintf(k, sizeof k, "EL2 MPU regions at the peak, of those implemented (boot %s, "
                                  "runtime %s)",
                     num(bp, b1), num(rp, b2));
        else
            snprintf(k, sizeof k, "EL2 MPU regions at the peak, of those implemented");
        double room = m->implemented - peak;
        card(f, room < 0 || failures > 0 ? "bad" : room < m->implemented / 8 ? "warn" : NULL, v,
             k);
        if (!isnan(m->implemented)) {
            snprintf(v, sizeof v, "%s", num(room, b1));
            card(f, room <= 0 ? "bad" : NULL, v, "headroom: regions still free at the peak");
        }
    }
    double mean = report_summary(s, "regions_mean");
    if (!isnan(mean))
        card(f, NULL, num(mean, b1), "regions in use on average (time-weighted)");
    if (!isnan(failures))
        card(f, failures > 0 ? "bad" : NULL, num(failures, b1),
             "region allocations that failed (no free slot)");
    double ops = report_summary(s, "map_ops"), cyc = report_summary(s, "map_cycles");
    if (!isnan(ops)) {
        snprintf(k, sizeof k, "map/unmap operations, %s cycles in total", num(cyc, b1));
        card(f, NULL, num(ops, b2), k);
    }
    double exp = report_summary(s, "exposure_byte_cycles");
    card(f, NULL, isnan(exp) ? "not measured" : report_si(exp, b1, sizeof b1),
         "exposure: other domains' bytes mapped at EL2, times cycles");
    double insns = report_summary(s, "insns");
    if (!isnan(insns))
        card(f, NULL, num(insns, b1), "instructions executed");
    if (m->end_cycle)
        card(f, NULL, num((double)m->end_cycle, b1), "cycles simulated");
    fputs("</div>\n", f);
}

/* ---- region usage tables ------------------------------------------------------ */

static void td_num(FILE *f, double v)
{
    char b[REPORT_NUM_MAX];
    fprintf(f, "<td class=\"n\">%s</td>", num(v, b));
}

static void region_tables(const struct report_model *m, FILE *f)
{
    fputs("<h2 id=\"regions\">Region usage</h2>\n", f);
    if (!m->ncores) {
        missing(f, "The statistics hold no EL2 MPU region figures (a run without an MPU or "
                   "without the hypervisor model).");
        return;
    }
    fputs("<p class=\"explain\">A region counts as in use while it is enabled and effective "
          "(after the ISB that makes a write take effect). <b>Peak</b> is the most in use at "
          "once, <b>headroom</b> the implemented count minus the peak: how many more regions "
          "this design could take on this hardware. <b>Boot</b> and <b>runtime</b> split the run "
          "where the hypervisor frees its init memory.</p>\n",
          f);
    fputs("<table id=\"region-usage-table\"><thead><tr><th>core</th><th class=\"n\">in use at "
          "the end</th><th class=\"n\">peak</th><th class=\"n\">boot peak</th><th "
          "class=\"n\">runtime peak</th><th class=\"n\">mean (time-weighted)</th><th "
          "class=\"n\">headroom</th><th class=\"n\">allocation failures</th></tr></thead>"
          "<tbody>\n",
          f);
    for (unsigned c = 0; c < m->ncores; c++) {
        const struct report_core *k = &m->core[c];
        double room = !isnan(k->headroom) ? k->headroom : m->implemented - k->peak;
        fprintf(f, "<tr><td>core %u</td>", k->core);
        td_num(f, k->now);
        td_num(f, k->peak);
        td_num(f, k->boot_peak);
        td_num(f, k->runtime_peak);
        td_num(f, k->mean);
        td_num(f, room);
        if (k->failures > 0)
            fprintf(f, "<td class=\"n fail\">%.0f</td>", k->failures);
        else
            td_num(f, k->failures);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    /* Peaks by owner: hv.coreN.regions.owner.NAME.peak and .domain.NAME.peak. */
    const char *kinds[] = {"owner", "domain"};
    bool header = false;
    for (int kind = 0; kind < 2; kind++) {
        for (size_t i = 0; i < stats_metric_count(m->s); i++) {
            const struct stats_metric *mt = stats_metric_at(m->s, i);
            char prefix[64];
            snprintf(prefix, sizeof prefix, "hv.core0.regions.%s.", kinds[kind]);
            size_t pl = strlen(prefix);
            if (strncmp(mt->name, prefix, pl) != 0 || strlen(mt->name) < pl + 6 ||
                strcmp(mt->name + strlen(mt->name) - 5, ".peak") != 0)
                continue;
            char what[96];
            snprintf(what, sizeof what, "%.*s", (int)(strlen(mt->name) - pl - 5), mt->name + pl);
            bool any = false;
            double v[REPORT_MAX_CORES];
            for (unsigned c = 0; c < m->ncores; c++) {
                char name[STATS_NAME_MAX + 1];
                snprintf(name, sizeof name, "hv.core%u.regions.%s.%s.peak", c, kinds[kind], what);
                v[c] = report_figure(m->s, name);
                any |= v[c] > 0;
            }
            if (!any)
                continue;
            if (!header) {
                fputs("<h3>Peak regions by owner</h3>\n<table id=\"owner-table\"><thead><tr>"
                      "<th>held by</th>",
                      f);
                for (unsigned c = 0; c < m->ncores; c++)
                    fprintf(f, "<th class=\"n\">core %u</th>", c);
                fputs("</tr></thead><tbody>\n", f);
                header = true;
            }
            fputs("<tr><td>", f);
            if (kind == 0) {
                for (unsigned o = 1; o < REPORT_OWNER_STRIDE; o++)
                    if (strcmp(report_owner_name(o), what) == 0)
                        fprintf(f, "<span class=\"swatch\" style=\"background:%s\"></span>",
                                svg_owner_colour(o));
                html_text(f, what);
            } else {
                /* The domain's colour in the timelines: its index is in meta. */
                for (unsigned d = 1; d < 64; d++) {
                    char key[32];
                    snprintf(key, sizeof key, "hv.domain.%u", d);
                    const char *name = stats_meta_get(m->s, key);
                    if (name && strcmp(name, what) == 0)
                        fprintf(f, "<span class=\"swatch\" style=\"background:%s\"></span>",
                                svg_owner_colour(MPU_OWNER_GUEST_STAGE2 + REPORT_OWNER_STRIDE * d));
                }
                html_textf(f, "domain %s (guest stage 2)", what);
            }
            fputs("</td>", f);
            for (unsigned c = 0; c < m->ncores; c++)
                td_num(f, v[c]);
            fputs("</tr>\n", f);
        }
    }
    if (header)
        fputs("</tbody></table>\n", f);
}

/* ---- slot timeline ------------------------------------------------------------ */

/* The time axis of a chart: one panel, or two (boot, runtime) each with its
 * own scale, so that a short runtime after a long boot stays visible. */
struct panel {
    uint64_t t0, t1;
    int px0, px1;
    const char *name;
};

static int time_panels(const struct report_model *m, int px0, int px1, struct panel *p)
{
    uint64_t end = m->end_cycle ? m->end_cycle : 1, rt = report_runtime_start(m);
    if (!rt || rt >= end) {
        p[0] = (struct panel){0, end, px0, px1, NULL};
        return 1;
    }
    const int gap = 16;
    double share = (double)rt / (double)end;
    share = share < 0.25 ? 0.25 : share > 0.75 ? 0.75 : share;
    int split = px0 + (int)((px1 - px0 - gap) * share);
    p[0] = (struct panel){0, rt, px0, split, "boot"};
    p[1] = (struct panel){rt, end, split + gap, px1, "runtime (after init memory is freed)"};
    return 2;
}

/* A chart frame whose plot area is one panel of `base`. */
static struct svg_chart panel_chart(const struct svg_chart *base, const struct panel *p)
{
    struct svg_chart c = *base;
    c.left = p->px0;
    c.right = base->width - p->px1;
    c.x0 = (double)p->t0;
    c.x1 = (double)p->t1;
    return c;
}

static void panel_title(const struct svg_chart *c, const struct panel *p)
{
    if (!p->name)
        return;
    fprintf(c->f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-weight=\"600\" "
                  "fill=\"#5b6475\">%s</text>\n",
            p->px0, c->top - 6, p->name);
}

struct legend {
    unsigned codes[64];
    unsigned n;
};

static void legend_add(struct legend *l, unsigned code)
{
    for (unsigned i = 0; i < l->n; i++)
        if (l->codes[i] == code)
            return;
    if (l->n < 64)
        l->codes[l->n++] = code;
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* One slot's row in one panel: runs of cells with the same holder. */
static void timeline_row(const struct report_model *m, const struct stats_series *series,
                         unsigned slot, const struct panel *p, int y, int row,
                         struct report_holder_cell *cells, struct legend *leg, FILE *f)
{
    size_t n = (size_t)(p->px1 - p->px0) / 2;
    if (n < 1)
        return;
    char label[96], b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    double cw = (double)(p->px1 - p->px0) / (double)n;
    double span = (double)(p->t1 - p->t0) / (double)n;
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f5f7\"/>\n", p->px0,
            y, p->px1 - p->px0, row);
    report_holder_cells(series, p->t0, p->t1, n, cells);
    for (size_t i = 0; i < n;) {
        /* Pale: the holder did not keep the slot through the stretch. */
        bool part = cells[i].held < 0.95 || cells[i].several;
        size_t j = i + 1;
        while (j < n && cells[j].code == cells[i].code &&
               (cells[j].held < 0.95 || cells[j].several) == part)
            j++;
        if (cells[i].code) {
            legend_add(leg, cells[i].code);
            report_holder_label(m, cells[i].code, label, sizeof label);
            fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"%s>"
                       "<title>slot %u: ",
                    p->px0 + cw * (double)i, y, cw * (double)(j - i), row,
                    svg_owner_colour(cells[i].code), part ? " fill-opacity=\"0.45\"" : "", slot);
            html_text(f, label);
            fprintf(f, ", cycles %s to %s%s</title></rect>\n",
                    num((double)p->t0 + span * (double)i, b1),
                    num((double)p->t0 + span * (double)j, b2),
                    part ? " (part of the time: taken and released)" : "");
        }
        i = j;
    }
}

static void timeline_core(const struct report_model *m, const struct report_core *k,
                          struct legend *leg, FILE *f)
{
    const int row = 16, gap = 4;
    struct svg_chart c;
    char id[32], title[128];
    snprintf(id, sizeof id, "timeline-core%u", k->core);
    snprintf(title, sizeof title, "Who held each EL2 MPU slot of core %u over time", k->core);
    struct panel panels[2];
    int np = time_panels(m, 70, CHART_W - 18, panels);
    int top = np > 1 ? 22 : 8;
    int height = top + (int)k->slots_used * (row + gap) - gap + 46;
    svg_begin(&c, f, id, title, CHART_W, height);
    c.top = top;
    struct report_holder_cell *cells = calloc(CHART_W, sizeof *cells);
    if (!cells) {
        svg_end(&c);
        return;
    }
    int y = c.top;
    for (unsigned s = 0; s < REPORT_MAX_SLOTS; s++) {
        if (!k->slot[s])
            continue;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">slot %u</text>\n",
                62, y + row - 4, s);
        for (int i = 0; i < np; i++)
            timeline_row(m, k->slot[s], s, &panels[i], y, row, cells, leg, f);
        y += row + gap;
    }
    free(cells);
    c.bottom = height - (y - gap);
    for (int i = 0; i < np; i++) {
        struct svg_chart pc = panel_chart(&c, &panels[i]);
        panel_title(&pc, &panels[i]);
        svg_x_axis(&pc, i == np - 1 ? "cycles" : NULL);
    }
    svg_end(&c);
}

static void slot_timeline(const struct report_model *m, FILE *f)
{
    fputs("<h2 id=\"slot-timeline\">Who held each MPU slot, and when</h2>\n", f);
    unsigned used = 0;
    for (unsigned c = 0; c < m->ncores; c++)
        used += m->core[c].slots_used;
    if (!used) {
        missing(f, "Per-slot timelines are recorded by the hypervisor model "
                   "(msasim boot --stats-json); these statistics have none.");
        return;
    }
    fputs("<p class=\"explain\">One row per slot that was ever used, time running left to "
          "right. A coloured bar means the slot held a region of that owner; grey means free. A "
          "paler bar means the slot was taken and released within that stretch (for example one "
          "map_domain_page after another). Slots never used are not shown.</p>\n",
          f);
    /* The legend first, once for every core: every holder any slot had. */
    struct legend leg = {.n = 0};
    for (unsigned c = 0; c < m->ncores; c++)
        for (unsigned sl = 0; sl < REPORT_MAX_SLOTS; sl++) {
            struct report_slot_usage u;
            report_slot_usage(m->core[c].slot[sl], m->end_cycle, &u);
            for (unsigned h = 0; h < u.nholders; h++)
                legend_add(&leg, u.holders[h]);
        }
    qsort(leg.codes, leg.n, sizeof leg.codes[0], cmp_uint);
    fputs("<p id=\"timeline-legend\">", f);
    for (unsigned i = 0; i < leg.n; i++) {
        char label[96];
        report_holder_label(m, leg.codes[i], label, sizeof label);
        fprintf(f, "<span style=\"margin-right:16px\"><span class=\"swatch\" "
                   "style=\"background:%s\"></span>",
                svg_owner_colour(leg.codes[i]));
        html_text(f, label);
        fputs("</span>", f);
    }
    fputs("</p>\n", f);
    for (unsigned c = 0; c < m->ncores; c++) {
        const struct report_core *k = &m->core[c];
        if (!k->slots_used)
            continue;
        char b[REPORT_NUM_MAX];
        fprintf(f, "<h3>Core %u: %u of %s slots used</h3>\n", k->core, k->slots_used,
                num(m->implemented, b));
        timeline_core(m, k, &leg, f);
    }

    fputs("<details><summary>Slot by slot figures</summary>\n<table id=\"slot-table\"><thead><tr>"
          "<th>core</th><th class=\"n\">slot</th><th>held by</th><th class=\"n\">held (share of "
          "the run)</th><th class=\"n\">changes of holder</th></tr></thead><tbody>\n",
          f);
    for (unsigned c = 0; c < m->ncores; c++)
        for (unsigned s = 0; s < REPORT_MAX_SLOTS; s++) {
            if (!m->core[c].slot[s])
                continue;
            struct report_slot_usage u;
            char b[REPORT_NUM_MAX], label[96];
            report_slot_usage(m->core[c].slot[s], m->end_cycle, &u);
            fprintf(f, "<tr><td>core %u</td><td class=\"n\">%u</td><td>", c, s);
            for (unsigned h = 0; h < u.nholders; h++) {
                report_holder_label(m, u.holders[h], label, sizeof label);
                fprintf(f, "%s<span class=\"swatch\" style=\"background:%s\"></span>",
                        h ? ", " : "", svg_owner_colour(u.holders[h]));
                html_text(f, label);
            }
            if (u.more_holders)
                fputs(", ...", f);
            fprintf(f, "</td><td class=\"n\">%s%s</td><td class=\"n\">%s</td></tr>\n",
                    u.approx ? "\xe2\x89\x88 " : "",
                    report_pct(m->end_cycle ? u.held / (double)m->end_cycle : NAN, b, sizeof b),
                    num((double)u.changes, label));
        }
    fputs("</tbody></table></details>\n", f);
}

/* ---- series charts (pressure, exposure) ----------------------------------------- */

struct line {
    const char *label;
    const struct stats_series *series;
};

/* One line of a series chart in one panel: the time-weighted mean per
 * 2-pixel column as a step line, over a pale band from the column's minimum
 * to its maximum (so short peaks stay visible). */
static void series_line(const struct svg_chart *c, const struct stats_series *series,
                        const char *colour, struct report_value_cell *cells, FILE *f)
{
    size_t n = (size_t)(c->width - c->left - c->right) / 2;
    if (n < 1)
        return;
    double cw = (double)(c->width - c->left - c->right) / (double)n;
    report_value_cells(series, (uint64_t)c->x0, (uint64_t)c->x1, n, cells);
    fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.15\" d=\"", colour);
    for (size_t k = 0; k < n; k++)
        if (cells[k].has && cells[k].max > cells[k].min)
            fprintf(f, "M%.1f %.1fV%.1fh%.1fV%.1fZ", c->left + cw * (double)k,
                    svg_y(c, cells[k].min), svg_y(c, cells[k].max), cw, svg_y(c, cells[k].min));
    fprintf(f, "\"/>\n<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
               "stroke-linejoin=\"round\" d=\"",
            colour);
    bool pen = false;
    for (size_t k = 0; k < n; k++) {
        if (!cells[k].has) {
            pen = false;
            continue;
        }
        double x = c->left + cw * (double)k, yv = svg_y(c, cells[k].mean);
        fprintf(f, pen ? "V%.1f" : "M%.1f %.1f", pen ? yv : x, yv);
        fprintf(f, "H%.1f", x + cw);
        pen = true;
    }
    fputs("\"/>\n", f);
}

static void series_chart(const struct report_model *m, const char *id, const char *title,
                         const char *ylabel, const struct line *lines, size_t nlines,
                         double limit, const char *limit_label, FILE *f)
{
    struct report_value_cell *cells = calloc(CHART_W, sizeof *cells);
    if (!cells)
        return;
    double top = isnan(limit) ? 0 : limit;
    for (size_t i = 0; i < nlines; i++) {
        double p = stats_series_peak(lines[i].series);
        if (p > top)
            top = p;
    }
    struct svg_chart c;
    svg_begin(&c, f, id, title, CHART_W, 340);
    c.top = 24;
    c.right = 160;
    c.y0 = 0;
    c.y1 = top > 0 ? top * 1.05 : 1;
    svg_nice_range(&c.y0, &c.y1, false);
    struct panel panels[2];
    int np = time_panels(m, c.left, CHART_W - c.right, panels);
    for (int pi = 0; pi < np; pi++) {
        struct svg_chart pc = panel_chart(&c, &panels[pi]);
        pc.hide_y_ticks = pi > 0;
        panel_title(&pc, &panels[pi]);
        svg_axes(&pc, pi == np - 1 ? "cycles" : NULL, pi == 0 ? ylabel : NULL);
        for (size_t i = 0; i < nlines; i++) {
            fputs("<g class=\"series\"><title>", f);
            html_textf(f, "%s: peak %g", lines[i].label, stats_series_peak(lines[i].series));
            fputs("</title>\n", f);
            series_line(&pc, lines[i].series, svg_series_colour((unsigned)i), cells, f);
            fputs("</g>\n", f);
        }
        if (!isnan(limit)) {
            double y = svg_y(&pc, limit);
            fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c62828\" "
                       "stroke-width=\"2\" stroke-dasharray=\"6 4\"><title>",
                    pc.left, pc.width - pc.right, y, y);
            html_text(f, limit_label);
            fputs("</title></line>\n", f);
        }
    }
    for (size_t i = 0; i < nlines; i++)
        svg_legend_item(f, CHART_W - c.right + 14, c.top + 14 + 18 * (double)i,
                        svg_series_colour((unsigned)i), lines[i].label, false);
    if (!isnan(limit))
        svg_legend_item(f, CHART_W - c.right + 14, c.top + 14 + 18 * (double)nlines, "#c62828",
                        limit_label, true);
    svg_end(&c);
    free(cells);
}

static void pressure(const struct report_model *m, FILE *f)
{
    fputs("<h2 id=\"pressure\">Region pressure over time</h2>\n", f);
    struct line lines[REPORT_MAX_CORES];
    char labels[REPORT_MAX_CORES][16];
    size_t n = 0;
    for (unsigned c = 0; c < m->ncores; c++)
        if (m->core[c].pressure) {
            snprintf(labels[n], sizeof labels[n], "core %u", c);
            lines[n].label = labels[n];
            lines[n].series = m->core[c].pressure;
            n++;
        }
    if (!n) {
        char b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
        char what[256];
        snprintf(what, sizeof what, "This run recorded end-of-run figures only (peak %s, mean "
                                    "%s), no regions-over-time series.",
                 num(report_summary(m->s, "regions_peak"), b1),
                 num(report_summary(m->s, "regions_mean"), b2));
        missing(f, what);
        return;
    }
    fputs("<p class=\"explain\">Enabled EL2 MPU regions per core over simulated cycles. The "
          "dashed red line is the number of regions the MPU implements: a design that touches it "
          "has no slot left. The pale band shows the range within each pixel of the time axis "
          "when the count moved faster than the chart can draw.</p>\n",
          f);
    char lim[64], b[REPORT_NUM_MAX];
    snprintf(lim, sizeof lim, "implemented: %s", num(m->implemented, b));
    series_chart(m, "pressure-chart", "Enabled EL2 MPU regions over time, against the "
                                      "implemented count",
                 "regions in use", lines, n, m->implemented, lim, f);
}

/* ---- map/unmap cost ------------------------------------------------------------ */

static void cost_bar(const struct report_op *op, FILE *f)
{
    uint64_t total = 0;
    for (int p = 0; p < REPORT_COST_PARTS; p++)
        total += op->part[p];
    fputs("<td><div class=\"bars\">", f);
    if (!total) {
        fputs("</div></td>", f);
        return;
    }
    for (int p = 0; p < REPORT_COST_PARTS; p++) {
        if (!op->part[p])
            continue;
        double w = 110.0 * (double)op->part[p] / (double)total;
        char b[REPORT_NUM_MAX];
        fprintf(f, "<span class=\"bar\" style=\"width:%.1fpx;background:%s\" title=\"%s: %s "
                   "cycles\"></span>",
                w < 1 ? 1 : w, svg_series_colour((unsigned)p), report_cost_part_names[p],
                num((double)op->part[p], b));
    }
    fputs("</div></td>", f);
}

/* Buckets regrouped into at most 40 bins: one per value when the values
 * span fewer than 40 integers, else equal bins (logarithmic when the values
 * span more than three decades). */
static void histogram_chart(const struct report_op *op, FILE *f)
{
    size_t nb;
    struct stats_hist_bucket *bk = stats_hist_buckets(op->hist, &nb);
    if (!bk)
        return;
    enum { BINS = 40 };
    double lo = (double)stats_hist_min(op->hist), hi = (double)stats_hist_max(op->hist);
    bool log = lo > 0 && hi / lo > 1000;
    bool per_value = !log && hi - lo + 1 <= BINS;
    size_t nbins = per_value ? (size_t)(hi - lo + 1) : BINS;
    double edge_lo = log ? log10(lo) : per_value ? lo - 0.5 : lo;
    double edge_hi = log ? log10(hi) + 1e-9 : per_value ? hi + 0.5 : hi + 1;
    double bins[BINS] = {0};
    for (size_t i = 0; i < nb; i++) {
        double mid = (double)bk[i].lo + ((double)bk[i].hi - (double)bk[i].lo) / 2;
        double x = log ? log10(mid > 0 ? mid : 1) : mid;
        size_t b = (size_t)((x - edge_lo) / (edge_hi - edge_lo) * (double)nbins);
        bins[b < nbins ? b : nbins - 1] += (double)bk[i].count;
    }
    free(bk);
    double top = 0;
    for (size_t i = 0; i < nbins; i++)
        top = fmax(top, bins[i]);
    char id[96], title[160], b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX], b3[REPORT_NUM_MAX];
    snprintf(id, sizeof id, "hist-%s", op->name);
    snprintf(title, sizeof title, "%s: cycles per operation (%s operations)", op->name,
             num((double)op->count, b1));
    struct svg_chart c;
    svg_begin(&c, f, id, title, 360, 210);
    c.left = 52;
    c.top = 26;
    c.x0 = log ? pow(10, edge_lo) : edge_lo;
    c.x1 = log ? pow(10, edge_hi) : edge_hi;
    c.xlog = log;
    c.y0 = 0;
    c.y1 = top;
    c.y_integer = true;
    svg_nice_range(&c.y0, &c.y1, false);
    fprintf(f, "<text x=\"8\" y=\"16\" font-size=\"13\" font-weight=\"600\">");
    html_text(f, op->name);
    fprintf(f, "</text>\n");
    svg_axes(&c, log ? "cycles (log scale)" : "cycles", "operations");
    double pw = (double)(c.width - c.left - c.right) / (double)nbins;
    for (size_t i = 0; i < nbins; i++) {
        if (!bins[i])
            continue;
        double a = edge_lo + (edge_hi - edge_lo) * (double)i / (double)nbins;
        double z = edge_lo + (edge_hi - edge_lo) * (double)(i + 1) / (double)nbins;
        double y = svg_y(&c, bins[i]);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#0072b2\">"
                   "<title>",
                c.left + pw * (double)i + 0.5, y, pw > 2 ? pw - 1 : pw, svg_y(&c, 0) - y);
        if (per_value)
            fprintf(f, "%s operations of %s cycles", num(bins[i], b1), num(lo + (double)i, b2));
        else
            fprintf(f, "%s operations of %s to %s cycles", num(bins[i], b1),
                    num(log ? pow(10, a) : ceil(a), b2), num(log ? pow(10, z) : ceil(z) - 1, b3));
        fputs("</title></rect>\n", f);
    }
    svg_end(&c);
}

static void costs(const struct report_model *m, FILE *f)
{
    fputs("<h2 id=\"costs\">Map/unmap cost</h2>\n", f);
    if (!m->nops) {
        missing(f, "No hypervisor operations were counted (the map/unmap cost comes from the "
                   "hypervisor model: msasim boot, or run with --hv).");
        return;
    }
    /* Hardware-work columns only where some operation did that work. */
    static const char *const work_names[] = {"MPU writes", "barriers", "TLBI", "cache ops"};
    bool work_shown[4] = {false};
    for (size_t i = 0; i < m->nops; i++) {
        const struct report_op *op = &m->ops[i];
        uint64_t w[4] = {op->mpu_writes, op->barriers, op->tlbi, op->cache_ops};
        for (int k = 0; k < 4; k++)
            work_shown[k] |= w[k] != 0;
    }
    fputs("<p class=\"explain\">Every operation of the hypervisor's memory manager, with the "
          "cycles its hardware work cost (MPU register writes, barriers, TLB and cache "
          "maintenance, copies, bookkeeping). An operation's cycles include the operations it "
          "made inside it (<i>boot</i> includes every map done while booting). The bar shows "
          "where the cycles went.</p>\n<div class=\"scroll\"><table id=\"cost-table\"><thead><tr>"
          "<th>operation</th><th class=\"n\">count</th><th class=\"n\">failed</th><th "
          "class=\"n\">cycles (total)</th><th class=\"n\">mean</th><th class=\"n\">p50</th><th "
          "class=\"n\">p99</th><th class=\"n\">max</th><th>cycles by kind</th>",
          f);
    for (int k = 0; k < 4; k++)
        if (work_shown[k])
            fprintf(f, "<th class=\"n\">%s</th>", work_names[k]);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < m->nops; i++) {
        const struct report_op *op = &m->ops[i];
        fputs("<tr><td>", f);
        html_text(f, op->name);
        fputs("</td>", f);
        td_num(f, (double)op->count);
        td_num(f, (double)op->failures);
        td_num(f, (double)op->cycles);
        td_num(f, op->count ? (double)op->cycles / (double)op->count : NAN);
        td_num(f, op->hist ? (double)stats_hist_percentile(op->hist, 50) : NAN);
        td_num(f, op->hist ? (double)stats_hist_percentile(op->hist, 99) : NAN);
        td_num(f, op->hist ? (double)stats_hist_max(op->hist) : NAN);
        cost_bar(op, f);
        uint64_t w[4] = {op->mpu_writes, op->barriers, op->tlbi, op->cache_ops};
        for (int k = 0; k < 4; k++)
            if (work_shown[k])
                td_num(f, (double)w[k]);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n<p>", f);
    for (int p = 0; p < REPORT_COST_PARTS; p++)
        fprintf(f, "<span style=\"margin-right:14px\"><span class=\"swatch\" "
                   "style=\"background:%s\"></span>%s</span>",
                svg_series_colour((unsigned)p), report_cost_part_names[p]);
    fputs("</p>\n<h3>Cycles per operation</h3>\n<p class=\"explain\">How the cost of each "
          "operation is distributed: one histogram per operation kind.</p>\n<div "
          "class=\"multiples\" id=\"cost-histograms\">\n",
          f);
    bool same_cost = false;
    for (size_t i = 0; i < m->nops; i++) {
        const struct stats_hist *h = m->ops[i].hist;
        if (h && stats_hist_count(h) && stats_hist_min(h) != stats_hist_max(h))
            histogram_chart(&m->ops[i], f);
        else if (h && stats_hist_count(h))
            same_cost = true;
    }
    fputs("</div>\n", f);
    if (!same_cost)
        return;
    /* A histogram of one value says less than the value itself. */
    fputs("<p id=\"same-cost\">Operations whose every instance cost the same: ", f);
    bool first = true;
    char b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    for (size_t i = 0; i < m->nops; i++) {
        const struct stats_hist *h = m->ops[i].hist;
        if (!h || !stats_hist_count(h) || stats_hist_min(h) != stats_hist_max(h))
            continue;
        fprintf(f, "%s<b>", first ? "" : ", ");
        html_text(f, m->ops[i].name);
        fprintf(f, "</b> %s \xc3\x97 %s cycles", num((double)stats_hist_count(h), b1),
                num((double)stats_hist_min(h), b2));
        first = false;
    }
    fputs(".</p>\n", f);
}

/* ---- TLB maintenance ------------------------------------------------------------- */

static void tlb_maintenance(const struct report_model *m, FILE *f)
{
    if (!m->ntlbi)
        return;
    fputs("<h2 id=\"tlbi\">TLB maintenance by kind</h2>\n<p class=\"explain\">TLBI as each "
          "core received it (a broadcast form counts on every core it reaches).</p>\n<table "
          "id=\"tlbi-table\"><thead><tr><th>kind</th>",
          f);
    for (unsigned c = 0; c < m->tlbi_cores; c++)
        fprintf(f, "<th class=\"n\">core %u</th>", c);
    fputs("<th class=\"n\">total</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < m->ntlbi; i++) {
        fputs("<tr><td>", f);
        html_text(f, m->tlbi[i].kind);
        fputs("</td>", f);
        for (unsigned c = 0; c < m->tlbi_cores; c++)
            td_num(f, (double)m->tlbi[i].per_core[c]);
        td_num(f, (double)m->tlbi[i].total);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* ---- exposure -------------------------------------------------------------------- */

/* A real hypervisor's tables, read at EL2 (el2maps.*). */
static void el2_maps(const struct report_model *m, FILE *f)
{
    char b[REPORT_NUM_MAX];
    fprintf(f, "<h3>Read from the hypervisor's own tables</h3>\n<p class=\"explain\">Each VM's "
               "RAM is what its stage 2 maps; the EL2 columns are the part of it the EL2 "
               "regime's tables let the hypervisor read (at the end, and at most). The EL2 "
               "regime's tables use %s pages.</p>\n",
            num(m->el2_table_pages, b));
    fputs("<table id=\"el2maps-table\"><thead><tr><th>VM</th><th class=\"n\">RAM</th><th "
          "class=\"n\">EL2 reads</th><th class=\"n\">peak</th><th class=\"n\">stage-2 table "
          "pages</th><th class=\"n\">byte-cycles</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < m->nvms; i++) {
        const struct report_vm *v = &m->vms[i];
        fputs("<tr><td>", f);
        html_text(f, v->name);
        fputs("</td>", f);
        td_num(f, v->ram);
        td_num(f, v->readable);
        td_num(f, v->readable_peak);
        td_num(f, v->s2_pages);
        td_num(f, v->byte_cycles);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void exposure(const struct report_model *m, FILE *f)
{
    fputs("<h2 id=\"exposure\">Speculation exposure</h2>\n", f);
    double total = report_summary(m->s, "exposure_byte_cycles");
    if (!m->nexposure && !m->npairs && !m->nvms && isnan(total)) {
        missing(f, "Exposure counts the bytes of other domains that are mapped at EL2 while the "
                   "hypervisor runs, integrated over cycles; it needs guests running under the "
                   "hypervisor model, or a hypervisor that maps VMs' memory at EL2 (profile a, "
                   "--timing on for byte-cycles).");
        return;
    }
    char b[REPORT_NUM_MAX];
    fprintf(f, "<p class=\"explain\">While the hypervisor runs at EL2, memory of other domains "
               "that is mapped there can be reached by speculation. Total: <b>%s</b> "
               "byte-cycles.</p>\n",
            num(total, b));
    if (m->nexposure) {
        struct line lines[REPORT_MAX_CORES + 1];
        for (size_t i = 0; i < m->nexposure; i++) {
            lines[i].label = m->exposure[i].label;
            lines[i].series = m->exposure[i].series;
        }
        series_chart(m, "exposure-chart", "Bytes of other domains mapped at EL2 over time",
                     "bytes exposed", lines, m->nexposure, NAN, NULL, f);
    }
    if (m->nvms)
        el2_maps(m, f);
    if (!m->npairs)
        return;
    /* The matrix: rows the domain on whose behalf EL2 runs, columns whose memory is exposed. */
    const char *names[64];
    size_t nn = 0;
    for (size_t i = 0; i < m->npairs; i++)
        for (int side = 0; side < 2; side++) {
            const char *d = side ? m->pairs[i].to : m->pairs[i].from;
            size_t k = 0;
            while (k < nn && strcmp(names[k], d) != 0)
                k++;
            if (k == nn && nn < 64)
                names[nn++] = d;
        }
    double top = 0;
    for (size_t i = 0; i < m->npairs; i++)
        top = fmax(top, m->pairs[i].byte_cycles);
    fputs("<h3>Domain pairs</h3>\n<p class=\"explain\">Row: the domain the hypervisor was "
          "running for. Column: the domain whose memory was mapped. Darker is more "
          "exposure.</p>\n<table id=\"exposure-matrix\"><thead><tr><th>running for \\ "
          "exposed</th>",
          f);
    for (size_t k = 0; k < nn; k++) {
        fputs("<th class=\"n\">", f);
        html_text(f, names[k]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (size_t r = 0; r < nn; r++) {
        fputs("<tr><th>", f);
        html_text(f, names[r]);
        fputs("</th>", f);
        for (size_t k = 0; k < nn; k++) {
            double v = NAN;
            for (size_t i = 0; i < m->npairs; i++)
                if (!strcmp(m->pairs[i].from, names[r]) && !strcmp(m->pairs[i].to, names[k]))
                    v = m->pairs[i].byte_cycles;
            double a = isnan(v) || top <= 0 ? 0 : 0.08 + 0.8 * v / top;
            fprintf(f, "<td class=\"n\" style=\"background:rgba(213,94,0,%.2f)\">%s</td>", a,
                    isnan(v) ? "" : report_si(v, b, sizeof b));
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* ---- CPI stack and functions ------------------------------------------------------ */

static void cpi(const struct report_model *m, const char *functions, FILE *f)
{
    fputs("<h2 id=\"cpi\">Where the cycles go: CPI stack and functions</h2>\n", f);
    if (!m->ncpi && !m->nfuncs) {
        missing(f, "The CPI stack and the cycles per function come from the cycle model "
                   "(msasim run --timing on).");
        return;
    }
    char b[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    if (m->ncpi) {
        double total = 0;
        for (size_t i = 0; i < m->ncpi; i++)
            total += fmax(0, m->cpi[i].value);
        double insns = report_summary(m->s, "ipc") * report_summary(m->s, "cycles");
        fputs("<p class=\"explain\">The cycles of the busiest core, split by what the core was "
              "waiting for; the parts add up to its cycles. Divided by its instructions, each part "
              "is its share of the CPI (cycles per instruction).</p>\n",
              f);
        struct svg_chart c;
        svg_begin(&c, f, "cpi-chart", "CPI stack: cycles by cause", CHART_W, 70);
        double x = 10, w = CHART_W - 20;
        for (size_t i = 0; i < m->ncpi; i++) {
            double part = total > 0 ? fmax(0, m->cpi[i].value) / total * w : 0;
            fprintf(f, "<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"30\" fill=\"%s\"><title>",
                    x, part, svg_series_colour((unsigned)i));
            html_textf(f, "%s: %s (%s)", m->cpi[i].name, num(m->cpi[i].value, b),
                       report_pct(total > 0 ? m->cpi[i].value / total : NAN, b2, sizeof b2));
            fputs("</title></rect>\n", f);
            if (part > 60) {
                fprintf(f, "<text x=\"%.1f\" y=\"58\" font-size=\"12\">", x + 2);
                html_text(f, m->cpi[i].name);
                fputs("</text>\n", f);
            }
            x += part;
        }
        svg_end(&c);
        fputs("<table id=\"cpi-table\"><thead><tr><th>part</th><th class=\"n\">cycles</th><th "
              "class=\"n\">share</th><th class=\"n\">CPI</th></tr></thead><tbody>\n",
              f);
        for (size_t i = 0; i < m->ncpi; i++) {
            fprintf(f, "<tr><td><span class=\"swatch\" style=\"background:%s\"></span>",
                    svg_series_colour((unsigned)i));
            html_text(f, m->cpi[i].name);
            fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>",
                    num(m->cpi[i].value, b),
                    report_pct(total > 0 ? m->cpi[i].value / total : NAN, b2, sizeof b2));
            td_num(f, insns > 0 ? m->cpi[i].value / insns : NAN);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    } else {
        missing(f, "No CPI stack in these statistics.");
    }
    if (m->nfuncs) {
        double total = 0;
        for (size_t i = 0; i < m->nfuncs; i++)
            total += m->funcs[i].value;
        fprintf(f, "<h3>Functions with the most cycles%s</h3>\n<table id=\"function-table\"><thead>"
                   "<tr><th>function</th><th class=\"n\">cycles</th><th class=\"n\">share</th><th "
                   "class=\"n\">instructions</th><th class=\"n\">CPI</th><th class=\"n\">calls</th>"
                   "</tr></thead><tbody>\n",
                functions ? " and those asked for" : "");
        for (size_t i = 0; i < m->nfuncs; i++) {
            if (!report_function_shown(m, i, 20, functions))
                continue;
            const struct report_named *fn = &m->funcs[i];
            fputs("<tr><td><code>", f);
            html_text(f, fn->name);
            fprintf(f, "</code></td><td class=\"n\">%s</td>", num(fn->value, b));
            fprintf(f, "<td class=\"n\">%s</td>",
                    report_pct(total > 0 ? fn->value / total : NAN, b2, sizeof b2));
            td_num(f, fn->extra);
            td_num(f, fn->extra > 0 ? fn->value / fn->extra : NAN);
            td_num(f, fn->calls);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
}

/* ---- everything else ---------------------------------------------------------------- */

static void all_figures(const struct stats *s, FILE *f)
{
    char b[REPORT_NUM_MAX];
    fputs("<h2 id=\"all\">All figures</h2>\n<details><summary>The summary, where the figures "
          "come from, and every counter and gauge</summary>\n<table id=\"summary-table\"><thead>"
          "<tr><th>summary</th><th class=\"n\">value</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < stats_summary_count(s); i++) {
        fputs("<tr><td>", f);
        html_text(f, stats_summary_key(s, i));
        fprintf(f, "</td><td class=\"n\">%s</td></tr>\n", num(stats_summary_value(s, i), b));
    }
    for (size_t i = 0; i < stats_meta_count(s); i++) {
        fputs("<tr><td>", f);
        html_text(f, stats_meta_key(s, i));
        fputs("</td><td>", f);
        html_text(f, stats_meta_value(s, i));
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<table id=\"metric-table\"><thead><tr><th>metric</th><th "
          "class=\"n\">value</th><th>meaning</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < stats_metric_count(s); i++) {
        const struct stats_metric *mt = stats_metric_at(s, i);
        if (mt->kind != STATS_COUNTER && mt->kind != STATS_GAUGE)
            continue;
        fputs("<tr><td>", f);
        html_text(f, mt->name);
        fprintf(f, "</td><td class=\"n\">%s</td><td>",
                num(mt->kind == STATS_COUNTER ? (double)mt->v.counter : mt->v.gauge, b));
        html_text(f, mt->desc);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></details>\n", f);
}

int report_stats_html(const struct stats *s, const char *source, const struct report_options *o,
                      FILE *f)
{
    static const struct report_options none;
    if (!o)
        o = &none;
    struct report_model m;
    if (report_model_build(s, &m) < 0)
        return -1;
    char title[200];
    snprintf(title, sizeof title, "msasim report: %s", m.title);
    html_page_begin(f, title);
    heading(&m, source, f);
    key_figures(&m, f);
    region_tables(&m, f);
    slot_timeline(&m, f);
    pressure(&m, f);
    costs(&m, f);
    tlb_maintenance(&m, f);
    exposure(&m, f);
    cpi(&m, o->functions, f);
    all_figures(s, f);
    html_page_end(f);
    report_model_release(&m);
    return 0;
}
