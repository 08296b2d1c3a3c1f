/* The TLB model of a VMSA regime: instruction and data micro-TLBs (fully
 * associative, LRU), a set-associative main TLB holding entries of every
 * page size the walks produced, and a walk cache of table descriptors.
 * Entries are tagged with the translation context (regime, ASID, VMID), so
 * a context switch needs no flush, as on the hardware.  It only decides
 * hits and misses: the translation itself comes from the machine. */
#include <stdlib.h>
#include <string.h>

#include "cpu/timing/internal.h"

int tm_tlb_init(struct tm_tlb *t, const struct tm_params *p)
{
    memset(t, 0, sizeof *t);
    t->micro_n = (unsigned)p->tlb_micro;
    t->main_ways = (unsigned)p->tlb_main_ways;
    t->main_sets = (unsigned)(p->tlb_main / p->tlb_main_ways);
    t->walkc_n = (unsigned)p->tlb_walkcache;
    t->micro[0] = malloc(t->micro_n * sizeof(struct tm_tlbe));
    t->micro[1] = malloc(t->micro_n * sizeof(struct tm_tlbe));
    t->main = malloc((size_t)t->main_sets * t->main_ways * sizeof(struct tm_tlbe));
    t->walkc = malloc((t->walkc_n ? t->walkc_n : 1) * sizeof(uint64_t));
    t->walkc_stamp = malloc((t->walkc_n ? t->walkc_n : 1) * sizeof(uint64_t));
    if (!t->micro[0] || !t->micro[1] || !t->main || !t->walkc || !t->walkc_stamp) {
        tm_tlb_free(t);
        return -1;
    }
    tm_tlb_flush(t);
    return 0;
}

void tm_tlb_free(struct tm_tlb *t)
{
    free(t->micro[0]);
    free(t->micro[1]);
    free(t->main);
    free(t->walkc);
    free(t->walkc_stamp);
    memset(t, 0, sizeof *t);
}

static void invalidate(struct tm_tlbe *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        e[i].vpage = ~0ull;
        e[i].stamp = 0;
        e[i].shift = 12;
        e[i].ctx = ~0ull;
    }
}

void tm_tlb_flush(struct tm_tlb *t)
{
    invalidate(t->micro[0], t->micro_n);
    invalidate(t->micro[1], t->micro_n);
    invalidate(t->main, (size_t)t->main_sets * t->main_ways);
    for (unsigned i = 0; i < t->walkc_n; i++) {
        t->walkc[i] = ~0ull;
        t->walkc_stamp[i] = 0;
    }
    t->shifts = 0;
}

static bool covers(const struct tm_tlbe *e, uint64_t va, uint64_t ctx)
{
    return e->vpage == va >> e->shift && e->ctx == ctx;
}

void tm_tlb_flush_va(struct tm_tlb *t, uint64_t va)
{
    for (int k = 0; k < 2; k++)
        for (unsigned i = 0; i < t->micro_n; i++)
            if (t->micro[k][i].vpage != ~0ull && t->micro[k][i].vpage == va >> t->micro[k][i].shift)
                t->micro[k][i].vpage = ~0ull;
    size_t n = (size_t)t->main_sets * t->main_ways;
    for (size_t i = 0; i < n; i++)
        if (t->main[i].vpage != ~0ull && t->main[i].vpage == va >> t->main[i].shift)
            t->main[i].vpage = ~0ull;
    /* table entries may have changed too: the walk cache goes */
    for (unsigned i = 0; i < t->walkc_n; i++)
        t->walkc[i] = ~0ull;
}

static struct tm_tlbe *micro_find(struct tm_tlb *t, uint64_t va, uint64_t ctx, bool fetch)
{
    struct tm_tlbe *m = t->micro[fetch];
    for (unsigned i = 0; i < t->micro_n; i++)
        if (covers(&m[i], va, ctx)) {
            t->micro_last[fetch] = i;
            return &m[i];
        }
    return NULL;
}

static void micro_fill(struct tm_tlb *t, uint64_t va, uint64_t ctx, unsigned shift, bool fetch)
{
    struct tm_tlbe *m = t->micro[fetch];
    struct tm_tlbe *v = &m[0];
    for (unsigned i = 1; i < t->micro_n; i++)
        if (m[i].stamp < v->stamp)
            v = &m[i];
    v->vpage = va >> shift;
    v->shift = (uint8_t)shift;
    v->ctx = ctx;
    v->stamp = ++t->clock;
    t->micro_last[fetch] = (unsigned)(v - m);
}

enum tm_tlb_result tm_tlb_lookup(struct tm_tlb *t, uint64_t va, uint64_t ctx, bool fetch)
{
    struct tm_tlbe *e = micro_find(t, va, ctx, fetch);
    if (TM_LIKELY(e != NULL)) {
        e->stamp = ++t->clock;
        return TM_TLB_MICRO;
    }
    /* every page size present: at most a handful */
    for (uint64_t sh = t->shifts; sh; sh &= sh - 1) {
        unsigned shift = (unsigned)__builtin_ctzll(sh);
        uint64_t vp = va >> shift;
        struct tm_tlbe *set = &t->main[(size_t)(vp & (t->main_sets - 1)) * t->main_ways];
        for (unsigned w = 0; w < t->main_ways; w++)
            if (set[w].vpage == vp && set[w].shift == shift && set[w].ctx == ctx) {
                set[w].stamp = ++t->clock;
                micro_fill(t, va, ctx, shift, fetch);
                return TM_TLB_MAIN;
            }
    }
    return TM_TLB_MISS;
}

void tm_tlb_fill(struct tm_tlb *t, uint64_t va, uint64_t ctx, unsigned shift, bool fetch)
{
    uint64_t vp = va >> shift;
    struct tm_tlbe *set = &t->main[(size_t)(vp & (t->main_sets - 1)) * t->main_ways];
    struct tm_tlbe *v = &set[0];
    for (unsigned w = 1; w < t->main_ways; w++)
        if (set[w].stamp < v->stamp)
            v = &set[w];
    v->vpage = vp;
    v->shift = (uint8_t)shift;
    v->ctx = ctx;
    v->stamp = ++t->clock;
    t->shifts |= 1ull << shift;
    micro_fill(t, va, ctx, shift, fetch);
}

bool tm_walkc_hit(struct tm_tlb *t, uint64_t pa)
{
    for (unsigned i = 0; i < t->walkc_n; i++)
        if (t->walkc[i] == pa) {
            t->walkc_stamp[i] = ++t->clock;
            return true;
        }
    return false;
}

void tm_walkc_fill(struct tm_tlb *t, uint64_t pa)
{
    if (!t->walkc_n)
        return;
    unsigned v = 0;
    for (unsigned i = 1; i < t->walkc_n; i++)
        if (t->walkc_stamp[i] < t->walkc_stamp[v])
            v = i;
    t->walkc[v] = pa;
    t->walkc_stamp[v] = ++t->clock;
}
