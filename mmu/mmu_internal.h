/* Shared between the files of mmu/: decoded control registers, the walk
 * context, TLB arrays, permissions.  Nothing outside mmu/ includes this. */
#ifndef MSASIM_MMU_MMU_INTERNAL_H
#define MSASIM_MMU_MMU_INTERNAL_H

#include "mmu/mmu.h"

#define MMU_MAX_LEVEL 3

static inline uint64_t mmu_sext55(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 8) >> 8);
}

/* ---- TLB entry tags --------------------------------------------------------- */

/* What produced an entry; an entry only matches under the same tag.
 *   bit 0: EL2 regime
 *   bits 2:1: stage 2 in effect when it was made (enum mmu_s2_kind)
 *   bit 7: a stage-2 entry (IPA cache, stage-2 walk cache), keyed by IPA */
enum mmu_s2_kind {
    MMU_S2_NONE = 0,
    MMU_S2_VMSA = 1,
    MMU_S2_EXT = 2,          /* caller's stage 2 (MPU): applied at every use */
};

#define MMU_TAG_EL2   0x01u
#define MMU_TAG_S2(k) ((unsigned)(k) << 1)
#define MMU_TAG_STAGE2_ENTRY 0x80u

static inline uint8_t mmu_tag(bool el2, enum mmu_s2_kind s2)
{
    return (uint8_t)((el2 ? MMU_TAG_EL2 : 0) | MMU_TAG_S2(s2));
}

/* ---- Permissions ------------------------------------------------------------ */

/* Stage-1 permission byte: EL0 (unprivileged) bits 2:0, privileged bits
 * 5:3 (EL1, or EL2 in the EL2 regime).  Stage 2 uses bits 2:0. */
#define MMU_P_R 1u
#define MMU_P_W 2u
#define MMU_P_X 4u
#define MMU_P_PRIV_SHIFT 3

/* Accumulated table attributes, as bits [62:59] of a table descriptor
 * shifted down: bit 0 PXNTable, bit 1 UXNTable/XNTable, bit 2 APTable[0],
 * bit 3 APTable[1]. */
#define MMU_T_PXN 1u
#define MMU_T_UXN 2u
#define MMU_T_NO_EL0 4u
#define MMU_T_RO 8u

uint8_t mmu_s1_perm(const struct mmu_desc *leaf, unsigned tattrs, bool el2_regime,
                    bool wxn);
uint8_t mmu_s2_perm(const struct mmu_desc *leaf);

/* Permission bits an access needs. */
static inline unsigned mmu_need(enum mmu_access type)
{
    return type == MMU_ACC_EXEC ? MMU_P_X : (unsigned)type & (MMU_P_R | MMU_P_W);
}

/* ---- Decoded control registers --------------------------------------------- */

struct mmu_s1_params {
    uint8_t gshift;          /* 12, 14, 16 */
    uint8_t ia_bits;         /* 64 - TxSZ */
    uint8_t oa_bits;         /* min(IPS/PS, PARange) */
    int8_t start_level;
    bool txsz_bad;           /* TxSZ outside 16..39 */
    bool epd;                /* walks disabled for this half */
    uint64_t ttbr;           /* raw TTBR */
    uint8_t walk_attr;       /* IRGN/ORGN as a MAIR byte */
    uint8_t walk_sh;
};

struct mmu_s2_params {
    uint8_t gshift;
    uint8_t ia_bits;
    uint8_t oa_bits;
    int8_t start_level;
    bool bad;                /* SL0/T0SZ/PS inconsistent: Translation fault L0 */
    uint64_t vttbr;
};

unsigned mmu_pa_bits(const struct mmu_ctl *ctl);

/* mmu_ctl_asid / mmu_ctl_vmid for the translation fast path. */
static inline uint16_t mmu_asid_of(const struct mmu_ctl *ctl)
{
    uint64_t src = (ctl->tcr & MMU_TCR_A1) ? ctl->ttbr1 : ctl->ttbr0;
    uint16_t asid = (uint16_t)(src >> 48);
    return (ctl->tcr & MMU_TCR_AS) ? asid : (uint16_t)(asid & 0xFF);
}

static inline uint16_t mmu_vmid_of(const struct mmu_ctl *ctl)
{
    uint16_t vmid = (uint16_t)(ctl->vttbr >> 48);
    return (ctl->vtcr & MMU_VTCR_VS) ? vmid : (uint16_t)(vmid & 0xFF);
}

static inline bool mmu_is_device(uint8_t attr)
{
    return (attr & 0xF0) == 0;
}

static inline uint8_t mmu_eff_sh(uint8_t attr, uint8_t sh)
{
    if (mmu_is_device(attr) || attr == 0x44)
        return MMU_SH_OUTER;
    return sh == 1 ? MMU_SH_NON : sh;
}
void mmu_s1_params(const struct mmu_ctl *ctl, bool select1, struct mmu_s1_params *p);
void mmu_s2_params(const struct mmu_ctl *ctl, struct mmu_s2_params *p);
/* Table base from a TTBR/VTTBR, aligned to the start-level table (which may
 * be several concatenated pages). */
uint64_t mmu_table_base(uint64_t ttbr, unsigned gshift, unsigned ia_bits,
                        int start_level);
/* Bits of the input consumed at `level` of a walk starting at `start`. */
unsigned mmu_index_bits(unsigned gshift, unsigned ia_bits, int start, int level);

/* ---- Faults ------------------------------------------------------------------ */

struct mmu_fault {
    enum mmu_fault_kind kind;
    uint8_t stage;
    uint8_t level;
    uint8_t fsc;
    bool s1ptw;
    bool ipa_valid;
    uint64_t ipa;
};

/* Fill `f` for a VMSA fault of `kind` at `level`; returns false. */
bool mmu_fault_set(struct mmu_fault *f, enum mmu_fault_kind kind, unsigned stage,
                   unsigned level, uint64_t ipa);

/* ---- TLB arrays ------------------------------------------------------------ */

struct mmu_tlbe *mmu_tlba_find(struct mmu_tlb_array *a, uint64_t key, uint8_t tag,
                               uint16_t asid, uint16_t vmid, bool lru);
/* Find an entry of exactly size 2^shift made from a descriptor at `level`
 * (walk cache). */
struct mmu_tlbe *mmu_tlba_find_level(struct mmu_tlb_array *a, uint64_t key,
                                     unsigned shift, unsigned level, uint8_t tag,
                                     uint16_t asid, uint16_t vmid, bool lru);
/* Insert a copy of `src` (va already aligned, mask and shift set).  Returns
 * true when a valid entry was evicted to make room. */
bool mmu_tlba_insert(struct mmu_tlb_array *a, const struct mmu_tlbe *src);
typedef bool (*mmu_tlbe_pred)(const struct mmu_tlbe *e, const void *arg);
unsigned mmu_tlba_invalidate(struct mmu_tlb_array *a, mmu_tlbe_pred pred, const void *arg);
bool mmu_tlba_present(const struct mmu_tlb_array *a);

/* ---- Walks -------------------------------------------------------------------- */

/* Everything one translation (or AT) works with. */
struct mmu_walk {
    struct mmu_tlb *tlb;     /* NULL-free: AT points it at a scratch TLB */
    struct mmu_stats *stats;
    const struct mmu_ctl *ctl;
    const struct mmu_bus *bus;
    bool use_caches;         /* walk cache and IPA cache (not for AT) */
    bool el2;
    enum mmu_s2_kind s2;
    uint8_t tag;
    uint16_t asid, vmid;
    uint8_t el;
    bool unprivileged;
    enum mmu_access type;
    unsigned reads;          /* descriptor reads so far */
    bool s2_walked;          /* a stage-2 walk ran (not only the IPA cache) */
    bool s2_decoded;
    struct mmu_s2_params s2p;
};

/* A stage-1 walk's leaf. */
struct mmu_s1_leaf {
    struct mmu_desc d;
    uint64_t oa;             /* output of the walked page (for `key`'s page) */
    uint8_t level;
    uint8_t gshift;
    uint8_t tattrs;
    uint8_t walk_attr, walk_sh;
};

/* A stage-2 translation of one IPA. */
struct mmu_s2_xlat {
    uint64_t ipa_base;       /* base of the mapping (contiguous range if hinted) */
    uint64_t pa_base;
    uint8_t shift;
    uint8_t perm;            /* MMU_P_* */
    uint8_t attr;            /* MemAttr as a MAIR byte */
    uint8_t sh;
    uint8_t level;
};

bool mmu_walk_s1(struct mmu_walk *w, uint64_t key, bool select1,
                 struct mmu_s1_leaf *leaf, struct mmu_fault *f);
/* Stage-2 translation of `ipa` (IPA cache, else a walk), no permission
 * check.  A fault is a stage-2 fault; the caller sets s1ptw. */
bool mmu_s2_lookup(struct mmu_walk *w, uint64_t ipa, struct mmu_s2_xlat *x,
                   struct mmu_fault *f);
/* The caller's stage 2 for one access; a fault is a stage-2 fault. */
bool mmu_s2_call(struct mmu_walk *w, uint64_t ipa, enum mmu_access type, bool s1ptw,
                 uint8_t s1_attr, uint8_t s1_sh, struct mmu_s2_out *out,
                 struct mmu_fault *f);

void mmu_walk_count(struct mmu_stats *st, enum mmu_walk_kind kind, unsigned reads,
                    bool faulted);

/* ---- Translation core (mmu_translate and AT) ------------------------------- */

#define MMU_X_NO_TLB   1u    /* neither look up nor fill the TLBs */
#define MMU_X_S1_ONLY  2u    /* stop at the IPA (AT S1E*): stage 2 for walks only */

bool mmu_xlate(struct mmu_tlb *tlb, const struct mmu_ctl *ctl, const struct mmu_bus *bus,
               const struct mmu_req *req, struct mmu_result *res, unsigned flags);

#endif
