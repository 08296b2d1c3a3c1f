/* /chosen: boot arguments, the console, Xen's static heap, boot modules and
 * dom0less domains, read as Xen's docs/misc/arm/device-tree/booting.txt
 * defines them.  Cell counts follow that document: xen,static-heap uses the
 * root's cells, modules and xen,static-mem their parent node's. */
#include "sim/platform_internal.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

/* Module compatibles, legacy Xen 4.4 names included; a node is a module when
 * it has any of them, and its kind is the most specific one present. */
static const struct {
    const char *compatible;
    enum platform_module_kind kind;
} module_table[] = {
    { "multiboot,kernel", PLATFORM_MODULE_KERNEL },
    { "xen,linux-zimage", PLATFORM_MODULE_KERNEL },
    { "multiboot,ramdisk", PLATFORM_MODULE_RAMDISK },
    { "xen,linux-initrd", PLATFORM_MODULE_RAMDISK },
    { "multiboot,device-tree", PLATFORM_MODULE_DEVICE_TREE },
    { "xen,xsm-policy", PLATFORM_MODULE_XSM_POLICY },
    { "multiboot,module", PLATFORM_MODULE_GENERIC },
    { "xen,multiboot-module", PLATFORM_MODULE_GENERIC },
};

static bool module_kind(struct plat_ctx *c, int node, enum platform_module_kind *kind)
{
    for (size_t i = 0; i < sizeof module_table / sizeof module_table[0]; i++) {
        if (plat_is_compatible(c, node, module_table[i].compatible)) {
            *kind = module_table[i].kind;
            return true;
        }
    }
    return false;
}

/* Reads the multiboot,* children of `parent` (whose cells give their reg). */
static int parse_modules(struct plat_ctx *c, int parent, struct platform_modules *out)
{
    uint32_t ac, sc;
    if (plat_cells(c, parent, "#address-cells", 2, &ac) < 0 ||
        plat_cells(c, parent, "#size-cells", 1, &sc) < 0)
        return -1;
    int node;
    fdt_for_each_subnode(node, c->fdt, parent) {
        struct platform_module m = { 0 };
        if (!module_kind(c, node, &m.kind))
            continue;
        struct platform_ranges reg;
        if (plat_read_pairs(c, node, "reg", ac, sc, &reg) < 0)
            return -1;
        /* UEFI boots name the file instead (xen,uefi-binary); there is
         * nothing in memory to describe then. */
        if (reg.count == 0 && !plat_has_prop(c, node, "xen,uefi-binary"))
            return plat_fail(c, node, "reg", "missing in a boot module");
        if (reg.count > 0) {
            m.base = reg.items[0].base;
            m.size = reg.items[0].size;
        }
        plat_free_ranges(&reg);
        if (!(m.name = plat_strdup(fdt_get_name(c->fdt, node, NULL))))
            return plat_oom(c);
        if (plat_dup_string(c, node, "bootargs", &m.bootargs) < 0 ||
            plat_push(c, &out->items, &out->count, sizeof m, &m) < 0) {
            free(m.name);
            free(m.bootargs);
            return -1;
        }
    }
    return 0;
}

static int parse_domain_memory(struct plat_ctx *c, int node, struct platform_domain *d)
{
    int len;
    const void *v = fdt_getprop(c->fdt, node, "memory", &len);
    if (!v)
        return plat_fail(c, node, "memory", "missing; a xen,domain needs its RAM size in KiB");
    /* Always a 64-bit <hi lo> pair, whatever the cells around say. */
    if (len != 8)
        return plat_fail(c, node, "memory", "length %d, expected a 64-bit <hi lo> KiB count (8 bytes)", len);
    uint32_t be[2];
    memcpy(be, v, sizeof be);
    d->memory_kib = ((uint64_t)fdt32_to_cpu(be[0]) << 32) | fdt32_to_cpu(be[1]);
    return 0;
}

static int parse_domain(struct plat_ctx *c, int node, struct platform_domain *d)
{
    bool present;
    if (plat_get_u32(c, node, "cpus", &present, &d->vcpus) < 0)
        return -1;
    if (!present)
        return plat_fail(c, node, "cpus", "missing; a xen,domain needs its vCPU count");
    if (d->vcpus == 0)
        return plat_fail(c, node, "cpus", "0 vCPUs");
    if (parse_domain_memory(c, node, d) < 0)
        return -1;

    uint32_t ac, sc;
    if (plat_cells(c, node, "#address-cells", 2, &ac) < 0 ||
        plat_cells(c, node, "#size-cells", 1, &sc) < 0 ||
        plat_read_pairs(c, node, "xen,static-mem", ac, sc, &d->static_mem) < 0)
        return -1;

    d->direct_map = plat_has_prop(c, node, "direct-map");
    d->vpl011 = plat_has_prop(c, node, "vpl011");
    if (d->direct_map && d->static_mem.count == 0)
        return plat_fail(c, node, "direct-map", "needs statically allocated memory (xen,static-mem)");

    const char *msa;
    if (plat_get_string(c, node, "v8r_el1_msa", &msa) < 0)
        return -1;
    d->el1_msa = PLATFORM_EL1_MPU;
    if (msa && strcmp(msa, "mmu") == 0)
        d->el1_msa = PLATFORM_EL1_MMU;
    else if (msa && strcmp(msa, "mpu") != 0)
        return plat_fail(c, node, "v8r_el1_msa", "\"%s\", expected \"mpu\" or \"mmu\"", msa);

    return parse_modules(c, node, &d->modules);
}

static int parse_domains(struct plat_ctx *c, int chosen)
{
    int node;
    fdt_for_each_subnode(node, c->fdt, chosen) {
        if (!plat_is_compatible(c, node, "xen,domain"))
            continue;
        struct platform_domain d = { 0 };
        if (!(d.name = plat_strdup(fdt_get_name(c->fdt, node, NULL))))
            return plat_oom(c);
        if (parse_domain(c, node, &d) < 0 ||
            plat_push(c, &c->p->domains.items, &c->p->domains.count, sizeof d, &d) < 0) {
            free(d.name);
            plat_free_ranges(&d.static_mem);
            plat_free_modules(&d.modules);
            return -1;
        }
    }
    return 0;
}

/* stdout-path is "path-or-alias[:options]"; find the UART it names. */
static void resolve_stdout(struct plat_ctx *c)
{
    const char *s = c->p->chosen.stdout_path;
    if (!s)
        return;
    size_t n = strcspn(s, ":");
    int node = fdt_path_offset_namelen(c->fdt, s, (int)n);
    char path[256];
    if (node < 0 || fdt_get_path(c->fdt, node, path, sizeof path) != 0)
        return;
    for (size_t i = 0; i < c->p->uarts.count; i++)
        if (strcmp(c->p->uarts.items[i].path, path) == 0)
            c->p->chosen.stdout_uart = (int)i;
}

int plat_parse_chosen(struct plat_ctx *c)
{
    int chosen = fdt_path_offset(c->fdt, "/chosen");
    if (chosen < 0)
        return 0;
    struct platform_chosen *ch = &c->p->chosen;
    if (plat_dup_string(c, chosen, "bootargs", &ch->bootargs) < 0 ||
        plat_dup_string(c, chosen, "xen,xen-bootargs", &ch->xen_bootargs) < 0 ||
        plat_dup_string(c, chosen, "stdout-path", &ch->stdout_path) < 0)
        return -1;
    if (!ch->stdout_path && plat_dup_string(c, chosen, "linux,stdout-path", &ch->stdout_path) < 0)
        return -1;
    resolve_stdout(c);

    uint32_t ac, sc;
    if (plat_cells(c, 0, "#address-cells", 2, &ac) < 0 ||
        plat_cells(c, 0, "#size-cells", 1, &sc) < 0 ||
        plat_read_pairs(c, chosen, "xen,static-heap", ac, sc, &ch->static_heap) < 0)
        return -1;
    if (parse_modules(c, chosen, &ch->modules) < 0)
        return -1;
    return parse_domains(c, chosen);
}
