/* The boot information a module gets, built from the platform: RAM,
 * reserved memory, boot modules, the static heap, the device tree's own
 * place in RAM, the console UART, the GIC and the dom0less domains with
 * their vCPUs placed on cores.
 *
 * A few facts are not in a device tree and are decided here, each an
 * option of the core (--hv-opt) because they are the bootloader's or the
 * integrator's choice:
 *   fdt-addr=ADDR     where the bootloader left the DTB.  Default: the top
 *                     2 MiB-aligned free block of the first RAM bank, where
 *                     U-Boot relocates the tree by default (an assumption).
 *   heap=auto|none|BASE+SIZE, heap-size=SIZE
 *                     the static heap.  auto takes xen,static-heap; a tree
 *                     without one gets a heap-size heap (32 MiB) placed at
 *                     the top of the first bank below the DTB, with a note.
 *   device=DOMAIN:BASE+SIZE
 *                     an MMIO range passed through to a domain. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "hv/hv_lib.h"
#include "sim/platform.h"

#define MIB ((uint64_t)1 << 20)
#define DEFAULT_FDT_SIZE (64 * 1024)   /* when the blob's size is unknown */
#define DEFAULT_HEAP_SIZE (32 * MIB)

struct info_opts {
    bool fdt_given;
    uint64_t fdt_addr;
    enum { HEAP_AUTO, HEAP_NONE, HEAP_GIVEN } heap;
    struct hv_range heap_range;
    uint64_t heap_size;
};

static enum hv_blob_kind blob_kind(enum platform_module_kind k)
{
    switch (k) {
    case PLATFORM_MODULE_KERNEL: return HV_BLOB_KERNEL;
    case PLATFORM_MODULE_RAMDISK: return HV_BLOB_RAMDISK;
    case PLATFORM_MODULE_DEVICE_TREE: return HV_BLOB_DEVICE_TREE;
    default: return HV_BLOB_OTHER;
    }
}

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* Ranges that the FDT and an assumed heap must avoid. */
static bool occupied(const struct hv *hv, uint64_t base, uint64_t size)
{
    const struct hv_boot_info *in = &hv->info;
    for (unsigned i = 0; i < in->nboot_modules; i++)
        if (hv_overlaps(base, size, in->boot_modules[i].base, in->boot_modules[i].size))
            return true;
    for (unsigned i = 0; i < in->nstatic_heap; i++)
        if (hv_overlaps(base, size, in->static_heap[i].base, in->static_heap[i].size))
            return true;
    for (unsigned i = 0; i < in->nreserved; i++)
        if (hv_overlaps(base, size, in->reserved[i].base, in->reserved[i].size))
            return true;
    for (unsigned d = 0; d < in->ndomains; d++)
        for (unsigned i = 0; i < in->domains[d].nstatic_mem; i++)
            if (hv_overlaps(base, size, in->domains[d].static_mem[i].base,
                            in->domains[d].static_mem[i].size))
                return true;
    if (hv->fdt.size && hv_overlaps(base, size, hv->fdt.base, hv->fdt.size))
        return true;
    return false;
}

/* The highest 2 MiB-aligned block of `size` bytes in the first RAM bank
 * that nothing else uses; 0 when there is none. */
static uint64_t top_free_block(const struct hv *hv, uint64_t size)
{
    const struct hv_range *b = &hv->info.ram[0];
    uint64_t need = hv_align_up(size, 2 * MIB);
    if (b->size < need)
        return UINT64_MAX;
    for (uint64_t at = hv_align_down(b->base + b->size - need, 2 * MIB); at >= b->base;
         at -= 2 * MIB) {
        if (!occupied(hv, at, need))
            return at;
        if (at < 2 * MIB)
            break;
    }
    return UINT64_MAX;
}

static bool in_ram(const struct hv *hv, uint64_t base, uint64_t size)
{
    return platform_ram_contains(hv->plat, base, size);
}

static int parse_core_option(struct hv *hv, struct info_opts *o, const char *key,
                             const char *value, struct msa_error *err)
{
    if (strcmp(key, "fdt-addr") == 0) {
        if (hv_parse_u64(value, &o->fdt_addr) < 0 || (o->fdt_addr & 7))
            return msa_error_set(err, "--hv-opt fdt-addr=%s: expected an 8-byte aligned address",
                                 value);
        o->fdt_given = true;
        return 0;
    }
    if (strcmp(key, "heap") == 0) {
        if (strcmp(value, "auto") == 0)
            o->heap = HEAP_AUTO;
        else if (strcmp(value, "none") == 0)
            o->heap = HEAP_NONE;
        else if (hv_parse_range(value, &o->heap_range.base, &o->heap_range.size) == 0 &&
                 !(o->heap_range.base & 0xFFFF) && !(o->heap_range.size & 0xFFF))
            o->heap = HEAP_GIVEN;
        else
            return msa_error_set(err, "--hv-opt heap=%s: expected auto, none or BASE+SIZE "
                                 "(64 KiB-aligned base, whole pages)", value);
        return 0;
    }
    if (strcmp(key, "heap-size") == 0) {
        if (hv_parse_u64(value, &o->heap_size) < 0 || o->heap_size < 64 * 1024 ||
            (o->heap_size & 0xFFF))
            return msa_error_set(err, "--hv-opt heap-size=%s: expected at least 64K, whole pages",
                                 value);
        return 0;
    }
    return msa_error_set(err, "--hv-opt %s: internal: not a core option", key);
}

static bool is_core_option(const char *key)
{
    return strcmp(key, "fdt-addr") == 0 || strcmp(key, "heap") == 0 ||
           strcmp(key, "heap-size") == 0 || strcmp(key, "device") == 0;
}

static int find_domain(const struct platform *p, const char *name, size_t len)
{
    for (size_t d = 0; d < p->domains.count; d++)
        if (strlen(p->domains.items[d].name) == len &&
            strncmp(p->domains.items[d].name, name, len) == 0)
            return (int)d;
    return -1;
}

/* device=DOMAIN:BASE+SIZE options, grouped by domain in platform order. */
static int build_devices(struct hv *hv, const char *const *opts, unsigned nopts,
                         struct msa_error *err)
{
    const struct platform *p = hv->plat;
    unsigned n = 0;
    for (unsigned i = 0; i < nopts; i++)
        if (strncmp(opts[i], "device=", 7) == 0)
            n++;
    hv->devices = xcalloc(n, sizeof *hv->devices);
    int *owner = xcalloc(n, sizeof *owner);
    if (!hv->devices || !owner) {
        free(owner);
        return msa_error_set(err, "out of memory");
    }
    struct hv_device *tmp = xcalloc(n, sizeof *tmp);
    if (!tmp) {
        free(owner);
        return msa_error_set(err, "out of memory");
    }
    unsigned k = 0;
    for (unsigned i = 0; i < nopts; i++) {
        if (strncmp(opts[i], "device=", 7) != 0)
            continue;
        const char *v = opts[i] + 7, *colon = strchr(v, ':');
        uint64_t base, size;
        int d = colon ? find_domain(p, v, (size_t)(colon - v)) : -1;
        if (!colon || hv_parse_range(colon + 1, &base, &size) < 0 || (base & 0xFFF) ||
            (size & 0xFFF)) {
            free(owner);
            free(tmp);
            return msa_error_set(err, "--hv-opt %s: expected device=DOMAIN:BASE+SIZE with "
                                 "page-aligned BASE and SIZE", opts[i]);
        }
        if (d < 0) {
            free(owner);
            free(tmp);
            return msa_error_set(err, "--hv-opt %s: %s has no xen,domain node named '%.*s'",
                                 opts[i], p->source, (int)(colon - v), v);
        }
        if (in_ram(hv, base, size)) {
            free(owner);
            free(tmp);
            return msa_error_set(err, "--hv-opt %s: the range lies in RAM; a passthrough "
                                 "device is MMIO", opts[i]);
        }
        tmp[k] = (struct hv_device){.what = "passthrough device", .base = base, .size = size};
        owner[k++] = d;
    }
    unsigned out = 0;
    for (unsigned d = 0; d < hv->info.ndomains; d++) {
        hv->domains[d].devices = hv->devices + out;
        for (unsigned i = 0; i < k; i++)
            if (owner[i] == (int)d)
                hv->devices[out++] = tmp[i];
        hv->domains[d].ndevices = (unsigned)(hv->devices + out - hv->domains[d].devices);
    }
    hv->ndevices = out;
    free(owner);
    free(tmp);
    return 0;
}

static int build_domains(struct hv *hv, struct msa_error *err)
{
    const struct platform *p = hv->plat;
    struct hv_boot_info *in = &hv->info;
    if (p->domains.count > HV_MAX_DOMAINS)
        return msa_error_set(err, "%s: %zu xen,domain nodes: the model holds at most %u domains",
                             p->source, p->domains.count, HV_MAX_DOMAINS);
    hv->domains = xcalloc(p->domains.count, sizeof *hv->domains);
    if (!hv->domains)
        return msa_error_set(err, "out of memory");
    in->domains = hv->domains;
    in->ndomains = (unsigned)p->domains.count;

    unsigned next_core = 0;
    for (size_t d = 0; d < p->domains.count; d++) {
        const struct platform_domain *pd = &p->domains.items[d];
        struct hv_domain_info *di = &hv->domains[d];
        if (pd->vcpus == 0)
            return msa_error_set(err, "%s: node /chosen/%s: property cpus: 0, expected at least "
                                 "one vCPU", p->source, pd->name);
        if (pd->vcpus > hv->ncores)
            return msa_error_set(err, "%s: node /chosen/%s: property cpus: %u vCPUs, more than "
                                 "the %u cores of the platform", p->source, pd->name, pd->vcpus,
                                 hv->ncores);
        if (hv->nvcpus + pd->vcpus > HV_MAX_VCPUS)
            return msa_error_set(err, "%s: node /chosen/%s: more than %u vCPUs in all domains",
                                 p->source, pd->name, HV_MAX_VCPUS);
        di->domid = HV_DOMID_FIRST + (uint32_t)d;
        di->name = pd->name;
        di->nvcpus = pd->vcpus;
        di->vcpu_core = &hv->vcpu_core[hv->nvcpus];
        di->vcpu_id = &hv->vcpu_id[hv->nvcpus];
        /* Round-robin over the cores, across domains, as Xen's default
         * placement of dom0less vCPUs spreads them. */
        for (unsigned v = 0; v < pd->vcpus; v++) {
            unsigned id = hv->nvcpus++;
            hv->vcpus[id] = (struct hv_vcpu_slot){.domain = (int)d, .vcpu = v,
                                                  .core = next_core};
            hv->vcpu_core[id] = next_core;
            hv->vcpu_id[id] = id;
            next_core = (next_core + 1) % hv->ncores;
        }
        di->static_mem = (const struct hv_range *)(const void *)pd->static_mem.items;
        di->nstatic_mem = (unsigned)pd->static_mem.count;
        di->memory_kib = pd->memory_kib;
        di->direct_map = pd->direct_map;
        di->el1_mmu = pd->el1_msa == PLATFORM_EL1_MMU;
        di->vpl011 = pd->vpl011;
    }
    return 0;
}

_Static_assert(sizeof(struct hv_range) == sizeof(struct platform_range) &&
                   offsetof(struct hv_range, size) == offsetof(struct platform_range, size),
               "hv_range mirrors platform_range");

static int build_blobs(struct hv *hv, struct msa_error *err)
{
    const struct platform *p = hv->plat;
    size_t n = p->chosen.modules.count;
    for (size_t d = 0; d < p->domains.count; d++)
        n += p->domains.items[d].modules.count;
    hv->blobs = xcalloc(n, sizeof *hv->blobs);
    if (!hv->blobs)
        return msa_error_set(err, "out of memory");
    unsigned k = 0;
    for (size_t i = 0; i < p->chosen.modules.count; i++) {
        const struct platform_module *m = &p->chosen.modules.items[i];
        hv->blobs[k++] = (struct hv_blob){blob_kind(m->kind), m->name, m->base, m->size};
    }
    for (size_t d = 0; d < p->domains.count; d++) {
        const struct platform_domain *pd = &p->domains.items[d];
        hv->domains[d].modules = hv->blobs + k;
        hv->domains[d].nmodules = (unsigned)pd->modules.count;
        for (size_t i = 0; i < pd->modules.count; i++) {
            const struct platform_module *m = &pd->modules.items[i];
            hv->blobs[k++] = (struct hv_blob){blob_kind(m->kind), m->name, m->base, m->size};
        }
    }
    hv->info.boot_modules = hv->blobs;
    hv->info.nboot_modules = k;
    return 0;
}

static int place_fdt(struct hv *hv, const struct info_opts *o, uint64_t fdt_size,
                     struct msa_error *err)
{
    uint64_t size = fdt_size ? fdt_size : DEFAULT_FDT_SIZE;
    if (o->fdt_given) {
        if (!in_ram(hv, o->fdt_addr, size))
            return msa_error_set(err, "--hv-opt fdt-addr=0x%" PRIx64 ": the device tree (%" PRIu64
                                 " bytes) would not lie in RAM", o->fdt_addr, size);
        if (occupied(hv, o->fdt_addr, size))
            return msa_error_set(err, "--hv-opt fdt-addr=0x%" PRIx64 ": the device tree would "
                                 "overlap a boot module, the static heap, reserved memory or "
                                 "a domain's memory", o->fdt_addr);
        hv->fdt = (struct hv_range){o->fdt_addr, size};
        hv->info.fdt = hv->fdt;
        return 0;
    }
    uint64_t at = top_free_block(hv, size);
    if (at == UINT64_MAX)
        return msa_error_set(err, "%s: no free 2 MiB block in the first RAM bank for the device "
                             "tree: give --hv-opt fdt-addr=ADDR", hv->plat->source);
    hv->fdt = (struct hv_range){at, size};
    hv->info.fdt = hv->fdt;
    return 0;
}

static int build_heap(struct hv *hv, const struct info_opts *o, struct msa_error *err)
{
    const struct platform *p = hv->plat;
    struct hv_boot_info *in = &hv->info;
    if (o->heap == HEAP_NONE)
        return 0;
    if (o->heap == HEAP_GIVEN) {
        if (!in_ram(hv, o->heap_range.base, o->heap_range.size))
            return msa_error_set(err, "--hv-opt heap=0x%" PRIx64 "+0x%" PRIx64 ": lies outside RAM",
                                 o->heap_range.base, o->heap_range.size);
        in->nstatic_heap = 0;
        if (occupied(hv, o->heap_range.base, o->heap_range.size))
            return msa_error_set(err, "--hv-opt heap=0x%" PRIx64 "+0x%" PRIx64 ": overlaps a "
                                 "boot module, the device tree, reserved memory or a domain's "
                                 "memory", o->heap_range.base, o->heap_range.size);
        hv->heap = malloc(sizeof *hv->heap);
        if (!hv->heap)
            return msa_error_set(err, "out of memory");
        hv->heap[0] = o->heap_range;
        in->static_heap = hv->heap;
        in->nstatic_heap = 1;
        return 0;
    }
    if (p->chosen.static_heap.count) {
        in->static_heap = (const struct hv_range *)(const void *)p->chosen.static_heap.items;
        in->nstatic_heap = (unsigned)p->chosen.static_heap.count;
        for (unsigned i = 0; i < in->nstatic_heap; i++)
            if (hv_overlaps(in->static_heap[i].base, in->static_heap[i].size, hv->fdt.base,
                            hv->fdt.size))
                return msa_error_set(err, "%s: node /chosen: property xen,static-heap overlaps "
                                     "the device tree at 0x%" PRIx64 " (move it with --hv-opt "
                                     "fdt-addr=ADDR)", p->source, hv->fdt.base);
        return 0;
    }
    uint64_t size = o->heap_size ? o->heap_size : DEFAULT_HEAP_SIZE;
    uint64_t at = top_free_block(hv, size);
    if (at == UINT64_MAX)
        return msa_error_set(err, "%s: no xen,static-heap and no room for a %" PRIu64 " MiB heap "
                             "in the first RAM bank: give --hv-opt heap=BASE+SIZE",
                             p->source, size / MIB);
    hv->heap = malloc(sizeof *hv->heap);
    if (!hv->heap)
        return msa_error_set(err, "out of memory");
    hv->heap[0] = (struct hv_range){at, size};
    in->static_heap = hv->heap;
    in->nstatic_heap = 1;
    hv->heap_assumed = true;
    hv_note(hv, "%s has no xen,static-heap: assuming a %" PRIu64 " MiB heap at 0x%" PRIx64
            " (--hv-opt heap=BASE+SIZE or heap=none)", p->source, size / MIB, at);
    return 0;
}

int hv_build_info(struct hv *hv, const char *const *opts, unsigned nopts, struct msa_error *err)
{
    const struct platform *p = hv->plat;
    struct hv_boot_info *in = &hv->info;
    struct info_opts o = {.heap = HEAP_AUTO};
    for (unsigned i = 0; i < nopts; i++) {
        const char *eq = strchr(opts[i], '=');
        char key[64];
        size_t klen = eq ? (size_t)(eq - opts[i]) : strlen(opts[i]);
        if (klen >= sizeof key)
            continue;
        memcpy(key, opts[i], klen);
        key[klen] = '\0';
        if (!is_core_option(key) || strcmp(key, "device") == 0)
            continue;
        if (!eq)
            return msa_error_set(err, "--hv-opt %s: expected KEY=VALUE", opts[i]);
        if (parse_core_option(hv, &o, key, eq + 1, err) < 0)
            return -1;
    }

    in->source = p->source;
    in->ncores = hv->ncores;
    in->ram = (const struct hv_range *)(const void *)p->memory.items;
    in->nram = (unsigned)p->memory.count;
    if (!in->nram)
        return msa_error_set(err, "%s: no memory node", p->source);
    hv->reserved = xcalloc(p->reserved.count, sizeof *hv->reserved);
    if (!hv->reserved)
        return msa_error_set(err, "out of memory");
    for (size_t i = 0; i < p->reserved.count; i++)
        hv->reserved[i] = (struct hv_range){p->reserved.items[i].base, p->reserved.items[i].size};
    in->reserved = hv->reserved;
    in->nreserved = (unsigned)p->reserved.count;

    if (build_domains(hv, err) < 0 || build_blobs(hv, err) < 0)
        return -1;
    if (build_devices(hv, opts, nopts, err) < 0)
        return -1;
    /* The platform's own heap is known before the FDT is placed so that
     * the FDT avoids it; an assumed heap is placed after the FDT. */
    if (o.heap == HEAP_AUTO && p->chosen.static_heap.count) {
        in->static_heap = (const struct hv_range *)(const void *)p->chosen.static_heap.items;
        in->nstatic_heap = (unsigned)p->chosen.static_heap.count;
    }
    if (place_fdt(hv, &o, hv->cfg_fdt_size, err) < 0 || build_heap(hv, &o, err) < 0)
        return -1;

    const struct platform_uart *u = platform_console_uart(p);
    if (u)
        in->console_uart = (struct hv_range){u->base, u->size ? u->size : 0x1000};
    if (p->has_gic) {
        in->gic_version = (unsigned)p->gic.version;
        in->gic_dist = (struct hv_range){p->gic.distributor.base, p->gic.distributor.size};
        in->gic_redist =
            (const struct hv_range *)(const void *)p->gic.redistributors.items;
        in->ngic_redist = (unsigned)p->gic.redistributors.count;
        in->gic_cpu = (struct hv_range){p->gic.cpu_interface.base, p->gic.cpu_interface.size};
        in->gic_hyp = (struct hv_range){p->gic.hyp_interface.base, p->gic.hyp_interface.size};
        in->gic_vcpu = (struct hv_range){p->gic.vcpu_interface.base, p->gic.vcpu_interface.size};
    }
    return 0;
}

bool hv_is_core_option(const char *key)
{
    return is_core_option(key);
}

void hv_free_info(struct hv *hv)
{
    free(hv->reserved);
    free(hv->heap);
    free(hv->blobs);
    free(hv->domains);
    free(hv->devices);
    hv->reserved = hv->heap = NULL;
    hv->blobs = NULL;
    hv->domains = NULL;
    hv->devices = NULL;
}
