/* GNTTABOP_setup_table and GNTTABOP_query_size for a dom0less domain, with
 * the layouts of xen/include/public/grant_table.h on arm64; the other
 * grant-table commands are not modelled (-ENOSYS).
 *
 * The model keeps no grant-table state: every domain has Xen's initial
 * table of one frame and the default limit of 64 frames (gnttab_max_frames).
 * setup_table accepts up to that limit and answers INVALID_GFN for each
 * frame, as Xen on Arm does until the guest places the frames in its
 * physical map with XENMEM_add_to_physmap (not modelled); the table is not
 * grown, so query_size keeps reporting one frame. */
#include "hv/hv_hypercall_ops.h"
#include "hv/hv_internal.h"

enum { GNTTABOP_setup_table = 2, GNTTABOP_query_size = 6 };
enum { GNTST_okay = 0, GNTST_general_error = -1, GNTST_permission_denied = -8 };
#define DOMID_SELF 0x7FF0u
#define GNT_NR_FRAMES 1u          /* Xen's initial grant-table size */
#define GNT_MAX_FRAMES 64u        /* Xen's default max_grant_frames */
#define INVALID_GFN UINT64_MAX    /* xen_pfn_t with all bits set */

/* struct gnttab_setup_table: dom, nr_frames, status, then the frame_list
 * guest handle at the next 8-byte boundary.  struct gnttab_query_size:
 * dom, nr_frames, max_nr_frames, status. */
enum { SETUP_DOM = 0, SETUP_NR_FRAMES = 4, SETUP_STATUS = 8, SETUP_FRAME_LIST = 16, SETUP_SIZE = 24 };
enum { QUERY_DOM = 0, QUERY_NR_FRAMES = 4, QUERY_MAX_NR_FRAMES = 8, QUERY_STATUS = 12, QUERY_SIZE = 16 };

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

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
    return domid == DOMID_SELF || domid == g->hv->info.domains[d].domid;
}

static int setup_table(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    uint8_t op[SETUP_SIZE];
    int rc = copy(g, core, d, r[1], op, sizeof op, false, r);
    if (rc)
        return rc > 0 ? 0 : rc;
    unsigned domid = (unsigned)get_le(op + SETUP_DOM, 2);
    uint32_t nr = (uint32_t)get_le(op + SETUP_NR_FRAMES, 4);
    uint64_t list = get_le(op + SETUP_FRAME_LIST, 8);
    int16_t status = GNTST_okay;
    if (!own_domain(g, d, domid))
        status = GNTST_permission_denied;
    else if (nr > GNT_MAX_FRAMES)
        status = GNTST_general_error;
    for (uint32_t i = 0; status == GNTST_okay && i < nr; i++) {
        uint8_t gfn[8];
        put_le(gfn, INVALID_GFN, 8);
        rc = copy(g, core, d, list + 8ull * i, gfn, sizeof gfn, true, r);
        if (rc)
            return rc > 0 ? 0 : rc;
    }
    put_le(op + SETUP_STATUS, (uint16_t)status, 2);
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
    if (own_domain(g, d, (unsigned)get_le(op + QUERY_DOM, 2))) {
        put_le(op + QUERY_NR_FRAMES, GNT_NR_FRAMES, 4);
        put_le(op + QUERY_MAX_NR_FRAMES, GNT_MAX_FRAMES, 4);
        put_le(op + QUERY_STATUS, (uint16_t)GNTST_okay, 2);
    } else {
        put_le(op + QUERY_STATUS, (uint16_t)(int16_t)GNTST_permission_denied, 2);
    }
    rc = copy(g, core, d, r[1], op, sizeof op, true, r);
    if (rc)
        return rc > 0 ? 0 : rc;
    r[0] = 0;
    return 0;
}

int hv_grant_table_op(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    if (r[0] != GNTTABOP_setup_table && r[0] != GNTTABOP_query_size) {
        r[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
    if (r[2] != 1) {   /* Xen takes exactly one of these per call */
        r[0] = (uint64_t)-HV_EINVAL;
        return 0;
    }
    return r[0] == GNTTABOP_setup_table ? setup_table(g, core, d, r) : query_size(g, core, d, r);
}
