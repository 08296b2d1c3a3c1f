/* msasim trace convert IN OUT [--format text|binary]: the lossless
 * conversion between the two forms of a boot trace;
 * msasim trace info TRACE: what a trace holds. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "sim/rate_clock.h"

#include "sim/cli.h"
#include "sim/options.h"
#include "sim/trace.h"

struct trace_opts {
    int format;              /* 0: from OUT's name, 1 text, 2 binary */
    bool time;
};

static const char *const format_choices[] = {"auto", "text", "binary", NULL};

static const struct opt_spec trace_specs[] = {
    {"format", OPT_CHOICE, offsetof(struct trace_opts, format), "FORM",
     "convert: the output form (auto: binary for *.mtrace[.gz], text otherwise)", 0, 0,
     format_choices, 0},
    {"time", OPT_FLAG, offsetof(struct trace_opts, time), NULL,
     "info: print the events read per second (wall clock and CPU time) on standard error", 0,
     0, NULL, 0},
    {0},
};

static void trace_usage(FILE *out)
{
    fputs("usage: msasim trace convert IN OUT [--format auto|text|binary]\n"
          "       msasim trace info TRACE [--time]\n"
          "\n"
          "convert  rewrites a boot trace in the other form (traces/FORMAT.md), losslessly:\n"
          "         text -> binary -> text gives the same bytes.  Input may be gzipped;\n"
          "         OUT is gzipped when it ends in .gz.\n"
          "info     prints the header and the number of events of each kind.\n"
          "\noptions:\n",
          out);
    opt_print_help(trace_specs, out);
    fputs("\nexit status: 0 success, 2 bad usage or a corrupt, truncated or newer trace\n", out);
}

static int info(const char *path, bool timed)
{
    struct msa_error err = {{0}};
    struct trace_reader *r;
    if (trace_open(path, &r, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    uint64_t per_kind[HV_EV_KIND_COUNT] = {0}, first = 0, last = 0;
    struct hv_event ev;
    int rc;
    struct rate_clock clock = rate_clock_start();
    while ((rc = trace_next(r, &ev, &err)) == 1) {
        if (trace_events_read(r) == 1)
            first = ev.cycle;
        last = ev.cycle;
        per_kind[ev.kind]++;
    }
    if (timed && rc >= 0)
        rate_clock_report(&clock, stderr, "trace info", "read", trace_events_read(r));
    if (rc < 0) {
        cli_error(err.msg);
        trace_close(r);
        return MSA_EXIT_USAGE;
    }
    const struct trace_header *h = trace_header(r);
    printf("trace            %s (%s form, format version %u)\n", path,
           trace_form(r) == TRACE_TEXT ? "text" : "binary", h->version);
    if (h->platform_kind == TRACE_PLATFORM_DTB)
        printf("platform         %s (embedded DTB, %zu bytes)\n", h->platform, h->dtb_size);
    else
        printf("platform         %s (%s)\n", h->platform,
               h->platform_kind == TRACE_PLATFORM_BUILTIN ? "built-in" : "file");
    printf("module           %s\n", h->module);
    for (unsigned i = 0; i < h->noptions; i++)
        printf("option           %s\n", h->options[i]);
    printf("mpu-regions      %u EL2, %u EL1\n", h->mpu_regions, h->el1_mpu_regions);
    for (unsigned i = 0; i < h->nnotes; i++)
        printf("note             %s\n", h->notes[i]);
    printf("events           %" PRIu64 "\n", trace_events_read(r));
    for (unsigned k = 0; k < HV_EV_KIND_COUNT; k++)
        if (per_kind[k])
            printf("  %-18s %" PRIu64 "\n", hv_ev_kind_name((enum hv_ev_kind)k), per_kind[k]);
    printf("cycles           %" PRIu64 " to %" PRIu64 "\n", first, last);
    trace_close(r);
    return MSA_EXIT_OK;
}

int cmd_trace(int argc, char **argv)
{
    struct trace_opts o = {0};
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(trace_specs, &o, argc, argv, &res, &help, "trace", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        trace_usage(stdout);
        return MSA_EXIT_OK;
    }
    const char *verb = res.npositional ? res.positional[0] : "";
    if (strcmp(verb, "info") == 0) {
        if (res.npositional != 2) {
            cli_error("trace info: expected one TRACE (see msasim trace --help)");
            return MSA_EXIT_USAGE;
        }
        return info(res.positional[1], o.time);
    }
    if (strcmp(verb, "convert") == 0) {
        if (res.npositional != 3) {
            cli_error("trace convert: expected IN and OUT (see msasim trace --help)");
            return MSA_EXIT_USAGE;
        }
        const char *out = res.positional[2];
        enum trace_form form = o.format == 1   ? TRACE_TEXT
                               : o.format == 2 ? TRACE_BINARY
                                               : trace_form_for_path(out);
        uint64_t n = 0;
        if (trace_convert(res.positional[1], out, form, &n, &err) < 0) {
            cli_error(err.msg);
            return MSA_EXIT_USAGE;
        }
        return MSA_EXIT_OK;
    }
    char msg[256];
    snprintf(msg, sizeof msg, "trace: unknown action '%s': expected convert or info", verb);
    cli_error(msg);
    return MSA_EXIT_USAGE;
}
