/* Permissions and attributes of a region: PRBAR.AP/XN decoded once per
 * synchronization into the nibbles the fast path reads, the background map,
 * and the combination of stage-1 and stage-2 attributes. */
#include "mpu/mpu_internal.h"

/* AP[2:1] -> {own level, lower level} access, the same table for both MPUs:
 * bit 0 of the field lets the lower level in (EL0 for the EL1 MPU, EL1&0 at
 * stage 2 for the EL2 MPU), bit 1 makes the region read-only. */
static const struct {
    unsigned own, lower;
} ap_table[4] = {
    [MPU_AP_RW_PRIV] = {MPU_P_R | MPU_P_W, 0},
    [MPU_AP_RW_ALL] = {MPU_P_R | MPU_P_W, MPU_P_R | MPU_P_W},
    [MPU_AP_RO_PRIV] = {MPU_P_R, 0},
    [MPU_AP_RO_ALL] = {MPU_P_R, MPU_P_R},
};

/* Execution needs read permission and no execute-never; WXN (SCTLR.WXN)
 * removes it from anything writable at that level. */
static unsigned with_exec(unsigned rw, bool xn, bool wxn)
{
    if (!(rw & MPU_P_R) || xn)
        return rw;
    if (wxn && (rw & MPU_P_W))
        return rw;
    return rw | MPU_P_X;
}

static uint32_t put(uint32_t perm, enum mpu_viewer v, bool wxn, unsigned bits)
{
    return perm | ((uint32_t)bits << (4u * mpu_nibble(v, wxn)));
}

/* Stage-2 execute-never for EL1 and EL0 accesses, per the chosen reading of
 * XN[1:0] (see enum mpu_s2_xn). */
static void s2_xn(enum mpu_s2_xn mode, unsigned xn, bool *xn_el1, bool *xn_el0)
{
    if (mode == MPU_S2_XN_XNX) {
        static const bool el1[4] = {false, true, true, false};
        static const bool el0[4] = {false, false, true, true};
        *xn_el1 = el1[xn & 3];
        *xn_el0 = el0[xn & 3];
        return;
    }
    *xn_el1 = *xn_el0 = (xn & 2) != 0;
}

uint32_t mpu_region_perm(enum mpu_regime regime, uint64_t prbar,
                         const struct mpu_options *opts)
{
    unsigned ap = (unsigned)((prbar & MPU_PRBAR_AP_MASK) >> MPU_PRBAR_AP_SHIFT);
    unsigned xn = (unsigned)(prbar & MPU_PRBAR_XN_MASK);
    /* Stage 1 of either regime: XN[1] is execute-never, XN[0] is not used. */
    bool s1_xn = (xn & 2) != 0;
    uint32_t perm = 0;

    for (int wxn = 0; wxn < 2; wxn++) {
        perm = put(perm, MPU_VIEW_OWN, wxn, with_exec(ap_table[ap].own, s1_xn, wxn));
        if (regime == MPU_REGIME_EL1)
            perm = put(perm, MPU_VIEW_LOWER, wxn,
                       with_exec(ap_table[ap].lower, s1_xn, wxn));
    }
    if (regime == MPU_REGIME_EL2) {
        bool xn_el1, xn_el0;
        s2_xn(opts->s2_xn, xn, &xn_el1, &xn_el0);
        /* Stage 2 has no WXN: both nibbles of a viewer hold the same bits. */
        for (int wxn = 0; wxn < 2; wxn++) {
            perm = put(perm, MPU_VIEW_S2_EL1, wxn,
                       with_exec(ap_table[ap].lower, xn_el1, false));
            perm = put(perm, MPU_VIEW_S2_EL0, wxn,
                       with_exec(ap_table[ap].lower, xn_el0, false));
        }
    }
    return perm;
}

void mpu_region_decode(enum mpu_regime regime, const struct mpu_region *r,
                       const struct mpu_options *opts, struct mpu_region_meta *m)
{
    mpu_region_decode_with(r, mpu_region_perm(regime, r->prbar, opts), m);
}

void mpu_perm_table_fill(enum mpu_regime regime, const struct mpu_options *opts,
                         uint32_t table[MPU_PERM_CODES])
{
    for (unsigned code = 0; code < MPU_PERM_CODES; code++)
        table[code] = mpu_region_perm(regime, code, opts);
}

#define MAIR_NORMAL_WB 0xFFu
#define MAIR_DEVICE_NGNRNE 0x00u
#define BGMAP_DEVICE_START 0x80000000ull

unsigned mpu_bgmap_perm(const struct mpu_options *opts, uint64_t addr,
                        uint8_t *attr, uint8_t *sh)
{
    if (opts->bgmap == MPU_BGMAP_SPLIT_2G && addr >= BGMAP_DEVICE_START) {
        *attr = MAIR_DEVICE_NGNRNE;
        *sh = MPU_SH_OUTER;
        return MPU_P_R | MPU_P_W;
    }
    *attr = MAIR_NORMAL_WB;
    *sh = MPU_SH_INNER;
    return MPU_P_R | MPU_P_W | MPU_P_X;
}

/* Cacheability of one MAIR half for Normal memory, weakest first. */
enum cacheability { CACHE_NC = 0, CACHE_WT = 1, CACHE_WB = 2 };

static enum cacheability half_kind(unsigned h)
{
    if (h == 0x4 || h == 0x0)
        return CACHE_NC;
    /* 0b00RW / 0b10RW write-through, 0b01RW / 0b11RW write-back */
    return (h & 0x4) ? CACHE_WB : CACHE_WT;
}

static bool is_device(uint8_t attr)
{
    return (attr & 0xF0) == 0;
}

uint8_t mpu_combine_attr(uint8_t s1, uint8_t s2)
{
    if (is_device(s1) && is_device(s2))
        return (uint8_t)((s1 & 0x0C) < (s2 & 0x0C) ? (s1 & 0x0C) : (s2 & 0x0C));
    if (is_device(s1))
        return s1;
    if (is_device(s2))
        return s2;
    unsigned out = 0;
    for (int shift = 4; shift >= 0; shift -= 4) {
        unsigned h1 = (s1 >> shift) & 0xF, h2 = (s2 >> shift) & 0xF;
        unsigned h = half_kind(h1) <= half_kind(h2) ? h1 : h2;
        out |= h << shift;
    }
    return (uint8_t)out;
}
