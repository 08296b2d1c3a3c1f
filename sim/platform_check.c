/* Checks that need the whole platform (where each piece of memory lies
 * against RAM and against the others), and the lookups later layers use. */
#include "sim/platform.h"

#include <inttypes.h>
#include <string.h>

/* Exclusive end, saturated: ranges were checked not to wrap when read, but a
 * platform built by hand may not have been. */
static uint64_t range_end(uint64_t base, uint64_t size)
{
    return base + size < base ? UINT64_MAX : base + size;
}

static bool overlaps(const struct platform_range *a, const struct platform_range *b)
{
    return a->size && b->size && a->base < range_end(b->base, b->size) &&
           b->base < range_end(a->base, a->size);
}

bool platform_ram_contains(const struct platform *p, uint64_t base, uint64_t size)
{
    uint64_t end = range_end(base, size ? size : 1);
    uint64_t at = base;
    /* Banks are sorted: walk forward while each one picks up where the
     * previous stopped. */
    for (size_t i = 0; i < p->memory.count; i++) {
        const struct platform_range *b = &p->memory.items[i];
        uint64_t bend = range_end(b->base, b->size);
        if (at < b->base || at >= bend)
            continue;
        if (end <= bend)
            return true;
        at = bend;
    }
    return false;
}

uint64_t platform_ram_total(const struct platform *p)
{
    uint64_t total = 0;
    for (size_t i = 0; i < p->memory.count; i++)
        total += p->memory.items[i].size;
    return total;
}

const struct platform_domain *platform_find_domain(const struct platform *p, const char *name)
{
    for (size_t i = 0; i < p->domains.count; i++)
        if (strcmp(p->domains.items[i].name, name) == 0)
            return &p->domains.items[i];
    return NULL;
}

const struct platform_uart *platform_console_uart(const struct platform *p)
{
    if (p->chosen.stdout_uart >= 0 && (size_t)p->chosen.stdout_uart < p->uarts.count)
        return &p->uarts.items[p->chosen.stdout_uart];
    for (size_t i = 0; i < p->uarts.count; i++)
        if (p->uarts.items[i].enabled)
            return &p->uarts.items[i];
    return NULL;
}

const char *platform_module_kind_name(enum platform_module_kind kind)
{
    switch (kind) {
    case PLATFORM_MODULE_KERNEL: return "kernel";
    case PLATFORM_MODULE_RAMDISK: return "ramdisk";
    case PLATFORM_MODULE_DEVICE_TREE: return "device-tree";
    case PLATFORM_MODULE_XSM_POLICY: return "xsm-policy";
    case PLATFORM_MODULE_GENERIC: return "module";
    }
    return "module";
}

const char *platform_el1_msa_name(enum platform_el1_msa msa)
{
    return msa == PLATFORM_EL1_MMU ? "mmu" : "mpu";
}

static int check_memory(const struct platform *p, struct msa_error *err)
{
    if (p->memory.count == 0)
        return msa_error_set(err, "%s: no memory node", p->source);
    for (size_t i = 1; i < p->memory.count; i++) {
        const struct platform_range *a = &p->memory.items[i - 1], *b = &p->memory.items[i];
        if (b->base < a->base || overlaps(a, b))
            return msa_error_set(err, "%s: memory banks 0x%" PRIx64 "+0x%" PRIx64 " and 0x%" PRIx64
                                 "+0x%" PRIx64 " overlap or are not sorted",
                                 p->source, a->base, a->size, b->base, b->size);
    }
    return 0;
}

static int check_static_heap(const struct platform *p, struct msa_error *err)
{
    for (size_t i = 0; i < p->chosen.static_heap.count; i++) {
        const struct platform_range *h = &p->chosen.static_heap.items[i];
        if (!platform_ram_contains(p, h->base, h->size))
            return msa_error_set(err, "%s: node /chosen: property xen,static-heap: bank 0x%" PRIx64
                                 "+0x%" PRIx64 " lies outside RAM", p->source, h->base, h->size);
    }
    return 0;
}

/* Static memory is given to one domain exclusively: it must be RAM, and no
 * other domain (nor Xen's static heap) may hold any of it. */
static int check_domain_memory(const struct platform *p, size_t di, struct msa_error *err)
{
    const struct platform_domain *d = &p->domains.items[di];
    uint64_t total = 0;
    for (size_t i = 0; i < d->static_mem.count; i++) {
        const struct platform_range *m = &d->static_mem.items[i];
        total += m->size;
        if (!platform_ram_contains(p, m->base, m->size))
            return msa_error_set(err, "%s: node /chosen/%s: property xen,static-mem: bank 0x%" PRIx64
                                 "+0x%" PRIx64 " lies outside RAM", p->source, d->name, m->base, m->size);
        for (size_t h = 0; h < p->chosen.static_heap.count; h++)
            if (overlaps(m, &p->chosen.static_heap.items[h]))
                return msa_error_set(err, "%s: node /chosen/%s: property xen,static-mem: bank 0x%" PRIx64
                                     "+0x%" PRIx64 " overlaps xen,static-heap",
                                     p->source, d->name, m->base, m->size);
        for (size_t j = 0; j < i; j++)
            if (overlaps(m, &d->static_mem.items[j]))
                return msa_error_set(err, "%s: node /chosen/%s: property xen,static-mem: bank 0x%" PRIx64
                                     "+0x%" PRIx64 " overlaps another bank of the same domain",
                                     p->source, d->name, m->base, m->size);
        for (size_t dj = 0; dj < di; dj++) {
            const struct platform_domain *o = &p->domains.items[dj];
            for (size_t k = 0; k < o->static_mem.count; k++)
                if (overlaps(m, &o->static_mem.items[k]))
                    return msa_error_set(err, "%s: node /chosen/%s: property xen,static-mem: bank 0x%" PRIx64
                                         "+0x%" PRIx64 " overlaps static memory of domain %s",
                                         p->source, d->name, m->base, m->size, o->name);
        }
    }
    /* Xen takes a static domain's RAM from its banks only and refuses a
     * "memory" that says otherwise. */
    if (d->static_mem.count && total != d->memory_kib * 1024)
        return msa_error_set(err, "%s: node /chosen/%s: property memory: %" PRIu64
                             " KiB, but xen,static-mem adds up to %" PRIu64 " KiB",
                             p->source, d->name, d->memory_kib, total / 1024);
    return 0;
}

int platform_check(const struct platform *p, struct msa_error *err)
{
    if (check_memory(p, err) < 0 || check_static_heap(p, err) < 0)
        return -1;
    for (size_t i = 0; i < p->domains.count; i++)
        if (check_domain_memory(p, i, err) < 0)
            return -1;
    return 0;
}
