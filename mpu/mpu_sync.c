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

/* Tell the observer about a slot whose effective value changed. */
static void report(struct mpu *mpu, unsigned slot, uint64_t now)
{
    if (!mpu->observer)
        return;
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
static void hull_add(struct hull *h, const struct mpu_region_meta *m)
{
    h->lo = m->lo < h->lo ? m->lo : h->lo;
    h->hi = m->hi > h->hi ? m->hi : h->hi;
}

/* Makes slot i's written value effective; returns whether it changed. */
static bool apply_slot(struct mpu *mpu, unsigned i, uint64_t now, struct hull *h)
{
    struct mpu_region *eff = &mpu->effective[i];
    const struct mpu_region *wr = &mpu->written[i];
    if (same_region(eff, wr))
        return false;
    mpu->changed_slots[i / 64] |= 1ull << (i % 64);
    bool was = mpu_region_enabled(eff), is = mpu_region_enabled(wr);
    if (was)
        hull_add(h, &mpu->meta[i]);
    *eff = *wr;
    _Static_assert((MPU_PRBAR_AP_MASK | MPU_PRBAR_XN_MASK) == MPU_PERM_CODES - 1,
                   "perm_of is indexed by AP:XN");
    mpu_region_decode_with(eff, mpu->perm_of[eff->prbar & (MPU_PERM_CODES - 1)],
                           &mpu->meta[i]);
    if (is)
        hull_add(h, &mpu->meta[i]);
    mpu_dense_update(mpu, i);
    if (was != is) {
        mpu->enabled_slots[i / 64] ^= 1ull << (i % 64);
        enum mpu_owner owner = (enum mpu_owner)mpu->owner[i];
        mpu_stats_owner_delta(mpu, owner, is ? +1 : -1);
        mpu_stats_set_enabled(mpu, mpu->stats.enabled + (is ? 1u : 0u) - (was ? 1u : 0u), now);
    }
    /* a disabled slot being prepared is not a change anyone sees */
    if (was || is)
        report(mpu, i, now);
    return true;
}

/* Out of line: most synchronizations find nothing pending (the EL1 MPU at
 * every ISB of a hypervisor), and return at once. */
static __attribute__((noinline)) void apply_pending(struct mpu *mpu, uint64_t now)
{
    mpu->pending = false;

    /* Only the slots written since the last synchronization can differ;
     * they are visited in slot order, as observers expect. */
    bool changed = false;
    struct hull h = {UINT64_MAX, 0};
    for (unsigned w = 0; w < MPU_MAX_REGIONS / 64; w++) {
        uint64_t bits = mpu->pending_slots[w];
        mpu->pending_slots[w] = 0;
        for (; bits; bits &= bits - 1)
            changed |= apply_slot(mpu, w * 64 + (unsigned)__builtin_ctzll(bits), now, &h);
    }
    if (!changed)
        return;
    mpu->stats.syncs_changed++;
    mpu->index_stale = true;
    mpu->stale_misses = 0;
    mpu_cache_invalidate_after(mpu, h.lo, h.hi);
}

void mpu_context_sync(struct mpu *mpu, uint64_t now)
{
    mpu->stats.syncs++;
    mpu->prselr_unsynced = false;
    if (mpu->pending)
        apply_pending(mpu, now);
}

void mpu_pair_context_sync(struct mpu_pair *pair, uint64_t now)
{
    mpu_context_sync(&pair->el1, now);
    mpu_context_sync(&pair->el2, now);
}
