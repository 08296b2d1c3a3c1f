/* Design-space sweeps: the cross product of parameter values, each point run
 * as a separate msasim process (so a point that fails or crashes cannot take
 * the sweep down), with one CSV row per point: the parameters, the exit
 * status and error, then the `summary` figures of its statistics.
 *
 * The same points run three ways:
 *   - locally, in parallel (sweep_run);
 *   - on a cluster: sweep_emit_slurm writes a manifest and a Slurm job-array
 *     script, each array task runs one point (sweep_run_task, which GNU
 *     parallel can drive too), and sweep_collect merges the results into the
 *     same CSV a local sweep writes.
 *
 * Parameter names:
 *   NAME           --NAME=VALUE, for any long option of the subcommand
 *   OPTION:KEY     --OPTION=KEY=VALUE (hv-opt:alloc=first-fit,prenr)
 *   A.B (a dot)    --set=A.B=VALUE, a --set key (l1d.size=16K,32K)
 * Values are split at commas ("\," is a comma inside a value, "\\" a
 * backslash); a parameter's text is split at its first '=', so values may
 * hold '=' (hv-opt=alloc=first-fit,alloc=prenr). */
#ifndef MSASIM_SIM_SWEEP_H
#define MSASIM_SIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sim/error.h"

struct json_doc;

#define SWEEP_MAX_PARAMS 16
#define SWEEP_MAX_VALUES 256
#define SWEEP_MAX_POINTS 100000
#define SWEEP_PATH_MAX 4096

struct sweep_param {
    char *name;                       /* as given: the CSV column */
    char *prefix;                     /* the argument before the value: "--mpu-regions=" */
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

/* The command line of point `i`: `argv0` SUBCOMMAND, the parameters as
 * options, "--stats-json STATS" when `stats` is not NULL, then the
 * subcommand's ARGS.  NULL-terminated; free with sweep_argv_free. */
char **sweep_point_argv(const struct sweep_spec *spec, size_t i, const char *argv0,
                        const char *stats);
void sweep_argv_free(char **argv);

/* ---- running points -------------------------------------------------------- */

/* How one point ended: its exit status (128 + signal when killed), the last
 * line it wrote on stderr, and a JSON document whose "summary" object holds
 * its figures (NULL when it wrote none). */
struct sweep_outcome {
    int status;
    char error[MSA_ERROR_MAX];
    struct json_doc *doc;
};

/* A point running as a child process; its stderr and statistics go to
 * files in `tmpdir`, named after the point. */
struct sweep_proc {
    pid_t pid;
    char stats_path[SWEEP_PATH_MAX];
    char err_path[SWEEP_PATH_MAX];
};

/* Starts point `i` (in directory `cwd` when not NULL). */
int sweep_proc_start(const struct sweep_spec *spec, size_t i, const char *tmpdir, const char *cwd,
                     struct sweep_proc *p, struct msa_error *err);
/* Reads what the finished process left and removes its files. */
void sweep_proc_finish(struct sweep_proc *p, int wstatus, struct sweep_outcome *o);

/* Writes the CSV (to `csv_path`, "-" for stdout) and, when `html_path` is
 * not NULL, the sweep's HTML report; each whole or not at all. */
int sweep_write_results(const struct sweep_spec *spec, const struct sweep_outcome *o, size_t n,
                        const char *csv_path, const char *html_path, struct msa_error *err);

/* Runs every point locally and writes the results.  Returns the number of
 * failed points, or -1 when the sweep itself could not run (err says why). */
long sweep_run(const struct sweep_spec *spec, const char *out_path, const char *html_path,
               struct msa_error *err);

/* ---- scaling out ---------------------------------------------------------------- */

/* Writes DIR/manifest.tsv, DIR/sweep.sbatch (a job array, one task a point)
 * and DIR/README, and creates DIR/results and DIR/logs. */
int sweep_emit_slurm(const struct sweep_spec *spec, const char *dir, struct msa_error *err);
/* Runs point `task` of the manifest in DIR (task < 0: the index from
 * SLURM_ARRAY_TASK_ID) and writes DIR/results/TASK.json.  Returns the
 * point's outcome as 0 (it succeeded) or 1 (it failed, recorded), or -1 when
 * the task could not run at all. */
int sweep_run_task(const char *self, const char *dir, long task, struct msa_error *err);
/* Merges DIR/results into the CSV (and HTML).  Returns the number of points
 * that failed or have no result, or -1. */
long sweep_collect(const char *dir, const char *out_path, const char *html_path,
                   struct msa_error *err);

/* The manifest in DIR read back as a spec (params, subcommand and ARGS; the
 * working directory the points run in goes to `cwd`).  For tests and
 * sweep_collect; release with sweep_spec_release and sweep_manifest_free. */
struct sweep_manifest;
int sweep_manifest_read(const char *dir, struct sweep_manifest **out, struct msa_error *err);
const struct sweep_spec *sweep_manifest_spec(const struct sweep_manifest *m);
const char *sweep_manifest_cwd(const struct sweep_manifest *m);
void sweep_manifest_free(struct sweep_manifest *m);

#endif
