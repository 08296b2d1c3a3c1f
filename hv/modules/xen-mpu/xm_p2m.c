/* Domains of the xen-mpu model: p2m tables, vCPU context switch and
 * map_domain_page.
 *
 * A domain's p2m is a table of regions (one per static-memory bank and per
 * passthrough device), as in the 2026-04 series where p2m_set_entry appends
 * a pr_t per mapping.  Emulated devices (the vpl011, the vGIC) take no
 * region on purpose: a guest access to them must fault to EL2 (a stage-2
 * permission fault on PMSA) for Xen to emulate it.  How the table reaches
 * the EL2 MPU depends on alloc=:
 *   first-fit, reserved=N  p2m_restore_state inserts every region through
 *                          the update function (AP[0] set, W+X allowed) at
 *                          switch-in; p2m_save_state removes them at
 *                          switch-out.  reserved=N takes their slots from a
 *                          block of N at the top.
 *   prenr                  Bao's way: the regions of every domain with a
 *                          vCPU on the core are programmed once, disabled,
 *                          in slots 0-31; a switch is one PRENR write
 *                          (hypervisor mask | the incoming domain's mask).
 * With map-domain-page=ram, the regions over all RAM would overlap a
 * guest's, so they leave the core while a guest is loaded (as the Xilinx
 * prototype disables its guest-memory section) and come back at the switch
 * to idle.
 *
 * The guest's EL1 MPU is saved and restored at every switch of a domain
 * whose EL1 uses PMSA (el1-context=on, the series' "Save/restore guest EL1
 * MPU-related context"), along with SCTLR_EL1, HCR_EL2, VSCTLR_EL2 (VMID)
 * and VTCR_EL2 (MSA). */
#include "hv/modules/xen-mpu/xen_mpu.h"

#define HCR_VM (1ull << 0)
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_TWI (1ull << 13)   /* vwfi=trap, Xen's default: WFI and WFE trap */
#define HCR_TWE (1ull << 14)
#define HCR_TSC (1ull << 19)
#define HCR_RW (1ull << 31)
#define VTCR_MSA (1ull << 31)
#define VSCTLR_VMID_SHIFT 48

static struct xm_domain *domain_of(struct xm_state *st, int d)
{
    return (d >= 0 && d < HV_MAX_DOMAINS && st->dom[d].created) ? &st->dom[d] : NULL;
}

static int bad_domain(struct xm_state *st, struct hv_hal *h, const struct hv_domain_info *di,
                      const char *why)
{
    h->ops->errorf(h, "%s: node /chosen/%s: %s", st->info->source, di->name, why);
    return HV_ERR_BADCFG;
}

int xm_create_domain(void *state, struct hv_hal *h, const struct hv_domain_info *di)
{
    struct xm_state *st = state;
    unsigned d = di->domid - HV_DOMID_FIRST;
    if (d >= HV_MAX_DOMAINS || !st->booted)
        return HV_ERR_INTERNAL;
    if (!di->nstatic_mem)
        return bad_domain(st, h, di, "no xen,static-mem: Xen on MPU gives domains static "
                                     "memory only (MPU selects STATIC_MEMORY)");
    if (!di->direct_map)
        return bad_domain(st, h, di, "no direct-map: a PMSA stage 2 (the EL2 MPU) cannot "
                                     "translate guest addresses");
    const struct xm_image *im = &st->img;
    for (unsigned i = 0; i < di->nstatic_mem; i++) {
        const struct hv_range *m = &di->static_mem[i];
        if (hv_overlaps(m->base, m->size, im->stext, im->bss_end - im->stext)) {
            h->ops->errorf(h, "%s: node /chosen/%s: property xen,static-mem: bank 0x%llx+0x%llx "
                           "overlaps the Xen image [0x%llx, 0x%llx)", st->info->source, di->name,
                           (unsigned long long)m->base, (unsigned long long)m->size,
                           (unsigned long long)im->stext, (unsigned long long)im->bss_end);
            return HV_ERR_BADCFG;
        }
        if ((m->base | m->size) & (HV_PAGE_SIZE - 1)) {
            h->ops->errorf(h, "%s: node /chosen/%s: property xen,static-mem: bank 0x%llx+0x%llx "
                           "is not 4 KiB-aligned", st->info->source, di->name,
                           (unsigned long long)m->base, (unsigned long long)m->size);
            return HV_ERR_BADCFG;
        }
    }
    struct xm_domain *dom = &st->dom[d];
    *dom = (struct xm_domain){.created = true, .info = di, .vmid = ++st->next_vmid};
    return HV_OK;
}

static struct xm_req p2m_req(const struct xm_domain *dom, const struct xm_p2m *p, bool map)
{
    return (struct xm_req){.base = p->base, .limit = p->limit, .flags = map ? p->flags : 0,
                           .owner = HV_OWNER_GUEST, .domid = dom->info->domid,
                           .purpose = p->purpose, .cls = XM_CLASS_GUEST, .p2m = true};
}

/* alloc=prenr: the region written disabled (or enabled when the domain is
 * the one running there) into a slot among 0-31 of each core that runs one
 * of the domain's vCPUs. */
static int install_resident(struct xm_state *st, struct hv_hal *h, int d, unsigned i)
{
    struct xm_domain *dom = &st->dom[d];
    const struct xm_p2m *p = &dom->p2m[i];
    for (unsigned v = 0; v < dom->info->nvcpus; v++) {
        unsigned core = dom->info->vcpu_core[v];
        struct xm_cpu *cpu = &st->cpu[core];
        if (cpu->resident[d][i])
            continue;
        unsigned top = st->nslots < XM_PRENR_SLOTS ? st->nslots : XM_PRENR_SLOTS;
        unsigned s = 0;
        while (s < top && cpu->map[s].in_use)
            s++;
        hal_sw(h, core, s + 1);
        if (s == top) {
            h->ops->errorf(h, "no free EL2 MPU region among 0-%u (alloc=prenr) on core %u for "
                           "%s of domain %s", top - 1, core, p->purpose, dom->info->name);
            return HV_ERR_NOSPC;
        }
        bool on = cpu->cur_domain == d;
        xm_put_entry(cpu, s, (struct xm_entry){
            .prbar = xm_prbar_of(p->base, p->flags, true),
            .prlar = xm_prlar_of(p->limit, p->flags) & (on ? ~0ull : ~MPU_PRLAR_EN),
            .owner = HV_OWNER_GUEST, .in_use = true, .guest = true, .domid = dom->info->domid,
            .purpose = p->purpose,
        });
        cpu->resident[d][i] = (uint8_t)(s + 1);
        hal_tag(h, core, s, HV_OWNER_GUEST, dom->info->domid);
        xm_write_entry(st, h, core, s);
        hal_sync(h, core);
    }
    return HV_OK;
}

int xm_p2m_update(void *state, struct hv_hal *h, int d, uint64_t gpa, uint64_t pa,
                  uint64_t size, uint32_t flags, const char *purpose)
{
    struct xm_state *st = state;
    struct xm_domain *dom = domain_of(st, d);
    if (!dom) {
        h->ops->errorf(h, "p2m update of domain %d, which was not created", d);
        return HV_ERR_INTERNAL;
    }
    if (gpa != pa) {
        h->ops->errorf(h, "%s: node /chosen/%s: guest address 0x%llx maps to 0x%llx: PMSA maps "
                       "flat, only direct-mapped memory can be given", st->info->source,
                       dom->info->name, (unsigned long long)gpa, (unsigned long long)pa);
        return HV_ERR_BADCFG;
    }
    uint64_t limit = pa + size;
    if (!size || limit < pa || ((pa | size) & (HV_PAGE_SIZE - 1))) {
        h->ops->errorf(h, "p2m %s [0x%llx, +0x%llx) of %s: expected whole 4 KiB pages", purpose,
                       (unsigned long long)pa, (unsigned long long)size, dom->info->name);
        return HV_ERR_INVAL;
    }
    if (!(flags & HV_MAP_PRESENT)) {
        for (unsigned i = 0; i < dom->np2m; i++) {
            if (dom->p2m[i].base != pa || dom->p2m[i].limit != limit)
                continue;
            for (unsigned c = 0; c < HV_MAX_CORES; c++) {
                if (!xm_online(st, c))
                    continue;
                struct xm_cpu *cpu = &st->cpu[c];
                if (cpu->cur_domain == d && st->alloc != XM_ALLOC_PRENR) {
                    struct xm_req rq = p2m_req(dom, &dom->p2m[i], false);
                    int rc = xm_update(st, h, c, &rq);
                    if (rc)
                        return rc;
                }
            }
            dom->p2m[i] = dom->p2m[--dom->np2m];
            return HV_OK;
        }
        h->ops->errorf(h, "p2m of %s has no region [0x%llx, 0x%llx)", dom->info->name,
                       (unsigned long long)pa, (unsigned long long)limit);
        return HV_ERR_INVAL;
    }
    for (unsigned i = 0; i < dom->np2m; i++)
        if (hv_overlaps(pa, size, dom->p2m[i].base, dom->p2m[i].limit - dom->p2m[i].base)) {
            h->ops->errorf(h, "p2m %s [0x%llx, 0x%llx) of %s overlaps its %s", purpose,
                           (unsigned long long)pa, (unsigned long long)limit, dom->info->name,
                           dom->p2m[i].purpose);
            return HV_ERR_INVAL;
        }
    if (dom->np2m == XM_MAX_P2M) {
        h->ops->errorf(h, "p2m table of %s is full (%u regions)", dom->info->name, XM_MAX_P2M);
        return HV_ERR_NOSPC;
    }
    unsigned i = dom->np2m++;
    dom->p2m[i] = (struct xm_p2m){.base = pa, .limit = limit, .flags = flags, .purpose = purpose};
    if (st->alloc == XM_ALLOC_PRENR)
        return install_resident(st, h, d, i);
    for (unsigned c = 0; c < HV_MAX_CORES; c++) {
        if (!xm_online(st, c) || st->cpu[c].cur_domain != d)
            continue;
        struct xm_req rq = p2m_req(dom, &dom->p2m[i], true);
        int rc = xm_update(st, h, c, &rq);
        if (rc)
            return rc;
    }
    return HV_OK;
}

/* The hypervisor's enabled regions among 0-31 and the resident regions of
 * domain `d` (or none for idle): what PRENR must hold. */
static uint32_t prenr_mask(const struct xm_state *st, unsigned core, int d)
{
    const struct xm_cpu *cpu = &st->cpu[core];
    unsigned top = st->nslots < XM_PRENR_SLOTS ? st->nslots : XM_PRENR_SLOTS;
    uint32_t mask = 0;
    for (unsigned s = 0; s < top; s++) {
        const struct xm_entry *e = &cpu->map[s];
        if (e->in_use && !e->guest && (e->prlar & MPU_PRLAR_EN))
            mask |= 1u << s;
    }
    if (d >= 0)
        for (unsigned i = 0; i < st->dom[d].np2m; i++)
            if (cpu->resident[d][i] && cpu->resident[d][i] <= XM_PRENR_SLOTS)
                mask |= 1u << (cpu->resident[d][i] - 1);
    return mask;
}

static int prenr_switch(struct xm_state *st, struct hv_hal *h, unsigned core, int next)
{
    struct xm_cpu *cpu = &st->cpu[core];
    hal_op_begin(h, HV_OP_PRENR_SWITCH);
    uint32_t mask = prenr_mask(st, core, next);
    hal_sw(h, core, st->nslots);
    hal_mpu_write(h, core, 2, HV_MPU_PRENR, 0, mask);
    for (unsigned s = 0; s < XM_PRENR_SLOTS && s < st->nslots; s++) {
        struct xm_entry *e = &cpu->map[s];
        if (!e->in_use || !e->guest)
            continue;
        if (mask & (1u << s))
            e->prlar |= MPU_PRLAR_EN;
        else
            e->prlar &= ~MPU_PRLAR_EN;
        xm_entry_changed(cpu, s);
    }
    hal_sync(h, core);
    hal_op_end(h, HV_OP_PRENR_SWITCH, HV_OK);
    return HV_OK;
}

static bool el1_uses_mpu(const struct xm_state *st, const struct xm_domain *dom)
{
    return st->el1_context && !dom->info->el1_mmu;
}

static void el1_save(struct xm_state *st, struct hv_hal *h, unsigned core,
                     const struct xm_domain *dom, unsigned vcpu)
{
    unsigned id = dom->info->vcpu_id[vcpu];
    unsigned n = st->nel1 < MPU_MAX_REGIONS ? st->nel1 : MPU_MAX_REGIONS;
    hal_op_begin(h, HV_OP_EL1_MPU_SAVE);
    for (unsigned r = 0; r < n && id < HV_MAX_VCPUS; r++)
        h->ops->mpu_read_region(h, core, 1, r, &st->el1ctx[id][r][0], &st->el1ctx[id][r][1]);
    hal_op_end(h, HV_OP_EL1_MPU_SAVE, HV_OK);
}

static void el1_restore(struct xm_state *st, struct hv_hal *h, unsigned core,
                        const struct xm_domain *dom, unsigned vcpu)
{
    unsigned id = dom->info->vcpu_id[vcpu];
    unsigned n = st->nel1 < MPU_MAX_REGIONS ? st->nel1 : MPU_MAX_REGIONS;
    hal_op_begin(h, HV_OP_EL1_MPU_RESTORE);
    for (unsigned r = 0; r < n && id < HV_MAX_VCPUS; r++)
        h->ops->mpu_write_region(h, core, 1, r, st->el1ctx[id][r][0], st->el1ctx[id][r][1]);
    hal_isb(h, core);
    hal_op_end(h, HV_OP_EL1_MPU_RESTORE, HV_OK);
}

/* p2m_save_state: every stage-2 region of the outgoing domain that the
 * core holds is removed (last inserted first). */
static int p2m_save(struct xm_state *st, struct hv_hal *h, unsigned core, int d)
{
    struct xm_domain *dom = &st->dom[d];
    for (unsigned i = dom->np2m; i-- > 0;) {
        unsigned idx;
        const struct xm_p2m *p = &dom->p2m[i];
        if (xm_contains(st, h, core, p->base, p->limit, &idx) != XM_FOUND ||
            !st->cpu[core].map[idx].guest)
            continue;
        struct xm_req rq = p2m_req(dom, p, false);
        hal_op_begin(h, HV_OP_P2M_SAVE);
        int rc = xm_update(st, h, core, &rq);
        hal_op_end(h, HV_OP_P2M_SAVE, rc);
        if (rc)
            return rc;
    }
    return HV_OK;
}

static int p2m_restore(struct xm_state *st, struct hv_hal *h, unsigned core, int d)
{
    struct xm_domain *dom = &st->dom[d];
    for (unsigned i = 0; i < dom->np2m; i++) {
        struct xm_req rq = p2m_req(dom, &dom->p2m[i], true);
        hal_op_begin(h, HV_OP_P2M_RESTORE);
        int rc = xm_update(st, h, core, &rq);
        hal_op_end(h, HV_OP_P2M_RESTORE, rc);
        if (rc)
            return rc;
    }
    return HV_OK;
}

int xm_context_switch(void *state, struct hv_hal *h, unsigned core,
                      const struct hv_vcpu_ref *prev, const struct hv_vcpu_ref *next)
{
    struct xm_state *st = state;
    if (core >= HV_MAX_CORES || !xm_online(st, core))
        return HV_ERR_INTERNAL;
    struct xm_cpu *cpu = &st->cpu[core];
    struct xm_domain *pd = domain_of(st, prev->domain), *nd = domain_of(st, next->domain);
    int rc = HV_OK;

    /* ctxt_switch_from */
    if (pd) {
        if (el1_uses_mpu(st, pd))
            el1_save(st, h, core, pd, prev->vcpu);
        if (st->alloc != XM_ALLOC_PRENR && (rc = p2m_save(st, h, core, prev->domain)))
            return rc;
    }
    /* ctxt_switch_to */
    if (nd) {
        if (st->mdp == XM_MDP_RAM && !cpu->ram_unloaded) {
            if ((rc = xm_map_ram(st, h, core, false)))
                return rc;
            cpu->ram_unloaded = true;
        }
        hal_sysreg_write(h, core, HV_SYSREG_SCTLR_EL1, 0);
        hal_sysreg_write(h, core, HV_SYSREG_HCR_EL2, HCR_VM | HCR_FMO | HCR_IMO | HCR_TSC | HCR_RW |
                                                      HCR_TWI | HCR_TWE);
        hal_sysreg_write(h, core, HV_SYSREG_VSCTLR_EL2, (uint64_t)nd->vmid << VSCTLR_VMID_SHIFT);
        hal_sysreg_write(h, core, HV_SYSREG_VTCR_EL2, nd->info->el1_mmu ? VTCR_MSA : 0);
        cpu->cur_domain = next->domain;
        cpu->cur_vcpu = next->vcpu;
        if (st->alloc == XM_ALLOC_PRENR)
            rc = prenr_switch(st, h, core, next->domain);
        else
            rc = p2m_restore(st, h, core, next->domain);
        if (rc)
            return rc;
        if (el1_uses_mpu(st, nd))
            el1_restore(st, h, core, nd, next->vcpu);
        return HV_OK;
    }
    cpu->cur_domain = -1;
    if (st->alloc == XM_ALLOC_PRENR && pd)
        rc = prenr_switch(st, h, core, -1);
    if (rc == HV_OK && st->mdp == XM_MDP_RAM && cpu->ram_unloaded) {
        rc = xm_map_ram(st, h, core, true);
        cpu->ram_unloaded = rc != HV_OK;
    }
    return rc;
}

/* map_domain_page is vmap_contig(mfn, 1): the page as a region of its own,
 * or a reference on a region that contains it (the ram policy's regions,
 * the heap, a loaded guest's region with the same attributes). */
int xm_map_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t pa, uint64_t *va)
{
    struct xm_state *st = state;
    uint64_t page = pa & ~(HV_PAGE_SIZE - 1);
    /* A page of the guest running on this core (copy_from_guest and
     * copy_to_guest in a trap): its loaded stage-2 region grants EL2
     * read/write too, so the page is reached through it with a reference,
     * as through the heap; a region of its own would partly overlap one
     * with other XN bits, which xen_mpumap_update refuses. */
    unsigned idx;
    enum xm_match m = st->cpu[core].cur_domain >= 0
                          ? xm_contains(st, h, core, page, page + HV_PAGE_SIZE, &idx)
                          : XM_NOTFOUND;
    if ((m == XM_FOUND || m == XM_INCLUSIVE) && st->cpu[core].map[idx].guest &&
        (st->cpu[core].map[idx].prlar & MPU_PRLAR_EN)) {
        st->cpu[core].map[idx].refcount++;
        *va = pa;
        return HV_OK;
    }
    struct xm_req rq = {.base = page, .limit = page + HV_PAGE_SIZE, .flags = HV_MAP_HYPERVISOR_RW,
                        .owner = HV_OWNER_TRANSIENT, .domid = HV_DOMID_XEN,
                        .purpose = "map_domain_page", .cls = XM_CLASS_HV};
    int rc = xm_update(st, h, core, &rq);
    if (rc == HV_OK)
        *va = pa;
    return rc;
}

/* unmap_domain_page is vunmap: destroy_xen_mapping_containing. */
int xm_unmap_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t va)
{
    return xm_destroy_containing(state, h, core, va);
}
