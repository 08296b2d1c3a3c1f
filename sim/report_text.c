/* The text report of one run, at most REPORT_TEXT_WIDTH columns: the same
 * sections as the HTML report, with the slot timeline and the pressure
 * chart drawn in characters. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpu/mpu.h"
#include "sim/report.h"
#include "sim/report_format.h"
#include "sim/report_model.h"

#define CELLS 64   /* columns of the timeline and the pressure chart */
#define CHART_ROWS 8

static const char *num(double v, char *b)
{
    return report_num(v, b, REPORT_NUM_MAX);
}

static void missing(FILE *f, const char *section, const char *why)
{
    fprintf(f, "%s: not measured in this run.\n  %s\n\n", section, why);
}

static void heading(const struct report_model *m, const char *source, FILE *f)
{
    char b[REPORT_NUM_MAX];
    char line[512];
    int n = snprintf(line, sizeof line, "msasim report: %s", m->title);
    fprintf(f, "%.*s\n", n > REPORT_TEXT_WIDTH ? REPORT_TEXT_WIDTH : n, line);
    n = snprintf(line, sizeof line, "from %s", source);
    if (m->ncores)
        n += snprintf(line + n, sizeof line - (size_t)n, "; %u core%s", m->ncores,
                      m->ncores == 1 ? "" : "s");
    if (!isnan(m->implemented))
        n += snprintf(line + n, sizeof line - (size_t)n, "; %s EL2 MPU regions per core",
                      num(m->implemented, b));
    if (m->end_cycle)
        n += snprintf(line + n, sizeof line - (size_t)n, "; %s cycles",
                      num((double)m->end_cycle, b));
    fprintf(f, "%.*s\n\n", n > REPORT_TEXT_WIDTH ? REPORT_TEXT_WIDTH : n, line);
}

static void figure(FILE *f, const char *key, const char *value)
{
    fprintf(f, "  %-28s %.68s\n", key, value);
}

static void key_figures(const struct report_model *m, FILE *f)
{
    const struct stats *s = m->s;
    char v[160], b1[REPORT_NUM_MAX], b2[REPORT_NUM_MAX], b3[REPORT_NUM_MAX], b4[REPORT_NUM_MAX];
    fputs("Key figures\n", f);
    double peak = report_summary(s, "regions_peak");
    if (!isnan(peak)) {
        double bp = report_summary(s, "regions_boot_peak");
        double rp = report_summary(s, "regions_runtime_peak");
        int n = snprintf(v, sizeof v, "%s of %s", num(peak, b1), num(m->implemented, b2));
        if (!isnan(bp) && !isnan(rp))
            n += snprintf(v + n, sizeof v - (size_t)n, " (boot %s, runtime %s)", num(bp, b3),
                          num(rp, b4));
        if (!isnan(m->implemented))
            snprintf(v + n, sizeof v - (size_t)n, "; headroom %s", num(m->implemented - peak, b1));
        figure(f, "EL2 MPU regions at the peak", v);
    }
    double mean = report_summary(s, "regions_mean");
    if (!isnan(mean)) {
        snprintf(v, sizeof v, "%s (time-weighted)", num(mean, b1));
        figure(f, "regions in use on average", v);
    }
    double failures = report_summary(s, "region_failures");
    if (!isnan(failures))
        figure(f, "allocation failures", num(failures, b1));
    double ops = report_summary(s, "map_ops");
    if (!isnan(ops)) {
        snprintf(v, sizeof v, "%s (%s cycles)", num(ops, b1),
                 num(report_summary(s, "map_cycles"), b2));
        figure(f, "map/unmap operations", v);
    }
    double exp = report_summary(s, "exposure_byte_cycles");
    figure(f, "exposure (byte-cycles)", isnan(exp) ? "not measured in this run" : num(exp, b1));
    double insns = report_summary(s, "insns");
    if (!isnan(insns))
        figure(f, "instructions", num(insns, b1));
    if (m->end_cycle)
        figure(f, "cycles", num((double)m->end_cycle, b1));
    fputc('\n', f);
}

static void region_table(const struct report_model *m, FILE *f)
{
    if (!m->ncores) {
        missing(f, "Region usage", "No EL2 MPU region figures in these statistics.");
        return;
    }
    char b[8][REPORT_NUM_MAX];
    fputs("Region usage (EL2 MPU; a region is in use while enabled and effective)\n", f);
    fprintf(f, "  %-6s %8s %8s %10s %13s %10s %10s %10s\n", "core", "at end", "peak", "boot peak",
            "runtime peak", "mean", "headroom", "failures");
    for (unsigned c = 0; c < m->ncores; c++) {
        const struct report_core *k = &m->core[c];
        double room = !isnan(k->headroom) ? k->headroom : m->implemented - k->peak;
        fprintf(f, "  %-6u %8s %8s %10s %13s %10s %10s %10s\n", k->core, num(k->now, b[0]),
                num(k->peak, b[1]), num(k->boot_peak, b[2]), num(k->runtime_peak, b[3]),
                num(k->mean, b[4]), num(room, b[5]), num(k->failures, b[6]));
    }
    fputc('\n', f);
}

/* Peaks by owner: one column per core while they fit, else the largest. */
static void owner_table(const struct report_model *m, FILE *f)
{
    if (!m->from_hv || !m->ncores)
        return;
    unsigned shown = m->ncores <= 8 ? m->ncores : 0;
    bool header = false;
    char b[REPORT_NUM_MAX];
    for (unsigned o = 1; o < MPU_OWNER_COUNT; o++) {
        double v[REPORT_MAX_CORES], top = 0;
        for (unsigned c = 0; c < m->ncores; c++) {
            char name[STATS_NAME_MAX + 1];
            snprintf(name, sizeof name, "hv.core%u.regions.owner.%s.peak", c, report_owner_name(o));
            v[c] = report_figure(m->s, name);
            if (v[c] > top)
                top = v[c];
        }
        if (!(top > 0))
            continue;
        if (!header) {
            fprintf(f, "Peak regions by owner\n  %-16s", "held by");
            if (shown)
                for (unsigned c = 0; c < shown; c++)
                    fprintf(f, " %7s%u", "core ", c);
            else
                fprintf(f, " %8s", "max core");
            fputc('\n', f);
            header = true;
        }
        fprintf(f, "  %-16s", report_owner_name(o));
        if (shown)
            for (unsigned c = 0; c < shown; c++)
                fprintf(f, " %8s", num(v[c], b));
        else
            fprintf(f, " %8s", num(top, b));
        fputc('\n', f);
    }
    if (header)
        fputc('\n', f);
}

/* The letter of a holder in the text timeline: uppercase when it held the
 * whole column, lowercase when it held part of it (taken, or released, or
 * taken and released again and again like a transient map). */
static char holder_char(unsigned code, bool most)
{
    static const char letters[MPU_OWNER_COUNT] = {
        [MPU_OWNER_NONE] = '.',     [MPU_OWNER_HV_TEXT] = 'T',     [MPU_OWNER_HV_RODATA] = 'R',
        [MPU_OWNER_HV_DATA] = 'D',  [MPU_OWNER_HV_HEAP] = 'H',     [MPU_OWNER_DEVICE] = 'V',
        [MPU_OWNER_TRANSIENT_MAP] = 'M', [MPU_OWNER_GUEST_STAGE2] = 'G', [MPU_OWNER_OTHER] = 'O',
    };
    unsigned o = code % REPORT_OWNER_STRIDE, d = code / REPORT_OWNER_STRIDE;
    if (code == 0)
        return '.';
    if (o == MPU_OWNER_GUEST_STAGE2 && d >= 1 && d <= 9)
        return (char)('0' + d);
    char ch = o < MPU_OWNER_COUNT ? letters[o] : '?';
    return most ? ch : (char)tolower((unsigned char)ch);
}

/* The time axis of the text charts: CELLS columns, or two panels (boot,
 * runtime) split by a '|', each with its own scale, so that a short runtime
 * after a long boot stays visible. */
struct tpanel {
    uint64_t t0, t1;
    int cells;
};

static int text_panels(const struct report_model *m, struct tpanel *p)
{
    uint64_t end = m->end_cycle ? m->end_cycle : 1, rt = report_runtime_start(m);
    if (!rt || rt >= end) {
        p[0] = (struct tpanel){0, end, CELLS};
        return 1;
    }
    double share = (double)rt / (double)end;
    share = share < 0.25 ? 0.25 : share > 0.75 ? 0.75 : share;
    int boot = (int)((CELLS - 1) * share);
    p[0] = (struct tpanel){0, rt, boot};
    p[1] = (struct tpanel){rt, end, CELLS - 1 - boot};
    return 2;
}

/* "boot: 1 col = 168k cycles" over each panel, indented by `indent`. */
static void panel_header(const struct tpanel *p, int np, int indent, FILE *f)
{
    char b[REPORT_NUM_MAX];
    fprintf(f, "%*s", indent, "");
    for (int i = 0; i < np; i++) {
        char label[96];
        double per = ceil((double)(p[i].t1 - p[i].t0) / p[i].cells);
        snprintf(label, sizeof label, "%s%s/col", np == 1 ? "cycles: " : i ? "runtime: " : "boot: ",
                 report_si(per, b, sizeof b));
        fprintf(f, "%s%-*.*s", i ? "|" : " ", i + 1 < np ? p[i].cells : 0, p[i].cells, label);
    }
    fputc('\n', f);
}

static void timeline(const struct report_model *m, FILE *f)
{
    unsigned used = 0;
    for (unsigned c = 0; c < m->ncores; c++)
        used += m->core[c].slots_used;
    if (!used) {
        missing(f, "Slot timeline", "Per-slot timelines come from the hypervisor model "
                                    "(msasim boot --stats-json).");
        return;
    }
    char b[REPORT_NUM_MAX];
    struct tpanel panels[2];
    int np = text_panels(m, panels);
    fputs("Who held each slot (one letter a column; lowercase: held for part of the column)\n",
          f);
    struct report_holder_cell cells[CELLS];
    unsigned legend[64], nlegend = 0;
    for (unsigned c = 0; c < m->ncores; c++) {
        const struct report_core *k = &m->core[c];
        if (!k->slots_used)
            continue;
        fprintf(f, "  core %-5u", k->core);
        panel_header(panels, np, 0, f);
        for (unsigned s = 0; s < REPORT_MAX_SLOTS; s++) {
            if (!k->slot[s])
                continue;
            fprintf(f, "    slot %3u ", s);
            for (int pi = 0; pi < np; pi++) {
                report_holder_cells(k->slot[s], panels[pi].t0, panels[pi].t1,
                                    (size_t)panels[pi].cells, cells);
                fputc('|', f);
                for (int i = 0; i < panels[pi].cells; i++) {
                    fputc(cells[i].several ? '*' : holder_char(cells[i].code, cells[i].held >= 0.95),
                          f);
                    unsigned code = cells[i].code, j = 0;
                    while (j < nlegend && legend[j] != code)
                        j++;
                    if (code && j == nlegend && nlegend < 64)
                        legend[nlegend++] = code;
                }
            }
            struct report_slot_usage u;
            report_slot_usage(k->slot[s], m->end_cycle, &u);
            fprintf(f, "| %s held\n",
                    report_pct(m->end_cycle ? u.held / (double)m->end_cycle : NAN, b, sizeof b));
        }
    }
    /* Legend lines, wrapped to the width. */
    int col = fprintf(f, "  legend: . free  * several");
    for (unsigned i = 0; i < nlegend; i++) {
        char label[96], item[128];
        report_holder_label(m, legend[i], label, sizeof label);
        int n = snprintf(item, sizeof item, "  %c %s", holder_char(legend[i], true), label);
        if (col + n > REPORT_TEXT_WIDTH) {
            fputs("\n         ", f);
            col = 9;
        }
        col += fprintf(f, "%s", item);
    }
    fputs("\n\n", f);
}

static void pressure_chart(const struct report_model *m, FILE *f)
{
    struct tpanel panels[2];
    int np = text_panels(m, panels);
    /* Per column: the most regions any core had in use (NAN: no data). */
    double top[CELLS];
    bool any = false;
    for (int i = 0; i < CELLS; i++)
        top[i] = NAN;
    struct report_value_cell cells[CELLS];
    for (unsigned c = 0; c < m->ncores; c++) {
        if (!m->core[c].pressure)
            continue;
        any = true;
        int at = 0;
        for (int pi = 0; pi < np; pi++) {
            report_value_cells(m->core[c].pressure, panels[pi].t0, panels[pi].t1,
                               (size_t)panels[pi].cells, cells);
            for (int i = 0; i < panels[pi].cells; i++)
                if (cells[i].has && !(cells[i].max <= top[at + i]))
                    top[at + i] = cells[i].max;
            at += panels[pi].cells;
        }
    }
    if (!any) {
        missing(f, "Region pressure over time", "Only end-of-run figures were recorded (no "
                                                "regions-over-time series).");
        return;
    }
    int ncols = panels[0].cells + (np > 1 ? panels[1].cells : 0);
    double ymax = isnan(m->implemented) ? 0 : m->implemented;
    for (int i = 0; i < ncols; i++)
        if (top[i] > ymax)
            ymax = top[i];
    if (ymax <= 0)
        ymax = 1;
    char b[REPORT_NUM_MAX];
    fputs("Region pressure over time (most regions in use on any core; '-' marks the implemented "
          "count)\n",
          f);
    panel_header(panels, np, 9, f);
    double step = ymax / CHART_ROWS;
    for (int r = CHART_ROWS; r >= 1; r--) {
        double lo = step * (r - 1), hi = step * r;
        bool limit_row = !isnan(m->implemented) && m->implemented > lo && m->implemented <= hi;
        if (r == CHART_ROWS || limit_row)
            fprintf(f, "  %6s ", num(limit_row ? m->implemented : hi, b));
        else
            fprintf(f, "  %6s ", "");
        for (int i = 0; i < ncols; i++) {
            if (i == 0 || i == panels[0].cells)
                fputc('|', f);
            char ch = ' ';
            if (!isnan(top[i]) && top[i] > lo)
                ch = top[i] >= hi || top[i] - lo >= step / 2 ? '#' : '_';
            else if (limit_row)
                ch = '-';
            fputc(ch, f);
        }
        fputs("|\n", f);
    }
    fprintf(f, "  %6s ", "0");
    for (int i = 0; i < ncols; i++)
        fputs(i == 0 || i == panels[0].cells ? "+-" : "-", f);
    fputs("+\n", f);
    /* The cycle at the start of each panel, and the end. */
    fprintf(f, "  %6s ", "");
    for (int pi = 0; pi < np; pi++) {
        char t[REPORT_NUM_MAX];
        num((double)panels[pi].t0, t);
        fprintf(f, "%s%-*.*s", pi ? " " : " ", panels[pi].cells, panels[pi].cells, t);
    }
    fprintf(f, "%s cycles\n\n", report_si((double)m->end_cycle, b, sizeof b));
}

static void costs(const struct report_model *m, FILE *f)
{
    if (!m->nops) {
        missing(f, "Map/unmap cost", "No hypervisor operations were counted.");
        return;
    }
    char b[8][REPORT_NUM_MAX];
    fputs("Map/unmap cost (cycles include the operations made inside each one)\n", f);
    fprintf(f, "  %-17s %8s %5s %11s %10s %10s %10s %10s  %s\n", "operation", "count", "fail",
            "cycles", "mean", "p50", "p99", "max", "most in");
    for (size_t i = 0; i < m->nops; i++) {
        const struct report_op *op = &m->ops[i];
        int main_part = 0;
        for (int p = 1; p < REPORT_COST_PARTS; p++)
            if (op->part[p] > op->part[main_part])
                main_part = p;
        const struct stats_hist *h = op->hist;
        fprintf(f, "  %-17.17s %8s %5s %11s %10s %10s %10s %10s  %.7s\n", op->name,
                num((double)op->count, b[0]), num((double)op->failures, b[1]),
                num((double)op->cycles, b[2]),
                num(op->count ? (double)op->cycles / (double)op->count : NAN, b[3]),
                num(h ? (double)stats_hist_percentile(h, 50) : NAN, b[4]),
                num(h ? (double)stats_hist_percentile(h, 99) : NAN, b[5]),
                num(h ? (double)stats_hist_max(h) : NAN, b[6]),
                op->part[main_part] ? report_cost_part_names[main_part] : "-");
    }
    fputc('\n', f);
}

/* TLBI by kind, as each core received it (the VMSA MMU's counters). */
static void tlb_maintenance(const struct report_model *m, FILE *f)
{
    if (!m->ntlbi)
        return;
    /* one column a core while they fit in the width, else the total only */
    unsigned cols = m->tlbi_cores <= 6 ? m->tlbi_cores : 0;
    char b[REPORT_NUM_MAX];
    fputs("TLB maintenance by kind (as each core received it; a broadcast counts on every core)\n  "
          "kind          ",
          f);
    for (unsigned c = 0; c < cols; c++) {
        char h[16];
        snprintf(h, sizeof h, "core %u", c);
        fprintf(f, " %10s", h);
    }
    fprintf(f, " %12s\n", "total");
    for (size_t i = 0; i < m->ntlbi; i++) {
        fprintf(f, "  %-14.14s", m->tlbi[i].kind);
        for (unsigned c = 0; c < cols; c++)
            fprintf(f, " %10s", num((double)m->tlbi[i].per_core[c], b));
        fprintf(f, " %12s\n", num((double)m->tlbi[i].total, b));
    }
    fputc('\n', f);
}

/* A real hypervisor's tables, read at EL2 (el2maps.*). */
static void el2_maps(const struct report_model *m, FILE *f)
{
    char b[5][REPORT_NUM_MAX];
    fprintf(f, "  Read from the hypervisor's own tables: EL2 regime %s table pages\n",
            num(m->el2_table_pages, b[0]));
    fprintf(f, "  %-10s %14s %14s %14s %8s %18s\n", "VM", "RAM", "EL2 reads", "(peak)",
            "s2 pages", "byte-cycles");
    for (size_t i = 0; i < m->nvms; i++) {
        const struct report_vm *v = &m->vms[i];
        fprintf(f, "  %-10.10s %14s %14s %14s %8s %18s\n", v->name, num(v->ram, b[0]),
                num(v->readable, b[1]), num(v->readable_peak, b[2]), num(v->s2_pages, b[3]),
                num(v->byte_cycles, b[4]));
    }
}

static void exposure(const struct report_model *m, FILE *f)
{
    double total = report_summary(m->s, "exposure_byte_cycles");
    if (!m->nexposure && !m->npairs && !m->nvms && isnan(total)) {
        missing(f, "Speculation exposure",
                "It needs guests under the hypervisor model, or a hypervisor's own EL2 tables.");
        return;
    }
    char b[REPORT_NUM_MAX];
    fprintf(f, "Speculation exposure: %s byte-cycles in total\n", num(total, b));
    for (size_t i = 0; i < m->nexposure; i++)
        fprintf(f, "  %-20s peak %s bytes\n", m->exposure[i].label,
                num(stats_series_peak(m->exposure[i].series), b));
    if (m->npairs)
        fprintf(f, "  %-20.20s %-20.20s %16s\n", "running for", "exposed", "byte-cycles");
    for (size_t i = 0; i < m->npairs; i++)
        fprintf(f, "  %-20.20s %-20.20s %16s\n", m->pairs[i].from, m->pairs[i].to,
                num(m->pairs[i].byte_cycles, b));
    if (m->nvms)
        el2_maps(m, f);
    fputc('\n', f);
}

static void cpi(const struct report_model *m, const char *functions, FILE *f)
{
    if (!m->ncpi && !m->nfuncs) {
        missing(f, "CPI stack", "It comes from the cycle model (msasim run --timing on).");
        return;
    }
    char b[REPORT_NUM_MAX], b2[REPORT_NUM_MAX];
    double total = 0;
    for (size_t i = 0; i < m->ncpi; i++)
        total += fmax(0, m->cpi[i].value);
    if (m->ncpi) {
        /* The parts are cycles of the busiest core; its instructions are
         * ipc x cycles, which turns each part into its share of the CPI. */
        double insns = report_summary(m->s, "ipc") * report_summary(m->s, "cycles");
        fprintf(f, "CPI stack (cycles by cause; the parts add up to the cycles)\n  %-20s %14s %7s "
                   "%8s\n",
                "part", "cycles", "share", "CPI");
        for (size_t i = 0; i < m->ncpi; i++) {
            char b3[REPORT_NUM_MAX];
            double share = total > 0 ? fmax(0, m->cpi[i].value) / total : 0;
            int w = (int)lround(share * 40);
            fprintf(f, "  %-20.20s %14s %7s %8s%s%.*s\n", m->cpi[i].name, num(m->cpi[i].value, b),
                    report_pct(share, b2, sizeof b2),
                    num(insns > 0 ? m->cpi[i].value / insns : NAN, b3), w ? " " : "", w,
                    "########################################");
        }
        fputc('\n', f);
    }
    if (m->nfuncs) {
        fprintf(f, "Functions with the most cycles%s\n  %-36s %14s %14s %8s %11s\n",
                functions ? " and those asked for" : "", "function", "cycles", "instructions", "CPI",
                "calls");
        for (size_t i = 0; i < m->nfuncs; i++) {
            if (!report_function_shown(m, i, 10, functions))
                continue;
            char b3[REPORT_NUM_MAX], b4[REPORT_NUM_MAX];
            const struct report_named *fn = &m->funcs[i];
            fprintf(f, "  %-36.36s %14s %14s %8s %11s\n", fn->name, num(fn->value, b),
                    num(fn->extra, b2), num(fn->extra > 0 ? fn->value / fn->extra : NAN, b3),
                    num(fn->calls, b4));
        }
        fputc('\n', f);
    }
}

/* The summary as the statistics file has it, two figures a line. */
static void summary(const struct stats *s, FILE *f)
{
    size_t n = stats_summary_count(s);
    if (!n)
        return;
    fputs("Summary figures (as named in the statistics file)\n", f);
    bool col = false;
    for (size_t i = 0; i < n; i++) {
        char b[REPORT_NUM_MAX];
        const char *key = stats_summary_key(s, i);
        num(stats_summary_value(s, i), b);
        if (strlen(key) > 28 || strlen(b) > 16) {
            fprintf(f, "%s  %.*s %s\n", col ? "\n" : "", REPORT_TEXT_WIDTH - 20, key, b);
            col = false;
            continue;
        }
        fprintf(f, "%s  %-28s %16s", col ? "   " : "", key, b);
        if (col)
            fputc('\n', f);
        col = !col;
    }
    fputs(col ? "\n\n" : "\n", f);
}

int report_stats_text(const struct stats *s, const char *source, const struct report_options *o,
                      FILE *f)
{
    static const struct report_options none;
    if (!o)
        o = &none;
    struct report_model m;
    if (report_model_build(s, &m) < 0)
        return -1;
    heading(&m, source, f);
    key_figures(&m, f);
    region_table(&m, f);
    owner_table(&m, f);
    timeline(&m, f);
    pressure_chart(&m, f);
    costs(&m, f);
    tlb_maintenance(&m, f);
    exposure(&m, f);
    cpi(&m, o->functions, f);
    summary(s, f);
    report_model_release(&m);
    if (o->all) {
        fputs("All figures\n", f);
        stats_write_text(s, f);
    }
    return 0;
}
