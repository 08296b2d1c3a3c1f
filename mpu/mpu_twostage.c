/* Which MPU checks an access, in which role, and how the two stages of an
 * EL1&0 access combine:
 *
 *   EL2 access      EL2 MPU, stage 1 of EL2 (SCTLR_EL2.M, BR, WXN)
 *   EL1/EL0 access  EL1 MPU, stage 1 of EL1&0 (SCTLR_EL1.M, BR, WXN), then
 *                   EL2 MPU as stage 2 when HCR_EL2.VM, through the EL1&0
 *                   half of AP; no background region and no WXN at stage 2.
 *
 * Permissions of the two stages are ANDed by checking both; stage-1 faults
 * are taken to EL1, stage-2 faults to EL2.  All MPU faults are Permission
 * faults at level 0.
 *
 * HCR_EL2.TGE makes the EL1 MPU behave as disabled (as QEMU's R52 model
 * does).  Stage 2 depends on HCR_EL2.VM only, not on SCTLR_EL2.M. */
#include "mpu/mpu_internal.h"

/* Fault fields are only written on a fault: the fast path stays short. */
static void clear_result(struct mpu_result *res, const struct mpu_req *req)
{
    res->ok = true;
    res->pa = req->addr;
    res->s1_region = -1;
    res->s2_region = -1;
    res->kind = MPU_FAULT_NONE;
}

static bool fault(struct mpu *mpu, struct mpu_result *res, const struct mpu_req *req,
                  enum mpu_fault_kind kind, unsigned stage, unsigned target_el,
                  uint64_t ipa)
{
    mpu->stats.faults[stage - 1][kind]++;
    res->ok = false;
    res->kind = kind;
    res->stage = (uint8_t)stage;
    res->level = 0;
    res->fsc = MPU_FSC_PERM_L0;
    res->wnr = (req->type & MPU_ACC_WRITE) != 0;
    res->is_instruction = req->type == MPU_ACC_EXEC;
    res->target_el = (uint8_t)target_el;
    res->far = req->addr;
    res->ipa = stage == 2 ? ipa : 0;
    res->hpfar_valid = stage == 2 && mpu->opts.hpfar == MPU_HPFAR_VALID;
    res->attr = 0;
    res->sh = 0;
    return false;
}

/* Device and Normal non-cacheable memory are treated as outer shareable. */
static inline uint8_t final_sh(uint8_t attr, uint8_t sh)
{
    bool outer = (attr & 0xF0) == 0 || attr == 0x44;
    return outer ? (uint8_t)MPU_SH_OUTER : sh;
}

/* Outer shareable beats inner beats non-shareable when stages combine. */
static uint8_t combine_sh(uint8_t a, uint8_t b)
{
    static const uint8_t rank[4] = {0, 0, 2, 1};
    return rank[a & 3] >= rank[b & 3] ? a : b;
}

static bool stage2(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                   const struct mpu_req *req, uint64_t ipa, uint8_t s1_attr,
                   uint8_t s1_sh, struct mpu_result *res)
{
    if (!ctl->hcr_vm) {
        res->attr = s1_attr;
        res->sh = final_sh(s1_attr, s1_sh);
        return true;
    }
    /* no background region and no WXN at stage 2 */
    struct mpu_stage_out out;
    enum mpu_fault_kind k = mpu_stage_check(
        &pair->el2, ipa, (unsigned)req->type, req->type == MPU_ACC_EXEC,
        mpu_nibble(req->el == 0 ? MPU_VIEW_S2_EL0 : MPU_VIEW_S2_EL1, false), 0,
        ctl->mair_el2, &out);
    if (k != MPU_FAULT_NONE)
        return fault(&pair->el2, res, req, k, 2, 2, ipa);
    res->s2_region = out.region;
    res->attr = mpu_combine_attr(s1_attr, out.attr);
    res->sh = final_sh(res->attr, combine_sh(s1_sh, out.sh));
    return true;
}

static bool el2_access(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                       const struct mpu_req *req, struct mpu_result *res)
{
    struct mpu *mpu = &pair->el2;
    struct mpu_stage_out out;
    enum mpu_fault_kind k;
    if (!ctl->el2_m) {
        unsigned p = mpu_bgmap_perm(&mpu->opts, req->addr, &out.attr, &out.sh);
        out.region = -1;
        k = mpu_perm_fault((unsigned)req->type, p);
    } else {
        unsigned bg = (ctl->el2_br ? MPU_BG_ALLOWED : 0) | (ctl->el2_wxn ? MPU_BG_WXN : 0);
        k = mpu_stage_check(mpu, req->addr, (unsigned)req->type, req->type == MPU_ACC_EXEC,
                            mpu_nibble(MPU_VIEW_OWN, ctl->el2_wxn), bg, ctl->mair_el2,
                            &out);
    }
    if (k != MPU_FAULT_NONE)
        return fault(mpu, res, req, k, 1, 2, 0);
    res->s1_region = out.region;
    res->attr = out.attr;
    res->sh = final_sh(out.attr, out.sh);
    return true;
}

/* Every case: stage selection, background map, faults. */
__attribute__((noinline)) static bool lookup_full(struct mpu_pair *pair,
                                                  const struct mpu_ctl *ctl,
                                                  const struct mpu_req *req,
                                                  struct mpu_result *res)
{
    clear_result(res, req);
    if (req->el >= 2)
        return el2_access(pair, ctl, req, res);

    struct mpu *mpu = &pair->el1;
    struct mpu_stage_out out = {.region = -1, .attr = 0xFF, .sh = MPU_SH_INNER};
    enum mpu_fault_kind k = MPU_FAULT_NONE;
    if (ctl->el1_vmsa) {
        /* stage 1 belongs to the MMU; treated as flat Normal memory here */
    } else if (!ctl->el1_m || ctl->hcr_tge) {
        unsigned p = mpu_bgmap_perm(&mpu->opts, req->addr, &out.attr, &out.sh);
        k = mpu_perm_fault((unsigned)req->type, p);
    } else {
        bool priv = req->el == 1 && !req->unprivileged;
        /* only privileged accesses at EL1 may use the background region */
        unsigned bg = (ctl->el1_br && priv ? MPU_BG_ALLOWED : 0) |
                      (ctl->el1_wxn ? MPU_BG_WXN : 0);
        k = mpu_stage_check(mpu, req->addr, (unsigned)req->type,
                            req->type == MPU_ACC_EXEC,
                            mpu_nibble(priv ? MPU_VIEW_OWN : MPU_VIEW_LOWER, ctl->el1_wxn),
                            bg, ctl->mair_el1, &out);
    }
    if (k != MPU_FAULT_NONE)
        return fault(mpu, res, req, k, 1, 1, 0);
    res->s1_region = out.region;
    return stage2(pair, ctl, req, req->addr, out.attr, out.sh, res);
}

/* The common case, kept free of calls (but for a cache refill) so that it
 * needs no stack frame: each stage that applies resolves to a single region,
 * no write is pending, and the permissions allow the access.  Anything else
 * goes to lookup_full, which starts over; the refill it may have done
 * leaves the entry in the first way, so nothing is counted twice. */
static inline bool fast_stage(struct mpu *mpu, uint64_t addr, unsigned need, unsigned cls,
                              unsigned nibble, uint64_t mair,
                              const struct mpu_cache_entry **hit, uint8_t *attr)
{
    const struct mpu_cache_entry *e = mpu_cache_lookup(mpu, addr, cls);
    if (e->region < 0 || mpu->pending || (need & ~mpu_perm_of(e->perm, nibble)))
        return false;
    *hit = e;
    *attr = (uint8_t)(mair >> (8 * e->attrindx));
    return true;
}

bool mpu_lookup(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                const struct mpu_req *req, struct mpu_result *res)
{
    uint64_t addr = req->addr;
    unsigned need = (unsigned)req->type;
    unsigned cls = req->type == MPU_ACC_EXEC;
    const struct mpu_cache_entry *e1 = NULL, *e2 = NULL;
    uint8_t attr, attr2, sh;
    int16_t s2_region = -1;

    if (req->el >= 2) {
        if (!ctl->el2_m ||
            !fast_stage(&pair->el2, addr, need, cls, mpu_nibble(MPU_VIEW_OWN, ctl->el2_wxn),
                        ctl->mair_el2, &e1, &attr))
            return lookup_full(pair, ctl, req, res);
        sh = e1->sh;
    } else {
        bool priv = req->el == 1 && !req->unprivileged;
        if (!ctl->el1_m || ctl->hcr_tge || ctl->el1_vmsa ||
            !fast_stage(&pair->el1, addr, need, cls,
                        mpu_nibble(priv ? MPU_VIEW_OWN : MPU_VIEW_LOWER, ctl->el1_wxn),
                        ctl->mair_el1, &e1, &attr))
            return lookup_full(pair, ctl, req, res);
        sh = e1->sh;
        if (ctl->hcr_vm) {
            if (!fast_stage(&pair->el2, addr, need, cls,
                            mpu_nibble(req->el == 0 ? MPU_VIEW_S2_EL0 : MPU_VIEW_S2_EL1,
                                       false),
                            ctl->mair_el2, &e2, &attr2))
                return lookup_full(pair, ctl, req, res);
            attr = mpu_combine_attr(attr, attr2);
            sh = combine_sh(sh, e2->sh);
            s2_region = (int16_t)e2->region;
        }
    }
    res->ok = true;
    res->pa = addr;
    res->kind = MPU_FAULT_NONE;
    res->s1_region = (int16_t)e1->region;
    res->s2_region = s2_region;
    res->attr = attr;
    res->sh = final_sh(attr, sh);
    return true;
}

uint64_t mpu_lookup_same_until(const struct mpu_pair *pair, const struct mpu_ctl *ctl,
                               const struct mpu_req *req)
{
    if (req->el < 2 || !ctl->el2_m)
        return req->addr;
    /* The fast path of an EL2 lookup reads nothing but the first way and
     * `pending`: while the way holds the same single-region segment, every
     * address in it takes that path to the same answer. */
    const struct mpu *mpu = &pair->el2;
    const struct mpu_cache_entry *e = &mpu->cache[req->type == MPU_ACC_EXEC][0];
    unsigned need = (unsigned)req->type;
    if (req->addr - e->lo > e->span || e->region < 0 || mpu->pending ||
        (need & ~mpu_perm_of(e->perm, mpu_nibble(MPU_VIEW_OWN, ctl->el2_wxn))))
        return req->addr;
    return e->lo + e->span;   /* span is at most UINT64_MAX - lo: no wrap */
}

bool mpu_lookup_until(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                      const struct mpu_req *req, struct mpu_result *res, uint64_t *until)
{
    /* An EL2 access on the fast path has its segment in hand: no second
     * look at the cache.  The lookup is the one mpu_lookup makes, so a
     * refill here is the refill it would make, and anything off the fast
     * path is handed to it with the entry already in the first way. */
    if (req->el >= 2 && ctl->el2_m) {
        struct mpu *mpu = &pair->el2;
        const struct mpu_cache_entry *e;
        uint8_t attr;
        if (fast_stage(mpu, req->addr, (unsigned)req->type, req->type == MPU_ACC_EXEC,
                       mpu_nibble(MPU_VIEW_OWN, ctl->el2_wxn), ctl->mair_el2, &e, &attr)) {
            res->ok = true;
            res->pa = req->addr;
            res->kind = MPU_FAULT_NONE;
            res->s1_region = (int16_t)e->region;
            res->s2_region = -1;
            res->attr = attr;
            res->sh = final_sh(attr, e->sh);
            *until = e->lo + e->span;   /* span is at most UINT64_MAX - lo: no wrap */
            return true;
        }
    }
    if (!mpu_lookup(pair, ctl, req, res))
        return false;
    *until = mpu_lookup_same_until(pair, ctl, req);
    return true;
}

bool mpu_stage2(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                const struct mpu_req *req, uint64_t ipa, uint8_t s1_attr,
                uint8_t s1_sh, struct mpu_result *res)
{
    clear_result(res, req);
    res->pa = ipa;
    return stage2(pair, ctl, req, ipa, s1_attr, s1_sh, res);
}
