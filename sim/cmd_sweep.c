/* msasim sweep --param NAME=V1,V2,... [--param ...] [--jobs N] [--out F] [--html F]
 *              -- SUBCOMMAND ARGS...
 * msasim sweep --emit slurm DIR --param ... -- SUBCOMMAND ARGS...
 * msasim sweep --run-task DIR [--task N]
 * msasim sweep --collect DIR [--out F] [--html F] */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli.h"
#include "sim/options.h"
#include "sim/sweep.h"

struct sweep_opts {
    struct opt_list params;
    uint64_t jobs;
    const char *out;
    const char *html;
    int emit;
    const char *run_task;
    uint64_t task;
    const char *collect;
};

static const char *const emit_choices[] = {"none", "slurm", NULL};

static const struct opt_spec sweep_specs[] = {
    {"param", OPT_LIST, offsetof(struct sweep_opts, params), "NAME=V1,V2,...",
     "a parameter to sweep and its values (repeatable; see below)", 0, 0, NULL},
    {"jobs", OPT_UINT, offsetof(struct sweep_opts, jobs), "N",
     "points run in parallel (default: one per online CPU)", 1, 1024, NULL},
    {"out", OPT_STRING, offsetof(struct sweep_opts, out), "FILE",
     "the CSV to write (default: stdout); written whole or not at all", 0, 0, NULL},
    {"html", OPT_STRING, offsetof(struct sweep_opts, html), "FILE",
     "also write the HTML report with the Pareto view", 0, 0, NULL},
    {"emit", OPT_CHOICE, offsetof(struct sweep_opts, emit), "slurm",
     "write a Slurm job array and a manifest into DIR instead of running", 0, 0, emit_choices},
    {"run-task", OPT_STRING, offsetof(struct sweep_opts, run_task), "DIR",
     "run one point of DIR's manifest (--task N, else $SLURM_ARRAY_TASK_ID)", 0, 0, NULL},
    {"task", OPT_UINT, offsetof(struct sweep_opts, task), "N",
     "with --run-task: the point's index", 0, SWEEP_MAX_POINTS - 1, NULL},
    {"collect", OPT_STRING, offsetof(struct sweep_opts, collect), "DIR",
     "merge DIR's results into the CSV (--out) and the report (--html)", 0, 0, NULL},
    {0},
};

static void sweep_usage(FILE *out)
{
    fputs("usage: msasim sweep --param NAME=V1,V2,... [--param ...] [--jobs N] [--out FILE]\n"
          "                    [--html FILE] -- SUBCOMMAND ARGS...\n"
          "       msasim sweep --emit slurm DIR --param ... -- SUBCOMMAND ARGS...\n"
          "       msasim sweep --run-task DIR [--task N]\n"
          "       msasim sweep --collect DIR [--out FILE] [--html FILE]\n"
          "\n"
          "Runs SUBCOMMAND once per point of the cross product of the parameters, each\n"
          "point as its own msasim process with its statistics written to a temporary\n"
          "file.  Writes one CSV row per point: the parameters, the exit status and the\n"
          "last error line, then every figure of the statistics' `summary`.  Failing\n"
          "points are recorded and the sweep goes on; the exit status is 1 when any\n"
          "point failed.  Progress and an ETA go to stderr when it is a terminal.\n"
          "\n"
          "parameters:\n"
          "  NAME=V1,V2          --NAME=V for a long option of the subcommand\n"
          "                      (mpu-regions=16,32; hv-opt=alloc=first-fit,alloc=prenr)\n"
          "  OPTION:KEY=V1,V2    --OPTION=KEY=V (hv-opt:alloc=first-fit,prenr,reserved=4)\n"
          "  A.B=V1,V2           a name with a dot is a --set key: --set=A.B=V\n"
          "  The text is split at its first '='; values are split at commas (\\, is a\n"
          "  comma inside a value).\n"
          "\n"
          "on a cluster:\n"
          "  --emit slurm DIR writes DIR/manifest.tsv (every point's command line),\n"
          "  DIR/sweep.sbatch (a job array, task N runs point N: sbatch DIR/sweep.sbatch)\n"
          "  and DIR/README (the same with GNU parallel:\n"
          "  parallel msasim sweep --run-task DIR --task {} ::: $(seq 0 N-1)).\n"
          "  --collect DIR then writes the CSV a local sweep would have written.\n"
          "\noptions:\n",
          out);
    opt_print_help(sweep_specs, out);
}

static const char *self_path(void)
{
    static char self[SWEEP_PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return NULL;
    self[len] = '\0';
    return self;
}

static int exit_for(long failed, const struct msa_error *err, const char *what)
{
    if (failed < 0) {
        cli_error(err->msg);
        return MSA_EXIT_USAGE;
    }
    if (failed > 0) {
        fprintf(stderr, "msasim: sweep: %ld point(s) %s; see the status and error columns\n", failed,
                what);
        return MSA_EXIT_SIM_FAILED;
    }
    return MSA_EXIT_OK;
}

/* --run-task and --collect: no parameters, no subcommand. */
static int scale_out_step(const struct sweep_opts *o, const struct opt_result *res, bool has_dash)
{
    struct msa_error err = {{0}};
    if (o->params.count || has_dash || res->npositional || o->emit) {
        cli_error(o->run_task ? "sweep: --run-task DIR takes no --param, --emit or subcommand: the "
                                "manifest in DIR has them"
                              : "sweep: --collect DIR takes no --param, --emit or subcommand: the "
                                "manifest in DIR has them");
        return MSA_EXIT_USAGE;
    }
    if (o->run_task && o->collect) {
        cli_error("sweep: give --run-task or --collect, not both");
        return MSA_EXIT_USAGE;
    }
    if (o->collect)
        return exit_for(sweep_collect(o->collect, o->out ? o->out : "-", o->html, &err), &err,
                        "failed or have no result");
    const char *self = self_path();
    if (!self) {
        cli_error("sweep: cannot find the msasim binary (/proc/self/exe)");
        return MSA_EXIT_USAGE;
    }
    bool given = false;
    for (int i = 0; i < res->ngiven; i++)
        given |= strcmp(res->given[i], "task") == 0;
    int rc = sweep_run_task(self, o->run_task, given ? (long)o->task : -1, &err);
    if (rc < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    return rc ? MSA_EXIT_SIM_FAILED : MSA_EXIT_OK;
}

int cmd_sweep(int argc, char **argv)
{
    /* Split at "--": options before, the subcommand after. */
    int dash = -1;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            dash = i;
            break;
        }
    struct sweep_opts o = {0};
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(sweep_specs, &o, dash < 0 ? argc : dash, argv, &res, &help, "sweep", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        sweep_usage(stdout);
        return MSA_EXIT_OK;
    }
    if (o.run_task || o.collect)
        return scale_out_step(&o, &res, dash >= 0);
    /* --emit slurm DIR: DIR is the one word before "--". */
    if (res.npositional > (o.emit ? 1 : 0)) {
        fprintf(stderr, "msasim: sweep: unexpected '%s' before '--' (see msasim sweep --help)\n",
                res.positional[o.emit ? 1 : 0]);
        return MSA_EXIT_USAGE;
    }
    if (o.emit && res.npositional != 1) {
        cli_error("sweep: --emit slurm needs a directory: --emit slurm DIR");
        return MSA_EXIT_USAGE;
    }
    if (dash < 0 || dash + 1 >= argc) {
        cli_error("sweep: missing '-- SUBCOMMAND ARGS...' (see msasim sweep --help)");
        return MSA_EXIT_USAGE;
    }
    if (o.params.count == 0) {
        cli_error("sweep: give at least one --param NAME=V1,V2,...");
        return MSA_EXIT_USAGE;
    }
    if (strcmp(argv[dash + 1], "sweep") == 0) {
        cli_error("sweep: a sweep cannot run sweep");
        return MSA_EXIT_USAGE;
    }

    struct sweep_spec spec;
    memset(&spec, 0, sizeof spec);
    for (int i = 0; i < o.params.count; i++) {
        if (sweep_add_param(&spec, o.params.items[i], &err) < 0) {
            cli_error(err.msg);
            sweep_spec_release(&spec);
            return MSA_EXIT_USAGE;
        }
    }
    spec.self = self_path();
    if (!spec.self) {
        cli_error("sweep: cannot find the msasim binary (/proc/self/exe)");
        sweep_spec_release(&spec);
        return MSA_EXIT_USAGE;
    }
    spec.sub_argc = argc - dash - 1;
    spec.sub_argv = argv + dash + 1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    spec.jobs = o.jobs ? (unsigned)o.jobs : (unsigned)(online > 0 ? online : 1);
    spec.progress = isatty(STDERR_FILENO);

    int rc;
    if (o.emit) {
        rc = sweep_emit_slurm(&spec, res.positional[0], &err) < 0 ? MSA_EXIT_USAGE : MSA_EXIT_OK;
        if (rc != MSA_EXIT_OK)
            cli_error(err.msg);
        else
            fprintf(stderr, "msasim: sweep: %zu points written to %s (see %s/README)\n",
                    sweep_point_count(&spec), res.positional[0], res.positional[0]);
    } else {
        rc = exit_for(sweep_run(&spec, o.out ? o.out : "-", o.html, &err), &err, "failed");
    }
    sweep_spec_release(&spec);
    return rc;
}
