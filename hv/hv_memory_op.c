/* XENMEM_increase_reservation, XENMEM_decrease_reservation and
 * XENMEM_populate_physmap for dom0less static-memory domains, as Xen's
 * common/memory.c treats them (facts from xen/include/public/memory.h).
 *
 * A static-memory domain owns all its pages from boot: nothing is ever
 * allocated or freed in hardware, and on the MPU module the domain's stage-2
 * regions cover its static banks whatever the guest asks, so these calls
 * only validate, read the guest's extent list and count.
 *   - populate_physmap of gfns inside the domain's RAM succeeds (the pages
 *     are already backed); the first extent outside stops the call.
 *   - decrease_reservation "drops" the extents inside the domain's RAM (Xen
 *     would hand them back to the domain's reserved list); the MPU regions
 *     are left as they are.
 *   - increase_reservation completes no extent: a static domain has no pool
 *     beyond its banks, which are all assigned at boot.
 * Like Xen, a call that stops part-way returns the number of extents done
 * so far (0 included), not an errno, and so does an extent list that is not
 * wholly in the domain's memory (nothing done); only an unreadable
 * reservation (-EFAULT), a foreign domain (-EPERM) or an unmodelled command
 * (-ENOSYS) give a negative errno.  The extents done are the result; the
 * model keeps no per-domain page counts.
 *
 * XENMEM_add_to_physmap places a domain's grant-table frame
 * (XENMAPSPACE_grant_table, index 0) at a guest frame; why that frame is a
 * page of the domain's own static memory, and what happens to it, is in
 * hv_gnttab.c.  Errors as Xen's do_memory_op and Arm's
 * xenmem_add_to_physmap_one give them: a start extent above 16 bits is
 * -EDOM, an unreadable argument -EFAULT, XENMAPSPACE_gmfn_foreign -ENOSYS
 * (add_to_physmap_batch only), an unknown domain -ESRCH, another existing
 * domain -EPERM (a domU is not privileged over it), the status frames of a
 * v1 table and an index beyond the table -EINVAL (Xen would grow the
 * table up to its 64 frames; the model's has one), the other spaces
 * (shared_info, gmfn, gmfn_range, dev_mmio) -ENOSYS: not modelled.  A
 * guest frame outside the domain's RAM is -EINVAL: the model has no frame
 * of its own to put there. */
#include "hv/hv_gnttab.h"
#include "hv/hv_hypercall_ops.h"
#include "hv/hv_internal.h"
#include "hv/hv_lib.h"

enum {
    XENMEM_increase_reservation = 0,
    XENMEM_decrease_reservation = 1,
    XENMEM_populate_physmap = 6,
    XENMEM_add_to_physmap = 7,
};
enum { XENMAPSPACE_grant_table = 1, XENMAPSPACE_gmfn_foreign = 4 };
#define XEN_ESRCH 3
#define XEN_EDOM 33
#define MEMOP_EXTENT_SHIFT 6                  /* start extent above the command */
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)
#define DOMID_SELF 0x7FF0u
#define DOMU_MAX_ORDER 9                      /* Xen's CONFIG_DOMU_MAX_ORDER default */
#define XEN_EPERM 1

/* struct xen_memory_reservation on arm64: a guest handle is a 64-bit
 * pointer, xen_ulong_t is 64-bit, xen_pfn_t is 64-bit. */
enum {
    RES_EXTENT_START = 0,   /* XEN_GUEST_HANDLE(xen_pfn_t) */
    RES_NR_EXTENTS = 8,     /* xen_ulong_t */
    RES_EXTENT_ORDER = 16,  /* unsigned int */
    RES_MEM_FLAGS = 20,     /* unsigned int */
    RES_DOMID = 24,         /* domid_t (uint16_t) */
    RES_SIZE = 32,          /* padded to 8 bytes */
};

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Whether guest bytes [gpa, gpa + len) lie in one bank of domain d's RAM
 * (at the host addresses when direct-mapped, else from GUEST_RAM0_BASE). */
static bool in_domain_ram(const struct hv *hv, int d, uint64_t gpa, uint64_t len)
{
    const struct hv_domain_info *di = &hv->info.domains[d];
    uint64_t g = HV_GUEST_RAM0_BASE;
    for (unsigned i = 0; i < di->nstatic_mem; i++) {
        const struct hv_range *m = &di->static_mem[i];
        uint64_t base = di->direct_map ? m->base : g;
        if (gpa >= base && gpa - base < m->size && len <= m->size - (gpa - base))
            return true;
        g += m->size;
    }
    return false;
}

static bool extent_in_domain(const struct hv *hv, int d, uint64_t gfn, unsigned order)
{
    const uint64_t pages = 1ull << order;
    if (gfn & (pages - 1) || gfn > UINT64_MAX / HV_PAGE_SIZE - pages)
        return false;
    return in_domain_ram(hv, d, gfn * HV_PAGE_SIZE, pages * HV_PAGE_SIZE);
}

/* Walk the extent list from `start`: each entry read with copy_from_guest
 * (one map_domain_page), each extent checked against the domain's RAM. */
static int walk_extents(struct hv_guests *g, unsigned core, int d, uint64_t list,
                        uint64_t start, uint64_t nr, unsigned order, uint64_t *done)
{
    *done = start;
    for (uint64_t i = start; i < nr; i++) {
        uint8_t raw[8];
        int rc = hv_guest_copy(g, core, d, list + i * 8, raw, sizeof raw, false);
        if (rc < HV_GUEST_MOD_ERR)
            return rc - HV_GUEST_MOD_ERR;
        if (rc)
            return 0;
        if (!extent_in_domain(g->hv, d, get_le(raw, 8), order))
            return 0;
        *done = i + 1;
    }
    return 0;
}

/* struct xen_add_to_physmap on arm64. */
enum { ATP_DOMID = 0, ATP_SIZE = 2, ATP_SPACE = 4, ATP_IDX = 8, ATP_GPFN = 16, ATP_BYTES = 24 };

static int add_to_physmap(struct hv_guests *g, unsigned core, int d, uint64_t start, uint64_t *r)
{
    if (start > 0xFFFF) {   /* the start extent must fit xatp.size */
        r[0] = (uint64_t)-XEN_EDOM;
        return 0;
    }
    uint8_t atp[ATP_BYTES];
    int rc = hv_guest_copy(g, core, d, r[1], atp, sizeof atp, false);
    if (rc < HV_GUEST_MOD_ERR)
        return rc - HV_GUEST_MOD_ERR;
    if (rc) {
        r[0] = (uint64_t)-HV_EFAULT;
        return 0;
    }
    const struct hv *hv = g->hv;
    unsigned domid = (unsigned)get_le(atp + ATP_DOMID, 2);
    unsigned space = (unsigned)get_le(atp + ATP_SPACE, 4);
    uint64_t idx = get_le(atp + ATP_IDX, 8), gpfn = get_le(atp + ATP_GPFN, 8);
    long res = 0;
    bool known = domid == DOMID_SELF;
    for (unsigned k = 0; k < hv->info.ndomains && !known; k++)
        known = hv->info.domains[k].domid == domid;
    if (space == XENMAPSPACE_gmfn_foreign)
        res = -HV_ENOSYS;
    else if (!known)
        res = -XEN_ESRCH;
    else if (domid != DOMID_SELF && domid != hv->info.domains[d].domid)
        res = -XEN_EPERM;
    else if (space != XENMAPSPACE_grant_table)
        res = -HV_ENOSYS;
    else if (idx != 0)   /* the status frames of v1, or beyond the one frame */
        res = -HV_EINVAL;
    else if ((rc = hv_gnttab_place(g, core, d, gpfn)) < HV_GUEST_MOD_ERR)
        return rc - HV_GUEST_MOD_ERR;
    else
        res = rc;
    r[0] = (uint64_t)res;
    return 0;
}

int hv_memory_op(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    unsigned cmd = (unsigned)(r[0] & MEMOP_CMD_MASK);
    uint64_t start = r[0] >> MEMOP_EXTENT_SHIFT;
    if (cmd == XENMEM_add_to_physmap)
        return add_to_physmap(g, core, d, start, r);
    if (cmd != XENMEM_increase_reservation && cmd != XENMEM_decrease_reservation &&
        cmd != XENMEM_populate_physmap) {
        r[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
    uint8_t res[RES_SIZE];
    int rc = hv_guest_copy(g, core, d, r[1], res, sizeof res, false);
    if (rc < HV_GUEST_MOD_ERR)
        return rc - HV_GUEST_MOD_ERR;
    if (rc) {
        r[0] = (uint64_t)-HV_EFAULT;
        return 0;
    }
    uint64_t list = get_le(res + RES_EXTENT_START, 8);
    uint64_t nr = get_le(res + RES_NR_EXTENTS, 8);
    unsigned order = (unsigned)get_le(res + RES_EXTENT_ORDER, 4);
    unsigned domid = (unsigned)get_le(res + RES_DOMID, 2);
    if (domid != DOMID_SELF && domid != g->hv->info.domains[d].domid) {
        r[0] = (uint64_t)-XEN_EPERM;   /* a domU may not change another domain */
        return 0;
    }
    /* Xen: a start at or beyond the end, a too-large order or a list
     * [start, nr) not wholly in guest memory (its guest_handle_subrange_okay
     * check) complete nothing more and return the start. */
    uint64_t done = start;
    if (start >= nr || order > DOMU_MAX_ORDER || cmd == XENMEM_increase_reservation ||
        nr > (UINT64_MAX - list) / 8 || !in_domain_ram(g->hv, d, list + start * 8, (nr - start) * 8)) {
        r[0] = start;
        return 0;
    }
    rc = walk_extents(g, core, d, list, start, nr, order, &done);
    if (rc)
        return rc;
    r[0] = done;
    return 0;
}
