/* Stage-1 table walk (EL1&0 with TTBR0/TTBR1, or EL2 with TTBR0_EL2).
 *
 * Every descriptor read goes through stage 2 when it is on: the table
 * address is an IPA, translated by the VMSA stage 2 (IPA cache or nested
 * walk) or by the caller's stage 2, and a fault there is a stage-2 fault
 * with S1PTW set.  The stage-2 translation of a table must grant read
 * access; with HCR_EL2.PTW, a table in Device memory is a stage-2
 * Permission fault.
 *
 * Order of checks, each a stage-1 fault:
 *   TxSZ out of range, VA outside the TTBR's range, EPDx: Translation L0
 *   TTBR base beyond IPS/PS: Address size L0
 *   per level: stage 2 of the table (S1PTW); read fails: external abort
 *   on walk; invalid or reserved descriptor: Translation; output beyond
 *   IPS/PS: Address size; leaf with AF = 0: Access flag. */
#include "mmu/mmu_internal.h"

/* Read the descriptor at table IPA `dipa`. */
static bool ptw_read(struct mmu_walk *w, uint64_t dipa, int level,
                     const struct mmu_s1_params *p, uint64_t *raw, struct mmu_fault *f)
{
    uint64_t pa = dipa;
    bool ptw_device_faults = (w->ctl->hcr & MMU_HCR_PTW) != 0;

    if (w->s2 == MMU_S2_VMSA) {
        struct mmu_s2_xlat x;
        if (!mmu_s2_lookup(w, dipa, &x, f)) {
            f->s1ptw = true;
            return false;
        }
        if (!(x.perm & MMU_P_R) || (ptw_device_faults && mmu_attr_is_device(x.attr))) {
            mmu_fault_set(f, MMU_FAULT_PERMISSION, 2, x.level, dipa);
            f->s1ptw = true;
            return false;
        }
        pa = x.pa_base + (dipa - x.ipa_base);
    } else if (w->s2 == MMU_S2_EXT) {
        struct mmu_s2_out o;
        if (!mmu_s2_call(w, dipa, MMU_ACC_READ, true, p->walk_attr, p->walk_sh, &o, f))
            return false;
        if (ptw_device_faults && mmu_attr_is_device(o.attr)) {
            mmu_fault_set(f, MMU_FAULT_PERMISSION, 2, o.level, dipa);
            f->s1ptw = true;
            return false;
        }
        pa = o.pa;
    }
    w->reads++;
    if (w->bus->read_pa(w->bus->ctx, pa, raw) != 0)
        return mmu_fault_set(f, MMU_FAULT_EXT_ABORT_WALK, 1, (unsigned)level, 0);
    return true;
}

/* Deepest table cached for `key`; updates *table, *level and *tattrs. */
static void walk_cache_probe(struct mmu_walk *w, const struct mmu_s1_params *p,
                             uint64_t key, uint64_t *table, int *level, unsigned *tattrs)
{
    struct mmu_tlb_array *wc = &w->tlb->arr[MMU_TLB_WALK];
    if (!w->use_caches || !mmu_tlba_present(wc))
        return;
    bool lru = w->tlb->cfg.repl == MMU_REPL_LRU;
    for (int l = MMU_MAX_LEVEL - 1; l >= p->start_level; l--) {
        struct mmu_tlbe *e = mmu_tlba_find_level(wc, key, mmu_level_shift(p->gshift, l),
                                                 (unsigned)l, w->tag, w->asid, w->vmid, lru);
        if (e) {
            w->stats->hits[MMU_TLB_WALK]++;
            *table = e->pa;
            *level = l + 1;
            *tattrs = e->perm1;
            return;
        }
    }
    w->stats->misses[MMU_TLB_WALK]++;
}

bool mmu_walk_s1(struct mmu_walk *w, uint64_t key, bool select1,
                 struct mmu_s1_leaf *leaf, struct mmu_fault *f)
{
    struct mmu_s1_params p;
    mmu_s1_params(w->ctl, select1, &p);
    if (p.txsz_bad)
        return mmu_fault_set(f, MMU_FAULT_TRANSLATION, 1, 0, 0);
    /* bits [63:ia] must all equal the TTBR select bit */
    uint64_t want = select1 ? (~0ull >> p.ia_bits) : 0;
    if ((key >> p.ia_bits) != want || p.epd)
        return mmu_fault_set(f, MMU_FAULT_TRANSLATION, 1, 0, 0);
    if (((p.ttbr & 0x0000FFFFFFFFFFFFull) >> p.oa_bits) != 0)
        return mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, 1, 0, 0);

    unsigned g = p.gshift;
    int start = p.start_level, level = start;
    unsigned tattrs = 0;
    unsigned tmask = w->el2 ? (MMU_T_UXN | MMU_T_RO) : 0xFu;
    uint64_t table = mmu_table_base(p.ttbr, g, p.ia_bits, start);
    walk_cache_probe(w, &p, key, &table, &level, &tattrs);

    struct mmu_desc d;
    for (;;) {
        unsigned bits = mmu_index_bits(g, p.ia_bits, start, level);
        unsigned sh = mmu_level_shift(g, level);
        uint64_t dipa = table + ((key >> sh) & ((1ull << bits) - 1)) * 8;
        uint64_t raw;
        if (!ptw_read(w, dipa, level, &p, &raw, f))
            return false;
        mmu_desc_decode(raw, level, g, false, &d);
        if (d.type == MMU_DESC_INVALID || d.type == MMU_DESC_RESERVED)
            return mmu_fault_set(f, MMU_FAULT_TRANSLATION, 1, (unsigned)level, 0);
        if ((d.oa >> p.oa_bits) != 0)
            return mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, 1, (unsigned)level, 0);
        if (d.type != MMU_DESC_TYPE_TABLE)
            break;
        tattrs |= (unsigned)(raw >> 59) & tmask;
        if (w->use_caches && mmu_tlba_present(&w->tlb->arr[MMU_TLB_WALK])) {
            struct mmu_tlbe e = {
                .va = key & ~((1ull << sh) - 1), .mask = ~((1ull << sh) - 1), .pa = d.oa,
                .asid = w->asid, .vmid = w->vmid, .tag = w->tag, .shift = (uint8_t)sh,
                .perm1 = (uint8_t)tattrs, .level1 = (uint8_t)level,
            };
            w->stats->fills[MMU_TLB_WALK]++;
            if (mmu_tlba_insert(&w->tlb->arr[MMU_TLB_WALK], &e))
                w->stats->evictions[MMU_TLB_WALK]++;
        }
        table = d.oa;
        level++;
    }
    if (!d.af)
        return mmu_fault_set(f, MMU_FAULT_ACCESS_FLAG, 1, (unsigned)level, 0);

    leaf->d = d;
    leaf->oa = d.oa | (key & ((1ull << d.out_shift) - 1));
    leaf->level = (uint8_t)level;
    leaf->gshift = (uint8_t)g;
    leaf->tattrs = (uint8_t)tattrs;
    leaf->walk_attr = p.walk_attr;
    leaf->walk_sh = p.walk_sh;
    return true;
}
