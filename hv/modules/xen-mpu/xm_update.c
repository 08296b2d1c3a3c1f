/* The one function every mapping change goes through (Xen's
 * xen_mpumap_update and the functions around it), slot allocation by policy, and the
 * way a region is disabled.
 *
 * Semantics, as upstream (reference section 5.4, and the 2025-11/2026-01
 * refcount and free_init_memory series):
 *   map, exact match (FOUND) or inside a region (INCLUSIVE):
 *     RO or XN differ   -> only on an exact, unreferenced region: the region
 *                          is modified in place (no reference taken);
 *                          otherwise refused.  RO/XN are compared first, so
 *                          an AttrIndx difference goes unnoticed then.
 *     AttrIndx differs  -> refused.
 *     same attributes   -> refcount + 1 (refused at 255).
 *   map, no region (NOTFOUND): a free slot is taken and written.
 *   map or unmap, partial overlap (OVERLAP): refused.
 *   unmap: refcount - 1 when above 0; else an exact match is disabled and
 *     freed, a containing region refused.
 *   Every success ends with DSB SY; ISB (context_sync_mpu). */
#include "hv/modules/xen-mpu/xen_mpu.h"

#define PRBAR_RO (1ull << 3)       /* AP[2] */
#define PRBAR_AP_EL1 (1ull << 2)   /* AP[1]: EL1&0 may access (stage 2) */

/* Device and non-cacheable memory is outer shareable, the rest inner: the
 * attribute indexes of the first kind, a bit each. */
#define XM_OUTER_ATTRS \
    ((1u << HV_ATTR_NORMAL_NC) | (1u << HV_ATTR_DEVICE_nGnRnE) | (1u << HV_ATTR_DEVICE_nGnRE))

/* Inline here: every mapping computes one. */
static inline uint64_t prbar_of(uint64_t base, uint32_t flags, bool p2m)
{
    unsigned ap = ((flags & HV_MAP_WRITE) ? 0u : 2u) | (unsigned)(p2m | !!(flags & HV_MAP_GUEST));
    unsigned xn = (flags & HV_MAP_EXEC) ? 0u : 2u;   /* XN[1], as Xen's _PAGE_XN */
    unsigned sh = (XM_OUTER_ATTRS >> HV_MAP_ATTR_OF(flags) & 1) ? MPU_SH_OUTER : MPU_SH_INNER;
    return mpu_prbar(base, sh, ap, xn);
}

uint64_t xm_prbar_of(uint64_t base, uint32_t flags, bool p2m)
{
    return prbar_of(base, flags, p2m);
}

uint64_t xm_prlar_of(uint64_t limit, uint32_t flags)
{
    return mpu_prlar(limit - 1, HV_MAP_ATTR_OF(flags), true);
}

/* The first slot below nslots that is in use, enabled and touches
 * [base, last], or nslots.  Xen reads every slot in order; a slot not in
 * use cannot match, so only the used ones are looked at: the same answer.
 * A disabled slot's kept range is empty, so it touches nothing. */
static unsigned scan_used(const struct xm_state *st, const struct xm_cpu *cpu, uint64_t base,
                          uint64_t last)
{
    for (unsigned w = 0; w * 64 < st->nslots; w++) {
        unsigned left = st->nslots - w * 64;   /* slots from w * 64 on */
        uint64_t bits = cpu->used[w] & (left >= 64 ? ~0ull : (1ull << left) - 1);
        for (; bits; bits &= bits - 1) {
            unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
            if (cpu->last[i] >= base && cpu->lo[i] <= last)
                return i;
        }
    }
    return st->nslots;
}

/* After a scan found nothing touching [base, last]: the free stretch
 * around it, between the nearest live ranges below and above (every used
 * slot, whatever nslots, so that the stretch holds for any count). */
static void measure_gap(struct xm_cpu *cpu, uint64_t base, uint64_t last)
{
    uint64_t lo = 0, hi = UINT64_MAX;
    for (unsigned w = 0; w < (XM_MAX_SLOTS + 63) / 64; w++)
        for (uint64_t bits = cpu->used[w]; bits; bits &= bits - 1) {
            unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
            if (cpu->lo[i] > cpu->last[i])
                continue;   /* not live: an empty range */
            if (cpu->last[i] < base)
                lo = cpu->last[i] + 1 > lo ? cpu->last[i] + 1 : lo;
            else if (cpu->lo[i] > last)
                hi = cpu->lo[i] - 1 < hi ? cpu->lo[i] - 1 : hi;
            else
                return;     /* touches after all (a slot above nslots) */
        }
    cpu->gap_valid = true;
    cpu->gap_lo = lo;
    cpu->gap_hi = hi;
    cpu->ninside = 0;
}

/* xm_first_touching, inline in the containment search: a transient
 * mapping in the free stretch (the common case) looks at a few slots. */
static inline unsigned first_touching(const struct xm_state *st, struct xm_cpu *cpu,
                                      uint64_t base, uint64_t last)
{
    if (cpu->gap_valid && base >= cpu->gap_lo && last <= cpu->gap_hi) {
        /* only the listed slots reach into the stretch */
        unsigned first = st->nslots;
        for (unsigned k = 0; k < cpu->ninside; k++) {
            unsigned i = cpu->inside[k];
            if (i < first && cpu->last[i] >= base && cpu->lo[i] <= last)
                first = i;
        }
        return first;
    }
    unsigned i = scan_used(st, cpu, base, last);
    if (i == st->nslots)
        measure_gap(cpu, base, last);
    return i;
}

unsigned xm_first_touching(const struct xm_state *st, struct xm_cpu *cpu, uint64_t base,
                           uint64_t last)
{
    return first_touching(st, cpu, base, last);
}

/* xm_contains on the table `cpu` of `core` the caller already holds;
 * inline in the update paths, which run once per mapping change. */
static inline enum xm_match contains(const struct xm_state *st, struct hv_hal *h,
                                     struct xm_cpu *cpu, unsigned core, uint64_t base,
                                     uint64_t limit, unsigned *idx)
{
    uint64_t last = limit - 1;
    enum xm_match m = XM_NOTFOUND;
    *idx = 0xFF;
    unsigned i = first_touching(st, cpu, base, last);
    if (i < st->nslots) {
        const struct xm_entry *e = &cpu->map[i];
        uint64_t b = xm_entry_lo(e), l = xm_entry_last(e);
        *idx = i;
        if (b == base && l == last)
            m = XM_FOUND;
        else if (base >= b && last <= l)
            m = XM_INCLUSIVE;
        else
            m = XM_OVERLAP;
    }
    /* charged as the scan Xen makes: up to the match, or every slot */
    hal_sw(h, core, i < st->nslots ? i + 1 : st->nslots);
    return m;
}

enum xm_match xm_contains(struct xm_state *st, struct hv_hal *h, unsigned core, uint64_t base,
                          uint64_t limit, unsigned *idx)
{
    return contains(st, h, &st->cpu[core], core, base, limit, idx);
}

static bool slot_free(const struct xm_cpu *cpu, unsigned s)
{
    return !cpu->map[s].in_use;
}

/* Slots a new region of class `cls` may take, in the order tried. */
static void pool(const struct xm_state *st, enum xm_class cls, unsigned *lo, unsigned *hi,
                 bool *down)
{
    *lo = 0;
    *hi = st->nslots;
    *down = false;
    switch (st->alloc) {
    case XM_ALLOC_FIRST_FIT:
        break;
    case XM_ALLOC_RESERVED:
        if (cls == XM_CLASS_GUEST)
            *lo = st->nslots - st->reserved;
        else
            *hi = st->nslots - st->reserved;
        break;
    case XM_ALLOC_PRENR:
        if (cls == XM_CLASS_GUEST)
            *hi = st->nslots < XM_PRENR_SLOTS ? st->nslots : XM_PRENR_SLOTS;
        else
            *down = true;   /* leave 0..31 to the guests */
        break;
    }
}

/* The lowest slot in [lo, hi) whose bit is clear in `used`, or -1. */
static int first_clear(const uint64_t *used, unsigned lo, unsigned hi)
{
    for (unsigned s = lo; s < hi; s = (s | 63) + 1) {
        uint64_t clear = ~used[s / 64] >> (s % 64);
        if (clear) {
            unsigned f = s + (unsigned)__builtin_ctzll(clear);
            return f < hi ? (int)f : -1;
        }
    }
    return -1;
}

/* The highest slot in [lo, hi) whose bit is clear in `used`, or -1. */
static int last_clear(const uint64_t *used, unsigned lo, unsigned hi)
{
    for (unsigned top = hi; top > lo; top = (top - 1) & ~63u) {
        unsigned t = top - 1;   /* the highest slot still to look at */
        uint64_t upto = t % 64 == 63 ? ~0ull : (1ull << (t % 64 + 1)) - 1;
        uint64_t clear = ~used[t / 64] & upto;
        if (clear) {
            unsigned f = (t & ~63u) + 63 - (unsigned)__builtin_clzll(clear);
            return f >= lo ? (int)f : -1;
        }
    }
    return -1;
}

/* find_first_zero_bit over the class's pool (last zero bit for prenr's
 * hypervisor regions) in the bitmap `used`.  The bitmap finds the slot at
 * once; the steps charged are those of Xen's slot-by-slot search. */
static inline int alloc_in(const struct xm_state *st, struct hv_hal *h, unsigned core,
                           enum xm_class cls, const uint64_t *used)
{
    unsigned lo, hi;
    bool down;
    pool(st, cls, &lo, &hi, &down);
    int found = down ? last_clear(used, lo, hi) : first_clear(used, lo, hi);
    unsigned steps = found < 0     ? (hi > lo ? hi - lo : 0)
                     : down        ? hi - (unsigned)found
                                   : (unsigned)found - lo + 1;
    hal_sw(h, core, steps);
    return found;
}

/* alloc_in over the slots free on every online CPU, so that a hypervisor
 * mapping gets one slot number everywhere. */
static int alloc_slot_all(struct xm_state *st, struct hv_hal *h, unsigned core,
                          enum xm_class cls)
{
    uint64_t used[(XM_MAX_SLOTS + 63) / 64];
    for (unsigned w = 0; w < (XM_MAX_SLOTS + 63) / 64; w++) {
        used[w] = 0;
        for (unsigned c = 0; c < HV_MAX_CORES; c++)
            if (xm_online(st, c))
                used[w] |= st->cpu[c].used[w];
    }
    return alloc_in(st, h, core, cls, used);
}

static void exhausted(struct xm_state *st, struct hv_hal *h, unsigned core,
                      const struct xm_req *rq)
{
    unsigned lo, hi;
    bool down;
    pool(st, rq->cls, &lo, &hi, &down);
    const char *which = "";
    if (st->alloc == XM_ALLOC_RESERVED)
        which = rq->cls == XM_CLASS_GUEST ? " of the guest block (alloc=reserved)"
                                          : " left to the hypervisor (alloc=reserved)";
    else if (st->alloc == XM_ALLOC_PRENR && rq->cls == XM_CLASS_GUEST)
        which = " among 0-31 that PRENR can switch (alloc=prenr)";
    h->ops->errorf(h, "no free EL2 MPU region for %s [0x%llx, 0x%llx) on core %u: all %u slots%s "
                   "are in use", rq->purpose ? rq->purpose : "a mapping",
                   (unsigned long long)rq->base, (unsigned long long)rq->limit, core, hi - lo,
                   which);
}

/* xm_write_entry from the table the caller holds. */
static inline void write_entry(struct hv_hal *h, const struct xm_cpu *cpu, unsigned core,
                               unsigned slot)
{
    const struct xm_entry *e = &cpu->map[slot];
    h->ops->mpu_write_region(h, core, 2, slot, e->prbar, e->prlar);
}

void xm_write_entry(struct xm_state *st, struct hv_hal *h, unsigned core, unsigned slot)
{
    write_entry(h, &st->cpu[core], core, slot);
}

/* disable_mpu_region_from_index.  Upstream tests (index & PRENR_MASK) != 0
 * with PRENR_MASK = GENMASK(31, 0), which holds for every index but 0, and
 * then clears bit `index` of PRENR: that works for 1..31 and does nothing
 * for 32 and above (reference section 5.5).  disable=prenr-upstream
 * reproduces it; the default rewrites PRLAR with EN clear. */
static void disable_slot(const struct xm_state *st, struct hv_hal *h, struct xm_cpu *cpu,
                         unsigned core, unsigned slot)
{
    const struct xm_entry *e = &cpu->map[slot];
    if (st->disable == XM_DISABLE_PRENR_UPSTREAM && slot != 0) {
        uint64_t v = hal_mpu_read(h, core, 2, HV_MPU_PRENR, 0);
        if (slot < 64)
            v &= ~(1ull << slot);
        hal_mpu_write(h, core, 2, HV_MPU_PRENR, 0, v);
    } else {
        h->ops->mpu_write_region(h, core, 2, slot, e->prbar, e->prlar & ~MPU_PRLAR_EN);
    }
    xm_clear_entry(cpu, slot);
}

/* The name the error messages give a request: computed by them only. */
static const char *what_of(const struct xm_req *rq)
{
    return rq->purpose ? rq->purpose : "mapping";
}

/* The outcomes of update_core other than a new region, each in a function
 * of its own (noinline) so that the common path, a mapping that takes a
 * free slot, carries none of their registers and messages. */

static __attribute__((noinline)) int refuse_overlap(struct hv_hal *h, const struct xm_cpu *cpu,
                                                    unsigned core, const struct xm_req *rq,
                                                    unsigned idx)
{
    const struct xm_entry *e = &cpu->map[idx];
    h->ops->errorf(h, "%s [0x%llx, 0x%llx) partially overlaps region %u [0x%llx, 0x%llx] (%s) "
                   "on core %u: partial overlaps are refused", what_of(rq),
                   (unsigned long long)rq->base, (unsigned long long)rq->limit, idx,
                   (unsigned long long)xm_entry_lo(e), (unsigned long long)xm_entry_last(e),
                   e->purpose ? e->purpose : "?", core);
    return HV_ERR_INVAL;
}

/* A map request for a range a region holds (FOUND or INCLUSIVE). */
static __attribute__((noinline)) int map_found(struct hv_hal *h, struct xm_cpu *cpu,
                                               unsigned core, const struct xm_req *rq,
                                               enum xm_match m, unsigned idx)
{
    uint64_t prbar = prbar_of(rq->base, rq->flags, rq->p2m);
    struct xm_entry *e = &cpu->map[idx];
    if ((e->prbar ^ prbar) & (PRBAR_RO | MPU_PRBAR_XN_MASK)) {
        if (m == XM_INCLUSIVE) {
            h->ops->errorf(h, "%s [0x%llx, 0x%llx): cannot change RO/XN of part of "
                           "region %u (%s)", what_of(rq), (unsigned long long)rq->base,
                           (unsigned long long)rq->limit, idx, e->purpose ? e->purpose : "?");
            return HV_ERR_INVAL;
        }
        if (e->refcount) {
            h->ops->errorf(h, "%s: cannot change RO/XN of region %u (%s): it is mapped "
                           "%u more time%s", what_of(rq), idx, e->purpose ? e->purpose : "?",
                           e->refcount, e->refcount == 1 ? "" : "s");
            return HV_ERR_INVAL;
        }
        if (!rq->modify && core == 0)
            h->ops->notef(h, "%s [0x%llx, 0x%llx) matches region %u (%s) exactly with "
                          "other RO/XN bits: as upstream, the region is modified in "
                          "place instead of referenced, and the unmap that follows "
                          "removes it", what_of(rq), (unsigned long long)rq->base,
                          (unsigned long long)rq->limit, idx, e->purpose ? e->purpose : "?");
        e->prbar = (e->prbar & ~(PRBAR_RO | MPU_PRBAR_XN_MASK)) |
                   (prbar & (PRBAR_RO | MPU_PRBAR_XN_MASK));
        xm_entry_changed(cpu, idx);
        write_entry(h, cpu, core, idx);
        hal_sync(h, core);
        return HV_OK;
    }
    if (((e->prlar >> MPU_PRLAR_ATTR_SHIFT) & 7) != HV_MAP_ATTR_OF(rq->flags)) {
        h->ops->errorf(h, "%s [0x%llx, 0x%llx): region %u (%s) has AttrIndx %u, the "
                       "mapping asks for %u: changing the memory attribute is refused",
                       what_of(rq), (unsigned long long)rq->base, (unsigned long long)rq->limit,
                       idx, e->purpose ? e->purpose : "?",
                       (unsigned)((e->prlar >> MPU_PRLAR_ATTR_SHIFT) & 7),
                       HV_MAP_ATTR_OF(rq->flags));
        return HV_ERR_INVAL;
    }
    if (e->refcount == 0xFF) {
        h->ops->errorf(h, "%s: the reference count of region %u (%s) would overflow",
                       what_of(rq), idx, e->purpose ? e->purpose : "?");
        return HV_ERR_INVAL;
    }
    e->refcount++;
    hal_sync(h, core);
    return HV_OK;
}

/* An unmap request (NOTFOUND, FOUND or INCLUSIVE). */
static __attribute__((noinline)) int unmap(const struct xm_state *st, struct hv_hal *h,
                                           struct xm_cpu *cpu, unsigned core,
                                           const struct xm_req *rq, enum xm_match m,
                                           unsigned idx)
{
    if (m == XM_NOTFOUND) {
        h->ops->errorf(h, "cannot remove %s [0x%llx, 0x%llx) on core %u: no region maps it",
                       what_of(rq), (unsigned long long)rq->base, (unsigned long long)rq->limit,
                       core);
        return HV_ERR_INVAL;
    }
    struct xm_entry *e = &cpu->map[idx];
    if (e->refcount) {
        e->refcount--;
        hal_sync(h, core);
        return HV_OK;
    }
    if (m == XM_INCLUSIVE) {
        h->ops->errorf(h, "cannot remove %s [0x%llx, 0x%llx): it is only part of region %u (%s)",
                       what_of(rq), (unsigned long long)rq->base, (unsigned long long)rq->limit,
                       idx, e->purpose ? e->purpose : "?");
        return HV_ERR_INVAL;
    }
    disable_slot(st, h, cpu, core, idx);
    hal_sync(h, core);
    return HV_OK;
}

static int update_core(struct xm_state *st, struct hv_hal *h, unsigned core,
                       const struct xm_req *rq, int preferred)
{
    struct xm_cpu *cpu = &st->cpu[core];
    unsigned idx;
    enum xm_match m = contains(st, h, cpu, core, rq->base, rq->limit, &idx);
    if (m == XM_OVERLAP)
        return refuse_overlap(h, cpu, core, rq, idx);
    if (!(rq->flags & HV_MAP_PRESENT))
        return unmap(st, h, cpu, core, rq, m, idx);
    if (m != XM_NOTFOUND)
        return map_found(h, cpu, core, rq, m, idx);
    /* NOTFOUND: a free slot takes the region */
    int slot = (preferred >= 0 && slot_free(cpu, (unsigned)preferred))
                   ? preferred
                   : alloc_in(st, h, core, rq->cls, cpu->used);
    if (slot < 0) {
        exhausted(st, h, core, rq);
        return HV_ERR_NOSPC;
    }
    /* live: xm_prlar_of sets EN */
    xm_put_live_entry(cpu, (unsigned)slot, (struct xm_entry){
        .prbar = prbar_of(rq->base, rq->flags, rq->p2m),
        .prlar = xm_prlar_of(rq->limit, rq->flags), .refcount = 0,
        .owner = (uint8_t)rq->owner, .in_use = true, .guest = rq->p2m, .domid = rq->domid,
        .purpose = rq->purpose,
    });
    hal_tag(h, core, (unsigned)slot, rq->owner, rq->domid);
    write_entry(h, cpu, core, (unsigned)slot);
    hal_sync(h, core);
    return HV_OK;
}

#define XM_WX (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_EXEC)

/* Why a request is refused (W+X first, then the range); only a refused
 * request gets here. */
static int bad_request(struct hv_hal *h, const struct xm_req *rq)
{
    if ((rq->flags & XM_WX) == XM_WX && !rq->p2m)
        h->ops->errorf(h, "%s [0x%llx, 0x%llx): mappings may not be both writable and "
                       "executable", what_of(rq), (unsigned long long)rq->base,
                       (unsigned long long)rq->limit);
    else
        h->ops->errorf(h, "%s [0x%llx, 0x%llx): expected a non-empty, 4 KiB-aligned range",
                       what_of(rq), (unsigned long long)rq->base, (unsigned long long)rq->limit);
    return HV_ERR_INVAL;
}

static inline int check_request(struct hv_hal *h, const struct xm_req *rq)
{
    if (((rq->flags & XM_WX) == XM_WX && !rq->p2m) || rq->base >= rq->limit ||
        ((rq->base | rq->limit) & (HV_PAGE_SIZE - 1)))
        return bad_request(h, rq);
    return HV_OK;
}

int xm_update(struct xm_state *st, struct hv_hal *h, unsigned core, const struct xm_req *rq)
{
    int rc = check_request(h, rq);
    if (rc)
        return rc;
    if (core >= HV_MAX_CORES || !xm_online(st, core)) {
        h->ops->errorf(h, "core %u is not online", core);
        return HV_ERR_INTERNAL;
    }
    return update_core(st, h, core, rq, -1);
}

/* A hypervisor mapping: every online CPU, one slot number where it is free
 * on all of them. */
int xm_update_all(struct xm_state *st, struct hv_hal *h, const struct xm_req *rq)
{
    int rc = check_request(h, rq);
    if (rc)
        return rc;
    int preferred = -1;
    unsigned first = 0;
    while (first < HV_MAX_CORES && !xm_online(st, first))
        first++;
    if (first == HV_MAX_CORES) {
        h->ops->errorf(h, "no CPU is online");
        return HV_ERR_INTERNAL;
    }
    if (rq->flags & HV_MAP_PRESENT) {
        unsigned idx;
        if (xm_contains(st, h, first, rq->base, rq->limit, &idx) == XM_NOTFOUND)
            preferred = alloc_slot_all(st, h, first, rq->cls);
    }
    for (unsigned c = 0; c < HV_MAX_CORES; c++) {
        if (!xm_online(st, c))
            continue;
        rc = update_core(st, h, c, rq, preferred);
        if (rc)
            return rc;
    }
    return HV_OK;
}

/* destroy_xen_mapping_containing: the region holding the page at `addr`
 * loses a reference, or goes when it has none (whatever its size). */
int xm_destroy_containing(struct xm_state *st, struct hv_hal *h, unsigned core, uint64_t addr)
{
    uint64_t page = addr & ~(HV_PAGE_SIZE - 1);
    struct xm_cpu *cpu = &st->cpu[core];
    unsigned idx;
    enum xm_match m = contains(st, h, cpu, core, page, page + HV_PAGE_SIZE, &idx);
    if (m == XM_NOTFOUND || m == XM_OVERLAP) {
        h->ops->errorf(h, "unmap of 0x%llx on core %u: no region contains it",
                       (unsigned long long)addr, core);
        return HV_ERR_INVAL;
    }
    struct xm_entry *e = &cpu->map[idx];
    if (e->refcount)
        e->refcount--;
    else
        disable_slot(st, h, cpu, core, idx);
    hal_sync(h, core);
    return HV_OK;
}

/* pr_set_base / pr_set_limit on the region that maps [base, limit)
 * exactly, on every online CPU; the caller synchronizes. */
int xm_set_base_limit(struct xm_state *st, struct hv_hal *h, uint64_t base, uint64_t limit,
                      uint64_t new_base, uint64_t new_limit)
{
    for (unsigned c = 0; c < HV_MAX_CORES; c++) {
        if (!xm_online(st, c))
            continue;
        unsigned idx;
        if (xm_contains(st, h, c, base, limit, &idx) != XM_FOUND) {
            h->ops->errorf(h, "no region maps [0x%llx, 0x%llx) exactly on core %u",
                           (unsigned long long)base, (unsigned long long)limit, c);
            return HV_ERR_INTERNAL;
        }
        struct xm_entry *e = &st->cpu[c].map[idx];
        e->prbar = (e->prbar & ~MPU_ADDR_MASK) | (new_base & MPU_ADDR_MASK);
        e->prlar = (e->prlar & ~MPU_ADDR_MASK) | ((new_limit - 1) & MPU_ADDR_MASK);
        xm_entry_changed(&st->cpu[c], idx);
        xm_write_entry(st, h, c, idx);
    }
    return HV_OK;
}
