/* Armv8-R with the optional EL1 MMU: EL1&0 stage 1 is a VMSA walk and the
 * EL2 MPU stands in for stage 2 (flat IPA == PA, permissions from the
 * EL1&0 half of PRBAR_EL2.AP, attributes combined).  MPU state is never
 * held in TLBs, so the MMU calls this for every access and every table
 * read, and an MPU change needs no TLBI, only the MPU's own
 * synchronization. */
#include "mmu/mmu.h"
#include "mpu/mpu.h"

_Static_assert((int)MMU_ACC_READ == (int)MPU_ACC_READ && (int)MMU_ACC_WRITE == (int)MPU_ACC_WRITE &&
               (int)MMU_ACC_RMW == (int)MPU_ACC_RMW && (int)MMU_ACC_EXEC == (int)MPU_ACC_EXEC,
               "mmu_access and mpu_access must agree");

/* Whether the whole 4 KiB page around `addr` resolves to the one region
 * `slot`: the region covers it and no other enabled region touches it. */
static bool page_uniform(const struct mpu *mpu, int slot, uint64_t addr)
{
    uint64_t lo = addr & ~0xFFFull, hi = lo | 0xFFF;
    if (slot < 0 || (unsigned)slot >= mpu->nregions)
        return false;
    if (mpu->meta[slot].lo > lo || mpu->meta[slot].hi < hi)
        return false;
    for (unsigned i = 0; i < mpu->nregions; i++) {
        if ((int)i == slot || !(mpu->effective[i].prlar & MPU_PRLAR_EN))
            continue;
        if (mpu->meta[i].lo <= hi && mpu->meta[i].hi >= lo)
            return false;
    }
    return true;
}

bool mmu_stage2_mpu(void *ctx, const struct mmu_s2_req *req, struct mmu_s2_out *out)
{
    struct mmu_mpu_stage2 *s = ctx;
    struct mpu_req mr = {
        .addr = req->ipa,
        .type = (enum mpu_access)req->type,
        .el = req->el,
        .unprivileged = req->unprivileged,
    };
    struct mpu_result res;
    if (!mpu_stage2(s->pair, s->ctl, &mr, req->ipa, req->s1_attr, req->s1_sh, &res)) {
        out->ok = false;
        out->level = res.level;
        out->fsc = res.fsc;
        out->ipa_valid = res.hpfar_valid;
        return false;
    }
    out->ok = true;
    out->pa = res.pa;
    out->attr = res.attr;
    out->sh = res.sh;
    /* Without stage 2 in effect every page is flat; otherwise only a page
     * inside one region can be cached by the core. */
    out->page_shift = (uint8_t)(!s->ctl->hcr_vm || page_uniform(&s->pair->el2, res.s2_region,
                                                                req->ipa) ? 12 : 0);
    return true;
}
