/* grant_table_op for a dom0less domain, with the layouts of
 * xen/include/public/grant_table.h on arm64 (v1 entries):
 *
 *   map_grant_ref (0), unmap_grant_ref (1)  hv_gnttab_map.c
 *   copy (5)                                hv_gnttab_copy.c
 *   setup_table (2), query_size (6)         here
 *   the rest                                -ENOSYS (not modelled)
 *
 * The state behind them is in hv_gnttab.c: each domain's table is one
 * frame (512 entries) that the guest places in its own memory with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table, 0, gpfn) (hv_memory_op.c),
 * as a Linux guest on Arm does; the model reads and updates entries there
 * through map_domain_page.  Xen's default limit of 64 frames is reported,
 * but the table is never grown: setup_table accepts up to the limit and
 * answers the placed frame's gfn for frame 0 and INVALID_GFN for the
 * others (Xen on Arm answers INVALID_GFN for frames not in the physical
 * map), and query_size keeps reporting one frame.
 *
 * Like Xen, a count that is negative as an int is -EINVAL, setup_table and
 * query_size take exactly one element, and an unreadable argument is
 * -EFAULT; per-element failures are GNTST_* statuses in the elements. */
#include "hv/hv_gnttab.h"
#include "hv/hv_gnttab_internal.h"
#include "hv/hv_hypercall_ops.h"
#include "hv/hv_internal.h"

enum {
    GNTTABOP_map_grant_ref = 0,
    GNTTABOP_unmap_grant_ref = 1,
    GNTTABOP_setup_table = 2,
    GNTTABOP_copy = 5,
    GNTTABOP_query_size = 6,
};
#define GNT_NR_FRAMES 1u          /* the model's table: one frame */
#define GNT_MAX_FRAMES 64u        /* Xen's default max_grant_frames */

/* struct gnttab_setup_table: dom, nr_frames, status, then the frame_list
 * guest handle at the next 8-byte boundary.  struct gnttab_query_size:
 * dom, nr_frames, max_nr_frames, status. */
enum { SETUP_DOM = 0, SETUP_NR_FRAMES = 4, SETUP_STATUS = 8, SETUP_FRAME_LIST = 16, SETUP_SIZE = 24 };
enum { QUERY_DOM = 0, QUERY_NR_FRAMES = 4, QUERY_MAX_NR_FRAMES = 8, QUERY_STATUS = 12, QUERY_SIZE = 16 };

/* A guest copy's status: 0, 1 for -EFAULT (already in r[0]), or a module
 * status (negative) to pass on. */
static int copy(struct hv_guests *g, unsigned core, int d, uint64_t gpa, void *buf, uint64_t len,
                bool to_guest, uint64_t *r)
{
    int rc = hv_guest_copy(g, core, d, gpa, buf, len, to_guest);
    if (rc < HV_GUEST_MOD_ERR)
        return rc - HV_GUEST_MOD_ERR;
    if (rc) {
        r[0] = (uint64_t)-HV_EFAULT;
        return 1;
    }
    return 0;
}

static bool own_domain(const struct hv_guests *g, int d, unsigned domid)
{
    return domid == HV_DOMID_SELF || domid == g->hv->info.domains[d].domid;
}

static int setup_table(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    uint8_t op[SETUP_SIZE];
    int rc = copy(g, core, d, r[1], op, sizeof op, false, r);
    if (rc)
        return rc > 0 ? 0 : rc;
    unsigned domid = (unsigned)hv_gnt_get_le(op + SETUP_DOM, 2);
    uint32_t nr = (uint32_t)hv_gnt_get_le(op + SETUP_NR_FRAMES, 4);
    uint64_t list = hv_gnt_get_le(op + SETUP_FRAME_LIST, 8);
    int16_t status = GNTST_okay;
    if (!own_domain(g, d, domid))
        status = GNTST_permission_denied;
    else if (nr > GNT_MAX_FRAMES)
        status = GNTST_general_error;
    for (uint32_t i = 0; status == GNTST_okay && i < nr; i++) {
        uint8_t gfn[8];
        hv_gnt_put_le(gfn, i == 0 ? hv_gnttab_frame_gfn(g, d) : HV_INVALID_GFN, 8);
        rc = copy(g, core, d, list + 8ull * i, gfn, sizeof gfn, true, r);
        if (rc)
            return rc > 0 ? 0 : rc;
    }
    hv_gnt_put_le(op + SETUP_STATUS, (uint16_t)status, 2);
    rc = copy(g, core, d, r[1] + SETUP_STATUS, op + SETUP_STATUS, 2, true, r);
    if (rc)
        return rc > 0 ? 0 : rc;
    r[0] = 0;
    return 0;
}

static int query_size(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    uint8_t op[QUERY_SIZE];
    int rc = copy(g, core, d, r[1], op, sizeof op, false, r);
    if (rc)
        return rc > 0 ? 0 : rc;
    if (own_domain(g, d, (unsigned)hv_gnt_get_le(op + QUERY_DOM, 2))) {
        hv_gnt_put_le(op + QUERY_NR_FRAMES, GNT_NR_FRAMES, 4);
        hv_gnt_put_le(op + QUERY_MAX_NR_FRAMES, GNT_MAX_FRAMES, 4);
        hv_gnt_put_le(op + QUERY_STATUS, (uint16_t)GNTST_okay, 2);
    } else {
        hv_gnt_put_le(op + QUERY_STATUS, (uint16_t)(int16_t)GNTST_permission_denied, 2);
    }
    rc = copy(g, core, d, r[1], op, sizeof op, true, r);
    if (rc)
        return rc > 0 ? 0 : rc;
    r[0] = 0;
    return 0;
}

int hv_grant_table_op(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    uint64_t cmd = r[0];
    if (cmd != GNTTABOP_map_grant_ref && cmd != GNTTABOP_unmap_grant_ref &&
        cmd != GNTTABOP_setup_table && cmd != GNTTABOP_copy && cmd != GNTTABOP_query_size) {
        r[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
    /* do_grant_table_op: the count is an unsigned int, refused when
     * negative as an int. */
    if ((int32_t)(uint32_t)r[2] < 0) {
        r[0] = (uint64_t)-HV_EINVAL;
        return 0;
    }
    r[2] = (uint32_t)r[2];
    switch (cmd) {
    case GNTTABOP_map_grant_ref: return hv_gnttab_map(g, core, d, r);
    case GNTTABOP_unmap_grant_ref: return hv_gnttab_unmap(g, core, d, r);
    case GNTTABOP_copy: return hv_gnttab_copy(g, core, d, r);
    default:
        break;
    }
    if (r[2] != 1) {   /* Xen takes exactly one of these per call */
        r[0] = (uint64_t)-HV_EINVAL;
        return 0;
    }
    return cmd == GNTTABOP_setup_table ? setup_table(g, core, d, r) : query_size(g, core, d, r);
}
