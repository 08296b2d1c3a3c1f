/* Grant tables of the hypervisor model: the entry, map-flag and copy-range
 * rules alone, then grant_table_op and XENMEM_add_to_physmap as three
 * dom0less domains (one vCPU each, on cores 0-2) call them through
 * hv_guest_trap: the table frame placed in the granting domain's memory,
 * a grant mapped as a stage-2 region of the mapping domain (live on its
 * core at once) and unmapped, the shared entry's GTF_reading/GTF_writing,
 * GNTTABOP_copy, and Xen's status codes for what it refuses. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv.h"
#include "hv/hv_gnttab.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/stats.h"
#include "tests/unit/check_run.h"

/* ---- the rules alone ------------------------------------------------------ */

START_TEST(entry_rules)
{
    /* permit_access for the user: writable and read-only use */
    ck_assert_int_eq(hv_gnt_check_entry(GTF_permit_access, 2, 2, false), GNTST_okay);
    ck_assert_int_eq(hv_gnt_check_entry(GTF_permit_access, 2, 2, true), GNTST_okay);
    /* GTF_reading/GTF_writing already set (another pin) do not matter */
    ck_assert_int_eq(hv_gnt_check_entry(GTF_permit_access | GTF_reading | GTF_writing, 2, 2,
                                        false), GNTST_okay);
    /* not granted, another domain, a transfer entry */
    ck_assert_int_eq(hv_gnt_check_entry(0, 2, 2, true), GNTST_general_error);
    ck_assert_int_eq(hv_gnt_check_entry(GTF_permit_access, 3, 2, true), GNTST_general_error);
    ck_assert_int_eq(hv_gnt_check_entry(2 /* GTF_accept_transfer */, 2, 2, true),
                     GNTST_general_error);
    /* read-only grants: read-only use only */
    ck_assert_int_eq(hv_gnt_check_entry(GTF_permit_access | GTF_readonly, 2, 2, true),
                     GNTST_okay);
    ck_assert_int_eq(hv_gnt_check_entry(GTF_permit_access | GTF_readonly, 2, 2, false),
                     GNTST_general_error);
}
END_TEST

START_TEST(map_flag_and_copy_rules)
{
    ck_assert_int_eq(hv_gnt_check_map_flags(GNTMAP_host_map), GNTST_okay);
    ck_assert_int_eq(hv_gnt_check_map_flags(GNTMAP_host_map | GNTMAP_readonly), GNTST_okay);
    ck_assert_int_eq(hv_gnt_check_map_flags(0), GNTST_bad_gntref);
    ck_assert_int_eq(hv_gnt_check_map_flags(GNTMAP_readonly), GNTST_bad_gntref);
    ck_assert_int_eq(hv_gnt_check_map_flags(GNTMAP_device_map), GNTST_general_error);
    ck_assert_int_eq(hv_gnt_check_map_flags(GNTMAP_host_map | GNTMAP_application_map),
                     GNTST_general_error);
    ck_assert_int_eq(hv_gnt_check_map_flags(GNTMAP_host_map | GNTMAP_contains_pte),
                     GNTST_general_error);
    ck_assert_int_eq(hv_gnt_check_copy_args(0, 0, 4096), GNTST_okay);
    ck_assert_int_eq(hv_gnt_check_copy_args(4095, 0, 1), GNTST_okay);
    ck_assert_int_eq(hv_gnt_check_copy_args(4000, 0, 200), GNTST_bad_copy_arg);
    ck_assert_int_eq(hv_gnt_check_copy_args(0, 3997, 100), GNTST_bad_copy_arg);
    ck_assert_int_eq(hv_gnt_check_copy_args(0, 0, 4097), GNTST_bad_copy_arg);
}
END_TEST

/* ---- three domains -------------------------------------------------------- */

#define DOM_A 0x10000000ull    /* domid 1, vCPU 0 on core 0 */
#define DOM_B 0x11000000ull    /* domid 2, core 1 */
#define DOM_C 0x12000000ull    /* domid 3, core 2 */
#define TABLE (DOM_A + 0x100000)
#define PAGE_A (DOM_A + 0x101000)
#define OP_B (DOM_B + 0x200000)
#define BUF_B (DOM_B + 0x201000)
#define OP_C (DOM_C + 0x200000)

struct fixture {
    struct platform *p;
    struct ram *ram;
    struct hv *hv;
    struct hv_guests *g;
    uint64_t regs[31];
};

static void setup_model(struct fixture *f)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/msasim-gnttab-XXXXXX.dts", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    char text[4096];
    int n = snprintf(text, sizeof text,
                     "/dts-v1/;\n/ {\n  #address-cells = <2>; #size-cells = <2>;\n"
                     "  memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x80000000>; };\n"
                     "  cpus { #address-cells = <1>; #size-cells = <0>;\n");
    for (int c = 0; c < 3; c++)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "    cpu@%d { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; "
                      "reg = <%d>; };\n", c, c);
    n += snprintf(text + n, sizeof text - (size_t)n,
                  "  };\n  chosen { #address-cells = <1>; #size-cells = <1>;\n"
                  "    xen,static-heap = <0x0 0x50000000 0x0 0x1000000>;\n");
    for (int d = 0; d < 3; d++)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "    domU%d { compatible = \"xen,domain\"; #address-cells = <1>; "
                      "#size-cells = <1>;\n"
                      "      cpus = <1>; memory = <0x0 0x4000>; direct-map; vpl011;\n"
                      "      xen,static-mem = <0x%x 0x1000000>;\n"
                      "      module@%x { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
                      "                  reg = <0x%x 0x2000>; };\n    };\n",
                      d + 1, 0x10000000 + d * 0x1000000, 0x8000000 + d * 0x10000,
                      0x8000000 + d * 0x10000);
    n += snprintf(text + n, sizeof text - (size_t)n, "  };\n};\n");
    ck_assert_int_lt(n, (int)sizeof text);
    ck_assert_int_eq(write(fd, text, (size_t)n), n);
    close(fd);
    struct msa_error err = {{0}};
    int rc = platform_load(path, &f->p, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "%s", err.msg);
    f->ram = ram_new();
    ck_assert_ptr_nonnull(f->ram);
    ck_assert_int_eq(ram_add_bank(f->ram, 0, 0x80000000ull, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.ram = f->ram;
    rc = hv_create(&cfg, f->p, NULL, &f->hv, &err);
    ck_assert_msg(rc == HV_RUN_OK, "%s", err.msg);
    ck_assert_msg(hv_boot_run(f->hv, &err) == HV_RUN_OK, "%s", err.msg);
    f->g = hv_guests_create(f->hv, NULL, NULL);
    ck_assert_ptr_nonnull(f->g);
    for (unsigned v = 0; v < 3; v++)
        ck_assert_uint_eq(hv_vcpu_core(f->hv, v), v);
}

static void teardown_model(struct fixture *f)
{
    hv_guests_free(f->g);
    hv_destroy(f->hv);
    ram_free(f->ram);
    platform_free(f->p);
}

#define HVC_XEN (0x16u << 26 | 1u << 25 | 0xEA1u)

/* A hypercall from the vCPU of domain index `dom` (its core is its index). */
static int64_t hcall(struct fixture *f, unsigned dom, uint64_t nr, uint64_t a0, uint64_t a1,
                     uint64_t a2)
{
    memset(f->regs, 0, sizeof f->regs);
    f->regs[16] = nr;
    f->regs[0] = a0;
    f->regs[1] = a1;
    f->regs[2] = a2;
    struct hv_trap t = {.core = dom, .vcpu = dom, .esr = HVC_XEN, .regs = f->regs,
                        .elr = DOM_A + 0x1000 * dom, .spsr = 0x3C5};
    struct hv_guest_outcome out;
    struct msa_error err = {{0}};
    ck_assert_int_eq(hv_guest_trap(f->g, &t, &out, &err), HV_TRAP_HANDLED);
    return (int64_t)f->regs[0];
}

static void put(struct fixture *f, uint64_t pa, uint64_t v, unsigned n)
{
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    ck_assert_int_eq(ram_write(f->ram, pa, b, n), 0);
}

static uint64_t get(struct fixture *f, uint64_t pa, unsigned n)
{
    uint8_t b[8];
    uint64_t v = 0;
    ck_assert_int_eq(ram_read(f->ram, pa, b, n), 0);
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* struct xen_add_to_physmap at `at`, then XENMEM_add_to_physmap. */
static int64_t add_to_physmap(struct fixture *f, unsigned dom, uint64_t at, uint16_t domid,
                              uint32_t space, uint64_t idx, uint64_t gpfn)
{
    put(f, at, domid, 2);
    put(f, at + 2, 0, 2);
    put(f, at + 4, space, 4);
    put(f, at + 8, idx, 8);
    put(f, at + 16, gpfn, 8);
    return hcall(f, dom, 12, 7, at, 0);
}

/* A grant_entry_v1 in domain A's table. */
static void grant(struct fixture *f, uint32_t ref, uint16_t flags, uint16_t domid, uint64_t pa)
{
    put(f, TABLE + 8ull * ref, flags, 2);
    put(f, TABLE + 8ull * ref + 2, domid, 2);
    put(f, TABLE + 8ull * ref + 4, pa >> 12, 4);
}

static uint16_t entry_flags(struct fixture *f, uint32_t ref)
{
    return (uint16_t)get(f, TABLE + 8ull * ref, 2);
}

/* struct gnttab_map_grant_ref at `at`; returns the status. */
static int16_t map(struct fixture *f, unsigned dom, uint64_t at, uint64_t host_addr,
                   uint32_t flags, uint32_t ref, uint16_t domid)
{
    put(f, at, host_addr, 8);
    put(f, at + 8, flags, 4);
    put(f, at + 12, ref, 4);
    put(f, at + 16, domid, 2);
    put(f, at + 18, 0x7777, 2);
    ck_assert_int_eq(hcall(f, dom, 20, 0, at, 1), 0);
    return (int16_t)get(f, at + 18, 2);
}

static int16_t unmap(struct fixture *f, unsigned dom, uint64_t at, uint64_t host_addr,
                     uint32_t handle)
{
    put(f, at, host_addr, 8);
    put(f, at + 8, 0, 8);
    put(f, at + 16, handle, 4);
    put(f, at + 20, 0x7777, 2);
    ck_assert_int_eq(hcall(f, dom, 20, 1, at, 1), 0);
    return (int16_t)get(f, at + 20, 2);
}

/* One struct gnttab_copy at `at` (status left for the caller to read). */
static void put_copy(struct fixture *f, uint64_t at, uint64_t src, uint16_t sdom, uint16_t soff,
                     uint64_t dst, uint16_t ddom, uint16_t doff, uint16_t len, uint16_t flags)
{
    put(f, at, src, 8);
    put(f, at + 8, sdom, 2);
    put(f, at + 10, soff, 2);
    put(f, at + 16, dst, 8);
    put(f, at + 24, ddom, 2);
    put(f, at + 26, doff, 2);
    put(f, at + 32, len, 2);
    put(f, at + 34, flags, 2);
    put(f, at + 36, 0x7777, 2);
}

static int16_t copy1(struct fixture *f, unsigned dom, uint64_t at)
{
    ck_assert_int_eq(hcall(f, dom, 20, 5, at, 1), 0);
    return (int16_t)get(f, at + 36, 2);
}

struct find {
    uint64_t base;
    uint32_t domid;
    int slot;
    unsigned core;
    uint64_t prbar;
};

static void find_region(void *ctx, const struct hv_region_info *r)
{
    struct find *q = ctx;
    if (r->base == q->base && r->limit == q->base + 0xFFF && r->domid == q->domid &&
        r->owner == HV_OWNER_GUEST && r->slot >= 0) {
        q->slot = r->slot;
        q->core = r->core;
        q->prbar = r->prbar;
    }
}

/* The MPU slot holding domain domid's region of page `base`, -1 if none. */
static int grant_region(struct fixture *f, uint64_t base, uint32_t domid, unsigned *core,
                        uint64_t *prbar)
{
    struct find q = {.base = base, .domid = domid, .slot = -1};
    hv_regions(f->hv, find_region, &q);
    if (core)
        *core = q.core;
    if (prbar)
        *prbar = q.prbar;
    return q.slot;
}

static uint64_t mdp_ops(struct fixture *f)
{
    struct hv_summary s;
    hv_summary(f->hv, &s);
    return s.map_domain_page_ops;
}

static void place_table(struct fixture *f)
{
    uint8_t junk[16];
    memset(junk, 0xEE, sizeof junk);
    ck_assert_int_eq(ram_write(f->ram, TABLE, junk, sizeof junk), 0);
    ck_assert_int_eq(add_to_physmap(f, 0, DOM_A + 0x200000, 0x7FF0, 1, 0, TABLE >> 12), 0);
    /* Xen's frame starts empty: the page is zeroed when placed. */
    ck_assert_uint_eq(get(f, TABLE, 8), 0);
}

START_TEST(add_to_physmap_places_the_table)
{
    struct fixture f;
    setup_model(&f);
    const uint64_t at = DOM_A + 0x200000, list = DOM_A + 0x201000;
    /* errors as Xen's do_memory_op and xenmem_add_to_physmap_one give them */
    ck_assert_int_eq(hcall(&f, 0, 12, 7, 0x70000000, 0), -14);                  /* -EFAULT */
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 0x7FF0, 1, 1, TABLE >> 12), -22);  /* idx 1 */
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 0x7FF0, 1, 0x80000000u, TABLE >> 12), -22);
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 2, 1, 0, TABLE >> 12), -1);        /* -EPERM */
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 9, 1, 0, TABLE >> 12), -3);        /* -ESRCH */
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 0x7FF0, 0, 0, TABLE >> 12), -38);  /* shared_info */
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 0x7FF0, 4, 0, TABLE >> 12), -38);  /* foreign */
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 0x7FF0, 1, 0, 0x70000), -22);      /* not its RAM */
    ck_assert_int_eq(hcall(&f, 0, 12, 7 | (1u << 22), at, 0), -33);              /* -EDOM */
    /* setup_table before: INVALID_GFN */
    uint8_t st[24] = {0xF0, 0x7F, 0, 0, 1, 0, 0, 0};
    for (int i = 0; i < 8; i++)
        st[16 + i] = (uint8_t)(list >> (8 * i));
    ck_assert_int_eq(ram_write(f.ram, at, st, sizeof st), 0);
    ck_assert_int_eq(hcall(&f, 0, 20, 2, at, 1), 0);
    ck_assert_uint_eq(get(&f, list, 8), UINT64_MAX);
    /* placed (as domid 1, its own), then setup_table names its frame */
    uint64_t before = mdp_ops(&f);
    put(&f, TABLE, 0x1234, 2);
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 1, 1, 0, TABLE >> 12), 0);
    ck_assert_uint_eq(mdp_ops(&f) - before, 2);   /* the argument, the frame zeroed */
    ck_assert_uint_eq(get(&f, TABLE, 2), 0);
    ck_assert_int_eq(ram_write(f.ram, at, st, sizeof st), 0);
    ck_assert_int_eq(hcall(&f, 0, 20, 2, at, 1), 0);
    ck_assert_uint_eq(get(&f, list, 8), TABLE >> 12);
    /* moved: the entries go with it */
    grant(&f, 5, GTF_permit_access, 2, PAGE_A);
    ck_assert_int_eq(add_to_physmap(&f, 0, at, 0x7FF0, 1, 0, (TABLE + 0x3000) >> 12), 0);
    ck_assert_uint_eq(get(&f, TABLE + 0x3000 + 40, 8), get(&f, TABLE + 40, 8));
    ck_assert_uint_eq(get(&f, TABLE + 0x3000 + 40, 2), GTF_permit_access);
    teardown_model(&f);
}
END_TEST

START_TEST(map_makes_a_stage2_region)
{
    struct fixture f;
    setup_model(&f);
    place_table(&f);
    grant(&f, 1, GTF_permit_access, 2, PAGE_A);
    ck_assert_int_eq(grant_region(&f, PAGE_A, 2, NULL, NULL), -1);
    uint64_t before = mdp_ops(&f);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A + 0x123, GNTMAP_host_map, 1, 1), GNTST_okay);
    /* the op read and written back, the entry read and its flags set */
    ck_assert_uint_eq(mdp_ops(&f) - before, 4);
    ck_assert_uint_eq(get(&f, OP_B + 20, 4), 0);             /* handle */
    ck_assert_uint_eq(get(&f, OP_B + 24, 8), PAGE_A);        /* dev_bus_addr */
    ck_assert_uint_eq(entry_flags(&f, 1), GTF_permit_access | GTF_reading | GTF_writing);
    /* live on domain B's core now: one page, EL1 read/write, never executable */
    unsigned core;
    uint64_t prbar;
    ck_assert_int_ge(grant_region(&f, PAGE_A, 2, &core, &prbar), 0);
    ck_assert_uint_eq(core, 1);
    ck_assert_uint_eq((prbar >> 2) & 3, 1);   /* AP: read/write, EL1 too */
    ck_assert_uint_eq(prbar & 3, 2);          /* XN */
    struct hv_summary s;
    hv_summary(f.hv, &s);
    ck_assert_uint_eq(s.consistency_errors, 0);
    ck_assert_uint_eq(hv_check(f.hv, NULL, NULL), 0);

    /* a second handle of the same grant at the same address shares it */
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map, 1, 1), GNTST_okay);
    ck_assert_uint_eq(get(&f, OP_B + 20, 4), 1);
    /* refusals */
    ck_assert_int_eq(map(&f, 1, OP_B, DOM_B + 0x5000, GNTMAP_host_map, 1, 1),
                     GNTST_general_error);                         /* not flat */
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map, 2, 1), GNTST_general_error);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map, 512, 1), GNTST_bad_gntref);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map, 1, 0x7FF0), GNTST_bad_domain);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map, 1, 9), GNTST_bad_domain);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, 0, 1, 1), GNTST_bad_gntref);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_device_map | GNTMAP_host_map, 1, 1),
                     GNTST_general_error);
    /* pinned for B: C may not use it even if A's entry now names C */
    put(&f, TABLE + 8 + 2, 3, 2);
    ck_assert_int_eq(map(&f, 2, OP_C, PAGE_A, GNTMAP_host_map, 1, 1), GNTST_general_error);
    put(&f, TABLE + 8 + 2, 2, 2);
    /* a frame outside A's memory: bad_page, flags left as they were */
    grant(&f, 7, GTF_permit_access, 2, 0x70000000);
    ck_assert_int_eq(map(&f, 1, OP_B, 0x70000000, GNTMAP_host_map, 7, 1), GNTST_bad_page);
    ck_assert_uint_eq(entry_flags(&f, 7), GTF_permit_access);

    /* unmap: bad handles, another address, then both handles */
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A, 2), GNTST_bad_handle);
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A, 9999), GNTST_bad_handle);
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A + 0x1000, 0), GNTST_general_error);
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A, 0), GNTST_okay);
    ck_assert_int_ge(grant_region(&f, PAGE_A, 2, NULL, NULL), 0);   /* handle 1 holds it */
    ck_assert_uint_eq(entry_flags(&f, 1), GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A, 1), GNTST_okay);
    ck_assert_int_eq(grant_region(&f, PAGE_A, 2, NULL, NULL), -1);
    ck_assert_uint_eq(entry_flags(&f, 1), GTF_permit_access);
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A, 1), GNTST_bad_handle);
    ck_assert_uint_eq(hv_check(f.hv, NULL, NULL), 0);

    /* figures */
    hv_guests_export(f.g);
    double v = -1;
    ck_assert(stats_summary_get(hv_stats(f.hv), "grant_maps", &v));
    ck_assert(v == 2);
    ck_assert(stats_summary_get(hv_stats(f.hv), "grant_unmaps", &v));
    ck_assert(v == 2);
    ck_assert(stats_summary_get(hv_stats(f.hv), "grant_regions_peak", &v));
    ck_assert(v == 1);
    teardown_model(&f);
}
END_TEST

START_TEST(readonly_grants)
{
    struct fixture f;
    setup_model(&f);
    place_table(&f);
    grant(&f, 3, GTF_permit_access | GTF_readonly, 2, PAGE_A);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map, 3, 1), GNTST_general_error);
    ck_assert_uint_eq(entry_flags(&f, 3), GTF_permit_access | GTF_readonly);
    ck_assert_int_eq(map(&f, 1, OP_B, PAGE_A, GNTMAP_host_map | GNTMAP_readonly, 3, 1),
                     GNTST_okay);
    ck_assert_uint_eq(entry_flags(&f, 3), GTF_permit_access | GTF_readonly | GTF_reading);
    uint64_t prbar;
    ck_assert_int_ge(grant_region(&f, PAGE_A, 2, NULL, &prbar), 0);
    ck_assert_uint_eq((prbar >> 2) & 3, 3);   /* AP: read-only, EL1 too */
    /* writing into it with a copy is refused too */
    put_copy(&f, OP_B, BUF_B >> 12, 0x7FF0, 0, 3, 1, 0, 8, GNTCOPY_dest_gref);
    ck_assert_int_eq(copy1(&f, 1, OP_B), GNTST_general_error);
    ck_assert_int_eq(unmap(&f, 1, OP_B, PAGE_A, 0), GNTST_okay);
    ck_assert_uint_eq(entry_flags(&f, 3), GTF_permit_access | GTF_readonly);
    teardown_model(&f);
}
END_TEST

START_TEST(copy_between_domains)
{
    struct fixture f;
    setup_model(&f);
    /* before A's table is placed every entry reads as not granted */
    put_copy(&f, OP_B, 1, 1, 0, BUF_B >> 12, 0x7FF0, 0, 16, GNTCOPY_source_gref);
    ck_assert_int_eq(copy1(&f, 1, OP_B), GNTST_general_error);
    place_table(&f);
    grant(&f, 1, GTF_permit_access, 2, PAGE_A);
    const char msg[] = "granted bytes";
    ck_assert_int_eq(ram_write(f.ram, PAGE_A + 100, msg, sizeof msg), 0);
    uint64_t before = mdp_ops(&f);
    put_copy(&f, OP_B, 1, 1, 100, BUF_B >> 12, 0x7FF0, 8, sizeof msg, GNTCOPY_source_gref);
    ck_assert_int_eq(copy1(&f, 1, OP_B), GNTST_okay);
    char got[sizeof msg];
    ck_assert_int_eq(ram_read(f.ram, BUF_B + 8, got, sizeof got), 0);
    ck_assert_str_eq(got, msg);
    /* op read, entry read, flag set, both pages, flag cleared (read and
     * write), status written */
    ck_assert_uint_eq(mdp_ops(&f) - before, 8);
    ck_assert_uint_eq(entry_flags(&f, 1), GTF_permit_access);   /* pinned for the copy only */
    /* into A's page through its grant */
    put(&f, BUF_B + 512, 0xFEEDFACE, 4);
    put_copy(&f, OP_B, BUF_B >> 12, 0x7FF0, 512, 1, 1, 40, 4, GNTCOPY_dest_gref);
    ck_assert_int_eq(copy1(&f, 1, OP_B), GNTST_okay);
    ck_assert_uint_eq(get(&f, PAGE_A + 40, 4), 0xFEEDFACE);

    /* three in one call, each with its status */
    put_copy(&f, OP_B, 1, 1, 4000, BUF_B >> 12, 0x7FF0, 0, 200, GNTCOPY_source_gref);
    put_copy(&f, OP_B + 40, PAGE_A >> 12, 1, 0, BUF_B >> 12, 0x7FF0, 0, 8, 0);
    put_copy(&f, OP_B + 80, 1, 9, 0, BUF_B >> 12, 0x7FF0, 0, 8, GNTCOPY_source_gref);
    ck_assert_int_eq(hcall(&f, 1, 20, 5, OP_B, 3), 0);
    ck_assert_int_eq((int16_t)get(&f, OP_B + 36, 2), GNTST_bad_copy_arg);
    ck_assert_int_eq((int16_t)get(&f, OP_B + 76, 2), GNTST_permission_denied);
    ck_assert_int_eq((int16_t)get(&f, OP_B + 116, 2), GNTST_bad_domain);
    /* own frames: a gmfn outside its memory, a ref of another domain */
    put_copy(&f, OP_B, 0x70000, 0x7FF0, 0, BUF_B >> 12, 0x7FF0, 0, 8, 0);
    ck_assert_int_eq(copy1(&f, 1, OP_B), GNTST_bad_page);
    grant(&f, 4, GTF_permit_access, 3, PAGE_A);
    put_copy(&f, OP_B, 4, 1, 0, BUF_B >> 12, 0x7FF0, 0, 8, GNTCOPY_source_gref);
    ck_assert_int_eq(copy1(&f, 1, OP_B), GNTST_general_error);
    ck_assert_uint_eq(entry_flags(&f, 4), GTF_permit_access);
    /* the call itself: an unreadable array, a negative count, an unknown op */
    ck_assert_int_eq(hcall(&f, 1, 20, 5, 0x70000000, 1), -14);
    ck_assert_int_eq(hcall(&f, 1, 20, 5, OP_B, 0x80000000u), -22);
    ck_assert_int_eq(hcall(&f, 1, 20, 4, OP_B, 1), -38);
    ck_assert_uint_eq(hv_check(f.hv, NULL, NULL), 0);
    teardown_model(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_gnttab");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, entry_rules);
    tcase_add_test(tc, map_flag_and_copy_rules);
    tcase_add_test(tc, add_to_physmap_places_the_table);
    tcase_add_test(tc, map_makes_a_stage2_region);
    tcase_add_test(tc, readonly_grants);
    tcase_add_test(tc, copy_between_domains);
    suite_add_tcase(s, tc);
    return check_run(s);
}
