/* Branch prediction: a direction predictor of 2-bit saturating counters
 * (indexed by PC, or by PC xor global history: gshare; or static backward
 * taken), a set-associative branch target buffer for taken branches, and a
 * return stack. */
#include <stdlib.h>
#include <string.h>

#include "cpu/timing/internal.h"

int tm_bpred_init(struct tm_bpred *bp, const struct tm_params *p)
{
    memset(bp, 0, sizeof *bp);
    bp->kind = (unsigned)p->bp_kind;
    bp->ctr_mask = p->bp_entries - 1;
    bp->ctr = malloc(p->bp_entries);
    bp->hist_mask = p->bp_history ? ((1ull << p->bp_history) - 1) : 0;
    bp->btb_ways = (unsigned)p->bp_btb_ways;
    bp->btb_sets = (unsigned)(p->bp_btb_entries / p->bp_btb_ways);
    bp->btb = malloc(p->bp_btb_entries * sizeof *bp->btb);
    bp->ras_size = (unsigned)p->bp_ras;
    bp->ras = calloc(p->bp_ras ? p->bp_ras : 1, sizeof *bp->ras);
    if (!bp->ctr || !bp->btb || !bp->ras) {
        tm_bpred_free(bp);
        return -1;
    }
    /* weakly not taken: the first outcome decides */
    memset(bp->ctr, 1, p->bp_entries);
    for (uint64_t i = 0; i < p->bp_btb_entries; i++)
        bp->btb[i] = (struct tm_btb_entry){~0ull, 0, 0};
    return 0;
}

void tm_bpred_free(struct tm_bpred *bp)
{
    free(bp->ctr);
    free(bp->btb);
    free(bp->ras);
    bp->ctr = NULL;
    bp->btb = NULL;
    bp->ras = NULL;
}

void tm_btb_insert(struct tm_bpred *bp, uint64_t pc, uint64_t target)
{
    struct tm_btb_entry *set = &bp->btb[((pc >> 2) & (bp->btb_sets - 1)) * bp->btb_ways];
    struct tm_btb_entry *v = &set[0];
    for (unsigned w = 0; w < bp->btb_ways; w++) {
        if (set[w].pc == pc) {
            v = &set[w];
            break;
        }
        if (set[w].stamp < v->stamp)
            v = &set[w];
    }
    v->pc = pc;
    v->target = target;
    v->stamp = ++bp->btb_clock;
}

void tm_ras_push(struct tm_bpred *bp, uint64_t ret)
{
    if (!bp->ras_size)
        return;
    bp->ras_top = (bp->ras_top + 1) % bp->ras_size;
    bp->ras[bp->ras_top] = ret;
    if (bp->ras_count < bp->ras_size)
        bp->ras_count++;
}

bool tm_ras_pop(struct tm_bpred *bp, uint64_t *ret)
{
    if (!bp->ras_count)
        return false;
    *ret = bp->ras[bp->ras_top];
    bp->ras_top = (bp->ras_top + bp->ras_size - 1) % bp->ras_size;
    bp->ras_count--;
    return true;
}
