/* Address translation instructions (AT) and the PAR_EL1 they produce.
 *
 *   AT S1E1R/W  (op1 0, CRm 8, op2 0/1)  EL1&0 stage 1, EL1 permissions
 *   AT S1E0R/W  (0, 8, 2/3)              EL1&0 stage 1, EL0 permissions
 *   AT S1E2R/W  (4, 8, 0/1)              EL2 stage 1
 *   AT S12E1R/W (4, 8, 4/5)              EL1&0 stages 1 and 2, EL1
 *   AT S12E0R/W (4, 8, 6/7)              EL1&0 stages 1 and 2, EL0
 *
 * The S1 forms report the IPA.  Their stage-1 table walk still goes through
 * stage 2; a stage-2 fault there, for an AT executed at EL1, is taken as a
 * Data Abort to EL2 rather than reported in PAR_EL1.  Every other fault
 * (including an external abort on the walk) is reported in PAR_EL1.
 *
 * PAR_EL1 on success: F[0] = 0, SH[8:7], bit 11 RES1, PA[47:12],
 * ATTR[63:56].  On a fault: F = 1, FST[6:1], PTW[8] (stage-2 fault on a
 * stage-1 walk), S[9] (stage-2 fault), bit 11 RES1. */
#include <string.h>

#include "mmu/mmu_internal.h"

struct at_row {
    const char *name;
    uint8_t op1, op2;
    bool el2_regime, two_stage, el0, write;
};

static const struct at_row rows[MMU_AT_COUNT] = {
    [MMU_AT_S1E1R]  = {"S1E1R",  0, 0, false, false, false, false},
    [MMU_AT_S1E1W]  = {"S1E1W",  0, 1, false, false, false, true},
    [MMU_AT_S1E0R]  = {"S1E0R",  0, 2, false, false, true,  false},
    [MMU_AT_S1E0W]  = {"S1E0W",  0, 3, false, false, true,  true},
    [MMU_AT_S1E2R]  = {"S1E2R",  4, 0, true,  false, false, false},
    [MMU_AT_S1E2W]  = {"S1E2W",  4, 1, true,  false, false, true},
    [MMU_AT_S12E1R] = {"S12E1R", 4, 4, false, true,  false, false},
    [MMU_AT_S12E1W] = {"S12E1W", 4, 5, false, true,  false, true},
    [MMU_AT_S12E0R] = {"S12E0R", 4, 6, false, true,  true,  false},
    [MMU_AT_S12E0W] = {"S12E0W", 4, 7, false, true,  true,  true},
};

int mmu_at_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    if (crn != 7 || crm != 8)
        return -1;
    for (unsigned i = 0; i < MMU_AT_COUNT; i++)
        if (rows[i].op1 == op1 && rows[i].op2 == op2)
            return (int)i;
    return -1;
}

const char *mmu_at_name(enum mmu_at_op op)
{
    return (unsigned)op < MMU_AT_COUNT ? rows[op].name : "?";
}

enum mmu_regime mmu_at_regime(enum mmu_at_op op)
{
    return (unsigned)op < MMU_AT_COUNT && rows[op].el2_regime ? MMU_REGIME_EL2
                                                              : MMU_REGIME_EL10;
}

unsigned mmu_at_min_el(enum mmu_at_op op)
{
    return (unsigned)op < MMU_AT_COUNT && rows[op].op1 == 4 ? 2 : 1;
}

uint64_t mmu_at(struct mmu_tlb *tlb, const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                enum mmu_at_op op, uint64_t va, unsigned from_el, struct mmu_at_out *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)op >= MMU_AT_COUNT) {
        out->par = MMU_PAR_RES1 | MMU_PAR_F;
        return out->par;
    }
    const struct at_row *r = &rows[op];

    /* AT uses no TLB entry; without a TLB the walk still needs the
     * configuration (contiguous hint) and somewhere to count. */
    struct mmu_tlb scratch;
    if (!tlb) {
        memset(&scratch, 0, sizeof scratch);
        mmu_tlb_config_default(&scratch.cfg);
        tlb = &scratch;
    }
    tlb->stats.at_ops[op]++;

    struct mmu_ctl c = *ctl;
    c.regime = r->el2_regime ? MMU_REGIME_EL2 : MMU_REGIME_EL10;
    struct mmu_req req = {
        .va = va,
        .type = r->write ? MMU_ACC_WRITE : MMU_ACC_READ,
        .el = r->el2_regime ? 2 : r->el0 ? 0 : 1,
    };
    unsigned flags = MMU_X_NO_TLB | (r->two_stage ? 0 : MMU_X_S1_ONLY);
    struct mmu_result res;
    if (mmu_xlate(tlb, &c, bus, &req, &res, flags)) {
        out->par = MMU_PAR_RES1 | MMU_PAR_SH(res.sh) | (res.pa & MMU_PAR_PA_MASK) |
                   MMU_PAR_ATTR(res.attr);
        return out->par;
    }
    if (!r->two_stage && !r->el2_regime && from_el == 1 && res.stage == 2 && res.s1ptw) {
        out->take_exception = true;
        out->fault = res;
        out->par = 0;
        return 0;
    }
    out->par = MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_FST(res.fsc) |
               (res.s1ptw ? MMU_PAR_PTW : 0) | (res.stage == 2 ? MMU_PAR_S : 0);
    return out->par;
}
