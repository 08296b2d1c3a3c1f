/* The hardware-access layer: everything a hypervisor module does that
 * touches hardware goes through this table of functions.
 *
 * The core applies each operation to the simulated machine: MPU register
 * writes land in the core's struct mpu_pair through the same system-register
 * path an MSR takes (so the MPU sees exactly the PRSELR / PRBAR / PRLAR /
 * PRENR writes, and an ISB is what makes them effective), memory accesses are
 * checked against the core's EL2 MPU as EL2 accesses, and every operation is
 * counted and charged in cycles (struct hv_costs in hv/hv.h) to the
 * innermost operation in progress (op_begin / op_end).
 *
 * The table is reached through a pointer so that a module built as a shared
 * object needs no symbol of the simulator.  The inline wrappers below are
 * the intended way to call it. */
#ifndef MSASIM_HV_HAL_H
#define MSASIM_HV_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hv.h"

enum hv_mpu_reg {
    HV_MPU_PRSELR = 0,
    HV_MPU_PRBAR,     /* alias 0: PRBAR_ELx; 1..15: PRBARn_ELx */
    HV_MPU_PRLAR,
    HV_MPU_PRENR,
    HV_MPU_MPUIR,     /* read-only */
};

/* System registers other than the MPU's that a memory manager writes.  The
 * boot path keeps their values (SCTLR_EL2 and MAIR_EL2 decide how the MPU
 * checks the hypervisor's own accesses) and counts the writes. */
enum hv_sysreg {
    HV_SYSREG_SCTLR_EL2 = 0,
    HV_SYSREG_MAIR_EL2,
    HV_SYSREG_HCR_EL2,
    HV_SYSREG_VTCR_EL2,
    HV_SYSREG_VSTCR_EL2,
    HV_SYSREG_VSCTLR_EL2,
    HV_SYSREG_SCTLR_EL1,
    /* VMSA (profile a): the EL2 stage-1 and the stage-2 translation regime. */
    HV_SYSREG_TTBR0_EL2,
    HV_SYSREG_TCR_EL2,
    HV_SYSREG_VTTBR_EL2,
    HV_SYSREG_COUNT
};

enum hv_tlbi {
    HV_TLBI_ALLE2 = 0,
    HV_TLBI_VAE2,
    HV_TLBI_ALLE1,
    HV_TLBI_VMALLS12E1,
    HV_TLBI_IPAS2E1,
    /* Appended: the other forms Xen uses on an MMU. */
    HV_TLBI_VALE2,            /* last level, by VA (flush_xen_tlb_range_va_local) */
    HV_TLBI_ALLE2IS,
    HV_TLBI_VAE2IS,
    HV_TLBI_VALE2IS,
    HV_TLBI_ALLE1IS,
    HV_TLBI_VMALLS12E1IS,     /* p2m_force_tlb_flush_sync */
    HV_TLBI_IPAS2E1IS,
    HV_TLBI_KINDS
};

/* Which translation regime a page-table page belongs to. */
enum hv_pt_space {
    HV_PT_EL2 = 0,            /* the hypervisor's stage 1 (TTBR0_EL2) */
    HV_PT_P2M = 1,            /* a domain's stage 2 (VTTBR_EL2) */
};

/* mem_owner: RAM that belongs to nobody (free pages). */
#define HV_MEM_FREE 0x7FF4u

enum hv_cache_op {
    HV_DC_CLEAN = 0,          /* DC CVAC over a range */
    HV_DC_INVAL,              /* DC IVAC */
    HV_DC_CLEAN_INVAL,        /* DC CIVAC */
};

/* SCTLR_ELx bits a module sets. */
#define HV_SCTLR_M   (1ull << 0)
#define HV_SCTLR_C   (1ull << 2)
#define HV_SCTLR_I   (1ull << 12)
#define HV_SCTLR_BR  (1ull << 17)
#define HV_SCTLR_WXN (1ull << 19)

struct hv_hal;

struct hv_hal_ops {
    uint32_t api_version;     /* HV_API_VERSION */

    unsigned (*ncores)(struct hv_hal *h);

    /* Raw MPU system registers of `core`; el is 1 or 2.  `alias` selects
     * PRBARn/PRLARn (1..15) for HV_MPU_PRBAR/PRLAR, 0 otherwise. */
    uint64_t (*mpu_read)(struct hv_hal *h, unsigned core, unsigned el, enum hv_mpu_reg reg,
                         unsigned alias);
    void (*mpu_write)(struct hv_hal *h, unsigned core, unsigned el, enum hv_mpu_reg reg,
                      unsigned alias, uint64_t value);
    /* One region by slot, the way Xen's write_protection_region does it:
     * read PRSELR; when its upper nibble differs from the slot's, write
     * slot & 0xF0 and ISB; then PRBARn and PRLARn with n = slot & 0xF.  No
     * barrier after: the caller ends its update with DSB + ISB. */
    void (*mpu_write_region)(struct hv_hal *h, unsigned core, unsigned el, unsigned slot,
                             uint64_t prbar, uint64_t prlar);
    void (*mpu_read_region)(struct hv_hal *h, unsigned core, unsigned el, unsigned slot,
                            uint64_t *prbar, uint64_t *prlar);

    uint64_t (*sysreg_read)(struct hv_hal *h, unsigned core, enum hv_sysreg reg);
    void (*sysreg_write)(struct hv_hal *h, unsigned core, enum hv_sysreg reg, uint64_t value);

    /* Barriers: an ISB is a context synchronization event (MPU writes take
     * effect); a DSB is counted and charged. */
    void (*dsb)(struct hv_hal *h, unsigned core);
    void (*isb)(struct hv_hal *h, unsigned core);
    /* Counted per kind (hv.tlbi.KIND); there is nothing to invalidate on a
     * PMSA core, and the boot path has no TLBs to apply it to. */
    void (*tlbi)(struct hv_hal *h, unsigned core, enum hv_tlbi op, uint64_t arg);
    void (*dcache)(struct hv_hal *h, unsigned core, enum hv_cache_op op, uint64_t base,
                   uint64_t size);
    void (*icache_inval_all)(struct hv_hal *h, unsigned core);

    /* Memory accesses made by `core` at EL2.  Each page touched is checked
     * against the core's EL2 MPU (effective regions); a fault fails the
     * access with HV_ERR_FAULT and a message.  Bytes move only when the
     * model has RAM attached; otherwise they are counted. */
    int (*mem_copy)(struct hv_hal *h, unsigned core, uint64_t dst, uint64_t src, uint64_t len);
    int (*mem_set)(struct hv_hal *h, unsigned core, uint64_t dst, uint8_t byte, uint64_t len);
    int (*mem_read)(struct hv_hal *h, unsigned core, uint64_t pa, void *buf, uint64_t len);
    int (*mem_write)(struct hv_hal *h, unsigned core, uint64_t pa, const void *buf,
                     uint64_t len);

    /* Tag a slot with its owner for region-pressure figures (call before
     * the write that enables it). */
    void (*tag)(struct hv_hal *h, unsigned core, unsigned slot, enum hv_owner owner,
                uint32_t domid);
    /* Bracket a sub-operation so that its cost is reported under `op`; the
     * cost also counts towards the enclosing operation. */
    void (*op_begin)(struct hv_hal *h, enum hv_op op);
    void (*op_end)(struct hv_hal *h, enum hv_op op, int status);
    /* Software work of the module: `steps` table entries examined. */
    void (*sw)(struct hv_hal *h, unsigned core, uint64_t steps);

    /* The reason for the error the current operation returns (one line). */
    void (*errorf)(struct hv_hal *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
    /* A note for the user (an assumption taken, a quirk reproduced). */
    void (*notef)(struct hv_hal *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

    uint64_t (*now)(struct hv_hal *h);   /* cycles charged so far */

    /* ---- Appended: page tables (profile a) ---------------------------- */

    /* A page-table page taken from (alloc) or given back to the heap the
     * module manages: zeroed when taken, counted per space. */
    void (*pt_page)(struct hv_hal *h, enum hv_pt_space space, uint64_t pa, bool alloc);
    /* Store one 8-byte descriptor at `pa` (a page-table page) found at
     * `level` of a walk of `space`: charged as a store and counted as a
     * page-table write.  For HV_PT_EL2 the core follows the change of a
     * leaf (block or page) to keep the speculation exposure up to date; a
     * module must clear the leaves under a table before it drops it. */
    void (*pt_write)(struct hv_hal *h, unsigned core, enum hv_pt_space space, unsigned level,
                     uint64_t pa, uint64_t value);
    /* Read one descriptor back (the module's walks); counted as a software
     * step. */
    uint64_t (*pt_read)(struct hv_hal *h, uint64_t pa);
    /* Who owns a range of RAM from now on, for the exposure figures: a
     * domain's domid, HV_DOMID_XEN, or HV_MEM_FREE. */
    void (*mem_owner)(struct hv_hal *h, uint64_t base, uint64_t size, uint32_t domid);
};

struct hv_hal {
    const struct hv_hal_ops *ops;
};

static inline unsigned hal_ncores(struct hv_hal *h) { return h->ops->ncores(h); }
static inline unsigned hal_mpuir(struct hv_hal *h, unsigned core, unsigned el)
{
    return (unsigned)(h->ops->mpu_read(h, core, el, HV_MPU_MPUIR, 0) & 0xFF);
}
static inline void hal_mpu_write(struct hv_hal *h, unsigned core, unsigned el,
                                 enum hv_mpu_reg reg, unsigned alias, uint64_t v)
{
    h->ops->mpu_write(h, core, el, reg, alias, v);
}
static inline uint64_t hal_mpu_read(struct hv_hal *h, unsigned core, unsigned el,
                                    enum hv_mpu_reg reg, unsigned alias)
{
    return h->ops->mpu_read(h, core, el, reg, alias);
}
static inline void hal_write_region(struct hv_hal *h, unsigned core, unsigned slot,
                                    uint64_t prbar, uint64_t prlar)
{
    h->ops->mpu_write_region(h, core, 2, slot, prbar, prlar);
}
static inline void hal_sysreg_write(struct hv_hal *h, unsigned core, enum hv_sysreg r,
                                    uint64_t v)
{
    h->ops->sysreg_write(h, core, r, v);
}
static inline void hal_dsb(struct hv_hal *h, unsigned core) { h->ops->dsb(h, core); }
static inline void hal_isb(struct hv_hal *h, unsigned core) { h->ops->isb(h, core); }
/* Xen's context_sync_mpu(): DSB SY; ISB. */
static inline void hal_sync(struct hv_hal *h, unsigned core)
{
    h->ops->dsb(h, core);
    h->ops->isb(h, core);
}
static inline void hal_tag(struct hv_hal *h, unsigned core, unsigned slot, enum hv_owner o,
                           uint32_t domid)
{
    h->ops->tag(h, core, slot, o, domid);
}
static inline void hal_op_begin(struct hv_hal *h, enum hv_op op) { h->ops->op_begin(h, op); }
static inline void hal_op_end(struct hv_hal *h, enum hv_op op, int status)
{
    h->ops->op_end(h, op, status);
}
static inline void hal_sw(struct hv_hal *h, unsigned core, uint64_t steps)
{
    h->ops->sw(h, core, steps);
}

#endif
