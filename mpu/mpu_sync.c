/* Context synchronization: the moment region writes take effect.
 *
 * The architecture only guarantees that PRBAR/PRLAR/PRENR writes are seen by
 * accesses after a context synchronization event (ISB, exception entry,
 * exception return).  The model applies them exactly there, so software
 * that forgets the ISB runs with the old regions, as it may on hardware, and
 * the accesses it makes in between are counted (mpu_lookup.c). */
#include <string.h>

#include "mpu/mpu_internal.h"

static bool same_region(const struct mpu_region *a, const struct mpu_region *b)
{
    return a->prbar == b->prbar && a->prlar == b->prlar;
}

/* Tell the observer about a slot whose effective value changed.  Inline
 * (in both copies of apply_slot): the call costs more than the body. */
static inline __attribute__((always_inline)) void report(struct mpu *mpu, unsigned slot,
                                                         uint64_t now)
{
    const struct mpu_region *r = &mpu->effective[slot];
    struct mpu_event ev = {
        .cycle = now,
        .slot = slot,
        .enabled = mpu_region_enabled(r),
        .prbar = r->prbar,
        .prlar = r->prlar,
        .owner = (enum mpu_owner)mpu->owner[slot],
        .domid = mpu->owner_domid[slot],
        .enabled_count = mpu->stats.enabled,
    };
    mpu->observer(mpu->observer_ctx, mpu, &ev);
}

/* The smallest range holding every region a synchronization changed, as
 * it was and as it is (disabled ones aside: lookups never see them). */
struct hull {
    uint64_t lo, hi;
};

/* An empty region (lo > hi) is in no lookup's way; alone it leaves the
 * hull empty too. */
static inline void hull_add(struct hull *h, const struct mpu_region_meta *m)
{
    h->lo = m->lo < h->lo ? m->lo : h->lo;
    h->hi = m->hi > h->hi ? m->hi : h->hi;
}

/* Keeps the free stretch (struct mpu) true of slot i, which has just
 * become enabled as `m`: a region that leaves, or shrinks, only frees
 * memory, so this is the one case to look at.  The first region to land
 * wholly inside a stretch with no owner becomes its owner; any other that
 * meets the stretch ends it. */
static inline void gap_note_enabled(struct mpu *mpu, unsigned i,
                                    const struct mpu_region_meta *m)
{
    if (m->lo > m->hi || m->hi < mpu->gap_lo || m->lo > mpu->gap_hi)
        return;   /* empty, or clear of the stretch */
    if (mpu->gap_owner < 0 && m->lo >= mpu->gap_lo && m->hi <= mpu->gap_hi) {
        mpu->gap_owner = (int)i;
        return;
    }
    mpu->gap_lo = UINT64_MAX;
    mpu->gap_hi = 0;
    mpu->gap_owner = -1;
}

/* Makes slot i's written value effective; returns whether it changed.
 * Inlined into both callers: a call would cost the one-slot case more
 * than its loop did. */
static inline __attribute__((always_inline)) bool apply_slot(struct mpu *mpu, unsigned i,
                                                             uint64_t now, struct hull *h)
{
    struct mpu_region *eff = &mpu->effective[i];
    const struct mpu_region *wr = &mpu->written[i];
    if (same_region(eff, wr))
        return false;
    mpu->changed_slots[i / 64] |= 1ull << (i % 64);
    bool was = mpu_region_enabled(eff), is = mpu_region_enabled(wr);
    struct mpu_region_meta *m = &mpu->meta[i];
    if (was) {
        hull_add(h, m);
        if (mpu->gap_owner == (int)i)
            mpu->gap_owner = -1;
    }
    *eff = *wr;
    _Static_assert((MPU_PRBAR_AP_MASK | MPU_PRBAR_XN_MASK) == MPU_PERM_CODES - 1,
                   "perm_of is indexed by AP:XN");
    mpu_region_decode_with(eff, mpu->perm_of[eff->prbar & (MPU_PERM_CODES - 1)], m);
    if (is) {
        hull_add(h, m);
        gap_note_enabled(mpu, i, m);
        if (m->lo <= m->hi)
            mpu->fresh = (int)i;
    }
    mpu_dense_update(mpu, i, is);
    if (was != is) {
        mpu->enabled_slots[i / 64] ^= 1ull << (i % 64);
        enum mpu_owner owner = (enum mpu_owner)mpu->owner[i];
        mpu_stats_owner_delta(mpu, owner, is ? +1 : -1);
        mpu_stats_set_enabled(mpu, mpu->stats.enabled + (is ? 1u : 0u) - (was ? 1u : 0u), now);
    }
    /* a disabled slot being prepared is not a change anyone sees */
    if (mpu->observer && (was || is))
        report(mpu, i, now);
    return true;
}

/* What every synchronization that changed something does last. */
static inline void note_changed(struct mpu *mpu, const struct hull *h)
{
    mpu->stats.syncs_changed++;
    mpu->index_stale = true;
    mpu->stale_misses = 0;
    mpu_cache_invalidate_after(mpu, h->lo, h->hi);
}

/* Any number of written slots, in any word: visited in slot order, as
 * observers expect.  Words past the implemented slots are never written. */
static __attribute__((noinline)) void apply_all(struct mpu *mpu, uint64_t now)
{
    bool changed = false;
    struct hull h = {UINT64_MAX, 0};
    unsigned nwords = (mpu->nregions + 63) / 64;
    for (unsigned w = 0; w < nwords; w++) {
        uint64_t bits = mpu->pending_slots[w];
        mpu->pending_slots[w] = 0;
        for (; bits; bits &= bits - 1)
            changed |= apply_slot(mpu, w * 64 + (unsigned)__builtin_ctzll(bits), now, &h);
    }
    if (changed)
        note_changed(mpu, &h);
}

/* Out of line: most synchronizations find nothing pending (the EL1 MPU at
 * every ISB of a hypervisor), and mpu_context_sync returns at once. */
void mpu_apply_pending(struct mpu *mpu, uint64_t now)
{
    mpu->pending = false;

    /* Only the slots written since the last synchronization can differ.
     * Most often that is one region reprogrammed on an MPU of at most 64
     * slots (one pending word): that case skips the loop, and keeps the
     * hull in registers. */
    uint64_t bits = mpu->pending_slots[0];
    if (mpu->nregions <= 64 && (bits & (bits - 1)) == 0) {
        mpu->pending_slots[0] = 0;
        struct hull h = {UINT64_MAX, 0};
        if (bits && apply_slot(mpu, (unsigned)__builtin_ctzll(bits), now, &h))
            note_changed(mpu, &h);
        return;
    }
    apply_all(mpu, now);
}
