/* msasim platform show [--json] FILE|virt|fvp-r */
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/options.h"
#include "sim/platform.h"

struct platform_show_opts {
    bool json;
};

static const struct opt_spec show_specs[] = {
    {"json", OPT_FLAG, offsetof(struct platform_show_opts, json), NULL,
     "print the description as JSON (integers for addresses and sizes)", 0, 0, NULL},
    {0},
};

static void platform_usage(FILE *out)
{
    fputs("usage: msasim platform show [--json] FILE|virt|fvp-r\n"
          "\n"
          "Prints the platform description read from a device tree: memory banks,\n"
          "reserved memory, CPUs, interrupt controller, UARTs, timer, PSCI, /chosen\n"
          "(boot arguments, modules, static heap) and Xen dom0less domains.\n"
          "FILE is a DTB, or a DTS compiled with dtc; virt and fvp-r are built in.\n"
          "\noptions:\n",
          out);
    opt_print_help(show_specs, out);
}

int cmd_platform(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        platform_usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? MSA_EXIT_USAGE : MSA_EXIT_OK;
    }
    if (strcmp(argv[0], "show") != 0) {
        fprintf(stderr, "msasim platform: unknown action '%s': expected show\n", argv[0]);
        return MSA_EXIT_USAGE;
    }
    struct platform_show_opts o = {0};
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(show_specs, &o, argc - 1, argv + 1, &res, &help, "platform show", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        platform_usage(stdout);
        return MSA_EXIT_OK;
    }
    if (res.npositional != 1) {
        cli_error(res.npositional ? "platform show: give exactly one platform (FILE, virt or fvp-r)"
                                  : "platform show: missing platform: give FILE, virt or fvp-r");
        return MSA_EXIT_USAGE;
    }
    struct platform *p;
    if (platform_load(res.positional[0], &p, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (o.json)
        platform_write_json(p, stdout);
    else
        platform_write_text(p, stdout);
    platform_free(p);
    return MSA_EXIT_OK;
}
