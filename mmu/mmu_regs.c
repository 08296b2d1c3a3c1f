/* The control registers a walk depends on, decoded: TCR_EL1 (per TTBR half),
 * TCR_EL2 (non-VHE), VTCR_EL2, the ASID and the VMID.
 *
 * Choices for encodings the architecture reserves: a reserved TGx value
 * means 4 KiB; PS/IPS values above 48 bits mean 48; every output size is
 * also capped by the implemented PA size. */
#include "mmu/mmu_internal.h"

unsigned mmu_ps_bits(unsigned ps)
{
    static const uint8_t bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    return bits[ps & 7];
}

unsigned mmu_pa_bits(const struct mmu_ctl *ctl)
{
    unsigned b = ctl->pa_bits;
    if (b == 0 || b > 48)
        return 48;
    return b < 32 ? 32 : b;
}

static unsigned min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* TG0 (TCR_EL1, TCR_EL2, VTCR_EL2): 00 4K, 01 64K, 10 16K. */
static unsigned tg0_shift(unsigned tg)
{
    return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

/* TG1 (TCR_EL1): 01 16K, 10 4K, 11 64K. */
static unsigned tg1_shift(unsigned tg)
{
    return tg == 1 ? 14 : tg == 3 ? 16 : 12;
}

/* IRGN/ORGN: 00 NC, 01 WB RA WA, 10 WT RA, 11 WB RA no WA; as a MAIR nibble. */
static uint8_t rgn_nibble(unsigned rgn)
{
    static const uint8_t nib[4] = {0x4, 0xF, 0xA, 0xE};
    return nib[rgn & 3];
}

/* Start level of a stage-1 walk: enough levels of (gshift - 3) bits to
 * cover ia_bits above the page offset. */
static int s1_start_level(unsigned gshift, unsigned ia_bits)
{
    unsigned stride = gshift - 3;
    return 4 - (int)((ia_bits - 4) / stride);
}

void mmu_s1_params(const struct mmu_ctl *ctl, bool select1, struct mmu_s1_params *p)
{
    uint64_t tcr = ctl->tcr;
    bool el2 = ctl->regime == MMU_REGIME_EL2;
    unsigned txsz, irgn, orgn, sh, ps;

    if (el2 || !select1) {
        txsz = (unsigned)(tcr & 63);
        p->gshift = (uint8_t)tg0_shift((unsigned)(tcr >> 14) & 3);
        irgn = (unsigned)(tcr >> 8) & 3;
        orgn = (unsigned)(tcr >> 10) & 3;
        sh = (unsigned)(tcr >> 12) & 3;
        p->epd = !el2 && (tcr & MMU_TCR_EPD0);
        p->ttbr = ctl->ttbr0;
    } else {
        txsz = (unsigned)(tcr >> 16) & 63;
        p->gshift = (uint8_t)tg1_shift((unsigned)(tcr >> 30) & 3);
        irgn = (unsigned)(tcr >> 24) & 3;
        orgn = (unsigned)(tcr >> 26) & 3;
        sh = (unsigned)(tcr >> 28) & 3;
        p->epd = (tcr & MMU_TCR_EPD1) != 0;
        p->ttbr = ctl->ttbr1;
    }
    ps = el2 ? (unsigned)(tcr >> 16) & 7 : (unsigned)(tcr >> 32) & 7;
    p->oa_bits = (uint8_t)min_u(mmu_ps_bits(ps), mmu_pa_bits(ctl));
    /* Without FEAT_LVA/TTST the valid range is 16..39; outside it we fault
     * (IMPLEMENTATION DEFINED: fault, or behave as the nearest bound). */
    p->txsz_bad = txsz < 16 || txsz > 39;
    if (txsz < 16)
        txsz = 16;
    if (txsz > 39)
        txsz = 39;
    p->ia_bits = (uint8_t)(64 - txsz);
    p->start_level = (int8_t)s1_start_level(p->gshift, p->ia_bits);
    p->walk_attr = (uint8_t)(rgn_nibble(orgn) << 4 | rgn_nibble(irgn));
    p->walk_sh = (uint8_t)sh;
}

/* VTCR_EL2: the start level comes from SL0, and must agree with T0SZ (the
 * root may be up to 16 concatenated tables) and with the PA size; any
 * inconsistency is a stage-2 Translation fault at level 0. */
void mmu_s2_params(const struct mmu_ctl *ctl, struct mmu_s2_params *p)
{
    uint64_t vtcr = ctl->vtcr;
    unsigned t0sz = (unsigned)(vtcr & 63);
    unsigned sl0 = (unsigned)(vtcr >> 6) & 3;
    unsigned pa = mmu_pa_bits(ctl);

    p->gshift = (uint8_t)tg0_shift((unsigned)(vtcr >> 14) & 3);
    p->oa_bits = (uint8_t)min_u(mmu_ps_bits((unsigned)(vtcr >> 16) & 7), pa);
    p->vttbr = ctl->vttbr;
    p->bad = t0sz < 16 || t0sz > 39;
    p->ia_bits = (uint8_t)(64 - (t0sz < 16 ? 16 : t0sz > 39 ? 39 : t0sz));

    unsigned stride = p->gshift - 3u;
    int start;
    if (p->gshift == 12) {
        start = 2 - (int)sl0;
        if (sl0 == 3 || (sl0 == 2 && pa < 44))
            p->bad = true;
    } else {
        start = 3 - (int)sl0;
        if (sl0 == 3 || (sl0 == 2 && pa < (p->gshift == 14 ? 42u : 44u)))
            p->bad = true;
    }
    if (start < 0)
        start = 0;
    unsigned levels = (unsigned)(3 - start);
    unsigned min_ia = levels * stride + p->gshift + 1;
    unsigned max_ia = min_ia + stride - 1 + 4;
    if (p->ia_bits < min_ia || p->ia_bits > max_ia || p->ia_bits > pa)
        p->bad = true;
    p->start_level = (int8_t)start;
}

unsigned mmu_index_bits(unsigned gshift, unsigned ia_bits, int start, int level)
{
    if (level == start)
        return ia_bits - mmu_level_shift(gshift, start);
    return gshift - 3;
}

uint64_t mmu_table_base(uint64_t ttbr, unsigned gshift, unsigned ia_bits, int start_level)
{
    unsigned align = mmu_index_bits(gshift, ia_bits, start_level, start_level) + 3;
    return ttbr & 0x0000FFFFFFFFFFFFull & ~((1ull << align) - 1);
}

uint16_t mmu_ctl_asid(const struct mmu_ctl *ctl)
{
    return ctl->regime == MMU_REGIME_EL2 ? 0 : mmu_asid_of(ctl);
}

uint16_t mmu_ctl_vmid(const struct mmu_ctl *ctl)
{
    return mmu_vmid_of(ctl);
}
