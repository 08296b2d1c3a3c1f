/* GICv3 distributor and redistributors (Arm IHI 0069, chapter 12 register
 * maps), and the interrupt state they share with the CPU interfaces:
 * which interrupt is pending, enabled, active, of which group and priority,
 * and to which core it goes.  Affinity routing is always on (ARE = 1), so
 * SGI and PPI state lives in each core's redistributor and the
 * distributor's copies of those registers read as zero. */
#include "sim/dev_gicv3_internal.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"

/* Distributor register offsets (GICD_*). */
enum {
    GICD_CTLR = 0x0000, GICD_TYPER = 0x0004, GICD_IIDR = 0x0008, GICD_TYPER2 = 0x000C,
    GICD_STATUSR = 0x0010, GICD_IGROUPR = 0x0080, GICD_ISENABLER = 0x0100,
    GICD_ICENABLER = 0x0180, GICD_ISPENDR = 0x0200, GICD_ICPENDR = 0x0280,
    GICD_ISACTIVER = 0x0300, GICD_ICACTIVER = 0x0380, GICD_IPRIORITYR = 0x0400,
    GICD_ITARGETSR = 0x0800, GICD_ICFGR = 0x0C00, GICD_IGRPMODR = 0x0D00, GICD_NSACR = 0x0E00,
    GICD_SGIR = 0x0F00, GICD_IROUTER = 0x6000, GICD_PIDR2 = 0xFFE8,
};
/* Redistributor: RD_base frame, then SGI_base frame at +64 KiB. */
enum {
    GICR_CTLR = 0x0000, GICR_IIDR = 0x0004, GICR_TYPER = 0x0008, GICR_STATUSR = 0x0010,
    GICR_WAKER = 0x0014, GICR_PROPBASER = 0x0070, GICR_PENDBASER = 0x0078, GICR_PIDR2 = 0xFFE8,
    GICR_SGI_BASE = 0x10000,
    GICR_IGROUPR0 = 0x0080, GICR_ISENABLER0 = 0x0100, GICR_ICENABLER0 = 0x0180,
    GICR_ISPENDR0 = 0x0200, GICR_ICPENDR0 = 0x0280, GICR_ISACTIVER0 = 0x0300,
    GICR_ICACTIVER0 = 0x0380, GICR_IPRIORITYR0 = 0x0400, GICR_ICFGR0 = 0x0C00,
    GICR_ICFGR1 = 0x0C04, GICR_IGRPMODR0 = 0x0D00, GICR_NSACR = 0x0E00,
};

#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
#define IROUTER_IRM (1ull << 31)
/* Arm as implementer (JEP106 0x43B), product 0, revision 0. */
#define GIC_IIDR 0x0000043Bu
#define GIC_PIDR2 0x3Bu       /* ArchRev = 3 (GICv3), JEP106 bits */
#define GICD_TYPER_VALUE(ncpu) \
    ((GIC_WORDS - 1) | ((ncpu) > 8 ? 7u : (ncpu) - 1) << 5 | 15u << 19)

static bool bit(const uint32_t *w, unsigned n)
{
    return (w[n / 32] >> (n % 32)) & 1;
}

/* ---- interrupt state ---------------------------------------------------- */

unsigned gicv3_core_index(struct gicv3 *g, const struct cpu *c)
{
    if (c->id < g->ncores && g->cores[c->id].cpu == c)
        return c->id;
    for (unsigned k = 0; k < g->ncores; k++)
        if (g->cores[k].cpu == c)
            return k;
    return 0;
}

static int spi_target(const struct gicv3 *g, unsigned intid)
{
    uint64_t r = g->irouter[intid];
    if (r & IROUTER_IRM)
        return 0;   /* "any participating core": the first one, deterministically */
    uint32_t aff = (uint32_t)((r >> 32) & 0xFF) << 24 | (uint32_t)(r & 0xFFFFFF);
    for (unsigned k = 0; k < g->ncores; k++)
        if (g->cores[k].affinity == aff)
            return (int)k;
    return -1;
}

unsigned gicv3_prio_of(struct gicv3 *g, unsigned k, unsigned intid)
{
    return intid < 32 ? g->cores[k].prio[intid] : g->prio[intid];
}

bool gicv3_group1(struct gicv3 *g, unsigned k, unsigned intid)
{
    return intid < 32 ? (g->cores[k].group >> intid) & 1 : bit(g->group, intid);
}

/* Pending, enabled, not active; level-sensitive inputs pend while high. */
static uint32_t ready_ppi(const struct gicv3_core *c)
{
    uint32_t edge = 0xFFFFu;   /* SGIs */
    for (unsigned i = 0; i < 16; i++)
        if ((c->icfgr1 >> (2 * i + 1)) & 1)
            edge |= 1u << (16 + i);
    return (c->pending | (c->level & ~edge)) & c->enable & ~c->active;
}

static uint32_t ready_spi(const struct gicv3 *g, unsigned w)
{
    return (g->pending[w] | (g->level[w] & ~g->edge[w])) & g->enable[w] & ~g->active[w];
}

unsigned gicv3_hppi(struct gicv3 *g, unsigned k)
{
    struct gicv3_core *c = &g->cores[k];
    unsigned best = GIC_SPURIOUS, best_prio = 0x100;
    uint32_t grp_on[2] = {g->ctlr & GICD_CTLR_ENGRP0 ? ~0u : 0, g->ctlr & GICD_CTLR_ENGRP1 ? ~0u : 0};
    uint32_t m = ready_ppi(c);
    m &= (c->group & grp_on[1]) | (~c->group & grp_on[0]);
    for (; m; m &= m - 1) {
        unsigned id = (unsigned)__builtin_ctz(m);
        if (c->prio[id] < best_prio) {
            best = id;
            best_prio = c->prio[id];
        }
    }
    for (unsigned w = 1; w < GIC_WORDS; w++) {
        uint32_t s = ready_spi(g, w) & ((g->group[w] & grp_on[1]) | (~g->group[w] & grp_on[0]));
        for (; s; s &= s - 1) {
            unsigned id = w * 32 + (unsigned)__builtin_ctz(s);
            if (g->prio[id] < best_prio && spi_target(g, id) == (int)k) {
                best = id;
                best_prio = g->prio[id];
            }
        }
    }
    return best;
}

void gicv3_activate(struct gicv3 *g, unsigned k, unsigned intid)
{
    if (intid < 32) {
        g->cores[k].pending &= ~(1u << intid);
        g->cores[k].active |= 1u << intid;
    } else if (intid < GICV3_NR_IRQS) {
        g->pending[intid / 32] &= ~(1u << intid % 32);
        g->active[intid / 32] |= 1u << intid % 32;
    }
}

void gicv3_deactivate(struct gicv3 *g, unsigned k, unsigned intid)
{
    if (intid < 32)
        g->cores[k].active &= ~(1u << intid);
    else if (intid < GICV3_NR_IRQS)
        g->active[intid / 32] &= ~(1u << intid % 32);
}

void gicv3_raise_sgi(struct gicv3 *g, unsigned k, unsigned intid)
{
    g->cores[k].pending |= 1u << (intid & 15);
    g->stats.sgis++;
    gicv3_update(g, k);
}

void gicv3_update(struct gicv3 *g, unsigned k)
{
    struct gicv3_core *c = &g->cores[k];
    bool maint = (c->ich_hcr & ICH_HCR_EN) && gicv3_misr(c);
    c->level = maint ? c->level | 1u << GICV3_MAINT_PPI : c->level & ~(1u << GICV3_MAINT_PPI);
    struct cpu_irq_lines l = c->cpu->lines;
    gicv3_phys_lines(g, k, &l.irq, &l.fiq);
    gicv3_virt_lines(g, k, &l.virq, &l.vfiq);
    const struct cpu_irq_lines *o = &c->cpu->lines;
    if (l.irq != o->irq || l.fiq != o->fiq || l.virq != o->virq || l.vfiq != o->vfiq)
        cpu_set_irq_lines(c->cpu, &l);
}

void gicv3_update_all(struct gicv3 *g)
{
    for (unsigned k = 0; k < g->ncores; k++)
        gicv3_update(g, k);
}

void gicv3_set_level(struct gicv3 *g, unsigned core, unsigned intid, bool level)
{
    uint32_t *lv, *pend, mask;
    bool edge;
    if (intid < 16 || intid >= GICV3_NR_IRQS || (intid < 32 && core >= g->ncores))
        return;
    if (intid < 32) {
        struct gicv3_core *c = &g->cores[core];
        lv = &c->level;
        pend = &c->pending;
        mask = 1u << intid;
        edge = (c->icfgr1 >> (2 * (intid - 16) + 1)) & 1;
    } else {
        lv = &g->level[intid / 32];
        pend = &g->pending[intid / 32];
        mask = 1u << intid % 32;
        edge = (g->edge[intid / 32] & mask) != 0;
    }
    bool was = (*lv & mask) != 0;
    if (was == level)
        return;
    *lv = level ? *lv | mask : *lv & ~mask;
    if (level && edge)
        *pend |= mask;   /* a rising edge latches the pending state */
    if (intid < 32)
        gicv3_update(g, core);
    else
        gicv3_update_all(g);
}

/* ---- register words shared by the distributor and the redistributors --- */

/* The set/clear register families at 0x080-0x3FF: IGROUPR, IS/ICENABLER,
 * IS/ICPENDR, IS/ICACTIVER.  `w` points at the 32 interrupts' words of
 * state: [0] group, [1] enable, [2] pending, [3] active. */
struct irq_word {
    uint32_t *group, *enable, *pending, *active;
    uint32_t level, edge;
};

static uint32_t word_read(const struct irq_word *w, unsigned off)
{
    switch (off & ~0x7Fu) {
    case GICD_IGROUPR: return *w->group;
    case GICD_ISENABLER:
    case GICD_ICENABLER: return *w->enable;
    case GICD_ISPENDR:
    case GICD_ICPENDR: return *w->pending | (w->level & ~w->edge);
    default: return *w->active;
    }
}

static void word_write(struct irq_word *w, unsigned off, uint32_t v)
{
    switch (off & ~0x7Fu) {
    case GICD_IGROUPR: *w->group = v; break;
    case GICD_ISENABLER: *w->enable |= v; break;
    case GICD_ICENABLER: *w->enable &= ~v; break;
    case GICD_ISPENDR: *w->pending |= v; break;
    case GICD_ICPENDR: *w->pending &= ~v; break;
    case GICD_ISACTIVER: *w->active |= v; break;
    default: *w->active &= ~v; break;
    }
}

/* Sub-word access to byte-wide registers (IPRIORITYR): merge into the
 * 32-bit view. */
static uint32_t prio_word(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void prio_write(uint8_t *p, unsigned len, unsigned byte_off, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size && byte_off + i < len; i++)
        p[byte_off + i] = (uint8_t)(v >> (8 * i)) & GIC_PRIO_MASK;
}

/* ---- distributor -------------------------------------------------------- */

static struct irq_word dist_word(struct gicv3 *g, unsigned n)
{
    struct irq_word w = {&g->group[n], &g->enable[n], &g->pending[n], &g->active[n],
                         g->level[n], g->edge[n]};
    return w;
}

static int dist_read32(struct gicv3 *g, unsigned off, uint32_t *v)
{
    *v = 0;
    if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
        unsigned n = (off & 0x7F) / 4;
        if (n > 0 && n < GIC_WORDS) {
            struct irq_word w = dist_word(g, n);
            *v = word_read(&w, off);
        }
        return 0;
    }
    if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
        unsigned id = off - GICD_IPRIORITYR;
        if (id >= 32 && id < GICV3_NR_IRQS)
            *v = prio_word(&g->prio[id]);
        return 0;
    }
    if (off >= GICD_ITARGETSR && off < GICD_ICFGR)
        return 0;   /* RAZ with affinity routing */
    if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
        unsigned n = (off - GICD_ICFGR) / 4;
        if (n >= 2 && n < GICV3_NR_IRQS / 16)
            *v = g->icfgr[n];
        return 0;
    }
    if (off >= GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80) {
        unsigned n = (off - GICD_IGRPMODR) / 4;
        if (n > 0 && n < GIC_WORDS)
            *v = g->grpmod[n];
        return 0;
    }
    if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * GICV3_NR_IRQS) {
        unsigned id = (off - GICD_IROUTER) / 8;
        if (id >= 32)
            *v = (uint32_t)(g->irouter[id] >> (off & 4 ? 32 : 0));
        return 0;
    }
    switch (off) {
    case GICD_CTLR: *v = g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS; return 0;
    case GICD_TYPER: *v = GICD_TYPER_VALUE(g->ncores); return 0;
    case GICD_IIDR: *v = GIC_IIDR; return 0;
    case GICD_TYPER2:
    case GICD_STATUSR:
    case GICD_SGIR: return 0;
    case GICD_PIDR2: *v = GIC_PIDR2; return 0;
    default:
        if (off >= GICD_NSACR && off < GICD_NSACR + 0x100)
            return 0;
        return -1;
    }
}

static int dist_write32(struct gicv3 *g, unsigned off, uint32_t v)
{
    if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
        unsigned n = (off & 0x7F) / 4;
        if (n > 0 && n < GIC_WORDS) {
            struct irq_word w = dist_word(g, n);
            word_write(&w, off, v);
        }
        return 0;
    }
    if (off >= GICD_ITARGETSR && off < GICD_ICFGR)
        return 0;
    if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
        unsigned n = (off - GICD_ICFGR) / 4;
        if (n >= 2 && n < GICV3_NR_IRQS / 16) {
            g->icfgr[n] = v & 0xAAAAAAAAu;
            uint32_t *e = &g->edge[n / 2];
            unsigned shift = (n & 1) * 16;
            *e &= ~(0xFFFFu << shift);
            for (unsigned i = 0; i < 16; i++)
                if ((v >> (2 * i + 1)) & 1)
                    *e |= 1u << (shift + i);
        }
        return 0;
    }
    if (off >= GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80) {
        unsigned n = (off - GICD_IGRPMODR) / 4;
        if (n > 0 && n < GIC_WORDS)
            g->grpmod[n] = v;
        return 0;
    }
    if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * GICV3_NR_IRQS) {
        unsigned id = (off - GICD_IROUTER) / 8;
        if (id >= 32) {
            /* Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0] */
            uint64_t mask = off & 4 ? 0xFF00000000ull : 0x80FFFFFFull;
            uint64_t val = off & 4 ? (uint64_t)v << 32 : v;
            g->irouter[id] = (g->irouter[id] & ~mask) | (val & mask);
        }
        return 0;
    }
    switch (off) {
    case GICD_CTLR: g->ctlr = v & (GICD_CTLR_ENGRP0 | GICD_CTLR_ENGRP1); return 0;
    case GICD_STATUSR:
    case GICD_SGIR: return 0;
    default:
        if (off >= GICD_NSACR && off < GICD_NSACR + 0x100)
            return 0;
        return -1;
    }
}

/* What a read of `size` bytes at offset `o` returns, from the word(s) read
 * at o & ~3 (`hi` for an 8-byte access); `rc` nonzero: an offset the model
 * does not know (it reads as zero), counted. */
static uint64_t access_value(struct gicv3 *g, int rc, uint32_t lo, uint32_t hi, unsigned o,
                             unsigned size)
{
    if (rc)
        g->stats.unknown_reads++;
    uint64_t v = (uint64_t)hi << 32 | lo;
    if (size < 4)
        v = (v >> (8 * (o & 3))) & ((1ull << (8 * size)) - 1);
    return v;
}

/* Splits 64-bit accesses in two words and handles byte access to the
 * priority registers; offsets the model does not know read as zero and
 * ignore writes (counted). */
static int gicd_read(void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
    struct gicv3 *g = ctx;
    uint32_t lo = 0, hi = 0;
    unsigned o = (unsigned)off;
    int rc = dist_read32(g, o & ~3u, &lo);
    if (size == 8)
        rc |= dist_read32(g, (o & ~3u) + 4, &hi);
    *val = access_value(g, rc, lo, hi, o, size);
    return 0;
}

static int gicd_write(void *ctx, uint64_t off, unsigned size, uint64_t val)
{
    struct gicv3 *g = ctx;
    unsigned o = (unsigned)off;
    int rc = 0;
    if (size < 4) {
        if (o >= GICD_IPRIORITYR + 32 && o < GICD_IPRIORITYR + GICV3_NR_IRQS)
            prio_write(g->prio, GICV3_NR_IRQS, o - GICD_IPRIORITYR, size, val);
        else
            rc = -1;   /* byte access to a word-only register */
    } else {
        if (o >= GICD_IPRIORITYR && o < GICD_ITARGETSR) {
            if (o >= GICD_IPRIORITYR + 32 && o < GICD_IPRIORITYR + GICV3_NR_IRQS)
                prio_write(g->prio, GICV3_NR_IRQS, o - GICD_IPRIORITYR, size, val);
        } else {
            rc = dist_write32(g, o & ~3u, (uint32_t)val);
            if (size == 8)
                rc |= dist_write32(g, (o & ~3u) + 4, (uint32_t)(val >> 32));
        }
    }
    if (rc)
        g->stats.unknown_writes++;
    gicv3_update_all(g);
    return 0;
}

/* ---- redistributors ----------------------------------------------------- */

static struct irq_word rdist_word(struct gicv3_core *c)
{
    uint32_t edge = 0xFFFFu;
    for (unsigned i = 0; i < 16; i++)
        if ((c->icfgr1 >> (2 * i + 1)) & 1)
            edge |= 1u << (16 + i);
    struct irq_word w = {&c->group, &c->enable, &c->pending, &c->active, c->level, edge};
    return w;
}

static int rdist_read32(struct gicv3 *g, unsigned k, unsigned off, uint32_t *v)
{
    struct gicv3_core *c = &g->cores[k];
    *v = 0;
    if (off < GICR_SGI_BASE) {
        switch (off) {
        case GICR_CTLR:
        case GICR_STATUSR: return 0;
        case GICR_IIDR: *v = GIC_IIDR; return 0;
        /* Processor_Number [23:8], Last [4]; no physical or virtual LPIs. */
        case GICR_TYPER: *v = k << 8 | (k + 1 == g->ncores ? 1u << 4 : 0); return 0;
        case GICR_TYPER + 4: *v = c->affinity; return 0;
        case GICR_WAKER:
            *v = c->waker | (c->waker & WAKER_PROCESSOR_SLEEP ? WAKER_CHILDREN_ASLEEP : 0);
            return 0;
        case GICR_PROPBASER:
        case GICR_PROPBASER + 4:
        case GICR_PENDBASER:
        case GICR_PENDBASER + 4: return 0;   /* no LPIs: RAZ/WI */
        case GICR_PIDR2: *v = GIC_PIDR2; return 0;
        default: return -1;
        }
    }
    off -= GICR_SGI_BASE;
    if (off >= GICR_IGROUPR0 && off < GICR_IPRIORITYR0) {
        if ((off & 0x7F) == 0) {
            struct irq_word w = rdist_word(c);
            *v = word_read(&w, off);
            return 0;
        }
        return -1;
    }
    if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + 32) {
        *v = prio_word(&c->prio[off - GICR_IPRIORITYR0]);
        return 0;
    }
    switch (off) {
    case GICR_ICFGR0: *v = 0xAAAAAAAAu; return 0;   /* SGIs are edge-triggered */
    case GICR_ICFGR1: *v = c->icfgr1; return 0;
    case GICR_IGRPMODR0: *v = c->grpmod; return 0;
    case GICR_NSACR: return 0;
    default: return -1;
    }
}

static int rdist_write32(struct gicv3 *g, unsigned k, unsigned off, uint32_t v)
{
    struct gicv3_core *c = &g->cores[k];
    if (off < GICR_SGI_BASE) {
        switch (off) {
        case GICR_WAKER: c->waker = v & WAKER_PROCESSOR_SLEEP; return 0;
        case GICR_CTLR:
        case GICR_STATUSR:
        case GICR_PROPBASER:
        case GICR_PROPBASER + 4:
        case GICR_PENDBASER:
        case GICR_PENDBASER + 4: return 0;
        default: return -1;
        }
    }
    off -= GICR_SGI_BASE;
    if (off >= GICR_IGROUPR0 && off < GICR_IPRIORITYR0) {
        if ((off & 0x7F) == 0) {
            struct irq_word w = rdist_word(c);
            word_write(&w, off, v);
            return 0;
        }
        return -1;
    }
    switch (off) {
    case GICR_ICFGR0: return 0;
    case GICR_ICFGR1: c->icfgr1 = v & 0xAAAAAAAAu; return 0;
    case GICR_IGRPMODR0: c->grpmod = v; return 0;
    case GICR_NSACR: return 0;
    default: return -1;
    }
}

static int gicr_read(void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
    struct gicv3 *g = ctx;
    unsigned k = (unsigned)(off / GICV3_REDIST_STRIDE);
    unsigned o = (unsigned)(off % GICV3_REDIST_STRIDE);
    uint32_t lo = 0, hi = 0;
    if (k >= g->ncores)
        return -1;
    int rc = rdist_read32(g, k, o & ~3u, &lo);
    if (size == 8)
        rc |= rdist_read32(g, k, (o & ~3u) + 4, &hi);
    *val = access_value(g, rc, lo, hi, o, size);
    return 0;
}

static int gicr_write(void *ctx, uint64_t off, unsigned size, uint64_t val)
{
    struct gicv3 *g = ctx;
    unsigned k = (unsigned)(off / GICV3_REDIST_STRIDE);
    unsigned o = (unsigned)(off % GICV3_REDIST_STRIDE);
    if (k >= g->ncores)
        return -1;
    int rc = 0;
    unsigned prio = GICR_SGI_BASE + GICR_IPRIORITYR0;
    if (o >= prio && o < prio + 32)
        prio_write(g->cores[k].prio, 32, o - prio, size, val);
    else if (size < 4)
        rc = -1;
    else {
        rc = rdist_write32(g, k, o & ~3u, (uint32_t)val);
        if (size == 8)
            rc |= rdist_write32(g, k, (o & ~3u) + 4, (uint32_t)(val >> 32));
    }
    if (rc)
        g->stats.unknown_writes++;
    gicv3_update(g, k);
    return 0;
}

/* ---- construction ------------------------------------------------------- */

static void core_reset(struct gicv3_core *c)
{
    c->waker = WAKER_PROCESSOR_SLEEP;
    c->pmr = 0;
    c->bpr0 = GIC_MIN_BPR0;
    c->bpr1 = GIC_MIN_BPR0 + 1;
    c->sre_el2 = 0x1;
    c->ich_vmcr = (GIC_MIN_BPR0 << VMCR_BPR0_SHIFT) | ((GIC_MIN_BPR0 + 1) << VMCR_BPR1_SHIFT);
}

struct gicv3 *gicv3_create(struct cpu *const *cores, unsigned ncores)
{
    struct gicv3 *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->cores = calloc(ncores ? ncores : 1, sizeof *g->cores);
    if (!g->cores) {
        free(g);
        return NULL;
    }
    g->ncores = ncores;
    for (unsigned k = 0; k < ncores; k++) {
        struct gicv3_core *c = &g->cores[k];
        c->cpu = cores[k];
        uint64_t mpidr = cores[k]->mpidr;
        c->affinity = (uint32_t)((mpidr >> 32) & 0xFF) << 24 | (uint32_t)(mpidr & 0xFFFFFF);
        core_reset(c);
        cpu_set_gic(cores[k], &gicv3_cpu_ops, g);
    }
    return g;
}

void gicv3_free(struct gicv3 *g)
{
    if (!g)
        return;
    free(g->cores);
    free(g);
}

struct mmio_device gicv3_dist_device(struct gicv3 *g, uint64_t base)
{
    struct mmio_device d = {"gicv3-distributor", base, GICV3_DIST_SIZE, g, gicd_read, gicd_write};
    return d;
}

struct mmio_device gicv3_redist_device(struct gicv3 *g, uint64_t base)
{
    struct mmio_device d = {"gicv3-redistributors", base,
                            (uint64_t)g->ncores * GICV3_REDIST_STRIDE, g, gicr_read, gicr_write};
    return d;
}

void gicv3_set_sampler(struct gicv3 *g, void (*sample)(void *ctx, unsigned core), void *ctx)
{
    g->sample = sample;
    g->sample_ctx = ctx;
}

const struct gicv3_stats *gicv3_get_stats(const struct gicv3 *g)
{
    return &g->stats;
}
