/* msasim: one binary, one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"run", cmd_run, "run bare-metal AArch64 programs on a simulated platform"},
    {"boot", cmd_boot, "boot a hypervisor memory manager and print its EL2 MPU layout"},
    {"replay", cmd_replay, "replay a boot trace against a hypervisor module and configuration"},
    {"trace", cmd_trace, "convert a boot trace between its text and binary forms, or describe it"},
    {"report", cmd_report, "render a statistics file as text, CSV or JSON"},
    {"sweep", cmd_sweep, "run a subcommand over the cross product of parameter values, write CSV"},
    {"platform", cmd_platform, "show the platform described by a device tree (or virt, fvp-r)"},
    {NULL, NULL, NULL},
};

void cli_error(const char *msg)
{
    fprintf(stderr, "msasim: %s\n", msg);
}

static void usage(FILE *out)
{
    fputs("usage: msasim SUBCOMMAND [OPTIONS] [ARGS]\n"
          "       msasim --version | --help\n"
          "\n"
          "A cycle-level simulator of Armv8-R AArch64 (MPU) and Armv8-A cores for\n"
          "hypervisor memory-management experiments.\n"
          "\nsubcommands:\n",
          out);
    for (const struct subcommand *c = subcommands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\n'msasim SUBCOMMAND --help' describes each one.\n"
          "exit status: 0 success, 1 the simulated system failed, 2 bad usage or input\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MSA_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return MSA_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("msasim %s\n", MSASIM_VERSION);
        return MSA_EXIT_OK;
    }
    for (const struct subcommand *c = subcommands; c->name; c++)
        if (strcmp(c->name, cmd) == 0)
            return c->fn(argc - 2, argv + 2);
    fprintf(stderr, "msasim: unknown subcommand '%s' (see msasim --help)\n", cmd);
    return MSA_EXIT_USAGE;
}
