/* A sweep's results read back from its CSV (RFC 4180: fields may be quoted,
 * "" is a quote inside a quoted field), and the Pareto front of two figures.
 *
 * The CSV is what `msasim sweep` writes: the parameter columns, then
 * `status` and `error`, then the summary figures.  So the header alone says
 * which columns are parameters. */
#ifndef MSASIM_SIM_SWEEP_TABLE_H
#define MSASIM_SIM_SWEEP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

struct sweep_table {
    size_t ncols, nrows;
    char **cols;        /* header */
    char **cells;       /* nrows x ncols, row-major; "" for an empty field */
    size_t nparams;     /* columns before `status` */
    size_t status_col, error_col;
};

/* True when the first line is a sweep CSV header (has `status` then
 * `error`). */
bool sweep_table_detect(const char *text, size_t len);
/* Errors name the input, the line and what was expected. */
int sweep_table_parse(const char *text, size_t len, const char *name, struct sweep_table *t,
                      struct msa_error *err);
void sweep_table_free(struct sweep_table *t);

const char *sweep_cell(const struct sweep_table *t, size_t row, size_t col);
/* Column index by name, or -1. */
long sweep_col(const struct sweep_table *t, const char *name);
/* The cell as a number; false when empty or not a number (or col < 0). */
bool sweep_number(const struct sweep_table *t, size_t row, long col, double *v);
/* The point ran to completion (status 0). */
bool sweep_row_ok(const struct sweep_table *t, size_t row);

/* Marks the points no other point beats in both x and y (both minimised):
 * front[i] is false when some j has x[j] <= x[i] and y[j] <= y[i] with one
 * of them strictly smaller.  Points with use[i] false take no part (and are
 * not on the front).  -1 when out of memory. */
int sweep_pareto(const double *x, const double *y, const bool *use, size_t n, bool *front);

#endif
