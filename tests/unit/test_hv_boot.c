/* The hypervisor model end to end: the boot path on fvp-r and on the
 * shared dom0less tree (figures checked), bad input that must be refused
 * with a line naming the node or option, the error policy on exhaustion,
 * hypervisor accesses checked against the MPU, cycle costs, and the
 * statistics the model exports. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv/hv.h"
#include "mpu/mpu.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/stats.h"
#include "tests/unit/check_run.h"

static struct platform *load_dts(const char *text)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/msasim-hv-XXXXXX.dts", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct platform *p = NULL;
    struct msa_error err = {{0}};
    int rc = platform_load(path, &p, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "platform: %s", err.msg);
    return p;
}

/* A two-core platform with one domain whose node body is `dom`. */
static struct platform *one_domain(const char *dom)
{
    char text[4096];
    snprintf(text, sizeof text,
             "/dts-v1/;\n/ {\n  #address-cells = <2>; #size-cells = <2>;\n"
             "  memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x80000000>; };\n"
             "  cpus { #address-cells = <1>; #size-cells = <0>;\n"
             "    cpu@0 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <0>; };\n"
             "    cpu@1 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <1>; };\n"
             "  };\n"
             "  uart@9c090000 { compatible = \"arm,pl011\"; reg = <0x0 0x9c090000 0x0 0x1000>; };\n"
             "  chosen { #address-cells = <1>; #size-cells = <1>;\n"
             "    xen,static-heap = <0x0 0x50000000 0x0 0x1000000>;\n"
             "    domU1 { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
             "      %s\n"
             "      module@8000000 { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
             "                       reg = <0x8000000 0x10000>; };\n"
             "    };\n  };\n};\n",
             dom);
    return load_dts(text);
}

static int create(struct platform *p, unsigned regions, const char *const *opts, unsigned n,
                  struct hv **hv, struct msa_error *err)
{
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.mpu_regions = regions;
    cfg.options = opts;
    cfg.noptions = n;
    return hv_create(&cfg, p, NULL, hv, err);
}

static bool has_note(const struct hv *hv, const char *text)
{
    for (unsigned i = 0; hv_note_at(hv, i); i++)
        if (strstr(hv_note_at(hv, i), text))
            return true;
    return false;
}

/* ---- whole boots ------------------------------------------------------------- */

START_TEST(boots_fvp_r)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct hv *hv;
    ck_assert_int_eq(create(p, 32, NULL, 0, &hv, &err), HV_RUN_OK);
    ck_assert_msg(hv_boot_run(hv, &err) == HV_RUN_OK, "%s", err.msg);
    struct hv_summary s;
    hv_summary(hv, &s);
    ck_assert_uint_eq(s.cores, 4);
    ck_assert_uint_eq(s.regions_implemented, 32);
    /* 6 boot regions + early DTB + heap + GICD + GICR; at run time the init
     * text and the DTB are gone. */
    ck_assert_uint_eq(s.regions_boot_peak, 10);
    ck_assert_uint_eq(s.regions_runtime_peak, 8);
    ck_assert_uint_eq(s.regions_used, 8);
    ck_assert_int_eq(s.headroom, 22);
    ck_assert_uint_eq(s.region_failures, 0);
    ck_assert_uint_eq(s.domains, 0);
    ck_assert_uint_eq(s.consistency_errors, 0);
    ck_assert_uint_eq(s.el2_faults, 0);
    ck_assert_uint_gt(s.cycles, 0);
    ck_assert(has_note(hv, "no xen,static-heap"));
    ck_assert(has_note(hv, "modified in place"));
    /* Every core holds the same enabled hypervisor layout (core 0 alone
     * had the early device-tree region, disabled since). */
    for (unsigned c = 1; c < 4; c++)
        for (unsigned slot = 0; slot < 32; slot++) {
            const struct mpu_region *r0 = &hv_core_mpus(hv, 0)->el2.effective[slot];
            const struct mpu_region *rc = &hv_core_mpus(hv, c)->el2.effective[slot];
            ck_assert_uint_eq(rc->prlar & MPU_PRLAR_EN, r0->prlar & MPU_PRLAR_EN);
            if (r0->prlar & MPU_PRLAR_EN) {
                ck_assert_uint_eq(rc->prbar, r0->prbar);
                ck_assert_uint_eq(rc->prlar, r0->prlar);
            }
        }
    hv_destroy(hv);
    platform_free(p);
}
END_TEST

static const char *shared_tree(void)
{
    static char path[1024];
    const char *root = getenv("MSASIM_SHARED");
    snprintf(path, sizeof path, "%s/data/dts/derived/fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb",
             root && *root ? root : "../shared");
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("tests/unit/test_hv_boot.c: SKIP the shared dom0less tree: %s not found "
               "(set MSASIM_SHARED)\n", path);
        return NULL;
    }
    return path;
}

START_TEST(boots_shared_dom0less_tree)
{
    const char *tree = shared_tree();
    if (!tree)
        return;
    static const unsigned counts[] = {16, 32, 255};
    for (unsigned i = 0; i < 3; i++) {
        struct platform *p;
        struct msa_error err;
        ck_assert_int_eq(platform_load(tree, &p, &err), 0);
        struct hv *hv;
        ck_assert_int_eq(create(p, counts[i], NULL, 0, &hv, &err), HV_RUN_OK);
        ck_assert_msg(hv_boot_run(hv, &err) == HV_RUN_OK, "%s", err.msg);
        struct hv_summary s;
        hv_summary(hv, &s);
        ck_assert_uint_eq(s.domains, 1);
        ck_assert_uint_eq(s.vcpus, 1);
        /* 48 MiB kernel page by page, plus a 68 KiB guest DTB. */
        ck_assert_uint_eq(s.map_domain_page_ops, 12288 + 17);
        ck_assert_uint_eq(s.regions_boot_peak, 11);
        ck_assert_uint_eq(s.regions_runtime_peak, 9);
        ck_assert_uint_eq(s.region_failures, 0);
        ck_assert_uint_eq(s.context_switches, 1);
        ck_assert_int_eq(s.headroom, (int)counts[i] - 11);
        hv_destroy(hv);
        platform_free(p);
    }
}
END_TEST

START_TEST(exhaustion_stops_or_continues)
{
    const char *tree = shared_tree();
    if (!tree)
        return;
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load(tree, &p, &err), 0);
    struct hv *hv;
    ck_assert_int_eq(create(p, 10, NULL, 0, &hv, &err), HV_RUN_OK);
    ck_assert_int_eq(hv_boot_run(hv, &err), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(err.msg, "region exhaustion in load_domain"));
    ck_assert_ptr_nonnull(strstr(err.msg, "map_domain_page"));
    hv_destroy(hv);

    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.mpu_regions = 10;
    cfg.continue_on_exhaustion = true;
    ck_assert_int_eq(hv_create(&cfg, p, NULL, &hv, &err), HV_RUN_OK);
    ck_assert_int_eq(hv_boot_run(hv, &err), HV_RUN_OK);
    struct hv_summary s;
    hv_summary(hv, &s);
    ck_assert_uint_eq(s.region_failures, 1);
    ck_assert(has_note(hv, "1 region exhaustion event (the run continued)"));
    hv_destroy(hv);
    platform_free(p);
}
END_TEST

/* ---- bad input ------------------------------------------------------------------ */

START_TEST(more_vcpus_than_cores)
{
    struct platform *p = one_domain("cpus = <3>; memory = <0x0 0x4000>; direct-map;"
                                    " xen,static-mem = <0x10000000 0x1000000>;");
    struct hv *hv = (void *)1;
    struct msa_error err;
    ck_assert_int_eq(create(p, 32, NULL, 0, &hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_null(hv);
    ck_assert_ptr_nonnull(strstr(err.msg, "node /chosen/domU1: property cpus: 3 vCPUs"));
    ck_assert_ptr_nonnull(strstr(err.msg, "the 2 cores"));
    platform_free(p);
}
END_TEST

static void expect_boot_refused(const char *dom, const char *const *opts, unsigned n,
                                const char *what)
{
    struct platform *p = one_domain(dom);
    struct hv *hv;
    struct msa_error err;
    ck_assert_int_eq(create(p, 32, opts, n, &hv, &err), HV_RUN_OK);
    ck_assert_int_eq(hv_boot_run(hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_msg(strstr(err.msg, what), "'%s' lacks '%s'", err.msg, what);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    hv_destroy(hv);
    platform_free(p);
}

START_TEST(domains_that_cannot_be_built)
{
    expect_boot_refused("cpus = <1>; memory = <0x0 0x4000>; direct-map;"
                        " xen,static-mem = <0x200000 0x1000000>;", NULL, 0,
                        "node /chosen/domU1: property xen,static-mem: bank 0x200000+0x1000000 "
                        "overlaps the Xen image");
    expect_boot_refused("cpus = <1>; memory = <0x0 0x4000>;"
                        " xen,static-mem = <0x10000000 0x1000000>;", NULL, 0,
                        "node /chosen/domU1: no direct-map");
    expect_boot_refused("cpus = <1>; memory = <0x0 0x4000>;", NULL, 0,
                        "node /chosen/domU1: no xen,static-mem");
    /* The Xen image moved onto the kernel module. */
    const char *opts[] = {"xen-start=0x7f00000"};
    expect_boot_refused("cpus = <1>; memory = <0x0 0x4000>; direct-map;"
                        " xen,static-mem = <0x10000000 0x1000000>;", opts, 1,
                        "overlaps module@8000000");
    const char *off[] = {"xen-start=0x100000000"};
    expect_boot_refused("cpus = <1>; memory = <0x0 0x4000>; direct-map;"
                        " xen,static-mem = <0x10000000 0x1000000>;", off, 1,
                        "does not lie in one RAM bank");
    /* A kernel larger than the domain's memory. */
    expect_boot_refused("cpus = <1>; memory = <0x0 0x20>; direct-map;"
                        " xen,static-mem = <0x10000000 0x8000>;", NULL, 0,
                        "do not fit in the first xen,static-mem bank");
}
END_TEST

START_TEST(platform_errors_surface)
{
    /* Overlapping domains and memory outside RAM are refused when the tree
     * is read, naming the node. */
    const char *text =
        "/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n"
        "  memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x80000000>; };\n"
        "  cpus { #address-cells = <1>; #size-cells = <0>;\n"
        "    cpu@0 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <0>; }; };\n"
        "  chosen { #address-cells = <1>; #size-cells = <1>;\n"
        "    domU1 { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
        "      cpus = <1>; memory = <0x0 0x4000>; direct-map;\n"
        "      xen,static-mem = <0x90000000 0x1000000>; }; }; };\n";
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/msasim-hv-XXXXXX.dts", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct platform *p = NULL;
    struct msa_error err;
    ck_assert_int_eq(platform_load(path, &p, &err), -1);
    unlink(path);
    ck_assert_ptr_nonnull(strstr(err.msg, "node /chosen/domU1"));
    ck_assert_ptr_nonnull(strstr(err.msg, "outside RAM"));
}
END_TEST

static void expect_option_refused(const char *opt, const char *what)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct hv *hv = (void *)1;
    const char *opts[] = {opt};
    ck_assert_int_eq(create(p, 32, opts, 1, &hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_null(hv);
    ck_assert_msg(strstr(err.msg, what), "'%s' lacks '%s'", err.msg, what);
    platform_free(p);
}

START_TEST(options_refused)
{
    expect_option_refused("alloc=best-fit", "--hv-opt alloc=best-fit: expected alloc=first-fit");
    expect_option_refused("alloc=reserved=0", "alloc=reserved=N");
    expect_option_refused("map-domain-page=cache", "map-domain-page=transient");
    expect_option_refused("early-printk=maybe", "early-printk=on");
    expect_option_refused("text-size=1000", "whole 4 KiB pages");
    expect_option_refused("colour=blue", "unknown option 'colour' of module xen-mpu");
    expect_option_refused("noequals", "--hv-opt noequals: expected KEY=VALUE");
    expect_option_refused("cost.isb=lots", "--hv-opt cost.isb=lots: expected a cycle count");
    expect_option_refused("cost.bogus=1", "--hv-opt cost.bogus: unknown cost");
    expect_option_refused("heap=0x1000+0x1000", "--hv-opt heap=0x1000+0x1000: expected auto");
    expect_option_refused("heap=0x900000000+0x100000", "lies outside RAM");
    expect_option_refused("fdt-addr=0x7de00001", "8-byte aligned");
    expect_option_refused("device=domU9:0x9c0b0000+0x1000", "has no xen,domain node named 'domU9'");
}
END_TEST

START_TEST(no_heap)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct hv *hv;
    const char *opts[] = {"heap=none"};
    ck_assert_int_eq(create(p, 32, opts, 1, &hv, &err), HV_RUN_OK);
    ck_assert_int_eq(hv_boot_run(hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "No static heap memory bank found"));
    hv_destroy(hv);
    platform_free(p);
}
END_TEST

/* ---- the HAL ------------------------------------------------------------------------ */

START_TEST(hypervisor_access_checked_against_mpu)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.check = HV_CHECK_OFF;   /* the checker would see the change first */
    struct hv *hv;
    ck_assert_int_eq(hv_create(&cfg, p, NULL, &hv, &err), HV_RUN_OK);
    ck_assert_int_eq(hv_step_arch_boot(hv, &err), 0);
    /* Take the heap region (slot 7) away behind the module's back: the
     * device tree's relocation into the heap must fault. */
    struct mpu_pair *m = hv_core_mpus(hv, 0);
    mpu_sysreg_write(m, MPU_SYSREG_ENC(3, 4, 6, 2, 1), 7);
    mpu_sysreg_write(m, MPU_SYSREG_ENC(3, 4, 6, 8, 1), m->el2.written[7].prlar & ~MPU_PRLAR_EN);
    mpu_pair_context_sync(m, 1u << 30);
    ck_assert_int_eq(hv_step_devices(hv, &err), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(err.msg, "EL2 write of 0x7de00000 on core 0 faults"));
    struct hv_summary s;
    hv_summary(hv, &s);
    ck_assert_uint_eq(s.el2_faults, 1);
    hv_destroy(hv);
    platform_free(p);
}
END_TEST

START_TEST(costs_are_parameters)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    uint64_t cycles[2];
    const char *opts[] = {"cost.isb=1000"};
    for (unsigned i = 0; i < 2; i++) {
        struct hv *hv;
        ck_assert_int_eq(create(p, 32, opts, i, &hv, &err), HV_RUN_OK);
        ck_assert_int_eq(hv_boot_run(hv, &err), HV_RUN_OK);
        struct hv_summary s;
        hv_summary(hv, &s);
        cycles[i] = s.cycles;
        const uint64_t *isb = stats_find_counter(hv_stats(hv), "hv.op.boot.isb");
        hv_export_stats(hv);
        isb = stats_find_counter(hv_stats(hv), "hv.op.boot.isb");
        ck_assert_ptr_nonnull(isb);
        const uint64_t *cyc = stats_find_counter(hv_stats(hv), "hv.op.boot.cycles.barrier");
        ck_assert_ptr_nonnull(cyc);
        /* ISBs cost 12 by default, 1000 here; DSBs 8. */
        const uint64_t *dsb = stats_find_counter(hv_stats(hv), "hv.op.boot.dsb");
        ck_assert_uint_eq(*cyc, *isb * (i ? 1000 : 12) + *dsb * 8);
        hv_destroy(hv);
    }
    ck_assert_uint_gt(cycles[1], cycles[0]);
    char name[32];
    size_t n = 0;
    while (hv_cost_name(n))
        n++;
    ck_assert_uint_ge(n, 10);
    snprintf(name, sizeof name, "%s", hv_cost_name(0));
    ck_assert_str_eq(name, "msr_mpu");
    platform_free(p);
}
END_TEST

/* ---- statistics ------------------------------------------------------------------------ */

START_TEST(stats_exported)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct stats *st = stats_new();
    struct hv_config cfg;
    hv_config_default(&cfg);
    struct hv *hv;
    ck_assert_int_eq(hv_create(&cfg, p, st, &hv, &err), HV_RUN_OK);
    ck_assert_ptr_eq(hv_stats(hv), st);
    ck_assert_int_eq(hv_boot_run(hv, &err), HV_RUN_OK);
    hv_export_stats(hv);
    struct hv_summary s;
    hv_summary(hv, &s);
    double v;
    ck_assert(stats_summary_get(st, "regions_peak", &v));
    ck_assert_uint_eq((unsigned)v, s.regions_peak);
    ck_assert(stats_summary_get(st, "regions_implemented", &v));
    ck_assert_uint_eq((unsigned)v, 32);
    ck_assert(stats_summary_get(st, "region_failures", &v));
    ck_assert(v == 0);
    ck_assert(stats_summary_get(st, "map_ops", &v));
    ck_assert(v == (double)s.map_ops && v > 0);
    ck_assert(stats_summary_get(st, "map_cycles", &v));
    ck_assert(v == (double)s.map_cycles && v > 0);
    /* Pressure over time per core, with its peak, and per phase. */
    const struct stats_series *ser = stats_find_series(st, "hv.core0.regions");
    ck_assert_ptr_nonnull(ser);
    ck_assert(stats_series_peak(ser) == s.regions_peak);
    const double *g = stats_find_gauge(st, "hv.core0.regions.runtime.peak");
    ck_assert_ptr_nonnull(g);
    ck_assert(*g == s.regions_runtime_peak);
    g = stats_find_gauge(st, "hv.core0.regions.owner.hv_heap.peak");
    ck_assert_ptr_nonnull(g);
    ck_assert(*g == 1);
    g = stats_find_gauge(st, "hv.core0.regions.owner.device.peak");
    ck_assert(g && *g == 3);
    /* Per operation: a histogram of cycles and the breakdown. */
    const struct stats_hist *h = stats_find_histogram(st, "hv.op.ioremap.cycles");
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(stats_hist_count(h), 3);
    ck_assert_uint_gt(stats_hist_percentile(h, 99), 0);
    const uint64_t *w = stats_find_counter(st, "hv.op.ioremap.mpu_writes");
    ck_assert(w && *w > 0);
    w = stats_find_counter(st, "hv.core0.mpu.prselr_writes");
    ck_assert(w && *w >= 32);
    hv_destroy(hv);
    stats_free(st);
    platform_free(p);
}
END_TEST

START_TEST(drives_a_machines_mpus_and_ram)
{
    struct platform *p = one_domain("cpus = <2>; memory = <0x0 0x4000>; direct-map;"
                                    " xen,static-mem = <0x10000000 0x1000000>;");
    struct mpu_pair mpus[2];
    struct msa_error err;
    for (unsigned c = 0; c < 2; c++)
        ck_assert_int_eq(mpu_pair_init(&mpus[c], 16, 20, NULL, &err), 0);
    struct ram *ram = ram_new();
    ck_assert_int_eq(ram_add_bank(ram, 0, 0x80000000ull, &err), 0);
    /* The kernel module's bytes, as a bootloader left them. */
    uint8_t pattern[0x10000];
    for (unsigned i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i * 7 + 3);
    ck_assert_int_eq(ram_write(ram, 0x8000000, pattern, sizeof pattern), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.mpus = mpus;
    cfg.nmpus = 2;
    cfg.ram = ram;
    struct hv *hv;
    ck_assert_msg(hv_create(&cfg, p, NULL, &hv, &err) == HV_RUN_OK, "%s", err.msg);
    ck_assert_uint_eq(hv_mpu_regions(hv), 20);
    ck_assert_ptr_eq(hv_core_mpus(hv, 1), &mpus[1]);
    ck_assert_msg(hv_boot_run(hv, &err) == HV_RUN_OK, "%s", err.msg);
    /* The kernel now sits at the start of the domain's memory. */
    uint8_t got[sizeof pattern];
    ck_assert_int_eq(ram_read(ram, 0x10000000, got, sizeof got), 0);
    ck_assert_int_eq(memcmp(got, pattern, sizeof got), 0);
    /* The machine's MPUs hold the layout: the domain's bank on both cores. */
    for (unsigned c = 0; c < 2; c++) {
        bool seen = false;
        for (unsigned s = 0; s < 20; s++)
            if ((mpus[c].el2.effective[s].prlar & MPU_PRLAR_EN) &&
                (mpus[c].el2.effective[s].prbar & MPU_ADDR_MASK) == 0x10000000)
                seen = true;
        ck_assert(seen);
    }
    hv_destroy(hv);
    ram_free(ram);
    platform_free(p);
    /* A count of MPU pairs that does not match the platform is refused. */
    p = one_domain("cpus = <1>; memory = <0x0 0x4000>; direct-map;"
                   " xen,static-mem = <0x10000000 0x1000000>;");
    cfg.ram = NULL;
    cfg.nmpus = 1;
    ck_assert_int_ne(hv_create(&cfg, p, NULL, &hv, &err), HV_RUN_OK);
    ck_assert_ptr_nonnull(strstr(err.msg, "2 CPUs but 1 MPU pairs"));
    platform_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hv_boot");
    TCase *b = tcase_create("boot");
    tcase_set_timeout(b, 120);
    tcase_add_test(b, boots_fvp_r);
    tcase_add_test(b, boots_shared_dom0less_tree);
    tcase_add_test(b, exhaustion_stops_or_continues);
    suite_add_tcase(s, b);
    TCase *e = tcase_create("errors");
    tcase_set_timeout(e, 60);
    tcase_add_test(e, more_vcpus_than_cores);
    tcase_add_test(e, domains_that_cannot_be_built);
    tcase_add_test(e, platform_errors_surface);
    tcase_add_test(e, options_refused);
    tcase_add_test(e, no_heap);
    suite_add_tcase(s, e);
    TCase *h = tcase_create("hal");
    tcase_add_test(h, hypervisor_access_checked_against_mpu);
    tcase_add_test(h, costs_are_parameters);
    tcase_add_test(h, stats_exported);
    tcase_add_test(h, drives_a_machines_mpus_and_ram);
    suite_add_tcase(s, h);
    return s;
}

int main(void)
{
    return check_run(suite());
}
