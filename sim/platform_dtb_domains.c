/* A device tree that says what a run did to its platform, so that a trace
 * recorded by `run --hv` can embed it and a replay sees the same machine:
 * the domains made from guest files on the command line become /chosen
 * xen,domain nodes (the dom0less binding Xen reads), and cpu nodes beyond
 * the cores the run had (--cores) are dropped. */
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "sim/platform.h"

struct dtb_edit {
    const struct platform *p;
    void *fdt;
    struct msa_error *err;
};

static int fdt_fail(struct dtb_edit *e, const char *what, int rc)
{
    return msa_error_set(e->err, "%s: cannot write %s into the recorded device tree: %s",
                         e->p->source, what, fdt_strerror(rc));
}

static bool is_cpu_node(const void *fdt, int node)
{
    const char *type = fdt_getprop(fdt, node, "device_type", NULL);
    if (type)
        return strcmp(type, "cpu") == 0;
    const char *name = fdt_get_name(fdt, node, NULL);
    size_t n = strcspn(name, "@");
    return n == 3 && strncmp(name, "cpu", 3) == 0;
}

/* Removes the cpu nodes after the first p->cpus.count, in tree order (the
 * order the platform reader numbers them in). */
static int drop_extra_cpus(struct dtb_edit *e)
{
    int cpus = fdt_path_offset(e->fdt, "/cpus");
    if (cpus < 0)
        return 0;
    size_t seen = 0;
    int node = fdt_first_subnode(e->fdt, cpus);
    while (node >= 0) {
        if (is_cpu_node(e->fdt, node) && seen++ >= e->p->cpus.count) {
            int rc = fdt_del_node(e->fdt, node);
            if (rc < 0)
                return fdt_fail(e, "the cpu nodes", rc);
            /* Offsets after a deletion move: start over from the parent. */
            cpus = fdt_path_offset(e->fdt, "/cpus");
            node = fdt_first_subnode(e->fdt, cpus);
            seen = 0;
            continue;
        }
        node = fdt_next_subnode(e->fdt, node);
    }
    return 0;
}

/* <base size> in `ac` and `sc` cells (1 or 2 each) into v[4]: the count. */
static int reg_cells(uint64_t base, uint64_t size, int ac, int sc, fdt32_t v[4])
{
    int n = 0;
    if (ac == 2)
        v[n++] = cpu_to_fdt32((uint32_t)(base >> 32));
    v[n++] = cpu_to_fdt32((uint32_t)base);
    if (sc == 2)
        v[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
    v[n++] = cpu_to_fdt32((uint32_t)size);
    return n;
}

static const char *module_compatible(enum platform_module_kind kind, size_t *len)
{
    /* Both strings of the binding: the specific kind, then the generic. */
    static const char kernel[] = "multiboot,kernel\0multiboot,module";
    static const char ramdisk[] = "multiboot,ramdisk\0multiboot,module";
    static const char dtree[] = "multiboot,device-tree\0multiboot,module";
    static const char generic[] = "multiboot,module";
    switch (kind) {
    case PLATFORM_MODULE_KERNEL: *len = sizeof kernel; return kernel;
    case PLATFORM_MODULE_RAMDISK: *len = sizeof ramdisk; return ramdisk;
    case PLATFORM_MODULE_DEVICE_TREE: *len = sizeof dtree; return dtree;
    default: *len = sizeof generic; return generic;
    }
}

/* A cell count of `node`, or of the root when `node` does not say. */
static int cells_of(const void *fdt, int node, const char *name)
{
    const fdt32_t *v = fdt_getprop(fdt, node, name, NULL);
    if (!v)
        v = fdt_getprop(fdt, 0, name, NULL);
    return v ? (int)fdt32_to_cpu(*v) : (strcmp(name, "#address-cells") == 0 ? 2 : 1);
}

/* A module node under `parent`, its reg in the cells in force there (the
 * parent's own, or the root's: QEMU's guest-loader writes the root's and
 * declares nothing in /chosen). */
static int add_module(struct dtb_edit *e, int parent, enum platform_module_kind kind,
                      uint64_t base, uint64_t size, const char *bootargs)
{
    int ac = cells_of(e->fdt, parent, "#address-cells"), sc = cells_of(e->fdt, parent, "#size-cells");
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || (ac == 1 && base >> 32) || (sc == 1 && size >> 32))
        return msa_error_set(e->err, "%s: the cells (%d address, %d size) of the module's parent "
                             "cannot hold the module at 0x%" PRIx64 " of 0x%" PRIx64 " bytes",
                             e->p->source, ac, sc, base, size);
    char name[64];
    snprintf(name, sizeof name, "module@%" PRIx64, base);
    int node = fdt_add_subnode(e->fdt, parent, name);
    if (node < 0)
        return fdt_fail(e, "a module node", node);
    size_t clen;
    const char *compat = module_compatible(kind, &clen);
    fdt32_t reg[4];
    int n = reg_cells(base, size, ac, sc, reg);
    int rc = fdt_setprop(e->fdt, node, "compatible", compat, (int)clen);
    if (rc == 0)
        rc = fdt_setprop(e->fdt, node, "reg", reg, (int)(n * sizeof reg[0]));
    if (rc == 0 && bootargs)
        rc = fdt_setprop_string(e->fdt, node, "bootargs", bootargs);
    return rc < 0 ? fdt_fail(e, "a module node", rc) : 0;
}

static int add_domain(struct dtb_edit *e, int chosen, const struct platform_domain *d)
{
    int node = fdt_add_subnode(e->fdt, chosen, d->name);
    if (node < 0)
        return fdt_fail(e, "a xen,domain node", node);
    int rc = fdt_setprop_string(e->fdt, node, "compatible", "xen,domain");
    if (rc == 0)
        rc = fdt_setprop_u32(e->fdt, node, "#address-cells", 2);
    if (rc == 0)
        rc = fdt_setprop_u32(e->fdt, node, "#size-cells", 2);
    if (rc == 0)
        rc = fdt_setprop_u64(e->fdt, node, "memory", d->memory_kib);
    if (rc == 0)
        rc = fdt_setprop_u32(e->fdt, node, "cpus", d->vcpus);
    for (size_t i = 0; rc == 0 && i < d->static_mem.count; i++) {
        fdt32_t v[4];
        int n = reg_cells(d->static_mem.items[i].base, d->static_mem.items[i].size, 2, 2, v);
        rc = fdt_appendprop(e->fdt, node, "xen,static-mem", v, (int)(n * sizeof v[0]));
    }
    if (rc == 0 && d->direct_map)
        rc = fdt_setprop_empty(e->fdt, node, "direct-map");
    if (rc == 0 && d->vpl011)
        rc = fdt_setprop_empty(e->fdt, node, "vpl011");
    if (rc == 0)
        rc = fdt_setprop_string(e->fdt, node, "v8r_el1_msa",
                                d->el1_msa == PLATFORM_EL1_MMU ? "mmu" : "mpu");
    if (rc < 0)
        return fdt_fail(e, "a xen,domain node", rc);
    /* fdt_add_subnode puts a new node before its siblings: add the modules
     * last to first so they read back in their order. */
    for (size_t i = d->modules.count; i-- > 0;)
        if (add_module(e, node, d->modules.items[i].kind, d->modules.items[i].base,
                       d->modules.items[i].size, d->modules.items[i].bootargs) < 0)
            return -1;
    return 0;
}

/* `p`'s blob opened for editing with `extra` bytes of room. */
static int edit_open(const struct platform *p, size_t extra, struct dtb_edit *e,
                     struct msa_error *err)
{
    *e = (struct dtb_edit){.p = p, .err = err};
    if (!p->fdt)
        return msa_error_set(err, "%s: the device tree it was read from is not kept", p->source);
    size_t size = p->fdt_size + extra;
    if (size > PLATFORM_MAX_DTB_SIZE)
        return msa_error_set(err, "%s: the edited device tree would exceed %u MiB", p->source,
                             PLATFORM_MAX_DTB_SIZE >> 20);
    if (!(e->fdt = malloc(size)))
        return msa_error_set(err, "out of memory");
    int rc = fdt_open_into(p->fdt, e->fdt, (int)size);
    if (rc < 0) {
        fdt_fail(e, "the tree", rc);
        free(e->fdt);
        e->fdt = NULL;
        return -1;
    }
    return 0;
}

/* /chosen, made when the tree has none. */
static int edit_chosen(struct dtb_edit *e)
{
    int chosen = fdt_path_offset(e->fdt, "/chosen");
    if (chosen < 0)
        chosen = fdt_add_subnode(e->fdt, 0, "chosen");
    return chosen < 0 ? fdt_fail(e, "/chosen", chosen) : chosen;
}

/* Packs the edited tree into *out (`ok`: the edits succeeded), or frees it. */
static int edit_finish(struct dtb_edit *e, bool ok, unsigned char **out, size_t *out_size)
{
    int rc = ok ? fdt_pack(e->fdt) : -1;
    if (ok && rc < 0)
        fdt_fail(e, "the packed tree", rc);
    if (rc < 0) {
        free(e->fdt);
        return -1;
    }
    *out = e->fdt;
    *out_size = fdt_totalsize(e->fdt);
    return 0;
}

int platform_dtb_with_domains(const struct platform *p, size_t first, unsigned char **out,
                              size_t *out_size, struct msa_error *err)
{
    *out = NULL;
    *out_size = 0;
    size_t added = first < p->domains.count ? p->domains.count - first : 0;
    /* Room for the new nodes: a few hundred bytes per domain is plenty. */
    struct dtb_edit e;
    if (edit_open(p, 4096 + 1024 * added, &e, err) < 0)
        return -1;
    bool ok = drop_extra_cpus(&e) == 0;
    int chosen = ok && added ? edit_chosen(&e) : 0;
    ok = ok && chosen >= 0;
    /* Last to first, as for modules: the domains read back as d1, d2, ... */
    for (size_t i = p->domains.count; ok && added && i-- > first;)
        ok = add_domain(&e, chosen, &p->domains.items[i]) == 0;
    return edit_finish(&e, ok, out, out_size);
}

/* ---- the Linux arm64 boot protocol ---------------------------------------- */

int platform_dtb_for_boot(const struct platform *p, const char *bootargs,
                          const struct platform_boot_module *mods, size_t nmods,
                          unsigned char **out, size_t *out_size, struct msa_error *err)
{
    *out = NULL;
    *out_size = 0;
    size_t extra = 4096 + (bootargs ? strlen(bootargs) : 0);
    for (size_t i = 0; i < nmods; i++)
        extra += 256 + (mods[i].bootargs ? strlen(mods[i].bootargs) : 0);
    struct dtb_edit e;
    if (edit_open(p, extra, &e, err) < 0)
        return -1;
    int chosen = edit_chosen(&e);
    bool ok = chosen >= 0;
    int rc = ok && bootargs ? fdt_setprop_string(e.fdt, chosen, "bootargs", bootargs) : 0;
    if (rc < 0)
        ok = fdt_fail(&e, "/chosen/bootargs", rc) == 0;
    /* Last to first: fdt_add_subnode puts a node before its siblings, and
     * the first module is the kernel. */
    for (size_t i = nmods; ok && i-- > 0;)
        ok = add_module(&e, chosen, i == 0 ? PLATFORM_MODULE_KERNEL : PLATFORM_MODULE_GENERIC,
                        mods[i].base, mods[i].size, mods[i].bootargs) == 0;
    return edit_finish(&e, ok, out, out_size);
}
