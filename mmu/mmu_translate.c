/* One translation: micro-TLB, main TLB, then a walk; stage 1 and stage 2
 * combined into one TLB entry (VMSA stage 2), or stage 1 cached and the
 * caller's stage 2 applied at every use (the EL2 MPU, which is never held
 * in TLBs).
 *
 * Precedence of faults follows the order of the work: the stage-1 walk
 * (with the stage-2 faults of its table reads), then stage-1 permissions,
 * then stage 2 of the output address, then stage-2 permissions.
 *
 * With stage 1 off (SCTLR_EL1.M = 0, HCR_EL2.TGE, or HCR_EL2.DC) the IPA is
 * the VA; data accesses are Device-nGnRnE, instruction fetches Normal
 * (Write-Through when SCTLR.I, else Non-cacheable), both outer shareable;
 * HCR_EL2.DC makes them Normal Write-Back non-shareable.  A VA beyond the
 * PA size is then a stage-1 Address size fault at level 0.  SCTLR_ELx.C
 * (data) and I (instructions) at 0 make stage-1 Normal memory
 * Non-cacheable. */
#include <string.h>

#include "mmu/mmu_internal.h"

static bool fail(const struct mmu_walk *w, const struct mmu_req *req,
                 const struct mmu_fault *f, struct mmu_result *res)
{
    res->ok = false;
    res->kind = f->kind;
    res->stage = f->stage;
    res->level = f->level;
    res->fsc = f->fsc;
    res->s1ptw = f->s1ptw;
    res->is_instruction = req->type == MMU_ACC_EXEC;
    res->wnr = !f->s1ptw && !res->is_instruction && (req->type & MMU_ACC_WRITE);
    res->target_el = (f->stage == 2 || w->el2 || (w->ctl->hcr & MMU_HCR_TGE)) ? 2 : 1;
    res->fault_ipa = f->ipa;
    res->ipa_valid = f->ipa_valid;
    res->pa = 0;
    res->attr = 0;
    res->sh = 0;
    res->page_shift = 0;
    w->stats->faults[f->stage - 1][f->kind]++;
    if (f->s1ptw)
        w->stats->s1ptw_faults++;
    return false;
}

static unsigned min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* Stage 1 off: the VA is the IPA. */
static bool s1_off(struct mmu_walk *w, const struct mmu_req *req, struct mmu_result *res,
                   unsigned flags)
{
    const struct mmu_ctl *ctl = w->ctl;
    struct mmu_fault f;
    uint64_t va = req->va;
    bool select1 = !w->el2 && ((va >> 55) & 1);
    bool tbi = w->el2 ? (ctl->tcr & MMU_TCR2_TBI)
                      : (ctl->tcr & (select1 ? MMU_TCR_TBI1 : MMU_TCR_TBI0));
    uint64_t ipa = tbi ? va & 0x00FFFFFFFFFFFFFFull : va;
    if ((ipa >> mmu_pa_bits(ctl)) != 0) {
        mmu_fault_set(&f, MMU_FAULT_ADDR_SIZE, 1, 0, 0);
        return fail(w, req, &f, res);
    }
    uint8_t attr, sh;
    if (ctl->hcr & MMU_HCR_DC && !w->el2) {
        attr = 0xFF;
        sh = MMU_SH_NON;
    } else if (req->type == MMU_ACC_EXEC) {
        attr = (ctl->sctlr & MMU_SCTLR_I) ? 0xAA : 0x44;
        sh = MMU_SH_OUTER;
    } else {
        attr = 0x00;
        sh = MMU_SH_OUTER;
    }
    res->ipa = ipa;
    res->page_shift = 12;
    res->hit = MMU_HIT_OFF;
    if (w->s2 == MMU_S2_VMSA && !(flags & MMU_X_S1_ONLY)) {
        struct mmu_s2_xlat x;
        bool ok = mmu_s2_lookup(w, ipa, &x, &f);
        res->walk_reads = (uint16_t)w->reads;
        if (w->s2_walked)
            mmu_walk_count(w->stats, MMU_WALK_S2, w->reads, !ok);
        res->hit = w->s2_walked ? MMU_HIT_WALK : MMU_HIT_IPA;
        if (!ok)
            return fail(w, req, &f, res);
        unsigned need = mmu_need(req->type);
        if ((x.perm & need) != need) {
            mmu_fault_set(&f, MMU_FAULT_PERMISSION, 2, x.level, ipa);
            return fail(w, req, &f, res);
        }
        res->pa = x.pa_base + (ipa - x.ipa_base);
        attr = mmu_combine_attr(attr, x.attr);
        sh = mmu_combine_sh(sh, x.sh);
        res->page_shift = x.shift;
    } else if (w->s2 == MMU_S2_EXT && !(flags & MMU_X_S1_ONLY)) {
        struct mmu_s2_out o;
        if (!mmu_s2_call(w, ipa, req->type, false, attr, sh, &o, &f))
            return fail(w, req, &f, res);
        res->pa = o.pa;
        attr = o.attr;
        sh = o.sh;
        res->page_shift = o.page_shift;
    } else {
        res->pa = ipa;
    }
    res->attr = attr;
    res->sh = mmu_effective_sh(attr, sh);
    return true;
}

/* Stage-1 walk (and VMSA stage 2 of its output) into a TLB entry.  A
 * stage-1 permission fault is found before stage 2 of the output is
 * looked at; `need` is checked here for that reason only. */
static bool fill_entry(struct mmu_walk *w, uint64_t key, bool select1, bool el0,
                       unsigned flags, struct mmu_tlbe *e, struct mmu_fault *f)
{
    const struct mmu_ctl *ctl = w->ctl;
    struct mmu_s1_leaf lf;
    if (!mmu_walk_s1(w, key, select1, &lf, f))
        return false;

    memset(e, 0, sizeof *e);
    e->perm1 = mmu_s1_perm(&lf.d, lf.tattrs, w->el2, (ctl->sctlr & MMU_SCTLR_WXN) != 0);
    e->level1 = lf.level;
    unsigned need = mmu_need(w->type);
    unsigned p1 = el0 ? (e->perm1 & 7u) : (unsigned)(e->perm1 >> MMU_P_PRIV_SHIFT);
    if ((p1 & need) != need)
        return mmu_fault_set(f, MMU_FAULT_PERMISSION, 1, lf.level, 0);

    unsigned shift = lf.d.out_shift;
    if (lf.d.contig && w->tlb->cfg.contig_hint) {
        shift += mmu_contig_bits(lf.gshift, lf.level);
        w->stats->contig_fills++;
    }
    uint64_t ipa = lf.oa;
    uint64_t pa = ipa;
    e->attr = mmu_mair_attr(ctl->mair, lf.d.attrindx);
    e->sh = lf.d.sh;
    if (w->s2 == MMU_S2_VMSA && !(flags & MMU_X_S1_ONLY)) {
        struct mmu_s2_xlat x;
        if (!mmu_s2_lookup(w, ipa, &x, f))
            return false;
        shift = min_u(shift, x.shift);
        pa = x.pa_base + (ipa - x.ipa_base);
        e->perm2 = x.perm;
        e->level2 = x.level;
        e->attr = mmu_combine_attr(e->attr, x.attr);
        e->sh = mmu_combine_sh(e->sh, x.sh);
    }
    uint64_t off = key & ((1ull << shift) - 1);
    e->va = key - off;
    e->mask = ~((1ull << shift) - 1);
    e->ipa = ipa - off;
    e->pa = pa - off;
    e->shift = (uint8_t)shift;
    e->global = w->el2 || !lf.d.ng;
    e->asid = w->asid;
    e->vmid = w->vmid;
    e->tag = w->tag;
    return true;
}

/* Permissions, attributes and the caller's stage 2, for an entry found or
 * just made. */
static bool finish(struct mmu_walk *w, const struct mmu_tlbe *e, uint64_t key, bool el0,
                   const struct mmu_req *req, unsigned flags, struct mmu_result *res)
{
    const struct mmu_ctl *ctl = w->ctl;
    struct mmu_fault f;
    unsigned need = mmu_need(req->type);
    unsigned p1 = el0 ? (e->perm1 & 7u) : (unsigned)(e->perm1 >> MMU_P_PRIV_SHIFT);
    uint64_t off = key - e->va;
    uint64_t ipa = e->ipa + off;

    res->ipa = ipa;
    if ((p1 & need) != need) {
        mmu_fault_set(&f, MMU_FAULT_PERMISSION, 1, e->level1, 0);
        return fail(w, req, &f, res);
    }
    bool combined = w->s2 == MMU_S2_VMSA && !(flags & MMU_X_S1_ONLY);
    if (combined && (e->perm2 & need) != need) {
        mmu_fault_set(&f, MMU_FAULT_PERMISSION, 2, e->level2, ipa);
        return fail(w, req, &f, res);
    }
    uint8_t attr = e->attr, sh = e->sh;
    uint64_t cbit = req->type == MMU_ACC_EXEC ? MMU_SCTLR_I : MMU_SCTLR_C;
    if (!(ctl->sctlr & cbit) && !mmu_is_device(attr))
        attr = 0x44;
    uint64_t pa = e->pa + off;
    unsigned page_shift = e->shift;
    if (w->s2 == MMU_S2_EXT && !(flags & MMU_X_S1_ONLY)) {
        struct mmu_s2_out o;
        if (!mmu_s2_call(w, ipa, req->type, false, attr, sh, &o, &f))
            return fail(w, req, &f, res);
        pa = o.pa;
        attr = o.attr;
        sh = o.sh;
        page_shift = min_u(page_shift, o.page_shift);
    }
    res->pa = pa;
    res->attr = attr;
    res->sh = mmu_eff_sh(attr, sh);
    res->page_shift = (uint8_t)page_shift;
    return true;
}

static void tlb_fill(struct mmu_walk *w, enum mmu_tlb_level l, const struct mmu_tlbe *e)
{
    struct mmu_tlb_array *a = &w->tlb->arr[l];
    if (!mmu_tlba_present(a))
        return;
    w->stats->fills[l]++;
    if (mmu_tlba_insert(a, e))
        w->stats->evictions[l]++;
}

/* The common case of a TLB hit, without a walk context: the access is
 * permitted and there is no caller's stage 2 to consult.  Returns false,
 * leaving `res` alone, when the general path must decide. */
static inline bool hit_fast(const struct mmu_ctl *ctl, const struct mmu_tlbe *e, uint64_t key,
                            bool el0, enum mmu_access type, enum mmu_s2_kind s2,
                            struct mmu_result *res)
{
    unsigned need = mmu_need(type);
    unsigned p1 = el0 ? (e->perm1 & 7u) : (unsigned)(e->perm1 >> MMU_P_PRIV_SHIFT);
    if ((p1 & need) != need || s2 == MMU_S2_EXT ||
        (s2 == MMU_S2_VMSA && (e->perm2 & need) != need))
        return false;
    uint64_t off = key - e->va;
    uint8_t attr = e->attr;
    uint64_t cbit = type == MMU_ACC_EXEC ? MMU_SCTLR_I : MMU_SCTLR_C;
    if (!(ctl->sctlr & cbit) && !mmu_is_device(attr))
        attr = 0x44;
    res->ipa = e->ipa + off;
    res->pa = e->pa + off;
    res->attr = attr;
    res->sh = mmu_eff_sh(attr, e->sh);
    res->page_shift = e->shift;
    return true;
}

static void walk_init(struct mmu_walk *w, struct mmu_tlb *tlb, const struct mmu_ctl *ctl,
                      const struct mmu_bus *bus, const struct mmu_req *req, bool el2,
                      enum mmu_s2_kind s2, unsigned flags)
{
    w->tlb = tlb;
    w->stats = &tlb->stats;
    w->ctl = ctl;
    w->bus = bus;
    w->use_caches = !(flags & MMU_X_NO_TLB);
    w->el2 = el2;
    w->s2 = s2;
    w->tag = mmu_tag(el2, s2);
    w->asid = el2 ? 0 : mmu_asid_of(ctl);
    w->vmid = el2 ? 0 : mmu_vmid_of(ctl);
    w->el = el2 ? 2 : (req->el > 1 ? 1 : req->el);
    w->unprivileged = !el2 && req->unprivileged;
    w->type = req->type;
    w->reads = 0;
    w->s2_walked = false;
    w->s2_decoded = false;
}

bool mmu_xlate(struct mmu_tlb *tlb, const struct mmu_ctl *ctl, const struct mmu_bus *bus,
               const struct mmu_req *req, struct mmu_result *res, unsigned flags)
{
    res->ok = true;
    res->kind = MMU_FAULT_NONE;
    res->far = req->va;
    res->walk_reads = 0;
    res->hit = MMU_HIT_OFF;

    bool el2 = ctl->regime == MMU_REGIME_EL2;
    uint64_t hcr = el2 ? 0 : ctl->hcr;
    enum mmu_s2_kind s2 = (hcr & (MMU_HCR_VM | MMU_HCR_DC))
                              ? (ctl->stage2 ? MMU_S2_EXT : MMU_S2_VMSA) : MMU_S2_NONE;
    struct mmu_walk w;
    bool s1_on = (ctl->sctlr & MMU_SCTLR_M) && !(hcr & (MMU_HCR_TGE | MMU_HCR_DC));
    if (!s1_on) {
        walk_init(&w, tlb, ctl, bus, req, el2, s2, flags);
        return s1_off(&w, req, res, flags);
    }

    bool el0 = !el2 && (req->el == 0 || (req->unprivileged && req->el == 1));
    bool select1 = !el2 && ((req->va >> 55) & 1);
    bool tbi = el2 ? (ctl->tcr & MMU_TCR2_TBI)
                   : (ctl->tcr & (select1 ? MMU_TCR_TBI1 : MMU_TCR_TBI0));
    uint64_t key = tbi ? mmu_sext55(req->va) : req->va;
    uint8_t tag = mmu_tag(el2, s2);
    uint16_t asid = el2 ? 0 : mmu_asid_of(ctl);
    uint16_t vmid = el2 ? 0 : mmu_vmid_of(ctl);

    bool use_tlb = !(flags & (MMU_X_NO_TLB | MMU_X_S1_ONLY));
    enum mmu_tlb_level micro = req->type == MMU_ACC_EXEC ? MMU_TLB_MICRO_I : MMU_TLB_MICRO_D;
    struct mmu_stats *st = &tlb->stats;
    if (use_tlb) {
        bool lru = tlb->cfg.repl == MMU_REPL_LRU;
        struct mmu_tlb_array *ma = &tlb->arr[micro];
        struct mmu_tlbe *e = mmu_tlba_find(ma, key, tag, asid, vmid, lru);
        if (e) {
            st->hits[micro]++;
            res->hit = MMU_HIT_MICRO;
            if (hit_fast(ctl, e, key, el0, req->type, s2, res))
                return true;
            walk_init(&w, tlb, ctl, bus, req, el2, s2, flags);
            return finish(&w, e, key, el0, req, flags, res);
        }
        if (mmu_tlba_present(ma))
            st->misses[micro]++;
        struct mmu_tlb_array *mt = &tlb->arr[MMU_TLB_MAIN];
        e = mmu_tlba_find(mt, key, tag, asid, vmid, lru);
        if (e) {
            st->hits[MMU_TLB_MAIN]++;
            struct mmu_tlbe copy = *e;
            walk_init(&w, tlb, ctl, bus, req, el2, s2, flags);
            tlb_fill(&w, micro, &copy);
            res->hit = MMU_HIT_MAIN;
            if (hit_fast(ctl, &copy, key, el0, req->type, s2, res))
                return true;
            return finish(&w, &copy, key, el0, req, flags, res);
        }
        if (mmu_tlba_present(mt))
            st->misses[MMU_TLB_MAIN]++;
    }

    walk_init(&w, tlb, ctl, bus, req, el2, s2, flags);
    struct mmu_tlbe ne;
    struct mmu_fault f;
    bool ok = fill_entry(&w, key, select1, el0, flags, &ne, &f);
    enum mmu_walk_kind kind = s2 == MMU_S2_VMSA ? MMU_WALK_S12 : MMU_WALK_S1;
    mmu_walk_count(st, kind, w.reads, !ok);
    res->walk_reads = (uint16_t)w.reads;
    res->hit = MMU_HIT_WALK;
    if (!ok)
        return fail(&w, req, &f, res);
    if (use_tlb) {
        tlb_fill(&w, MMU_TLB_MAIN, &ne);
        tlb_fill(&w, micro, &ne);
    }
    return finish(&w, &ne, key, el0, req, flags, res);
}

bool mmu_translate(struct mmu_tlb *tlb, const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                   const struct mmu_req *req, struct mmu_result *res)
{
    tlb->stats.translations++;
    return mmu_xlate(tlb, ctl, bus, req, res, 0);
}
