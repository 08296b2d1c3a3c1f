/* Translation table descriptors (VMSAv8-64, 48-bit output addresses).
 *
 *   bits[1:0]  0b00/0b10 invalid; 0b11 table at L0-L2, page at L3;
 *              0b01 block at L1/L2 (4 KiB granule) or L2 (16/64 KiB),
 *              reserved elsewhere (there is no L0 block without 52-bit
 *              addresses, and no L1 block with 16/64 KiB granules).
 *   Stage 1 leaf: AttrIndx[4:2] NS[5] AP[7:6] SH[9:8] AF[10] nG[11]
 *                 DBM[51] Contiguous[52] PXN[53] UXN/XN[54]
 *   Stage 2 leaf: MemAttr[5:2] S2AP[7:6] SH[9:8] AF[10] DBM[51]
 *                 Contiguous[52] XN[54]
 *   Stage 1 table: PXNTable[59] UXNTable[60] APTable[62:61] NSTable[63];
 *                 stage-2 tables have no attributes. */
#include <string.h>

#include "mmu/mmu_internal.h"

unsigned mmu_level_shift(unsigned gshift, int level)
{
    return gshift + (gshift - 3) * (unsigned)(MMU_MAX_LEVEL - level);
}

/* Entries in a contiguous range: 16 for every level of the 4 KiB granule;
 * 128 pages or 32 blocks with 16 KiB; 32 with 64 KiB. */
unsigned mmu_contig_bits(unsigned gshift, int level)
{
    switch (gshift) {
    case 12: return 4;
    case 14: return level == 3 ? 7 : 5;
    default: return 5;
    }
}

static bool block_allowed(unsigned gshift, int level)
{
    if (gshift == 12)
        return level == 1 || level == 2;
    return level == 2;
}

static uint64_t mask_from(unsigned shift)
{
    return MMU_DESC_OA_MASK & ~((1ull << shift) - 1);
}

void mmu_desc_decode(uint64_t raw, int level, unsigned gshift, bool stage2,
                     struct mmu_desc *d)
{
    memset(d, 0, sizeof *d);
    if (!(raw & MMU_DESC_VALID)) {
        d->type = MMU_DESC_INVALID;
        return;
    }
    bool bit1 = (raw & MMU_DESC_TABLE) != 0;
    if (level == MMU_MAX_LEVEL)
        d->type = bit1 ? MMU_DESC_TYPE_PAGE : MMU_DESC_RESERVED;
    else if (bit1)
        d->type = MMU_DESC_TYPE_TABLE;
    else
        d->type = block_allowed(gshift, level) ? MMU_DESC_TYPE_BLOCK : MMU_DESC_RESERVED;

    switch (d->type) {
    case MMU_DESC_TYPE_TABLE:
        d->oa = raw & mask_from(gshift);
        if (!stage2) {
            d->pxn_table = (raw & MMU_TBL_PXN) != 0;
            d->uxn_table = (raw & MMU_TBL_UXN) != 0;
            d->ap_table = (uint8_t)((raw >> 61) & 3);
            d->ns_table = (raw & MMU_TBL_NS) != 0;
        }
        return;
    case MMU_DESC_TYPE_BLOCK:
    case MMU_DESC_TYPE_PAGE:
        break;
    default:
        return;
    }

    d->out_shift = (uint8_t)mmu_level_shift(gshift, level);
    d->oa = raw & mask_from(d->out_shift);
    d->sh = (uint8_t)((raw >> 8) & 3);
    d->af = (raw & MMU_DESC_AF) != 0;
    d->dbm = (raw & MMU_DESC_DBM) != 0;
    d->contig = (raw & MMU_DESC_CONTIG) != 0;
    if (stage2) {
        d->memattr = (uint8_t)((raw >> 2) & 15);
        d->s2ap = (uint8_t)((raw >> 6) & 3);
        d->xn = (raw & MMU_S2_XN) != 0;
    } else {
        d->attrindx = (uint8_t)((raw >> 2) & 7);
        d->ns = (raw & MMU_S1_NS) != 0;
        d->ap = (uint8_t)((raw >> 6) & 3);
        d->ng = (raw & MMU_S1_NG) != 0;
        d->pxn = (raw & MMU_S1_PXN) != 0;
        d->uxn = (raw & MMU_S1_UXN) != 0;
    }
}
