/* msasim replay TRACE: the requests of a recorded (or imported) boot trace
 * made again against a hypervisor module, without executing instructions.
 *
 * The platform comes from the trace; the module, its options and the
 * region counts come from the trace unless the command line says
 * otherwise, so one trace serves a whole design sweep:
 *
 *     msasim sweep --param mpu-regions=8,12,16,32 -- replay boot.mtrace
 *
 * Under the recorded configuration the figures equal the recorded run's.
 * Under another one, region exhaustion is counted and the replay goes on
 * (--on-exhaustion stop makes it end the replay, as `boot` does).
 *
 * Exit status: 0 replayed; 1 the simulated hypervisor failed (a refused
 * mapping, a fault, an inconsistency, exhaustion with --on-exhaustion
 * stop); 2 bad usage or input (options, a corrupt or truncated trace, a
 * trace from a newer format, an event the platform cannot take). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/rate_clock.h"

#include "hv/hv_trace.h"
#include "sim/cli.h"
#include "sim/options.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "sim/trace.h"
#include "sim/trace_record.h"

struct replay_opts {
    const char *hv;
    uint64_t mpu_regions;
    uint64_t el1_mpu_regions;
    struct opt_list hv_opts;
    bool directmap;
    bool json;
    const char *stats_json;
    int check;
    int on_exhaustion;
    const char *trace_out;
    bool time;
};

static const char *const check_choices[] = {"every", "end", "off", NULL};
static const char *const exhaustion_choices[] = {"continue", "stop", NULL};

static const struct opt_spec replay_specs[] = {
    {"hv", OPT_STRING, offsetof(struct replay_opts, hv), "MODULE",
     "memory manager (default: the recorded one): a built-in name or ./NAME.so", 0, 0, NULL, 0},
    {"hv-opt", OPT_LIST, offsetof(struct replay_opts, hv_opts), "KEY=VALUE",
     "a module or core option, after the recorded ones (repeatable)", 0, 0, NULL, 0},
    {"mpu-regions", OPT_UINT, offsetof(struct replay_opts, mpu_regions), "N",
     "EL2 MPU regions per core (default: the recorded count)", 1, 256, NULL, 0},
    {"el1-mpu-regions", OPT_UINT, offsetof(struct replay_opts, el1_mpu_regions), "N",
     "EL1 MPU regions per core (default: the recorded count)", 1, 256, NULL, 0},
    {"directmap", OPT_ONOFF, offsetof(struct replay_opts, directmap), "on|off",
     "the module option directmap=on|off (modules with a directmap)", 0, 0, NULL, 0},
    {"json", OPT_FLAG, offsetof(struct replay_opts, json), NULL,
     "print {\"regions\": [...], \"summary\": {...}} instead of the table", 0, 0, NULL, 0},
    {"stats-json", OPT_STRING, offsetof(struct replay_opts, stats_json), "FILE",
     "write the statistics registry as JSON (\"-\" for standard output)", 0, 0, NULL, 0},
    {"check", OPT_CHOICE, offsetof(struct replay_opts, check), "WHEN",
     "compare the module's table with the MPUs after every operation (default), at the end, or off",
     0, 0, check_choices, 0},
    {"on-exhaustion", OPT_CHOICE, offsetof(struct replay_opts, on_exhaustion), "WHAT",
     "when no EL2 MPU region is free: continue and count (default) or stop (exit 1)", 0, 0,
     exhaustion_choices, 0},
    {"trace-out", OPT_STRING, offsetof(struct replay_opts, trace_out), "FILE",
     "record the requests as replayed (text; binary for *.mtrace; gzipped for *.gz)", 0, 0, NULL,
     0},
    {"time", OPT_FLAG, offsetof(struct replay_opts, time), NULL,
     "print the events replayed per second (wall clock and CPU time) on standard error", 0, 0,
     NULL, 0},
    {0},
};

static void replay_usage(FILE *out)
{
    fputs("usage: msasim replay TRACE [--hv MODULE] [--hv-opt K=V ...] [--mpu-regions N]\n"
          "                     [--directmap on|off] [--json] [--stats-json FILE]\n"
          "                     [--trace-out FILE]\n"
          "\n"
          "Replays a boot trace (traces/FORMAT.md; text or binary, plain or gzipped): the\n"
          "hypervisor model is built on the trace's platform and every recorded request\n"
          "(mappings, map_domain_page, domain construction, context switches) is made\n"
          "again against the module, without executing instructions.  Prints the EL2 MPU\n"
          "layout like `msasim boot`; --stats-json writes the same statistics.  Recorded\n"
          "module options are dropped when --hv names another module (core options such\n"
          "as fdt-addr, heap, device and cost.* are kept).\n"
          "\noptions:\n",
          out);
    opt_print_help(replay_specs, out);
    fputs("\nexit status: 0 replayed, 1 the simulated hypervisor failed (a refused mapping,\n"
          "a fault, an inconsistency, exhaustion with --on-exhaustion stop), 2 bad usage or\n"
          "input (a corrupt, truncated or newer trace; an event the platform cannot take)\n",
          out);
}

static int load_platform(const struct trace_header *h, const char *trace, struct platform **plat,
                         struct msa_error *err)
{
    switch (h->platform_kind) {
    case TRACE_PLATFORM_DTB:
        return platform_from_fdt(h->dtb, h->dtb_size, h->platform, plat, err);
    case TRACE_PLATFORM_BUILTIN:
        if (!platform_builtin_dtb(h->platform, NULL))
            return msa_error_set(err, "%s: platform '%s' is not a built-in of this msasim", trace,
                                 h->platform);
        return platform_load(h->platform, plat, err);
    case TRACE_PLATFORM_FILE:
    default:
        return platform_load(h->platform, plat, err);
    }
}

/* The recorded options that still apply, then the command line's. */
static int build_options(const struct trace_header *h, bool same_module,
                         const struct replay_opts *o, bool directmap_given, const char **opts,
                         unsigned *n, char *directmap_buf, struct msa_error *err)
{
    *n = 0;
    for (unsigned i = 0; i < h->noptions; i++)
        if (same_module || hv_option_is_core(h->options[i]))
            opts[(*n)++] = h->options[i];
    for (int i = 0; i < o->hv_opts.count; i++) {
        if (*n >= TRACE_MAX_OPTIONS + OPT_MAX_LIST)
            return msa_error_set(err, "too many module options");
        opts[(*n)++] = o->hv_opts.items[i];
    }
    if (directmap_given) {
        snprintf(directmap_buf, 16, "directmap=%s", o->directmap ? "on" : "off");
        opts[(*n)++] = directmap_buf;
    }
    return 0;
}

static void counter(struct stats *st, const char *name, const char *desc, uint64_t v)
{
    uint64_t *c = stats_counter(st, name, desc);
    if (c)
        *c = v;
}

struct replay_run {
    struct trace_reader *r;
    struct platform *plat;
    struct stats *stats;
    struct hv *hv;
    struct trace_recording *rec;
};

static void run_free(struct replay_run *x)
{
    trace_record_abort(x->rec);
    hv_destroy(x->hv);
    stats_free(x->stats);
    platform_free(x->plat);
    trace_close(x->r);
}

/* Feeds every event; returns an enum hv_status, with `err` prefixed by the
 * trace position when the input is at fault. */
static int feed(struct replay_run *x, bool timed, struct msa_error *err)
{
    struct hv_event ev;
    int rc, st = HV_RUN_OK;
    struct rate_clock clock = rate_clock_start();
    while ((rc = trace_next(x->r, &ev, err)) == 1) {
        st = hv_replay_event(x->hv, &ev, err);
        if (st) {
            if (st == HV_RUN_BAD_INPUT) {
                char where[600];
                trace_where(x->r, where, sizeof where);
                msa_error_prefix(err, "%s: ", where);
            }
            return st;
        }
    }
    if (rc < 0)
        return HV_RUN_BAD_INPUT;
    st = hv_replay_finish(x->hv, err);
    if (st == HV_RUN_BAD_INPUT) {
        char where[600];
        trace_where(x->r, where, sizeof where);
        msa_error_prefix(err, "%s: ", where);
    }
    if (timed)
        rate_clock_report(&clock, stderr, "replay", "replayed", trace_events_read(x->r));
    return st;
}

int cmd_replay(int argc, char **argv)
{
    struct replay_opts o = {0};
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(replay_specs, &o, argc, argv, &res, &help, "replay", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        replay_usage(stdout);
        return MSA_EXIT_OK;
    }
    if (res.npositional != 1) {
        cli_error(res.npositional ? "replay: one trace at a time (see msasim replay --help)"
                                  : "replay: expected a TRACE file (see msasim replay --help)");
        return MSA_EXIT_USAGE;
    }
    const char *path = res.positional[0];
    struct replay_run x = {0};
    if (trace_open(path, &x.r, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    const struct trace_header *h = trace_header(x.r);
    if (load_platform(h, path, &x.plat, &err) < 0) {
        cli_error(err.msg);
        run_free(&x);
        return MSA_EXIT_USAGE;
    }

    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = o.hv ? o.hv : h->module;
    bool same_module = !o.hv || strcmp(o.hv, h->module) == 0;
    const char *opts[TRACE_MAX_OPTIONS + OPT_MAX_LIST + 1];
    char directmap_buf[16];
    unsigned nopts;
    if (build_options(h, same_module, &o, opt_was_given(&res, "directmap"), opts, &nopts,
                      directmap_buf, &err) < 0) {
        cli_error(err.msg);
        run_free(&x);
        return MSA_EXIT_USAGE;
    }
    cfg.options = opts;
    cfg.noptions = nopts;
    cfg.mpu_regions = o.mpu_regions ? (unsigned)o.mpu_regions : h->mpu_regions;
    cfg.el1_mpu_regions = o.el1_mpu_regions ? (unsigned)o.el1_mpu_regions : h->el1_mpu_regions;
    cfg.check = o.check == 1 ? HV_CHECK_END : o.check == 2 ? HV_CHECK_OFF : HV_CHECK_EVERY;
    cfg.continue_on_exhaustion = o.on_exhaustion == 0;
    cfg.fdt_size = h->fdt_size;

    x.stats = stats_new();
    if (!x.stats) {
        cli_error("out of memory");
        run_free(&x);
        return MSA_EXIT_SIM_FAILED;
    }
    int st = hv_create(&cfg, x.plat, x.stats, &x.hv, &err);
    if (st != HV_RUN_OK) {
        cli_error(err.msg);
        run_free(&x);
        return st == HV_RUN_BAD_INPUT ? MSA_EXIT_USAGE : MSA_EXIT_SIM_FAILED;
    }
    if (o.trace_out) {
        struct trace_header out = *h;
        out.module = cfg.module;
        out.noptions = 0;
        for (unsigned i = 0; i < nopts && i < TRACE_MAX_OPTIONS; i++)
            out.options[out.noptions++] = opts[i];
        out.mpu_regions = cfg.mpu_regions;
        out.el1_mpu_regions = cfg.el1_mpu_regions;
        if (out.nnotes < TRACE_MAX_NOTES)
            out.notes[out.nnotes++] = "re-recorded by msasim replay";
        if (trace_record_start(x.hv, o.trace_out, &out, &x.rec, &err) < 0) {
            cli_error(err.msg);
            run_free(&x);
            return MSA_EXIT_USAGE;
        }
    }

    st = feed(&x, o.time, &err);
    char line[MSA_ERROR_MAX + 16];
    for (unsigned i = 0; st != HV_RUN_BAD_INPUT && hv_note_at(x.hv, i); i++) {
        snprintf(line, sizeof line, "note: %s", hv_note_at(x.hv, i));
        cli_error(line);
    }
    if (st == HV_RUN_BAD_INPUT) {
        cli_error(err.msg);
        run_free(&x);
        return MSA_EXIT_USAGE;
    }
    int exit_code = MSA_EXIT_OK;
    if (st == HV_RUN_FAILED) {
        cli_error(err.msg);
        for (unsigned i = 1; hv_finding_at(x.hv, i); i++) {
            snprintf(line, sizeof line, "also: %s", hv_finding_at(x.hv, i));
            cli_error(line);
        }
        exit_code = MSA_EXIT_SIM_FAILED;
    }
    if (o.json)
        hv_write_json(x.hv, stdout);
    else
        hv_write_text(x.hv, stdout);
    hv_export_stats(x.hv);
    struct hv_replay_stats rs;
    hv_replay_stats(x.hv, &rs);
    counter(x.stats, "replay.events", "trace events applied", rs.events);
    counter(x.stats, "replay.skipped", "events left out after a failure in their operation",
            rs.skipped);
    counter(x.stats, "replay.cycle_mismatches",
            "events whose recorded cycle differs from the replay's (0 under the recorded "
            "configuration)", rs.cycle_mismatches);
    stats_meta_set(x.stats, "replay.trace", path);
    if (o.stats_json && stats_write_json_file(x.stats, o.stats_json, &err) < 0) {
        cli_error(err.msg);
        exit_code = MSA_EXIT_USAGE;
    }
    if (x.rec) {
        if (trace_record_finish(x.rec, &err) < 0) {
            cli_error(err.msg);
            exit_code = MSA_EXIT_USAGE;
        }
        x.rec = NULL;
    }
    run_free(&x);
    return exit_code;
}
