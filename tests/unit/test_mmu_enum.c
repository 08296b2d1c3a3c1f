/* Enumeration of whole table trees (mmu_enum_el2, mmu_enum_s2): every
 * mapping once with its rights, every table page once, shared subtrees and
 * loops visited once, concatenated roots, AF = 0 and invalid entries left
 * out, read errors and the table cap reported. */
#include "tests/unit/check_run.h"
#include "tests/unit/test_mmu_env.h"

#define MAX_LEAVES 64

struct seen {
    struct mmu_enum_leaf leaf[MAX_LEAVES];
    unsigned nleaves, ntables;
    uint64_t table[MAX_LEAVES];
};

static void on_leaf(void *ctx, const struct mmu_enum_leaf *l)
{
    struct seen *s = ctx;
    ck_assert_uint_lt(s->nleaves, MAX_LEAVES);
    s->leaf[s->nleaves++] = *l;
}

static void on_table(void *ctx, uint64_t pa, int level)
{
    struct seen *s = ctx;
    ck_assert_uint_lt(s->ntables, MAX_LEAVES);
    s->table[s->ntables++] = pa;
    (void)level;
}

static const struct mmu_enum_leaf *find(const struct seen *s, uint64_t ia)
{
    for (unsigned i = 0; i < s->nleaves; i++)
        if (s->leaf[i].ia == ia)
            return &s->leaf[i];
    return NULL;
}

/* EL2 regime: 48-bit VAs, 4 KiB granule (walks start at level 0). */
static void el2_regs(struct env *e, struct mmu_ctl *ctl)
{
    memset(ctl, 0, sizeof *ctl);
    ctl->regime = MMU_REGIME_EL2;
    ctl->sctlr = MMU_SCTLR_M;
    ctl->tcr = MMU_TCR_T0SZ(16) | MMU_TCR_TG0_4K | MMU_TCR2_PS(5);
    ctl->ttbr0 = e->s1.root;
}

START_TEST(test_el2_tree)
{
    struct env *e = env_new();
    map1(e, 0x200000, DATA(0x200), 2, S1_RW);                       /* 2 MiB block */
    map1(e, 0x400000, DATA(1), 3, S1_RW | MMU_S1_AP_RO);            /* read-only page */
    map1(e, 0x401000, DATA(2), 3, S1_RW | MMU_S1_XN);               /* not executable */
    map1(e, 0x402000, DATA(3), 3, S1_RW & ~MMU_DESC_AF);             /* AF = 0: unusable */
    map1(e, 0x8000000000ull, DATA(4), 3, S1_RW);                    /* another L0 entry */
    struct mmu_ctl ctl;
    el2_regs(e, &ctl);
    struct seen s = {0};
    struct mmu_enum_visitor v = {.ctx = &s, .leaf = on_leaf, .table = on_table};
    struct mmu_enum_result r;
    ck_assert_int_eq(mmu_enum_el2(&ctl, &e->bus, &v, &r), 0);
    /* L0 root; L1 and L2 for the low VAs, one L3 at 0x400000; L1, L2, L3
     * for 0x80_0000_0000 */
    ck_assert_uint_eq(r.tables, 7);
    ck_assert_uint_eq(s.ntables, 7);
    ck_assert_uint_eq(r.tables_at_level[0], 1);
    ck_assert_uint_eq(r.tables_at_level[1], 2);
    ck_assert_uint_eq(r.tables_at_level[2], 2);
    ck_assert_uint_eq(r.tables_at_level[3], 2);
    ck_assert_uint_eq(r.read_errors, 0);
    ck_assert(!r.truncated);
    ck_assert_uint_eq(s.nleaves, 4);
    const struct mmu_enum_leaf *l = find(&s, 0x200000);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->oa, DATA(0x200));
    ck_assert_uint_eq(l->size, 2u << 20);
    ck_assert_uint_eq(l->level, 2);
    ck_assert_uint_eq(l->perm, MMU_ENUM_R | MMU_ENUM_W | MMU_ENUM_X);
    l = find(&s, 0x400000);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->perm, MMU_ENUM_R | MMU_ENUM_X);
    ck_assert_uint_eq(l->size, 4096);
    l = find(&s, 0x401000);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->perm, MMU_ENUM_R | MMU_ENUM_W);
    ck_assert_ptr_null(find(&s, 0x402000));
    l = find(&s, 0x8000000000ull);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->oa, DATA(4));
    env_free(e);
}
END_TEST

/* A table reachable from two entries, and an entry pointing back at the
 * root: each table page is read once, the walk ends. */
START_TEST(test_shared_and_looping_tables)
{
    struct env *e = env_new();
    map1(e, 0x1000, DATA(1), 3, S1_RW);
    struct msa_error err = {""};
    uint64_t l0_slot, l1_slot;
    ck_assert_int_eq(mmu_pgt_entry_addr(&e->s1, 0, 0, &l0_slot, &err), 0);
    ck_assert_int_eq(mmu_pgt_entry_addr(&e->s1, 0, 1, &l1_slot, &err), 0);
    uint64_t l0e, l1e;
    ck_assert_int_eq(env_read_pa(e, l0_slot, &l0e), 0);
    ck_assert_int_eq(env_read_pa(e, l1_slot, &l1e), 0);
    /* L0 entry 1 shares the level-1 table; level-1 entry 1 points at the
     * root as if it were a level-2 table */
    env_write_pa(e, l0_slot + 8, l0e);
    env_write_pa(e, l1_slot + 8, (e->s1.root & MMU_DESC_OA_MASK) | 3);
    struct mmu_ctl ctl;
    el2_regs(e, &ctl);
    struct seen s = {0};
    struct mmu_enum_visitor v = {.ctx = &s, .leaf = on_leaf, .table = on_table};
    struct mmu_enum_result r;
    ck_assert_int_eq(mmu_enum_el2(&ctl, &e->bus, &v, &r), 0);
    ck_assert_uint_eq(r.tables, 4);   /* root, L1, L2, L3: each once */
    ck_assert_uint_eq(s.nleaves, 1);
    ck_assert_uint_eq(s.leaf[0].ia, 0x1000);
    env_free(e);
}
END_TEST

/* Stage 2 with a concatenated root: 40-bit IPA from level 1 = two pages. */
START_TEST(test_stage2_concatenated)
{
    struct env *e = env_new();
    env_stage2(e, 40, 1, 2, 7, 0);
    map2(e, 0x0, DATA(0x200), 2, S2_RW);
    map2(e, 0x8000000000ull, DATA(5), 3, (S2_RW & ~MMU_S2AP_W) | MMU_S2_XN);   /* second root page */
    map2(e, 0x8000001000ull, DATA(6), 3, S2_RW & ~(MMU_S2AP_R | MMU_S2AP_W));  /* no access */
    struct seen s = {0};
    struct mmu_enum_visitor v = {.ctx = &s, .leaf = on_leaf, .table = on_table};
    struct mmu_enum_result r;
    ck_assert_int_eq(mmu_enum_s2(&e->ctl, &e->bus, &v, &r), 0);
    /* two root pages, the L2 table of the first GiB, and the L2 and L3
     * tables at 512 GiB */
    ck_assert_uint_eq(r.tables, 5);
    ck_assert_uint_eq(r.tables_at_level[1], 2);
    ck_assert_uint_eq(s.nleaves, 3);
    const struct mmu_enum_leaf *l = find(&s, 0);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->perm & (MMU_ENUM_R | MMU_ENUM_W), MMU_ENUM_R | MMU_ENUM_W);
    l = find(&s, 0x8000000000ull);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->perm, MMU_ENUM_R);
    ck_assert_uint_eq(l->oa, DATA(5));
    l = find(&s, 0x8000001000ull);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->perm & (MMU_ENUM_R | MMU_ENUM_W), 0);
    env_free(e);
}
END_TEST

START_TEST(test_errors_and_cap)
{
    struct env *e = env_new();
    map1(e, 0x1000, DATA(1), 3, S1_RW);
    map1(e, 0x40000000ull, DATA(2), 3, S1_RW);
    struct mmu_ctl ctl;
    el2_regs(e, &ctl);
    struct seen s = {0};
    struct mmu_enum_visitor v = {.ctx = &s, .leaf = on_leaf, .table = on_table, .max_tables = 3};
    struct mmu_enum_result r;
    ck_assert_int_eq(mmu_enum_el2(&ctl, &e->bus, &v, &r), 0);
    ck_assert(r.truncated);
    ck_assert_uint_eq(r.tables, 3);
    /* a table that cannot be read */
    uint64_t slot;
    struct msa_error err = {""};
    ck_assert_int_eq(mmu_pgt_entry_addr(&e->s1, 0x1000, 3, &slot, &err), 0);
    e->abort_pa = slot & ~0xFFFull;
    memset(&s, 0, sizeof s);
    v.max_tables = 0;
    ck_assert_int_eq(mmu_enum_el2(&ctl, &e->bus, &v, &r), 0);
    ck_assert_uint_eq(r.read_errors, 1);
    ck_assert(!r.truncated);
    ck_assert_uint_eq(s.nleaves, 1);   /* the other page is still found */
    /* registers that describe no tree */
    ctl.tcr = MMU_TCR_T0SZ(8) | MMU_TCR_TG0_4K | MMU_TCR2_PS(5);
    ck_assert_int_eq(mmu_enum_el2(&ctl, &e->bus, &v, &r), -1);
    env_free(e);
}
END_TEST

static Suite *enum_suite(void)
{
    Suite *s = suite_create("mmu_enum");
    TCase *tc = tcase_create("enum");
    tcase_add_test(tc, test_el2_tree);
    tcase_add_test(tc, test_shared_and_looping_tables);
    tcase_add_test(tc, test_stage2_concatenated);
    tcase_add_test(tc, test_errors_and_cap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(enum_suite());
}
