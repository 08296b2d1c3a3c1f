#include "sim/report_svg.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "mpu/mpu.h"
#include "sim/report_format.h"

/* ---- HTML ------------------------------------------------------------------ */

void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void html_textf(FILE *f, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    html_text(f, buf);
}

static const char style_sheet[] =
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#d8dde6;--head:#f3f5f9;--accent:#0b5cad}\n"
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:var(--fg);background:#fff;max-width:1180px;margin:24px auto;padding:0 20px}\n"
    "h1{font-size:26px;margin:0 0 2px}\n"
    "h2{font-size:20px;margin:40px 0 6px;padding-bottom:4px;border-bottom:2px solid var(--line)}\n"
    "h3{font-size:16px;margin:22px 0 4px}\n"
    ".sub{color:var(--muted);margin:0 0 12px}\n"
    "p.explain{color:var(--muted);max-width:900px;margin:4px 0 10px}\n"
    "nav{margin:10px 0 4px;font-size:14px}nav a{margin-right:14px;color:var(--accent)}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;"
    "margin:14px 0}\n"
    ".card{border:1px solid var(--line);border-radius:8px;padding:10px 14px}\n"
    ".card .v{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums}\n"
    ".card .k{color:var(--muted);font-size:13px}\n"
    ".card.warn{border-color:#d9822b;background:#fff7ee}\n"
    ".card.bad{border-color:#c62828;background:#fdeeee}\n"
    "table{border-collapse:collapse;margin:8px 0 14px;font-size:14px}\n"
    "th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;"
    "vertical-align:top}\n"
    "th{background:var(--head);font-weight:600}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr:hover td{background:#f8f9fc}\n"
    "td.fail{color:#c62828;font-weight:600}\n"
    "td.err{min-width:300px;font-size:12px;color:#5b6475}\n"
    "tr.pareto td{background:#eef6ee}\n"
    ".swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;"
    "vertical-align:-1px}\n"
    ".missing{border:1px dashed #b8c0cc;border-radius:8px;padding:10px 14px;color:var(--muted);"
    "margin:8px 0;max-width:880px}\n"
    ".scroll{overflow-x:auto}\n"
    ".bars{display:flex;width:110px;height:12px;margin-top:4px}.bar{height:12px}\n"
    "#cost-table{font-size:13px}#cost-table th,#cost-table td{padding:4px 6px}\n"
    "svg{display:block;margin:6px 0 12px;max-width:100%;height:auto;font-family:system-ui,"
    "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\n"
    ".multiples{display:flex;flex-wrap:wrap;gap:4px 18px}\n"
    "details{margin:10px 0}summary{cursor:pointer;color:var(--accent)}\n"
    "code{background:#f3f5f9;padding:0 3px;border-radius:3px}\n"
    "footer{margin:40px 0 10px;color:var(--muted);font-size:13px}\n";

void html_page_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    html_text(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style_sheet);
}

void html_page_end(FILE *f)
{
    fputs("<footer>Written by msasim " MSASIM_VERSION
          ". A single self-contained file: no scripts, no network.</footer>\n</body>\n</html>\n",
          f);
}

/* ---- colours ----------------------------------------------------------------- */

const char *svg_owner_colour(unsigned code)
{
    static const char *const owner[MPU_OWNER_COUNT] = {
        [MPU_OWNER_NONE] = "#eeeeee",      [MPU_OWNER_HV_TEXT] = "#0072b2",
        [MPU_OWNER_HV_RODATA] = "#56b4e9", [MPU_OWNER_HV_DATA] = "#009e73",
        [MPU_OWNER_HV_HEAP] = "#e69f00",   [MPU_OWNER_DEVICE] = "#cc79a7",
        [MPU_OWNER_TRANSIENT_MAP] = "#d55e00", [MPU_OWNER_GUEST_STAGE2] = "#6a3d9a",
        [MPU_OWNER_OTHER] = "#8c8c8c",
    };
    /* Guest regions take a colour per domain, so domains can be told apart. */
    static const char *const guest[] = {"#6a3d9a", "#b15928", "#1f78b4", "#33a02c",
                                        "#e31a1c", "#a6761d", "#666666", "#f781bf"};
    unsigned o = code % 16, d = code / 16;
    if (code == 0 || o >= MPU_OWNER_COUNT)
        return owner[MPU_OWNER_NONE];
    if (o == MPU_OWNER_GUEST_STAGE2 && d > 0)
        return guest[(d - 1) % (sizeof guest / sizeof guest[0])];
    return owner[o];
}

const char *svg_series_colour(unsigned i)
{
    static const char *const palette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
                                          "#56b4e9", "#000000", "#8c564b", "#999933", "#882255"};
    return palette[i % (sizeof palette / sizeof palette[0])];
}

/* ---- charts ------------------------------------------------------------------ */

void svg_begin(struct svg_chart *c, FILE *f, const char *id, const char *title, int width,
               int height)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->width = width;
    c->height = height;
    c->left = 64;
    c->right = 18;
    c->top = 14;
    c->bottom = 46;
    c->x1 = c->y1 = 1;
    fprintf(f, "<svg id=\"");
    html_text(f, id);
    fprintf(f, "\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "xmlns=\"http://www.w3.org/2000/svg\" aria-label=\"",
            width, height, width, height);
    html_text(f, title);
    fputs("\"><title>", f);
    html_text(f, title);
    fputs("</title>\n", f);
}

void svg_end(struct svg_chart *c)
{
    fputs("</svg>\n", c->f);
}

static double frac_of(double v, double lo, double hi, bool log)
{
    if (log) {
        if (v <= 0)
            return 0;
        v = log10(v);
        lo = log10(lo);
        hi = log10(hi);
    }
    double fr = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return fr < 0 ? 0 : fr > 1 ? 1 : fr;
}

double svg_x(const struct svg_chart *c, double v)
{
    double w = c->width - c->left - c->right;
    return c->left + w * frac_of(v, c->x0, c->x1, c->xlog);
}

double svg_y(const struct svg_chart *c, double v)
{
    double h = c->height - c->top - c->bottom;
    return c->top + h * (1 - frac_of(v, c->y0, c->y1, c->ylog));
}

static double nice_step(double span, int target)
{
    double raw = span / target;
    double mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

void svg_nice_range(double *lo, double *hi, bool log)
{
    if (log) {
        if (*lo <= 0)
            *lo = *hi > 0 ? *hi / 10 : 1;
        *lo = pow(10, floor(log10(*lo)));
        *hi = pow(10, ceil(log10(*hi > *lo ? *hi : *lo * 10)));
        if (*hi <= *lo)
            *hi = *lo * 10;
        return;
    }
    if (*lo > 0)
        *lo = 0;
    if (*hi <= *lo)
        *hi = *lo + 1;
    double step = nice_step(*hi - *lo, 5);
    *hi = ceil(*hi / step - 1e-9) * step;
}

/* Tick values of one axis; returns how many.  `integer`: counts, so no
 * step below 1. */
static int ticks(double lo, double hi, bool log, bool integer, double *out, int max)
{
    int n = 0;
    if (log) {
        for (double t = pow(10, ceil(log10(lo) - 1e-9)); t <= hi * (1 + 1e-9) && n < max; t *= 10)
            out[n++] = t;
        return n;
    }
    double step = nice_step(hi - lo, 5);
    if (integer && step < 1)
        step = 1;
    for (double t = ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-6 && n < max; t += step)
        out[n++] = fabs(t) < step * 1e-9 ? 0 : t;
    return n;
}

void svg_axes(const struct svg_chart *c, const char *xlabel, const char *ylabel)
{
    FILE *f = c->f;
    double t[16];
    char buf[REPORT_NUM_MAX];
    double px0 = c->left, px1 = c->width - c->right;
    double py0 = c->top, py1 = c->height - c->bottom;
    fputs("<g class=\"grid\" stroke=\"#e3e7ee\" stroke-width=\"1\">\n", f);
    int ny = ticks(c->y0, c->y1, c->ylog, c->y_integer, t, 16);
    for (int i = 0; i < ny; i++)
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", px0, px1,
                svg_y(c, t[i]), svg_y(c, t[i]));
    fputs("</g>\n<g class=\"ticks\" font-size=\"12\" fill=\"#333\">\n", f);
    for (int i = 0; i < ny && !c->hide_y_ticks; i++)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", px0 - 6,
                svg_y(c, t[i]) + 4, report_si(t[i], buf, sizeof buf));
    fputs("</g>\n", f);
    fprintf(f, "<path d=\"M%.1f %.1fV%.1f\" fill=\"none\" stroke=\"#888\"/>\n", px0, py0, py1);
    svg_x_axis(c, xlabel);
    if (ylabel) {
        fprintf(f, "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\" "
                   "font-size=\"13\">",
                (py0 + py1) / 2);
        html_text(f, ylabel);
        fputs("</text>\n", f);
    }
}

void svg_x_axis(const struct svg_chart *c, const char *xlabel)
{
    FILE *f = c->f;
    double t[16];
    char buf[REPORT_NUM_MAX];
    double px0 = c->left, px1 = c->width - c->right;
    double py1 = c->height - c->bottom;
    /* A narrow window far from 0 (the runtime after a long boot) is labelled
     * by the offset from its start, or every tick would read the same. */
    bool rel = !c->xlog && c->x0 > 0 && (c->x1 - c->x0) < c->x0 / 20;
    double base = rel ? c->x0 : 0;
    fputs("<g class=\"ticks\" font-size=\"12\" fill=\"#333\">\n", f);
    int nx = ticks(c->x0 - base, c->x1 - base, c->xlog, c->x_integer, t, 16);
    for (int i = 0; i < nx; i++) {
        double x = svg_x(c, t[i] + base);
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n", x,
                x, py1, py1 + 4);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s%s</text>\n", x, py1 + 17,
                rel && t[i] > 0 ? "+" : "", report_si(t[i], buf, sizeof buf));
    }
    fputs("</g>\n", f);
    fprintf(f, "<path d=\"M%.1f %.1fH%.1f\" fill=\"none\" stroke=\"#888\"/>\n", px0, py1, px1);
    if (xlabel) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\">",
                (px0 + px1) / 2, py1 + 36);
        html_text(f, xlabel);
        if (rel)
            fprintf(f, " after %s", report_num(base, buf, sizeof buf));
        fputs("</text>\n", f);
    }
}

void svg_legend_item(FILE *f, double x, double y, const char *colour, const char *label,
                     bool dashed)
{
    if (dashed)
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n",
                x, x + 18, y - 4, y - 4, colour);
    else
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>\n",
                x, y - 10, colour);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">", x + (dashed ? 24 : 17), y);
    html_text(f, label);
    fputs("</text>\n", f);
}
