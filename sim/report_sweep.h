/* How a sweep's results are grouped for the Pareto view: points are split
 * by platform (comparing designs across platforms means little), coloured
 * by policy (the parameters whose values are words, such as
 * hv-opt=alloc=prenr), and each chart puts two figures that are both
 * better when lower against each other. */
#ifndef MSASIM_SIM_REPORT_SWEEP_H
#define MSASIM_SIM_REPORT_SWEEP_H

#include <stdio.h>

#include "sim/sweep_table.h"

#define SWEEP_VIEW_MAX_CHARTS 2

struct sweep_chart_axes {
    long xcol, ycol;
    const char *xlabel, *ylabel;
};

struct sweep_view {
    const struct sweep_table *t;
    long facet_col;                 /* the `platform` parameter, or -1 */
    size_t nfacets;
    const char **facet_names;       /* cells of the table */
    size_t *facet_of;               /* [nrows] */
    size_t npolicy_cols;
    size_t policy_cols[32];
    size_t npolicies;
    char **policy_names;
    size_t *policy_of;              /* [nrows] */
    bool have_exposure;
    size_t ncharts;
    struct sweep_chart_axes charts[SWEEP_VIEW_MAX_CHARTS];
    bool *front[SWEEP_VIEW_MAX_CHARTS]; /* [nrows], within the row's facet */
    size_t nfailed;
    size_t nexhausted;              /* completed, but some region allocation failed */
};

/* A point that completed without running out of regions: only those take
 * part in the Pareto front (a design that could not map everything looks
 * cheap for the wrong reason). */
bool sweep_view_eligible(const struct sweep_view *v, size_t row);

int sweep_view_build(const struct sweep_table *t, struct sweep_view *v);
void sweep_view_free(struct sweep_view *v);
/* "name=value name=value" of the parameters of a row except the facet. */
void sweep_view_config(const struct sweep_view *v, size_t row, char *buf, size_t len);

void report_sweep_html(const struct sweep_view *v, const char *source, FILE *f);

#endif
