/* Design-space sweeps: the cross product of parameter values, each point run
 * as a separate msasim process (so a point that fails or crashes cannot take
 * the sweep down), in parallel, with one CSV row per point: the parameters,
 * the exit status and error, then the `summary` figures of its statistics. */
#ifndef MSASIM_SIM_SWEEP_H
#define MSASIM_SIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

#define SWEEP_MAX_PARAMS 16
#define SWEEP_MAX_VALUES 256
#define SWEEP_MAX_POINTS 100000

struct sweep_param {
    char *name;                       /* a long option of the subcommand */
    int nvalues;
    char *values[SWEEP_MAX_VALUES];
};

struct sweep_spec {
    int nparams;
    struct sweep_param params[SWEEP_MAX_PARAMS];
    const char *self;                 /* the msasim binary to run */
    int sub_argc;                     /* SUBCOMMAND ARGS... */
    char **sub_argv;
    unsigned jobs;
    bool progress;                    /* progress and ETA on stderr */
};

/* Parses "NAME=V1,V2,..." into the next parameter.  Errors name the text. */
int sweep_add_param(struct sweep_spec *spec, const char *text, struct msa_error *err);
void sweep_spec_release(struct sweep_spec *spec);

size_t sweep_point_count(const struct sweep_spec *spec);
/* Value index of each parameter for point `i` (the last parameter varies
 * fastest). */
void sweep_point_indices(const struct sweep_spec *spec, size_t i, int *idx);

/* Runs every point and writes the CSV to `out_path` ("-" for stdout),
 * atomically.  Returns the number of failed points, or -1 when the sweep
 * itself could not run (err says why). */
long sweep_run(const struct sweep_spec *spec, const char *out_path, struct msa_error *err);

#endif
