/* Test machine for the MMU suites: 16 MiB of RAM at 0x4000_0000 behind a
 * read_pa callback, a bump allocator for translation tables, and control
 * values for the usual configurations.
 *
 *   [0x4000_0000, +8 MiB)  data pages
 *   [0x4080_0000, +4 MiB)  stage-1 tables (at IPA = PA + s1_delta)
 *   [0x40C0_0000, +4 MiB)  stage-2 tables */
#ifndef TEST_MMU_ENV_H
#define TEST_MMU_ENV_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"

#define RAM_BASE   0x40000000ull
#define RAM_SIZE   (16ull << 20)
#define S1T_BASE   (RAM_BASE + (8ull << 20))
#define S2T_BASE   (RAM_BASE + (12ull << 20))
#define DATA(n)    (RAM_BASE + (uint64_t)(n) * 0x1000)

/* MAIR: idx0 Device-nGnRnE, idx1 Normal WB RAWA, idx2 Normal NC, idx3 WT RA,
 * idx4 Device-nGnRE */
#define TEST_MAIR  0x04AA44FF00ull
#define AI_DEV     0
#define AI_WB      1
#define AI_NC      2
#define AI_WT      3
#define AI_DEV_E   4

/* leaf attributes: AF, inner shareable, WB */
#define S1_ATTR(ai) (MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) | MMU_S1_ATTRINDX(ai))
#define S1_RW      S1_ATTR(AI_WB)
#define S2_RW      (MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) | MMU_S2AP_R | MMU_S2AP_W | \
                    MMU_S2_MEMATTR(MMU_S2_MEMATTR_WB))

struct env {
    uint64_t *ram;
    uint64_t s1_next, s2_next;   /* bump pointers (PA) */
    uint64_t s1_delta;           /* stage-1 table IPA = PA + s1_delta */
    uint64_t abort_pa;           /* a read here is an external abort */
    unsigned reads;
    struct mmu_bus bus;
    struct mmu_tlb tlb;
    struct mmu_ctl ctl;
    struct mmu_pgt s1, s1b, s2;  /* TTBR0, TTBR1, VTTBR tables */
};

static inline int env_read_pa(void *ctx, uint64_t pa, uint64_t *v)
{
    struct env *e = ctx;
    e->reads++;
    if (pa == e->abort_pa || pa < RAM_BASE || pa >= RAM_BASE + RAM_SIZE || (pa & 7))
        return 1;
    *v = e->ram[(pa - RAM_BASE) / 8];
    return 0;
}

static inline int env_write_pa(struct env *e, uint64_t pa, uint64_t v)
{
    if (pa < RAM_BASE || pa >= RAM_BASE + RAM_SIZE || (pa & 7))
        return 1;
    e->ram[(pa - RAM_BASE) / 8] = v;
    return 0;
}

static inline int s1_read(void *ctx, uint64_t ipa, uint64_t *v)
{
    struct env *e = ctx;
    unsigned saved = e->reads;
    int r = env_read_pa(ctx, ipa - e->s1_delta, v);
    e->reads = saved;    /* table building is not counted */
    return r;
}

static inline int s1_write(void *ctx, uint64_t ipa, uint64_t v)
{
    struct env *e = ctx;
    return env_write_pa(e, ipa - e->s1_delta, v);
}

static inline uint64_t s1_alloc(void *ctx, uint64_t bytes)
{
    struct env *e = ctx;
    uint64_t a = (e->s1_next + bytes - 1) & ~(bytes - 1);
    if (a + bytes > S2T_BASE)
        return 0;
    e->s1_next = a + bytes;
    return a + e->s1_delta;
}

static inline int s2_read(void *ctx, uint64_t pa, uint64_t *v)
{
    struct env *e = ctx;
    unsigned saved = e->reads;
    int r = env_read_pa(ctx, pa, v);
    e->reads = saved;
    return r;
}

static inline int s2_write(void *ctx, uint64_t pa, uint64_t v)
{
    return env_write_pa(ctx, pa, v);
}

static inline uint64_t s2_alloc(void *ctx, uint64_t bytes)
{
    struct env *e = ctx;
    uint64_t a = (e->s2_next + bytes - 1) & ~(bytes - 1);
    if (a + bytes > RAM_BASE + RAM_SIZE)
        return 0;
    e->s2_next = a + bytes;
    return a;
}

static inline void env_pgt(struct env *e, struct mmu_pgt *pg, bool stage2)
{
    pg->ctx = e;
    pg->read = stage2 ? s2_read : s1_read;
    pg->write = stage2 ? s2_write : s1_write;
    pg->alloc = stage2 ? s2_alloc : s1_alloc;
}

/* EL1&0, 48-bit VAs in both halves, 4 KiB granule, 48-bit IPS, stage 1 on,
 * no stage 2, default TLBs.  `cfg` NULL: defaults. */
static inline struct env *env_new_cfg(const struct mmu_tlb_config *cfg)
{
    struct env *e = calloc(1, sizeof *e);
    ck_assert_ptr_nonnull(e);
    e->ram = calloc(RAM_SIZE / 8, 8);
    ck_assert_ptr_nonnull(e->ram);
    e->s1_next = S1T_BASE;
    e->s2_next = S2T_BASE;
    e->abort_pa = ~0ull;
    e->bus.ctx = e;
    e->bus.read_pa = env_read_pa;
    struct msa_error err = {""};
    ck_assert_msg(mmu_tlb_init(&e->tlb, cfg, &err) == 0, "%s", err.msg);
    env_pgt(e, &e->s1, false);
    env_pgt(e, &e->s1b, false);
    env_pgt(e, &e->s2, true);
    ck_assert_msg(mmu_pgt_init_s1(&e->s1, 12, 48, &err) == 0, "%s", err.msg);
    ck_assert_msg(mmu_pgt_init_s1(&e->s1b, 12, 48, &err) == 0, "%s", err.msg);
    e->ctl.regime = MMU_REGIME_EL10;
    e->ctl.sctlr = MMU_SCTLR_M | MMU_SCTLR_C | MMU_SCTLR_I;
    e->ctl.tcr = MMU_TCR_T0SZ(16) | MMU_TCR_T1SZ(16) | MMU_TCR_TG0_4K | MMU_TCR_TG1_4K |
                 MMU_TCR_IPS(5) | MMU_TCR_IRGN0(1) | MMU_TCR_ORGN0(1) | MMU_TCR_SH0(3) |
                 MMU_TCR_IRGN1(1) | MMU_TCR_ORGN1(1) | MMU_TCR_SH1(3);
    e->ctl.ttbr0 = e->s1.root;
    e->ctl.ttbr1 = e->s1b.root;
    e->ctl.mair = TEST_MAIR;
    return e;
}

static inline struct env *env_new(void)
{
    return env_new_cfg(NULL);
}

static inline void env_free(struct env *e)
{
    mmu_tlb_free(&e->tlb);
    free(e->ram);
    free(e);
}

/* Stage 2 with `ia_bits` of IPA starting at `start_level`, VMID `vmid`;
 * stage-1 tables are moved to IPA = PA + `s1_delta` (call before building
 * any stage-1 table beyond the roots, which are re-made here). */
static inline void env_stage2(struct env *e, unsigned ia_bits, int start_level,
                              unsigned ps, uint16_t vmid, uint64_t s1_delta)
{
    struct msa_error err = {""};
    ck_assert_msg(mmu_pgt_init_s2(&e->s2, 12, ia_bits, start_level, &err) == 0, "%s",
                  err.msg);
    unsigned sl0 = (unsigned)(2 - start_level);
    e->ctl.hcr = MMU_HCR_VM;
    e->ctl.vtcr = MMU_TCR_T0SZ(64 - ia_bits) | MMU_VTCR_SL0(sl0) | MMU_TCR_TG0_4K |
                  MMU_TCR2_PS(ps) | MMU_VTCR_VS;
    e->ctl.vttbr = e->s2.root | (uint64_t)vmid << 48;
    e->s1_delta = s1_delta;
    e->s1_next = S1T_BASE;
    ck_assert_msg(mmu_pgt_init_s1(&e->s1, 12, 48, &err) == 0, "%s", err.msg);
    ck_assert_msg(mmu_pgt_init_s1(&e->s1b, 12, 48, &err) == 0, "%s", err.msg);
    e->ctl.ttbr0 = e->s1.root;
    e->ctl.ttbr1 = e->s1b.root;
}

static inline void map1(struct env *e, uint64_t va, uint64_t oa, int level, uint64_t attrs)
{
    struct msa_error err = {""};
    struct mmu_pgt *pg = (va >> 55) & 1 ? &e->s1b : &e->s1;
    ck_assert_msg(mmu_pgt_map(pg, va, oa, level, attrs, &err) == 0, "%s", err.msg);
}

static inline void map2(struct env *e, uint64_t ipa, uint64_t pa, int level, uint64_t attrs)
{
    struct msa_error err = {""};
    ck_assert_msg(mmu_pgt_map(&e->s2, ipa, pa, level, attrs, &err) == 0, "%s", err.msg);
}

/* Map every stage-1 table page allocated so far at stage 2, IPA -> PA. */
static inline void env_map_s1_tables(struct env *e)
{
    for (uint64_t pa = S1T_BASE; pa < e->s1_next; pa += 0x1000)
        map2(e, pa + e->s1_delta, pa, 3, S2_RW);
}

/* Address (PA) of the stage-1 descriptor for va at level. */
static inline uint64_t desc_pa1(struct env *e, uint64_t va, int level)
{
    struct msa_error err = {""};
    uint64_t a;
    struct mmu_pgt *pg = (va >> 55) & 1 ? &e->s1b : &e->s1;
    ck_assert_msg(mmu_pgt_entry_addr(pg, va, level, &a, &err) == 0, "%s", err.msg);
    return a - e->s1_delta;
}

static inline uint64_t desc_pa2(struct env *e, uint64_t ipa, int level)
{
    struct msa_error err = {""};
    uint64_t a;
    ck_assert_msg(mmu_pgt_entry_addr(&e->s2, ipa, level, &a, &err) == 0, "%s", err.msg);
    return a;
}

static inline uint64_t peek(struct env *e, uint64_t pa)
{
    return e->ram[(pa - RAM_BASE) / 8];
}

static inline void poke(struct env *e, uint64_t pa, uint64_t v)
{
    e->ram[(pa - RAM_BASE) / 8] = v;
}

static inline bool xlate(struct env *e, uint64_t va, enum mmu_access type, unsigned el,
                         struct mmu_result *r)
{
    struct mmu_req req = {.va = va, .type = type, .el = (uint8_t)el};
    memset(r, 0xA5, sizeof *r);    /* stale fields must not pass for results */
    return mmu_translate(&e->tlb, &e->ctl, &e->bus, &req, r);
}

static inline void expect_fault(struct env *e, uint64_t va, enum mmu_access type, unsigned el,
                                enum mmu_fault_kind kind, unsigned stage, unsigned level)
{
    struct mmu_result r;
    ck_assert_msg(!xlate(e, va, type, el, &r), "0x%llx: expected a fault",
                  (unsigned long long)va);
    ck_assert_msg(r.kind == kind && r.stage == stage && r.level == level,
                  "0x%llx: fault %s stage %u level %u, expected %s stage %u level %u",
                  (unsigned long long)va, mmu_fault_kind_name(r.kind), r.stage, r.level,
                  mmu_fault_kind_name(kind), stage, level);
    static const uint8_t base[] = {0, 0x00, 0x04, 0x08, 0x0C, 0x14};
    ck_assert_uint_eq(r.fsc, base[kind] + level);
}

static inline uint64_t expect_pa(struct env *e, uint64_t va, enum mmu_access type, unsigned el)
{
    struct mmu_result r;
    ck_assert_msg(xlate(e, va, type, el, &r), "0x%llx: fault %s stage %u level %u",
                  (unsigned long long)va, mmu_fault_kind_name(r.kind), r.stage, r.level);
    return r.pa;
}

#endif
