/* Configuration: slot counts, options, reset state, owner tags. */
#include <string.h>

#include "mpu/mpu_internal.h"

void mpu_options_default(struct mpu_options *opts)
{
    opts->s2_xn = MPU_S2_XN_BIT1;
    opts->hpfar = MPU_HPFAR_VALID;
    opts->bgmap = MPU_BGMAP_SPLIT_2G;
}

static const char *option_name(enum mpu_regime regime)
{
    return regime == MPU_REGIME_EL1 ? "--el1-mpu-regions" : "--mpu-regions";
}

int mpu_init(struct mpu *mpu, enum mpu_regime regime, unsigned nregions,
             const struct mpu_options *opts, struct msa_error *err)
{
    if (regime != MPU_REGIME_EL1 && regime != MPU_REGIME_EL2)
        return msa_error_set(err, "mpu: regime %d: expected EL1 (1) or EL2 (2)", (int)regime);
    if (nregions == 0 || nregions > MPU_MAX_REGIONS)
        return msa_error_set(err, "%s %u: expected a region count from 1 to %u",
                             option_name(regime), nregions, MPU_MAX_REGIONS);
    memset(mpu, 0, sizeof *mpu);
    mpu->regime = regime;
    mpu->nregions = nregions;
    if (opts)
        mpu->opts = *opts;
    else
        mpu_options_default(&mpu->opts);
    /* Reset values: regions disabled.  The architecture leaves PRBAR/PRLAR
     * UNKNOWN at reset apart from EN; zero is the deterministic choice. */
    mpu_perm_table_fill(regime, &mpu->opts, mpu->perm_of);
    for (unsigned i = 0; i < MPU_MAX_REGIONS; i++)
        mpu_region_decode(regime, &mpu->effective[i], &mpu->opts, &mpu->meta[i]);
    mpu_index_build(mpu);
    mpu_cache_invalidate(mpu);
    mpu->kept_lo = 0;             /* every address changed: nothing kept serves */
    mpu->kept_hi = UINT64_MAX;
    mpu->gap_lo = UINT64_MAX;     /* no free stretch known yet */
    mpu->gap_hi = 0;
    mpu->gap_owner = -1;
    mpu->fresh = -1;
    mpu_stats_reset(mpu);
    return 0;
}

int mpu_pair_init(struct mpu_pair *pair, unsigned el1_regions, unsigned el2_regions,
                  const struct mpu_options *opts, struct msa_error *err)
{
    if (mpu_init(&pair->el1, MPU_REGIME_EL1, el1_regions, opts, err) < 0)
        return -1;
    return mpu_init(&pair->el2, MPU_REGIME_EL2, el2_regions, opts, err);
}

/* MPUIR.REGION is 8 bits wide, so 256 slots cannot be reported.  The model
 * reports 255: software that sizes itself from MPUIR (Xen, Zephyr) then
 * uses slots 0..254 and works unchanged; slot 255 exists and is reachable
 * through PRSELR = 255, but is not advertised.  Reporting 0 would make such
 * software believe there is no MPU region at all. */
uint64_t mpu_mpuir(const struct mpu *mpu)
{
    return mpu->nregions > 255 ? 255 : mpu->nregions;
}

int mpu_set_owner(struct mpu *mpu, unsigned slot, enum mpu_owner owner, uint32_t domid)
{
    if (slot >= mpu->nregions || (unsigned)owner >= MPU_OWNER_COUNT)
        return -1;
    if (mpu_region_enabled(&mpu->effective[slot])) {
        mpu_stats_owner_delta(mpu, (enum mpu_owner)mpu->owner[slot], -1);
        mpu_stats_owner_delta(mpu, owner, +1);
    }
    if (mpu->owner[slot] != (uint8_t)owner || mpu->owner_domid[slot] != domid)
        mpu->changed_slots[slot / 64] |= 1ull << (slot % 64);
    mpu->owner[slot] = (uint8_t)owner;
    mpu->owner_domid[slot] = domid;
    return 0;
}

void mpu_set_observer(struct mpu *mpu, mpu_observer_fn fn, void *ctx)
{
    mpu->observer = fn;
    mpu->observer_ctx = ctx;
}

void mpu_ctl_from_regs(struct mpu_ctl *ctl, uint64_t sctlr_el1, uint64_t sctlr_el2,
                       uint64_t hcr_el2, uint64_t vtcr_el2, uint64_t mair_el1,
                       uint64_t mair_el2)
{
    enum { SCTLR_M = 0, SCTLR_BR = 17, SCTLR_WXN = 19, HCR_VM = 0, HCR_TGE = 27,
           VTCR_MSA = 31 };
    ctl->el1_m = (sctlr_el1 >> SCTLR_M) & 1;
    ctl->el1_br = (sctlr_el1 >> SCTLR_BR) & 1;
    ctl->el1_wxn = (sctlr_el1 >> SCTLR_WXN) & 1;
    ctl->el2_m = (sctlr_el2 >> SCTLR_M) & 1;
    ctl->el2_br = (sctlr_el2 >> SCTLR_BR) & 1;
    ctl->el2_wxn = (sctlr_el2 >> SCTLR_WXN) & 1;
    ctl->hcr_vm = (hcr_el2 >> HCR_VM) & 1;
    ctl->hcr_tge = (hcr_el2 >> HCR_TGE) & 1;
    ctl->el1_vmsa = (vtcr_el2 >> VTCR_MSA) & 1;
    ctl->mair_el1 = mair_el1;
    ctl->mair_el2 = mair_el2;
}
