/* The GICv3 virtual CPU interface: the hypervisor's control registers
 * (ICH_*_EL2: list registers, HCR, VMCR, active priorities, maintenance
 * status) and the view an EL1 guest gets of ICC_* when HCR_EL2.IMO/FMO are
 * set (ICV_*), driven by the list registers instead of the distributor.
 * A list register with HW = 1 names a physical interrupt that the guest's
 * deactivation also deactivates. */
#include "sim/dev_gicv3_internal.h"

#include "cpu/cpu.h"

#define ENC_CRM(e) (((e) >> 3) & 15)
#define ENC_OP2(e) ((e) & 7)
#define CRM_OP2(crm, op2) ((crm) << 3 | (op2))
#define ICC_PMR_EL1 CPU_SYSREG_ENC(3, 0, 4, 6, 0)

/* ListRegs = 3 (4 LRs), PREbits = PRIbits = 4 (5 bits), IDbits = 0
 * (16-bit vINTIDs), A3V = 1. */
#define ICH_VTR_VALUE ((GICV3_NUM_LRS - 1) | 4u << 26 | 4u << 29 | 1u << 21)
/* Maintenance status bits (ICH_MISR_EL2). */
#define MISR_EOI (1u << 0)
#define MISR_U (1u << 1)
#define MISR_LRENP (1u << 2)
#define MISR_NP (1u << 3)
#define MISR_VGRP0E (1u << 4)
#define MISR_VGRP0D (1u << 5)
#define MISR_VGRP1E (1u << 6)
#define MISR_VGRP1D (1u << 7)

static unsigned vpmr(const struct gicv3_core *c)
{
    return (c->ich_vmcr >> VMCR_PMR_SHIFT) & GIC_PRIO_MASK;
}

static unsigned vbpr(const struct gicv3_core *c, bool group1)
{
    unsigned b0 = (c->ich_vmcr >> VMCR_BPR0_SHIFT) & 7;
    if (!group1 || (c->ich_vmcr & VMCR_CBPR))
        return b0;
    return ((c->ich_vmcr >> VMCR_BPR1_SHIFT) & 7) - 1;
}

static unsigned vrunning(const struct gicv3_core *c)
{
    return gicv3_ap_prio(c->ich_ap0r | c->ich_ap1r);
}

/* The list register holding the highest-priority pending (and not
 * active) interrupt of an enabled virtual group, or -1. */
static int best_lr(const struct gicv3_core *c)
{
    int best = -1;
    unsigned best_prio = 0x100;
    for (int i = 0; i < GICV3_NUM_LRS; i++) {
        uint64_t lr = c->lr[i];
        if ((lr & LR_STATE) != LR_PENDING)
            continue;
        if (!(c->ich_vmcr & (lr & LR_GROUP1 ? VMCR_ENG1 : VMCR_ENG0)))
            continue;
        if (LR_PRIO(lr) < best_prio) {
            best = i;
            best_prio = LR_PRIO(lr);
        }
    }
    return best;
}

static bool vsignalable(const struct gicv3_core *c, int i)
{
    if (i < 0 || !(c->ich_hcr & ICH_HCR_EN))
        return false;
    uint64_t lr = c->lr[i];
    unsigned prio = LR_PRIO(lr) & GIC_PRIO_MASK;
    if (prio >= vpmr(c))
        return false;
    return (prio & gicv3_gp_mask(vbpr(c, lr & LR_GROUP1))) < vrunning(c);
}

void gicv3_virt_lines(struct gicv3 *g, unsigned k, bool *virq, bool *vfiq)
{
    const struct gicv3_core *c = &g->cores[k];
    int i = best_lr(c);
    bool s = vsignalable(c, i);
    *virq = s && (c->lr[i] & LR_GROUP1);
    *vfiq = s && !(c->lr[i] & LR_GROUP1);
}

static uint32_t eisr(const struct gicv3_core *c)
{
    uint32_t v = 0;
    for (int i = 0; i < GICV3_NUM_LRS; i++) {
        uint64_t lr = c->lr[i];
        if (!(lr & LR_STATE) && !(lr & LR_HW) && (lr & LR_EOI))
            v |= 1u << i;
    }
    return v;
}

static uint32_t elrsr(const struct gicv3_core *c)
{
    uint32_t v = 0;
    for (int i = 0; i < GICV3_NUM_LRS; i++)
        if (!(c->lr[i] & LR_STATE) && !(!(c->lr[i] & LR_HW) && (c->lr[i] & LR_EOI)))
            v |= 1u << i;
    return v;
}

uint32_t gicv3_misr(const struct gicv3_core *c)
{
    uint32_t m = 0, hcr = c->ich_hcr, vmcr = c->ich_vmcr;
    unsigned valid = 0;
    bool any_pending = false;
    for (int i = 0; i < GICV3_NUM_LRS; i++) {
        if (c->lr[i] & LR_STATE)
            valid++;
        if ((c->lr[i] & LR_STATE) == LR_PENDING)
            any_pending = true;
    }
    if (eisr(c))
        m |= MISR_EOI;
    if ((hcr & ICH_HCR_UIE) && valid <= 1)
        m |= MISR_U;
    if ((hcr & ICH_HCR_LRENPIE) && (hcr >> ICH_HCR_EOICOUNT_SHIFT))
        m |= MISR_LRENP;
    if ((hcr & ICH_HCR_NPIE) && !any_pending)
        m |= MISR_NP;
    /* VGrp0EIE [4], VGrp0DIE [5], VGrp1EIE [6], VGrp1DIE [7] */
    if ((hcr & (1u << 4)) && (vmcr & VMCR_ENG0))
        m |= MISR_VGRP0E;
    if ((hcr & (1u << 5)) && !(vmcr & VMCR_ENG0))
        m |= MISR_VGRP0D;
    if ((hcr & (1u << 6)) && (vmcr & VMCR_ENG1))
        m |= MISR_VGRP1E;
    if ((hcr & (1u << 7)) && !(vmcr & VMCR_ENG1))
        m |= MISR_VGRP1D;
    return m;
}

/* ---- ICH_*_EL2 (and ICC_SRE_EL2, which shares the encoding space) ------- */

int gicv3_ich_read(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t *val)
{
    struct gicv3_core *c = &g->cores[k];
    unsigned crm = ENC_CRM(enc), op2 = ENC_OP2(enc);
    if (crm == 12 || crm == 13) {
        unsigned n = (crm - 12) * 8 + op2;
        if (n >= GICV3_NUM_LRS)
            return -1;
        *val = c->lr[n];
        return 0;
    }
    switch (CRM_OP2(crm, op2)) {
    case CRM_OP2(8, 0): *val = c->ich_ap0r; return 0;
    case CRM_OP2(9, 0): *val = c->ich_ap1r; return 0;
    case CRM_OP2(8, 1): case CRM_OP2(8, 2): case CRM_OP2(8, 3):
    case CRM_OP2(9, 1): case CRM_OP2(9, 2): case CRM_OP2(9, 3):
        return -1;   /* 5 preemption bits: only AP0R0/AP1R0 exist */
    case CRM_OP2(9, 5): *val = c->sre_el2; return 0;
    case CRM_OP2(11, 0): *val = c->ich_hcr; return 0;
    case CRM_OP2(11, 1): *val = ICH_VTR_VALUE; return 0;
    case CRM_OP2(11, 2): *val = gicv3_misr(c); return 0;
    case CRM_OP2(11, 3): *val = eisr(c); return 0;
    case CRM_OP2(11, 5): *val = elrsr(c); return 0;
    case CRM_OP2(11, 7): *val = c->ich_vmcr; return 0;
    default: return -1;
    }
}

int gicv3_ich_write(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t v)
{
    struct gicv3_core *c = &g->cores[k];
    unsigned crm = ENC_CRM(enc), op2 = ENC_OP2(enc);
    if (crm == 12 || crm == 13) {
        unsigned n = (crm - 12) * 8 + op2;
        if (n >= GICV3_NUM_LRS)
            return -1;
        /* RES0: [47:45] and the low priority bits beyond 5 */
        c->lr[n] = v & ~(0x7ull << 45) & ~(0x7ull << 48);
        gicv3_update(g, k);
        return 0;
    }
    switch (CRM_OP2(crm, op2)) {
    case CRM_OP2(8, 0): c->ich_ap0r = (uint32_t)v; break;
    case CRM_OP2(9, 0): c->ich_ap1r = (uint32_t)v; break;
    case CRM_OP2(9, 5): c->sre_el2 = ((uint32_t)v & 0xF) | 1; return 0;   /* SRE RAO */
    case CRM_OP2(11, 0): c->ich_hcr = (uint32_t)v & 0xF8007CFFu; break;
    case CRM_OP2(11, 7):
        c->ich_vmcr = (uint32_t)v & 0xFFFC021Fu & ~(7u << VMCR_PMR_SHIFT);
        if (((c->ich_vmcr >> VMCR_BPR0_SHIFT) & 7) < GIC_MIN_BPR0)
            c->ich_vmcr = (c->ich_vmcr & ~(7u << VMCR_BPR0_SHIFT)) | GIC_MIN_BPR0 << VMCR_BPR0_SHIFT;
        if (((c->ich_vmcr >> VMCR_BPR1_SHIFT) & 7) < GIC_MIN_BPR0 + 1)
            c->ich_vmcr = (c->ich_vmcr & ~(7u << VMCR_BPR1_SHIFT)) |
                          (GIC_MIN_BPR0 + 1) << VMCR_BPR1_SHIFT;
        break;
    case CRM_OP2(8, 1): case CRM_OP2(8, 2): case CRM_OP2(8, 3):
    case CRM_OP2(9, 1): case CRM_OP2(9, 2): case CRM_OP2(9, 3):
        return -1;
    default: return -1;   /* VTR, MISR, EISR, ELRSR are read-only */
    }
    gicv3_update(g, k);
    return 0;
}

/* ---- ICV_*: the guest's view ------------------------------------------- */

static uint64_t vacknowledge(struct gicv3 *g, unsigned k, bool group1)
{
    struct gicv3_core *c = &g->cores[k];
    int i = best_lr(c);
    if (!vsignalable(c, i) || ((c->lr[i] & LR_GROUP1) != 0) != group1)
        return GIC_SPURIOUS;
    uint64_t lr = c->lr[i];
    unsigned gp = LR_PRIO(lr) & gicv3_gp_mask(vbpr(c, group1));
    if (group1)
        c->ich_ap1r |= 1u << (gp >> 3);
    else
        c->ich_ap0r |= 1u << (gp >> 3);
    c->lr[i] = (lr & ~LR_STATE) | LR_ACTIVE;
    g->stats.virt_acks++;
    gicv3_update(g, k);
    return LR_VINTID(lr);
}

/* Deactivation of a virtual interrupt: its list register leaves the
 * active state (and deactivates the physical interrupt when HW = 1); an
 * interrupt no list register holds counts in ICH_HCR_EL2.EOIcount. */
static void vdeactivate(struct gicv3 *g, unsigned k, uint32_t id)
{
    struct gicv3_core *c = &g->cores[k];
    for (int i = 0; i < GICV3_NUM_LRS; i++) {
        uint64_t lr = c->lr[i];
        if (LR_VINTID(lr) == id && (lr & LR_ACTIVE)) {
            c->lr[i] = lr & ~LR_ACTIVE;
            if (lr & LR_HW)
                gicv3_deactivate(g, k, LR_PINTID(lr));
            return;
        }
    }
    uint32_t count = (c->ich_hcr >> ICH_HCR_EOICOUNT_SHIFT) + 1;
    c->ich_hcr = (c->ich_hcr & ((1u << ICH_HCR_EOICOUNT_SHIFT) - 1)) |
                 (count & 0x1F) << ICH_HCR_EOICOUNT_SHIFT;
}

static void veoi(struct gicv3 *g, unsigned k, uint32_t id)
{
    struct gicv3_core *c = &g->cores[k];
    id &= 0xFFFFFF;
    if (id >= 1020 && id <= 1023)
        return;
    uint32_t all = c->ich_ap0r | c->ich_ap1r;
    if (all) {
        uint32_t low = all & -all;
        if (c->ich_ap0r & low)
            c->ich_ap0r &= ~low;
        else
            c->ich_ap1r &= ~low;
    }
    if (!(c->ich_vmcr & VMCR_EOIM))
        vdeactivate(g, k, id);
    g->stats.virt_eois++;
}

int gicv3_icv_read(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t *val)
{
    struct gicv3_core *c = &g->cores[k];
    uint32_t vmcr = c->ich_vmcr;
    if (enc == ICC_PMR_EL1) {
        *val = vpmr(c);
        return 0;
    }
    switch (CRM_OP2(ENC_CRM(enc), ENC_OP2(enc))) {
    case CRM_OP2(8, 0): *val = vacknowledge(g, k, false); return 0;
    case CRM_OP2(12, 0): *val = vacknowledge(g, k, true); return 0;
    case CRM_OP2(8, 2):
    case CRM_OP2(12, 2): {
        int i = best_lr(c);
        bool want1 = ENC_CRM(enc) == 12;
        *val = i >= 0 && ((c->lr[i] & LR_GROUP1) != 0) == want1 ? LR_VINTID(c->lr[i]) : GIC_SPURIOUS;
        return 0;
    }
    case CRM_OP2(8, 3): *val = (vmcr >> VMCR_BPR0_SHIFT) & 7; return 0;
    case CRM_OP2(12, 3): *val = (vmcr >> VMCR_BPR1_SHIFT) & 7; return 0;
    case CRM_OP2(8, 4): *val = c->ich_ap0r; return 0;
    case CRM_OP2(9, 0): *val = c->ich_ap1r; return 0;
    case CRM_OP2(8, 5): case CRM_OP2(8, 6): case CRM_OP2(8, 7):
    case CRM_OP2(9, 1): case CRM_OP2(9, 2): case CRM_OP2(9, 3):
        *val = 0;
        return 0;
    case CRM_OP2(11, 3): *val = vrunning(c); return 0;
    case CRM_OP2(12, 4):   /* ICV_CTLR_EL1: CBPR [0], EOImode [1], fixed fields */
        *val = ((vmcr & VMCR_CBPR) ? 1u : 0) | ((vmcr & VMCR_EOIM) ? 2u : 0) | 4u << 8 | 1u << 15;
        return 0;
    case CRM_OP2(12, 6): *val = vmcr & VMCR_ENG0 ? 1 : 0; return 0;
    case CRM_OP2(12, 7): *val = vmcr & VMCR_ENG1 ? 1 : 0; return 0;
    default: return -1;
    }
}

int gicv3_icv_write(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t v)
{
    struct gicv3_core *c = &g->cores[k];
    uint32_t *vmcr = &c->ich_vmcr;
    if (enc == ICC_PMR_EL1) {
        *vmcr = (*vmcr & ~(0xFFu << VMCR_PMR_SHIFT)) | ((uint32_t)v & GIC_PRIO_MASK) << VMCR_PMR_SHIFT;
        gicv3_update(g, k);
        return 0;
    }
    switch (CRM_OP2(ENC_CRM(enc), ENC_OP2(enc))) {
    case CRM_OP2(8, 1):
    case CRM_OP2(12, 1): veoi(g, k, (uint32_t)v); break;
    case CRM_OP2(11, 1): vdeactivate(g, k, (uint32_t)v & 0xFFFFFF); break;
    case CRM_OP2(8, 3): {
        uint32_t b = (v & 7) < GIC_MIN_BPR0 ? GIC_MIN_BPR0 : (uint32_t)v & 7;
        *vmcr = (*vmcr & ~(7u << VMCR_BPR0_SHIFT)) | b << VMCR_BPR0_SHIFT;
        break;
    }
    case CRM_OP2(12, 3): {
        uint32_t b = (v & 7) < GIC_MIN_BPR0 + 1 ? GIC_MIN_BPR0 + 1 : (uint32_t)v & 7;
        *vmcr = (*vmcr & ~(7u << VMCR_BPR1_SHIFT)) | b << VMCR_BPR1_SHIFT;
        break;
    }
    case CRM_OP2(8, 4): c->ich_ap0r = (uint32_t)v; break;
    case CRM_OP2(9, 0): c->ich_ap1r = (uint32_t)v; break;
    case CRM_OP2(8, 5): case CRM_OP2(8, 6): case CRM_OP2(8, 7):
    case CRM_OP2(9, 1): case CRM_OP2(9, 2): case CRM_OP2(9, 3):
        return 0;
    case CRM_OP2(12, 4):
        *vmcr = (*vmcr & ~(VMCR_CBPR | VMCR_EOIM)) | (v & 1 ? VMCR_CBPR : 0) |
                (v & 2 ? VMCR_EOIM : 0);
        break;
    case CRM_OP2(12, 6): *vmcr = (*vmcr & ~VMCR_ENG0) | (v & 1 ? VMCR_ENG0 : 0); break;
    case CRM_OP2(12, 7): *vmcr = (*vmcr & ~VMCR_ENG1) | (v & 1 ? VMCR_ENG1 : 0); break;
    case CRM_OP2(12, 5): return 0;
    default: return -1;
    }
    gicv3_update(g, k);
    return 0;
}
