/* reg and ranges: a node's reg is written in its parent bus's address space
 * with the parent's #address-cells / #size-cells; every bus between it and
 * the root maps that space into its own parent's through `ranges` (an empty
 * `ranges` is the identity, a missing one means the address is not visible to
 * the CPU).  This file turns a reg into CPU physical addresses. */
#include "sim/platform_internal.h"

#include <inttypes.h>
#include <libfdt.h>
#include <string.h>

static uint64_t read_cells(const unsigned char *p, uint32_t n)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t be;
        memcpy(&be, p + 4 * i, sizeof be);
        v = (v << 32) | fdt32_to_cpu(be);
    }
    return v;
}

int plat_read_pairs(struct plat_ctx *c, int node, const char *prop,
                    uint32_t ac, uint32_t sc, struct platform_ranges *out)
{
    out->items = NULL;
    out->count = 0;
    int len;
    const unsigned char *v = fdt_getprop(c->fdt, node, prop, &len);
    if (!v) {
        if (len != -FDT_ERR_NOTFOUND)
            return plat_fail(c, node, prop, "unreadable (%s)", fdt_strerror(len));
        return 0;
    }
    /* 64-bit addresses and sizes: more cells than two cannot be held, and
     * a zero-cell address has no meaning for a range. */
    if (ac < 1 || ac > 2)
        return plat_fail(c, node, prop, "#address-cells %" PRIu32 " not supported (1 or 2)", ac);
    if (sc > 2)
        return plat_fail(c, node, prop, "#size-cells %" PRIu32 " not supported (0, 1 or 2)", sc);
    size_t entry = 4u * (ac + sc);
    if ((size_t)len % entry != 0)
        return plat_fail(c, node, prop,
                         "length %d is not a multiple of %zu bytes "
                         "(#address-cells %" PRIu32 " + #size-cells %" PRIu32 ")",
                         len, entry, ac, sc);
    for (size_t off = 0; off < (size_t)len; off += entry) {
        uint64_t base = read_cells(v + off, ac);
        uint64_t size = read_cells(v + off + 4u * ac, sc);
        if (size && base + size - 1 < base) {
            plat_free_ranges(out);
            return plat_fail(c, node, prop,
                             "entry %zu: 0x%" PRIx64 " + 0x%" PRIx64 " wraps past 2^64",
                             off / entry, base, size);
        }
        if (plat_push_range(c, out, base, size) < 0) {
            plat_free_ranges(out);
            return -1;
        }
    }
    return 0;
}

/* Maps `addr` from the child space of `bus` to the space of bus's parent. */
static int translate_one(struct plat_ctx *c, int node, int bus, uint64_t *addr)
{
    int len;
    const unsigned char *r = fdt_getprop(c->fdt, bus, "ranges", &len);
    if (!r) {
        char bus_path[256];
        if (fdt_get_path(c->fdt, bus, bus_path, sizeof bus_path) != 0)
            strcpy(bus_path, "its parent");
        return plat_fail(c, node, "reg",
                         "address 0x%" PRIx64 " is not visible to the CPU: %s has no ranges",
                         *addr, bus_path);
    }
    if (len == 0)
        return 0;

    int parent = fdt_parent_offset(c->fdt, bus);
    if (parent < 0)
        return plat_fail(c, bus, NULL, "no parent (%s)", fdt_strerror(parent));
    uint32_t cac, csc, pac;
    if (plat_cells(c, bus, "#address-cells", 2, &cac) < 0 ||
        plat_cells(c, bus, "#size-cells", 1, &csc) < 0 ||
        plat_cells(c, parent, "#address-cells", 2, &pac) < 0)
        return -1;
    if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 1 || csc > 2)
        return plat_fail(c, bus, "ranges",
                         "cells (child %" PRIu32 ", parent %" PRIu32 ", size %" PRIu32
                         ") not supported (1 or 2 each)", cac, pac, csc);
    size_t entry = 4u * (cac + pac + csc);
    if ((size_t)len % entry != 0)
        return plat_fail(c, bus, "ranges",
                         "length %d is not a multiple of %zu bytes "
                         "(child #address-cells %" PRIu32 " + parent #address-cells %" PRIu32
                         " + #size-cells %" PRIu32 ")", len, entry, cac, pac, csc);
    for (size_t off = 0; off < (size_t)len; off += entry) {
        uint64_t child = read_cells(r + off, cac);
        uint64_t paddr = read_cells(r + off + 4u * cac, pac);
        uint64_t size = read_cells(r + off + 4u * (cac + pac), csc);
        if (*addr >= child && *addr - child < size) {
            *addr = paddr + (*addr - child);
            return 0;
        }
    }
    char bus_path[256];
    if (fdt_get_path(c->fdt, bus, bus_path, sizeof bus_path) != 0)
        strcpy(bus_path, "its parent");
    return plat_fail(c, node, "reg", "address 0x%" PRIx64 " is outside every ranges entry of %s",
                     *addr, bus_path);
}

int plat_read_reg(struct plat_ctx *c, int node, struct platform_ranges *out)
{
    out->items = NULL;
    out->count = 0;
    int bus = fdt_parent_offset(c->fdt, node);
    if (bus < 0)
        return plat_fail(c, node, "reg", "node has no parent (%s)", fdt_strerror(bus));
    uint32_t ac, sc;
    if (plat_cells(c, bus, "#address-cells", 2, &ac) < 0 ||
        plat_cells(c, bus, "#size-cells", 1, &sc) < 0)
        return -1;
    if (plat_read_pairs(c, node, "reg", ac, sc, out) < 0)
        return -1;

    for (int b = bus; b != 0;) {
        for (size_t i = 0; i < out->count; i++) {
            if (translate_one(c, node, b, &out->items[i].base) < 0) {
                plat_free_ranges(out);
                return -1;
            }
        }
        b = fdt_parent_offset(c->fdt, b);
        if (b < 0) {
            plat_free_ranges(out);
            return plat_fail(c, node, "reg", "broken parent chain (%s)", fdt_strerror(b));
        }
    }
    return 0;
}
