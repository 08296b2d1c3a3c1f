/* One stage of protection against one MPU's effective regions: the parts
 * off the fast path (mpu_stage_check in mpu_internal.h).
 *
 *   exactly one enabled region matches  -> its AP/XN (with WXN) decide
 *   none matches                        -> background map if allowed, else fault
 *   two or more match                   -> fault, whatever their permissions
 *
 * The common case is a hit in the per-MPU cache (a range compare and a
 * shift); misses go through the interval index (mpu_index.c).  Whatever
 * the path, the cache is consulted once per stage, so a miss is counted
 * once. */
#include "mpu/mpu_internal.h"

static inline uint8_t mair_byte(uint64_t mair, unsigned idx)
{
    return (uint8_t)(mair >> (8 * idx));
}

/* Outcome from a resolved range: a region slot, MPU_SEG_NONE or
 * MPU_SEG_OVERLAP, with that region's permission word. */
static enum mpu_fault_kind decide(const struct mpu *mpu, const struct mpu_stage_req *rq,
                                  int region, uint32_t perm, unsigned attrindx,
                                  unsigned sh, struct mpu_stage_out *out)
{
    if (region >= 0) {
        out->region = (int16_t)region;
        out->attr = mair_byte(rq->mair, attrindx);
        out->sh = (uint8_t)sh;
        return mpu_perm_fault(rq->need, mpu_perm_of(perm, rq->nibble));
    }
    out->region = -1;
    out->attr = 0;
    out->sh = 0;
    if (region == MPU_SEG_OVERLAP)
        return MPU_FAULT_OVERLAP;
    if (!(rq->bg & MPU_BG_ALLOWED))
        return MPU_FAULT_NO_MATCH;
    unsigned perm_bg = mpu_bgmap_perm(&mpu->opts, rq->addr, &out->attr, &out->sh);
    if ((rq->bg & MPU_BG_WXN) && (perm_bg & MPU_P_W))
        perm_bg &= ~MPU_P_X;
    return mpu_perm_fault(rq->need, perm_bg);
}

/* The same decision over the written (not yet synchronized) regions, by a
 * plain scan: only used while a write is pending, which is short. */
static enum mpu_fault_kind decide_written(const struct mpu *mpu,
                                          const struct mpu_stage_req *rq,
                                          struct mpu_stage_out *out)
{
    int found = MPU_SEG_NONE;
    for (unsigned i = 0; i < mpu->nregions; i++) {
        const struct mpu_region *r = &mpu->written[i];
        if (!mpu_region_enabled(r) || rq->addr < mpu_region_lo(r) ||
            rq->addr > mpu_region_hi(r))
            continue;
        if (found != MPU_SEG_NONE) {
            found = MPU_SEG_OVERLAP;
            break;
        }
        found = (int)i;
    }
    if (found < 0)
        return decide(mpu, rq, found, 0, 0, 0, out);
    struct mpu_region_meta m;
    mpu_region_decode(mpu->regime, &mpu->written[found], &mpu->opts, &m);
    return decide(mpu, rq, found, m.perm, m.attrindx, m.sh, out);
}

static void note_pending(struct mpu *mpu, const struct mpu_stage_req *rq,
                         enum mpu_fault_kind kind, const struct mpu_stage_out *out)
{
    struct mpu_stage_out w;
    mpu->stats.pending_accesses++;
    enum mpu_fault_kind wkind = decide_written(mpu, rq, &w);
    if (wkind != kind || w.region != out->region || w.attr != out->attr || w.sh != out->sh)
        mpu->stats.stale_accesses++;
}

enum mpu_fault_kind mpu_stage_slow(struct mpu *mpu, const struct mpu_stage_req *rq,
                                   const struct mpu_cache_entry *e,
                                   struct mpu_stage_out *out)
{
    enum mpu_fault_kind kind =
        decide(mpu, rq, e->region, e->perm, e->attrindx, e->sh, out);
    if (e->region == MPU_SEG_NONE && kind == MPU_FAULT_NONE)
        mpu->stats.background_hits++;
    if (mpu->pending)
        note_pending(mpu, rq, kind, out);
    return kind;
}
