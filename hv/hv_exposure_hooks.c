/* The exposure tracker (hv_exposure.c) fed by the model, and the storage
 * of page-table pages.
 *
 * What is mapped readable at EL2 reaches the tracker in two ways, each an
 * incremental change:
 *   - MPU (profile r): every slot of a core's EL2 MPU whose effective state
 *     changes at a synchronization (the MPU's observer): the range it held
 *     is unmapped, the range it holds now mapped.  Every EL2 MPU region is
 *     readable at EL2, whatever its AP (stage-2 regions included: the same
 *     region serves EL2 stage 1).
 *   - MMU (profile a): every descriptor a module writes into its EL2
 *     stage-1 tables through the HAL: a valid leaf that is replaced is
 *     unmapped, a valid leaf written is mapped.  Every valid EL2 leaf is
 *     readable at EL2 (AP only chooses between RW and RO there).
 * The union over cores is tracked: a page two cores map counts once.
 *
 * Ownership comes from the boot information: RAM is free, the static heap
 * and the boot modules the hypervisor's, a domain's static memory the
 * domain's; a module adds what only it knows (its image) with mem_owner.
 *
 * Context: the hypervisor itself, except while a domain is built (from
 * create_domain to the end of its loading) and during a context switch
 * (the domain that was running when the core entered EL2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/ram.h"
#include "sim/stats.h"

struct hv_expo_slot {
    uint64_t base, size;
    bool on;
};

static void on_mpu_change(void *ctx, const struct mpu *mpu, const struct mpu_event *ev)
{
    struct hv *hv = ctx;
    size_t c = (size_t)((const char *)mpu - (const char *)&hv->mpus[0].el2) /
               sizeof(struct mpu_pair);
    if (c >= hv->ncores || ev->slot >= MPU_MAX_REGIONS || !hv->expo)
        return;
    struct hv_expo_slot *s = &hv->expo_slots[c * MPU_MAX_REGIONS + ev->slot];
    if (s->on)
        hv_expo_unmap(hv->expo, hv->now, s->base, s->size);
    s->on = ev->enabled;
    if (ev->enabled) {
        uint64_t base = ev->prbar & MPU_ADDR_MASK;
        uint64_t limit = (ev->prlar & MPU_ADDR_MASK) | (MPU_GRANULE - 1);
        s->base = base;
        s->size = limit >= base ? limit - base + 1 : 0;
        hv_expo_map(hv->expo, hv->now, s->base, s->size);
    }
}

unsigned hv_expo_owner_of_domid(const struct hv *hv, uint32_t domid)
{
    if (domid == HV_DOMID_XEN)
        return HV_EXPO_XEN;
    if (domid == HV_MEM_FREE)
        return HV_EXPO_FREE;
    for (unsigned d = 0; d < hv->info.ndomains && d < HV_MAX_DOMAINS; d++)
        if (hv->info.domains[d].domid == domid)
            return d;
    return HV_EXPO_NONE;
}

int hv_expo_attach(struct hv *hv, struct msa_error *err)
{
    hv->expo = hv_expo_new();
    hv->expo_slots = calloc((size_t)hv->ncores * MPU_MAX_REGIONS, sizeof *hv->expo_slots);
    if (!hv->expo || !hv->expo_slots)
        return msa_error_set(err, "out of memory");
    const struct hv_boot_info *in = &hv->info;
    for (unsigned i = 0; i < in->nram; i++)
        hv_expo_set_owner(hv->expo, 0, in->ram[i].base, in->ram[i].size, HV_EXPO_FREE);
    for (unsigned i = 0; i < in->nreserved; i++)
        hv_expo_set_owner(hv->expo, 0, in->reserved[i].base, in->reserved[i].size, HV_EXPO_NONE);
    for (unsigned i = 0; i < in->nstatic_heap; i++)
        hv_expo_set_owner(hv->expo, 0, in->static_heap[i].base, in->static_heap[i].size,
                          HV_EXPO_XEN);
    for (unsigned i = 0; i < in->nboot_modules; i++)
        hv_expo_set_owner(hv->expo, 0, in->boot_modules[i].base, in->boot_modules[i].size,
                          HV_EXPO_XEN);
    hv_expo_set_owner(hv->expo, 0, hv->fdt.base, hv->fdt.size, HV_EXPO_XEN);
    for (unsigned d = 0; d < in->ndomains && d < HV_MAX_DOMAINS; d++)
        for (unsigned i = 0; i < in->domains[d].nstatic_mem; i++)
            hv_expo_set_owner(hv->expo, 0, in->domains[d].static_mem[i].base,
                              in->domains[d].static_mem[i].size, d);
    for (unsigned c = 0; c < hv->ncores; c++)
        mpu_set_observer(&hv->mpus[c].el2, on_mpu_change, hv);
    /* Page-table pages live in the attached RAM, else in RAM of the model's
     * own (pages are allocated on first write). */
    if (!hv->sim_ram && in->nram) {
        hv->pt_ram = ram_new();
        if (!hv->pt_ram)
            return msa_error_set(err, "out of memory");
        for (unsigned i = 0; i < in->nram; i++) {
            uint64_t b = (in->ram[i].base + 0xFFF) & ~0xFFFull;
            uint64_t e = (in->ram[i].base + in->ram[i].size) & ~0xFFFull;
            if (e > b && ram_add_bank(hv->pt_ram, b, e - b, err) < 0)
                return -1;
        }
    }
    return 0;
}

void hv_expo_detach(struct hv *hv)
{
    for (unsigned c = 0; hv->mpus && hv->expo && c < hv->ncores; c++)
        mpu_set_observer(&hv->mpus[c].el2, NULL, NULL);
    hv_expo_free(hv->expo);
    hv->expo = NULL;
    free(hv->expo_slots);
    hv->expo_slots = NULL;
    ram_free(hv->pt_ram);
    hv->pt_ram = NULL;
}

void hv_expo_enter(struct hv *hv, unsigned ctx)
{
    if (hv->expo)
        hv_expo_set_context(hv->expo, hv->now, ctx);
}

/* A valid leaf: a page at level 3, a block at levels 1 and 2 (4 KiB
 * granule).  *size receives what it maps. */
static bool leaf_of(unsigned level, uint64_t v, uint64_t *oa, uint64_t *size)
{
    if (level > 3 || !(v & 1))
        return false;
    if (level == 3 ? (v & 3) != 3 : (level == 0 || (v & 3) != 1))
        return false;
    *size = 1ull << (12 + 9 * (3 - level));
    *oa = v & 0x0000FFFFFFFFF000ull & ~(*size - 1);
    return true;
}

void hv_expo_pt_write(struct hv *hv, unsigned level, uint64_t old, uint64_t value)
{
    if (!hv->expo || old == value)
        return;
    uint64_t oa, size;
    if (leaf_of(level, old, &oa, &size))
        hv_expo_unmap(hv->expo, hv->now, oa, size);
    if (leaf_of(level, value, &oa, &size))
        hv_expo_map(hv->expo, hv->now, oa, size);
}

static struct ram *pt_mem(struct hv *hv)
{
    return hv->sim_ram ? hv->sim_ram : hv->pt_ram;
}

uint64_t hv_pt_read(struct hv *hv, uint64_t pa)
{
    uint64_t v = 0;
    struct ram *r = pt_mem(hv);
    if (!r || ram_read(r, pa & ~7ull, &v, 8) < 0)
        return 0;
    return v;
}

int hv_pt_store(struct hv *hv, uint64_t pa, uint64_t value)
{
    struct ram *r = pt_mem(hv);
    return r ? ram_write(r, pa & ~7ull, &value, 8) : -1;
}

/* ---- Figures ------------------------------------------------------------------ */

static void owner_name(const struct hv *hv, unsigned o, char *buf, size_t len)
{
    if (o == HV_EXPO_XEN)
        snprintf(buf, len, "xen");
    else if (o == HV_EXPO_FREE)
        snprintf(buf, len, "free");
    else if (o < hv->info.ndomains)
        snprintf(buf, len, "%s", hv->info.domains[o].name);
    else
        snprintf(buf, len, "d%u", o);
    for (char *p = buf; *p; p++)
        if (*p == '.' || *p == ' ')
            *p = '_';
}

static const char *const tlbi_names[HV_TLBI_KINDS] = {
    "alle2", "vae2", "alle1", "vmalls12e1", "ipas2e1", "vale2", "alle2is", "vae2is",
    "vale2is", "alle1is", "vmalls12e1is", "ipas2e1is",
};

void hv_expo_export(struct hv *hv)
{
    struct stats *st = hv->stats;
    if (!st || !hv->expo)
        return;
    hv_expo_advance(hv->expo, hv->now);
    stats_summary_set(st, "exposure_byte_cycles", hv_expo_total(hv->expo));
    char name[160], a[64], b[64];
    for (unsigned c = 0; c < HV_EXPO_NOWNERS; c++)
        for (unsigned o = 0; o < HV_EXPO_NOWNERS; o++) {
            double v = hv_expo_pair(hv->expo, c, o);
            if (v <= 0)
                continue;
            owner_name(hv, c, a, sizeof a);
            owner_name(hv, o, b, sizeof b);
            snprintf(name, sizeof name, "exposure.pair.%s.%s.byte_cycles", a, b);
            double *g = stats_gauge(st, name, "bytes of TO mapped at EL2 while it ran for FROM, "
                                    "integrated over cycles");
            if (g)
                *g = v;
        }
    for (unsigned o = 0; o < HV_EXPO_NOWNERS; o++) {
        if (o == HV_EXPO_NONE || !hv_expo_mapped(hv->expo, o))
            continue;
        owner_name(hv, o, b, sizeof b);
        snprintf(name, sizeof name, "exposure.mapped.%s.bytes", b);
        uint64_t *n = stats_counter(st, name, "bytes of this owner mapped at EL2 at the end");
        if (n)
            *n = hv_expo_mapped(hv->expo, o);
    }
    static const char *const space[2] = {"el2", "p2m"};
    for (unsigned s = 0; s < 2; s++) {
        if (!hv->pt_pages[s])
            continue;
        snprintf(name, sizeof name, "hv.pt.%s.pages", space[s]);
        uint64_t *n = stats_counter(st, name, "page-table pages taken from the heap");
        if (n)
            *n = hv->pt_pages[s];
        snprintf(name, sizeof name, "hv.pt.%s.pages_freed", space[s]);
        if ((n = stats_counter(st, name, "page-table pages given back")))
            *n = hv->pt_pages_freed[s];
    }
    if (hv->pt_writes) {
        uint64_t *n = stats_counter(st, "hv.pt.writes", "descriptors written");
        if (n)
            *n = hv->pt_writes;
        stats_summary_set(st, "pt_pages", (double)(hv->pt_pages[0] + hv->pt_pages[1]));
        stats_summary_set(st, "pt_writes", (double)hv->pt_writes);
    }
    uint64_t all = 0;
    for (unsigned k = 0; k < HV_TLBI_KINDS; k++) {
        if (!hv->tlbi_kind[k])
            continue;
        all += hv->tlbi_kind[k];
        snprintf(name, sizeof name, "hv.tlbi.%s", tlbi_names[k]);
        uint64_t *n = stats_counter(st, name, "TLB invalidations of this kind");
        if (n)
            *n = hv->tlbi_kind[k];
    }
    if (hv->pt_writes)
        stats_summary_set(st, "tlbi_ops", (double)all);
}
