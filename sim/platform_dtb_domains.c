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

static int set_u64_pair(void *fdt, int node, const char *name, uint64_t a, uint64_t b)
{
    fdt32_t v[4] = {cpu_to_fdt32((uint32_t)(a >> 32)), cpu_to_fdt32((uint32_t)a),
                    cpu_to_fdt32((uint32_t)(b >> 32)), cpu_to_fdt32((uint32_t)b)};
    return fdt_setprop(fdt, node, name, v, sizeof v);
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

static int add_module(struct dtb_edit *e, int parent, enum platform_module_kind kind,
                      uint64_t base, uint64_t size, const char *bootargs)
{
    char name[64];
    snprintf(name, sizeof name, "module@%" PRIx64, base);
    int node = fdt_add_subnode(e->fdt, parent, name);
    if (node < 0)
        return fdt_fail(e, "a module node", node);
    size_t clen;
    const char *compat = module_compatible(kind, &clen);
    int rc = fdt_setprop(e->fdt, node, "compatible", compat, (int)clen);
    if (rc == 0)
        rc = set_u64_pair(e->fdt, node, "reg", base, size);
    if (rc == 0 && bootargs)
        rc = fdt_setprop_string(e->fdt, node, "bootargs", bootargs);
    return rc < 0 ? fdt_fail(e, "a module node", rc) : 0;
}

/* A cell count of `node`, or of the root when `node` does not say. */
static int cells_of(const void *fdt, int node, const char *name)
{
    const fdt32_t *v = fdt_getprop(fdt, node, name, NULL);
    if (!v)
        v = fdt_getprop(fdt, 0, name, NULL);
    return v ? (int)fdt32_to_cpu(*v) : (strcmp(name, "#address-cells") == 0 ? 2 : 1);
}

/* A module node under `parent` whose reg is written in the cells in force
 * there (1 or 2 each). */
static int add_module_cells(struct dtb_edit *e, int parent, enum platform_module_kind kind,
                            uint64_t base, uint64_t size, const char *bootargs)
{
    int ac = cells_of(e->fdt, parent, "#address-cells"), sc = cells_of(e->fdt, parent, "#size-cells");
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || (ac == 1 && base >> 32) || (sc == 1 && size >> 32))
        return msa_error_set(e->err, "%s: /chosen's cells (%d address, %d size) cannot hold the "
                             "module at 0x%" PRIx64 " of 0x%" PRIx64 " bytes", e->p->source, ac,
                             sc, base, size);
    if (add_module(e, parent, kind, base, size, bootargs) < 0)
        return -1;
    if (ac == 2 && sc == 2)
        return 0;
    /* add_module wrote <2 2>: rewrite reg in the cells in force. */
    char name[64];
    snprintf(name, sizeof name, "module@%" PRIx64, base);
    int node = fdt_subnode_offset(e->fdt, parent, name);
    fdt32_t v[4];
    int n = 0;
    if (ac == 2)
        v[n++] = cpu_to_fdt32((uint32_t)(base >> 32));
    v[n++] = cpu_to_fdt32((uint32_t)base);
    if (sc == 2)
        v[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
    v[n++] = cpu_to_fdt32((uint32_t)size);
    int rc = node < 0 ? node : fdt_setprop(e->fdt, node, "reg", v, (int)(n * sizeof v[0]));
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
        const struct platform_range *r = &d->static_mem.items[i];
        fdt32_t v[4] = {cpu_to_fdt32((uint32_t)(r->base >> 32)), cpu_to_fdt32((uint32_t)r->base),
                        cpu_to_fdt32((uint32_t)(r->size >> 32)), cpu_to_fdt32((uint32_t)r->size)};
        rc = fdt_appendprop(e->fdt, node, "xen,static-mem", v, sizeof v);
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

int platform_dtb_with_domains(const struct platform *p, size_t first, unsigned char **out,
                              size_t *out_size, struct msa_error *err)
{
    *out = NULL;
    *out_size = 0;
    if (!p->fdt)
        return msa_error_set(err, "%s: the device tree it was read from is not kept", p->source);
    /* Room for the new nodes: a few hundred bytes per domain is plenty. */
    size_t size = p->fdt_size + 4096 + 1024 * (p->domains.count - (first < p->domains.count
                                                                       ? first : p->domains.count));
    if (size > PLATFORM_MAX_DTB_SIZE)
        return msa_error_set(err, "%s: the recorded device tree would exceed %u MiB", p->source,
                             PLATFORM_MAX_DTB_SIZE >> 20);
    struct dtb_edit e = {.p = p, .fdt = malloc(size), .err = err};
    if (!e.fdt)
        return msa_error_set(err, "out of memory");
    int rc = fdt_open_into(p->fdt, e.fdt, (int)size);
    if (rc < 0) {
        free(e.fdt);
        return fdt_fail(&e, "the tree", rc);
    }
    if (drop_extra_cpus(&e) < 0)
        goto fail;
    if (first < p->domains.count) {
        int chosen = fdt_path_offset(e.fdt, "/chosen");
        if (chosen < 0)
            chosen = fdt_add_subnode(e.fdt, 0, "chosen");
        if (chosen < 0) {
            fdt_fail(&e, "/chosen", chosen);
            goto fail;
        }
        /* Last to first, as above: the domains read back as d1, d2, ... */
        for (size_t i = p->domains.count; i-- > first;)
            if (add_domain(&e, chosen, &p->domains.items[i]) < 0)
                goto fail;
    }
    rc = fdt_pack(e.fdt);
    if (rc < 0) {
        fdt_fail(&e, "the packed tree", rc);
        goto fail;
    }
    *out = e.fdt;
    *out_size = fdt_totalsize(e.fdt);
    return 0;
fail:
    free(e.fdt);
    return -1;
}

/* ---- the Linux arm64 boot protocol ---------------------------------------- */

int platform_dtb_for_boot(const struct platform *p, const char *bootargs,
                          const struct platform_boot_module *mods, size_t nmods,
                          unsigned char **out, size_t *out_size, struct msa_error *err)
{
    *out = NULL;
    *out_size = 0;
    if (!p->fdt)
        return msa_error_set(err, "%s: the device tree it was read from is not kept", p->source);
    size_t extra = 4096 + (bootargs ? strlen(bootargs) : 0);
    for (size_t i = 0; i < nmods; i++)
        extra += 256 + (mods[i].bootargs ? strlen(mods[i].bootargs) : 0);
    size_t size = p->fdt_size + extra;
    if (size > PLATFORM_MAX_DTB_SIZE)
        return msa_error_set(err, "%s: the device tree for the kernel would exceed %u MiB",
                             p->source, PLATFORM_MAX_DTB_SIZE >> 20);
    struct dtb_edit e = {.p = p, .fdt = malloc(size), .err = err};
    if (!e.fdt)
        return msa_error_set(err, "out of memory");
    int rc = fdt_open_into(p->fdt, e.fdt, (int)size);
    int chosen = rc < 0 ? rc : fdt_path_offset(e.fdt, "/chosen");
    if (rc == 0 && chosen < 0)
        chosen = fdt_add_subnode(e.fdt, 0, "chosen");
    if (rc < 0 || chosen < 0) {
        fdt_fail(&e, "/chosen", rc < 0 ? rc : chosen);
        goto fail;
    }
    if (bootargs && (rc = fdt_setprop_string(e.fdt, chosen, "bootargs", bootargs)) < 0) {
        fdt_fail(&e, "/chosen/bootargs", rc);
        goto fail;
    }
    /* Last to first: fdt_add_subnode puts a node before its siblings, and
     * the first module is the kernel.  Their reg takes the cells /chosen
     * declares, or the root's (QEMU's guest-loader writes the root's and
     * declares nothing in /chosen). */
    for (size_t i = nmods; i-- > 0;) {
        if (add_module_cells(&e, chosen, i == 0 ? PLATFORM_MODULE_KERNEL : PLATFORM_MODULE_GENERIC,
                             mods[i].base, mods[i].size, mods[i].bootargs) < 0)
            goto fail;
    }
    rc = fdt_pack(e.fdt);
    if (rc < 0) {
        fdt_fail(&e, "the packed tree", rc);
        goto fail;
    }
    *out = e.fdt;
    *out_size = fdt_totalsize(e.fdt);
    return 0;
fail:
    free(e.fdt);
    return -1;
}
