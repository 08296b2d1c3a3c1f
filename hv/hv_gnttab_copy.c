/* GNTTABOP_copy: the hypervisor copies bytes between two pages, each named
 * by a grant reference of a domain or, for the caller itself (DOMID_SELF),
 * by a guest frame number.  Both pages are mapped for the hypervisor with
 * map_domain_page (on the MPU module a transient region each, unless a
 * region of the running domain already covers the page), the bytes move
 * with one copy, both are unmapped.
 *
 * Xen's order of checks (common/grant_table.c gnttab_copy_one):
 *   - source then destination domain: a frame number of another domain
 *     than DOMID_SELF is GNTST_permission_denied, an unknown domain
 *     GNTST_bad_domain;
 *   - source then destination buffer: a grant pinned read-only for the
 *     source and writable for the destination for the duration of the
 *     copy (hv_gnt_pin: bad_gntref, general_error, bad_page), a frame
 *     number outside the caller's RAM GNTST_bad_page;
 *   - offset + len beyond the page on either side: GNTST_bad_copy_arg.
 * Xen keeps a buffer claimed across consecutive operations on the same
 * page; the model claims and releases both for every operation, so a
 * batch costs a map_domain_page pair per element.  Each element's status
 * is written back alone (the status field); the call returns 0, or -EFAULT
 * when an element cannot be read or its status written. */
#include "hv/hv_gnttab.h"
#include "hv/hv_gnttab_internal.h"
#include "hv/hv_internal.h"
#include "hv/hv_lib.h"

/* struct gnttab_copy on arm64: two struct gnttab_copy_ptr {union {ref,
 * xen_pfn_t gmfn} u; domid_t domid; uint16_t offset;} of 16 bytes, then
 * len, flags, status. */
enum { PTR_U = 0, PTR_DOMID = 8, PTR_OFFSET = 10, PTR_SIZE = 16 };
enum { COPY_SOURCE = 0, COPY_DEST = 16, COPY_LEN = 32, COPY_FLAGS = 34, COPY_STATUS = 36,
       COPY_SIZE = 40 };
_Static_assert(COPY_SIZE <= HV_GNT_OP_MAX, "a copy operation fits the loop's buffer");

/* One side of the copy once claimed. */
struct buf {
    int dom;                 /* domain index */
    bool gref;
    uint32_t ref;
    bool claimed;
    uint64_t pa;             /* the page */
    unsigned offset;
};

static int lock_domain(struct hv_gnt_ctx *c, const uint8_t *ptr, bool gref, struct buf *b)
{
    uint32_t domid = (uint32_t)hv_gnt_get_le(ptr + PTR_DOMID, 2);
    if (domid != HV_DOMID_SELF && !gref)
        return GNTST_permission_denied;   /* only DOMID_SELF may name a frame */
    b->dom = hv_gnt_domain_of(c->g->hv, c->ld, domid);
    b->gref = gref;
    b->offset = (unsigned)hv_gnt_get_le(ptr + PTR_OFFSET, 2);
    return b->dom < 0 ? GNTST_bad_domain : GNTST_okay;
}

static int claim(struct hv_gnt_ctx *c, const uint8_t *ptr, struct buf *b, bool readonly)
{
    if (b->gref) {
        b->ref = (uint32_t)hv_gnt_get_le(ptr + PTR_U, 4);
        int st = hv_gnt_pin(c, b->dom, b->ref, readonly, &b->pa);
        b->claimed = st == GNTST_okay;
        return st;
    }
    uint64_t gmfn = hv_gnt_get_le(ptr + PTR_U, 8);
    if (gmfn > UINT64_MAX >> HV_PAGE_SHIFT ||
        !hv_gnt_frame_pa(c->g->hv, b->dom, gmfn << HV_PAGE_SHIFT, &b->pa))
        return GNTST_bad_page;   /* get_paged_frame */
    b->claimed = true;
    return GNTST_okay;
}

static void release(struct hv_gnt_ctx *c, struct buf *b, bool readonly)
{
    if (b->claimed && b->gref)
        hv_gnt_unpin(c, b->dom, b->ref, readonly);
    b->claimed = false;
}

static int map_page(struct hv_gnt_ctx *c, uint64_t pa, uint64_t *va)
{
    struct hv *hv = c->g->hv;
    *va = pa;
    hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
    int rc = hv_call_map_domain_page(hv, c->core, pa, va);
    hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
    if (rc == 0)
        c->g->map_domain_page_calls++;
    return rc;
}

static int unmap_page(struct hv_gnt_ctx *c, uint64_t va)
{
    struct hv *hv = c->g->hv;
    hv_acc_op_begin(hv, HV_OP_UNMAP_DOMAIN_PAGE);
    int rc = hv_call_unmap_domain_page(hv, c->core, va);
    hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc);
    return rc;
}

/* map_domain_page of both pages, the copy, unmap_domain_page of both: 0 or
 * a module status. */
static int move_bytes(struct hv_gnt_ctx *c, const struct buf *src, const struct buf *dst,
                      unsigned len)
{
    uint64_t sva, dva;
    int rc = map_page(c, src->pa, &sva);
    if (rc)
        return rc;
    rc = map_page(c, dst->pa, &dva);
    if (rc == 0) {
        if (len)
            rc = hv_core_copy(c->g->hv, c->core, dva + dst->offset, sva + src->offset, len);
        int rc2 = unmap_page(c, dva);
        rc = rc ? rc : rc2;
    }
    int rc2 = unmap_page(c, sva);
    return rc ? rc : rc2;
}

static int copy_one(struct hv_gnt_ctx *c, uint8_t *op)
{
    unsigned flags = (unsigned)hv_gnt_get_le(op + COPY_FLAGS, 2);
    unsigned len = (unsigned)hv_gnt_get_le(op + COPY_LEN, 2);
    struct buf src = {0}, dst = {0};
    int st = lock_domain(c, op + COPY_SOURCE, flags & GNTCOPY_source_gref, &src);
    if (st == GNTST_okay)
        st = lock_domain(c, op + COPY_DEST, flags & GNTCOPY_dest_gref, &dst);
    if (st == GNTST_okay)
        st = claim(c, op + COPY_SOURCE, &src, true);
    if (st == GNTST_okay && !c->modrc)
        st = claim(c, op + COPY_DEST, &dst, false);
    if (st == GNTST_okay && !c->modrc)
        st = hv_gnt_check_copy_args(src.offset, dst.offset, len);
    if (st == GNTST_okay && !c->modrc) {
        int rc = move_bytes(c, &src, &dst, len);
        if (rc) {
            c->modrc = rc;
            st = GNTST_general_error;
        } else {
            c->g->gnttab.copies++;
            c->g->gnttab.copy_bytes += len;
        }
    }
    release(c, &dst, false);
    release(c, &src, true);
    return st;
}

int hv_gnttab_copy(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    return hv_gnt_each_op(g, core, d, r, COPY_SIZE, COPY_STATUS, COPY_STATUS, 2, copy_one);
}
