/* Accounting: what each operation cost (a stack of operations in progress,
 * each measured as the growth of one running total between its begin and
 * its end, so an operation's figure includes its sub-operations), and region
 * pressure per core over time (sampled at every ISB, when region writes
 * become effective). */
#include <stdio.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/stats.h"

void hv_acc_op_begin(struct hv *hv, enum hv_op op)
{
    if (hv->depth == 0)
        hv->depth = 1;
    if (hv->depth >= HV_OP_STACK) {
        /* Deeper nesting than any module needs: fold into the current frame. */
        return;
    }
    const struct hv_op_frame *parent = &hv->stack[hv->depth - 1];
    struct hv_op_frame *f = &hv->stack[hv->depth];
    /* The root frame (depth 1) is no operation, so it encloses no map. */
    f->in_map = hv->depth > 1 && (parent->in_map || parent->is_map);
    f->is_map = hv_op_is_map(op);
    f->op = op;
    f->start = hv->acc_run;
    hv->depth++;
}

/* to += run - start, figure by figure (two at a time, unrolled); returns
 * the cycles of the span.  Unsigned arithmetic wraps, so the difference is
 * exact even if a running figure ever did.  The three never overlap. */
static uint64_t acc_add_since(struct hv_cost_acc *restrict to,
                              const struct hv_cost_acc *restrict start,
                              const struct hv_cost_acc *restrict run)
{
#pragma GCC unroll 9
    for (unsigned i = 0; i < HV_COST_FIELDS / 2; i++)
        to->pair[i] += run->pair[i] - start->pair[i];
    return run->cycles - start->cycles;
}

/* The histogram of an operation's cycles, registered at its first end (out
 * of line: the name buffer stays off the per-operation path). */
static __attribute__((noinline)) struct stats_hist *op_histogram(struct hv *hv, enum hv_op op)
{
    char name[96];
    snprintf(name, sizeof name, "hv.op.%s.cycles", hv_op_name(op));
    return stats_histogram(hv->stats, name, "cycles per operation");
}

void hv_acc_op_end(struct hv *hv, enum hv_op op, int status)
{
    if (hv->depth <= 1 || hv->stack[hv->depth - 1].op != op)
        return;   /* unbalanced: ignore rather than corrupt the stack */
    const struct hv_op_frame *f = &hv->stack[--hv->depth];
    struct hv_op_stats *st = &hv->ops[op];
    st->count++;
    if (status < 0)
        st->failures++;
    uint64_t cycles = acc_add_since(&st->total, &f->start, &hv->acc_run);
    if (!st->cycles && hv->stats)
        st->cycles = op_histogram(hv, op);
    if (st->cycles)
        stats_hist_add(st->cycles, cycles);
    if (f->is_map && !f->in_map) {
        hv->map_ops++;
        hv->map_cycles += cycles;
    }
}

/* ---- Region pressure ------------------------------------------------------ */

void hv_pressure_init(struct hv *hv)
{
    for (unsigned c = 0; c < hv->ncores; c++) {
        struct hv_pressure *p = &hv->press[c];
        memset(p, 0, sizeof *p);
        p->start = p->last = hv->now;
        if (hv->stats) {
            char name[64];
            snprintf(name, sizeof name, "hv.core%u.regions", c);
            p->series = stats_series(hv->stats, name,
                                     "enabled EL2 MPU regions over cycles (effective after ISB)");
            if (p->series)
                stats_series_append(p->series, hv->now, 0);
        }
    }
    if (hv->stats) {
        struct stats_series *ph = stats_series(hv->stats, "hv.phase",
                                               "phase over cycles: 0 boot, 1 runtime");
        if (ph)
            stats_series_append(ph, hv->now, HV_PHASE_BOOT);
    }
}

static void advance(struct hv *hv, struct hv_pressure *p)
{
    if (hv->now > p->last) {
        double dt = (double)(hv->now - p->last);
        p->area += p->cur * dt;
        p->phase_area[hv->phase] += p->cur * dt;
        p->phase_time[hv->phase] += hv->now - p->last;
        p->last = hv->now;
    }
}

/* The timeline code of a slot: 0 when disabled, otherwise its owner tag
 * plus 16 times its domain index (0 the hypervisor, d + 1 the d-th domain). */
static uint16_t slot_code(const struct hv *hv, const struct mpu *m, unsigned s)
{
    if (!(m->effective[s].prlar & MPU_PRLAR_EN))
        return 0;
    unsigned owner = m->owner[s];
    if (owner == MPU_OWNER_NONE || owner >= MPU_OWNER_COUNT)
        owner = MPU_OWNER_OTHER;
    uint32_t d = m->owner_domid[s] - HV_DOMID_FIRST;
    unsigned dom = d < hv->info.ndomains && d < HV_MAX_DOMAINS ? d + 1 : 0;
    return (uint16_t)(owner + 16 * dom);
}

/* A slot's timeline series, registered when the slot is first used (out of
 * line: the name buffer stays off the per-sample path). */
static __attribute__((noinline)) void slot_series_open(struct hv *hv, struct hv_pressure *p,
                                                       unsigned core, unsigned s)
{
    char name[64];
    snprintf(name, sizeof name, "hv.core%u.slot.%u.owner", core, s);
    p->slot_series[s] = stats_series(hv->stats, name,
                                     "slot holder over cycles: 0 free, owner + 16 x domain");
    if (p->slot_series[s] && hv->now > p->start)
        stats_series_append(p->slot_series[s], p->start, 0);
}

_Static_assert(HV_MAX_DOMAINS <= 32, "a uint32_t holds one bit per domain");

/* A slot changed hands: its timeline series (registered when the slot is
 * first used) and the per-domain count of guest stage-2 regions.  Returns
 * the bit of the domain whose count grew, if any. */
static uint32_t slot_changed(struct hv *hv, struct hv_pressure *p, unsigned core, unsigned s,
                             uint16_t code)
{
    uint16_t old = p->slot_code[s];
    unsigned old_dom = old >> 4, new_dom = code >> 4;
    uint32_t grew = 0;
    if ((old & 15) == MPU_OWNER_GUEST_STAGE2 && old_dom)
        p->dom_cur[old_dom - 1]--;
    if ((code & 15) == MPU_OWNER_GUEST_STAGE2 && new_dom) {
        p->dom_cur[new_dom - 1]++;
        grew = UINT32_C(1) << (new_dom - 1);
    }
    p->slot_code[s] = code;
    if (!p->slot_series[s] && hv->stats)
        slot_series_open(hv, p, core, s);
    if (p->slot_series[s])
        stats_series_append(p->slot_series[s], hv->now, code);
    return grew;
}

void hv_pressure_sample(struct hv *hv, unsigned core)
{
    struct hv_pressure *p = &hv->press[core];
    struct mpu *m = &hv->mpus[core].el2;
    unsigned n = mpu_enabled_count(m);
    advance(hv, p);
    if (n > p->peak)
        p->peak = n;
    if (n > p->phase_peak[hv->phase])
        p->phase_peak[hv->phase] = n;
    if (n != p->cur && p->series)
        stats_series_append(p->series, hv->now, n);
    p->cur = n;

    /* Only the slots that changed since the last sample are looked at; a
     * new domain count changes every code, so then all are. */
    uint64_t changed[MPU_MAX_REGIONS / 64];
    bool any = mpu_take_changed(m, changed);
    bool all = !p->slots_seen || p->ndomains_seen != hv->info.ndomains;
    if (!any && !all)
        return;
    p->slots_seen = true;
    p->ndomains_seen = hv->info.ndomains;
    unsigned limit = m->nregions < MPU_MAX_REGIONS ? m->nregions : MPU_MAX_REGIONS;
    unsigned nwords = (limit + 63) / 64;
    if (all)
        for (unsigned w = 0; w < nwords; w++)
            changed[w] = UINT64_MAX;
    if (limit % 64)   /* only the implemented slots */
        changed[nwords - 1] &= (UINT64_C(1) << (limit % 64)) - 1;
    uint32_t grew = 0;   /* domains whose stage-2 count went up */
    for (unsigned w = 0; w < nwords; w++) {
        for (uint64_t bits = changed[w]; bits; bits &= bits - 1) {
            unsigned s = w * 64 + (unsigned)__builtin_ctzll(bits);
            uint16_t code = slot_code(hv, m, s);
            if (code != p->slot_code[s])
                grew |= slot_changed(hv, p, core, s, code);
        }
    }
    /* A peak can only move where a count went up.  The others are at most
     * what the last sample saw (a domain that appeared since held nothing:
     * codes only name the domains there were when they were taken). */
    while (grew) {
        unsigned d = (unsigned)__builtin_ctz(grew);
        grew &= grew - 1;
        if (p->dom_cur[d] > p->dom_peak[d])
            p->dom_peak[d] = p->dom_cur[d];
    }
}

void hv_pressure_set_phase(struct hv *hv, enum hv_phase phase)
{
    for (unsigned c = 0; c < hv->ncores; c++) {
        struct hv_pressure *p = &hv->press[c];
        advance(hv, p);
        if (p->cur > p->phase_peak[phase])
            p->phase_peak[phase] = p->cur;
    }
    if (phase != hv->phase && hv->stats) {
        struct stats_series *ph = stats_series(hv->stats, "hv.phase", NULL);
        if (ph)
            stats_series_append(ph, hv->now, phase);
    }
    hv->phase = phase;
}

void hv_pressure_close(struct hv *hv)
{
    for (unsigned c = 0; c < hv->ncores; c++)
        advance(hv, &hv->press[c]);
}
