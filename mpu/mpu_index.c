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
 * which only makes the cache entry cover less. */
struct seg_scan {
    uint64_t lo;          /* highest boundary at or below addr */
    uint64_t next;        /* lowest boundary above addr, if bounded_above */
    bool bounded_above;
    int matches, match;
};

static void scan_boundary(struct seg_scan *sc, uint64_t pos, uint64_t addr)
{
    if (pos <= addr) {
        if (pos > sc->lo)
            sc->lo = pos;
    } else if (!sc->bounded_above || pos < sc->next) {
        sc->next = pos;
        sc->bounded_above = true;
    }
}

static void scan_segment(const struct mpu *mpu, uint64_t addr, struct mpu_cache_entry *e)
{
    struct seg_scan sc = {.lo = 0, .next = UINT64_MAX, .matches = 0, .match = MPU_SEG_NONE};
    for (unsigned w = 0; w < MPU_MAX_REGIONS / 64; w++) {
        for (uint64_t bits = mpu->enabled_slots[w]; bits; bits &= bits - 1) {
            unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
            const struct mpu_region *r = &mpu->effective[i];
            uint64_t rlo = mpu_region_lo(r), rhi = mpu_region_hi(r);
            if (rlo > rhi)
                continue;
            scan_boundary(&sc, rlo, addr);
            scan_boundary(&sc, rhi + 1, addr);   /* rhi < 2^48: no wrap */
            if (rlo <= addr && addr <= rhi) {
                sc.matches++;
                sc.match = (int)i;
            }
        }
    }
    e->lo = sc.lo;
    e->span = (sc.bounded_above ? sc.next - 1 : UINT64_MAX) - sc.lo;
    e->region = (int16_t)(sc.matches == 0 ? MPU_SEG_NONE
                          : sc.matches == 1 ? sc.match : MPU_SEG_OVERLAP);
}

void mpu_cache_invalidate(struct mpu *mpu)
{
    for (unsigned c = 0; c < 2; c++)
        for (unsigned w = 0; w < MPU_CACHE_WAYS; w++)
            mpu->cache[c][w] = (struct mpu_cache_entry){.lo = UINT64_MAX, .span = 0,
                                                        .region = MPU_SEG_NONE};
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
    if (mpu->index_stale && mpu->stale_misses < MPU_STALE_SCANS) {
        mpu->stale_misses++;
        scan_segment(mpu, addr, &c[0]);
    } else {
        const struct mpu_index *ix = mpu_segments(mpu);
        unsigned s = mpu_index_find(ix, addr);
        c[0].lo = ix->start[s];
        c[0].span = (s + 1 < ix->nseg ? ix->start[s + 1] - 1 : UINT64_MAX) - ix->start[s];
        c[0].region = ix->region[s];
    }
    if (c[0].region >= 0) {
        const struct mpu_region_meta *m = &mpu->meta[c[0].region];
        c[0].perm = m->perm;
        c[0].attrindx = m->attrindx;
        c[0].sh = m->sh;
    } else {
        c[0].perm = 0;
        c[0].attrindx = 0;
        c[0].sh = 0;
    }
    return &c[0];
}
