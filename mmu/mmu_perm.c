/* Access permissions of a leaf descriptor, with the hierarchical table
 * attributes of its walk folded in.
 *
 * EL1&0 stage 1, AP[2:1]:  00 EL1 RW, EL0 none   01 EL1 RW, EL0 RW
 *                          10 EL1 RO, EL0 none   11 EL1 RO, EL0 RO
 *   APTable[0] removes EL0 access below the table, APTable[1] removes
 *   write access; UXNTable/PXNTable add execute-never.  A location that the
 *   leaf makes writable at EL0 is never executable at EL1 (implicit PXN).
 *   Execution needs no read permission (EL0 execute-only memory exists).
 * EL2 stage 1: AP[2] read-only, AP[1] ignored; XN (bit 54) and XNTable,
 *   APTable[1]; PXN, PXNTable and APTable[0] are RES0.
 * WXN (SCTLR_ELx.WXN): writable means not executable, at the same EL.
 * Stage 2: S2AP[0] read, S2AP[1] write, XN (bit 54) no execution; an
 *   AArch64 EL2 does not require read permission for execution. */
#include "mmu/mmu_internal.h"

uint8_t mmu_s1_perm(const struct mmu_desc *leaf, unsigned tattrs, bool el2_regime,
                    bool wxn)
{
    bool ro = (leaf->ap & 2) != 0;
    if (el2_regime) {
        bool w = !ro && !(tattrs & MMU_T_RO);
        bool x = !leaf->uxn && !(tattrs & MMU_T_UXN) && !(wxn && w);
        unsigned p = MMU_P_R | (w ? MMU_P_W : 0) | (x ? MMU_P_X : 0);
        return (uint8_t)(p << MMU_P_PRIV_SHIFT);
    }

    bool el0 = (leaf->ap & 1) != 0;
    bool pr = true, pw = !ro, ur = el0, uw = el0 && !ro;
    /* implicit PXN from the leaf's own EL0 write permission */
    bool px = !leaf->pxn && !uw;
    bool ux = !leaf->uxn;

    if (tattrs & MMU_T_NO_EL0)
        ur = uw = false;
    if (tattrs & MMU_T_RO)
        pw = uw = false;
    if (tattrs & MMU_T_PXN)
        px = false;
    if (tattrs & MMU_T_UXN)
        ux = false;
    if (wxn) {
        if (pw)
            px = false;
        if (uw)
            ux = false;
    }
    unsigned u = (ur ? MMU_P_R : 0) | (uw ? MMU_P_W : 0) | (ux ? MMU_P_X : 0);
    unsigned p = (pr ? MMU_P_R : 0) | (pw ? MMU_P_W : 0) | (px ? MMU_P_X : 0);
    return (uint8_t)(u | p << MMU_P_PRIV_SHIFT);
}

uint8_t mmu_s2_perm(const struct mmu_desc *leaf)
{
    unsigned p = 0;
    if (leaf->s2ap & 1)
        p |= MMU_P_R;
    if (leaf->s2ap & 2)
        p |= MMU_P_W;
    if (!leaf->xn)
        p |= MMU_P_X;
    return (uint8_t)p;
}
