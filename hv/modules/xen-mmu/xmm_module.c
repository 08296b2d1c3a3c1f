/* xen-mmu: options, hypervisor mappings (vmap), map_domain_page through
 * the directmap or the mapcache, p2m tables, context switches, and what
 * the module reports.  No MPU: regions() lists mappings with slot -1 and
 * shadow() holds nothing, so the checker finds the MPUs empty as expected. */
#include "hv/hv_builtin.h"
#include "hv/modules/xen-mmu/xen_mmu.h"
#include "mmu/mmu.h"

static const struct hv_option_doc xmm_options[] = {
    {"directmap", "on|off", "on", "map all RAM at DIRECTMAP_VIRT_START (--directmap)"},
    {"mapcache-slots", "N", "8", "map_domain_page slots per CPU without directmap (1-64)"},
    {"superpages", "on|off", "on", "1 GiB and 2 MiB blocks in the p2m and the directmap"},
    {"xen-start", "ADDR", "RAM base + 2 MiB", "physical address of the Xen image"},
    {NULL, NULL, NULL, NULL},
};

static void defaults(struct xmm_state *st)
{
    if (st->defaults_set)
        return;
    st->defaults_set = true;
    st->directmap = true;
    st->nslots = 8;
    st->superpages = true;
    st->text = 0xC0000;
    st->rodata = 0x30000;
    st->data = 0x21000;
    st->init = 0x57000;
    st->bss = 0x40000;
}

static int onoff(struct hv_hal *h, const char *key, const char *v, bool *out)
{
    if (hv_streq(v, "on"))
        *out = true;
    else if (hv_streq(v, "off"))
        *out = false;
    else {
        h->ops->errorf(h, "expected %s=on or %s=off", key, key);
        return HV_ERR_BADCFG;
    }
    return HV_OK;
}

static int xmm_set_option(void *state, struct hv_hal *h, const char *key, const char *v)
{
    struct xmm_state *st = state;
    defaults(st);
    if (hv_streq(key, "directmap"))
        return onoff(h, key, v, &st->directmap);
    if (hv_streq(key, "superpages"))
        return onoff(h, key, v, &st->superpages);
    if (hv_streq(key, "mapcache-slots")) {
        uint64_t n;
        if (hv_parse_u64(v, &n) < 0 || n < 1 || n > XMM_MAX_SLOTS) {
            h->ops->errorf(h, "expected mapcache-slots=N with N from 1 to %u", XMM_MAX_SLOTS);
            return HV_ERR_BADCFG;
        }
        st->nslots = (unsigned)n;
        return HV_OK;
    }
    if (hv_streq(key, "xen-start")) {
        uint64_t a;
        if (hv_parse_u64(v, &a) < 0 || (a & 0x1FFFFF) || a == 0) {
            h->ops->errorf(h, "expected xen-start=ADDR, non-zero and 2 MiB-aligned");
            return HV_ERR_BADCFG;
        }
        st->xen_start = a;
        return HV_OK;
    }
    h->ops->errorf(h, "unknown option '%s' of module xen-mmu: expected directmap, "
                   "mapcache-slots, superpages or xen-start", key);
    return HV_ERR_BADCFG;
}

static int xmm_boot_entry(void *state, struct hv_hal *h, const struct hv_boot_info *info)
{
    defaults(state);
    return xmm_boot(state, h, info);
}

/* map_pages_to_xen / ioremap / destroy_xen_mappings: the physical range
 * gets (or loses) a place in the vmap area. */
static int xmm_map(void *state, struct hv_hal *h, const struct hv_map_req *req)
{
    struct xmm_state *st = state;
    if (!req->size || req->base + req->size < req->base ||
        ((req->base | req->size) & (HV_PAGE_SIZE - 1))) {
        h->ops->errorf(h, "map [0x%llx, +0x%llx): empty, wrapping or not page-aligned",
                       (unsigned long long)req->base, (unsigned long long)req->size);
        return HV_ERR_INVAL;
    }
    if (req->flags & HV_MAP_PRESENT) {
        for (unsigned i = 0; i < XMM_MAX_VMAP; i++) {
            struct xmm_vmap *v = &st->vmap[i];
            if (v->in_use)
                continue;
            if (st->vmap_next + req->size > XMM_XEN_VIRT_START + XMM_VMAP_OFF + XMM_VMAP_SIZE) {
                h->ops->errorf(h, "vmap area full");
                return HV_ERR_NOSPC;
            }
            *v = (struct xmm_vmap){.pa = req->base, .size = req->size, .va = st->vmap_next,
                                   .owner = req->owner, .purpose = req->purpose,
                                   .in_use = true};
            /* A guard page between areas, as vmap leaves one. */
            st->vmap_next += req->size + HV_PAGE_SIZE;
            h->ops->sw(h, req->core == HV_ALL_CORES ? 0 : req->core, i + 1);
            return xmm_el2_map(st, h, v->va, v->pa, v->size, req->flags, false);
        }
        h->ops->errorf(h, "vmap table full (%u entries)", XMM_MAX_VMAP);
        return HV_ERR_NOSPC;
    }
    for (unsigned i = 0; i < XMM_MAX_VMAP; i++) {
        struct xmm_vmap *v = &st->vmap[i];
        if (v->in_use && v->pa == req->base && v->size == req->size) {
            v->in_use = false;
            return xmm_el2_unmap(st, h, v->va, v->size);
        }
    }
    h->ops->errorf(h, "unmap [0x%llx, +0x%llx): not a mapping of the vmap area",
                   (unsigned long long)req->base, (unsigned long long)req->size);
    return HV_ERR_INVAL;
}

static uint64_t slot_va(const struct xmm_state *st, unsigned core, unsigned s)
{
    return XMM_XEN_VIRT_START + XMM_MAPCACHE_OFF +
           ((uint64_t)core * XMM_MAX_SLOTS + s) * HV_PAGE_SIZE;
}

static int xmm_map_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t pa,
                               uint64_t *va)
{
    struct xmm_state *st = state;
    pa &= ~(HV_PAGE_SIZE - 1);
    if (core >= HV_MAX_CORES)
        return HV_ERR_INVAL;
    if (st->directmap) {
        h->ops->sw(h, core, 1);
        *va = XMM_DIRECTMAP_VIRT_START + (pa - st->dm_base);
        return HV_OK;
    }
    struct xmm_slot *sl = st->slot[core];
    /* A page this CPU holds already: share the slot. */
    for (unsigned s = 0; s < st->nslots; s++)
        if (sl[s].valid && sl[s].pa == pa) {
            h->ops->sw(h, core, s + 1);
            sl[s].refs++;
            *va = slot_va(st, core, s);
            return HV_OK;
        }
    /* A free slot, round robin from the hand (never-used ones first). */
    unsigned pick = st->nslots;
    for (unsigned k = 0; k < st->nslots && pick == st->nslots; k++) {
        unsigned s = (st->slot_hand[core] + k) % st->nslots;
        if (!sl[s].refs)
            pick = s;
    }
    h->ops->sw(h, core, st->nslots);
    if (pick == st->nslots) {
        h->ops->errorf(h, "map_domain_page(0x%llx) on CPU %u: all %u mapcache slots in use",
                       (unsigned long long)pa, core, st->nslots);
        return HV_ERR_NOSPC;
    }
    st->slot_hand[core] = (pick + 1) % st->nslots;
    bool recycled = sl[pick].valid;
    uint64_t v = slot_va(st, core, pick);
    int rc = xmm_pt_map(st, h, HV_PT_EL2, st->root, 0, 1, v, pa, HV_PAGE_SIZE,
                        xmm_s1_attrs(HV_MAP_HYPERVISOR_RW), false, st->el2_blocks);
    if (rc)
        return rc;
    /* The slot's VA is this CPU's alone: local maintenance suffices. */
    h->ops->dsb(h, core);
    if (recycled)
        h->ops->tlbi(h, core, HV_TLBI_VALE2, v >> 12);
    hal_sync(h, core);
    sl[pick] = (struct xmm_slot){.pa = pa, .refs = 1, .valid = true};
    *va = v;
    return HV_OK;
}

static int xmm_unmap_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t va)
{
    struct xmm_state *st = state;
    if (st->directmap)
        return HV_OK;
    if (core >= HV_MAX_CORES)
        return HV_ERR_INVAL;
    uint64_t base = slot_va(st, core, 0);
    uint64_t s = ((va & ~(HV_PAGE_SIZE - 1)) - base) / HV_PAGE_SIZE;
    if (va < base || s >= st->nslots || !st->slot[core][s].refs) {
        h->ops->errorf(h, "unmap_domain_page(0x%llx) on CPU %u: not a mapped mapcache slot",
                       (unsigned long long)va, core);
        return HV_ERR_INVAL;
    }
    /* Lazy: the entry stays until the slot is reused. */
    st->slot[core][s].refs--;
    h->ops->sw(h, core, 1);
    return HV_OK;
}

static struct xmm_domain *dom_of(struct xmm_state *st, const struct hv_domain_info *di)
{
    if (!st->info)
        return NULL;
    ptrdiff_t d = di - st->info->domains;
    return d >= 0 && d < (ptrdiff_t)st->info->ndomains && d < HV_MAX_DOMAINS ? &st->dom[d] : NULL;
}

static int xmm_create_domain(void *state, struct hv_hal *h, const struct hv_domain_info *di)
{
    struct xmm_state *st = state;
    struct xmm_domain *dom = dom_of(st, di);
    if (!dom)
        return HV_ERR_INVAL;
    dom->info = di;
    dom->vmid = st->next_vmid++;
    int rc = xmm_alloc_pages2(st, h, HV_PT_P2M, &dom->root);
    if (rc)
        return rc;
    /* struct domain and one struct vcpu per vCPU: xenheap pages. */
    rc = xmm_xenheap_alloc(st, h, "struct domain");
    for (unsigned v = 0; rc == HV_OK && v < di->nvcpus; v++)
        rc = xmm_xenheap_alloc(st, h, "struct vcpu");
    dom->created = rc == HV_OK;
    return rc;
}

static int xmm_p2m_update(void *state, struct hv_hal *h, int domain, uint64_t gpa, uint64_t pa,
                          uint64_t size, uint32_t flags, const char *purpose)
{
    struct xmm_state *st = state;
    if (domain < 0 || domain >= HV_MAX_DOMAINS || !st->dom[domain].created) {
        h->ops->errorf(h, "p2m update of domain %d: not created", domain);
        return HV_ERR_INVAL;
    }
    struct xmm_domain *dom = &st->dom[domain];
    if (gpa >> 40) {
        h->ops->errorf(h, "p2m: IPA 0x%llx beyond the 40-bit stage-2 input",
                       (unsigned long long)gpa);
        return HV_ERR_INVAL;
    }
    if (!(flags & HV_MAP_PRESENT)) {
        int rc = xmm_pt_unmap(st, h, HV_PT_P2M, dom->root, 1, 2, gpa, size);
        if (rc == HV_OK) {
            /* A valid entry went: p2m_force_tlb_flush_sync. */
            h->ops->dsb(h, 0);
            h->ops->tlbi(h, 0, HV_TLBI_VMALLS12E1IS, dom->vmid);
            hal_sync(h, 0);
        }
        return rc;
    }
    int rc = xmm_pt_map(st, h, HV_PT_P2M, dom->root, 1, 2, gpa, pa, size, xmm_s2_attrs(flags),
                        st->superpages, dom->blocks);
    if (rc == HV_OK && dom->np2m < XMM_MAX_P2M)
        dom->p2m[dom->np2m++] = (struct xmm_p2m){gpa, pa, size, flags, purpose};
    if (rc == HV_OK)
        h->ops->dsb(h, 0);
    return rc;
}

static int xmm_context_switch(void *state, struct hv_hal *h, unsigned core,
                              const struct hv_vcpu_ref *prev, const struct hv_vcpu_ref *next)
{
    struct xmm_state *st = state;
    uint64_t vttbr = 0;
    if (next->domain >= 0 && next->domain < HV_MAX_DOMAINS && st->dom[next->domain].created) {
        const struct xmm_domain *dom = &st->dom[next->domain];
        vttbr = (uint64_t)dom->vmid << 48 | dom->root;
        /* The vCPU's HCR_EL2 (Xen's p2m_restore_state): stage 2 on, EL1 in
         * AArch64, interrupts, SMC, WFI and WFE to EL2. */
        hal_sysreg_write(h, core, HV_SYSREG_HCR_EL2, XMM_HCR_GUEST);
        hal_sysreg_write(h, core, HV_SYSREG_VTCR_EL2, XMM_VTCR_EL2);
    }
    hal_sysreg_write(h, core, HV_SYSREG_VTTBR_EL2, vttbr);
    hal_isb(h, core);
    return HV_OK;
}

static int xmm_handle_trap(void *state, struct hv_hal *h, struct hv_trap *trap)
{
    return HV_TRAP_UNHANDLED;
}

static void emit(hv_region_fn fn, void *ctx, uint64_t base, uint64_t size, enum hv_owner owner,
                 uint32_t domid, const char *purpose)
{
    struct hv_region_info r = {.slot = -1, .base = base, .limit = base + size - 1,
                               .owner = owner, .domid = domid, .purpose = purpose};
    fn(ctx, &r);
}

/* The mappings, by physical range. */
static void xmm_regions(const void *state, hv_region_fn fn, void *ctx)
{
    const struct xmm_state *st = state;
    if (!st->info)
        return;
    emit(fn, ctx, st->xen_start, st->text, HV_OWNER_TEXT, HV_DOMID_XEN, "Xen text");
    emit(fn, ctx, st->xen_start + st->text, st->rodata, HV_OWNER_RODATA, HV_DOMID_XEN,
         "Xen rodata");
    emit(fn, ctx, st->xen_start + st->text + st->rodata, st->data, HV_OWNER_DATA, HV_DOMID_XEN,
         "Xen data");
    for (unsigned i = 0; st->directmap && i < st->info->nram; i++)
        emit(fn, ctx, st->info->ram[i].base, st->info->ram[i].size, HV_OWNER_OTHER, HV_DOMID_XEN,
             "directmap");
    for (unsigned i = 0; i < XMM_MAX_VMAP; i++)
        if (st->vmap[i].in_use)
            emit(fn, ctx, st->vmap[i].pa, st->vmap[i].size, st->vmap[i].owner, HV_DOMID_XEN,
                 st->vmap[i].purpose);
    for (unsigned d = 0; d < HV_MAX_DOMAINS; d++)
        for (unsigned i = 0; st->dom[d].created && i < st->dom[d].np2m; i++)
            emit(fn, ctx, st->dom[d].p2m[i].pa, st->dom[d].p2m[i].size, HV_OWNER_GUEST,
                 st->dom[d].info->domid, st->dom[d].p2m[i].purpose);
}

static void xmm_shadow(const void *state, unsigned core, unsigned slot, struct hv_shadow_slot *out)
{
    *out = (struct hv_shadow_slot){0};
}

const struct hv_module_ops hv_module_xen_mmu = {
    .api_version = HV_API_VERSION,
    .name = "xen-mmu",
    .description = "Xen's Arm64 MMU memory manager: EL2 page tables with or without the "
                   "directmap, a per-CPU mapcache, p2m tables with superpages",
    .profile = 'a',
    .state_size = sizeof(struct xmm_state),
    .options = xmm_options,
    .set_option = xmm_set_option,
    .boot = xmm_boot_entry,
    .cpu_up = xmm_cpu_up,
    .map = xmm_map,
    .map_domain_page = xmm_map_domain_page,
    .unmap_domain_page = xmm_unmap_domain_page,
    .create_domain = xmm_create_domain,
    .p2m_update = xmm_p2m_update,
    .finish_boot = xmm_finish_boot,
    .context_switch = xmm_context_switch,
    .handle_trap = xmm_handle_trap,
    .regions = xmm_regions,
    .shadow = xmm_shadow,
};
