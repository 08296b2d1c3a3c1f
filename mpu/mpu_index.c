/* The search structure behind the hit cache.
 *
 * At each synchronization that changes the regions, the address space is cut
 * into segments in which the set of matching enabled regions does not
 * change; each segment is labelled with its single region, "none" or
 * "overlap".  The segments cover the whole 64-bit space, so a lookup always
 * finds exactly one, and an overlap is detected without comparing regions
 * at lookup time.  A bucket table over the span of the region boundaries
 * narrows the search to the few segments of one bucket, so a miss costs a
 * handful of compares whatever the region count. */
#include <stdlib.h>

#include "mpu/mpu_internal.h"

/* Misses served by a scan before a stale index is rebuilt. */
#define MPU_STALE_SCANS 4

struct boundary {
    uint64_t pos;
    int delta;        /* +1 region starts at pos, -1 region ended at pos - 1 */
    unsigned slot;
};

static int cmp_boundary(const void *a, const void *b)
{
    const struct boundary *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void build_segments(struct mpu *mpu)
{
    struct mpu_index *ix = &mpu->index;
    _Static_assert(MPU_MAX_SEGMENTS <= 0xFFFF, "bucket_first holds segment numbers");
    struct boundary b[2 * MPU_MAX_REGIONS];
    unsigned nb = 0;
    for (unsigned i = 0; i < mpu->nregions; i++) {
        const struct mpu_region *r = &mpu->effective[i];
        if (!mpu_region_enabled(r) || mpu_region_lo(r) > mpu_region_hi(r))
            continue;
        /* hi is at most 2^48 - 1, so hi + 1 cannot wrap */
        b[nb++] = (struct boundary){mpu_region_lo(r), +1, i};
        b[nb++] = (struct boundary){mpu_region_hi(r) + 1, -1, i};
    }
    /* Few regions: an insertion sort beats qsort's call overhead, and slots
     * tend to be programmed in address order anyway. */
    if (nb <= 64) {
        for (unsigned i = 1; i < nb; i++) {
            struct boundary x = b[i];
            unsigned j = i;
            for (; j > 0 && b[j - 1].pos > x.pos; j--)
                b[j] = b[j - 1];
            b[j] = x;
        }
    } else {
        qsort(b, nb, sizeof b[0], cmp_boundary);
    }

    ix->nseg = 1;
    ix->start[0] = 0;
    ix->region[0] = MPU_SEG_NONE;
    /* While exactly one region is active, the sum of the active slots is
     * that slot: no set needs to be kept. */
    int active = 0;
    long sum = 0;
    for (unsigned i = 0; i < nb;) {
        uint64_t pos = b[i].pos;
        for (; i < nb && b[i].pos == pos; i++) {
            active += b[i].delta;
            sum += b[i].delta * (long)b[i].slot;
        }
        int16_t label = active == 0 ? MPU_SEG_NONE
                      : active == 1 ? (int16_t)sum
                                    : MPU_SEG_OVERLAP;
        if (pos == 0) {
            ix->region[0] = label;
        } else if (label != ix->region[ix->nseg - 1]) {
            ix->start[ix->nseg] = pos;
            ix->region[ix->nseg] = label;
            ix->nseg++;
        }
    }
}

static void build_buckets(struct mpu_index *ix)
{
    /* Buckets span [start[1], start[nseg-1]]; below is segment 0, above is
     * the last segment. */
    uint64_t base = ix->nseg > 1 ? ix->start[1] : 0;
    uint64_t span = ix->start[ix->nseg - 1] - base;
    /* Few segments need few buckets; a rebuild then costs little, which
     * matters to a hypervisor that reprograms regions at every map. */
    unsigned nbuckets = 4;
    while (nbuckets < 4 * ix->nseg && nbuckets < MPU_INDEX_BUCKETS)
        nbuckets *= 2;
    ix->nbuckets = nbuckets;
    unsigned shift = 0;
    while ((span >> shift) >= nbuckets)
        shift++;
    ix->bucket_base = base;
    ix->bucket_shift = shift;
    unsigned seg = 0;
    for (unsigned k = 0; k < nbuckets; k++) {
        uint64_t a = base + ((uint64_t)k << shift);
        while (seg + 1 < ix->nseg && ix->start[seg + 1] <= a)
            seg++;
        ix->bucket_first[k] = (uint16_t)seg;
    }
    ix->bucket_first[nbuckets] = (uint16_t)(ix->nseg - 1);
}

void mpu_index_build(struct mpu *mpu)
{
    build_segments(mpu);
    build_buckets(&mpu->index);
    mpu->index_stale = false;
}

const struct mpu_index *mpu_segments(struct mpu *mpu)
{
    if (mpu->index_stale)
        mpu_index_build(mpu);
    return &mpu->index;
}

/* The segment holding `addr`: the last one whose start is <= addr. */
unsigned mpu_index_find(const struct mpu_index *ix, uint64_t addr)
{
    if (addr < ix->bucket_base)
        return 0;
    uint64_t k = (addr - ix->bucket_base) >> ix->bucket_shift;
    if (k >= ix->nbuckets)
        return ix->nseg - 1;
    unsigned lo = ix->bucket_first[k], hi = ix->bucket_first[k + 1];
    /* Answer in [lo, hi].  Usually one or two steps; regions clustered in
     * one bucket fall back to a branch-free binary search. */
    if (hi - lo <= 4) {
        while (lo < hi && ix->start[lo + 1] <= addr)
            lo++;
        return lo;
    }
    unsigned n = hi - lo + 1;
    const uint64_t *p = &ix->start[lo];
    while (n > 1) {
        unsigned half = n / 2;
        p = p[half] <= addr ? p + half : p;
        n -= half;
    }
    return (unsigned)(p - ix->start);
}

/* The segment around `addr` found by looking at every enabled region: its
 * label, and the nearest region boundaries on either side.  For a segment
 * of no region or of one region this is exactly the index's segment; an
 * overlap may come out narrower (the index merges neighbouring overlaps),
 * which only makes the cache entry cover less.
 *
 * The boundaries of a region are its first byte and the byte after its
 * last.  Nothing here depends on the order the regions are visited in (a
 * maximum, a minimum, a count, and a slot that only matters when it is
 * the one match), so the packed list serves.  The loop body has no
 * data-dependent branch: the regions of a hypervisor's MPU sit on both
 * sides of most addresses, and branches on the comparisons would
 * mispredict about half the time. */
static void scan_segment(const struct mpu *mpu, uint64_t addr, struct mpu_cache_entry *e)
{
    uint64_t lo = 0;              /* highest boundary at or below addr */
    uint64_t next = UINT64_MAX;   /* lowest boundary above addr, minus 1 */
    unsigned matches = 0, match = 0;
    for (unsigned k = 0; k < mpu->dense_n; k++) {
        uint64_t rlo = mpu->dense_lo[k], rend = mpu->dense_end[k];
        /* A boundary above addr is kept as (boundary - 1), so that
         * UINT64_MAX stands for "unbounded" and one min does. */
        uint64_t b1 = rlo <= addr ? rlo : 0, b2 = rend <= addr ? rend : 0;
        uint64_t n1 = rlo > addr ? rlo - 1 : UINT64_MAX;
        uint64_t n2 = rend > addr ? rend - 1 : UINT64_MAX;
        lo = b1 > lo ? b1 : lo;
        lo = b2 > lo ? b2 : lo;
        next = n1 < next ? n1 : next;
        next = n2 < next ? n2 : next;
        bool in = rlo <= addr && addr < rend;
        matches += in;
        match = in ? k : match;
    }
    e->lo = lo;
    e->span = next - lo;
    e->region = (int16_t)(matches == 0   ? MPU_SEG_NONE
                          : matches == 1 ? (int)mpu->dense_slot[match]
                                         : MPU_SEG_OVERLAP);
}

/* Whether the segment [e->lo, e->lo + e->span] is what a scan would find
 * again after changes within [lo, hi]: they neither cover it nor have a
 * boundary in it or at its ends (a region that ends just below it, or
 * starts just above it, may have been what ended it).  An empty entry and
 * an overlap (which a scan may cut narrower) never are. */
static bool untouched(const struct mpu_cache_entry *e, uint64_t lo, uint64_t hi)
{
    if ((e->lo == UINT64_MAX && e->span == 0) || e->region == MPU_SEG_OVERLAP)
        return false;
    uint64_t last = e->lo + e->span;
    return lo > hi || hi + 1 < e->lo || (lo > last && lo - last > 1);
}

/* A kept data segment holding `addr` that no change came near, into `e`. */
static bool take_kept(const struct mpu *mpu, uint64_t addr, unsigned cls,
                      struct mpu_cache_entry *e)
{
    for (unsigned w = 0; cls == 0 && w < MPU_CACHE_WAYS; w++) {
        const struct mpu_cache_entry *k = &mpu->kept[w];
        if (addr - k->lo <= k->span && untouched(k, mpu->kept_lo, mpu->kept_hi)) {
            e->lo = k->lo;
            e->span = k->span;
            e->region = k->region;
            return true;
        }
    }
    return false;
}

/* The segment of an address inside region `slot` when no other enabled
 * region meets it: the region end to end, which is what a scan finds. */
static void whole_region(const struct mpu *mpu, unsigned slot, struct mpu_cache_entry *e)
{
    const struct mpu_region_meta *m = &mpu->meta[slot];
    e->lo = m->lo;
    e->span = m->hi - m->lo;
    e->region = (int32_t)slot;
}

/* `addr` inside the owner of the free stretch, which then meets no other
 * region (struct mpu). */
static bool take_gap(const struct mpu *mpu, uint64_t addr, struct mpu_cache_entry *e)
{
    int o = mpu->gap_owner;
    if (o < 0)
        return false;
    const struct mpu_region_meta *m = &mpu->meta[o];
    if (addr - m->lo > m->hi - m->lo)
        return false;
    whole_region(mpu, (unsigned)o, e);
    return true;
}

/* Whether enabled, non-empty region `slot` meets no other.  If so, the
 * free stretch around it among the others becomes the one kept, with
 * `slot` as its owner, so that the next region enabled in it is known
 * alone without this pass.  One pass over the packed list, with no
 * data-dependent branch (as in scan_segment). */
static bool region_alone(struct mpu *mpu, unsigned slot)
{
    const struct mpu_region_meta *m = &mpu->meta[slot];
    uint64_t rlo = m->lo, rend = m->hi + 1;   /* hi < 2^48: no wrap */
    uint64_t lo = 0;              /* highest end at or below rlo */
    uint64_t hi = UINT64_MAX;     /* lowest start at or above rend, minus 1 */
    unsigned meets = 0;           /* regions meeting [rlo, rend): itself too */
    for (unsigned k = 0; k < mpu->dense_n; k++) {
        uint64_t klo = mpu->dense_lo[k], kend = mpu->dense_end[k];
        uint64_t b = kend <= rlo ? kend : 0;
        uint64_t n = klo >= rend ? klo - 1 : UINT64_MAX;
        lo = b > lo ? b : lo;
        hi = n < hi ? n : hi;
        meets += (kend > rlo) & (klo < rend);
    }
    if (meets != 1)
        return false;
    mpu->gap_lo = lo;
    mpu->gap_hi = hi;
    mpu->gap_owner = (int)slot;
    return true;
}

/* `addr` inside the region enabled last, when it meets no other. */
static bool take_fresh(struct mpu *mpu, uint64_t addr, struct mpu_cache_entry *e)
{
    int f = mpu->fresh;
    if (f < 0 || f == mpu->gap_owner || !mpu->dense_pos[f])
        return false;
    const struct mpu_region_meta *m = &mpu->meta[f];
    if (addr - m->lo > m->hi - m->lo || !region_alone(mpu, (unsigned)f))
        return false;
    whole_region(mpu, (unsigned)f, e);
    return true;
}

/* The permissions and attributes of the entry's region, if it has one. */
static inline const struct mpu_cache_entry *with_meta(const struct mpu *mpu,
                                                      struct mpu_cache_entry *e)
{
    if (e->region >= 0) {
        const struct mpu_region_meta *m = &mpu->meta[e->region];
        e->perm = m->perm;
        e->attrindx = m->attrindx;
        e->sh = m->sh;
    } else {
        e->perm = 0;
        e->attrindx = 0;
        e->sh = 0;
    }
    return e;
}

/* The segment the long way: a pass over the packed regions while the
 * index is stale, the index otherwise.  Out of line, and reached by a
 * tail call, so that the refills served from what is kept need no stack
 * frame. */
static __attribute__((noinline)) const struct mpu_cache_entry *
refill_slow(struct mpu *mpu, uint64_t addr, struct mpu_cache_entry *e, bool stale)
{
    if (stale) {
        if (!take_fresh(mpu, addr, e))
            scan_segment(mpu, addr, e);
    } else {
        const struct mpu_index *ix = mpu_segments(mpu);
        unsigned s = mpu_index_find(ix, addr);
        e->lo = ix->start[s];
        e->span = (s + 1 < ix->nseg ? ix->start[s + 1] - 1 : UINT64_MAX) - ix->start[s];
        e->region = ix->region[s];
    }
    return with_meta(mpu, e);
}

const struct mpu_cache_entry *mpu_cache_refill(struct mpu *mpu, uint64_t addr, unsigned cls)
{
    struct mpu_cache_entry *c = mpu->cache[cls];
    struct mpu_cache_entry old = c[0];
    if (addr - c[1].lo <= c[1].span) {
        c[0] = c[1];
        c[1] = old;
        return &c[0];
    }
    mpu->stats.cache_misses++;
    c[1] = old;
    bool stale = mpu->index_stale && mpu->stale_misses < MPU_STALE_SCANS;
    if (stale) {
        mpu->stale_misses++;
        /* each of these finds what scan_segment would, only sooner */
        if (take_gap(mpu, addr, &c[0]) || take_kept(mpu, addr, cls, &c[0]))
            return with_meta(mpu, &c[0]);
    }
    return refill_slow(mpu, addr, &c[0], stale);
}
