/* Shared between the files of mpu/ only; other folders use mpu/mpu.h. */
#ifndef MSASIM_MPU_MPU_INTERNAL_H
#define MSASIM_MPU_MPU_INTERNAL_H

#include "mpu/mpu.h"

/* Permission bits, one nibble per (viewer, WXN) pair in a 32-bit word so
 * that the fast path extracts the answer with one shift:
 *   nibble = viewer * 2 + wxn
 * Viewers:
 *   0  the regime's own privileged level (EL1 for the EL1 MPU, EL2 for EL2)
 *   1  the lower level at stage 1 (EL0, or LDTR/STTR at EL1; EL1 MPU only)
 *   2  stage 2 for an EL1 access (EL2 MPU only, WXN never applies)
 *   3  stage 2 for an EL0 access (EL2 MPU only) */
#define MPU_P_R 1u
#define MPU_P_W 2u
#define MPU_P_X 4u

enum mpu_viewer {
    MPU_VIEW_OWN = 0,
    MPU_VIEW_LOWER = 1,
    MPU_VIEW_S2_EL1 = 2,
    MPU_VIEW_S2_EL0 = 3,
};

static inline unsigned mpu_nibble(enum mpu_viewer v, bool wxn)
{
    return (unsigned)v * 2u + (wxn ? 1u : 0u);
}

static inline unsigned mpu_perm_of(uint32_t perm, unsigned nibble)
{
    return (perm >> (4u * nibble)) & 0xFu;
}

/* mpu_perm.c */
uint32_t mpu_region_perm(enum mpu_regime regime, uint64_t prbar,
                         const struct mpu_options *opts);
void mpu_region_decode(enum mpu_regime regime, const struct mpu_region *r,
                       const struct mpu_options *opts, struct mpu_region_meta *m);
/* mpu_region_perm of every PRBAR AP:XN code (see MPU_PERM_CODES). */
void mpu_perm_table_fill(enum mpu_regime regime, const struct mpu_options *opts,
                         uint32_t table[MPU_PERM_CODES]);
/* Background / default map at `addr`: permissions (R/W/X), MAIR byte, SH. */
unsigned mpu_bgmap_perm(const struct mpu_options *opts, uint64_t addr,
                        uint8_t *attr, uint8_t *sh);
static inline bool mpu_region_enabled(const struct mpu_region *r)
{
    return (r->prlar & MPU_PRLAR_EN) != 0;
}
static inline uint64_t mpu_region_lo(const struct mpu_region *r)
{
    return r->prbar & MPU_ADDR_MASK;
}
/* The limit is inclusive: hardware appends 0x3F to LIMIT << 6. */
static inline uint64_t mpu_region_hi(const struct mpu_region *r)
{
    return (r->prlar & MPU_ADDR_MASK) | (MPU_GRANULE - 1);
}

/* mpu_region_decode with the permission nibbles already known. */
static inline void mpu_region_decode_with(const struct mpu_region *r, uint32_t perm,
                                          struct mpu_region_meta *m)
{
    m->lo = mpu_region_lo(r);
    m->hi = mpu_region_hi(r);
    m->perm = perm;
    m->attrindx = (uint8_t)((r->prlar & MPU_PRLAR_ATTR_MASK) >> MPU_PRLAR_ATTR_SHIFT);
    /* 0b01 is reserved and treated as non-shareable (0b00); the others
     * stand.  Without a branch: bit 0 survives only when bit 1 is set. */
    _Static_assert(MPU_SH_NON == 0, "reserved SH 0b01 maps to 0b00");
    unsigned sh = (unsigned)((r->prbar & MPU_PRBAR_SH_MASK) >> MPU_PRBAR_SH_SHIFT);
    m->sh = (uint8_t)(sh & ((sh >> 1) | 2u));
}

/* mpu_index.c */
void mpu_index_build(struct mpu *mpu);
unsigned mpu_index_find(const struct mpu_index *ix, uint64_t addr);
/* Empties both ways of both caches.  Inline, as the next one: every
 * synchronization that changes a region calls them. */
static inline void mpu_cache_invalidate(struct mpu *mpu)
{
    for (unsigned c = 0; c < 2; c++)
        for (unsigned w = 0; w < MPU_CACHE_WAYS; w++) {
            /* the rest of an entry is only read when region >= 0 */
            mpu->cache[c][w].lo = UINT64_MAX;
            mpu->cache[c][w].span = 0;
            mpu->cache[c][w].region = MPU_SEG_NONE;
        }
}

/* After a change whose regions (before and after) all lie in [lo, hi]
 * (lo > hi: none that was or is enabled): keeps the cached data segments
 * for later refills (see struct mpu), then invalidates the cache. */
static inline void mpu_cache_invalidate_after(struct mpu *mpu, uint64_t lo, uint64_t hi)
{
    const struct mpu_cache_entry *w0 = &mpu->cache[0][0];
    if (!(w0->lo == UINT64_MAX && w0->span == 0)) {
        /* segments found since the last change: only this one can touch them */
        for (unsigned w = 0; w < MPU_CACHE_WAYS; w++)
            mpu->kept[w] = mpu->cache[0][w];
        mpu->kept_lo = lo;
        mpu->kept_hi = hi;
    } else {
        mpu->kept_lo = lo < mpu->kept_lo ? lo : mpu->kept_lo;
        mpu->kept_hi = hi > mpu->kept_hi ? hi : mpu->kept_hi;
    }
    mpu_cache_invalidate(mpu);
}

/* Brings slot's entry in the packed region list up to date with its
 * effective value and meta (call after either changes); `enabled` is
 * mpu_region_enabled of the effective value, which the caller has at hand.
 * Inline: a synchronization calls it for every slot it changes. */
static inline void mpu_dense_update(struct mpu *mpu, unsigned slot, bool enabled)
{
    const struct mpu_region_meta *m = &mpu->meta[slot];
    bool in = enabled && m->lo <= m->hi;
    unsigned k = mpu->dense_pos[slot];
    if (in) {
        if (!k) {
            k = ++mpu->dense_n;
            mpu->dense_pos[slot] = (uint16_t)k;
            mpu->dense_slot[k - 1] = (uint16_t)slot;
        }
        mpu->dense_lo[k - 1] = m->lo;
        mpu->dense_end[k - 1] = m->hi + 1;   /* hi < 2^48: no wrap */
    } else if (k) {
        /* the last entry takes the place of the one that leaves */
        unsigned last = --mpu->dense_n;
        unsigned moved = mpu->dense_slot[last];
        mpu->dense_slot[k - 1] = (uint16_t)moved;
        mpu->dense_lo[k - 1] = mpu->dense_lo[last];
        mpu->dense_end[k - 1] = mpu->dense_end[last];
        mpu->dense_pos[moved] = (uint16_t)k;
        mpu->dense_pos[slot] = 0;
    }
}
/* Second way, then the index; counts a miss when the index is searched. */
const struct mpu_cache_entry *mpu_cache_refill(struct mpu *mpu, uint64_t addr, unsigned cls);

/* The cache entry covering `addr`: the first way when it covers it (the
 * common case: a subtract and a compare), else mpu_cache_refill.  `cls` is
 * 0 for data and 1 for instruction fetches, which keep separate entries so
 * that code and data do not evict each other. */
static inline const struct mpu_cache_entry *mpu_cache_lookup(struct mpu *mpu, uint64_t addr,
                                                             unsigned cls)
{
    const struct mpu_cache_entry *e = &mpu->cache[cls][0];
    if (__builtin_expect(addr - e->lo <= e->span, 1))
        return e;
    return mpu_cache_refill(mpu, addr, cls);
}

/* mpu_lookup.c: one stage against one MPU. */
struct mpu_stage_out {
    int16_t region;         /* slot, or -1 (background / no match / overlap) */
    uint8_t attr;
    uint8_t sh;
};

/* Background-region flags for a stage check. */
#define MPU_BG_ALLOWED 1u   /* BR set and privileged access at the own EL */
#define MPU_BG_WXN 2u       /* WXN applies to the background region */

struct mpu_stage_req {
    uint64_t addr;
    unsigned need;          /* MPU_P_* bits */
    unsigned cls;           /* 0 data, 1 instruction */
    unsigned nibble;        /* mpu_nibble(viewer, wxn) */
    unsigned bg;            /* MPU_BG_* */
    uint64_t mair;
};

/* Out of line: background region, no match, overlap, and the bookkeeping
 * of accesses made while a write is pending. */
enum mpu_fault_kind mpu_stage_slow(struct mpu *mpu, const struct mpu_stage_req *rq,
                                   const struct mpu_cache_entry *e,
                                   struct mpu_stage_out *out);

/* Kind of permission fault for `need` against granted `perm`, or NONE. */
static inline enum mpu_fault_kind mpu_perm_fault(unsigned need, unsigned perm)
{
    unsigned missing = need & ~perm;
    if (__builtin_expect(!missing, 1))
        return MPU_FAULT_NONE;
    if (missing & MPU_P_X)
        return MPU_FAULT_PERM_EXEC;
    if (missing & MPU_P_W)
        return MPU_FAULT_PERM_WRITE;
    return MPU_FAULT_PERM_READ;
}

/* One stage against one MPU, inline with scalar arguments so that the
 * common case (a cached single region, nothing pending) stays in the
 * caller's registers. */
static inline enum mpu_fault_kind mpu_stage_check(struct mpu *mpu, uint64_t addr,
                                                  unsigned need, unsigned cls,
                                                  unsigned nibble, unsigned bg,
                                                  uint64_t mair,
                                                  struct mpu_stage_out *out)
{
    const struct mpu_cache_entry *e = mpu_cache_lookup(mpu, addr, cls);
    if (__builtin_expect(e->region >= 0 && !mpu->pending, 1)) {
        out->region = (int16_t)e->region;
        out->attr = (uint8_t)(mair >> (8 * e->attrindx));
        out->sh = e->sh;
        return mpu_perm_fault(need, mpu_perm_of(e->perm, nibble));
    }
    struct mpu_stage_req rq = {addr, need, cls, nibble, bg, mair};
    return mpu_stage_slow(mpu, &rq, e, out);
}

/* mpu_stats.c */
void mpu_stats_reset(struct mpu *mpu);
/* Both inline: a synchronization that enables or disables a slot calls
 * them, and they are a few instructions each. */
static inline void mpu_stats_set_enabled(struct mpu *mpu, unsigned enabled, uint64_t now)
{
    struct mpu_stats *s = &mpu->stats;
    if (now > s->last_cycle) {
        s->enabled_cycles += (double)s->enabled * (double)(now - s->last_cycle);
        s->last_cycle = now;
    }
    s->enabled = enabled;
    if (enabled > s->peak)
        s->peak = enabled;
}

static inline void mpu_stats_owner_delta(struct mpu *mpu, enum mpu_owner owner, int delta)
{
    struct mpu_stats *s = &mpu->stats;
    unsigned o = (unsigned)owner < MPU_OWNER_COUNT ? (unsigned)owner : MPU_OWNER_OTHER;
    if (delta < 0 && s->enabled_by_owner[o] == 0)
        return;
    s->enabled_by_owner[o] = (unsigned)((int)s->enabled_by_owner[o] + delta);
    if (s->enabled_by_owner[o] > s->peak_by_owner[o])
        s->peak_by_owner[o] = s->enabled_by_owner[o];
}

#endif
