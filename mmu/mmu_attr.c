/* Memory attributes: MAIR bytes, stage-2 MemAttr, and how the two stages
 * combine.
 *
 * MAIR byte: high nibble outer, low nibble inner.  0b0000dd00 is Device
 * (dd: nGnRnE, nGnRE, nGRE, GRE).  Normal nibbles: 0b0100 Non-cacheable;
 * 0b00RW Write-Through transient, 0b01RW Write-Back transient (RW != 00);
 * 0b10RW Write-Through, 0b11RW Write-Back (R, W: allocation hints).
 *
 * Combination (stage 1 with stage 2): Device beats Normal and the stricter
 * Device type wins; for Normal memory each half takes the weaker
 * cacheability (NC < WT < WB), keeping stage 1's allocation hints and
 * transience. */
#include "mmu/mmu_internal.h"

enum cache_kind { K_NC = 0, K_WT = 1, K_WB = 2 };

uint8_t mmu_mair_attr(uint64_t mair, unsigned idx)
{
    return (uint8_t)(mair >> ((idx & 7) * 8));
}

bool mmu_attr_is_device(uint8_t attr)
{
    return mmu_is_device(attr);
}

static enum cache_kind nibble_kind(unsigned n)
{
    switch (n >> 2) {
    case 0: return (n & 3) ? K_WT : K_NC;   /* 0b0000 inner: UNPREDICTABLE, NC */
    case 1: return (n & 3) ? K_WB : K_NC;
    case 2: return K_WT;
    default: return K_WB;
    }
}

static bool nibble_transient(unsigned n)
{
    return (n >> 3) == 0 && (n & 3) != 0;
}

/* One half (inner or outer) of a Normal/Normal combination. */
static unsigned combine_half(unsigned s1, unsigned s2)
{
    enum cache_kind k1 = nibble_kind(s1), k2 = nibble_kind(s2);
    enum cache_kind k = k1 < k2 ? k1 : k2;
    if (k == K_NC)
        return 0x4;
    unsigned hints = s1 & 3;
    if (nibble_transient(s1) && hints != 0)
        return (k == K_WT ? 0x0 : 0x4) | hints;
    return (k == K_WT ? 0x8 : 0xC) | hints;
}

uint8_t mmu_combine_attr(uint8_t s1, uint8_t s2)
{
    if (mmu_attr_is_device(s1) || mmu_attr_is_device(s2)) {
        /* Device bytes sort below Normal ones, and stricter Device types
         * below weaker ones. */
        uint8_t a = s1 < s2 ? s1 : s2;
        return (uint8_t)(a & 0x0C);
    }
    unsigned outer = combine_half(s1 >> 4, s2 >> 4);
    unsigned inner = combine_half(s1 & 15, s2 & 15);
    return (uint8_t)(outer << 4 | inner);
}

/* MemAttr[3:2] = 00: Device, [1:0] the type.  Otherwise [3:2] outer and
 * [1:0] inner: 01 NC, 10 WT, 11 WB; inner 00 is reserved and taken as NC. */
uint8_t mmu_s2_memattr_to_mair(unsigned memattr)
{
    static const uint8_t half[4] = {0x4, 0x4, 0x8, 0xC};
    memattr &= 15;
    if ((memattr >> 2) == 0)
        return (uint8_t)(memattr << 2);
    return (uint8_t)(half[memattr >> 2] << 4 | half[memattr & 3]);
}

uint8_t mmu_combine_sh(uint8_t s1, uint8_t s2)
{
    if (s1 == MMU_SH_OUTER || s2 == MMU_SH_OUTER)
        return MMU_SH_OUTER;
    if (s1 == MMU_SH_INNER || s2 == MMU_SH_INNER)
        return MMU_SH_INNER;
    return MMU_SH_NON;
}

uint8_t mmu_effective_sh(uint8_t attr, uint8_t sh)
{
    return mmu_eff_sh(attr, sh);
}
