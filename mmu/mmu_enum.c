/* Enumeration of a whole translation table tree: every table page and every
 * mapping that the EL2 regime (TTBR0_EL2) or stage 2 (VTTBR_EL2) defines,
 * read from memory as a walk would read it.
 *
 * This serves observers of software that owns its tables (a hypervisor
 * running at EL2): how many pages its tables use, and what memory they make
 * reachable.  A table page reachable twice (tables may share subtrees) is
 * visited once, which also bounds the work on a looping tree; the number of
 * tables visited is capped, and a capped enumeration says so. */
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_internal.h"

/* Table pages seen in one enumeration: an open-addressing set of addresses. */
struct seen_set {
    uint64_t *slot;          /* 0 = empty (a table at PA 0 is stored as 1) */
    size_t cap, count;
};

/* 1: added; 0: already there; -1: out of memory. */
static int seen_add(struct seen_set *s, uint64_t pa)
{
    uint64_t key = pa ? pa : 1;
    if ((s->count + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        uint64_t *n = calloc(ncap, sizeof *n);
        if (!n)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i])
                continue;
            size_t h = (size_t)((s->slot[i] >> 12) * 0x9E3779B97F4A7C15ull) & (ncap - 1);
            while (n[h])
                h = (h + 1) & (ncap - 1);
            n[h] = s->slot[i];
        }
        free(s->slot);
        s->slot = n;
        s->cap = ncap;
    }
    size_t h = (size_t)((key >> 12) * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
    while (s->slot[h]) {
        if (s->slot[h] == key)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->slot[h] = key;
    s->count++;
    return 1;
}

struct walker {
    const struct mmu_bus *bus;
    const struct mmu_enum_visitor *v;
    struct mmu_enum_result *r;
    struct seen_set seen;
    unsigned gshift, ia_bits, oa_bits;
    int start;
    bool stage2, wxn;
    unsigned max_tables;
};

/* Visits the table at `pa` (level `level`, mapping from `ia_base`), whose
 * ancestors' table attributes are `tattrs`. */
static void visit(struct walker *w, uint64_t pa, int level, uint64_t ia_base, unsigned tattrs)
{
    unsigned bits = mmu_index_bits(w->gshift, w->ia_bits, w->start, level);
    unsigned shift = mmu_level_shift(w->gshift, level);
    /* A concatenated root spans several granules: each is one page. */
    uint64_t bytes = 8ull << bits;
    if (w->r->tables >= w->max_tables) {
        w->r->truncated = true;
        return;
    }
    int added = seen_add(&w->seen, pa);
    if (added < 0)
        w->r->truncated = true;
    if (added <= 0)
        return;                  /* visited already (a shared subtree), or no memory */
    for (uint64_t off = 0; off < bytes; off += 1ull << w->gshift) {
        w->r->tables++;
        w->r->tables_at_level[level]++;
        if (w->v->table)
            w->v->table(w->v->ctx, pa + off, level);
    }
    for (uint64_t i = 0; i < (1ull << bits); i++) {
        uint64_t raw;
        w->r->descriptors++;
        if (w->bus->read_pa(w->bus->ctx, pa + i * 8, &raw) != 0) {
            w->r->read_errors++;
            return;
        }
        struct mmu_desc d;
        mmu_desc_decode(raw, level, w->gshift, w->stage2, &d);
        if (d.type == MMU_DESC_INVALID || d.type == MMU_DESC_RESERVED || (d.oa >> w->oa_bits) != 0)
            continue;
        uint64_t ia = ia_base + (i << shift);
        if (d.type == MMU_DESC_TYPE_TABLE) {
            unsigned t = tattrs;
            if (!w->stage2)
                t |= (unsigned)((raw >> 59) & 0xF);
            visit(w, d.oa, level + 1, ia, t);
            if (w->r->truncated)
                return;
            continue;
        }
        if (!d.af || !w->v->leaf)
            continue;            /* AF = 0: every access faults */
        struct mmu_enum_leaf leaf = {
            .ia = ia,
            .oa = d.oa,
            .size = 1ull << d.out_shift,
            .level = (uint8_t)level,
        };
        if (w->stage2)
            leaf.perm = mmu_s2_perm(&d);
        else
            leaf.perm = (uint8_t)(mmu_s1_perm(&d, tattrs, true, w->wxn) >> MMU_P_PRIV_SHIFT);
        w->v->leaf(w->v->ctx, &leaf);
    }
}

static void run(struct walker *w, uint64_t ttbr)
{
    if (!w->max_tables)
        w->max_tables = 1u << 16;
    uint64_t root = mmu_table_base(ttbr, w->gshift, w->ia_bits, w->start);
    visit(w, root, w->start, 0, 0);
    free(w->seen.slot);
}

int mmu_enum_el2(const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                 const struct mmu_enum_visitor *v, struct mmu_enum_result *r)
{
    memset(r, 0, sizeof *r);
    struct mmu_ctl c = *ctl;
    c.regime = MMU_REGIME_EL2;
    struct mmu_s1_params p;
    mmu_s1_params(&c, false, &p);
    if (p.txsz_bad || ((p.ttbr & MMU_DESC_OA_MASK) >> p.oa_bits) != 0)
        return -1;
    struct walker w = {
        .bus = bus, .v = v, .r = r,
        .gshift = p.gshift, .ia_bits = p.ia_bits, .oa_bits = p.oa_bits,
        .start = p.start_level, .stage2 = false,
        .wxn = (ctl->sctlr & MMU_SCTLR_WXN) != 0,
        .max_tables = v->max_tables,
    };
    run(&w, p.ttbr);
    return 0;
}

int mmu_enum_s2(const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                const struct mmu_enum_visitor *v, struct mmu_enum_result *r)
{
    memset(r, 0, sizeof *r);
    struct mmu_s2_params p;
    mmu_s2_params(ctl, &p);
    if (p.bad || ((p.vttbr & 0x0000FFFFFFFFFFFFull) >> p.oa_bits) != 0)
        return -1;
    struct walker w = {
        .bus = bus, .v = v, .r = r,
        .gshift = p.gshift, .ia_bits = p.ia_bits, .oa_bits = p.oa_bits,
        .start = p.start_level, .stage2 = true,
        .max_tables = v->max_tables,
    };
    run(&w, p.vttbr);
    return 0;
}
