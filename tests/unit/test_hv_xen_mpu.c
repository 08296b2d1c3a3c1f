/* The xen-mpu module through the run-time API: the update function's
 * semantics (FOUND / INCLUSIVE / NOTFOUND / OVERLAP, reference counts,
 * exact-match unmap, attribute changes), the boot and runtime layouts, the
 * three allocation policies, the two map_domain_page policies, and the
 * consistency checker (planted inconsistencies, and upstream's PRENR quirk
 * on regions 32 and above). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv.h"
#include "mpu/mpu.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "tests/unit/check_run.h"

/* ---- fixtures ------------------------------------------------------------- */

/* Two cores, RAM at 0, a static heap, two dom0less domains: domA with two
 * vCPUs and two memory banks, domB with one vCPU and one bank. */
static const char *const two_domains_dts =
    "/dts-v1/;\n"
    "/ {\n"
    "  #address-cells = <2>; #size-cells = <2>;\n"
    "  memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x80000000>; };\n"
    "  cpus { #address-cells = <1>; #size-cells = <0>;\n"
    "    cpu@0 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <0>; };\n"
    "    cpu@1 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <1>; };\n"
    "  };\n"
    "  uart@9c090000 { compatible = \"arm,pl011\"; reg = <0x0 0x9c090000 0x0 0x1000>; };\n"
    "  chosen {\n"
    "    #address-cells = <1>; #size-cells = <1>;\n"
    "    stdout-path = \"/uart@9c090000\";\n"
    "    xen,static-heap = <0x0 0x50000000 0x0 0x1000000>;\n"
    "    domA { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
    "      cpus = <2>; memory = <0x0 0x8000>; direct-map; vpl011;\n"
    "      xen,static-mem = <0x10000000 0x1000000 0x12000000 0x1000000>;\n"
    "      module@8000000 { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
    "                       reg = <0x8000000 0x10000>; };\n"
    "    };\n"
    "    domB { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
    "      cpus = <1>; memory = <0x0 0x4000>; direct-map;\n"
    "      xen,static-mem = <0x20000000 0x1000000>;\n"
    "      module@8400000 { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
    "                       reg = <0x8400000 0x8000>; };\n"
    "    };\n"
    "  };\n"
    "};\n";

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

struct fx {
    struct platform *plat;
    struct hv *hv;
    struct msa_error err;
};

static void open_model(struct fx *f, struct platform *p, unsigned regions,
                         const char *const *opts, unsigned nopts)
{
    memset(f, 0, sizeof *f);
    f->plat = p;
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.mpu_regions = regions;
    cfg.options = opts;
    cfg.noptions = nopts;
    int st = hv_create(&cfg, p, NULL, &f->hv, &f->err);
    ck_assert_msg(st == HV_RUN_OK, "hv_create: %s", f->err.msg);
}

static void close_model(struct fx *f)
{
    hv_destroy(f->hv);
    platform_free(f->plat);
}

/* After the architecture boot only (fvp-r, heap assumed). */
static void booted_fvp(struct fx *f, unsigned regions, const char *const *opts, unsigned n)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    open_model(f, p, regions, opts, n);
    ck_assert_msg(hv_step_arch_boot(f->hv, &f->err) == 0, "boot: %s", f->err.msg);
}

#define MAXR 512
static struct hv_region_info found[MAXR];
static unsigned nfound;

static void keep(void *ctx, const struct hv_region_info *r)
{
    if (nfound < MAXR)
        found[nfound++] = *r;
}

static void snapshot(struct fx *f)
{
    nfound = 0;
    hv_regions(f->hv, keep, NULL);
}

/* The region of `core` (or not loaded, core -1) that starts at `base`. */
static const struct hv_region_info *region_at(struct fx *f, int core, uint64_t base)
{
    snapshot(f);
    for (unsigned i = 0; i < nfound; i++)
        if (found[i].base == base &&
            (core < 0 ? found[i].slot < 0 : (found[i].slot >= 0 && (int)found[i].core == core)))
            return &found[i];
    return NULL;
}

static unsigned loaded_on(struct fx *f, unsigned core)
{
    snapshot(f);
    unsigned n = 0;
    for (unsigned i = 0; i < nfound; i++)
        if (found[i].slot >= 0 && found[i].core == core)
            n++;
    return n;
}

static const struct mpu_region *hw(struct fx *f, unsigned core, unsigned slot)
{
    return &hv_core_mpus(f->hv, core)->el2.written[slot];
}

static bool hw_enabled(struct fx *f, unsigned core, unsigned slot)
{
    const struct mpu *m = &hv_core_mpus(f->hv, core)->el2;
    return (m->effective[slot].prlar & MPU_PRLAR_EN) && !m->pending;
}

static int map(struct fx *f, uint64_t base, uint64_t size, uint32_t flags)
{
    struct hv_map_req req = {.core = HV_ALL_CORES, .base = base, .size = size, .flags = flags,
                             .owner = HV_OWNER_OTHER, .domid = HV_DOMID_XEN, .purpose = "test"};
    f->err.msg[0] = '\0';
    return hv_map(f->hv, HV_OP_MAP, &req, &f->err);
}

#define RW HV_MAP_HYPERVISOR_RW
#define B 0x10000000ull

/* ---- the update function --------------------------------------------------- */

START_TEST(notfound_allocates_first_free_slot)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    /* head.S took 0-5, the early device tree 6, the heap 7. */
    unsigned before = loaded_on(&f, 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), 0);
    const struct hv_region_info *r = region_at(&f, 0, B);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->slot, 8);
    ck_assert_uint_eq(r->refcount, 0);
    ck_assert_uint_eq(r->limit, B + 0x1FFF);
    ck_assert_uint_eq(loaded_on(&f, 0), before + 1);
    /* Written through the MPU's registers and synchronized by the ISB. */
    ck_assert(hw_enabled(&f, 0, 8));
    ck_assert_uint_eq(hw(&f, 0, 8)->prbar & MPU_ADDR_MASK, B);
    ck_assert_uint_eq(hw(&f, 0, 8)->prlar & MPU_ADDR_MASK, (B + 0x1FFF) & MPU_ADDR_MASK);
    close_model(&f);
}
END_TEST

START_TEST(found_and_inclusive_take_references)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), 0);
    unsigned n = loaded_on(&f, 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), 0);            /* FOUND */
    ck_assert_int_eq(map(&f, B + 0x1000, 0x1000, RW), 0);   /* INCLUSIVE */
    ck_assert_uint_eq(loaded_on(&f, 0), n);
    ck_assert_uint_eq(region_at(&f, 0, B)->refcount, 2);
    /* Unmaps drop references first; the region stays. */
    ck_assert_int_eq(map(&f, B + 0x1000, 0x1000, 0), 0);
    ck_assert_uint_eq(region_at(&f, 0, B)->refcount, 1);
    ck_assert_int_eq(map(&f, B, 0x2000, 0), 0);
    ck_assert_uint_eq(region_at(&f, 0, B)->refcount, 0);
    ck_assert(hw_enabled(&f, 0, 8));
    close_model(&f);
}
END_TEST

START_TEST(unmap_needs_exact_match)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), 0);
    /* A part of an unreferenced region cannot be removed. */
    ck_assert_int_eq(map(&f, B, 0x1000, 0), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "only part of region 8"));
    ck_assert(hw_enabled(&f, 0, 8));
    /* The exact range disables and frees it. */
    ck_assert_int_eq(map(&f, B, 0x2000, 0), 0);
    ck_assert_ptr_null(region_at(&f, 0, B));
    ck_assert(!hw_enabled(&f, 0, 8));
    /* And nothing is left to remove. */
    ck_assert_int_eq(map(&f, B, 0x2000, 0), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "no region maps it"));
    close_model(&f);
}
END_TEST

START_TEST(partial_overlap_is_refused)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), 0);
    ck_assert_int_eq(map(&f, B + 0x1000, 0x2000, RW), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "partially overlaps region 8"));
    ck_assert_int_eq(map(&f, B - 0x1000, 0x2000, RW), HV_RUN_FAILED);
    ck_assert_ptr_null(region_at(&f, 0, B - 0x1000));
    ck_assert_uint_eq(region_at(&f, 0, B)->refcount, 0);
    close_model(&f);
}
END_TEST

START_TEST(attribute_changes)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), 0);
    /* Another AttrIndx with the same RO/XN: refused. */
    ck_assert_int_eq(map(&f, B, 0x2000, HV_MAP_PRESENT | HV_MAP_WRITE |
                                            HV_MAP_ATTR(HV_ATTR_NORMAL_NC)), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "changing the memory attribute is refused"));
    /* RO on the exact, unreferenced region: modified in place, no reference. */
    ck_assert_int_eq(map(&f, B, 0x2000, HV_MAP_HYPERVISOR_RO), 0);
    const struct hv_region_info *r = region_at(&f, 0, B);
    ck_assert_uint_eq(r->refcount, 0);
    ck_assert_uint_eq((r->prbar >> MPU_PRBAR_AP_SHIFT) & 3, MPU_AP_RO_PRIV);
    ck_assert_uint_eq((hw(&f, 0, 8)->prbar >> MPU_PRBAR_AP_SHIFT) & 3, MPU_AP_RO_PRIV);
    /* RO/XN of a part, or of a referenced region: refused. */
    ck_assert_int_eq(map(&f, B, 0x1000, RW), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "part of region"));
    ck_assert_int_eq(map(&f, B, 0x2000, HV_MAP_HYPERVISOR_RO), 0);
    ck_assert_int_eq(map(&f, B, 0x2000, RW), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "mapped 1 more time"));
    close_model(&f);
}
END_TEST

START_TEST(bad_requests)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x1000, RW | HV_MAP_EXEC), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "writable and executable"));
    ck_assert_int_eq(map(&f, B + 0x40, 0x1000, RW), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "4 KiB-aligned"));
    close_model(&f);
}
END_TEST

START_TEST(refcount_saturates)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x1000, RW), 0);
    for (int i = 0; i < 255; i++)
        ck_assert_int_eq(map(&f, B, 0x1000, RW), 0);
    ck_assert_uint_eq(region_at(&f, 0, B)->refcount, 255);
    ck_assert_int_eq(map(&f, B, 0x1000, RW), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "would overflow"));
    close_model(&f);
}
END_TEST

START_TEST(exhaustion_is_counted)
{
    struct fx f;
    booted_fvp(&f, 10, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x1000, RW), 0);
    ck_assert_int_eq(map(&f, B + 0x10000, 0x1000, RW), 0);
    ck_assert_int_eq(map(&f, B + 0x20000, 0x1000, RW), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "no free EL2 MPU region"));
    struct hv_summary s;
    hv_summary(f.hv, &s);
    ck_assert_uint_eq(s.region_failures, 1);
    ck_assert_uint_eq(s.regions_peak, 10);
    ck_assert_int_eq(s.headroom, 0);
    close_model(&f);
}
END_TEST

/* A region write as Xen's write_protection_region makes it: PRSELR read,
 * rewritten and synchronized only when the slot is in another group of 16,
 * then PRBARn and PRLARn; the update ends with DSB and ISB.  Costs of
 * distinct magnitudes show what each mapping was charged. */
START_TEST(region_write_selects_group_when_needed)
{
    const char *opts[] = {"cost.mrs_mpu=1", "cost.msr_mpu=100", "cost.isb=10000",
                          "cost.dsb=1000000", "cost.sw_step=0"};
    struct fx f;
    booted_fvp(&f, 40, opts, 5);
    for (unsigned i = 0; i < 8; i++)   /* slots 8-15: group 0 */
        ck_assert_int_eq(map(&f, B + i * 0x10000, 0x1000, RW), 0);
    const struct mpu_stats *ms = &hv_core_mpus(f.hv, 0)->el2.stats;
    struct hv_summary s0, s1, s2;
    hv_summary(f.hv, &s0);
    uint64_t sel_reads = ms->reg_reads[MPU_REG_PRSELR], sel_writes = ms->reg_writes[MPU_REG_PRSELR];
    uint64_t bar = ms->reg_writes[MPU_REG_PRBAR], bar_n = ms->reg_writes[MPU_REG_PRBAR_ALIAS];
    uint64_t syncs = ms->syncs;

    /* slot 16: group 1, PRSELR switched (MSR + ISB), then PRBAR/PRLAR */
    ck_assert_int_eq(map(&f, B + 0x100000, 0x1000, RW), 0);
    ck_assert_int_eq(region_at(&f, 0, B + 0x100000)->slot, 16);
    hv_summary(f.hv, &s1);
    ck_assert_uint_eq(s1.cycles - s0.cycles, 1 + 100 + 10000 + 2 * 100 + 1000000 + 10000);
    ck_assert_uint_eq(ms->reg_reads[MPU_REG_PRSELR], sel_reads + 1);
    ck_assert_uint_eq(ms->reg_writes[MPU_REG_PRSELR], sel_writes + 1);
    ck_assert_uint_eq(ms->reg_writes[MPU_REG_PRBAR], bar + 1);
    ck_assert_uint_eq(ms->syncs, syncs + 2);

    /* slot 17: group 1 already selected, PRBAR1/PRLAR1 only */
    ck_assert_int_eq(map(&f, B + 0x110000, 0x1000, RW), 0);
    ck_assert_int_eq(region_at(&f, 0, B + 0x110000)->slot, 17);
    hv_summary(f.hv, &s2);
    ck_assert_uint_eq(s2.cycles - s1.cycles, 1 + 2 * 100 + 1000000 + 10000);
    ck_assert_uint_eq(ms->reg_reads[MPU_REG_PRSELR], sel_reads + 2);
    ck_assert_uint_eq(ms->reg_writes[MPU_REG_PRSELR], sel_writes + 1);
    ck_assert_uint_eq(ms->reg_writes[MPU_REG_PRBAR_ALIAS], bar_n + 1);
    ck_assert_uint_eq(ms->syncs, syncs + 3);
    ck_assert(hw_enabled(&f, 0, 17));
    ck_assert_uint_eq(hw(&f, 0, 17)->prbar & MPU_ADDR_MASK, B + 0x110000);
    close_model(&f);
}
END_TEST

/* ---- boot and runtime layouts ------------------------------------------------ */

START_TEST(boot_regions_as_head_S)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    /* text RX, rodata RO, data RW, init text RX, init data+BSS RW, UART. */
    static const uint64_t prbar_low[6] = {0x38, 0x3A, 0x32, 0x38, 0x32, 0x22};
    static const uint64_t prlar_low[6] = {0x0F, 0x0F, 0x0F, 0x0F, 0x0F, 0x09};
    for (unsigned s = 0; s < 6; s++) {
        ck_assert_uint_eq(hw(&f, 0, s)->prbar & 0x3F, prbar_low[s]);
        ck_assert_uint_eq(hw(&f, 0, s)->prlar & 0x3F, prlar_low[s]);
        ck_assert(hw_enabled(&f, 0, s));
    }
    ck_assert_uint_eq(hw(&f, 0, 0)->prbar & MPU_ADDR_MASK, 0x200000);   /* RAM base + 2 MiB */
    ck_assert_uint_eq(hw(&f, 0, 5)->prbar & MPU_ADDR_MASK, 0x9c090000);
    /* Sections follow each other. */
    for (unsigned s = 0; s < 4; s++)
        ck_assert_uint_eq((hw(&f, 0, s)->prlar | 0x3F) + 1, hw(&f, 0, s + 1)->prbar & MPU_ADDR_MASK);
    /* zero_mpu: every slot above is written, and disabled. */
    for (unsigned s = 8; s < 32; s++)
        ck_assert(!hw_enabled(&f, 0, s));
    ck_assert_uint_ge(hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRSELR], 32);
    close_model(&f);
}
END_TEST

START_TEST(runtime_layout_after_free_init_memory)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    uint64_t text_end = (hw(&f, 0, 0)->prlar | 0x3F) + 1;
    uint64_t rodata_end = (hw(&f, 0, 1)->prlar | 0x3F) + 1;
    uint64_t data_lo = hw(&f, 0, 2)->prbar & MPU_ADDR_MASK;
    uint64_t bss_end = (hw(&f, 0, 4)->prlar | 0x3F) + 1;
    ck_assert_int_eq(hv_step_devices(f.hv, &f.err), 0);
    ck_assert_int_eq(hv_step_secondary_cpus(f.hv, &f.err), 0);
    ck_assert_msg(hv_step_finish_boot(f.hv, &f.err) == 0, "%s", f.err.msg);
    for (unsigned c = 0; c < 4; c++) {
        ck_assert(!hw_enabled(&f, c, 3));    /* init text gone */
        ck_assert(hw_enabled(&f, c, 4));
        /* rodata grows over ro_after_init (4 KiB), data shrinks by as much. */
        ck_assert_uint_eq((hw(&f, c, 1)->prlar | 0x3F) + 1, rodata_end + 0x1000);
        ck_assert_uint_eq(hw(&f, c, 2)->prbar & MPU_ADDR_MASK, data_lo + 0x1000);
        ck_assert_uint_eq((hw(&f, c, 4)->prlar | 0x3F) + 1, bss_end);
        ck_assert_uint_eq(bss_end - (hw(&f, c, 4)->prbar & MPU_ADDR_MASK), 256 * 1024);
    }
    ck_assert_uint_eq(text_end, 0x200000 + 768 * 1024);
    const struct hv_region_info *bss = region_at(&f, 0, bss_end - 256 * 1024);
    ck_assert_str_eq(bss->purpose, "BSS");
    close_model(&f);
}
END_TEST

START_TEST(too_few_regions_for_boot)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct fx f;
    open_model(&f, p, 5, NULL, 0);
    ck_assert_int_eq(hv_boot_run(f.hv, &f.err), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "needs 6 EL2 MPU regions"));
    ck_assert_ptr_nonnull(strstr(f.err.msg, "1 short"));
    close_model(&f);
    /* Without the early UART the same count passes head.S and fails later. */
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    const char *opts[] = {"early-printk=off"};
    open_model(&f, p, 5, opts, 1);
    ck_assert_int_eq(hv_boot_run(f.hv, &f.err), HV_RUN_FAILED);
    ck_assert_ptr_null(strstr(f.err.msg, "short"));
    ck_assert_ptr_nonnull(strstr(f.err.msg, "no free EL2 MPU region"));
    close_model(&f);
}
END_TEST

/* ---- allocation policies ------------------------------------------------------ */

START_TEST(first_fit_reuses_lowest_slot)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_int_eq(map(&f, B, 0x1000, RW), 0);             /* slot 8 */
    ck_assert_int_eq(map(&f, B + 0x10000, 0x1000, RW), 0);   /* slot 9 */
    ck_assert_int_eq(region_at(&f, 0, B + 0x10000)->slot, 9);
    ck_assert_int_eq(map(&f, B, 0x1000, 0), 0);              /* frees 8 */
    ck_assert_int_eq(map(&f, B + 0x20000, 0x1000, RW), 0);
    ck_assert_int_eq(region_at(&f, 0, B + 0x20000)->slot, 8);
    close_model(&f);
}
END_TEST

START_TEST(reserved_block_for_guests)
{
    const char *opts[] = {"alloc=reserved=4"};
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 16, opts, 1);
    ck_assert_msg(hv_boot_run(f.hv, &f.err) == HV_RUN_OK, "%s", f.err.msg);
    /* domA runs on both cores: its two banks sit in the block 12-15. */
    for (unsigned c = 0; c < 2; c++) {
        const struct hv_region_info *a = region_at(&f, (int)c, 0x10000000);
        const struct hv_region_info *b = region_at(&f, (int)c, 0x12000000);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_int_ge(a->slot, 12);
        ck_assert_int_ge(b->slot, 12);
        ck_assert_int_eq(a->owner, HV_OWNER_GUEST);
    }
    /* Hypervisor mappings fill 0-11 and then fail, with the block free. */
    int rc = 0;
    for (unsigned i = 0; i < 16 && rc == 0; i++)
        rc = map(&f, 0x60000000 + i * 0x10000ull, 0x1000, RW);
    ck_assert_int_eq(rc, HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "left to the hypervisor"));
    snapshot(&f);
    for (unsigned i = 0; i < nfound; i++)
        if (found[i].slot >= 12)
            ck_assert_int_eq(found[i].owner, HV_OWNER_GUEST);
    close_model(&f);
}
END_TEST

START_TEST(reserved_too_large)
{
    const char *opts[] = {"alloc=reserved=30"};
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 32, opts, 1);
    ck_assert_int_eq(hv_boot_run(f.hv, &f.err), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "leaves 2 of the 32"));
    close_model(&f);
}
END_TEST

START_TEST(prenr_switches_resident_regions)
{
    const char *opts[] = {"alloc=prenr"};
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 32, opts, 1);
    ck_assert_msg(hv_boot_run(f.hv, &f.err) == HV_RUN_OK, "%s", f.err.msg);
    /* Core 0 runs domA and holds domB's region too, disabled, below 32. */
    const struct hv_region_info *a = region_at(&f, 0, 0x10000000);
    const struct hv_region_info *b = region_at(&f, 0, 0x20000000);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_lt(a->slot, 32);
    ck_assert_int_lt(b->slot, 32);
    ck_assert(hw_enabled(&f, 0, (unsigned)a->slot));
    ck_assert(!hw_enabled(&f, 0, (unsigned)b->slot));
    ck_assert(!(b->prlar & MPU_PRLAR_EN));
    /* Core 1 never runs domB: no region of it there. */
    ck_assert_ptr_null(region_at(&f, 1, 0x20000000));
    /* A switch is one PRENR write. */
    uint64_t prenr_before = hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRENR];
    uint64_t prbar_before = hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRBAR_ALIAS] +
                            hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRBAR];
    ck_assert_int_eq(hv_context_switch(f.hv, 0, 2, &f.err), 0);   /* vCPU 2: domB */
    ck_assert_uint_eq(hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRENR], prenr_before + 1);
    ck_assert_uint_eq(hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRBAR_ALIAS] +
                          hv_core_mpus(f.hv, 0)->el2.stats.reg_writes[MPU_REG_PRBAR],
                      prbar_before);
    ck_assert(!hw_enabled(&f, 0, (unsigned)a->slot));
    ck_assert(hw_enabled(&f, 0, (unsigned)b->slot));
    /* The heap went to the top, away from the guests' slots. */
    ck_assert_int_ge(region_at(&f, 0, 0x50000000)->slot, 28);
    ck_assert_uint_eq(hv_check(f.hv, NULL, NULL), 0);
    close_model(&f);
}
END_TEST

START_TEST(stage2_regions_follow_the_vcpu)
{
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 32, NULL, 0);
    ck_assert_msg(hv_boot_run(f.hv, &f.err) == HV_RUN_OK, "%s", f.err.msg);
    /* domA loaded on both cores; domB's region is listed without a slot. */
    ck_assert_ptr_nonnull(region_at(&f, 0, 0x10000000));
    ck_assert_ptr_nonnull(region_at(&f, 1, 0x12000000));
    const struct hv_region_info *b = region_at(&f, -1, 0x20000000);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->domid, HV_DOMID_FIRST + 1);
    /* Stage-2 regions: EL1&0 may access, executable, RW. */
    ck_assert_uint_eq((region_at(&f, 0, 0x10000000)->prbar >> MPU_PRBAR_AP_SHIFT) & 3,
                      MPU_AP_RW_ALL);
    unsigned before = loaded_on(&f, 0);
    ck_assert_int_eq(hv_context_switch(f.hv, 0, 2, &f.err), 0);
    ck_assert_ptr_null(region_at(&f, 0, 0x10000000));
    ck_assert_ptr_nonnull(region_at(&f, 0, 0x20000000));
    ck_assert_uint_eq(loaded_on(&f, 0), before - 1);
    ck_assert_int_eq(hv_context_switch(f.hv, 0, -1, &f.err), 0);   /* idle */
    ck_assert_ptr_null(region_at(&f, 0, 0x20000000));
    ck_assert_uint_eq(loaded_on(&f, 0), before - 2);
    /* The EL1 MPU context went out and came back: 16 regions each way. */
    struct hv_summary s;
    hv_summary(f.hv, &s);
    ck_assert_uint_eq(s.context_switches, 4 + 2);
    close_model(&f);
}
END_TEST

START_TEST(vcpus_round_robin)
{
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 32, NULL, 0);
    const struct hv_boot_info *in = hv_info(f.hv);
    ck_assert_uint_eq(in->ndomains, 2);
    ck_assert_uint_eq(in->domains[0].vcpu_core[0], 0);
    ck_assert_uint_eq(in->domains[0].vcpu_core[1], 1);
    ck_assert_uint_eq(in->domains[1].vcpu_core[0], 0);
    close_model(&f);
}
END_TEST

/* ---- map_domain_page ------------------------------------------------------------ */

START_TEST(map_domain_page_transient)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    unsigned n = loaded_on(&f, 0);
    uint64_t va = 0;
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, B + 0x123, &va, &f.err), 0);
    ck_assert_uint_eq(va, B + 0x123);
    const struct hv_region_info *r = region_at(&f, 0, B);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->owner, HV_OWNER_TRANSIENT);
    ck_assert_uint_eq(r->limit, B + 0xFFF);
    ck_assert_uint_eq(loaded_on(&f, 1), 0);   /* core 1 is not even online */
    /* The same page again: a reference, not a region. */
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, B, &va, &f.err), 0);
    ck_assert_uint_eq(loaded_on(&f, 0), n + 1);
    ck_assert_uint_eq(region_at(&f, 0, B)->refcount, 1);
    ck_assert_int_eq(hv_unmap_domain_page(f.hv, 0, B + 0x800, &f.err), 0);
    ck_assert_int_eq(hv_unmap_domain_page(f.hv, 0, B, &f.err), 0);
    ck_assert_uint_eq(loaded_on(&f, 0), n);
    /* A page of the heap: INCLUSIVE, no region either. */
    uint64_t heap = hv_info(f.hv)->static_heap[0].base;
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, heap + 0x5000, &va, &f.err), 0);
    ck_assert_uint_eq(loaded_on(&f, 0), n);
    ck_assert_uint_eq(region_at(&f, 0, heap)->refcount, 1);
    ck_assert_int_eq(hv_unmap_domain_page(f.hv, 0, heap + 0x5000, &f.err), 0);
    ck_assert_uint_eq(region_at(&f, 0, heap)->refcount, 0);
    close_model(&f);
}
END_TEST

START_TEST(map_domain_page_ram)
{
    const char *opts[] = {"map-domain-page=ram"};
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 32, opts, 1);
    ck_assert_msg(hv_step_arch_boot(f.hv, &f.err) == 0, "%s", f.err.msg);
    snapshot(&f);
    unsigned ram = 0;
    for (unsigned i = 0; i < nfound; i++)
        if (found[i].purpose && strstr(found[i].purpose, "all RAM"))
            ram++;
    ck_assert_uint_ge(ram, 2);
    unsigned n = loaded_on(&f, 0);
    uint64_t va;
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, 0x10000000, &va, &f.err), 0);
    ck_assert_uint_eq(loaded_on(&f, 0), n);   /* a reference on a RAM region */
    ck_assert_int_eq(hv_unmap_domain_page(f.hv, 0, 0x10000000, &f.err), 0);
    /* The whole boot: the domain copies need no transient region. */
    ck_assert_msg(hv_step_devices(f.hv, &f.err) == 0, "%s", f.err.msg);
    ck_assert_int_eq(hv_step_secondary_cpus(f.hv, &f.err), 0);
    ck_assert_msg(hv_step_domains(f.hv, &f.err) == 0, "%s", f.err.msg);
    struct hv_summary s;
    hv_summary(f.hv, &s);
    ck_assert_uint_gt(s.map_domain_page_ops, 16);
    ck_assert_msg(hv_step_finish_boot(f.hv, &f.err) == 0, "%s", f.err.msg);
    ck_assert_msg(hv_step_runtime_switches(f.hv, &f.err) == 0, "%s", f.err.msg);
    /* A guest is loaded on both cores: the RAM regions made way for it. */
    snapshot(&f);
    for (unsigned i = 0; i < nfound; i++)
        ck_assert(!(found[i].slot >= 0 && found[i].purpose && strstr(found[i].purpose, "all RAM")));
    close_model(&f);
}
END_TEST

START_TEST(transient_costs_more_than_ram)
{
    struct fx a, b;
    const char *opts[] = {"map-domain-page=ram"};
    open_model(&a, load_dts(two_domains_dts), 32, NULL, 0);
    open_model(&b, load_dts(two_domains_dts), 32, opts, 1);
    ck_assert_int_eq(hv_boot_run(a.hv, &a.err), HV_RUN_OK);
    ck_assert_int_eq(hv_boot_run(b.hv, &b.err), HV_RUN_OK);
    struct hv_summary sa, sb;
    hv_summary(a.hv, &sa);
    hv_summary(b.hv, &sb);
    ck_assert_uint_eq(sa.map_domain_page_ops, sb.map_domain_page_ops);
    /* A transient map writes a region (PRSELR, PRBAR, PRLAR, DSB, ISB); a
     * reference on a RAM region only synchronizes. */
    const struct stats_hist *ha = stats_find_histogram(hv_stats(a.hv), "hv.op.map_domain_page.cycles");
    const struct stats_hist *hb = stats_find_histogram(hv_stats(b.hv), "hv.op.map_domain_page.cycles");
    ck_assert_ptr_nonnull(ha);
    ck_assert_ptr_nonnull(hb);
    ck_assert_uint_eq(stats_hist_count(ha), sa.map_domain_page_ops);
    ck_assert_uint_gt(stats_hist_sum(ha), stats_hist_sum(hb));
    /* ... and the RAM regions cost slots. */
    ck_assert_uint_gt(sb.regions_peak, sa.regions_peak);
    close_model(&a);
    close_model(&b);
}
END_TEST

/* ---- the consistency checker ------------------------------------------------------ */

struct lines {
    char text[8][512];
    unsigned n;
};

static void keep_line(void *ctx, const char *line)
{
    struct lines *l = ctx;
    if (l->n < 8)
        snprintf(l->text[l->n++], sizeof l->text[0], "%s", line);
}

static void write_slot(struct fx *f, unsigned core, unsigned slot, uint64_t prbar, uint64_t prlar,
                       bool isb)
{
    struct mpu_pair *p = hv_core_mpus(f->hv, core);
    ck_assert_int_eq(mpu_sysreg_write(p, MPU_SYSREG_ENC(3, 4, 6, 2, 1), slot), 0);
    ck_assert_int_eq(mpu_sysreg_write(p, MPU_SYSREG_ENC(3, 4, 6, 8, 0), prbar), 0);
    ck_assert_int_eq(mpu_sysreg_write(p, MPU_SYSREG_ENC(3, 4, 6, 8, 1), prlar), 0);
    if (isb)
        mpu_pair_context_sync(p, 1u << 30);
}

START_TEST(checker_clean_after_boot)
{
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 32, NULL, 0);
    ck_assert_int_eq(hv_boot_run(f.hv, &f.err), HV_RUN_OK);
    ck_assert_uint_eq(hv_check(f.hv, NULL, NULL), 0);
    close_model(&f);
}
END_TEST

START_TEST(checker_catches_planted_region)
{
    struct fx f;
    booted_fvp(&f, 32, NULL, 0);
    ck_assert_uint_eq(hv_check(f.hv, NULL, NULL), 0);
    /* Enabled behind the module's back. */
    write_slot(&f, 0, 20, mpu_prbar(B, 3, 0, 2), mpu_prlar(B + 0xFFF, 7, true), true);
    struct lines l = {.n = 0};
    ck_assert_uint_eq(hv_check(f.hv, keep_line, &l), 1);
    ck_assert_ptr_nonnull(strstr(l.text[0], "core 0 slot 20: enabled in the EL2 MPU"));
    ck_assert_ptr_nonnull(strstr(l.text[0], "free in the module's table"));
    /* The reverse: a slot in use, disabled in hardware. */
    write_slot(&f, 0, 20, 0, 0, false);
    write_slot(&f, 0, 1, hw(&f, 0, 1)->prbar, hw(&f, 0, 1)->prlar & ~MPU_PRLAR_EN, true);
    l.n = 0;
    ck_assert_uint_eq(hv_check(f.hv, keep_line, &l), 1);
    ck_assert_ptr_nonnull(strstr(l.text[0], "slot 1: in use in the module's table"));
    /* Another base than the module believes, and a write without ISB. */
    uint64_t good = hw(&f, 0, 1)->prbar;
    write_slot(&f, 0, 1, good + 0x1000, hw(&f, 0, 1)->prlar | MPU_PRLAR_EN, false);
    l.n = 0;
    ck_assert_uint_eq(hv_check(f.hv, keep_line, &l), 2);
    ck_assert_ptr_nonnull(strstr(l.text[0], "the EL2 MPU holds"));
    ck_assert_ptr_nonnull(strstr(l.text[1], "not yet effective"));
    close_model(&f);
}
END_TEST

START_TEST(checker_catches_upstream_prenr_disable)
{
    /* 64 regions, guests in the block 34-63: freeing slot 35 through
     * upstream's PRENR path leaves it enabled. */
    const char *opts[] = {"alloc=reserved=30", "disable=prenr-upstream"};
    struct fx f;
    open_model(&f, load_dts(two_domains_dts), 64, opts, 2);
    ck_assert_int_eq(hv_boot_run(f.hv, &f.err), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "inconsistenc"));
    ck_assert_ptr_nonnull(strstr(f.err.msg, "slot 35: enabled in the EL2 MPU"));
    close_model(&f);
    /* The same run with PRLAR-based disabling is clean. */
    const char *good[] = {"alloc=reserved=30"};
    open_model(&f, load_dts(two_domains_dts), 64, good, 1);
    ck_assert_msg(hv_boot_run(f.hv, &f.err) == HV_RUN_OK, "%s", f.err.msg);
    close_model(&f);
    /* Below 32 the upstream path works. */
    const char *low[] = {"disable=prenr-upstream"};
    open_model(&f, load_dts(two_domains_dts), 32, low, 1);
    ck_assert_msg(hv_boot_run(f.hv, &f.err) == HV_RUN_OK, "%s", f.err.msg);
    close_model(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hv_xen_mpu");
    TCase *u = tcase_create("update");
    tcase_add_test(u, notfound_allocates_first_free_slot);
    tcase_add_test(u, region_write_selects_group_when_needed);
    tcase_add_test(u, found_and_inclusive_take_references);
    tcase_add_test(u, unmap_needs_exact_match);
    tcase_add_test(u, partial_overlap_is_refused);
    tcase_add_test(u, attribute_changes);
    tcase_add_test(u, bad_requests);
    tcase_add_test(u, refcount_saturates);
    tcase_add_test(u, exhaustion_is_counted);
    suite_add_tcase(s, u);
    TCase *l = tcase_create("layout");
    tcase_add_test(l, boot_regions_as_head_S);
    tcase_add_test(l, runtime_layout_after_free_init_memory);
    tcase_add_test(l, too_few_regions_for_boot);
    suite_add_tcase(s, l);
    TCase *a = tcase_create("allocation");
    tcase_set_timeout(a, 60);
    tcase_add_test(a, first_fit_reuses_lowest_slot);
    tcase_add_test(a, reserved_block_for_guests);
    tcase_add_test(a, reserved_too_large);
    tcase_add_test(a, prenr_switches_resident_regions);
    tcase_add_test(a, stage2_regions_follow_the_vcpu);
    tcase_add_test(a, vcpus_round_robin);
    suite_add_tcase(s, a);
    TCase *m = tcase_create("map_domain_page");
    tcase_set_timeout(m, 60);
    tcase_add_test(m, map_domain_page_transient);
    tcase_add_test(m, map_domain_page_ram);
    tcase_add_test(m, transient_costs_more_than_ram);
    suite_add_tcase(s, m);
    TCase *c = tcase_create("checker");
    tcase_set_timeout(c, 60);
    tcase_add_test(c, checker_clean_after_boot);
    tcase_add_test(c, checker_catches_planted_region);
    tcase_add_test(c, checker_catches_upstream_prenr_disable);
    suite_add_tcase(s, c);
    return s;
}

int main(void)
{
    return check_run(suite());
}
