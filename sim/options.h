/* Declarative command-line options.  Each subcommand describes its options
 * in a table; the parser fills a struct through offsets, checks every value
 * against what the table accepts, and reports errors that name the option,
 * the value and what would have been accepted.  The same table produces the
 * --help text, so the help cannot drift from what the parser does. */
#ifndef MSASIM_SIM_OPTIONS_H
#define MSASIM_SIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/error.h"

enum opt_kind {
    OPT_FLAG,    /* no value; sets a bool */
    OPT_UINT,    /* unsigned integer (decimal, 0x hex, k/M/G suffix) within [min, max] */
    OPT_STRING,  /* any non-empty string */
    OPT_CHOICE,  /* one of `choices` (a NULL-terminated list); stores the index */
    OPT_ONOFF,   /* on|off; sets a bool */
    OPT_LIST,    /* may repeat; each value appended to a string list */
};

#define OPT_MAX_LIST 64

struct opt_list {
    int count;
    const char *items[OPT_MAX_LIST];
};

struct opt_spec {
    const char *name;          /* long name without the dashes */
    enum opt_kind kind;
    size_t offset;             /* where in the target struct the value goes */
    const char *metavar;       /* shown in help: N, FILE, ... */
    const char *help;
    uint64_t min, max;         /* OPT_UINT bounds, inclusive */
    const char *const *choices;/* OPT_CHOICE */
    char short_name;           /* optional one-letter alias: -o */
};

struct opt_result {
    int npositional;
    const char *positional[OPT_MAX_LIST];
    /* Names of the options that appeared on the command line, so callers
     * can tell "left at its default" from "given". */
    int ngiven;
    const char *given[OPT_MAX_LIST * 2];
};

/* Parses argv[0..argc) (the subcommand's own arguments).  "--" ends options;
 * later words are positional.  `--name=value` and `--name value` both work.
 * Returns 0, or -1 with `err` naming the option and value.  A "--help" or
 * "-h" word sets *help_requested and stops. */
int opt_parse(const struct opt_spec *specs, void *target, int argc, char **argv,
              struct opt_result *res, bool *help_requested, const char *cmd,
              struct msa_error *err);

bool opt_was_given(const struct opt_result *res, const char *name);

/* Parses an unsigned number with optional 0x prefix and k/K, M, G suffix
 * (binary multiples).  Returns -1 on anything else, including overflow. */
int opt_parse_u64(const char *s, uint64_t *out);

/* Writes the options part of a help text, one option a line, aligned. */
void opt_print_help(const struct opt_spec *specs, FILE *out);

#endif
