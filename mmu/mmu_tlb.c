/* TLB storage: every structure (micro-TLBs, main TLB, walk cache, IPA
 * cache) is a set-associative array of the same entry type; a fully
 * associative one is a single set.
 *
 * Entries of different sizes share one array.  The set of an entry is
 * picked by the address bits just above its own size, so a lookup probes
 * one set per size present (kept as a bit mask with per-size counts), which
 * for usual mixes (4 KiB pages and 2 MiB blocks) is one or two probes.
 *
 * Replacement is deterministic: an invalid way first, else the way with
 * the oldest stamp.  The stamp is refreshed on every hit (LRU) or only on
 * fill (FIFO, round robin in fill order). */
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_internal.h"

static const char *const geom_option[MMU_TLB_LEVEL_COUNT] = {
    [MMU_TLB_MICRO_I] = "--tlb-micro-i",
    [MMU_TLB_MICRO_D] = "--tlb-micro-d",
    [MMU_TLB_MAIN] = "--tlb-main",
    [MMU_TLB_WALK] = "--tlb-walk-cache",
    [MMU_TLB_IPA] = "--tlb-ipa-cache",
};

void mmu_tlb_config_default(struct mmu_tlb_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->geom[MMU_TLB_MICRO_I] = (struct mmu_tlb_geom){10, 10};
    cfg->geom[MMU_TLB_MICRO_D] = (struct mmu_tlb_geom){10, 10};
    cfg->geom[MMU_TLB_MAIN] = (struct mmu_tlb_geom){512, 4};
    cfg->geom[MMU_TLB_WALK] = (struct mmu_tlb_geom){64, 4};
    cfg->geom[MMU_TLB_IPA] = (struct mmu_tlb_geom){64, 4};
    cfg->repl = MMU_REPL_LRU;
    cfg->contig_hint = true;
}

static int check_geom(const struct mmu_tlb_geom *g, enum mmu_tlb_level l,
                      struct msa_error *err)
{
    if (g->entries == 0)
        return 0;
    if (g->entries > MMU_TLB_MAX_ENTRIES)
        return msa_error_set(err, "%s: %u entries; expected at most %u", geom_option[l],
                             g->entries, MMU_TLB_MAX_ENTRIES);
    if (g->ways == 0 || g->ways > g->entries || g->entries % g->ways != 0)
        return msa_error_set(err, "%s: %u entries in %u ways; expected ways between 1 "
                             "and the entry count, dividing it", geom_option[l],
                             g->entries, g->ways);
    unsigned sets = g->entries / g->ways;
    if (sets & (sets - 1))
        return msa_error_set(err, "%s: %u entries in %u ways gives %u sets; expected a "
                             "power of two", geom_option[l], g->entries, g->ways, sets);
    return 0;
}

int mmu_tlb_init(struct mmu_tlb *tlb, const struct mmu_tlb_config *cfg,
                 struct msa_error *err)
{
    struct mmu_tlb_config def;
    if (!cfg) {
        mmu_tlb_config_default(&def);
        cfg = &def;
    }
    memset(tlb, 0, sizeof *tlb);
    for (unsigned l = 0; l < MMU_TLB_LEVEL_COUNT; l++)
        if (check_geom(&cfg->geom[l], (enum mmu_tlb_level)l, err) < 0)
            return -1;
    if (cfg->repl != MMU_REPL_LRU && cfg->repl != MMU_REPL_FIFO)
        return msa_error_set(err, "--tlb-replacement: %d; expected lru or fifo",
                             (int)cfg->repl);
    tlb->cfg = *cfg;
    for (unsigned l = 0; l < MMU_TLB_LEVEL_COUNT; l++) {
        const struct mmu_tlb_geom *g = &cfg->geom[l];
        struct mmu_tlb_array *a = &tlb->arr[l];
        if (g->entries == 0)
            continue;
        a->e = calloc(g->entries, sizeof a->e[0]);
        if (!a->e) {
            mmu_tlb_free(tlb);
            return msa_error_set(err, "%s: cannot allocate %u entries", geom_option[l],
                                 g->entries);
        }
        a->ways = g->ways;
        a->sets = g->entries / g->ways;
        a->set_mask = a->sets - 1;
    }
    return 0;
}

void mmu_tlb_free(struct mmu_tlb *tlb)
{
    for (unsigned l = 0; l < MMU_TLB_LEVEL_COUNT; l++) {
        free(tlb->arr[l].e);
        tlb->arr[l].e = NULL;
    }
}

static void array_clear(struct mmu_tlb_array *a)
{
    if (!a->e)
        return;
    memset(a->e, 0, (size_t)a->sets * a->ways * sizeof a->e[0]);
    a->shifts = 0;
    memset(a->shift_count, 0, sizeof a->shift_count);
    a->last = 0;
}

void mmu_tlb_flush_all(struct mmu_tlb *tlb)
{
    for (unsigned l = 0; l < MMU_TLB_LEVEL_COUNT; l++)
        array_clear(&tlb->arr[l]);
}

unsigned mmu_tlb_count(const struct mmu_tlb *tlb, enum mmu_tlb_level level)
{
    const struct mmu_tlb_array *a = &tlb->arr[level];
    unsigned n = 0;
    if (!a->e)
        return 0;
    for (unsigned i = 0; i < a->sets * a->ways; i++)
        n += a->e[i].valid;
    return n;
}

bool mmu_tlba_present(const struct mmu_tlb_array *a)
{
    return a->e != NULL;
}

static void shift_add(struct mmu_tlb_array *a, unsigned s)
{
    if (a->shift_count[s]++ == 0)
        a->shifts |= 1ull << s;
}

static void shift_drop(struct mmu_tlb_array *a, unsigned s)
{
    if (--a->shift_count[s] == 0)
        a->shifts &= ~(1ull << s);
}

/* The context an entry is looked up under, one word: the lookup compares
 * it whole, except the ASID of global entries. */
static inline uint64_t pack_ctx(uint8_t tag, uint16_t vmid, uint16_t asid)
{
    return (uint64_t)tag << 32 | (uint64_t)vmid << 16 | asid;
}

/* Address first: it rejects almost every entry. */
static inline bool match(const struct mmu_tlbe *e, uint64_t key, uint64_t ctx)
{
    return (key & e->mask) == e->va && e->valid && ((ctx ^ e->ctx) & e->ctx_mask) == 0;
}

static inline struct mmu_tlbe *touch(struct mmu_tlb_array *a, struct mmu_tlbe *e, bool lru)
{
    if (lru)
        e->stamp = ++a->clock;
    return e;
}

struct mmu_tlbe *mmu_tlba_find(struct mmu_tlb_array *a, uint64_t key, uint8_t tag,
                               uint16_t asid, uint16_t vmid, bool lru)
{
    if (!a->e)
        return NULL;
    uint64_t ctx = pack_ctx(tag, vmid, asid);
    if (a->sets == 1) {
        struct mmu_tlbe *e = &a->e[a->last];
        if (match(e, key, ctx))
            return touch(a, e, lru);
        for (unsigned i = 0; i < a->ways; i++) {
            e = &a->e[i];
            if (match(e, key, ctx)) {
                a->last = i;
                return touch(a, e, lru);
            }
        }
        return NULL;
    }
    for (uint64_t shifts = a->shifts; shifts; shifts &= shifts - 1) {
        unsigned s = (unsigned)__builtin_ctzll(shifts);
        struct mmu_tlbe *set = a->e + (size_t)((key >> s) & a->set_mask) * a->ways;
        for (unsigned w = 0; w < a->ways; w++) {
            struct mmu_tlbe *e = &set[w];
            if (e->shift == s && match(e, key, ctx))
                return touch(a, e, lru);
        }
    }
    return NULL;
}

struct mmu_tlbe *mmu_tlba_find_level(struct mmu_tlb_array *a, uint64_t key,
                                     unsigned shift, unsigned level, uint8_t tag,
                                     uint16_t asid, uint16_t vmid, bool lru)
{
    if (!a->e || !(a->shifts & (1ull << shift)))
        return NULL;
    size_t set = a->sets == 1 ? 0 : (size_t)((key >> shift) & a->set_mask);
    struct mmu_tlbe *base = a->e + set * a->ways;
    for (unsigned w = 0; w < a->ways; w++) {
        struct mmu_tlbe *e = &base[w];
        if (e->shift == shift && e->level1 == level &&
            match(e, key, pack_ctx(tag, vmid, asid)))
            return touch(a, e, lru);
    }
    return NULL;
}

static bool same_key(const struct mmu_tlbe *e, const struct mmu_tlbe *src)
{
    return e->valid && e->va == src->va && e->shift == src->shift && e->tag == src->tag &&
           e->vmid == src->vmid && e->asid == src->asid && e->global == src->global &&
           e->level1 == src->level1;
}

bool mmu_tlba_insert(struct mmu_tlb_array *a, const struct mmu_tlbe *src)
{
    if (!a->e)
        return false;
    size_t set = a->sets == 1 ? 0 : (size_t)((src->va >> src->shift) & a->set_mask);
    struct mmu_tlbe *base = a->e + set * a->ways;
    /* one pass: an entry for the same key, else the first free way, else
     * the oldest stamp */
    struct mmu_tlbe *same = NULL, *free_way = NULL, *oldest = &base[0];
    for (unsigned w = 0; w < a->ways; w++) {
        struct mmu_tlbe *e = &base[w];
        if (!e->valid) {
            if (!free_way)
                free_way = e;
        } else if (same_key(e, src)) {
            same = e;
            break;
        } else if (e->stamp < oldest->stamp || !oldest->valid) {
            oldest = e;
        }
    }
    struct mmu_tlbe *victim = same ? same : free_way ? free_way : oldest;
    bool evicted = !same && !free_way;
    if (victim->valid)
        shift_drop(a, victim->shift);
    *victim = *src;
    victim->valid = 1;
    victim->ctx = pack_ctx(src->tag, src->vmid, src->asid);
    victim->ctx_mask = src->global ? ~0xFFFFull : ~0ull;
    victim->stamp = ++a->clock;
    shift_add(a, victim->shift);
    if (a->sets == 1)
        a->last = (unsigned)(victim - a->e);
    return evicted;
}

unsigned mmu_tlba_invalidate(struct mmu_tlb_array *a, mmu_tlbe_pred pred, const void *arg)
{
    unsigned n = 0;
    if (!a->e)
        return 0;
    for (size_t i = 0; i < (size_t)a->sets * a->ways; i++) {
        struct mmu_tlbe *e = &a->e[i];
        if (e->valid && pred(e, arg)) {
            e->valid = 0;
            shift_drop(a, e->shift);
            n++;
        }
    }
    return n;
}
