/* Stage 2: the IPA cache, the VMSA stage-2 walk (VTCR_EL2/VTTBR_EL2, with
 * concatenated root tables), and the call into a caller's stage 2.
 *
 * Walk order of checks, each a stage-2 fault reporting the IPA:
 *   VTCR inconsistent (SL0/T0SZ/PS) or IPA beyond 2^(64-T0SZ): Translation L0
 *   VTTBR base beyond PS: Address size L0
 *   per level: read fails: external abort on walk; invalid or reserved
 *   descriptor: Translation; output beyond PS: Address size; leaf with
 *   AF = 0: Access flag. */
#include "mmu/mmu_internal.h"

bool mmu_fault_set(struct mmu_fault *f, enum mmu_fault_kind kind, unsigned stage,
                   unsigned level, uint64_t ipa)
{
    static const uint8_t base[MMU_FAULT_KIND_COUNT] = {
        [MMU_FAULT_ADDR_SIZE] = 0x00,
        [MMU_FAULT_TRANSLATION] = 0x04,
        [MMU_FAULT_ACCESS_FLAG] = 0x08,
        [MMU_FAULT_PERMISSION] = 0x0C,
        [MMU_FAULT_EXT_ABORT_WALK] = 0x14,
    };
    f->kind = kind;
    f->stage = (uint8_t)stage;
    f->level = (uint8_t)level;
    f->fsc = (uint8_t)(base[kind] + level);
    f->s1ptw = false;
    f->ipa = ipa;
    f->ipa_valid = stage == 2;
    return false;
}

void mmu_walk_count(struct mmu_stats *st, enum mmu_walk_kind kind, unsigned reads,
                    bool faulted)
{
    st->walks[kind]++;
    if (faulted)
        st->walk_faults[kind]++;
    st->walk_reads[kind] += reads;
    if (reads > st->walk_reads_max[kind])
        st->walk_reads_max[kind] = reads;
    st->walk_reads_hist[kind][reads < MMU_WALK_HIST_BINS - 1 ? reads
                                                               : MMU_WALK_HIST_BINS - 1]++;
}

static void xlat_from_entry(const struct mmu_tlbe *e, struct mmu_s2_xlat *x)
{
    x->ipa_base = e->va;
    x->pa_base = e->pa;
    x->shift = e->shift;
    x->perm = e->perm2;
    x->attr = e->attr;
    x->sh = e->sh;
    x->level = e->level2;
}

/* Deepest stage-2 table cached for `ipa`; updates *table and *level. */
static void walk_cache_probe(struct mmu_walk *w, const struct mmu_s2_params *p,
                             uint64_t ipa, uint64_t *table, int *level)
{
    struct mmu_tlb_array *wc = &w->tlb->arr[MMU_TLB_WALK];
    if (!w->use_caches || !mmu_tlba_present(wc))
        return;
    bool lru = w->tlb->cfg.repl == MMU_REPL_LRU;
    for (int l = MMU_MAX_LEVEL - 1; l >= p->start_level; l--) {
        struct mmu_tlbe *e = mmu_tlba_find_level(wc, ipa, mmu_level_shift(p->gshift, l),
                                                 (unsigned)l, MMU_TAG_STAGE2_ENTRY, 0,
                                                 w->vmid, lru);
        if (e) {
            w->stats->hits[MMU_TLB_WALK]++;
            *table = e->pa;
            *level = l + 1;
            return;
        }
    }
    w->stats->misses[MMU_TLB_WALK]++;
}

static void cache_insert(struct mmu_walk *w, enum mmu_tlb_level l, const struct mmu_tlbe *e)
{
    if (!w->use_caches || !mmu_tlba_present(&w->tlb->arr[l]))
        return;
    w->stats->fills[l]++;
    if (mmu_tlba_insert(&w->tlb->arr[l], e))
        w->stats->evictions[l]++;
}

static bool walk_s2(struct mmu_walk *w, uint64_t ipa, struct mmu_s2_xlat *x,
                    struct mmu_fault *f)
{
    if (!w->s2_decoded) {
        mmu_s2_params(w->ctl, &w->s2p);
        w->s2_decoded = true;
    }
    const struct mmu_s2_params *p = &w->s2p;
    w->s2_walked = true;
    if (p->bad || (ipa >> p->ia_bits) != 0)
        return mmu_fault_set(f, MMU_FAULT_TRANSLATION, 2, 0, ipa);
    if (((p->vttbr & 0x0000FFFFFFFFFFFFull) >> p->oa_bits) != 0)
        return mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, 2, 0, ipa);

    unsigned g = p->gshift;
    int start = p->start_level, level = start;
    uint64_t table = mmu_table_base(p->vttbr, g, p->ia_bits, start);
    walk_cache_probe(w, p, ipa, &table, &level);

    struct mmu_desc d;
    for (;;) {
        unsigned bits = mmu_index_bits(g, p->ia_bits, start, level);
        unsigned sh = mmu_level_shift(g, level);
        uint64_t addr = table + ((ipa >> sh) & ((1ull << bits) - 1)) * 8;
        uint64_t raw;
        w->reads++;
        if (w->bus->read_pa(w->bus->ctx, addr, &raw) != 0)
            return mmu_fault_set(f, MMU_FAULT_EXT_ABORT_WALK, 2, (unsigned)level, ipa);
        mmu_desc_decode(raw, level, g, true, &d);
        if (d.type == MMU_DESC_INVALID || d.type == MMU_DESC_RESERVED)
            return mmu_fault_set(f, MMU_FAULT_TRANSLATION, 2, (unsigned)level, ipa);
        if ((d.oa >> p->oa_bits) != 0)
            return mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, 2, (unsigned)level, ipa);
        if (d.type != MMU_DESC_TYPE_TABLE)
            break;
        struct mmu_tlbe e = {
            .va = ipa & ~((1ull << sh) - 1), .mask = ~((1ull << sh) - 1), .pa = d.oa,
            .vmid = w->vmid, .global = 1, .tag = MMU_TAG_STAGE2_ENTRY,
            .shift = (uint8_t)sh, .level1 = (uint8_t)level,
        };
        cache_insert(w, MMU_TLB_WALK, &e);
        table = d.oa;
        level++;
    }
    if (!d.af)
        return mmu_fault_set(f, MMU_FAULT_ACCESS_FLAG, 2, (unsigned)level, ipa);

    unsigned shift = d.out_shift;
    if (d.contig && w->tlb->cfg.contig_hint) {
        shift += mmu_contig_bits(g, level);
        w->stats->contig_fills++;
    }
    uint64_t range = 1ull << shift;
    /* the walked page keeps its own output even if the contiguous range
     * is misprogrammed */
    uint64_t page_off = (ipa & (range - 1)) & ~((1ull << d.out_shift) - 1);
    x->ipa_base = ipa & ~(range - 1);
    x->pa_base = d.oa - page_off;
    x->shift = (uint8_t)shift;
    x->perm = mmu_s2_perm(&d);
    x->attr = mmu_s2_memattr_to_mair(d.memattr);
    x->sh = d.sh;
    x->level = (uint8_t)level;

    struct mmu_tlbe e = {
        .va = x->ipa_base, .mask = ~(range - 1), .pa = x->pa_base, .vmid = w->vmid,
        .global = 1, .tag = MMU_TAG_STAGE2_ENTRY, .shift = x->shift, .perm2 = x->perm,
        .attr = x->attr, .sh = x->sh, .level2 = x->level,
    };
    cache_insert(w, MMU_TLB_IPA, &e);
    return true;
}

bool mmu_s2_lookup(struct mmu_walk *w, uint64_t ipa, struct mmu_s2_xlat *x,
                   struct mmu_fault *f)
{
    struct mmu_tlb_array *ic = &w->tlb->arr[MMU_TLB_IPA];
    if (w->use_caches && mmu_tlba_present(ic)) {
        struct mmu_tlbe *e = mmu_tlba_find(ic, ipa, MMU_TAG_STAGE2_ENTRY, 0, w->vmid,
                                           w->tlb->cfg.repl == MMU_REPL_LRU);
        if (e) {
            w->stats->hits[MMU_TLB_IPA]++;
            xlat_from_entry(e, x);
            return true;
        }
        w->stats->misses[MMU_TLB_IPA]++;
    }
    return walk_s2(w, ipa, x, f);
}

static enum mmu_fault_kind kind_of_fsc(unsigned fsc)
{
    switch (fsc & 0x3C) {
    case 0x00: return MMU_FAULT_ADDR_SIZE;
    case 0x04: return MMU_FAULT_TRANSLATION;
    case 0x08: return MMU_FAULT_ACCESS_FLAG;
    case 0x14: return MMU_FAULT_EXT_ABORT_WALK;
    default: return MMU_FAULT_PERMISSION;
    }
}

bool mmu_s2_call(struct mmu_walk *w, uint64_t ipa, enum mmu_access type, bool s1ptw,
                 uint8_t s1_attr, uint8_t s1_sh, struct mmu_s2_out *out,
                 struct mmu_fault *f)
{
    struct mmu_s2_req rq = {
        .ipa = ipa, .type = type, .el = w->el, .unprivileged = w->unprivileged,
        .s1ptw = s1ptw, .s1_attr = s1_attr, .s1_sh = s1_sh,
    };
    *out = (struct mmu_s2_out){0};
    w->stats->stage2_calls++;
    if (w->ctl->stage2(w->ctl->stage2_ctx, &rq, out))
        return true;
    f->kind = kind_of_fsc(out->fsc);
    f->stage = 2;
    f->level = out->level;
    f->fsc = out->fsc;
    f->s1ptw = s1ptw;
    f->ipa = ipa;
    f->ipa_valid = out->ipa_valid;
    return false;
}
