/* Builds a struct platform from a flattened device tree: checks the blob,
 * then reads the root, /memreserve/, /cpus, one walk over the device nodes
 * (memory, GIC, PL011, timer, PSCI), /reserved-memory and /chosen. */
#include "sim/platform_internal.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

/* Interrupt controllers this simulator can stand in for.  "arm,gic" alone is
 * Zephyr's generic binding for either version; see resolve_generic_gic(). */
static const struct {
    const char *compatible;
    enum platform_gic_version version;
} gic_table[] = {
    { "arm,gic-v3", PLATFORM_GIC_V3 },
    { "arm,gic-400", PLATFORM_GIC_V2 },
    { "arm,gic-v2", PLATFORM_GIC_V2 },
    { "arm,cortex-a15-gic", PLATFORM_GIC_V2 },
    { "arm,cortex-a9-gic", PLATFORM_GIC_V2 },
    { "arm,cortex-a7-gic", PLATFORM_GIC_V2 },
    { "arm,cortex-a5-gic", PLATFORM_GIC_V2 },
    { "arm,pl390", PLATFORM_GIC_V2 },
    { "arm,gic", PLATFORM_GIC_NONE },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const uart_compatibles[] = { "arm,pl011", "arm,sbsa-uart" };
static const char *const timer_compatibles[] = { "arm,armv8-timer", "arm,armv7-timer" };
static const char *const psci_compatibles[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };

/* Zephyr marks device windows with "memory" nodes that carry an MPU
 * attribute: zephyr,memory-attr = DT_MEM_ARM(ATTR_MPU_IO), i.e. BIT(4) of
 * the architecture field that starts at bit 20.  They are not RAM. */
#define ZEPHYR_MEM_ARM_MPU_IO (1u << (20 + 4))

/* Top-level nodes the device walk leaves to their own readers. */
static const char *const walk_skips[] = {
    "chosen", "cpus", "aliases", "reserved-memory", "__symbols__", "__fixups__",
    "__local_fixups__",
};

/* A memory bank with the node it came from, kept until overlaps are checked. */
struct bank {
    uint64_t base;
    uint64_t size;
    int node;
};

struct walk_state {
    struct bank *banks;
    size_t nbanks;
    int gic_node;
    enum platform_gic_version gic_version;
    const char *gic_compatible;
};

static bool name_base_is(const char *name, const char *base)
{
    size_t n = strlen(base);
    return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static const char *first_compatible(struct plat_ctx *c, int node, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (plat_is_compatible(c, node, list[i]))
            return list[i];
    return NULL;
}

static int parse_root(struct plat_ctx *c)
{
    struct platform *p = c->p;
    if (plat_dup_string(c, 0, "model", &p->model) < 0)
        return -1;
    int len;
    const char *compat = fdt_getprop(c->fdt, 0, "compatible", &len);
    if (compat && len > 0) {
        if (strnlen(compat, (size_t)len) == (size_t)len)
            return plat_fail(c, 0, "compatible", "not a NUL-terminated string list");
        if (!(p->compatible = plat_strdup(compat)))
            return plat_oom(c);
    }
    return 0;
}

static int parse_memreserve(struct plat_ctx *c)
{
    int n = fdt_num_mem_rsv(c->fdt);
    if (n < 0)
        return plat_fail(c, -1, NULL, "unreadable /memreserve/ block (%s)", fdt_strerror(n));
    for (int i = 0; i < n; i++) {
        struct platform_reserved r = { 0 };
        if (fdt_get_mem_rsv(c->fdt, i, &r.base, &r.size) < 0)
            return plat_fail(c, -1, NULL, "unreadable /memreserve/ entry %d", i);
        if (!(r.name = plat_strdup("/memreserve/")))
            return plat_oom(c);
        if (plat_push(c, &c->p->reserved.items, &c->p->reserved.count, sizeof r, &r) < 0) {
            free(r.name);
            return -1;
        }
    }
    return 0;
}

static bool compatible_says_armv8r(struct plat_ctx *c, int node)
{
    int n = fdt_stringlist_count(c->fdt, node, "compatible");
    for (int i = 0; i < n; i++) {
        const char *s = fdt_stringlist_get(c->fdt, node, "compatible", i, NULL);
        if (s && (strstr(s, "cortex-r") || strstr(s, "armv8-r")))
            return true;
    }
    return false;
}

static int parse_cpu(struct plat_ctx *c, int node, uint32_t ac, uint32_t sc)
{
    struct platform_ranges reg;
    if (ac < 1 || ac > 2)
        return plat_fail(c, node, "reg", "/cpus #address-cells %" PRIu32 " not supported (1 or 2)", ac);
    if (plat_read_pairs(c, node, "reg", ac, sc, &reg) < 0)
        return -1;
    if (reg.count == 0)
        return plat_fail(c, node, "reg", "missing; a cpu node needs its MPIDR in reg");
    struct platform_cpu cpu = { .mpidr = reg.items[0].base };
    plat_free_ranges(&reg);

    for (size_t i = 0; i < c->p->cpus.count; i++)
        if (c->p->cpus.items[i].mpidr == cpu.mpidr)
            return plat_fail(c, node, "reg", "MPIDR 0x%" PRIx64 " already used by another cpu", cpu.mpidr);

    const char *compat = fdt_stringlist_get(c->fdt, node, "compatible", 0, NULL);
    int len;
    const void *rel = fdt_getprop(c->fdt, node, "cpu-release-addr", &len);
    if (rel) {
        if (len != 4 && len != 8)
            return plat_fail(c, node, "cpu-release-addr", "length %d, expected 4 or 8 bytes", len);
        uint32_t be[2] = { 0, 0 };
        memcpy(be, rel, (size_t)len);
        cpu.release_addr = len == 8 ? ((uint64_t)fdt32_to_cpu(be[0]) << 32) | fdt32_to_cpu(be[1])
                                    : fdt32_to_cpu(be[0]);
        cpu.has_release_addr = true;
    }
    if (compat && !(cpu.compatible = plat_strdup(compat)))
        return plat_oom(c);
    if (plat_dup_string(c, node, "enable-method", &cpu.enable_method) < 0 ||
        plat_push(c, &c->p->cpus.items, &c->p->cpus.count, sizeof cpu, &cpu) < 0) {
        free(cpu.compatible);
        free(cpu.enable_method);
        return -1;
    }
    if (compatible_says_armv8r(c, node))
        c->p->profile = 'r';
    return 0;
}

static int parse_cpus(struct plat_ctx *c)
{
    int cpus = fdt_path_offset(c->fdt, "/cpus");
    if (cpus < 0)
        return plat_fail(c, -1, NULL, "no /cpus node");
    uint32_t ac, sc;
    if (plat_cells(c, cpus, "#address-cells", 2, &ac) < 0 ||
        plat_cells(c, cpus, "#size-cells", 1, &sc) < 0)
        return -1;
    int node;
    fdt_for_each_subnode(node, c->fdt, cpus) {
        const char *type;
        if (plat_get_string(c, node, "device_type", &type) < 0)
            return -1;
        /* cpu-map and friends are not cpus; a cpu without device_type is
         * still recognised by its name. */
        bool is_cpu = type ? strcmp(type, "cpu") == 0
                           : name_base_is(fdt_get_name(c->fdt, node, NULL), "cpu");
        if (is_cpu && parse_cpu(c, node, ac, sc) < 0)
            return -1;
    }
    if (c->p->cpus.count == 0)
        return plat_fail(c, cpus, NULL, "no cpu nodes");
    return 0;
}

static int add_memory(struct plat_ctx *c, struct walk_state *w, int node)
{
    if (!plat_is_enabled(c, node))
        return 0;
    bool attr_present = false;
    uint32_t attr = 0;
    if (plat_get_u32(c, node, "zephyr,memory-attr", &attr_present, &attr) < 0)
        return -1;
    if (attr_present && (attr & ZEPHYR_MEM_ARM_MPU_IO))
        return 0;

    struct platform_ranges reg;
    if (plat_read_reg(c, node, &reg) < 0)
        return -1;
    if (reg.count == 0) {
        plat_free_ranges(&reg);
        return plat_fail(c, node, "reg", "missing or empty in a memory node");
    }
    for (size_t i = 0; i < reg.count; i++) {
        /* Zero-sized banks are placeholders a boot loader fills in. */
        if (reg.items[i].size == 0)
            continue;
        struct bank b = { reg.items[i].base, reg.items[i].size, node };
        if (plat_push(c, &w->banks, &w->nbanks, sizeof b, &b) < 0) {
            plat_free_ranges(&reg);
            return -1;
        }
    }
    plat_free_ranges(&reg);
    return 0;
}

static int add_uart(struct plat_ctx *c, int node, const char *compat)
{
    struct platform_ranges reg;
    if (plat_read_reg(c, node, &reg) < 0)
        return -1;
    if (reg.count == 0)
        return plat_fail(c, node, "reg", "missing in a %s node", compat);
    struct platform_uart u = { .base = reg.items[0].base, .size = reg.items[0].size,
                               .enabled = plat_is_enabled(c, node) };
    plat_free_ranges(&reg);
    char path[256];
    if (fdt_get_path(c->fdt, node, path, sizeof path) != 0)
        return plat_fail(c, node, NULL, "path too long");
    u.compatible = plat_strdup(compat);
    u.path = plat_strdup(path);
    if (!u.compatible || !u.path ||
        plat_push(c, &c->p->uarts.items, &c->p->uarts.count, sizeof u, &u) < 0) {
        free(u.compatible);
        free(u.path);
        return u.compatible && u.path ? -1 : plat_oom(c);
    }
    return 0;
}

static int add_timer(struct plat_ctx *c, int node)
{
    bool present;
    uint32_t freq = 0;
    if (plat_get_u32(c, node, "clock-frequency", &present, &freq) < 0)
        return -1;
    if (!c->p->timer && present)
        c->p->timer_frequency = freq;
    c->p->timer = true;
    return 0;
}

static int add_psci(struct plat_ctx *c, int node)
{
    const char *method;
    if (c->p->psci_method)
        return 0;
    if (plat_get_string(c, node, "method", &method) < 0)
        return -1;
    if (!method)
        return plat_fail(c, node, "method", "missing; expected \"hvc\" or \"smc\"");
    if (strcmp(method, "hvc") != 0 && strcmp(method, "smc") != 0)
        return plat_fail(c, node, "method", "\"%s\", expected \"hvc\" or \"smc\"", method);
    if (!(c->p->psci_method = plat_strdup(method)))
        return plat_oom(c);
    return 0;
}

static void note_gic(struct plat_ctx *c, struct walk_state *w, int node)
{
    if (w->gic_node >= 0 || !plat_is_enabled(c, node))
        return;
    /* The node lists its compatibles most specific first: the first one the
     * table knows decides. */
    int n = fdt_stringlist_count(c->fdt, node, "compatible");
    for (int i = 0; i < n; i++) {
        const char *s = fdt_stringlist_get(c->fdt, node, "compatible", i, NULL);
        for (size_t k = 0; s && k < ARRAY_LEN(gic_table); k++) {
            if (strcmp(s, gic_table[k].compatible) == 0) {
                w->gic_node = node;
                w->gic_version = gic_table[k].version;
                w->gic_compatible = gic_table[k].compatible;
                return;
            }
        }
    }
}

static int visit_node(struct plat_ctx *c, struct walk_state *w, int node)
{
    const char *name = fdt_get_name(c->fdt, node, NULL);
    const char *type;
    if (!name)
        return plat_fail(c, node, NULL, "unreadable node name");
    if (plat_get_string(c, node, "device_type", &type) < 0)
        return -1;
    if ((type && strcmp(type, "memory") == 0) || (!type && name_base_is(name, "memory")))
        return add_memory(c, w, node);

    const char *compat;
    if ((compat = first_compatible(c, node, uart_compatibles, ARRAY_LEN(uart_compatibles))))
        return add_uart(c, node, compat);
    if (first_compatible(c, node, timer_compatibles, ARRAY_LEN(timer_compatibles)))
        return add_timer(c, node);
    if (first_compatible(c, node, psci_compatibles, ARRAY_LEN(psci_compatibles)))
        return add_psci(c, node);
    note_gic(c, w, node);
    return 0;
}

static bool is_walk_skip(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(walk_skips); i++)
        if (strcmp(name, walk_skips[i]) == 0)
            return true;
    return false;
}

static int walk_devices(struct plat_ctx *c, struct walk_state *w)
{
    int depth = 0;
    int skip_below = -1;   /* inside a skipped subtree while depth > this */
    for (int node = fdt_next_node(c->fdt, 0, &depth); node >= 0 && depth > 0;
         node = fdt_next_node(c->fdt, node, &depth)) {
        if (skip_below >= 0 && depth > skip_below)
            continue;
        skip_below = -1;
        if (depth == 1) {
            const char *name = fdt_get_name(c->fdt, node, NULL);
            if (name && is_walk_skip(name)) {
                skip_below = 1;
                continue;
            }
        }
        if (visit_node(c, w, node) < 0)
            return -1;
    }
    return 0;
}

static int compare_banks(const void *a, const void *b)
{
    const struct bank *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

static int finish_memory(struct plat_ctx *c, struct walk_state *w)
{
    if (w->nbanks == 0)
        return plat_fail(c, -1, NULL, "no memory node (expected a /memory node or a device_type = \"memory\" node with reg)");
    qsort(w->banks, w->nbanks, sizeof *w->banks, compare_banks);
    for (size_t i = 1; i < w->nbanks; i++) {
        const struct bank *prev = &w->banks[i - 1], *cur = &w->banks[i];
        if (cur->base - prev->base < prev->size) {
            char other[256];
            if (fdt_get_path(c->fdt, prev->node, other, sizeof other) != 0)
                strcpy(other, "another memory node");
            return plat_fail(c, cur->node, "reg",
                             "bank 0x%" PRIx64 "+0x%" PRIx64 " overlaps bank 0x%" PRIx64
                             "+0x%" PRIx64 " of %s",
                             cur->base, cur->size, prev->base, prev->size, other);
        }
    }
    for (size_t i = 0; i < w->nbanks; i++)
        if (plat_push_range(c, &c->p->memory, w->banks[i].base, w->banks[i].size) < 0)
            return -1;
    return 0;
}

static int parse_reserved_memory(struct plat_ctx *c)
{
    int rm = fdt_path_offset(c->fdt, "/reserved-memory");
    if (rm < 0)
        return 0;
    int node;
    fdt_for_each_subnode(node, c->fdt, rm) {
        if (!plat_is_enabled(c, node))
            continue;
        struct platform_ranges reg;
        if (plat_read_reg(c, node, &reg) < 0)
            return -1;
        /* Children with only size/alloc-ranges are placed by the OS; they
         * reserve nothing fixed. */
        for (size_t i = 0; i < reg.count; i++) {
            struct platform_reserved r = { reg.items[i].base, reg.items[i].size,
                                           plat_strdup(fdt_get_name(c->fdt, node, NULL)) };
            if (!r.name || plat_push(c, &c->p->reserved.items, &c->p->reserved.count,
                                     sizeof r, &r) < 0) {
                free(r.name);
                plat_free_ranges(&reg);
                return r.name ? -1 : plat_oom(c);
            }
        }
        plat_free_ranges(&reg);
    }
    return 0;
}

/* Zephyr's "arm,gic" names no version.  Armv8-R AArch64 cores only have the
 * GICv3 CPU interface, and a GICv3 redistributor region is whole 128 KiB
 * frames (RD_base + SGI_base per PE) where a GICv2 CPU interface is 4 or
 * 8 KiB, so either sign means GICv3. */
static enum platform_gic_version resolve_generic_gic(const struct platform *p,
                                                     const struct platform_ranges *reg)
{
    if (p->profile == 'r')
        return PLATFORM_GIC_V3;
    if (reg->count >= 2 && reg->items[1].size >= 0x20000 && reg->items[1].size % 0x20000 == 0)
        return PLATFORM_GIC_V3;
    return PLATFORM_GIC_V2;
}

static int finish_gic(struct plat_ctx *c, struct walk_state *w)
{
    if (w->gic_node < 0)
        return 0;
    int node = w->gic_node;
    struct platform_gic *g = &c->p->gic;
    struct platform_ranges reg;
    if (plat_read_reg(c, node, &reg) < 0)
        return -1;

    g->version = w->gic_version;
    if (g->version == PLATFORM_GIC_NONE) {
        g->version = resolve_generic_gic(c->p, &reg);
        g->version_inferred = true;
    }
    if (!(g->compatible = plat_strdup(w->gic_compatible))) {
        plat_free_ranges(&reg);
        return plat_oom(c);
    }
    bool present;
    uint32_t icells = 3, nredist = 1;
    int rc = plat_get_u32(c, node, "#interrupt-cells", &present, &icells);
    if (rc == 0 && g->version == PLATFORM_GIC_V3)
        rc = plat_get_u32(c, node, "#redistributor-regions", &present, &nredist);
    if (rc < 0) {
        plat_free_ranges(&reg);
        return -1;
    }
    g->interrupt_cells = icells;

    /* GICv3: GICD, nredist GICR regions, then optional GICC, GICH, GICV.
     * GICv2: GICD, GICC, then optional GICH, GICV. */
    size_t need = g->version == PLATFORM_GIC_V3 ? 1 + (size_t)nredist : 2;
    if (nredist == 0) {
        plat_free_ranges(&reg);
        return plat_fail(c, node, "#redistributor-regions", "0; a GICv3 has at least one");
    }
    if (reg.count < need) {
        size_t have = reg.count;
        plat_free_ranges(&reg);
        if (g->version == PLATFORM_GIC_V2)
            return plat_fail(c, node, "reg", "%zu entries, a GICv2 needs at least 2 "
                             "(distributor, CPU interface)", have);
        return plat_fail(c, node, "reg", "%zu entries, a GICv3 with #redistributor-regions = %"
                         PRIu32 " needs at least %zu (distributor, redistributors)",
                         have, nredist, need);
    }
    g->distributor = reg.items[0];
    size_t next = 1;
    if (g->version == PLATFORM_GIC_V3) {
        for (; next < need; next++)
            if (plat_push_range(c, &g->redistributors, reg.items[next].base, reg.items[next].size) < 0) {
                plat_free_ranges(&reg);
                return -1;
            }
    }
    struct platform_range *tail[] = { &g->cpu_interface, &g->hyp_interface, &g->vcpu_interface };
    for (size_t t = 0; t < 3 && next < reg.count; t++, next++)
        *tail[t] = reg.items[next];
    plat_free_ranges(&reg);
    c->p->has_gic = true;
    return 0;
}

static int parse_tree(struct plat_ctx *c)
{
    struct walk_state w = { .gic_node = -1 };
    int rc = 0;
    if (parse_root(c) < 0 || parse_memreserve(c) < 0 || parse_cpus(c) < 0 ||
        walk_devices(c, &w) < 0 || finish_memory(c, &w) < 0 || finish_gic(c, &w) < 0 ||
        parse_reserved_memory(c) < 0 || plat_parse_chosen(c) < 0)
        rc = -1;
    free(w.banks);
    return rc;
}

/* The structure block walked tag by tag, each step required to move
 * forward, before libfdt's fdt_check_full sees it: libfdt 1.6's full check
 * can spin without end on a block whose tags do not advance (a fuzzed
 * tree, kept in tests/fuzz/regressions/dtb/). */
static int walk_tags(const void *fdt, const char *src, struct msa_error *err)
{
    int offset = 0, next = 0;
    uint32_t max_steps = fdt_size_dt_struct(fdt) / 4 + 2;
    for (uint32_t step = 0;; step++) {
        uint32_t tag = fdt_next_tag(fdt, offset, &next);
        if (next < 0)
            return msa_error_set(err, "%s: corrupt device tree structure at byte %d of the "
                                 "structure block (%s)", src, offset, fdt_strerror(next));
        if (tag == FDT_END)
            return 0;
        if (next <= offset || step >= max_steps)
            return msa_error_set(err, "%s: corrupt device tree structure: the tag at byte %d of "
                                 "the structure block does not advance", src, offset);
        offset = next;
    }
}

static int check_blob(const void *fdt, size_t size, const char *src, struct msa_error *err)
{
    if (size < sizeof(struct fdt_header))
        return msa_error_set(err, "%s: %zu bytes, too short for a device tree header (%zu)",
                             src, size, sizeof(struct fdt_header));
    if (fdt_magic(fdt) != FDT_MAGIC)
        return msa_error_set(err, "%s: not a flattened device tree (magic 0x%08" PRIx32
                             ", expected 0x%08x)", src, (uint32_t)fdt_magic(fdt), FDT_MAGIC);
    uint32_t total = fdt_totalsize(fdt);
    if (total > PLATFORM_MAX_DTB_SIZE)
        return msa_error_set(err, "%s: header claims %" PRIu32 " bytes, more than the %u MiB limit",
                             src, total, PLATFORM_MAX_DTB_SIZE >> 20);
    if (total > size)
        return msa_error_set(err, "%s: truncated: header says %" PRIu32 " bytes, only %zu present",
                             src, total, size);
    int rc = fdt_check_header(fdt);
    if (rc != 0)
        return msa_error_set(err, "%s: corrupt device tree header (%s)", src, fdt_strerror(rc));
    /* libfdt's fdt_check_full dereferences NULL on pre-16 layouts (no
     * usable string-size field); dtc has written version 17 since 2007. */
    if (fdt_version(fdt) < 16)
        return msa_error_set(err, "%s: device tree version %" PRIu32 ", expected 16 or later",
                             src, (uint32_t)fdt_version(fdt));
    if (walk_tags(fdt, src, err) < 0)
        return -1;
    rc = fdt_check_full(fdt, size);
    if (rc != 0)
        return msa_error_set(err, "%s: corrupt device tree structure (%s)", src, fdt_strerror(rc));
    return 0;
}

int platform_from_fdt(const void *fdt, size_t size, const char *source_name,
                      struct platform **out, struct msa_error *err)
{
    *out = NULL;
    const char *src = source_name ? source_name : "(device tree)";
    if (!fdt)
        return msa_error_set(err, "%s: no device tree data", src);
    if (check_blob(fdt, size, src, err) < 0)
        return -1;

    struct platform *p = calloc(1, sizeof *p);
    if (!p || !(p->source = plat_strdup(src))) {
        free(p);
        return msa_error_set(err, "%s: out of memory while building the platform", src);
    }
    p->profile = 'a';
    p->chosen.stdout_uart = -1;
    if (!(p->fdt = malloc(size))) {
        platform_free(p);
        return msa_error_set(err, "%s: out of memory while building the platform", src);
    }
    memcpy(p->fdt, fdt, size);
    p->fdt_size = size;
    struct plat_ctx c = { .fdt = fdt, .src = src, .err = err, .p = p };
    if (parse_tree(&c) < 0 || platform_check(p, err) < 0) {
        platform_free(p);
        return -1;
    }
    *out = p;
    return 0;
}
