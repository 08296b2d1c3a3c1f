/* PMSAv8-64 memory protection units of one Armv8-R AArch64 core: the EL1 MPU
 * (stage 1 of the EL1&0 regime) and the EL2 MPU (stage 1 of EL2, and stage 2
 * of EL1&0 when HCR_EL2.VM is set).
 *
 * The MPU owns its region registers (PRSELR, PRBAR/PRLAR and the aliases,
 * PRENR, MPUIR).  It does not own SCTLR, HCR, VTCR or MAIR: the core does,
 * and passes the control bits it considers in effect with every lookup
 * (struct mpu_ctl).
 *
 * Each MPU keeps two copies of its regions:
 *   - "written": what MSR wrote and MRS reads back, immediately;
 *   - "effective": what lookups use.  mpu_context_sync() copies written to
 *     effective; the core calls it on every context synchronization event
 *     (ISB, exception entry, exception return), because the architecture
 *     only guarantees that MPU register writes are visible after one.
 *
 * Decisions where the architecture is silent or the reference is uncertain
 * (each documented at its definition below):
 *   - MPUIR.REGION with 256 slots reports 255 (the field is 8 bits wide);
 *     slot 255 is still reachable through PRSELR = 255.
 *   - PRSELR selecting a slot that is not implemented: reads of PRBAR/PRLAR
 *     (and aliases) return 0 and writes are ignored; both are counted.
 *   - A PRBAR/PRLAR access that uses a PRSELR value written since the last
 *     context synchronization uses the new value and is counted.
 *   - Stage-2 meaning of PRBAR_EL2.XN[1:0], HPFAR validity for MPU stage-2
 *     faults and the background (default) memory map are options
 *     (struct mpu_options).
 *   - All MPU faults (no match, overlap, permission) are Permission faults
 *     at level 0, FSC 0x0C.
 *   - Stage 1 of either MPU reads XN[1] as execute-never and ignores XN[0].
 *   - WXN removes execute permission from a region that is writable at the
 *     level of the access (and from the background region, which is
 *     writable).  Stage 2 has no WXN.
 *   - SH = 0b01 (reserved) is treated as non-shareable.
 *   - HCR_EL2.TGE makes the EL1 MPU behave as disabled; stage 2 depends on
 *     HCR_EL2.VM alone, not on SCTLR_EL2.M.
 *
 * A lookup checks one address.  An access that crosses a 64-byte granule may
 * span two regions: the core checks its first and last byte.
 */
#ifndef MSASIM_MPU_MPU_H
#define MSASIM_MPU_MPU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

/* Slots per MPU the model accepts.  The architecture advertises at most 255
 * (MPUIR.REGION is 8 bits); 256 is accepted so that designs one slot beyond
 * the architecture can be explored. */
#define MPU_MAX_REGIONS 256
#define MPU_DEFAULT_EL2_REGIONS 32
#define MPU_DEFAULT_EL1_REGIONS 16

/* Region granule: BASE and LIMIT hold address bits [47:6]. */
#define MPU_GRANULE_SHIFT 6
#define MPU_GRANULE ((uint64_t)1 << MPU_GRANULE_SHIFT)

/* ---- Register layouts (PRBAR_ELx, PRLAR_ELx) ---------------------------- */

#define MPU_PRBAR_XN_SHIFT 0          /* XN[1:0] */
#define MPU_PRBAR_XN_MASK  0x3ull
#define MPU_PRBAR_AP_SHIFT 2          /* AP[2:1] */
#define MPU_PRBAR_AP_MASK  (0x3ull << 2)
/* Permissions depend on PRBAR's low four bits (AP, XN) alone. */
#define MPU_PERM_CODES     16
#define MPU_PRBAR_SH_SHIFT 4
#define MPU_PRBAR_SH_MASK  (0x3ull << 4)
#define MPU_ADDR_MASK      0x0000FFFFFFFFFFC0ull  /* BASE / LIMIT, bits [47:6] */
#define MPU_PRBAR_WRITABLE 0x0000FFFFFFFFFFFFull  /* [63:48] RES0 */

#define MPU_PRLAR_EN       0x1ull
#define MPU_PRLAR_ATTR_SHIFT 1        /* AttrIndx[2:0] */
#define MPU_PRLAR_ATTR_MASK (0x7ull << 1)
#define MPU_PRLAR_NS       (0x1ull << 4)  /* kept, not used: Armv8-R is Secure only */
#define MPU_PRLAR_WRITABLE 0x0000FFFFFFFFFFDFull  /* [63:48] and [5] RES0 */

/* AP[2:1] values.  The meaning depends on the MPU:
 *   EL1 MPU: 0 EL1 RW/EL0 none, 1 EL1 RW/EL0 RW, 2 EL1 RO/EL0 none, 3 RO both
 *   EL2 MPU: 0 EL2 RW/EL1&0 none, 1 RW for all, 2 EL2 RO/EL1&0 none, 3 RO all
 * so bit 0 of the field is "the lower level may access", bit 1 "read-only". */
enum mpu_ap {
    MPU_AP_RW_PRIV = 0,
    MPU_AP_RW_ALL = 1,
    MPU_AP_RO_PRIV = 2,
    MPU_AP_RO_ALL = 3,
};

/* Shareability, PRBAR.SH. */
enum mpu_sh {
    MPU_SH_NON = 0,
    MPU_SH_OUTER = 2,
    MPU_SH_INNER = 3,
};

/* Build register values, for the hypervisor layer and tests.  `base` and
 * `limit_incl` are addresses; only bits [47:6] are kept, so the limit is
 * the address of the last byte (any address inside the last granule). */
static inline uint64_t mpu_prbar(uint64_t base, unsigned sh, unsigned ap, unsigned xn)
{
    return (base & MPU_ADDR_MASK) | ((uint64_t)(sh & 3) << 4) |
           ((uint64_t)(ap & 3) << 2) | (uint64_t)(xn & 3);
}

static inline uint64_t mpu_prlar(uint64_t limit_incl, unsigned attrindx, bool en)
{
    return (limit_incl & MPU_ADDR_MASK) | ((uint64_t)(attrindx & 7) << 1) |
           (en ? MPU_PRLAR_EN : 0);
}

/* ---- Options for points the architecture leaves open -------------------- */

/* Stage-2 meaning of PRBAR_EL2.XN[1:0] (reference marks it uncertain). */
enum mpu_s2_xn {
    /* Default.  XN[1] set: no execution at EL1 or EL0; XN[0] ignored.  This
     * is what upstream Xen's p2m code programs (it sets only XN[1]) and what
     * stage 1 uses. */
    MPU_S2_XN_BIT1 = 0,
    /* The two-bit encoding of VMSA stage 2 with FEAT_XNX:
     * 00 EL1 and EL0 may execute, 01 EL0 only, 10 neither, 11 EL1 only. */
    MPU_S2_XN_XNX = 1,
};

/* Whether a stage-2 MPU fault makes HPFAR_EL2 valid (reference: uncertain;
 * Xen only trusts HPFAR for translation faults, but the IPA equals the VA
 * under PMSA, so either choice loses nothing). */
enum mpu_hpfar {
    MPU_HPFAR_VALID = 0,    /* default: HPFAR_EL2 is written with the IPA */
    MPU_HPFAR_UNKNOWN = 1,  /* HPFAR_EL2 is UNKNOWN: the core leaves it */
};

/* The background (default) memory map, used when an MPU is disabled
 * (SCTLR.M = 0) and on a background-region hit (BR = 1, privileged access
 * at the regime's own EL, no region matches).  The architecture says it is
 * IMPLEMENTATION DEFINED. */
enum mpu_bgmap {
    /* Default, after the Cortex-R52 default map (which QEMU models):
     * [0, 2 GiB) Normal write-back, read/write/execute;
     * [2 GiB, top] Device-nGnRnE, read/write, execute-never.
     * It matches the FVP-R memory map (RAM low, devices above 2 GiB). */
    MPU_BGMAP_SPLIT_2G = 0,
    /* Everything Normal write-back, read/write/execute. */
    MPU_BGMAP_FLAT = 1,
};

struct mpu_options {
    enum mpu_s2_xn s2_xn;
    enum mpu_hpfar hpfar;
    enum mpu_bgmap bgmap;
};

/* ---- Statistics ---------------------------------------------------------- */

/* Who a slot belongs to, set by the hypervisor layer for region-pressure
 * reports.  Tags stick to the slot until changed. */
enum mpu_owner {
    MPU_OWNER_NONE = 0,
    MPU_OWNER_HV_TEXT,
    MPU_OWNER_HV_RODATA,
    MPU_OWNER_HV_DATA,
    MPU_OWNER_HV_HEAP,
    MPU_OWNER_DEVICE,
    MPU_OWNER_TRANSIENT_MAP,
    MPU_OWNER_GUEST_STAGE2,
    MPU_OWNER_OTHER,
    MPU_OWNER_COUNT
};

/* Register writes, counted per register (aliases together). */
enum mpu_reg {
    MPU_REG_PRSELR = 0,
    MPU_REG_PRBAR,
    MPU_REG_PRLAR,
    MPU_REG_PRBAR_ALIAS,   /* PRBAR1..15 */
    MPU_REG_PRLAR_ALIAS,   /* PRLAR1..15 */
    MPU_REG_PRENR,
    MPU_REG_MPUIR,         /* reads only; a write is UNDEFINED */
    MPU_REG_COUNT
};

enum mpu_fault_kind {
    MPU_FAULT_NONE = 0,
    MPU_FAULT_NO_MATCH,    /* no enabled region and no background region */
    MPU_FAULT_OVERLAP,     /* two or more enabled regions match */
    MPU_FAULT_PERM_READ,
    MPU_FAULT_PERM_WRITE,
    MPU_FAULT_PERM_EXEC,
    MPU_FAULT_KIND_COUNT
};

struct mpu_stats {
    uint64_t reg_writes[MPU_REG_COUNT];
    uint64_t reg_reads[MPU_REG_COUNT];
    /* Writes ignored (and reads returning 0) because PRSELR, or the alias
     * built from it, selected a slot that is not implemented. */
    uint64_t out_of_range_accesses;
    /* PRBAR/PRLAR accesses made through a PRSELR value written since the
     * last context synchronization (Xen and Bao put an ISB there; a DSB
     * alone is not a context synchronization event). */
    uint64_t selector_unsynced;

    uint64_t syncs;            /* context synchronization events seen */
    uint64_t syncs_changed;    /* ... that changed the effective regions */

    /* Accesses looked up while a region write was waiting for its context
     * synchronization, and those among them whose outcome (matching region,
     * permissions or fault) would differ had the write already taken
     * effect.  The second figure is the software bug: its result depends on
     * when the hardware picks up the write. */
    uint64_t pending_accesses;
    uint64_t stale_accesses;

    /* Lookups that missed both ways of the hit cache and searched the
     * interval index (the core knows the total number of accesses). */
    uint64_t cache_misses;
    uint64_t background_hits;  /* served by the background/default map */
    /* [0] stage 1 of this MPU's regime, [1] stage 2 (EL2 MPU only) */
    uint64_t faults[2][MPU_FAULT_KIND_COUNT];

    /* Region pressure over effective (synchronized) enabled regions. */
    unsigned enabled;          /* now */
    unsigned peak;
    unsigned enabled_by_owner[MPU_OWNER_COUNT];
    unsigned peak_by_owner[MPU_OWNER_COUNT];
    uint64_t first_cycle;      /* start of the time-weighted mean */
    uint64_t last_cycle;       /* last change of `enabled` */
    /* sum of enabled * cycles up to last_cycle; double to avoid overflow at
     * 256 regions over 2^56 cycles */
    double enabled_cycles;
};

/* One change of a slot's effective state, reported at the synchronization
 * that made it effective, for timelines. */
struct mpu_event {
    uint64_t cycle;
    unsigned slot;
    bool enabled;              /* effective EN after the change */
    uint64_t prbar, prlar;     /* effective values after the change */
    enum mpu_owner owner;
    uint32_t domid;
    unsigned enabled_count;    /* enabled slots after the change */
};

struct mpu;
typedef void (*mpu_observer_fn)(void *ctx, const struct mpu *mpu,
                                const struct mpu_event *ev);

/* ---- State ---------------------------------------------------------------- */

enum mpu_regime {
    MPU_REGIME_EL1 = 1,
    MPU_REGIME_EL2 = 2,
};

struct mpu_region {
    uint64_t prbar;
    uint64_t prlar;
};

/* Effective region decoded for the fast path. */
struct mpu_region_meta {
    uint64_t lo, hi;           /* inclusive byte range */
    uint32_t perm;             /* permission nibbles, see mpu_internal.h */
    uint8_t attrindx;
    uint8_t sh;
};

/* A hit-cache entry: an address range [lo, lo + span] in which every
 * address resolves the same way (one region, no region, or an overlap).
 * An empty entry is {UINT64_MAX, 0, MPU_SEG_NONE}: the one address it
 * covers is above every region, so it is correct as well as empty. */
struct mpu_cache_entry {
    uint64_t lo, span;
    int32_t region;            /* slot, or MPU_SEG_NONE / MPU_SEG_OVERLAP */
    uint32_t perm;
    uint8_t attrindx;
    uint8_t sh;
};

#define MPU_SEG_NONE (-1)
#define MPU_SEG_OVERLAP (-2)
#define MPU_MAX_SEGMENTS (2 * MPU_MAX_REGIONS + 1)
#define MPU_CACHE_WAYS 2
#define MPU_INDEX_BUCKETS 1024

/* Interval index over the effective regions: the address space cut into
 * segments in which the set of matching regions is constant, sorted by
 * start, plus a bucket table that narrows the search to a few segments. */
struct mpu_index {
    unsigned nseg;
    uint64_t start[MPU_MAX_SEGMENTS];
    int16_t region[MPU_MAX_SEGMENTS];   /* slot, MPU_SEG_NONE or MPU_SEG_OVERLAP */
    unsigned nbuckets;                  /* in use: about 4 per segment, at most MPU_INDEX_BUCKETS */
    unsigned bucket_shift;              /* address bits per bucket */
    uint64_t bucket_base;
    uint16_t bucket_first[MPU_INDEX_BUCKETS + 1];
};

struct mpu {
    enum mpu_regime regime;
    unsigned nregions;                  /* implemented slots, 1..256 */
    struct mpu_options opts;

    uint64_t prselr;
    bool prselr_unsynced;
    bool pending;                       /* written differs from effective */
    uint64_t pending_slots[MPU_MAX_REGIONS / 64];   /* which slots were written since */
    uint64_t enabled_slots[MPU_MAX_REGIONS / 64];   /* effective regions with EN set */

    struct mpu_region written[MPU_MAX_REGIONS];
    struct mpu_region effective[MPU_MAX_REGIONS];
    struct mpu_region_meta meta[MPU_MAX_REGIONS];
    /* Permission nibbles by PRBAR & (MPU_PERM_CODES - 1), for this regime
     * and these options: a synchronization looks them up. */
    uint32_t perm_of[MPU_PERM_CODES];

    /* [0] data, [1] instruction fetch; MRU way first */
    struct mpu_cache_entry cache[2][MPU_CACHE_WAYS];
    struct mpu_index index;
    /* The index is rebuilt on the first miss after a change, not at every
     * synchronization: a hypervisor reprograms regions far more often than
     * an MPU-bound replay looks anything up in between. */
    bool index_stale;
    /* Misses answered by scanning the regions since the index went stale:
     * a lookup or two between reprogrammings (a hypervisor copying through
     * a transient region) costs less as a scan than as a rebuild. */
    unsigned stale_misses;
    /* The data ways as the last change that found them filled left them,
     * and the smallest range holding every region changed since: a refill
     * while the index is stale takes its segment from here when one holds
     * the address and no change came near it, rather than scanning the
     * regions (the miss is counted all the same).  Only segments of one
     * region or of none, on which a scan and the index agree exactly.  A
     * hypervisor copying from the same guest memory through a new
     * transient region each time finds the source segment here. */
    struct mpu_cache_entry kept[MPU_CACHE_WAYS];
    uint64_t kept_lo, kept_hi;
    /* The enabled, non-empty effective regions packed in no particular
     * order (a slot's entry moves when another leaves): a cache refill
     * after a change scans these few entries rather than walking the slot
     * bitmap.  dense_pos[slot] is the slot's entry + 1, 0 when absent. */
    unsigned dense_n;
    uint16_t dense_pos[MPU_MAX_REGIONS];
    uint16_t dense_slot[MPU_MAX_REGIONS];
    uint64_t dense_lo[MPU_MAX_REGIONS];
    uint64_t dense_end[MPU_MAX_REGIONS];   /* last byte + 1 */
    /* A free stretch [gap_lo, gap_hi] that no enabled, non-empty effective
     * region meets but gap_owner (a slot wholly inside it, or -1); empty
     * when gap_lo > gap_hi.  A refill in gap_owner's range then knows its
     * segment at once: that region alone, end to end, as a scan would find
     * it.  A hypervisor mapping page after page of free memory through a
     * transient region lands in the same stretch each time.  fresh is the
     * slot enabled last (-1: none yet), the one worth finding such a
     * stretch around; a refill checks it is still enabled. */
    uint64_t gap_lo, gap_hi;
    int gap_owner;
    int fresh;
    /* Slots whose effective value or owner tag changed since the last
     * mpu_take_changed(): lets one observer (the hypervisor's accounting)
     * look at the slots that moved instead of all of them. */
    uint64_t changed_slots[MPU_MAX_REGIONS / 64];

    uint8_t owner[MPU_MAX_REGIONS];
    uint32_t owner_domid[MPU_MAX_REGIONS];
    mpu_observer_fn observer;
    void *observer_ctx;

    struct mpu_stats stats;
};

/* The two MPUs of one core. */
struct mpu_pair {
    struct mpu el1;
    struct mpu el2;
};

/* ---- Configuration -------------------------------------------------------- */

void mpu_options_default(struct mpu_options *opts);

/* Reset an MPU with `nregions` slots, all disabled and zero.  Refuses 0 or
 * more than 256 with a message naming the command-line option
 * (--el1-mpu-regions or --mpu-regions).  `opts` may be NULL (defaults). */
int mpu_init(struct mpu *mpu, enum mpu_regime regime, unsigned nregions,
             const struct mpu_options *opts, struct msa_error *err);

int mpu_pair_init(struct mpu_pair *pair, unsigned el1_regions, unsigned el2_regions,
                  const struct mpu_options *opts, struct msa_error *err);

/* ---- System-register interface (MSR/MRS) ---------------------------------- */

/* Encodings are packed as in the MSR/MRS instruction, bits [20:5] of the
 * opcode: op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0]. */
#define MPU_SYSREG_ENC(op0, op1, crn, crm, op2) \
    ((uint32_t)(((op0) & 3) << 14 | ((op1) & 7) << 11 | ((crn) & 15) << 7 | \
                ((crm) & 15) << 3 | ((op2) & 7)))

enum mpu_sysreg_status {
    MPU_SYSREG_OK = 0,
    MPU_SYSREG_NOT_MPU = 1,    /* not an MPU register: try the core's table */
    MPU_SYSREG_UNDEFINED = 2,  /* MPU register, but the access is UNDEFINED
                                  (write to MPUIR) */
};

bool mpu_sysreg_is_mpu(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
                       unsigned op2);

/* op1 = 0 reaches the EL1 MPU, op1 = 4 the EL2 MPU.  The core checks the
 * exception level (EL1 for op1 0, EL2 for op1 4) and any traps first. */
int mpu_sysreg_read(struct mpu_pair *pair, uint32_t enc, uint64_t *val);
int mpu_sysreg_write(struct mpu_pair *pair, uint32_t enc, uint64_t val);

/* The same accesses to one MPU by register rather than by encoding, for a
 * caller that names the register it means (the hypervisor layer): the
 * effect and the counts are those of the MSR/MRS.  `alias` is 0 for
 * PRBAR/PRLAR and 1..15 for PRBARn/PRLARn; the other registers ignore it.
 * mpu_reg_write returns an enum mpu_sysreg_status (UNDEFINED for MPUIR). */
enum mpu_reg_id {
    MPU_ID_MPUIR,
    MPU_ID_PRENR,
    MPU_ID_PRSELR,
    MPU_ID_PRBAR,
    MPU_ID_PRLAR,
};
uint64_t mpu_reg_read(struct mpu *mpu, enum mpu_reg_id id, unsigned alias);
int mpu_reg_write(struct mpu *mpu, enum mpu_reg_id id, unsigned alias, uint64_t val);
/* PRBAR then PRLAR (or PRBARn, PRLARn) of the selected slot: the effect
 * and the counts of the two writes, in one call. */
void mpu_reg_write_region(struct mpu *mpu, unsigned alias, uint64_t prbar, uint64_t prlar);

/* Register names for traces ("PRBAR5_EL2"); NULL if not an MPU register. */
const char *mpu_sysreg_name(uint32_t enc, char *buf, unsigned len);

/* The value MPUIR_ELx reads as. */
uint64_t mpu_mpuir(const struct mpu *mpu);

/* ---- Context synchronization ---------------------------------------------- */

/* The work of a synchronization that finds writes pending (mpu_sync.c);
 * called through mpu_context_sync only. */
void mpu_apply_pending(struct mpu *mpu, uint64_t now);

/* Make every register write so far effective (ISB, exception entry, ERET).
 * `now` is the core's cycle count; it drives the time-weighted statistics
 * and must not go backwards.  Inline: a hypervisor synchronizes at every
 * ISB, and one MPU of the two at least has nothing pending. */
static inline void mpu_context_sync(struct mpu *mpu, uint64_t now)
{
    mpu->stats.syncs++;
    mpu->prselr_unsynced = false;
    if (mpu->pending)
        mpu_apply_pending(mpu, now);
}

static inline void mpu_pair_context_sync(struct mpu_pair *pair, uint64_t now)
{
    mpu_context_sync(&pair->el1, now);
    mpu_context_sync(&pair->el2, now);
}

/* ---- Lookup --------------------------------------------------------------- */

enum mpu_access {
    MPU_ACC_READ = 1,
    MPU_ACC_WRITE = 2,
    MPU_ACC_RMW = 3,     /* atomics: needs read and write, reports WnR = 1 */
    MPU_ACC_EXEC = 4,
};

/* Control bits in effect, owned by the core.  The core fills it when one of
 * the registers changes (mpu_ctl_from_regs does it from raw values). */
struct mpu_ctl {
    bool el1_m, el1_br, el1_wxn;   /* SCTLR_EL1.M, BR (bit 17), WXN (bit 19) */
    bool el2_m, el2_br, el2_wxn;   /* SCTLR_EL2 */
    bool hcr_vm, hcr_tge;          /* HCR_EL2.VM, TGE */
    bool el1_vmsa;                 /* VTCR_EL2.MSA: EL1&0 stage 1 is VMSA */
    uint64_t mair_el1, mair_el2;
};

void mpu_ctl_from_regs(struct mpu_ctl *ctl, uint64_t sctlr_el1, uint64_t sctlr_el2,
                       uint64_t hcr_el2, uint64_t vtcr_el2, uint64_t mair_el1,
                       uint64_t mair_el2);

/* One access to look up. */
struct mpu_req {
    uint64_t addr;           /* VA (== IPA == PA under PMSA) */
    enum mpu_access type;
    uint8_t el;              /* exception level of the access: 0, 1 or 2 */
    bool unprivileged;       /* LDTR/STTR family: at EL1, checked as EL0 */
};

struct mpu_result {
    bool ok;
    uint64_t pa;             /* == addr: PMSA maps flat */
    uint8_t attr;            /* MAIR attribute byte (stages combined) */
    uint8_t sh;              /* enum mpu_sh */
    int16_t s1_region;       /* matched slot, -1 if none / background / off */
    int16_t s2_region;

    /* On a fault (ok == false), what the core needs for ESR/FAR/HPFAR.
     * These fields are only written when the access faults. */
    uint8_t stage;           /* 1 or 2 */
    uint8_t level;           /* 0 */
    uint8_t fsc;             /* 0x0C: Permission fault, level 0 */
    bool wnr;                /* write, or RMW */
    bool is_instruction;
    uint8_t target_el;       /* 1 or 2 */
    enum mpu_fault_kind kind;   /* always written: NONE on success */
    uint64_t far;            /* faulting VA */
    uint64_t ipa;            /* faulting IPA (stage 2) */
    bool hpfar_valid;        /* write HPFAR_EL2 = (ipa >> 12) << 4 */
};

#define MPU_FSC_PERM_L0 0x0C

/* The full check of one PMSA access: EL2 accesses against the EL2 MPU;
 * EL1/EL0 accesses against the EL1 MPU (stage 1, when SCTLR_EL1.M and not
 * HCR_EL2.TGE) and then the EL2 MPU (stage 2, when HCR_EL2.VM) using the
 * EL1&0 half of AP.  When ctl->el1_vmsa is set, stage 1 of EL1&0 is the
 * MMU's business: this function then only applies stage 2 (use
 * mpu_stage2 to combine with the MMU's stage-1 attributes).
 * Returns res->ok. */
bool mpu_lookup(struct mpu_pair *pair, const struct mpu_ctl *ctl,
               const struct mpu_req *req, struct mpu_result *res);

/* Right after mpu_lookup(pair, ctl, req, ...) succeeded: the last address
 * (>= req->addr) up to which a lookup of the same kind, EL and control bits
 * is answered alike from the hit cache, with no side effect (no refill, no
 * statistic, no pending-write bookkeeping), as long as no region changes in
 * between.  A caller checking a range may then skip the addresses up to it.
 * req->addr itself when nothing can be promised (an EL1/EL0 access, the
 * background map, an overlap, a pending write). */
uint64_t mpu_lookup_same_until(const struct mpu_pair *pair, const struct mpu_ctl *ctl,
                               const struct mpu_req *req);

/* mpu_lookup and, when it succeeds, mpu_lookup_same_until in one call:
 * the same result, the same statistics and side effects, and *until set
 * to what mpu_lookup_same_until would return right after (left alone on a
 * fault).  An EL2 access that hits a cached region needs no second look. */
bool mpu_lookup_until(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                      const struct mpu_req *req, struct mpu_result *res, uint64_t *until);

/* Stage 2 only, for an EL1&0 access whose stage 1 was done elsewhere (VMSA
 * stage 1): `ipa` is the output of stage 1, `s1_attr` its MAIR attribute
 * byte and `s1_sh` its shareability.  Applies no check when HCR_EL2.VM is
 * clear. */
bool mpu_stage2(struct mpu_pair *pair, const struct mpu_ctl *ctl,
                const struct mpu_req *req, uint64_t ipa, uint8_t s1_attr,
                uint8_t s1_sh, struct mpu_result *res);

/* ---- Inspection and hypervisor-layer hooks -------------------------------- */

/* Tag a slot with its owner and domain (for region-pressure reports).
 * Returns -1 if `slot` is not implemented. */
int mpu_set_owner(struct mpu *mpu, unsigned slot, enum mpu_owner owner, uint32_t domid);
/* Moves the set of slots changed since the last call into `out` (a bitmap,
 * bit s of word s / 64) and clears it; returns whether any slot changed.
 * Inline: the hypervisor's accounting calls it at every synchronization. */
static inline bool mpu_take_changed(struct mpu *mpu, uint64_t out[MPU_MAX_REGIONS / 64])
{
    uint64_t any = 0;
    for (unsigned w = 0; w < MPU_MAX_REGIONS / 64; w++) {
        out[w] = mpu->changed_slots[w];
        any |= out[w];
        mpu->changed_slots[w] = 0;
    }
    return any != 0;
}

/* Called for every slot whose effective state changes, at the
 * synchronization that makes the change effective.  NULL turns it off. */
void mpu_set_observer(struct mpu *mpu, mpu_observer_fn fn, void *ctx);

/* Enabled effective regions now (region pressure). */
static inline unsigned mpu_enabled_count(const struct mpu *mpu)
{
    return mpu->stats.enabled;
}

/* The segment index over the effective regions, brought up to date first. */
const struct mpu_index *mpu_segments(struct mpu *mpu);

/* Time-weighted mean of enabled regions from init to `now`. */
double mpu_mean_enabled(const struct mpu *mpu, uint64_t now);

/* Implemented slots minus the peak of enabled ones. */
int mpu_headroom(const struct mpu *mpu);

const char *mpu_owner_name(enum mpu_owner owner);
const char *mpu_fault_kind_name(enum mpu_fault_kind kind);
const char *mpu_reg_name(enum mpu_reg reg);

/* Combine stage-1 and stage-2 MAIR attribute bytes: Device beats Normal,
 * the stricter Device type wins, and for Normal memory the weaker
 * cacheability of each half (inner, outer) wins. */
uint8_t mpu_combine_attr(uint8_t s1, uint8_t s2);

#endif
