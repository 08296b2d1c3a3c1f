/* Accounting: what each operation cost (a stack of operations in progress,
 * each measured as the growth of one running total between its begin and
 * its end, so an operation's figure includes its sub-operations; the begin
 * is inline, in hv_internal.h), and region pressure per core over time
 * (sampled at every ISB, when region writes become effective). */
#include <stdio.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/stats.h"

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

/* An operation's first end: registers the histogram of its cycles and
 * adds the first sample (out of line: the name buffer stays off the
 * per-operation path). */
static __attribute__((noinline)) void first_end(struct hv *hv, enum hv_op op, uint64_t cycles)
{
    if (!hv->stats)
        return;
    char name[96];
    snprintf(name, sizeof name, "hv.op.%s.cycles", hv_op_name(op));
    struct stats_hist *h = stats_histogram(hv->stats, name, "cycles per operation");
    hv->ops[op].cycles = h;
    if (h)
        stats_hist_add(h, cycles);
}

void hv_acc_op_end(struct hv *hv, enum hv_op op, int status)
{
    unsigned d = hv->depth;
    if (d <= 1 || hv->stack[d - 1].op != op)
        return;   /* unbalanced: ignore rather than corrupt the stack */
    hv->depth = --d;
    const struct hv_op_frame *f = &hv->stack[d];
    struct hv_op_stats *st = &hv->ops[op];
    /* The histogram handle is read before the stores below (GCC would
     * otherwise compute st's address anew for it); the sample goes in last. */
    struct stats_hist *h = st->cycles;
    uint64_t cycles = acc_add_since(&st->total, &f->start, &hv->acc_run);
    st->count++;
    if (status < 0)
        st->failures++;
    if (f->outer_map) {
        hv->map_ops++;
        hv->map_cycles += cycles;
    }
    /* Last, so that the rare out-of-line paths are tail calls and the
     * common one keeps no registers across a call. */
    if (__builtin_expect(h != NULL, 1))
        stats_hist_add(h, cycles);
    else
        first_end(hv, op, cycles);
}

/* ---- Region pressure ------------------------------------------------------ */

void hv_pressure_init(struct hv *hv)
{
    for (unsigned c = 0; c < hv->ncores; c++) {
        struct hv_pressure *p = &hv->press[c];
        memset(p, 0, sizeof *p);
        p->start = p->last = hv->now;
        p->ndomains_seen = HV_NDOMAINS_UNSEEN;   /* the first sample looks at every slot */
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
 * line: the name buffer stays off the per-sample path; the core is found
 * from p, so that the sampling loop need not keep it). */
static __attribute__((noinline)) void slot_series_open(struct hv *hv, struct hv_pressure *p,
                                                       unsigned s)
{
    char name[64];
    unsigned core = (unsigned)(p - hv->press);
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
static inline uint32_t slot_changed(struct hv *hv, struct hv_pressure *p, unsigned s,
                                    uint16_t code)
{
    uint16_t old = p->slot_code[s];
    uint32_t grew = 0;
    /* A code of 16 or more names a domain (16 x (index + 1)). */
    if ((old & 15) == MPU_OWNER_GUEST_STAGE2 && old >= 16)
        p->dom_cur[(old >> 4) - 1]--;
    if ((code & 15) == MPU_OWNER_GUEST_STAGE2 && code >= 16) {
        p->dom_cur[(code >> 4) - 1]++;
        grew = UINT32_C(1) << ((code >> 4) - 1);
    }
    p->slot_code[s] = code;
    struct stats_series *ser = p->slot_series[s];
    if (__builtin_expect(!ser, 0)) {
        if (!hv->stats)
            return grew;
        slot_series_open(hv, p, s);
        if (!(ser = p->slot_series[s]))
            return grew;
    }
    stats_series_append(ser, hv->now, code);
    return grew;
}

/* A peak can only move where a count went up.  The others are at most what
 * the last sample saw (a domain that appeared since held nothing: codes only
 * name the domains there were when they were taken). */
static void domain_peaks(struct hv_pressure *p, uint32_t grew)
{
    while (grew) {
        unsigned d = (unsigned)__builtin_ctz(grew);
        grew &= grew - 1;
        if (p->dom_cur[d] > p->dom_peak[d])
            p->dom_peak[d] = p->dom_cur[d];
    }
}

/* Every implemented slot, against codes taken afresh: at the first sample,
 * and when the domain count (which every code depends on) has changed.
 * Out of line: rare, and its loop stays off the per-sample path. */
static __attribute__((noinline)) void all_slots(struct hv *hv, struct hv_pressure *p,
                                                const struct mpu *m)
{
    p->ndomains_seen = hv->info.ndomains;
    unsigned limit = m->nregions < MPU_MAX_REGIONS ? m->nregions : MPU_MAX_REGIONS;
    uint32_t grew = 0;   /* domains whose stage-2 count went up */
    for (unsigned s = 0; s < limit; s++) {
        uint16_t code = slot_code(hv, m, s);
        if (code != p->slot_code[s])
            grew |= slot_changed(hv, p, s, code);
    }
    domain_peaks(p, grew);
}

/* The count of enabled regions moved to n (from p->cur): the peaks, and a
 * point in the core's series.  The peaks need no look otherwise: each is at
 * least p->cur (hv_pressure_set_phase keeps the phase's so). */
static inline void count_changed(struct hv *hv, struct hv_pressure *p, unsigned n)
{
    if (n > p->peak)
        p->peak = n;
    if (n > p->phase_peak[hv->phase])
        p->phase_peak[hv->phase] = n;
    if (p->series)
        stats_series_append(p->series, hv->now, n);
    p->cur = n;
}

void hv_pressure_sample(struct hv *hv, unsigned core)
{
    struct hv_pressure *p = &hv->press[core];
    struct mpu *m = &hv->mpus[core].el2;
    advance(hv, p);
    unsigned n = mpu_enabled_count(m);
    if (n != p->cur)
        count_changed(hv, p, n);

    /* Only the slots that changed since the last sample are looked at (the
     * MPU marks implemented slots only); a new domain count changes every
     * code, so then all are. */
    uint64_t changed[MPU_MAX_REGIONS / 64];
    bool any = mpu_take_changed(m, changed);
    if (__builtin_expect(p->ndomains_seen != hv->info.ndomains, 0)) {
        all_slots(hv, p, m);
        return;
    }
    if (!any)
        return;
    /* One flat loop over the set bits, word after word (mpu_init keeps
     * nregions within MPU_MAX_REGIONS; most MPUs fit one word).  Flat, not
     * nested: GCC keeps the nested form's registers worse. */
    unsigned nwords = (m->nregions + 63) / 64;
    uint32_t grew = 0;   /* domains whose stage-2 count went up */
    uint64_t bits = changed[0];
    for (unsigned w = 0;;) {
        if (!bits) {
            if (++w >= nwords)
                break;
            bits = changed[w];
            continue;
        }
        unsigned s = w * 64 + (unsigned)__builtin_ctzll(bits);
        bits &= bits - 1;
        uint16_t code = slot_code(hv, m, s);
        if (code != p->slot_code[s])
            grew |= slot_changed(hv, p, s, code);
    }
    if (grew)
        domain_peaks(p, grew);
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
