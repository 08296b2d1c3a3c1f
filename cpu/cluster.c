/* Cores and the cluster they share: creation, reset, state accessors. */
#include <stdlib.h>

#include "cpu/internal.h"

static uint32_t default_features(enum cpu_profile p)
{
    /* Cortex-A57 is Armv8.0 with CRC32; Cortex-R82 is Armv8.4-class. */
    return p == CPU_PROFILE_R ? (CPU_FEAT_LSE | CPU_FEAT_LRCPC | CPU_FEAT_CRC32)
                              : CPU_FEAT_CRC32;
}

struct cpu_cluster *cpu_cluster_create(enum cpu_profile profile)
{
    struct cpu_cluster *cl = calloc(1, sizeof *cl);
    if (!cl)
        return NULL;
    cl->profile = profile;
    cl->features = default_features(profile);
    return cl;
}

void cpu_cluster_destroy(struct cpu_cluster *cl)
{
    if (!cl)
        return;
    while (cl->ncores)
        cpu_destroy(cl->cores[cl->ncores - 1]);
    free(cl->cores);
    cpu_decode_cache_free(cl);
    free(cl);
}

unsigned cpu_cluster_count(const struct cpu_cluster *cl)
{
    return cl->ncores;
}

struct cpu *cpu_cluster_core(struct cpu_cluster *cl, unsigned i)
{
    return i < cl->ncores ? cl->cores[i] : NULL;
}

struct cpu *cpu_create(struct cpu_cluster *cl, unsigned id, uint64_t mpidr,
                       const struct cpu_config *cfg, const struct cpu_bus *bus)
{
    if (!cl || !bus || (cfg && cfg->profile != cl->profile))
        return NULL;
    struct cpu **nc = realloc(cl->cores, (cl->ncores + 1) * sizeof *nc);
    if (!nc)
        return NULL;
    cl->cores = nc;
    struct cpu *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (cfg)
        c->cfg = *cfg;
    c->cfg.profile = cl->profile;
    if (c->cfg.features)
        cl->features = c->cfg.features;   /* the decode cache is shared */
    c->cfg.features = cl->features;
    if (c->cfg.msa_frac != 1 && c->cfg.msa_frac != 2)
        c->cfg.msa_frac = 1;
    if (!c->cfg.fault_loop_limit)
        c->cfg.fault_loop_limit = 64;
    c->id = id;
    c->mpidr = mpidr;
    c->bus = *bus;
    c->cluster = cl;
    c->run_state = CPU_POWERED_OFF;
    cpu_tlb_flush(c);
    cl->cores[cl->ncores++] = c;
    return c;
}

void cpu_destroy(struct cpu *c)
{
    if (!c)
        return;
    struct cpu_cluster *cl = c->cluster;
    for (unsigned k = 0; k < cl->ncores; k++) {
        if (cl->cores[k] == c) {
            cl->cores[k] = cl->cores[--cl->ncores];
            break;
        }
    }
    if (c->monitor.valid && cl->active_monitors)
        cl->active_monitors--;
    free(c);
}

void cpu_set_hooks(struct cpu *c, const struct cpu_hooks *hooks)
{
    if (hooks)
        c->hooks = *hooks;
    else
        memset(&c->hooks, 0, sizeof c->hooks);
}

void cpu_set_xlat(struct cpu *c, const struct cpu_xlat_ops *ops, void *ctx)
{
    c->xlat = ops;
    c->xlat_ctx = ctx;
    cpu_tlb_flush(c);
}

void cpu_set_gic(struct cpu *c, const struct cpu_gic_ops *ops, void *ctx)
{
    c->gic = ops;
    c->gic_ctx = ctx;
}

void cpu_reset(struct cpu *c, uint64_t entry)
{
    memset(c->r, 0, sizeof c->r);
    memset(c->sp_el, 0, sizeof c->sp_el);
    memset(c->v, 0, sizeof c->v);
    memset(&c->ps, 0, sizeof c->ps);
    c->ps.el = 2;
    c->ps.sp = 1;
    c->ps.daif = 0xF;
    c->pc = entry;
    if (c->monitor.valid && c->cluster->active_monitors)
        c->cluster->active_monitors--;
    c->monitor.valid = false;
    c->event_reg = false;
    c->run_state = CPU_RUNNING;
    c->events = CPU_EV_REFETCH | CPU_EV_IRQ;
    c->stop_pending = false;
    c->exc_repeats = 0;
    c->icount_ctx = ~0ull;
    cpu_sysreg_reset(c);
    cpu_tlb_flush(c);
}

void cpu_tlb_flush(struct cpu *c)
{
    for (int el = 0; el < 3; el++) {
        for (int k = 0; k < CPU_TLB_SIZE; k++) {
            c->tlb_r[el][k].vpage = CPU_TLB_INVALID;
            c->tlb_w[el][k].vpage = CPU_TLB_INVALID;
            c->itlb[el][k].vpage = CPU_TLB_INVALID;
        }
    }
    c->events |= CPU_EV_REFETCH;
}

void cpu_cluster_unmap_write(struct cpu_cluster *cl, const uint8_t *host)
{
    uintptr_t hp = (uintptr_t)host & ~(uintptr_t)0xFFF;
    for (unsigned k = 0; k < cl->ncores; k++) {
        struct cpu *c = cl->cores[k];
        for (int el = 0; el < 3; el++) {
            for (int e = 0; e < CPU_TLB_SIZE; e++) {
                struct cpu_tlb_entry *t = &c->tlb_w[el][e];
                if (t->vpage != CPU_TLB_INVALID && (uintptr_t)(t->vpage + t->addend) == hp)
                    t->vpage = CPU_TLB_INVALID;
            }
        }
    }
}

/* ---- PSTATE ---- */

uint64_t cpu_pstate_to_spsr(const struct cpu *c)
{
    return (uint64_t)get_nzcv(c) << 28 | (uint64_t)c->ps.ss << 21 | (uint64_t)c->ps.il << 20 |
           (uint64_t)c->ps.daif << 6 | (uint64_t)c->ps.el << 2 | c->ps.sp;
}

void cpu_set_el_sp(struct cpu *c, unsigned el, unsigned spsel)
{
    unsigned old = c->ps.sp ? c->ps.el : 0;
    unsigned neu = spsel ? el : 0;
    c->sp_el[old] = c->r[CPU_R_SP];
    c->r[CPU_R_SP] = c->sp_el[neu];
    if (el != c->ps.el)
        c->events |= CPU_EV_REFETCH;
    c->ps.el = (uint8_t)el;
    c->ps.sp = (uint8_t)spsel;
}

/* ---- accessors ---- */

uint64_t cpu_get_x(const struct cpu *c, unsigned n)
{
    return n < 31 ? c->r[n] : c->r[CPU_R_SP];
}

void cpu_set_x(struct cpu *c, unsigned n, uint64_t v)
{
    if (n < 31)
        c->r[n] = v;
    else if (n == 31)
        c->r[CPU_R_SP] = v;
}

uint64_t cpu_get_pc(const struct cpu *c)
{
    return c->pc;
}

void cpu_set_pc(struct cpu *c, uint64_t pc)
{
    c->pc = pc;
    c->events |= CPU_EV_REFETCH;
}

unsigned cpu_current_el(const struct cpu *c)
{
    return c->ps.el;
}

uint64_t cpu_get_pstate(const struct cpu *c)
{
    return cpu_pstate_to_spsr(c);
}

const char *cpu_stop_name(enum cpu_stop reason)
{
    static const char *const names[] = {
        [CPU_STOP_LIMIT] = "instruction limit",
        [CPU_STOP_EXIT] = "exit",
        [CPU_STOP_WFI] = "wfi",
        [CPU_STOP_WFE] = "wfe",
        [CPU_STOP_OFF] = "powered off",
        [CPU_STOP_SYSTEM_OFF] = "system off",
        [CPU_STOP_SYSTEM_RESET] = "system reset",
        [CPU_STOP_FAULT_LOOP] = "fault loop",
        [CPU_STOP_REQUESTED] = "stop requested",
    };
    return (unsigned)reason < sizeof names / sizeof names[0] && names[reason] ? names[reason]
                                                                            : "unknown";
}

void cpu_stop(struct cpu *c, enum cpu_stop reason)
{
    if (!c->stop_pending) {
        c->stop_pending = true;
        c->stop_reason = reason;
    }
    c->events |= CPU_EV_STOP;
}

void cpu_request_stop(struct cpu *c)
{
    cpu_stop(c, CPU_STOP_REQUESTED);
}
