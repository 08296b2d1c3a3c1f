/* The hypervisor's own addresses under an EL2 MMU (profile a modules):
 * the walk the core's MMU would make through the tables the module built
 * (TTBR0_EL2, TCR_EL2 with a 4 KiB granule), so that the bytes a guest run
 * moves land at the physical addresses the module mapped, and an access
 * through an address the module never mapped is the EL2 fault it would be.
 * Only the leaf's AP[2] (read-only) is checked; the hierarchical APTable
 * bits are not used by the modules here. */
#include "hv/hv_internal.h"

#define DESC_VALID 1ull
#define DESC_TABLE 2ull          /* levels 0-2: table, else block */
#define DESC_AP_RO (1ull << 7)   /* AP[2] */
#define DESC_OA 0x0000FFFFFFFFF000ull

int hv_el2_translate(struct hv *hv, unsigned core, uint64_t va, bool write, uint64_t *pa)
{
    if (core >= hv->ncores)
        return -1;
    const uint64_t *sr = hv->sysregs[core];
    if (!(sr[HV_SYSREG_SCTLR_EL2] & 1)) {   /* M off: flat */
        *pa = va;
        return 0;
    }
    uint64_t tcr = sr[HV_SYSREG_TCR_EL2];
    unsigned t0sz = (unsigned)(tcr & 63), tg0 = (unsigned)((tcr >> 14) & 3);
    if (tg0 != 0 || t0sz < 16 || t0sz > 39)
        return -1;                           /* only the 4 KiB granule is walked */
    unsigned va_bits = 64 - t0sz;
    if (va >> va_bits)
        return -1;
    /* Each level resolves 9 bits above the 12-bit page offset; the first
     * level takes what is left. */
    int level = 4 - (int)((va_bits - 12 + 8) / 9);
    uint64_t table = sr[HV_SYSREG_TTBR0_EL2] & DESC_OA;
    for (;; level++) {
        unsigned shift = 12 + 9 * (unsigned)(3 - level);
        unsigned bits = va_bits - shift < 9 ? va_bits - shift : 9;
        uint64_t idx = (va >> shift) & ((1ull << bits) - 1);
        uint64_t d = hv_pt_read(hv, table + 8 * idx);
        if (!(d & DESC_VALID))
            return -1;
        bool leaf = level == 3 || !(d & DESC_TABLE);
        if (level == 3 && !(d & DESC_TABLE))
            return -1;                       /* reserved encoding at level 3 */
        if (leaf && level == 0)
            return -1;                       /* no level-0 blocks with 4 KiB pages */
        if (!leaf) {
            table = d & DESC_OA;
            continue;
        }
        if (write && (d & DESC_AP_RO))
            return -1;
        uint64_t mask = (1ull << shift) - 1;
        *pa = (d & DESC_OA & ~mask) | (va & mask);
        return 0;
    }
}
