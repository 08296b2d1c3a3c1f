/* Reports for people: `msasim report` renders one run's statistics file
 * (text or HTML) or a sweep's CSV (text, HTML with the Pareto view, JSON).
 * Both report kinds explain what they show, so they can be read without the
 * documentation; sections whose data a run did not record say so. */
#ifndef MSASIM_SIM_REPORT_H
#define MSASIM_SIM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/error.h"
#include "sim/stats.h"

/* Text reports are at most this many columns wide. */
#define REPORT_TEXT_WIDTH 100

/* What a report of one run shows besides its sections. */
struct report_options {
    bool all;                /* text: every metric of the registry after the report */
    /* functions to list besides those with the most cycles: comma-separated
     * parts of their names (NULL: none) */
    const char *functions;
};

/* One run.  `source` names the statistics file in the heading; `o` may be
 * NULL.  -1 when out of memory. */
int report_stats_text(const struct stats *s, const char *source, const struct report_options *o,
                      FILE *f);
int report_stats_html(const struct stats *s, const char *source, const struct report_options *o,
                      FILE *f);

/* A sweep's CSV, as `msasim sweep` writes it (see sim/sweep.h).  `text`
 * need not be NUL-terminated; `name` is what errors call it. */
bool report_is_sweep_csv(const char *text, size_t len);
int report_sweep(const char *text, size_t len, const char *name, const char *format, FILE *f,
                 struct msa_error *err);

#endif
