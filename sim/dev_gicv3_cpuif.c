/* The physical GICv3 CPU interface (ICC_*_EL1 system registers): priority
 * mask, binary points, acknowledge / end of interrupt / deactivate, the
 * active-priority registers, SGI generation, and the IRQ/FIQ outputs it
 * drives.  Also the entry point the cores call (gicv3_cpu_ops), which
 * sends each access to the physical, virtual (ICV) or hypervisor (ICH)
 * register set. */
#include "sim/dev_gicv3_internal.h"

#include "cpu/cpu.h"

#define ENC_OP1(e) (((e) >> 11) & 7)
#define ENC_CRN(e) (((e) >> 7) & 15)
#define ENC_CRM(e) (((e) >> 3) & 15)
#define ENC_OP2(e) ((e) & 7)
#define CRM_OP2(crm, op2) ((crm) << 3 | (op2))

#define ICC_CTLR_CBPR (1u << 0)
#define ICC_CTLR_EOIMODE (1u << 1)
#define ICC_CTLR_PMHE (1u << 6)
/* PRIbits = 4 (5 bits), IDbits = 0 (16-bit INTIDs), A3V = 1. */
#define ICC_CTLR_RO (4u << 8 | 1u << 15)

#define WAKER_PROCESSOR_SLEEP (1u << 1)

/* The binary point that applies to a group (CBPR makes group 1 use BPR0),
 * in the group-0 convention gicv3_gp_mask expects. */
static unsigned group_bpr(const struct gicv3_core *c, bool group1)
{
    if (!group1 || (c->ctlr & ICC_CTLR_CBPR))
        return c->bpr0;
    return c->bpr1 - 1;
}

static unsigned running_prio(const struct gicv3_core *c)
{
    return gicv3_ap_prio(c->ap0r | c->ap1r);
}

/* Whether interrupt `id` (the highest pending one) may be signalled now:
 * its group enabled at the interface, above the priority mask and with a
 * group priority higher than the running priority. */
static bool signalable(struct gicv3 *g, unsigned k, unsigned id, bool *group1)
{
    struct gicv3_core *c = &g->cores[k];
    if (id == GIC_SPURIOUS || (c->waker & WAKER_PROCESSOR_SLEEP))
        return false;
    bool g1 = gicv3_group1(g, k, id);
    *group1 = g1;
    if (!(g1 ? c->igrpen1 : c->igrpen0))
        return false;
    unsigned prio = gicv3_prio_of(g, k, id);
    if (prio >= c->pmr)
        return false;
    return (prio & gicv3_gp_mask(group_bpr(c, g1))) < running_prio(c);
}

void gicv3_phys_lines(struct gicv3 *g, unsigned k, bool *irq, bool *fiq)
{
    bool g1 = false;
    bool s = signalable(g, k, gicv3_hppi(g, k), &g1);
    *irq = s && g1;
    *fiq = s && !g1;
}

static uint64_t acknowledge(struct gicv3 *g, unsigned k, bool group1)
{
    struct gicv3_core *c = &g->cores[k];
    unsigned id = gicv3_hppi(g, k);
    bool g1 = false;
    if (!signalable(g, k, id, &g1) || g1 != group1) {
        g->stats.spurious++;
        return GIC_SPURIOUS;
    }
    unsigned gp = gicv3_prio_of(g, k, id) & gicv3_gp_mask(group_bpr(c, g1));
    if (g1)
        c->ap1r |= 1u << (gp >> 3);
    else
        c->ap0r |= 1u << (gp >> 3);
    gicv3_activate(g, k, id);
    g->stats.acks++;
    gicv3_update(g, k);
    return id;
}

/* Priority drop of the highest active priority, then (EOImode = 0) the
 * deactivation of the interrupt named. */
static void end_of_interrupt(struct gicv3 *g, unsigned k, uint32_t id)
{
    struct gicv3_core *c = &g->cores[k];
    id &= 0xFFFFFF;
    if (id >= 1020 && id <= 1023)
        return;
    uint32_t all = c->ap0r | c->ap1r;
    if (all) {
        uint32_t low = all & -all;
        if (c->ap0r & low)
            c->ap0r &= ~low;
        else
            c->ap1r &= ~low;
    }
    if (!(c->ctlr & ICC_CTLR_EOIMODE))
        gicv3_deactivate(g, k, id);
    g->stats.eois++;
    gicv3_update(g, k);
}

/* ICC_SGI1R_EL1 / ICC_SGI0R_EL1: TargetList [15:0], Aff1 [23:16],
 * INTID [27:24], Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. */
static void send_sgi(struct gicv3 *g, unsigned self, uint64_t v)
{
    unsigned intid = (unsigned)(v >> 24) & 15;
    bool irm = (v >> 40) & 1;
    uint32_t aff321 = (uint32_t)((v >> 48) & 0xFF) << 24 | (uint32_t)((v >> 32) & 0xFF) << 16 |
                      (uint32_t)((v >> 16) & 0xFF) << 8;
    unsigned rs = (unsigned)(v >> 44) & 15;
    for (unsigned k = 0; k < g->ncores; k++) {
        uint32_t a = g->cores[k].affinity;
        bool hit;
        if (irm) {
            hit = k != self;
        } else {
            unsigned aff0 = a & 0xFF;
            hit = (a & 0xFFFFFF00u) == aff321 && aff0 / 16 == rs && ((v >> (aff0 % 16)) & 1);
        }
        if (hit)
            gicv3_raise_sgi(g, k, intid);
    }
}

#define ICC_PMR_EL1 CPU_SYSREG_ENC(3, 0, 4, 6, 0)

int gicv3_icc_read(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t *val)
{
    struct gicv3_core *c = &g->cores[k];
    if (enc == ICC_PMR_EL1) {
        *val = c->pmr;
        return 0;
    }
    unsigned hppi = 0;
    switch (CRM_OP2(ENC_CRM(enc), ENC_OP2(enc))) {
    case CRM_OP2(8, 0): *val = acknowledge(g, k, false); return 0;     /* IAR0 */
    case CRM_OP2(8, 2):                                                 /* HPPIR0 */
    case CRM_OP2(12, 2):                                                /* HPPIR1 */
        hppi = gicv3_hppi(g, k);
        if (hppi != GIC_SPURIOUS && gicv3_group1(g, k, hppi) != (ENC_CRM(enc) == 12))
            hppi = GIC_SPURIOUS;
        *val = hppi;
        return 0;
    case CRM_OP2(8, 3): *val = c->bpr0; return 0;
    case CRM_OP2(8, 4): *val = c->ap0r; return 0;
    case CRM_OP2(8, 5): case CRM_OP2(8, 6): case CRM_OP2(8, 7):
    case CRM_OP2(9, 1): case CRM_OP2(9, 2): case CRM_OP2(9, 3):
        *val = 0;   /* AP0R1-3, AP1R1-3: beyond 5 priority bits */
        return 0;
    case CRM_OP2(9, 0): *val = c->ap1r; return 0;
    case CRM_OP2(11, 3): *val = running_prio(c); return 0;              /* RPR */
    case CRM_OP2(12, 0): *val = acknowledge(g, k, true); return 0;     /* IAR1 */
    case CRM_OP2(12, 3):
        *val = (c->ctlr & ICC_CTLR_CBPR) ? (c->bpr0 + 1 > 7 ? 7 : c->bpr0 + 1) : c->bpr1;
        return 0;
    case CRM_OP2(12, 4): *val = c->ctlr | ICC_CTLR_RO; return 0;
    case CRM_OP2(12, 5): *val = 0x7; return 0;   /* SRE_EL1: SRE, DFB, DIB fixed at 1 */
    case CRM_OP2(12, 6): *val = c->igrpen0; return 0;
    case CRM_OP2(12, 7): *val = c->igrpen1; return 0;
    default: return -1;   /* write-only (EOIR, DIR, SGI) or not a register */
    }
}

int gicv3_icc_write(struct gicv3 *g, unsigned k, uint32_t enc, uint64_t v)
{
    struct gicv3_core *c = &g->cores[k];
    if (enc == ICC_PMR_EL1) {
        c->pmr = (uint32_t)v & GIC_PRIO_MASK;
        gicv3_update(g, k);
        return 0;
    }
    switch (CRM_OP2(ENC_CRM(enc), ENC_OP2(enc))) {
    case CRM_OP2(8, 1):                                                 /* EOIR0 */
    case CRM_OP2(12, 1):                                                /* EOIR1 */
        end_of_interrupt(g, k, (uint32_t)v);
        return 0;
    case CRM_OP2(8, 3): c->bpr0 = (v & 7) < GIC_MIN_BPR0 ? GIC_MIN_BPR0 : v & 7; break;
    case CRM_OP2(8, 4): c->ap0r = (uint32_t)v; break;
    case CRM_OP2(8, 5): case CRM_OP2(8, 6): case CRM_OP2(8, 7):
    case CRM_OP2(9, 1): case CRM_OP2(9, 2): case CRM_OP2(9, 3):
        return 0;
    case CRM_OP2(9, 0): c->ap1r = (uint32_t)v; break;
    case CRM_OP2(11, 1):                                                /* DIR */
        gicv3_deactivate(g, k, (uint32_t)v & 0xFFFFFF);
        break;
    case CRM_OP2(11, 5):                                                /* SGI1R */
    case CRM_OP2(11, 7):                                                /* SGI0R */
        send_sgi(g, k, v);
        return 0;
    case CRM_OP2(11, 6): return 0;   /* ASGI1R: no other security state */
    case CRM_OP2(12, 3):
        if (!(c->ctlr & ICC_CTLR_CBPR))
            c->bpr1 = (v & 7) < GIC_MIN_BPR0 + 1 ? GIC_MIN_BPR0 + 1 : v & 7;
        break;
    case CRM_OP2(12, 4):
        c->ctlr = (uint32_t)v & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE | ICC_CTLR_PMHE);
        break;
    case CRM_OP2(12, 5): return 0;
    case CRM_OP2(12, 6): c->igrpen0 = v & 1; break;
    case CRM_OP2(12, 7): c->igrpen1 = v & 1; break;
    default: return -1;
    }
    gicv3_update(g, k);
    return 0;
}

/* ---- the cores' entry point --------------------------------------------- */

static int gic_read(void *ctx, struct cpu *cpu, uint32_t enc, bool virt, uint64_t *val)
{
    struct gicv3 *g = ctx;
    unsigned k = gicv3_core_index(g, cpu);
    if (g->sample)
        g->sample(g->sample_ctx, k);
    if (ENC_OP1(enc) == 4)
        return gicv3_ich_read(g, k, enc, val);
    return virt ? gicv3_icv_read(g, k, enc, val) : gicv3_icc_read(g, k, enc, val);
}

static int gic_write(void *ctx, struct cpu *cpu, uint32_t enc, bool virt, uint64_t val)
{
    struct gicv3 *g = ctx;
    unsigned k = gicv3_core_index(g, cpu);
    if (g->sample)
        g->sample(g->sample_ctx, k);
    if (ENC_OP1(enc) == 4)
        return gicv3_ich_write(g, k, enc, val);
    return virt ? gicv3_icv_write(g, k, enc, val) : gicv3_icc_write(g, k, enc, val);
}

const struct cpu_gic_ops gicv3_cpu_ops = {gic_read, gic_write};
