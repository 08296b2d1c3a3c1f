/* VMSAv8-64 address translation of one core: stage 1 of the EL1&0 and EL2
 * regimes, stage 2 of EL1&0, the TLBs that cache them, TLB maintenance (TLBI)
 * and address translation instructions (AT, PAR_EL1).
 *
 * The MMU does not own system registers: the core does, and passes the
 * values in effect with every call (struct mmu_ctl).  Page tables are read
 * through a callback (struct mmu_bus), so walks see memory exactly as the
 * core's bus (or cache model) holds it: a page-table write is visible to the
 * next walk, and a TLB entry made before it stays in use until a TLBI drops
 * it, which is what the architecture allows.  Invalid descriptors and
 * faulting translations are never cached.
 *
 * Stage 2 is either the VMSA stage 2 described by VTCR_EL2/VTTBR_EL2, or a
 * function the caller plugs in (mmu_ctl.stage2): on Armv8-R with the EL1 MMU,
 * the EL2 MPU (mmu_stage2_mpu below).  The walker calls stage 2 for its own
 * table reads too, so a stage-2 fault on a stage-1 table walk is reported
 * with S1PTW set and the table's IPA.
 *
 * Supported: 4, 16 and 64 KiB granules; 48-bit VA/IPA and PA at most (no
 * LPA/LVA, no 52-bit); TxSZ 16..39 (other values: Translation fault, level 0,
 * the choice QEMU makes); concatenated stage-2 root tables; TBI (Armv8.0:
 * for instruction and data addresses alike, no TBID); EPD0/EPD1;
 * 8- and 16-bit ASIDs (TCR_EL1.AS) and VMIDs (VTCR_EL2.VS); HCR_EL2.VM, DC,
 * TGE, PTW; SCTLR_ELx.M, C, I, WXN.
 * Not implemented (documented choices): hardware Access flag and dirty-state
 * updates (TCR.HA/HD are ignored: AF = 0 always faults, DBM is ignored); PAN;
 * HPD; FEAT_XNX (stage-2 XN is bit 54 only); HCR_EL2.FWB; VHE (E2H); the
 * NS bits (the model has one physical address space).
 *
 * Decisions where the architecture leaves a choice:
 *   - SCTLR_ELx.WXN is cached in TLB entries (the architecture permits it).
 *   - A VA out of both TTBR ranges, or EPDx = 1, is checked on a TLB miss
 *     only: a TLB hit is used as it is (EPD is specified that way).
 *   - IPAS2E1/IPAS2LE1 drop stage-2-only entries (IPA cache, stage-2 walk
 *     cache); combined stage 1+2 entries stay until a stage-1 TLBI
 *     (VMALLE1, VAE1, ...) or VMALLS12E1, as the architecture allows, so
 *     hypervisors must follow them with a stage-1 invalidation as KVM does.
 *   - Last-level forms (VALE1, VAALE1, VALE2, IPAS2LE1) leave the walk
 *     cache alone.
 *   - The contiguous bit is a hint: with mmu_tlb_config.contig_hint, one
 *     TLB entry covers the whole contiguous range, with the output of the
 *     descriptor that was walked (correct tables lose nothing; misprogrammed
 *     ones get one of the outputs the architecture permits).
 *   - A stage-2 fault on a table walk reports WnR = 0 (the walk reads).
 *   - An external abort on a table walk (read_pa fails) is a synchronous
 *     external abort on translation table walk, FSC 0x14 + level, of the
 *     stage whose walk read failed; AT reports it in PAR_EL1.
 *   - AT neither looks up nor fills the TLBs: it walks the tables.
 */
#ifndef MSASIM_MMU_MMU_H
#define MSASIM_MMU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

/* ---- Translation table descriptors (VMSAv8-64) -------------------------- */

#define MMU_DESC_VALID      (1ull << 0)
#define MMU_DESC_TABLE      (1ull << 1)    /* table at L0-L2, page at L3 */
#define MMU_DESC_SH(sh)     ((uint64_t)((sh) & 3) << 8)
#define MMU_DESC_AF         (1ull << 10)
#define MMU_DESC_DBM        (1ull << 51)
#define MMU_DESC_CONTIG     (1ull << 52)
#define MMU_DESC_OA_MASK    0x0000FFFFFFFFF000ull  /* [47:12] */

/* Stage-1 block/page. */
#define MMU_S1_ATTRINDX(i)  ((uint64_t)((i) & 7) << 2)
#define MMU_S1_NS           (1ull << 5)
#define MMU_S1_AP_EL0       (1ull << 6)    /* AP[1]: EL0 may access */
#define MMU_S1_AP_RO        (1ull << 7)    /* AP[2]: read-only */
#define MMU_S1_NG           (1ull << 11)
#define MMU_S1_PXN          (1ull << 53)
#define MMU_S1_UXN          (1ull << 54)   /* XN in the EL2 regime */
#define MMU_S1_XN           MMU_S1_UXN

/* Stage-2 block/page. */
#define MMU_S2_MEMATTR(m)   ((uint64_t)((m) & 15) << 2)
#define MMU_S2AP_R          (1ull << 6)
#define MMU_S2AP_W          (1ull << 7)
#define MMU_S2_XN           (1ull << 54)

/* Stage-1 table descriptor attributes (ignored at stage 2). */
#define MMU_TBL_PXN         (1ull << 59)
#define MMU_TBL_UXN         (1ull << 60)   /* XNTable in the EL2 regime */
#define MMU_TBL_AP_NO_EL0   (1ull << 61)   /* APTable[0] */
#define MMU_TBL_AP_RO       (1ull << 62)   /* APTable[1] */
#define MMU_TBL_NS          (1ull << 63)

/* Shareability field values (descriptors, PAR_EL1, results). */
enum mmu_sh {
    MMU_SH_NON = 0,
    MMU_SH_OUTER = 2,
    MMU_SH_INNER = 3,
};

/* Stage-2 MemAttr[3:0] values used most. */
#define MMU_S2_MEMATTR_DEVICE_nGnRE 0x1
#define MMU_S2_MEMATTR_NC           0x5
#define MMU_S2_MEMATTR_WT           0xA
#define MMU_S2_MEMATTR_WB           0xF

enum mmu_desc_type {
    MMU_DESC_INVALID = 0,    /* bit 0 clear */
    MMU_DESC_RESERVED,       /* 0b01 at L3, or a block where none may be */
    MMU_DESC_TYPE_TABLE,
    MMU_DESC_TYPE_BLOCK,
    MMU_DESC_TYPE_PAGE,
};

/* One descriptor, decoded.  Fields that do not apply to the type (or the
 * stage) are zero. */
struct mmu_desc {
    enum mmu_desc_type type;
    uint64_t oa;             /* next-level table, or output address (aligned) */
    uint8_t out_shift;       /* log2 of the size a block or page maps */
    /* block/page, both stages */
    uint8_t sh;
    bool af, contig, dbm;
    /* stage-1 block/page */
    uint8_t attrindx;
    uint8_t ap;              /* AP[2:1] */
    bool ns, ng, pxn, uxn;
    /* stage-2 block/page */
    uint8_t memattr;         /* MemAttr[3:0] */
    uint8_t s2ap;            /* S2AP[1:0]: bit 0 read, bit 1 write */
    bool xn;
    /* stage-1 table */
    uint8_t ap_table;        /* APTable[1:0] */
    bool pxn_table, uxn_table, ns_table;
};

/* Decode `raw` found at `level` (0..3) of a walk with a granule of
 * 2^gshift bytes (12, 14 or 16), for stage 1 or stage 2. */
void mmu_desc_decode(uint64_t raw, int level, unsigned gshift, bool stage2,
                     struct mmu_desc *d);

/* log2 of the size one entry at `level` maps (block, page, or the region a
 * table entry covers). */
unsigned mmu_level_shift(unsigned gshift, int level);

/* log2 of the number of entries in a contiguous range at `level`. */
unsigned mmu_contig_bits(unsigned gshift, int level);

/* ---- Control registers ---------------------------------------------------- */

#define MMU_SCTLR_M         (1ull << 0)
#define MMU_SCTLR_C         (1ull << 2)
#define MMU_SCTLR_I         (1ull << 12)
#define MMU_SCTLR_WXN       (1ull << 19)

#define MMU_HCR_VM          (1ull << 0)
#define MMU_HCR_PTW         (1ull << 2)
#define MMU_HCR_FB          (1ull << 9)
#define MMU_HCR_DC          (1ull << 12)
#define MMU_HCR_TGE         (1ull << 27)

/* TCR_EL1 */
#define MMU_TCR_T0SZ(n)     ((uint64_t)((n) & 63))
#define MMU_TCR_EPD0        (1ull << 7)
#define MMU_TCR_IRGN0(v)    ((uint64_t)((v) & 3) << 8)
#define MMU_TCR_ORGN0(v)    ((uint64_t)((v) & 3) << 10)
#define MMU_TCR_SH0(v)      ((uint64_t)((v) & 3) << 12)
#define MMU_TCR_TG0_4K      (0ull << 14)
#define MMU_TCR_TG0_64K     (1ull << 14)
#define MMU_TCR_TG0_16K     (2ull << 14)
#define MMU_TCR_T1SZ(n)     ((uint64_t)((n) & 63) << 16)
#define MMU_TCR_A1          (1ull << 22)
#define MMU_TCR_EPD1        (1ull << 23)
#define MMU_TCR_IRGN1(v)    ((uint64_t)((v) & 3) << 24)
#define MMU_TCR_ORGN1(v)    ((uint64_t)((v) & 3) << 26)
#define MMU_TCR_SH1(v)      ((uint64_t)((v) & 3) << 28)
#define MMU_TCR_TG1_16K     (1ull << 30)
#define MMU_TCR_TG1_4K      (2ull << 30)
#define MMU_TCR_TG1_64K     (3ull << 30)
#define MMU_TCR_IPS(v)      ((uint64_t)((v) & 7) << 32)
#define MMU_TCR_AS          (1ull << 36)
#define MMU_TCR_TBI0        (1ull << 37)
#define MMU_TCR_TBI1        (1ull << 38)
/* TCR_EL2 (non-VHE) and VTCR_EL2 */
#define MMU_TCR2_PS(v)      ((uint64_t)((v) & 7) << 16)
#define MMU_TCR2_TBI        (1ull << 20)
#define MMU_VTCR_SL0(v)     ((uint64_t)((v) & 3) << 6)
#define MMU_VTCR_VS         (1ull << 19)

/* PS/IPS encodings: 0 32 bits, 1 36, 2 40, 3 42, 4 44, 5 48 (6: 52, capped
 * at 48 here). */
unsigned mmu_ps_bits(unsigned ps);

enum mmu_regime {
    MMU_REGIME_EL10 = 0,     /* EL1&0: TTBR0/1_EL1, TCR_EL1, stage 2 */
    MMU_REGIME_EL2 = 1,      /* EL2 (non-VHE): TTBR0_EL2, TCR_EL2 */
};

/* Kinds of access.  Values are those of enum mpu_access. */
enum mmu_access {
    MMU_ACC_READ = 1,
    MMU_ACC_WRITE = 2,
    MMU_ACC_RMW = 3,         /* atomics: need read and write, WnR = 1 */
    MMU_ACC_EXEC = 4,
};

/* ---- Stage 2 supplied by the caller (Armv8-R: the EL2 MPU) --------------- */

struct mmu_s2_req {
    uint64_t ipa;
    enum mmu_access type;    /* MMU_ACC_READ for table walks */
    uint8_t el;              /* EL of the access that needs it (0 or 1) */
    bool unprivileged;
    bool s1ptw;              /* a read of a stage-1 translation table */
    uint8_t s1_attr;         /* stage-1 MAIR attribute byte to combine with */
    uint8_t s1_sh;
};

struct mmu_s2_out {
    bool ok;
    uint64_t pa;
    uint8_t attr;            /* combined MAIR byte */
    uint8_t sh;              /* combined shareability */
    /* log2 of the naturally aligned block around ipa that resolves the same
     * way (>= 12), or 0 when not even the 4 KiB page does */
    uint8_t page_shift;
    /* on a fault */
    uint8_t level, fsc;
    bool ipa_valid;          /* HPFAR_EL2 is written */
};

typedef bool (*mmu_stage2_fn)(void *ctx, const struct mmu_s2_req *req,
                              struct mmu_s2_out *out);

/* The control values in effect, owned by the core.  `sctlr`, `tcr`, `ttbr0`,
 * `ttbr1` and `mair` are those of `regime` (the _EL1 registers for EL1&0,
 * the _EL2 ones for EL2; ttbr1 is unused at EL2).  `hcr`, `vtcr` and
 * `vttbr` only matter for EL1&0 (give 0 when EL2 is absent).  On Armv8-R,
 * pass VSCTLR_EL2 as `vttbr` (its VMID is at [63:48] as in VTTBR_EL2) and
 * plug the EL2 MPU in as `stage2`. */
struct mmu_ctl {
    enum mmu_regime regime;
    uint64_t sctlr, tcr, ttbr0, ttbr1, mair;
    uint64_t hcr, vtcr, vttbr;
    unsigned pa_bits;        /* implemented PA size (PARange), 32..48; 0 = 48 */
    mmu_stage2_fn stage2;    /* NULL: VMSA stage 2 */
    void *stage2_ctx;
};

/* The ASID EL1&0 entries are tagged with (TTBR0 or TTBR1 per TCR_EL1.A1,
 * 8 bits unless TCR_EL1.AS; 0 for the EL2 regime), and the VMID of
 * VTTBR_EL2 (8 bits unless VTCR_EL2.VS), whatever the regime. */
uint16_t mmu_ctl_asid(const struct mmu_ctl *ctl);
uint16_t mmu_ctl_vmid(const struct mmu_ctl *ctl);

/* ---- Memory ---------------------------------------------------------------- */

/* Descriptor reads: 8 bytes at an 8-byte aligned physical address.  Nonzero
 * means an external abort on the walk. */
struct mmu_bus {
    void *ctx;
    int (*read_pa)(void *ctx, uint64_t pa, uint64_t *val8);
};

/* ---- TLBs ------------------------------------------------------------------ */

enum mmu_tlb_level {
    MMU_TLB_MICRO_I = 0,     /* instruction micro-TLB */
    MMU_TLB_MICRO_D,         /* data micro-TLB */
    MMU_TLB_MAIN,            /* unified main TLB: leaf (combined) entries */
    MMU_TLB_WALK,            /* walk cache: table descriptors, both stages */
    MMU_TLB_IPA,             /* IPA cache: stage-2 leaf entries */
    MMU_TLB_LEVEL_COUNT
};

/* Replacement within a set; both are deterministic. */
enum mmu_repl {
    MMU_REPL_LRU = 0,
    MMU_REPL_FIFO = 1,       /* round robin in fill order */
};

struct mmu_tlb_geom {
    unsigned entries;        /* 0: the structure is absent */
    unsigned ways;           /* == entries: fully associative */
};

struct mmu_tlb_config {
    struct mmu_tlb_geom geom[MMU_TLB_LEVEL_COUNT];
    enum mmu_repl repl;
    bool contig_hint;        /* one entry covers a contiguous range */
};

#define MMU_TLB_MAX_ENTRIES 65536u

/* One entry of any TLB structure.  Layout is internal to mmu/. */
struct mmu_tlbe {
    uint64_t va;             /* input base (VA, or IPA for stage-2 entries) */
    uint64_t mask;           /* ~(size - 1) */
    uint64_t pa;             /* output base (or next-level table address) */
    uint64_t ipa;            /* IPA base of a combined entry */
    uint64_t stamp;          /* replacement order */
    uint64_t ctx;            /* tag, vmid, asid packed for one compare */
    uint64_t ctx_mask;       /* ignores the ASID of a global entry */
    uint16_t asid, vmid;
    uint8_t valid, global, tag, shift;
    uint8_t perm1, perm2;    /* stage-1 / stage-2 permission bits */
    uint8_t attr, sh;
    uint8_t level1, level2;  /* level of the stage-1 / stage-2 descriptor */
};

struct mmu_tlb_array {
    struct mmu_tlbe *e;
    unsigned sets, ways, set_mask;
    uint64_t shifts;         /* bit s set while an entry of size 2^s is valid */
    uint32_t shift_count[64];
    uint64_t clock;
    unsigned last;           /* fully associative: index of the last hit */
};

enum mmu_walk_kind {
    MMU_WALK_S1 = 0,         /* stage 1 alone (or with a caller's stage 2) */
    MMU_WALK_S12,            /* stage 1 nested in VMSA stage 2 */
    MMU_WALK_S2,             /* stage 2 alone (stage 1 disabled) */
    MMU_WALK_KIND_COUNT
};

enum mmu_fault_kind {
    MMU_FAULT_NONE = 0,
    MMU_FAULT_ADDR_SIZE,     /* FSC 0x00 + level */
    MMU_FAULT_TRANSLATION,   /* FSC 0x04 + level */
    MMU_FAULT_ACCESS_FLAG,   /* FSC 0x08 + level */
    MMU_FAULT_PERMISSION,    /* FSC 0x0C + level */
    MMU_FAULT_EXT_ABORT_WALK,/* FSC 0x14 + level */
    MMU_FAULT_KIND_COUNT
};

enum mmu_tlbi_op {
    MMU_TLBI_VMALLE1 = 0, MMU_TLBI_VMALLE1IS,
    MMU_TLBI_VAE1, MMU_TLBI_VAE1IS,
    MMU_TLBI_ASIDE1, MMU_TLBI_ASIDE1IS,
    MMU_TLBI_VAAE1, MMU_TLBI_VAAE1IS,
    MMU_TLBI_VALE1, MMU_TLBI_VALE1IS,
    MMU_TLBI_VAALE1, MMU_TLBI_VAALE1IS,
    MMU_TLBI_ALLE2, MMU_TLBI_ALLE2IS,
    MMU_TLBI_VAE2, MMU_TLBI_VAE2IS,
    MMU_TLBI_VALE2, MMU_TLBI_VALE2IS,
    MMU_TLBI_ALLE1, MMU_TLBI_ALLE1IS,
    MMU_TLBI_VMALLS12E1, MMU_TLBI_VMALLS12E1IS,
    MMU_TLBI_IPAS2E1, MMU_TLBI_IPAS2E1IS,
    MMU_TLBI_IPAS2LE1, MMU_TLBI_IPAS2LE1IS,
    MMU_TLBI_COUNT
};

enum mmu_at_op {
    MMU_AT_S1E1R = 0, MMU_AT_S1E1W, MMU_AT_S1E0R, MMU_AT_S1E0W,
    MMU_AT_S1E2R, MMU_AT_S1E2W,
    MMU_AT_S12E1R, MMU_AT_S12E1W, MMU_AT_S12E0R, MMU_AT_S12E0W,
    MMU_AT_COUNT
};

/* Histogram of descriptor reads per walk: bins 0..MMU_WALK_HIST_BINS-2,
 * the last bin holds everything above. */
#define MMU_WALK_HIST_BINS 26

struct mmu_stats {
    uint64_t translations;                   /* mmu_translate calls */
    uint64_t hits[MMU_TLB_LEVEL_COUNT];
    uint64_t misses[MMU_TLB_LEVEL_COUNT];
    uint64_t fills[MMU_TLB_LEVEL_COUNT];
    uint64_t evictions[MMU_TLB_LEVEL_COUNT]; /* valid entries dropped to make room */
    uint64_t contig_fills;                   /* leaves that used the contiguous hint */

    uint64_t walks[MMU_WALK_KIND_COUNT];
    uint64_t walk_faults[MMU_WALK_KIND_COUNT];
    uint64_t walk_reads[MMU_WALK_KIND_COUNT];     /* descriptor reads, total */
    uint64_t walk_reads_max[MMU_WALK_KIND_COUNT];
    uint64_t walk_reads_hist[MMU_WALK_KIND_COUNT][MMU_WALK_HIST_BINS];
    uint64_t stage2_calls;                   /* caller's stage 2 (MPU) invoked */

    uint64_t faults[2][MMU_FAULT_KIND_COUNT];/* [stage - 1][kind] */
    uint64_t s1ptw_faults;

    uint64_t tlbi_ops[MMU_TLBI_COUNT];
    uint64_t tlbi_dropped[MMU_TLBI_COUNT];   /* entries invalidated, all levels */
    uint64_t tlbi_dropped_level[MMU_TLB_LEVEL_COUNT];
    uint64_t at_ops[MMU_AT_COUNT];
};

/* The TLBs of one core. */
struct mmu_tlb {
    struct mmu_tlb_config cfg;
    struct mmu_tlb_array arr[MMU_TLB_LEVEL_COUNT];
    struct mmu_stats stats;
};

/* Cortex-A53: 10-entry fully associative micro-TLBs, 512-entry 4-way main
 * TLB, 64-entry 4-way walk cache and IPA cache, LRU, contiguous hint on. */
void mmu_tlb_config_default(struct mmu_tlb_config *cfg);

/* Allocate the structures.  Each present structure needs entries a multiple
 * of ways, a power-of-two number of sets, at most MMU_TLB_MAX_ENTRIES;
 * errors name the structure ("--tlb-main: ...").  `cfg` NULL: defaults.
 * On failure nothing stays allocated. */
int mmu_tlb_init(struct mmu_tlb *tlb, const struct mmu_tlb_config *cfg,
                 struct msa_error *err);
void mmu_tlb_free(struct mmu_tlb *tlb);

/* Drop every entry of every structure (reset); not counted as a TLBI. */
void mmu_tlb_flush_all(struct mmu_tlb *tlb);

/* Valid entries in one structure (for tests and reports). */
unsigned mmu_tlb_count(const struct mmu_tlb *tlb, enum mmu_tlb_level level);

const char *mmu_tlb_level_name(enum mmu_tlb_level level);
const char *mmu_walk_kind_name(enum mmu_walk_kind kind);
const char *mmu_fault_kind_name(enum mmu_fault_kind kind);
void mmu_stats_reset(struct mmu_stats *stats);

/* ---- Translation ----------------------------------------------------------- */

struct mmu_req {
    uint64_t va;
    enum mmu_access type;
    uint8_t el;              /* exception level of the access: 0, 1 or 2 */
    bool unprivileged;       /* LDTR/STTR at EL1: checked as EL0 */
};

/* Where the translation was found. */
enum mmu_hit {
    MMU_HIT_OFF = 0,         /* no stage on: flat */
    MMU_HIT_MICRO,           /* micro-TLB */
    MMU_HIT_MAIN,            /* main TLB */
    MMU_HIT_IPA,             /* stage 2 only, from the IPA cache */
    MMU_HIT_WALK,            /* table walk */
};

struct mmu_result {
    bool ok;
    uint64_t pa;
    uint64_t ipa;            /* output of stage 1 (== va when stage 1 is off) */
    uint8_t attr;            /* MAIR attribute byte, stages combined */
    uint8_t sh;              /* enum mmu_sh; Device and Normal NC report outer */
    /* log2 of the naturally aligned block around va that translates the
     * same way with the same permissions (>= 12 for a VMSA result; 0 when
     * a caller's stage 2 cannot vouch for the 4 KiB page) */
    uint8_t page_shift;
    enum mmu_hit hit;
    uint16_t walk_reads;     /* descriptor reads made by this call */

    /* On a fault (ok == false).  `kind` is always written (NONE on
     * success); the rest only on a fault. */
    enum mmu_fault_kind kind;
    uint8_t stage;           /* 1 or 2 */
    uint8_t level;
    uint8_t fsc;             /* ESR_ELx.ISS[5:0] (DFSC/IFSC) */
    bool s1ptw;              /* stage-2 fault on a stage-1 table walk */
    bool wnr;
    bool is_instruction;
    uint8_t target_el;       /* 1 or 2 */
    uint64_t far;            /* the VA as given */
    uint64_t fault_ipa;      /* HPFAR_EL2 = (fault_ipa >> 12) << 4 */
    bool ipa_valid;
};

#define MMU_FSC_ADDR_SIZE(l)   (0x00 + (l))
#define MMU_FSC_TRANSLATION(l) (0x04 + (l))
#define MMU_FSC_ACCESS_FLAG(l) (0x08 + (l))
#define MMU_FSC_PERMISSION(l)  (0x0C + (l))
#define MMU_FSC_EXT_ABORT_WALK(l) (0x14 + (l))

/* Translate one access: TLBs, then a walk on a miss.  EL1&0 stage 1 is off
 * when SCTLR_EL1.M = 0 or HCR_EL2.TGE or DC is set; stage 2 is on when
 * HCR_EL2.VM or DC is set.  Fault routing: stage-2 faults and EL2-regime
 * faults go to EL2; stage-1 EL1&0 faults to EL1, or EL2 when HCR_EL2.TGE.
 * Returns res->ok. */
bool mmu_translate(struct mmu_tlb *tlb, const struct mmu_ctl *ctl,
                   const struct mmu_bus *bus, const struct mmu_req *req,
                   struct mmu_result *res);

/* ---- TLB maintenance --------------------------------------------------------- */

/* The operation encoded by TLBI <op> (SYS #op1, C8, Cm, #op2), or -1 if it
 * is not one the model implements. */
int mmu_tlbi_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2);
const char *mmu_tlbi_name(enum mmu_tlbi_op op);
/* Lowest exception level that may execute it (1 or 2). */
unsigned mmu_tlbi_min_el(enum mmu_tlbi_op op);
/* An Inner Shareable form: the caller applies it to every core's TLB. */
bool mmu_tlbi_is_broadcast(enum mmu_tlbi_op op);
/* Whether the op, executed at `from_el` under HCR_EL2 = `hcr`, must reach
 * every core: the IS forms, and the EL1 forms at EL1 when HCR_EL2.FB. */
bool mmu_tlbi_broadcasts(enum mmu_tlbi_op op, unsigned from_el, uint64_t hcr);

/* Apply one TLBI to one core's TLBs.  `xt` is the register operand
 * (VA[55:12] in [43:0] and ASID in [63:48] for VA forms, IPA[51:12] in
 * [39:0] for IPA forms).  `vmid` is the current VMID of the core that
 * executed it (mmu_ctl_vmid), `asid16` its TCR_EL1.AS (with 8-bit ASIDs
 * only ASID[7:0] is compared).  A broadcast form is applied by the caller
 * to every core's TLB with the issuer's values.  Returns the number of
 * entries dropped. */
unsigned mmu_tlbi(struct mmu_tlb *tlb, enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid,
                  bool asid16);

/* ---- Address translation instructions ------------------------------------- */

/* AT <op> is SYS #op1, C7, C8, #op2; -1 if not implemented. */
int mmu_at_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2);
const char *mmu_at_name(enum mmu_at_op op);
/* Regime whose registers the op's mmu_ctl must describe. */
enum mmu_regime mmu_at_regime(enum mmu_at_op op);
unsigned mmu_at_min_el(enum mmu_at_op op);

#define MMU_PAR_F        (1ull << 0)
#define MMU_PAR_FST(v)   ((uint64_t)((v) & 0x3F) << 1)
#define MMU_PAR_PTW      (1ull << 8)
#define MMU_PAR_S        (1ull << 9)
#define MMU_PAR_SH(v)    ((uint64_t)((v) & 3) << 7)
#define MMU_PAR_RES1     (1ull << 11)
#define MMU_PAR_PA_MASK  0x0000FFFFFFFFF000ull
#define MMU_PAR_ATTR(v)  ((uint64_t)((v) & 0xFF) << 56)

struct mmu_at_out {
    uint64_t par;            /* PAR_EL1 value (unchanged meaning when
                                take_exception is set: do not write it) */
    /* A stage-2 fault on the stage-1 walk of an AT S1E1x/S1E0x executed at
     * EL1 is taken as a Data Abort to EL2 instead of being reported in
     * PAR_EL1; `fault` then describes it. */
    bool take_exception;
    struct mmu_result fault;
};

/* Run AT <op> on `va`, executed at `from_el`.  PAR_EL1, success: F = 0,
 * SH [8:7], PA [47:12], ATTR [63:56] (bit 11 RES1).  Fault: F = 1, FST
 * [6:1], PTW [8], S [9] (stage 2), bit 11 RES1.  S1 ops return the IPA.
 * `tlb` only receives statistics (may be NULL).  Returns out->par. */
uint64_t mmu_at(struct mmu_tlb *tlb, const struct mmu_ctl *ctl,
                const struct mmu_bus *bus, enum mmu_at_op op, uint64_t va,
                unsigned from_el, struct mmu_at_out *out);

/* ---- Attributes -------------------------------------------------------------- */

/* Attribute byte `idx` of a MAIR value. */
uint8_t mmu_mair_attr(uint64_t mair, unsigned idx);
/* Stage-2 MemAttr[3:0] as a MAIR-format byte (no allocation hints). */
uint8_t mmu_s2_memattr_to_mair(unsigned memattr);
/* Combine stage-1 and stage-2 MAIR-format bytes: Device beats Normal, the
 * stricter Device type wins, Normal takes the weaker cacheability of each
 * half (inner, outer) with stage 1's allocation hints. */
uint8_t mmu_combine_attr(uint8_t s1, uint8_t s2);
/* Shareability: outer beats inner beats non-shareable. */
uint8_t mmu_combine_sh(uint8_t s1, uint8_t s2);
/* The shareability reported for `attr`: Device and Normal Non-cacheable are
 * outer shareable whatever the descriptor says; reserved 0b01 is
 * non-shareable. */
uint8_t mmu_effective_sh(uint8_t attr, uint8_t sh);
bool mmu_attr_is_device(uint8_t attr);

/* ---- Armv8-R: the EL2 MPU as stage 2 ------------------------------------- */

struct mpu_pair;
struct mpu_ctl;

/* Context for mmu_stage2_mpu: the core's MPUs and MPU control bits. */
struct mmu_mpu_stage2 {
    struct mpu_pair *pair;
    const struct mpu_ctl *ctl;
};

/* A mmu_stage2_fn that checks the IPA against the EL2 MPU (mpu_stage2):
 * flat IPA == PA, permissions from the EL1&0 half of AP, attributes
 * combined; every fault is a Permission fault, level 0.  Set
 * mmu_ctl.stage2 = mmu_stage2_mpu, stage2_ctx = &struct mmu_mpu_stage2. */
bool mmu_stage2_mpu(void *ctx, const struct mmu_s2_req *req, struct mmu_s2_out *out);

/* ---- Enumeration of a whole table tree (observers) ------------------------ */

/* One mapping: a block or page with AF = 1. */
struct mmu_enum_leaf {
    uint64_t ia;             /* input address: EL2 VA, or IPA */
    uint64_t oa;             /* output address */
    uint64_t size;           /* bytes */
    uint8_t perm;            /* MMU_ENUM_R/W/X: EL2's rights, or stage 2's */
    uint8_t level;
};

#define MMU_ENUM_R 1u
#define MMU_ENUM_W 2u
#define MMU_ENUM_X 4u

struct mmu_enum_visitor {
    void *ctx;
    /* each mapping (may be NULL) */
    void (*leaf)(void *ctx, const struct mmu_enum_leaf *leaf);
    /* each table page, once (may be NULL); a concatenated root counts a
     * page per granule */
    void (*table)(void *ctx, uint64_t pa, int level);
    unsigned max_tables;     /* stop after this many table pages; 0 = 65536 */
};

struct mmu_enum_result {
    unsigned tables;         /* table pages visited */
    unsigned tables_at_level[4];
    unsigned read_errors;    /* table reads that failed (not memory) */
    uint64_t descriptors;    /* descriptors read: the work done */
    bool truncated;          /* stopped at max_tables (or out of memory) */
};

/* The EL2 regime's tables (TTBR0_EL2, TCR_EL2 in `ctl`; the regime field is
 * ignored) and a VMSA stage 2 (VTTBR_EL2, VTCR_EL2).  -1 when the
 * registers describe no walkable tree (a TxSZ or SL0 the walker faults on,
 * a base beyond the PA size); 0 otherwise, `r` filled.  A table page that
 * is reachable twice is visited once. */
int mmu_enum_el2(const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                 const struct mmu_enum_visitor *v, struct mmu_enum_result *r);
int mmu_enum_s2(const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                const struct mmu_enum_visitor *v, struct mmu_enum_result *r);

/* ---- Page-table writer (tests, benchmarks, loaders) ------------------------ */

/* Builds translation tables in memory through callbacks.  Addresses are
 * those the tables hold (for stage-1 tables under stage 2, IPAs: the
 * callbacks translate if they need to). */
struct mmu_pgt {
    void *ctx;
    int (*read)(void *ctx, uint64_t addr, uint64_t *val8);
    int (*write)(void *ctx, uint64_t addr, uint64_t val8);
    /* `bytes` of zeroed memory aligned to `bytes`; 0 when exhausted */
    uint64_t (*alloc)(void *ctx, uint64_t bytes);
    unsigned gshift;         /* 12, 14 or 16 */
    unsigned ia_bits;        /* input address size, 25..48 */
    int start_level;
    bool stage2;
    uint64_t root;           /* TTBR / VTTBR base address */
};

/* Stage-1 tables for a 2^ia_bits input space (start level derived, as the
 * walker does from TxSZ = 64 - ia_bits). */
int mmu_pgt_init_s1(struct mmu_pgt *pg, unsigned gshift, unsigned ia_bits,
                    struct msa_error *err);
/* Stage-2 tables starting at `start_level` (concatenated root tables when
 * the input needs more than one). */
int mmu_pgt_init_s2(struct mmu_pgt *pg, unsigned gshift, unsigned ia_bits,
                    int start_level, struct msa_error *err);
/* Write the descriptor `raw` for `va` at `level`, creating the tables above
 * it as needed (new tables get plain table descriptors). */
int mmu_pgt_set(struct mmu_pgt *pg, uint64_t va, int level, uint64_t raw,
                struct msa_error *err);
/* Map a block (or a page at level 3): output `oa`, attribute bits `attrs`
 * (AF, AP, SH, AttrIndx/MemAttr, XN ...); the type bits are added. */
int mmu_pgt_map(struct mmu_pgt *pg, uint64_t va, uint64_t oa, int level,
                uint64_t attrs, struct msa_error *err);
/* Address of the descriptor for `va` at `level` (its table must exist). */
int mmu_pgt_entry_addr(struct mmu_pgt *pg, uint64_t va, int level, uint64_t *addr,
                       struct msa_error *err);
/* OR `bits` into the table descriptor for `va` at `level` (APTable, XNTable,
 * PXNTable ...). */
int mmu_pgt_table_bits(struct mmu_pgt *pg, uint64_t va, int level, uint64_t bits,
                       struct msa_error *err);

#endif
