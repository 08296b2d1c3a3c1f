/* example-flat: the smallest memory manager that fits the plug-in
 * interface, built as a shared object (make build/hv-example.so) and loaded
 * with `msasim boot --hv ./build/hv-example.so`.
 *
 * Design, deliberately naive: at boot every RAM bank becomes one
 * hypervisor region (read/write, execute-never), so later hypervisor
 * mappings inside RAM only take a reference and need no slot; devices get a
 * region each; guest stage-2 regions are recorded in the domain's table but
 * never loaded (the context switch does nothing), so guests would see no
 * memory.  It shows what a module does through the HAL: raw PRSELR / PRBAR /
 * PRLAR writes, the DSB + ISB that make them effective, owner tags, errors.
 *
 * Like every module it is freestanding: no libc, no allocation, no mutable
 * globals; its state lives in the buffer the simulator hands it.
 * EXAMPLE_API_VERSION exists so that the loader's refusal of a mismatched
 * module can be tested. */
#include "hv/hal.h"
#include "hv/hv.h"
#include "hv/hv_lib.h"

#ifndef EXAMPLE_API_VERSION
#define EXAMPLE_API_VERSION HV_API_VERSION
#endif

#define EX_SLOTS 255
#define EX_P2M 16

struct ex_slot {
    bool used;
    uint64_t base, limit;        /* [base, limit) */
    uint64_t prbar, prlar;
    unsigned refcount;
    enum hv_owner owner;
    uint32_t domid;
    const char *purpose;
};

struct ex_state {
    const struct hv_boot_info *info;
    unsigned nslots;
    struct ex_slot slot[EX_SLOTS];   /* one table: every core gets the same layout */
    struct {
        unsigned n;
        struct hv_range r[EX_P2M];
        const char *purpose[EX_P2M];
    } p2m[HV_MAX_DOMAINS];
};

static uint64_t prbar_of(uint64_t base, uint32_t flags)
{
    unsigned ap = (flags & HV_MAP_WRITE) ? 0u : 2u;
    unsigned xn = (flags & HV_MAP_EXEC) ? 0u : 2u;
    unsigned sh = HV_MAP_ATTR_OF(flags) == HV_ATTR_NORMAL ? 3u : 2u;
    return (base & 0x0000FFFFFFFFFFC0ull) | (uint64_t)sh << 4 | (uint64_t)ap << 2 | xn;
}

static uint64_t prlar_of(uint64_t limit, uint32_t flags)
{
    return ((limit - 1) & 0x0000FFFFFFFFFFC0ull) | (uint64_t)HV_MAP_ATTR_OF(flags) << 1 | 1u;
}

/* Write slot `s` on every core: PRSELR, ISB, PRBAR, PRLAR, then DSB + ISB. */
static void program(struct ex_state *st, struct hv_hal *h, unsigned s)
{
    for (unsigned c = 0; c < hal_ncores(h); c++) {
        const struct ex_slot *e = &st->slot[s];
        hal_tag(h, c, s, e->used ? e->owner : HV_OWNER_NONE, e->domid);
        hal_mpu_write(h, c, 2, HV_MPU_PRSELR, 0, s);
        hal_isb(h, c);
        hal_mpu_write(h, c, 2, HV_MPU_PRBAR, 0, e->used ? e->prbar : 0);
        hal_mpu_write(h, c, 2, HV_MPU_PRLAR, 0, e->used ? e->prlar : 0);
        hal_sync(h, c);
    }
}

static int find(const struct ex_state *st, uint64_t base, uint64_t limit)
{
    for (unsigned s = 0; s < st->nslots; s++)
        if (st->slot[s].used && base >= st->slot[s].base && limit <= st->slot[s].limit)
            return (int)s;
    return -1;
}

static int add(struct ex_state *st, struct hv_hal *h, uint64_t base, uint64_t limit,
               uint32_t flags, enum hv_owner owner, const char *purpose)
{
    for (unsigned s = 0; s < st->nslots; s++) {
        if (st->slot[s].used)
            continue;
        st->slot[s] = (struct ex_slot){true, base, limit, prbar_of(base, flags),
                                       prlar_of(limit, flags), 0, owner, HV_DOMID_XEN, purpose};
        program(st, h, s);
        return HV_OK;
    }
    h->ops->errorf(h, "no free EL2 MPU region for %s", purpose ? purpose : "a mapping");
    return HV_ERR_NOSPC;
}

static int ex_boot(void *state, struct hv_hal *h, const struct hv_boot_info *info)
{
    struct ex_state *st = state;
    st->info = info;
    st->nslots = hal_mpuir(h, 0, 2);
    if (st->nslots > EX_SLOTS)
        st->nslots = EX_SLOTS;
    for (unsigned c = 0; c < hal_ncores(h); c++)
        hal_sysreg_write(h, c, HV_SYSREG_MAIR_EL2, HV_MAIR_EL2);
    for (unsigned b = 0; b < info->nram; b++) {
        int rc = add(st, h, info->ram[b].base, info->ram[b].base + info->ram[b].size,
                     HV_MAP_HYPERVISOR_RW, HV_OWNER_DATA, "all RAM");
        if (rc)
            return rc;
    }
    for (unsigned c = 0; c < hal_ncores(h); c++) {
        hal_sysreg_write(h, c, HV_SYSREG_SCTLR_EL2, HV_SCTLR_M | HV_SCTLR_C);
        hal_isb(h, c);
    }
    return HV_OK;
}

static int ex_map(void *state, struct hv_hal *h, const struct hv_map_req *req)
{
    struct ex_state *st = state;
    uint64_t limit = req->base + req->size;
    int s = find(st, req->base, limit);
    if (req->flags & HV_MAP_PRESENT) {
        if (s >= 0) {
            st->slot[s].refcount++;
            return HV_OK;
        }
        return add(st, h, req->base, limit, req->flags, req->owner, req->purpose);
    }
    if (s < 0) {
        h->ops->errorf(h, "nothing maps [0x%llx, 0x%llx)", (unsigned long long)req->base,
                       (unsigned long long)limit);
        return HV_ERR_INVAL;
    }
    if (st->slot[s].refcount) {
        st->slot[s].refcount--;
        return HV_OK;
    }
    st->slot[s].used = false;
    program(st, h, (unsigned)s);
    return HV_OK;
}

static int ex_map_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t pa,
                              uint64_t *va)
{
    struct hv_map_req req = {.core = core, .base = pa & ~(HV_PAGE_SIZE - 1), .size = HV_PAGE_SIZE,
                             .flags = HV_MAP_HYPERVISOR_RW, .owner = HV_OWNER_TRANSIENT,
                             .domid = HV_DOMID_XEN, .purpose = "map_domain_page"};
    int rc = ex_map(state, h, &req);
    if (rc == HV_OK)
        *va = pa;
    return rc;
}

static int ex_unmap_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t va)
{
    struct hv_map_req req = {.core = core, .base = va & ~(HV_PAGE_SIZE - 1), .size = HV_PAGE_SIZE,
                             .flags = 0};
    return ex_map(state, h, &req);
}

static int ex_p2m_update(void *state, struct hv_hal *h, int d, uint64_t gpa, uint64_t pa,
                         uint64_t size, uint32_t flags, const char *purpose)
{
    struct ex_state *st = state;
    if (d < 0 || d >= HV_MAX_DOMAINS || st->p2m[d].n == EX_P2M)
        return HV_ERR_NOSPC;
    st->p2m[d].r[st->p2m[d].n] = (struct hv_range){pa, size};
    st->p2m[d].purpose[st->p2m[d].n++] = purpose;
    return HV_OK;
}

static void ex_regions(const void *state, hv_region_fn fn, void *ctx)
{
    const struct ex_state *st = state;
    unsigned ncores = st->info ? st->info->ncores : 0;
    for (unsigned c = 0; c < ncores; c++)
        for (unsigned s = 0; s < st->nslots; s++) {
            const struct ex_slot *e = &st->slot[s];
            if (!e->used)
                continue;
            struct hv_region_info r = {(int)s, c, e->base, e->limit - 1, e->prbar, e->prlar,
                                       e->owner, e->domid, e->refcount, e->purpose};
            fn(ctx, &r);
        }
    for (unsigned d = 0; st->info && d < st->info->ndomains && d < HV_MAX_DOMAINS; d++)
        for (unsigned i = 0; i < st->p2m[d].n; i++) {
            const struct hv_range *g = &st->p2m[d].r[i];
            struct hv_region_info r = {-1, 0, g->base, g->base + g->size - 1,
                                       prbar_of(g->base, HV_MAP_GUEST_RAM) | 4u,
                                       prlar_of(g->base + g->size, HV_MAP_GUEST_RAM),
                                       HV_OWNER_GUEST, st->info->domains[d].domid, 0,
                                       st->p2m[d].purpose[i]};
            fn(ctx, &r);
        }
}

static void ex_shadow(const void *state, unsigned core, unsigned slot, struct hv_shadow_slot *out)
{
    const struct ex_state *st = state;
    *out = (struct hv_shadow_slot){0};
    if (slot >= st->nslots || !st->slot[slot].used)
        return;
    out->in_use = out->expect_enabled = true;
    out->prbar = st->slot[slot].prbar;
    out->prlar = st->slot[slot].prlar;
}

const struct hv_module_ops msasim_hv_module = {
    .api_version = EXAMPLE_API_VERSION,
    .name = "example-flat",
    .description = "an example external module: all RAM mapped at boot, guests never loaded",
    .profile = 0,
    .state_size = sizeof(struct ex_state),
    .boot = ex_boot,
    .map = ex_map,
    .map_domain_page = ex_map_domain_page,
    .unmap_domain_page = ex_unmap_domain_page,
    .p2m_update = ex_p2m_update,
    .regions = ex_regions,
    .shadow = ex_shadow,
};
