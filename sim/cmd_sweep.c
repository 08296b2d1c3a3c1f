/* msasim sweep --param NAME=V1,V2,... [--param ...] [--jobs N] [--out F] -- SUBCOMMAND ARGS... */
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
};

static const struct opt_spec sweep_specs[] = {
    {"param", OPT_LIST, offsetof(struct sweep_opts, params), "NAME=V1,V2,...",
     "a parameter to sweep: a long option of the subcommand and its values (repeatable)", 0, 0, NULL},
    {"jobs", OPT_UINT, offsetof(struct sweep_opts, jobs), "N",
     "points run in parallel (default: one per online CPU)", 1, 1024, NULL},
    {"out", OPT_STRING, offsetof(struct sweep_opts, out), "FILE",
     "the CSV to write (default: stdout); written whole or not at all", 0, 0, NULL},
    {0},
};

static void sweep_usage(FILE *out)
{
    fputs("usage: msasim sweep --param NAME=V1,V2,... [--param ...] [--jobs N] [--out FILE]\n"
          "                    -- SUBCOMMAND ARGS...\n"
          "\n"
          "Runs SUBCOMMAND once per point of the cross product of the parameters, each\n"
          "point as its own msasim process with --NAME=VALUE added for every parameter\n"
          "and its statistics written to a temporary file.  Writes one CSV row per\n"
          "point: the parameters, the exit status and the last error line, then every\n"
          "figure of the statistics' `summary`.  Failing points are recorded and the\n"
          "sweep goes on; the exit status is 1 when any point failed.\n"
          "\noptions:\n",
          out);
    opt_print_help(sweep_specs, out);
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
    if (res.npositional) {
        fprintf(stderr, "msasim: sweep: unexpected '%s' before '--' (see msasim sweep --help)\n",
                res.positional[0]);
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
    static char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        cli_error("sweep: cannot find the msasim binary (/proc/self/exe)");
        sweep_spec_release(&spec);
        return MSA_EXIT_USAGE;
    }
    self[len] = '\0';
    spec.self = self;
    spec.sub_argc = argc - dash - 1;
    spec.sub_argv = argv + dash + 1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    spec.jobs = o.jobs ? (unsigned)o.jobs : (unsigned)(online > 0 ? online : 1);
    spec.progress = isatty(STDERR_FILENO);

    long failed = sweep_run(&spec, o.out ? o.out : "-", &err);
    sweep_spec_release(&spec);
    if (failed < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (failed > 0) {
        fprintf(stderr, "msasim: sweep: %ld point(s) failed; see the status and error columns\n", failed);
        return MSA_EXIT_SIM_FAILED;
    }
    return MSA_EXIT_OK;
}
