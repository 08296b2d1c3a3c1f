/* Grant-table state of the guests and the rules every grant_table_op
 * command shares: where a domain's table lives, reading and updating its
 * entries, pinning an entry for a user (Xen's _set_status_v1 and the
 * active entry), the figures.
 *
 * Where the table frame lives.  Xen allocates a domain's grant-table
 * frames in its own heap and a guest on Arm sees them only after it places
 * them in its physical map with XENMEM_add_to_physmap(XENMAPSPACE_grant_table)
 * (Linux does so with the frames at a gfn of its choice).  A dom0less
 * domain on the MPU is direct-mapped: a PMSA stage 2 cannot make a heap
 * frame appear at a guest address other than its own, so the only frame
 * the guest can reach at the gfn it names is its own static page there.
 * The model therefore takes that page as the table frame: the guest
 * writes entries into its own memory, as under real Xen, and the model
 * reads and updates them there through map_domain_page, each access
 * costing what it costs the hypervisor.  The frame is zeroed when placed
 * (Xen's frame starts empty) and its contents move with it when it is
 * placed again.  One frame, 512 v1 entries: the table is not grown.
 *
 * Costs: the memory the hypervisor touches (entries, ops, copied pages,
 * all through map_domain_page) and the module's p2m updates; the core's
 * own bookkeeping (active entries, the maptrack) is not charged, as
 * nowhere else in the core, so that a recorded run replays exactly. */
#include <string.h>

#include "hv/hv_gnttab.h"
#include "hv/hv_gnttab_internal.h"
#include "hv/hv_internal.h"
#include "hv/hv_lib.h"
#include "sim/stats.h"

int hv_gnt_check_entry(uint16_t flags, uint16_t domid, uint16_t user, bool readonly)
{
    if ((flags & GTF_type_mask) != GTF_permit_access || domid != user)
        return GNTST_general_error;
    if (!readonly && (flags & GTF_readonly))
        return GNTST_general_error;   /* "Attempt to write-pin a r/o grant entry" */
    return GNTST_okay;
}

int hv_gnt_check_map_flags(uint32_t flags)
{
    if (!(flags & (GNTMAP_device_map | GNTMAP_host_map)))
        return GNTST_bad_gntref;
    /* Every Arm guest is translated (paging_mode_external). */
    if (flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
        return GNTST_general_error;
    return GNTST_okay;
}

int hv_gnt_check_copy_args(unsigned src_offset, unsigned dest_offset, unsigned len)
{
    if (src_offset + len > HV_PAGE_SIZE || dest_offset + len > HV_PAGE_SIZE)
        return GNTST_bad_copy_arg;
    return GNTST_okay;
}

/* ---- Guest memory ------------------------------------------------------- */

uint64_t hv_gnt_get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void hv_gnt_put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int hv_gnt_copy(struct hv_gnt_ctx *c, int d, uint64_t gpa, void *buf, uint64_t len,
                bool to_guest)
{
    int rc = hv_guest_copy(c->g, c->core, d, gpa, buf, len, to_guest);
    if (rc < HV_GUEST_MOD_ERR && !c->modrc)
        c->modrc = rc - HV_GUEST_MOD_ERR;
    return rc ? -1 : 0;
}

int hv_gnt_each_op(struct hv_guests *g, unsigned core, int d, uint64_t *r, unsigned size,
                   unsigned status_at, unsigned back_at, unsigned back_len, hv_gnt_op_fn one)
{
    struct hv_gnt_ctx c = {.g = g, .core = core, .ld = d};
    uint64_t uop = r[1], count = r[2];
    for (uint64_t i = 0; i < count; i++) {
        uint8_t op[HV_GNT_OP_MAX];
        uint64_t at = uop + i * size;
        if (hv_gnt_copy(&c, d, at, op, size, false)) {
            r[0] = (uint64_t)-HV_EFAULT;
            return c.modrc;
        }
        int st = one(&c, op);
        if (c.modrc)
            return c.modrc;
        if (st)
            g->gnttab.failures++;
        hv_gnt_put_le(op + status_at, (uint16_t)(int16_t)st, 2);
        if (hv_gnt_copy(&c, d, at + back_at, op + back_at, back_len, true)) {
            r[0] = (uint64_t)-HV_EFAULT;
            return c.modrc;
        }
    }
    r[0] = 0;
    return 0;
}

bool hv_gnt_frame_pa(const struct hv *hv, int d, uint64_t gpa, uint64_t *pa)
{
    const struct hv_domain_info *di = &hv->info.domains[d];
    uint64_t g = HV_GUEST_RAM0_BASE;
    for (unsigned i = 0; i < di->nstatic_mem; i++) {
        const struct hv_range *m = &di->static_mem[i];
        uint64_t base = di->direct_map ? m->base : g;
        if (gpa >= base && gpa - base < m->size && m->size - (gpa - base) >= HV_PAGE_SIZE) {
            *pa = m->base + (gpa - base);
            return true;
        }
        g += m->size;
    }
    return false;
}

int hv_gnt_domain_of(const struct hv *hv, int self, uint32_t domid)
{
    if (domid == HV_DOMID_SELF)
        return self;
    for (unsigned k = 0; k < hv->info.ndomains && k < HV_MAX_DOMAINS; k++)
        if (hv->info.domains[k].domid == domid)
            return (int)k;
    return -1;
}

/* ---- Entries ------------------------------------------------------------ */

/* An entry of domain rd's table: zero before the table is placed (Xen's
 * frame starts empty and the guest cannot write it yet). */
static int read_entry(struct hv_gnt_ctx *c, int rd, uint32_t ref, uint8_t e[HV_GNT_ENTRY_SIZE])
{
    const struct hv_gnt_domain *gd = &c->g->gnttab.dom[rd];
    memset(e, 0, HV_GNT_ENTRY_SIZE);
    if (!gd->placed)
        return 0;
    return hv_gnt_copy(c, rd, gd->table_gpa + (uint64_t)ref * HV_GNT_ENTRY_SIZE, e,
                       HV_GNT_ENTRY_SIZE, false);
}

static int write_flags(struct hv_gnt_ctx *c, int rd, uint32_t ref, uint16_t flags)
{
    const struct hv_gnt_domain *gd = &c->g->gnttab.dom[rd];
    uint8_t f[2];
    hv_gnt_put_le(f, flags, 2);
    return hv_gnt_copy(c, rd, gd->table_gpa + (uint64_t)ref * HV_GNT_ENTRY_SIZE, f, 2, true);
}

/* gnttab_clear_flags: a read-modify-write of the entry's flags (the guest
 * may have changed the others meanwhile). */
static void clear_flags(struct hv_gnt_ctx *c, int rd, uint32_t ref, uint16_t bits)
{
    const struct hv_gnt_domain *gd = &c->g->gnttab.dom[rd];
    uint8_t f[2];
    if (!gd->placed ||
        hv_gnt_copy(c, rd, gd->table_gpa + (uint64_t)ref * HV_GNT_ENTRY_SIZE, f, 2, false))
        return;
    (void)write_flags(c, rd, ref, (uint16_t)(hv_gnt_get_le(f, 2) & ~bits));
}

int hv_gnt_pin(struct hv_gnt_ctx *c, int rd, uint32_t ref, bool readonly, uint64_t *frame_pa)
{
    struct hv *hv = c->g->hv;
    uint16_t user = (uint16_t)hv->info.domains[c->ld].domid;
    if (ref >= HV_GNT_ENTRIES_PER_FRAME)
        return GNTST_bad_gntref;
    struct hv_gnt_active *act = &c->g->gnttab.dom[rd].act[ref];
    if (act->used && act->user_domid != user)
        return GNTST_general_error;   /* pinned for another domain */
    if (!act->used || (!readonly && !act->pin_write)) {
        /* _set_status_v1: the entry checked, GTF_reading (and GTF_writing)
         * set in the shared entry. */
        uint8_t e[HV_GNT_ENTRY_SIZE];
        if (read_entry(c, rd, ref, e))
            return GNTST_general_error;
        uint16_t flags = (uint16_t)hv_gnt_get_le(e, 2);
        int st = hv_gnt_check_entry(flags, (uint16_t)hv_gnt_get_le(e + 2, 2), user, readonly);
        if (st)
            return st;
        uint16_t set = (uint16_t)(GTF_reading | (readonly ? 0 : GTF_writing));
        if ((flags & set) != set && write_flags(c, rd, ref, (uint16_t)(flags | set)))
            return GNTST_general_error;
        if (!act->used) {
            /* get_paged_frame: the frame must be the granter's RAM; if not,
             * the flags just set are cleared again. */
            uint64_t pa;
            if (!hv_gnt_frame_pa(hv, rd, hv_gnt_get_le(e + 4, 4) << HV_PAGE_SHIFT, &pa)) {
                clear_flags(c, rd, ref, set);
                return GNTST_bad_page;
            }
            *act = (struct hv_gnt_active){.used = true, .user_domid = user, .frame_pa = pa};
        }
    }
    if (readonly)
        act->pin_read++;
    else
        act->pin_write++;
    *frame_pa = act->frame_pa;
    return GNTST_okay;
}

void hv_gnt_unpin(struct hv_gnt_ctx *c, int rd, uint32_t ref, bool readonly)
{
    if (ref >= HV_GNT_ENTRIES_PER_FRAME || !c->g->gnttab.dom[rd].act[ref].used)
        return;
    struct hv_gnt_active *act = &c->g->gnttab.dom[rd].act[ref];
    if (readonly && act->pin_read)
        act->pin_read--;
    else if (!readonly && act->pin_write)
        act->pin_write--;
    uint16_t bits = 0;
    if (!readonly && !act->pin_write)
        bits |= GTF_writing;
    if (!act->pin_write && !act->pin_read) {
        bits |= GTF_reading;
        act->used = false;
    }
    if (bits)
        clear_flags(c, rd, ref, bits);
}

/* ---- XENMEM_add_to_physmap(XENMAPSPACE_grant_table) --------------------- */

int hv_gnttab_place(struct hv_guests *g, unsigned core, int d, uint64_t gpfn)
{
    struct hv *hv = g->hv;
    struct hv_gnt_domain *gd = &g->gnttab.dom[d];
    uint64_t pa, old_pa = 0;
    if (gpfn > UINT64_MAX >> HV_PAGE_SHIFT || !hv_gnt_frame_pa(hv, d, gpfn << HV_PAGE_SHIFT, &pa))
        return -HV_EINVAL;
    if (gd->placed && !hv_gnt_frame_pa(hv, d, gd->table_gpa, &old_pa))
        return -HV_EINVAL;
    if (gd->placed && old_pa == pa)
        return 0;
    /* The new page mapped for the hypervisor and filled: zeros the first
     * time, the table's entries when it moves. */
    uint64_t va = pa, old_va = old_pa;
    hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
    int rc = hv_call_map_domain_page(hv, core, pa, &va);
    hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
    if (rc)
        return HV_GUEST_MOD_ERR + rc;
    g->map_domain_page_calls++;
    if (gd->placed) {
        hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
        rc = hv_call_map_domain_page(hv, core, old_pa, &old_va);
        hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
        if (rc == 0) {
            g->map_domain_page_calls++;
            rc = hv_core_copy(hv, core, va, old_va, HV_PAGE_SIZE);
            hv_acc_op_begin(hv, HV_OP_UNMAP_DOMAIN_PAGE);
            int rc2 = hv_call_unmap_domain_page(hv, core, old_va);
            hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc2);
            rc = rc ? rc : rc2;
        }
    } else {
        rc = hv_core_access(hv, core, va, NULL, HV_PAGE_SIZE, HV_ACCESS_ZERO);
    }
    hv_acc_op_begin(hv, HV_OP_UNMAP_DOMAIN_PAGE);
    int rc2 = hv_call_unmap_domain_page(hv, core, va);
    hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc2);
    rc = rc ? rc : rc2;
    if (rc)
        return HV_GUEST_MOD_ERR + rc;
    gd->placed = true;
    gd->table_gpa = gpfn << HV_PAGE_SHIFT;
    return 0;
}

uint64_t hv_gnttab_frame_gfn(const struct hv_guests *g, int d)
{
    const struct hv_gnt_domain *gd = &g->gnttab.dom[d];
    return gd->placed ? gd->table_gpa >> HV_PAGE_SHIFT : HV_INVALID_GFN;
}

/* ---- Figures -------------------------------------------------------------- */

void hv_gnttab_export(struct hv_guests *g)
{
    struct stats *s = g->hv->stats;
    const struct hv_gnttab *t = &g->gnttab;
    if (!s)
        return;
    static const struct {
        const char *name, *desc;
        size_t off;
    } rows[] = {
        {"hv.gnttab.maps", "grants mapped (GNTTABOP_map_grant_ref, GNTST_okay)",
         offsetof(struct hv_gnttab, maps)},
        {"hv.gnttab.unmaps", "grants unmapped (GNTTABOP_unmap_grant_ref, GNTST_okay)",
         offsetof(struct hv_gnttab, unmaps)},
        {"hv.gnttab.copies", "GNTTABOP_copy operations done", offsetof(struct hv_gnttab, copies)},
        {"hv.gnttab.copy_bytes", "bytes copied by GNTTABOP_copy",
         offsetof(struct hv_gnttab, copy_bytes)},
        {"hv.gnttab.failures", "grant operations answered with a GNTST_* error",
         offsetof(struct hv_gnttab, failures)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint64_t *ctr = stats_counter(s, rows[i].name, rows[i].desc);
        if (ctr)
            *ctr = *(const uint64_t *)(const void *)((const char *)t + rows[i].off);
    }
    uint64_t *peak = stats_counter(s, "hv.gnttab.regions_peak",
                                   "stage-2 regions of mapped grants held at once, all domains");
    if (peak)
        *peak = t->regions_peak;
    stats_summary_set(s, "grant_maps", (double)t->maps);
    stats_summary_set(s, "grant_unmaps", (double)t->unmaps);
    stats_summary_set(s, "grant_copies", (double)t->copies);
    stats_summary_set(s, "grant_regions_peak", (double)t->regions_peak);
}
