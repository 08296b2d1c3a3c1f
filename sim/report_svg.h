/* Inline SVG for the HTML reports: an HTML page, a chart frame with axes
 * and "nice" ticks (linear or logarithmic), and the colours of owners and
 * series.  Everything is written straight to a FILE; no scripts, no external
 * resources, so the page works offline and in any browser. */
#ifndef MSASIM_SIM_REPORT_SVG_H
#define MSASIM_SIM_REPORT_SVG_H

#include <stdbool.h>
#include <stdio.h>

/* ---- HTML ------------------------------------------------------------------ */

/* Text with &, <, >, " and ' escaped. */
void html_text(FILE *f, const char *s);
/* printf, then escaped. */
void html_textf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <!DOCTYPE html> ... <body>, with the report's style sheet inline. */
void html_page_begin(FILE *f, const char *title);
void html_page_end(FILE *f);

/* ---- charts ----------------------------------------------------------------- */

struct svg_chart {
    FILE *f;
    int width, height;                 /* the whole picture, in px */
    int left, right, top, bottom;      /* margins around the plot area */
    double x0, x1, y0, y1;             /* data ranges of the axes */
    bool xlog, ylog;
    bool hide_y_ticks;                 /* a second panel sharing the y axis */
    bool x_integer, y_integer;         /* the axis counts things: no ticks between integers */
};

/* Opens <svg> with an id, a title (shown on hover and read by screen
 * readers) and the plot area's geometry; set the ranges before drawing. */
void svg_begin(struct svg_chart *c, FILE *f, const char *id, const char *title, int width,
               int height);
void svg_end(struct svg_chart *c);
/* Grid, ticks and labels of both axes (tick values written as 1.2k, 3M). */
void svg_axes(const struct svg_chart *c, const char *xlabel, const char *ylabel);
/* The x axis alone, along the bottom of the plot area. */
void svg_x_axis(const struct svg_chart *c, const char *xlabel);
/* Data to pixel coordinates (clamped to the plot area). */
double svg_x(const struct svg_chart *c, double v);
double svg_y(const struct svg_chart *c, double v);
/* Widens [lo, hi] to start at 0 (linear) and end on a round value. */
void svg_nice_range(double *lo, double *hi, bool log);
/* A legend row at (x, y): colour swatches and labels. */
void svg_legend_item(FILE *f, double x, double y, const char *colour, const char *label,
                     bool dashed);

/* Colours: owner of a slot (by owner tag; guest regions by domain), and
 * the n-th line of a chart (a colour-blind-safe palette). */
const char *svg_owner_colour(unsigned code);
const char *svg_series_colour(unsigned i);

#endif
