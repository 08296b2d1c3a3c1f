/* msasim run: execute bare-metal programs on a simulated platform. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli.h"
#include "sim/machine.h"
#include "sim/msasim.h"
#include "sim/options.h"
#include "sim/stats.h"
#include "sim/user_mode.h"

struct run_opts {
    const char *platform;
    int profile;
    const char *hv;
    struct opt_list hv_opts;
    uint64_t cores;
    uint64_t mpu_regions;
    uint64_t el1_mpu_regions;
    int el1_msa;
    bool timing;
    const char *core;
    struct opt_list sets;
    uint64_t max_insns;
    uint64_t max_cycles;
    const char *stats_json;
    const char *trace_out;
    struct opt_list modules;
    const char *kernel;
    const char *append;
    const char *symbols;
    bool directmap;
    bool user;
};

static const char *const profile_names[] = {"r", "a", NULL};
static const char *const el1_msa_names[] = {"mpu", "mmu", NULL};

static const struct opt_spec run_specs[] = {
    {"platform", OPT_STRING, offsetof(struct run_opts, platform), "P",
     "virt, fvp-r (default) or a DTB/DTS file", 0, 0, NULL},
    {"profile", OPT_CHOICE, offsetof(struct run_opts, profile), NULL,
     "r: Armv8-R AArch64, a: Armv8-A (default: from the platform's CPUs)", 0, 0, profile_names},
    {"hv", OPT_STRING, offsetof(struct run_opts, hv), "MODULE",
     "hypervisor model: none (the program runs bare at EL2), or xen-mpu (profile r), xen-mmu "
     "(profile a), a module .so: every PROGRAM is a guest at EL1", 0, 0, NULL},
    {"hv-opt", OPT_LIST, offsetof(struct run_opts, hv_opts), "KEY=VALUE",
     "an option of the hypervisor model (as msasim boot --hv-opt; repeatable)", 0, 0, NULL},
    {"cores", OPT_UINT, offsetof(struct run_opts, cores), "N",
     "number of cores (default: as the device tree lists)", 1, 64, NULL},
    {"mpu-regions", OPT_UINT, offsetof(struct run_opts, mpu_regions), "N",
     "EL2 MPU regions per core, profile r (default 32)", 1, 256, NULL},
    {"el1-mpu-regions", OPT_UINT, offsetof(struct run_opts, el1_mpu_regions), "N",
     "EL1 MPU regions per core, profile r (default 16)", 1, 256, NULL},
    {"el1-msa", OPT_CHOICE, offsetof(struct run_opts, el1_msa), NULL,
     "profile r: mmu gives EL1 the optional MMU (VMSA when VTCR_EL2.MSA = 1; default mpu)", 0, 0,
     el1_msa_names},
    {"timing", OPT_ONOFF, offsetof(struct run_opts, timing), NULL,
     "cycle model (default off: functional execution at full speed)", 0, 0, NULL},
    {"core", OPT_STRING, offsetof(struct run_opts, core), "NAME|FILE",
     "core description for --timing on: cortex-r82, cortex-a53 or a file (default: by profile)", 0, 0, NULL},
    {"set", OPT_LIST, offsetof(struct run_opts, sets), "KEY=VALUE",
     "override a timing parameter, e.g. l1d.size=16K (repeatable; keys in cpu/timing/README.md)", 0, 0, NULL},
    {"max-insns", OPT_UINT, offsetof(struct run_opts, max_insns), "N",
     "stop after N instructions in total, exit status 1 (default: no limit)", 1, UINT64_MAX, NULL},
    {"max-cycles", OPT_UINT, offsetof(struct run_opts, max_cycles), "N",
     "stop after N cycles, exit status 1: the cycle model's with --timing on (each core may pass N "
     "by one instruction), else instructions in total (default: no limit)", 1, UINT64_MAX, NULL},
    {"stats-json", OPT_STRING, offsetof(struct run_opts, stats_json), "FILE",
     "write the statistics as JSON (schema in sim/STATS_SCHEMA.md); - for stdout", 0, 0, NULL},
    {"directmap", OPT_ONOFF, offsetof(struct run_opts, directmap), "on|off",
     "with --hv xen-mmu: --hv-opt directmap=on|off (whether Xen maps all RAM at EL2)", 0, 0, NULL},
    {"kernel", OPT_STRING, offsetof(struct run_opts, kernel), "IMAGE",
     "boot an arm64 Image with the Linux boot protocol (x0 = the device tree, with --append and "
     "the --module files in /chosen) instead of running a PROGRAM", 0, 0, NULL},
    {"append", OPT_STRING, offsetof(struct run_opts, append), "ARGS",
     "with --kernel: the /chosen bootargs", 0, 0, NULL},
    {"symbols", OPT_STRING, offsetof(struct run_opts, symbols), "ELF",
     "take the program's symbols from this ELF (e.g. the debug symbols of a --kernel Image): "
     "cycles per function with --timing on", 0, 0, NULL},
    {"module", OPT_LIST, offsetof(struct run_opts, modules), "ADDR:FILE[:ARGS]",
     "with --kernel: a boot module loaded at ADDR with its bootargs (the first is the "
     "multiboot,kernel); with --hv and a platform with xen,domain nodes: the file of the module "
     "the tree places at ADDR (repeatable)", 0, 0, NULL},
    {"trace-out", OPT_STRING, offsetof(struct run_opts, trace_out), "FILE",
     "with --hv: record the model's requests as a trace for msasim replay (text; binary for "
     "*.mtrace; gzipped for *.gz); written when the run ends", 0, 0, NULL},
    {"user", OPT_FLAG, offsetof(struct run_opts, user), NULL,
     "run a static AArch64 Linux executable at EL0 (arguments after PROGRAM, or after --)", 0, 0, NULL},
    {0},
};

static void run_usage(FILE *out)
{
    fputs("usage: msasim run [OPTIONS] PROGRAM\n"
          "       msasim run --hv MODULE [OPTIONS] GUEST...\n"
          "       msasim run --hv MODULE --platform TREE --module ADDR:FILE... [OPTIONS]\n"
          "       msasim run --user PROGRAM [ARGS...]\n"
          "\n"
          "Runs a bare-metal AArch64 program (ELF, or Linux arm64 Image) on the\n"
          "platform: it starts at EL2 with the MMU and MPU off, at the entry point,\n"
          "as QEMU starts a -kernel with virtualization=on.  The program's output\n"
          "(semihosting and PL011) is the only thing printed on stdout; a semihosting\n"
          "exit sets the exit status.\n"
          "\n"
          "With --hv, the files are EL1 guests of the hypervisor model, one domain\n"
          "each; or, on a platform with /chosen xen,domain nodes, the domains are the\n"
          "tree's and --module puts their multiboot modules' files in memory.  The\n"
          "guests' shutdown sets the exit status (poweroff 0, crash 1).\n"
          "\noptions:\n",
          out);
    opt_print_help(run_specs, out);
}

/* The machine's clock (sim/msasim.h): the cycle model's cycles with
 * --timing on (ctx points at that flag), else instructions. */
static void show_progress(void *ctx, uint64_t cycles)
{
    const bool *timing = ctx;
    fprintf(stderr, "\rmsasim: %" PRIu64 " M %s", cycles / 1000000, *timing ? "cycles" : "instructions");
}

/* --kernel IMAGE [--append ARGS] [--module ADDR:FILE[:ARGS]]...: the Linux
 * boot protocol (sim/embed_boot.c). */
static int boot_kernel(msasim_t *h, const struct run_opts *o)
{
    struct msasim_boot_module mods[OPT_MAX_LIST];
    char *copies[OPT_MAX_LIST] = {0};
    int rc = 0, n = 0;
    for (; n < o->modules.count && rc == 0; n++) {
        const char *arg = o->modules.items[n];
        char *s = copies[n] = malloc(strlen(arg) + 1);
        if (!s) {
            cli_error("out of memory");
            rc = -1;
            break;
        }
        strcpy(s, arg);
        char *colon = strchr(s, ':'), *end;
        unsigned long long addr = colon ? strtoull(s, &end, 0) : 0;
        if (!colon || end != colon || colon == s || !colon[1]) {
            fprintf(stderr, "msasim: run: --module %s: expected ADDR:FILE[:ARGS], e.g. "
                    "0x49000000:guest.Image:console=hvc0\n", arg);
            rc = -2;
            break;
        }
        char *args = strchr(colon + 1, ':');
        if (args)
            *args++ = '\0';
        mods[n] = (struct msasim_boot_module){addr, colon + 1, args};
    }
    if (rc == 0)
        rc = msasim_boot_kernel(h, o->kernel, o->append, mods, (unsigned)n);
    for (int i = 0; i < o->modules.count; i++)
        free(copies[i]);
    return rc;
}

/* --hv MODULE: the programs are guests of the hypervisor model
 * (sim/machine_hv.c); the exit status is theirs (SCHEDOP_shutdown). */
static int run_guests(const struct run_opts *o, const struct opt_result *res)
{
    struct msa_error err = {{0}};
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.platform = o->platform;
    cfg.profile = o->profile < 0 ? MACHINE_PROFILE_FROM_PLATFORM
                                 : (o->profile == 0 ? MACHINE_PROFILE_R : MACHINE_PROFILE_A);
    cfg.cores = (unsigned)o->cores;
    cfg.mpu_regions = (unsigned)o->mpu_regions;
    cfg.el1_mpu_regions = (unsigned)o->el1_mpu_regions;
    cfg.timing = o->timing;
    cfg.timing_core = o->core;
    cfg.timing_sets = o->sets.items;
    cfg.ntiming_sets = (unsigned)o->sets.count;
    struct machine *m;
    if (machine_create(&cfg, &m, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    struct stats *s = stats_new();
    if (!s) {
        cli_error("out of memory");
        machine_destroy(m);
        return MSA_EXIT_SIM_FAILED;
    }
    /* --directmap on|off is one more --hv-opt. */
    const char **opts = calloc((size_t)o->hv_opts.count + 1, sizeof *opts);
    if (!opts) {
        cli_error("out of memory");
        machine_destroy(m);
        stats_free(s);
        return MSA_EXIT_SIM_FAILED;
    }
    unsigned nopts = 0;
    for (int i = 0; i < o->hv_opts.count; i++)
        opts[nopts++] = o->hv_opts.items[i];
    if (opt_was_given(res, "directmap"))
        opts[nopts++] = o->directmap ? "directmap=on" : "directmap=off";
    struct machine_hv_config hc = {
        .module = o->hv, .options = opts, .noptions = nopts,
        .guests = (const char *const *)res->positional, .nguests = (unsigned)res->npositional,
        .check_every_op = true,
        .trace_out = o->trace_out,
        .modules = (const char *const *)o->modules.items, .nmodules = (unsigned)o->modules.count,
    };
    if (machine_hv_attach(m, &hc, s, &err) < 0) {
        cli_error(err.msg);
        machine_destroy(m);
        stats_free(s);
        free(opts);
        return MSA_EXIT_USAGE;
    }
    struct machine_result r = machine_run_cycles(m, o->max_insns, o->max_cycles, NULL, NULL);
    fflush(stdout);
    char msg[MSA_ERROR_MAX] = "";
    int status = machine_hv_exit_status(m, &r, msg, sizeof msg);
    if (status < 0) {
        fprintf(stderr, "msasim: %s\n", r.message[0] ? r.message : machine_stop_name(r.reason));
        status = MSA_EXIT_SIM_FAILED;
    } else if (msg[0]) {
        fprintf(stderr, "msasim: %s\n", msg);
    }
    if (machine_hv_trace_finish(m, &err) < 0) {
        cli_error(err.msg);
        status = MSA_EXIT_USAGE;
    }
    if (o->stats_json) {
        stats_meta_set(s, "tool", "msasim " MSASIM_VERSION);
        stats_meta_set(s, "command", "run");
        stats_meta_set(s, "program", res->npositional ? res->positional[0] : o->platform);
        machine_export_stats(m, &r, s);
        machine_hv_export(m);
        if (stats_write_json_file(s, o->stats_json, &err) < 0) {
            cli_error(err.msg);
            status = MSA_EXIT_USAGE;
        }
    }
    machine_destroy(m);
    stats_free(s);
    free(opts);
    return status;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = {0};
    o.platform = "fvp-r";
    o.profile = -1;
    o.hv = "none";
    o.mpu_regions = 32;
    o.el1_mpu_regions = 16;
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(run_specs, &o, argc, argv, &res, &help, "run", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        run_usage(stdout);
        return MSA_EXIT_OK;
    }
    if (o.user && (o.timing || strcmp(o.hv, "none") != 0)) {
        cli_error(o.timing ? "run: --user runs without the cycle model: --timing on is not accepted with it"
                           : "run: --user runs a Linux program on its own: --hv is not accepted with it");
        return MSA_EXIT_USAGE;
    }
    if (o.user && o.max_cycles) {
        cli_error("run: --user runs without the cycle model: --max-cycles is not accepted with it "
                  "(use --max-insns)");
        return MSA_EXIT_USAGE;
    }
    if (o.modules.count && !o.kernel && strcmp(o.hv, "none") == 0) {
        cli_error("run: --module fills a xen,domain node's module for the hypervisor model: it "
                  "needs --hv MODULE");
        return MSA_EXIT_USAGE;
    }
    if (o.trace_out && strcmp(o.hv, "none") == 0) {
        cli_error("run: --trace-out records a hypervisor model's requests: it needs --hv MODULE");
        return MSA_EXIT_USAGE;
    }
    if (o.user && res.npositional > 0)
        return user_mode_main(res.npositional, res.positional, o.max_insns, o.stats_json);
    if (o.symbols && (o.user || strcmp(o.hv, "none") != 0)) {
        cli_error("run: --symbols names the symbols of a PROGRAM or --kernel run at EL2");
        return MSA_EXIT_USAGE;
    }
    if (strcmp(o.hv, "none") != 0)
        return run_guests(&o, &res);
    if (!o.timing && (o.core || o.sets.count)) {
        cli_error(o.core ? "run: --core needs --timing on" : "run: --set needs --timing on");
        return MSA_EXIT_USAGE;
    }
    if (o.kernel && res.npositional) {
        cli_error("run: --kernel boots an Image in place of a PROGRAM: give one or the other");
        return MSA_EXIT_USAGE;
    }
    if (!o.kernel && (o.append || o.modules.count)) {
        cli_error(o.append ? "run: --append gives the bootargs of a --kernel"
                           : "run: --module without --hv belongs to a --kernel boot");
        return MSA_EXIT_USAGE;
    }
    if (!o.kernel && res.npositional != 1) {
        cli_error(res.npositional ? "run: give exactly one PROGRAM" : "run: missing PROGRAM (see msasim run --help)");
        return MSA_EXIT_USAGE;
    }

    struct msasim_options mo;
    msasim_options_init(&mo);
    mo.platform = o.platform;
    mo.profile = o.profile < 0 ? NULL : profile_names[o.profile];
    mo.cores = (unsigned)o.cores;
    mo.mpu_regions = (unsigned)o.mpu_regions;
    mo.el1_mpu_regions = (unsigned)o.el1_mpu_regions;
    mo.el1_mmu = o.el1_msa == 1;
    mo.timing = o.timing;
    mo.timing_core = o.core;
    /* the --set list, NULL-terminated */
    const char *sets[OPT_MAX_LIST + 1] = {0};
    for (int i = 0; i < o.sets.count; i++)
        sets[i] = o.sets.items[i];
    mo.settings = sets;
    bool tty = isatty(STDERR_FILENO);
    mo.progress = tty ? show_progress : NULL;
    mo.progress_ctx = &o.timing;

    char msg[MSA_ERROR_MAX];
    msasim_t *h = msasim_create(&mo, msg, sizeof msg);
    if (!h) {
        cli_error(msg);
        return MSA_EXIT_USAGE;
    }
    /* boot_kernel says itself what is wrong with a --module (-2). */
    int loaded = o.kernel ? boot_kernel(h, &o) : msasim_load_program(h, res.positional[0]);
    if (loaded == 0 && o.symbols)
        loaded = msasim_load_symbols(h, o.symbols);
    if (loaded < 0) {
        if (loaded != -2)
            cli_error(msasim_last_error(h));
        msasim_destroy(h);
        return MSA_EXIT_USAGE;
    }
    struct msasim_result r;
    msasim_run_limits(h, o.max_cycles, o.max_insns, &r);
    fflush(stdout);
    if (tty && msasim_cycles(h) >= (1u << 24))
        fputc('\n', stderr);

    int status = msasim_exit_code(&r);
    if (status != MSA_EXIT_OK && r.reason != MSASIM_STOP_EXIT)
        fprintf(stderr, "msasim: %s\n", r.message[0] ? r.message : msasim_stop_name(r.reason));

    if (o.stats_json) {
        struct stats *s = stats_new();
        if (!s) {
            cli_error("out of memory");
            msasim_destroy(h);
            return MSA_EXIT_SIM_FAILED;
        }
        stats_meta_set(s, "tool", "msasim " MSASIM_VERSION);
        stats_meta_set(s, "command", "run");
        stats_meta_set(s, "program", o.kernel ? o.kernel : res.positional[0]);
        msasim_export_stats(h, s);
        if (stats_write_json_file(s, o.stats_json, &err) < 0) {
            cli_error(err.msg);
            status = MSA_EXIT_USAGE;
        }
        stats_free(s);
    }
    msasim_destroy(h);
    return status;
}
