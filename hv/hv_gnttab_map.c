/* GNTTABOP_map_grant_ref and GNTTABOP_unmap_grant_ref: a grant of another
 * domain made accessible to the calling domain at a guest address, as a
 * stage-2 mapping added through the module's p2m_update, and taken away
 * again by handle.
 *
 * On the MPU module a mapped grant is one more stage-2 region of the
 * mapping domain: live on the cores that run the domain now (the module
 * inserts it there at once), loaded at every later switch-in with the
 * domain's other regions.  This is the region pressure grants cause; it
 * shows in the per-core and per-domain region figures while the grant is
 * mapped, and hv.gnttab.regions_peak counts the regions themselves.
 *
 * Xen's rules (common/grant_table.c map_grant_ref, unmap_common; Arm's
 * create_grant_host_mapping and replace_grant_host_mapping):
 *   - flags without host_map or device_map: GNTST_bad_gntref; device_map,
 *     application_map or contains_pte: GNTST_general_error (Arm guests
 *     are translated);
 *   - an unknown domain (DOMID_SELF included): GNTST_bad_domain;
 *   - no free handle: GNTST_no_device_space;
 *   - the entry pinned by hv_gnt_pin (bad_gntref, general_error, bad_page);
 *   - the mapping at host_addr (its page: gaddr_to_gfn drops the offset)
 *     fails with GNTST_general_error when the p2m cannot take it.
 * What the p2m cannot take, in the model: a PMSA stage 2 does not
 * translate, so on a profile-r module host_addr must be the frame's own
 * address (the guest learns it as dev_bus_addr, which Xen returns for
 * every map); and a page that overlaps the domain's RAM, its passthrough
 * devices or its virtual UART, or that holds another grant, is refused.
 * Two handles of the same grant at the same address share the region.
 * The op array is read and written back with copy_from_guest and
 * copy_to_guest, one element at a time, as Xen does. */
#include "hv/hv_gnttab.h"
#include "hv/hv_gnttab_internal.h"
#include "hv/hv_internal.h"
#include "hv/hv_lib.h"

/* struct gnttab_map_grant_ref and struct gnttab_unmap_grant_ref on arm64. */
enum { MAP_HOST_ADDR = 0, MAP_FLAGS = 8, MAP_REF = 12, MAP_DOM = 16, MAP_STATUS = 18,
       MAP_HANDLE = 20, MAP_DEV_BUS_ADDR = 24, MAP_SIZE = 32 };
_Static_assert(MAP_SIZE <= HV_GNT_OP_MAX, "a map operation fits the loop's buffer");
enum { UNMAP_HOST_ADDR = 0, UNMAP_DEV_BUS_ADDR = 8, UNMAP_HANDLE = 16, UNMAP_STATUS = 20,
       UNMAP_SIZE = 24 };

#define GRANT_PURPOSE "grant map"

/* One stage-2 change of domain d, nested in the hypercall's trap and
 * recorded like the boot path's p2m updates. */
static int p2m_grant(struct hv *hv, unsigned core, int d, uint64_t page, uint64_t pa,
                     uint32_t flags)
{
    hv_emit_p2m(hv, core, d, page, pa, HV_PAGE_SIZE, flags, GRANT_PURPOSE);
    if (!hv->mod->p2m_update)
        return 0;
    hv_acc_op_begin(hv, HV_OP_P2M_UPDATE);
    int rc = hv->mod->p2m_update(hv->state, &hv->hal, d, page, pa, HV_PAGE_SIZE, flags,
                                 GRANT_PURPOSE);
    hv_acc_op_end(hv, HV_OP_P2M_UPDATE, rc);
    return rc;
}

/* Another live mapping of domain ld at guest page `page`, other than
 * handle `except`. */
static struct hv_gnt_map *mapping_at(struct hv_gnt_domain *gd, uint64_t page, int except)
{
    for (int h = 0; h < HV_GNT_MAX_MAPS; h++)
        if (h != except && gd->map[h].used && gd->map[h].host_addr == page)
            return &gd->map[h];
    return NULL;
}

/* The guest page is something else of the domain's already. */
static bool page_taken(const struct hv *hv, int d, uint64_t page)
{
    const struct hv_domain_info *di = &hv->info.domains[d];
    uint64_t pa;
    if (hv_gnt_frame_pa(hv, d, page, &pa))
        return true;
    for (unsigned i = 0; i < di->ndevices; i++)
        if (hv_overlaps(page, HV_PAGE_SIZE, di->devices[i].base, di->devices[i].size))
            return true;
    return di->vpl011 && hv_overlaps(page, HV_PAGE_SIZE, HV_VPL011_BASE, HV_VPL011_SIZE);
}

/* create_grant_host_mapping: GNTST_okay or GNTST_general_error. */
static int host_mapping(struct hv_gnt_ctx *c, uint64_t page, uint64_t frame, bool readonly)
{
    struct hv *hv = c->g->hv;
    struct hv_gnttab *t = &c->g->gnttab;
    struct hv_gnt_domain *gd = &t->dom[c->ld];
    if (hv->mod->profile == 'r' && page != frame)
        return GNTST_general_error;
    if (page_taken(hv, c->ld, page))
        return GNTST_general_error;
    const struct hv_gnt_map *other = mapping_at(gd, page, -1);
    if (other)
        return other->frame_pa == frame && !(other->flags & GNTMAP_readonly) == !readonly
                   ? GNTST_okay
                   : GNTST_general_error;
    /* p2m_grant_map_rw / _ro: normal memory, never executable. */
    uint32_t flags = HV_MAP_PRESENT | HV_MAP_GUEST | HV_MAP_ATTR(HV_ATTR_NORMAL) |
                     (readonly ? 0 : HV_MAP_WRITE);
    int rc = p2m_grant(hv, c->core, c->ld, page, frame, flags);
    if (rc) {
        c->modrc = rc;
        return GNTST_general_error;
    }
    if (++t->regions > t->regions_peak)
        t->regions_peak = t->regions;
    return GNTST_okay;
}

static int map_one(struct hv_gnt_ctx *c, uint8_t *op)
{
    struct hv *hv = c->g->hv;
    struct hv_gnt_domain *gd = &c->g->gnttab.dom[c->ld];
    uint32_t flags = (uint32_t)hv_gnt_get_le(op + MAP_FLAGS, 4);
    uint32_t ref = (uint32_t)hv_gnt_get_le(op + MAP_REF, 4);
    uint32_t dom = (uint32_t)hv_gnt_get_le(op + MAP_DOM, 2);
    uint64_t page = hv_gnt_get_le(op + MAP_HOST_ADDR, 8) & ~(HV_PAGE_SIZE - 1);
    int st = hv_gnt_check_map_flags(flags);
    if (st)
        return st;
    /* rcu_lock_domain_by_id: DOMID_SELF names no domain here. */
    int rd = dom == HV_DOMID_SELF ? -1 : hv_gnt_domain_of(hv, c->ld, dom);
    if (rd < 0)
        return GNTST_bad_domain;
    int handle = 0;
    while (handle < HV_GNT_MAX_MAPS && gd->map[handle].used)
        handle++;
    if (handle == HV_GNT_MAX_MAPS)
        return GNTST_no_device_space;
    bool readonly = flags & GNTMAP_readonly;
    uint64_t frame;
    if ((st = hv_gnt_pin(c, rd, ref, readonly, &frame)))
        return st;
    if ((st = host_mapping(c, page, frame, readonly))) {
        hv_gnt_unpin(c, rd, ref, readonly);
        return st;
    }
    gd->map[handle] = (struct hv_gnt_map){.used = true, .granter = rd, .ref = ref,
                                          .flags = flags, .host_addr = page, .frame_pa = frame};
    hv_gnt_put_le(op + MAP_HANDLE, (uint32_t)handle, 4);
    hv_gnt_put_le(op + MAP_DEV_BUS_ADDR, frame, 8);
    c->g->gnttab.maps++;
    return GNTST_okay;
}

static int unmap_one(struct hv_gnt_ctx *c, uint8_t *op)
{
    struct hv *hv = c->g->hv;
    struct hv_gnttab *t = &c->g->gnttab;
    struct hv_gnt_domain *gd = &t->dom[c->ld];
    uint32_t handle = (uint32_t)hv_gnt_get_le(op + UNMAP_HANDLE, 4);
    uint64_t host_addr = hv_gnt_get_le(op + UNMAP_HOST_ADDR, 8);
    if (handle >= HV_GNT_MAX_MAPS || !gd->map[handle].used)
        return GNTST_bad_handle;
    struct hv_gnt_map *m = &gd->map[handle];
    /* Xen removes the host mapping only when host_addr is given; the
     * handle then stays in use. */
    if (!host_addr)
        return GNTST_okay;
    uint64_t page = host_addr & ~(HV_PAGE_SIZE - 1);
    if (page != m->host_addr)
        return GNTST_general_error;   /* no such grant mapping at host_addr */
    if (!mapping_at(gd, page, (int)handle)) {
        int rc = p2m_grant(hv, c->core, c->ld, page, m->frame_pa, 0);
        if (rc) {
            c->modrc = rc;
            return GNTST_general_error;
        }
        t->regions--;
    }
    m->used = false;
    hv_gnt_unpin(c, m->granter, m->ref, m->flags & GNTMAP_readonly);
    t->unmaps++;
    return GNTST_okay;
}

int hv_gnttab_map(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    return hv_gnt_each_op(g, core, d, r, MAP_SIZE, MAP_STATUS, 0, MAP_SIZE, map_one);
}

int hv_gnttab_unmap(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    return hv_gnt_each_op(g, core, d, r, UNMAP_SIZE, UNMAP_STATUS, 0, UNMAP_SIZE, unmap_one);
}
