/* msasim boot: a hypervisor memory manager boots on a platform without
 * executing instructions, and the EL2 MPU layout it leaves is reported:
 * platform -> boot-time layout -> dom0less domains created -> runtime
 * layout after the first context switches.
 *
 * Exit status: 0 the boot completed; 1 the simulated hypervisor failed
 * (regions exhausted, including a boot layout larger than --mpu-regions, a
 * refused mapping, an inconsistency between the module's table and the
 * MPU); 2 bad usage or input (options, the device tree, a domain that
 * cannot be built).  On status 1 the layout reached so far is still
 * printed and the statistics written, because they show what filled the
 * MPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "sim/cli.h"
#include "sim/options.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "sim/trace_record.h"

struct boot_opts {
    const char *platform;
    const char *hv;
    uint64_t mpu_regions;
    uint64_t el1_mpu_regions;
    struct opt_list hv_opts;
    bool json;
    const char *stats_json;
    int check;
    int on_exhaustion;
    const char *trace_out;
    bool directmap;
};

static const char *const check_choices[] = {"every", "end", "off", NULL};
static const char *const exhaustion_choices[] = {"stop", "continue", NULL};

static const struct opt_spec boot_specs[] = {
    {"platform", OPT_STRING, offsetof(struct boot_opts, platform), "P",
     "platform: fvp-r (default), virt, or a DTB/DTS file", 0, 0, NULL, 0},
    {"hv", OPT_STRING, offsetof(struct boot_opts, hv), "MODULE",
     "memory manager: xen-mpu (default) or a shared object ./NAME.so", 0, 0, NULL, 0},
    {"mpu-regions", OPT_UINT, offsetof(struct boot_opts, mpu_regions), "N",
     "EL2 MPU regions per core (default 32)", 1, 256, NULL, 0},
    {"el1-mpu-regions", OPT_UINT, offsetof(struct boot_opts, el1_mpu_regions), "N",
     "EL1 MPU regions per core (default 16)", 1, 256, NULL, 0},
    {"hv-opt", OPT_LIST, offsetof(struct boot_opts, hv_opts), "KEY=VALUE",
     "a module or core option, repeatable (see below)", 0, 0, NULL, 0},
    {"json", OPT_FLAG, offsetof(struct boot_opts, json), NULL,
     "print {\"regions\": [...], \"summary\": {...}} instead of the table", 0, 0, NULL, 0},
    {"stats-json", OPT_STRING, offsetof(struct boot_opts, stats_json), "FILE",
     "write the statistics registry as JSON (\"-\" for standard output)", 0, 0, NULL, 0},
    {"check", OPT_CHOICE, offsetof(struct boot_opts, check), "WHEN",
     "compare the module's table with the MPUs after every operation (default), at the end, or off", 0, 0,
     check_choices, 0},
    {"on-exhaustion", OPT_CHOICE, offsetof(struct boot_opts, on_exhaustion), "WHAT",
     "when no EL2 MPU region is free: stop (exit 1, default) or continue and count", 0, 0,
     exhaustion_choices, 0},
    {"directmap", OPT_ONOFF, offsetof(struct boot_opts, directmap), "on|off",
     "the module option directmap=on|off (xen-mmu; modules without a directmap: ignored)", 0, 0,
     NULL, 0},
    {"trace-out", OPT_STRING, offsetof(struct boot_opts, trace_out), "FILE",
     "record the boot trace (text; binary for *.mtrace; gzipped for *.gz)", 0, 0, NULL, 0},
    {0},
};

static void boot_usage(FILE *out)
{
    fputs("usage: msasim boot [--platform P] [--hv MODULE] [--mpu-regions N] [--hv-opt K=V ...]\n"
          "                   [--json] [--stats-json FILE] [--trace-out FILE]\n"
          "\n"
          "Boots a hypervisor memory manager on the platform's cores without executing\n"
          "instructions and prints the EL2 MPU layout: the hypervisor's boot regions, its\n"
          "runtime layout after init memory is freed, and each dom0less domain's stage-2\n"
          "regions (slot '-' when not loaded).  Every region write goes through the\n"
          "simulated MPU and is counted and charged in cycles.\n"
          "\noptions:\n",
          out);
    opt_print_help(boot_specs, out);
    fputs("\ncore options (--hv-opt):\n"
          "  fdt-addr=ADDR           where the bootloader left the DTB (default: top of RAM bank 0)\n"
          "  heap=auto|none|B+S      the static heap (auto: xen,static-heap, else a 32 MiB one)\n"
          "  heap-size=SIZE          size of an assumed heap\n"
          "  device=DOM:BASE+SIZE    pass an MMIO range through to domain DOM\n"
          "  cost.NAME=CYCLES        cycle cost of a hardware operation (assumed defaults);\n"
          "                          NAME is one of",
          out);
    for (size_t i = 0; hv_cost_name(i); i++)
        fprintf(out, "%s%s", i == 0 ? " " : i % 6 ? ", " : ",\n                          ",
                hv_cost_name(i));
    fputs("\n", out);
    for (size_t m = 0; hv_builtin_name(m); m++) {
        const struct hv_module_ops *ops = hv_find_module(hv_builtin_name(m));
        fprintf(out, "\nmodule %s: %s\n", ops->name, ops->description ? ops->description : "");
        for (const struct hv_option_doc *d = ops->options; d && d->key; d++) {
            char kv[96];
            snprintf(kv, sizeof kv, "%s=%s", d->key, d->values);
            fprintf(out, "  %-34s (default %s)\n", kv, d->defval);
            if (d->help)
                fprintf(out, "      %s\n", d->help);
        }
    }
    fputs("\nexit status: 0 booted, 1 the simulated hypervisor failed (regions exhausted,\n"
          "a mapping refused, an inconsistency), 2 bad usage or input\n",
          out);
}

/* The size of the device-tree blob Xen would map: the header's totalsize
 * for a DTB or a built-in, unknown (0) for a DTS. */
static uint64_t fdt_size_of(const char *platform)
{
    size_t size;
    if (platform_builtin_dtb(platform, &size))
        return size;
    FILE *f = fopen(platform, "rb");
    if (!f)
        return 0;
    unsigned char h[8];
    uint64_t total = 0;
    if (fread(h, 1, sizeof h, f) == sizeof h && h[0] == 0xd0 && h[1] == 0x0d && h[2] == 0xfe &&
        h[3] == 0xed)
        total = (uint64_t)h[4] << 24 | (uint64_t)h[5] << 16 | (uint64_t)h[6] << 8 | h[7];
    fclose(f);
    return total;
}


int cmd_boot(int argc, char **argv)
{
    struct boot_opts o = {.platform = "fvp-r", .hv = "xen-mpu", .mpu_regions = 32,
                          .el1_mpu_regions = 16};
    struct opt_result res;
    struct msa_error err = {{0}};
    bool help;
    if (opt_parse(boot_specs, &o, argc, argv, &res, &help, "boot", &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    if (help) {
        boot_usage(stdout);
        return MSA_EXIT_OK;
    }
    if (res.npositional) {
        char msg[256];
        snprintf(msg, sizeof msg, "boot: unexpected argument '%s' (the platform is --platform P)",
                 res.positional[0]);
        cli_error(msg);
        return MSA_EXIT_USAGE;
    }

    struct platform *plat;
    if (platform_load(o.platform, &plat, &err) < 0) {
        cli_error(err.msg);
        return MSA_EXIT_USAGE;
    }
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = o.hv;
    cfg.mpu_regions = (unsigned)o.mpu_regions;
    cfg.el1_mpu_regions = (unsigned)o.el1_mpu_regions;
    cfg.options = o.hv_opts.items;
    cfg.noptions = (unsigned)o.hv_opts.count;
    /* --directmap on|off is --hv-opt directmap=on|off for a module that has
     * the option; for the others it is said not to apply. */
    const char **opts = NULL;
    if (opt_was_given(&res, "directmap")) {
        const struct hv_module_ops *m = hv_find_module(o.hv);
        bool has = !m;   /* a shared object decides for itself */
        for (const struct hv_option_doc *d = m ? m->options : NULL; d && d->key; d++)
            has = has || strcmp(d->key, "directmap") == 0;
        if (has) {
            opts = calloc((size_t)o.hv_opts.count + 1, sizeof *opts);
            if (!opts) {
                platform_free(plat);
                cli_error("out of memory");
                return MSA_EXIT_SIM_FAILED;
            }
            for (int i = 0; i < o.hv_opts.count; i++)
                opts[i] = o.hv_opts.items[i];
            opts[o.hv_opts.count] = o.directmap ? "directmap=on" : "directmap=off";
            cfg.options = opts;
            cfg.noptions = (unsigned)o.hv_opts.count + 1;
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "note: --directmap does not apply to module %s (it has no "
                     "directmap: every mapping is an MPU region)", o.hv);
            cli_error(msg);
        }
    }
    cfg.check = o.check == 1 ? HV_CHECK_END : o.check == 2 ? HV_CHECK_OFF : HV_CHECK_EVERY;
    cfg.continue_on_exhaustion = o.on_exhaustion == 1;
    cfg.fdt_size = fdt_size_of(o.platform);

    struct stats *stats = stats_new();
    if (!stats) {
        platform_free(plat);
        cli_error("out of memory");
        free(opts);
        return MSA_EXIT_SIM_FAILED;
    }
    struct hv *hv;
    int st = hv_create(&cfg, plat, stats, &hv, &err);
    if (st != HV_RUN_OK) {
        cli_error(err.msg);
        stats_free(stats);
        platform_free(plat);
        free(opts);
        return st == HV_RUN_BAD_INPUT ? MSA_EXIT_USAGE : MSA_EXIT_SIM_FAILED;
    }
    struct trace_header th;
    unsigned char *dtb = NULL;
    struct trace_recording *rec = NULL;
    if (o.trace_out && (trace_header_for_run(o.platform, &cfg, "recorded by msasim boot", &th,
                                             &dtb, &err) < 0 ||
                        trace_record_start(hv, o.trace_out, &th, &rec, &err) < 0)) {
        cli_error(err.msg);
        free(dtb);
        hv_destroy(hv);
        stats_free(stats);
        platform_free(plat);
        free(opts);
        return MSA_EXIT_USAGE;
    }
    st = hv_boot_run(hv, &err);
    char line[MSA_ERROR_MAX + 16];
    /* Bad input gets its one line alone; otherwise the notes say which
     * assumptions the layout rests on. */
    for (unsigned i = 0; st != HV_RUN_BAD_INPUT && hv_note_at(hv, i); i++) {
        snprintf(line, sizeof line, "note: %s", hv_note_at(hv, i));
        cli_error(line);
    }
    int exit_code = MSA_EXIT_OK;
    if (st == HV_RUN_BAD_INPUT) {
        cli_error(err.msg);
        exit_code = MSA_EXIT_USAGE;
    } else {
        if (st == HV_RUN_FAILED) {
            cli_error(err.msg);
            for (unsigned i = 1; hv_finding_at(hv, i); i++) {
                snprintf(line, sizeof line, "also: %s", hv_finding_at(hv, i));
                cli_error(line);
            }
            exit_code = MSA_EXIT_SIM_FAILED;
        }
        if (o.json)
            hv_write_json(hv, stdout);
        else
            hv_write_text(hv, stdout);
        hv_export_stats(hv);
        if (o.stats_json && stats_write_json_file(stats, o.stats_json, &err) < 0) {
            cli_error(err.msg);
            exit_code = MSA_EXIT_USAGE;
        }
        if (rec && trace_record_finish(rec, &err) < 0) {
            cli_error(err.msg);
            exit_code = MSA_EXIT_USAGE;
        }
        rec = NULL;
    }
    trace_record_abort(rec);
    free(dtb);
    hv_destroy(hv);
    stats_free(stats);
    platform_free(plat);
    free(opts);
    return exit_code;
}
