/* State shared by the parts of the GICv3 model: the distributor and
 * redistributors (sim/dev_gicv3.c), the physical CPU interface
 * (sim/dev_gicv3_cpuif.c) and the virtual one (sim/dev_gicv3_vcpuif.c). */
#ifndef MSASIM_SIM_DEV_GICV3_INTERNAL_H
#define MSASIM_SIM_DEV_GICV3_INTERNAL_H

#include "sim/dev_gicv3.h"

#define GIC_WORDS (GICV3_NR_IRQS / 32)
#define GIC_SPURIOUS 1023u
#define GIC_IDLE_PRIO 0xFFu
#define GIC_PRIO_MASK 0xF8u   /* 5 implemented priority bits */
#define GIC_MIN_BPR0 2u       /* 8 - 5 - 1 */

/* GICD_CTLR with DS = 1. */
#define GICD_CTLR_ENGRP0 (1u << 0)
#define GICD_CTLR_ENGRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)

/* ICH_LR<n>_EL2 fields. */
#define LR_VINTID(lr) ((uint32_t)((lr) & 0xFFFF))
#define LR_PINTID(lr) ((uint32_t)(((lr) >> 32) & 0x1FFF))
#define LR_EOI (1ull << 41)
#define LR_PRIO(lr) ((unsigned)(((lr) >> 48) & 0xFF))
#define LR_GROUP1 (1ull << 60)
#define LR_HW (1ull << 61)
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)
#define LR_STATE (LR_PENDING | LR_ACTIVE)

/* ICH_HCR_EL2 bits. */
#define ICH_HCR_EN (1u << 0)
#define ICH_HCR_UIE (1u << 1)
#define ICH_HCR_LRENPIE (1u << 2)
#define ICH_HCR_NPIE (1u << 3)
#define ICH_HCR_EOICOUNT_SHIFT 27

/* ICH_VMCR_EL2 fields. */
#define VMCR_ENG0 (1u << 0)
#define VMCR_ENG1 (1u << 1)
#define VMCR_CBPR (1u << 4)
#define VMCR_EOIM (1u << 9)
#define VMCR_BPR1_SHIFT 18
#define VMCR_BPR0_SHIFT 21
#define VMCR_PMR_SHIFT 24

/* One core: its redistributor (SGIs and PPIs) and CPU interface. */
struct gicv3_core {
    struct cpu *cpu;
    uint32_t affinity;          /* Aff3:Aff2:Aff1:Aff0 as GICR_TYPER[63:32] */
    /* redistributor */
    uint32_t waker;             /* ProcessorSleep (bit 1) */
    uint32_t group, grpmod, enable, pending, active, level, icfgr1;
    uint8_t prio[32];
    /* physical CPU interface */
    uint32_t pmr, bpr0, bpr1, ctlr, igrpen0, igrpen1, sre_el2;
    uint32_t ap0r, ap1r;        /* active priorities, bit n = priority n << 3 */
    /* virtual CPU interface */
    uint32_t ich_hcr, ich_vmcr, ich_ap0r, ich_ap1r;
    uint64_t lr[GICV3_NUM_LRS];
};

struct gicv3 {
    unsigned ncores;
    uint32_t ctlr;
    uint32_t group[GIC_WORDS], grpmod[GIC_WORDS], enable[GIC_WORDS], pending[GIC_WORDS],
        active[GIC_WORDS], level[GIC_WORDS], edge[GIC_WORDS];
    uint32_t icfgr[GICV3_NR_IRQS / 16];
    uint8_t prio[GICV3_NR_IRQS];
    uint64_t irouter[GICV3_NR_IRQS];
    struct gicv3_stats stats;
    struct gicv3_core *cores;
    void (*sample)(void *ctx, unsigned core);
    void *sample_ctx;
};

/* The highest-priority interrupt that is pending, enabled, not active and
 * of an enabled group for core k (ignoring PMR and running priority):
 * its INTID or GIC_SPURIOUS. */
unsigned gicv3_hppi(struct gicv3 *g, unsigned k);
unsigned gicv3_prio_of(struct gicv3 *g, unsigned k, unsigned intid);
bool gicv3_group1(struct gicv3 *g, unsigned k, unsigned intid);
/* Acknowledge (pending -> active) and deactivate an interrupt of core k. */
void gicv3_activate(struct gicv3 *g, unsigned k, unsigned intid);
void gicv3_deactivate(struct gicv3 *g, unsigned k, unsigned intid);
/* SGI `intid` made pending on core k. */
void gicv3_raise_sgi(struct gicv3 *g, unsigned k, unsigned intid);
/* Recomputes core k's output lines (and its maintenance interrupt). */
void gicv3_update(struct gicv3 *g, unsigned k);
void gicv3_update_all(struct gicv3 *g);
unsigned gicv3_core_index(struct gicv3 *g, const struct cpu *c);

/* The lowest set bit of an active-priorities word as a priority. */
static inline unsigned gicv3_ap_prio(uint32_t ap)
{
    return ap ? (unsigned)__builtin_ctz(ap) << 3 : GIC_IDLE_PRIO;
}
/* The group-priority mask for a binary point (group 0 convention: the
 * group field is [7:bpr+1]). */
static inline unsigned gicv3_gp_mask(unsigned bpr0_style)
{
    return (0xFFu << (bpr0_style + 1)) & 0xFF;
}

/* sim/dev_gicv3_cpuif.c: physical lines; ICC_* accesses. */
void gicv3_phys_lines(struct gicv3 *g, unsigned k, bool *irq, bool *fiq);
int gicv3_icc_read(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t *val);
int gicv3_icc_write(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t val);

/* sim/dev_gicv3_vcpuif.c: virtual lines; maintenance level; ICH_* and ICV_*. */
void gicv3_virt_lines(struct gicv3 *g, unsigned k, bool *virq, bool *vfiq);
uint32_t gicv3_misr(const struct gicv3_core *c);
int gicv3_ich_read(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t *val);
int gicv3_ich_write(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t val);
int gicv3_icv_read(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t *val);
int gicv3_icv_write(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t val);

#endif
