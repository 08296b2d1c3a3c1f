/* A small translation-table writer for tests, benchmarks and loaders:
 * walks down from the root, creating tables as it goes, and writes
 * descriptors through callbacks.  It uses the same geometry rules as the
 * walker (mmu_level_shift, mmu_index_bits), so what it builds is what the
 * walker reads. */
#include "mmu/mmu_internal.h"

static int check_granule(unsigned gshift, unsigned ia_bits, struct msa_error *err)
{
    if (gshift != 12 && gshift != 14 && gshift != 16)
        return msa_error_set(err, "page tables: granule 2^%u bytes; expected 4, 16 or "
                             "64 KiB", gshift);
    if (ia_bits < 25 || ia_bits > 48)
        return msa_error_set(err, "page tables: %u-bit input addresses; expected 25 to 48",
                             ia_bits);
    return 0;
}

static int alloc_root(struct mmu_pgt *pg, struct msa_error *err)
{
    unsigned bits = mmu_index_bits(pg->gshift, pg->ia_bits, pg->start_level,
                                   pg->start_level);
    pg->root = pg->alloc(pg->ctx, 8ull << bits);
    if (!pg->root)
        return msa_error_set(err, "page tables: no memory for a %llu-byte root table",
                             (unsigned long long)(8ull << bits));
    return 0;
}

int mmu_pgt_init_s1(struct mmu_pgt *pg, unsigned gshift, unsigned ia_bits,
                    struct msa_error *err)
{
    if (check_granule(gshift, ia_bits, err) < 0)
        return -1;
    pg->gshift = gshift;
    pg->ia_bits = ia_bits;
    pg->stage2 = false;
    pg->start_level = 4 - (int)((ia_bits - 4) / (gshift - 3));
    return alloc_root(pg, err);
}

int mmu_pgt_init_s2(struct mmu_pgt *pg, unsigned gshift, unsigned ia_bits, int start_level,
                    struct msa_error *err)
{
    if (check_granule(gshift, ia_bits, err) < 0)
        return -1;
    if (start_level < 0 || start_level > 3)
        return msa_error_set(err, "page tables: start level %d; expected 0 to 3", start_level);
    unsigned sh = mmu_level_shift(gshift, start_level);
    if (ia_bits <= sh || ia_bits - sh > gshift - 3 + 4)
        return msa_error_set(err, "page tables: %u-bit input cannot start at level %d "
                             "(at most 16 concatenated tables)", ia_bits, start_level);
    pg->gshift = gshift;
    pg->ia_bits = ia_bits;
    pg->stage2 = true;
    pg->start_level = start_level;
    return alloc_root(pg, err);
}

static uint64_t index_at(const struct mmu_pgt *pg, uint64_t va, int level)
{
    unsigned bits = mmu_index_bits(pg->gshift, pg->ia_bits, pg->start_level, level);
    return (va >> mmu_level_shift(pg->gshift, level)) & ((1ull << bits) - 1);
}

/* Address of the table that holds the level-`level` descriptor for va. */
static int table_for(struct mmu_pgt *pg, uint64_t va, int level, bool create,
                     uint64_t *table, struct msa_error *err)
{
    if (level < pg->start_level || level > 3)
        return msa_error_set(err, "page tables: level %d; expected %d to 3", level,
                             pg->start_level);
    uint64_t t = pg->root;
    uint64_t oa_mask = MMU_DESC_OA_MASK & ~((1ull << pg->gshift) - 1);
    for (int l = pg->start_level; l < level; l++) {
        uint64_t addr = t + index_at(pg, va, l) * 8, raw;
        if (pg->read(pg->ctx, addr, &raw) != 0)
            return msa_error_set(err, "page tables: cannot read 0x%llx",
                                 (unsigned long long)addr);
        if (!(raw & MMU_DESC_VALID)) {
            if (!create)
                return msa_error_set(err, "page tables: no level-%d table for 0x%llx",
                                     l + 1, (unsigned long long)va);
            uint64_t n = pg->alloc(pg->ctx, 1ull << pg->gshift);
            if (!n)
                return msa_error_set(err, "page tables: out of table memory");
            raw = (n & oa_mask) | MMU_DESC_VALID | MMU_DESC_TABLE;
            if (pg->write(pg->ctx, addr, raw) != 0)
                return msa_error_set(err, "page tables: cannot write 0x%llx",
                                     (unsigned long long)addr);
        } else if (!(raw & MMU_DESC_TABLE)) {
            return msa_error_set(err, "page tables: 0x%llx is mapped by a level-%d block",
                                 (unsigned long long)va, l);
        }
        t = raw & oa_mask;
    }
    *table = t;
    return 0;
}

int mmu_pgt_entry_addr(struct mmu_pgt *pg, uint64_t va, int level, uint64_t *addr,
                       struct msa_error *err)
{
    uint64_t t;
    if (table_for(pg, va, level, false, &t, err) < 0)
        return -1;
    *addr = t + index_at(pg, va, level) * 8;
    return 0;
}

int mmu_pgt_set(struct mmu_pgt *pg, uint64_t va, int level, uint64_t raw,
                struct msa_error *err)
{
    uint64_t t;
    if (table_for(pg, va, level, true, &t, err) < 0)
        return -1;
    uint64_t addr = t + index_at(pg, va, level) * 8;
    if (pg->write(pg->ctx, addr, raw) != 0)
        return msa_error_set(err, "page tables: cannot write 0x%llx", (unsigned long long)addr);
    return 0;
}

int mmu_pgt_map(struct mmu_pgt *pg, uint64_t va, uint64_t oa, int level, uint64_t attrs,
                struct msa_error *err)
{
    struct mmu_desc d;
    uint64_t type = level == 3 ? (MMU_DESC_VALID | MMU_DESC_TABLE) : MMU_DESC_VALID;
    mmu_desc_decode(type, level, pg->gshift, pg->stage2, &d);
    if (d.type != MMU_DESC_TYPE_BLOCK && d.type != MMU_DESC_TYPE_PAGE)
        return msa_error_set(err, "page tables: no block mapping at level %d with a "
                             "2^%u-byte granule", level, pg->gshift);
    uint64_t size = 1ull << mmu_level_shift(pg->gshift, level);
    if ((va | oa) & (size - 1))
        return msa_error_set(err, "page tables: 0x%llx -> 0x%llx is not aligned to the "
                             "level-%d size 0x%llx", (unsigned long long)va,
                             (unsigned long long)oa, level, (unsigned long long)size);
    return mmu_pgt_set(pg, va, level, (oa & MMU_DESC_OA_MASK) | attrs | type, err);
}

int mmu_pgt_table_bits(struct mmu_pgt *pg, uint64_t va, int level, uint64_t bits,
                       struct msa_error *err)
{
    uint64_t addr, raw;
    if (mmu_pgt_entry_addr(pg, va, level, &addr, err) < 0)
        return -1;
    if (pg->read(pg->ctx, addr, &raw) != 0 || (raw & 3) != 3 || level == 3)
        return msa_error_set(err, "page tables: no table descriptor for 0x%llx at level %d",
                             (unsigned long long)va, level);
    if (pg->write(pg->ctx, addr, raw | bits) != 0)
        return msa_error_set(err, "page tables: cannot write 0x%llx", (unsigned long long)addr);
    return 0;
}
