/* TLBs and their maintenance: hits after walks, stale entries until the
 * TLBI the architecture requires, invalid entries never cached, the scope
 * of every TLBI form (VA, ASID, VMID, all; global entries; stage 2; EL2),
 * broadcast forms, replacement, configuration errors and statistics. */
#include "tests/unit/check_run.h"
#include "tests/unit/test_mmu_env.h"

#define VA1 0x0000000012340000ull
#define VA2 0x0000000012341000ull

static enum mmu_hit hit_of(struct env *e, uint64_t va, enum mmu_access t)
{
    struct mmu_result r;
    ck_assert_msg(xlate(e, va, t, 1, &r), "0x%llx: fault %s level %u",
                  (unsigned long long)va, mmu_fault_kind_name(r.kind), r.level);
    return r.hit;
}

static bool cached(struct env *e, uint64_t va)
{
    return hit_of(e, va, MMU_ACC_READ) != MMU_HIT_WALK;
}

static void set_asid(struct env *e, uint16_t asid)
{
    e->ctl.ttbr0 = (e->ctl.ttbr0 & 0x0000FFFFFFFFFFFFull) | (uint64_t)asid << 48;
}

static void set_vmid(struct env *e, uint16_t vmid)
{
    e->ctl.vttbr = (e->ctl.vttbr & 0x0000FFFFFFFFFFFFull) | (uint64_t)vmid << 48;
}

START_TEST(test_hit_after_walk)
{
    struct env *e = env_new();
    map1(e, VA1, DATA(1), 3, S1_RW);
    ck_assert_int_eq(hit_of(e, VA1, MMU_ACC_READ), MMU_HIT_WALK);
    unsigned reads = e->reads;
    struct mmu_result r;
    ck_assert(xlate(e, VA1 + 0x10, MMU_ACC_WRITE, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_MICRO);
    ck_assert_uint_eq(r.walk_reads, 0);
    ck_assert_uint_eq(r.pa, DATA(1) + 0x10);
    ck_assert_uint_eq(e->reads, reads);
    /* instruction side: main TLB, then its own micro-TLB */
    ck_assert_int_eq(hit_of(e, VA1, MMU_ACC_EXEC), MMU_HIT_MAIN);
    ck_assert_int_eq(hit_of(e, VA1, MMU_ACC_EXEC), MMU_HIT_MICRO);
    const struct mmu_stats *st = &e->tlb.stats;
    ck_assert_uint_eq(st->translations, 4);
    ck_assert_uint_eq(st->hits[MMU_TLB_MICRO_D], 1);
    ck_assert_uint_eq(st->misses[MMU_TLB_MICRO_D], 1);
    ck_assert_uint_eq(st->hits[MMU_TLB_MICRO_I], 1);
    ck_assert_uint_eq(st->misses[MMU_TLB_MICRO_I], 1);
    ck_assert_uint_eq(st->hits[MMU_TLB_MAIN], 1);
    ck_assert_uint_eq(st->misses[MMU_TLB_MAIN], 1);
    ck_assert_uint_eq(st->fills[MMU_TLB_MAIN], 1);
    ck_assert_uint_eq(st->walks[MMU_WALK_S1], 1);
    ck_assert_uint_eq(st->walk_reads[MMU_WALK_S1], 4);
    ck_assert_uint_eq(st->fills[MMU_TLB_WALK], 3);
    env_free(e);
}
END_TEST

START_TEST(test_stale_until_tlbi)
{
    struct env *e = env_new();
    map1(e, VA1, DATA(1), 3, S1_RW);
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(1));
    uint64_t d = desc_pa1(e, VA1, 3);
    poke(e, d, DATA(2) | MMU_DESC_VALID | MMU_DESC_TABLE | S1_RW);
    /* the old translation stays in use: that is what the architecture allows */
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(1));
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_EXEC, 1), DATA(1));
    ck_assert_uint_gt(mmu_tlbi(&e->tlb, MMU_TLBI_VAE1, VA1 >> 12, 0, false), 0);
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(2));
    /* unmapping: still translated until the invalidation */
    poke(e, d, 0);
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(2));
    mmu_tlbi(&e->tlb, MMU_TLBI_VALE1IS, VA1 >> 12, 0, false);
    expect_fault(e, VA1, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 3);
    env_free(e);
}
END_TEST

START_TEST(test_invalid_never_cached)
{
    struct env *e = env_new();
    /* nothing mapped yet */
    expect_fault(e, VA1, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    map1(e, VA1, DATA(1), 3, S1_RW);
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(1));
    /* level-3 entry missing, then written: no TLBI needed */
    expect_fault(e, VA2, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 3);
    map1(e, VA2, DATA(2), 3, S1_RW & ~MMU_DESC_AF);
    expect_fault(e, VA2, MMU_ACC_READ, 1, MMU_FAULT_ACCESS_FLAG, 1, 3);
    poke(e, desc_pa1(e, VA2, 3), peek(e, desc_pa1(e, VA2, 3)) | MMU_DESC_AF);
    ck_assert_uint_eq(expect_pa(e, VA2, MMU_ACC_READ, 1), DATA(2));
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 2);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MICRO_D), 2);
    env_free(e);
}
END_TEST

START_TEST(test_asid_scopes)
{
    struct env *e = env_new();
    map1(e, VA1, DATA(1), 3, S1_RW | MMU_S1_NG);
    map1(e, VA2, DATA(2), 3, S1_RW);                  /* global */
    set_asid(e, 5);
    ck_assert(!cached(e, VA1));
    ck_assert(!cached(e, VA2));
    set_asid(e, 6);
    ck_assert(!cached(e, VA1));                        /* other ASID */
    ck_assert(cached(e, VA2));                         /* global entry shared */
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 3);

    /* ASIDE1: that ASID's non-global entries only: VA1 in the main and
     * micro TLBs, and the three tables walked under ASID 5 */
    ck_assert_uint_eq(mmu_tlbi(&e->tlb, MMU_TLBI_ASIDE1, 5ull << 48, 0, false), 5);
    ck_assert(cached(e, VA1));                         /* ASID 6 */
    ck_assert(cached(e, VA2));                         /* global survives */
    set_asid(e, 5);
    ck_assert(!cached(e, VA1));                        /* refilled for ASID 5 */

    /* VAE1: one VA, this ASID or global */
    mmu_tlbi(&e->tlb, MMU_TLBI_VAE1, 6ull << 48 | VA1 >> 12, 0, false);
    ck_assert(cached(e, VA1));                         /* ASID 5 kept */
    set_asid(e, 6);
    ck_assert(!cached(e, VA1));
    mmu_tlbi(&e->tlb, MMU_TLBI_VAE1, 9ull << 48 | VA2 >> 12, 0, false);
    ck_assert(!cached(e, VA2));                        /* global: any ASID matches */

    /* VAAE1: one VA, every ASID */
    mmu_tlbi(&e->tlb, MMU_TLBI_VAAE1, VA1 >> 12, 0, false);
    ck_assert(!cached(e, VA1));
    set_asid(e, 5);
    ck_assert(!cached(e, VA1));
    ck_assert(cached(e, VA2));
    env_free(e);
}
END_TEST

START_TEST(test_asid_width)
{
    struct env *e = env_new();
    map1(e, VA1, DATA(1), 3, S1_RW | MMU_S1_NG);
    set_asid(e, 0x105);                                /* AS = 0: ASID 0x05 */
    ck_assert(!cached(e, VA1));
    set_asid(e, 0x205);
    ck_assert(cached(e, VA1));
    mmu_tlbi(&e->tlb, MMU_TLBI_ASIDE1, 0x305ull << 48, 0, false);
    ck_assert(!cached(e, VA1));
    /* 16-bit ASIDs */
    e->ctl.tcr |= MMU_TCR_AS;
    mmu_tlb_flush_all(&e->tlb);
    set_asid(e, 0x105);
    ck_assert(!cached(e, VA1));
    set_asid(e, 0x205);
    ck_assert(!cached(e, VA1));
    ck_assert_uint_eq(mmu_tlbi(&e->tlb, MMU_TLBI_ASIDE1, 0x005ull << 48, 0, true), 0);
    ck_assert_uint_eq(mmu_ctl_asid(&e->ctl), 0x205);
    /* TCR_EL1.A1: the ASID comes from TTBR1 */
    e->ctl.tcr |= MMU_TCR_A1;
    e->ctl.ttbr1 = (e->ctl.ttbr1 & 0x0000FFFFFFFFFFFFull) | 0x77ull << 48;
    ck_assert_uint_eq(mmu_ctl_asid(&e->ctl), 0x77);
    env_free(e);
}
END_TEST

START_TEST(test_vmid_scopes)
{
    struct env *e = env_new();
    /* stage 2 off, yet EL1&0 entries are tagged with the VMID */
    map1(e, VA1, DATA(1), 3, S1_RW);
    map1(e, VA2, DATA(2), 3, S1_RW | MMU_S1_NG);
    set_vmid(e, 1);
    ck_assert(!cached(e, VA1));
    ck_assert(!cached(e, VA2));
    set_vmid(e, 2);
    ck_assert(!cached(e, VA1));
    ck_assert(!cached(e, VA2));
    ck_assert(cached(e, VA1));

    /* VMALLE1: current VMID only, global entries included */
    ck_assert_uint_eq(mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1IS, 0, 2, false) > 0, 1);
    ck_assert(!cached(e, VA1));
    set_vmid(e, 1);
    ck_assert(cached(e, VA1));
    ck_assert(cached(e, VA2));

    /* VA forms are per VMID too */
    mmu_tlbi(&e->tlb, MMU_TLBI_VAAE1IS, VA2 >> 12, 2, false);
    ck_assert(cached(e, VA2));

    /* ALLE1: every VMID */
    mmu_tlbi(&e->tlb, MMU_TLBI_ALLE1, 0, 1, false);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 0);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MICRO_D), 0);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_WALK), 0);
    env_free(e);
}
END_TEST

#define IPA_D 0x80003000ull

/* Stage 2 for VMIDs 1 and 2 over the same tables; stage-1 tables at
 * IPA == PA. */
static struct env *stage2_env(void)
{
    struct env *e = env_new();
    env_stage2(e, 40, 1, 2, 1, 0);
    map1(e, VA1, IPA_D, 3, S1_RW);
    env_map_s1_tables(e);
    map2(e, IPA_D, DATA(3), 3, S2_RW);
    return e;
}

START_TEST(test_vmalls12e1)
{
    struct env *e = stage2_env();
    for (uint16_t vmid = 1; vmid <= 2; vmid++) {
        set_vmid(e, vmid);
        ck_assert(!cached(e, VA1));
    }
    unsigned ipa_entries = mmu_tlb_count(&e->tlb, MMU_TLB_IPA);
    ck_assert_uint_gt(ipa_entries, 0);
    ck_assert_uint_eq(ipa_entries % 2, 0);      /* the same set per VMID */

    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLS12E1, 0, 1, false);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_IPA), ipa_entries / 2);
    ck_assert(cached(e, VA1));                  /* VMID 2 untouched */
    e->ctl.sctlr &= ~MMU_SCTLR_M;               /* stage 2 alone: IPA cache */
    ck_assert_int_eq(hit_of(e, IPA_D, MMU_ACC_READ), MMU_HIT_IPA);
    set_vmid(e, 1);
    ck_assert_int_eq(hit_of(e, IPA_D, MMU_ACC_READ), MMU_HIT_WALK);
    e->ctl.sctlr |= MMU_SCTLR_M;
    ck_assert(!cached(e, VA1));
    ck_assert_uint_eq(e->tlb.stats.tlbi_ops[MMU_TLBI_VMALLS12E1], 1);
    ck_assert_uint_gt(e->tlb.stats.tlbi_dropped[MMU_TLBI_VMALLS12E1], 0);
    env_free(e);
}
END_TEST

START_TEST(test_ipas2e1)
{
    struct env *e = stage2_env();
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(3));
    poke(e, desc_pa2(e, IPA_D, 3), DATA(4) | MMU_DESC_VALID | MMU_DESC_TABLE | S2_RW);
    mmu_tlbi(&e->tlb, MMU_TLBI_IPAS2E1IS, IPA_D >> 12, 1, false);
    /* the combined entry is a stage-1 entry: still the old output */
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(3));
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1IS, 0, 1, false);
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(4));

    /* stage 2 alone shows what each form leaves in the walk cache */
    e->ctl.sctlr &= ~MMU_SCTLR_M;
    struct mmu_result r;
    ck_assert(xlate(e, IPA_D, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_IPA);
    mmu_tlbi(&e->tlb, MMU_TLBI_IPAS2LE1, IPA_D >> 12, 1, false);
    ck_assert(xlate(e, IPA_D, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_WALK);
    ck_assert_uint_eq(r.walk_reads, 1);         /* level-2 table still cached */
    mmu_tlbi(&e->tlb, MMU_TLBI_IPAS2E1, IPA_D >> 12, 1, false);
    ck_assert(xlate(e, IPA_D, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 3);         /* levels 1, 2, 3 */
    /* another VMID's invalidation does not reach VMID 1 */
    mmu_tlbi(&e->tlb, MMU_TLBI_IPAS2E1, IPA_D >> 12, 2, false);
    ck_assert(xlate(e, IPA_D, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_IPA);
    env_free(e);
}
END_TEST

START_TEST(test_last_level_keeps_walk_cache)
{
    struct env *e = env_new();
    map1(e, VA1, DATA(1), 3, S1_RW);
    struct mmu_result r;
    ck_assert(xlate(e, VA1, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 4);
    mmu_tlbi(&e->tlb, MMU_TLBI_VALE1, VA1 >> 12, 0, false);
    ck_assert(xlate(e, VA1, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 1);
    mmu_tlbi(&e->tlb, MMU_TLBI_VAAE1, VA1 >> 12, 0, false);
    ck_assert(xlate(e, VA1, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 4);
    /* point VA1's level-2 entry at a new, empty level-3 table */
    map1(e, VA1 + 0x201000, DATA(2), 3, S1_RW);
    poke(e, desc_pa1(e, VA1, 2), peek(e, desc_pa1(e, VA1 + 0x201000, 2)));
    /* a last-level invalidation may leave the old table in use */
    mmu_tlbi(&e->tlb, MMU_TLBI_VALE1, VA1 >> 12, 0, false);
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(1));
    /* a non-last-level one does not */
    mmu_tlbi(&e->tlb, MMU_TLBI_VAAE1, VA1 >> 12, 0, false);
    expect_fault(e, VA1, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 3);
    env_free(e);
}
END_TEST

START_TEST(test_el2_entries)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    struct mmu_pgt pg;
    env_pgt(e, &pg, false);
    ck_assert(mmu_pgt_init_s1(&pg, 12, 48, &err) == 0);
    ck_assert(mmu_pgt_map(&pg, VA1, DATA(5), 3, S1_RW, &err) == 0);
    ck_assert(mmu_pgt_map(&pg, VA2, DATA(6), 3, S1_RW, &err) == 0);
    map1(e, VA1, DATA(1), 3, S1_RW);
    struct mmu_ctl el10 = e->ctl;
    struct mmu_ctl el2 = {
        .regime = MMU_REGIME_EL2, .sctlr = MMU_SCTLR_M | MMU_SCTLR_C,
        .tcr = MMU_TCR_T0SZ(16) | MMU_TCR2_PS(5), .ttbr0 = pg.root, .mair = TEST_MAIR,
    };
    e->ctl = el2;
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 2), DATA(5));
    ck_assert_uint_eq(expect_pa(e, VA2, MMU_ACC_READ, 2), DATA(6));
    e->ctl = el10;
    ck_assert_uint_eq(expect_pa(e, VA1, MMU_ACC_READ, 1), DATA(1));   /* not EL2's entry */

    mmu_tlbi(&e->tlb, MMU_TLBI_ALLE1, 0, 0, false);
    e->ctl = el2;
    ck_assert(cached(e, VA1));                  /* EL1&0 forms leave EL2 alone */
    mmu_tlbi(&e->tlb, MMU_TLBI_VAE2, VA1 >> 12, 0, false);
    ck_assert(!cached(e, VA1));
    ck_assert(cached(e, VA2));
    e->ctl = el10;
    ck_assert(!cached(e, VA1));
    mmu_tlbi(&e->tlb, MMU_TLBI_ALLE2IS, 0, 0, false);
    ck_assert(cached(e, VA1));                  /* EL2 forms leave EL1&0 alone */
    e->ctl = el2;
    ck_assert(!cached(e, VA2));
    env_free(e);
}
END_TEST

START_TEST(test_tlbi_decode_and_broadcast)
{
    /* tlbi ipas2e1is, x0 = 0xD50C8020: op1 4, CRn 8, CRm 0, op2 1 */
    uint32_t insn = 0xD50C8020;
    int op = mmu_tlbi_decode((insn >> 16) & 7, (insn >> 12) & 15, (insn >> 8) & 15,
                             (insn >> 5) & 7);
    ck_assert_int_eq(op, MMU_TLBI_IPAS2E1IS);
    ck_assert_int_eq(mmu_tlbi_decode(0, 8, 7, 0), MMU_TLBI_VMALLE1);
    ck_assert_int_eq(mmu_tlbi_decode(0, 8, 3, 1), MMU_TLBI_VAE1IS);
    ck_assert_int_eq(mmu_tlbi_decode(0, 8, 3, 2), MMU_TLBI_ASIDE1IS);
    ck_assert_int_eq(mmu_tlbi_decode(0, 8, 7, 7), MMU_TLBI_VAALE1);
    ck_assert_int_eq(mmu_tlbi_decode(4, 8, 7, 0), MMU_TLBI_ALLE2);
    ck_assert_int_eq(mmu_tlbi_decode(4, 8, 3, 5), MMU_TLBI_VALE2IS);
    ck_assert_int_eq(mmu_tlbi_decode(4, 8, 7, 4), MMU_TLBI_ALLE1);
    ck_assert_int_eq(mmu_tlbi_decode(4, 8, 3, 6), MMU_TLBI_VMALLS12E1IS);
    ck_assert_int_eq(mmu_tlbi_decode(4, 8, 4, 5), MMU_TLBI_IPAS2LE1);
    ck_assert_int_eq(mmu_tlbi_decode(4, 8, 0, 5), MMU_TLBI_IPAS2LE1IS);
    ck_assert_int_eq(mmu_tlbi_decode(6, 8, 7, 0), -1);     /* ALLE3: no EL3 */
    ck_assert_int_eq(mmu_tlbi_decode(0, 7, 7, 0), -1);
    ck_assert_str_eq(mmu_tlbi_name(MMU_TLBI_VMALLS12E1IS), "VMALLS12E1IS");
    for (int i = 0; i < MMU_TLBI_COUNT; i++) {
        const char *n = mmu_tlbi_name((enum mmu_tlbi_op)i);
        size_t len = strlen(n);
        bool is = len > 2 && strcmp(n + len - 2, "IS") == 0;
        ck_assert_int_eq(mmu_tlbi_is_broadcast((enum mmu_tlbi_op)i), is);
        ck_assert_uint_eq(mmu_tlbi_min_el((enum mmu_tlbi_op)i),
                          i <= MMU_TLBI_VAALE1IS ? 1u : 2u);
    }
    /* HCR_EL2.FB upgrades EL1's local forms */
    ck_assert(!mmu_tlbi_broadcasts(MMU_TLBI_VAE1, 1, 0));
    ck_assert(mmu_tlbi_broadcasts(MMU_TLBI_VAE1, 1, MMU_HCR_FB));
    ck_assert(!mmu_tlbi_broadcasts(MMU_TLBI_VAE1, 2, MMU_HCR_FB));
    ck_assert(!mmu_tlbi_broadcasts(MMU_TLBI_ALLE2, 1, MMU_HCR_FB));
    ck_assert(mmu_tlbi_broadcasts(MMU_TLBI_ALLE2IS, 2, 0));
}
END_TEST

START_TEST(test_broadcast_reaches_every_core)
{
    struct env *core[2] = {env_new(), env_new()};
    for (int c = 0; c < 2; c++) {
        map1(core[c], VA1, DATA(c), 3, S1_RW);
        ck_assert(!cached(core[c], VA1));
        ck_assert(cached(core[c], VA1));
    }
    /* core 0 executes TLBI VAE1IS: the caller applies it everywhere */
    enum mmu_tlbi_op op = MMU_TLBI_VAE1IS;
    ck_assert(mmu_tlbi_is_broadcast(op));
    uint16_t vmid = mmu_ctl_vmid(&core[0]->ctl);
    for (int c = 0; c < 2; c++)
        ck_assert_uint_gt(mmu_tlbi(&core[c]->tlb, op, VA1 >> 12, vmid, false), 0);
    for (int c = 0; c < 2; c++) {
        ck_assert(!cached(core[c], VA1));
        env_free(core[c]);
    }
}
END_TEST

START_TEST(test_replacement)
{
    for (int fifo = 0; fifo <= 1; fifo++) {
        struct mmu_tlb_config cfg;
        mmu_tlb_config_default(&cfg);
        cfg.geom[MMU_TLB_MICRO_D] = (struct mmu_tlb_geom){2, 2};
        cfg.geom[MMU_TLB_MAIN].entries = 0;
        cfg.geom[MMU_TLB_WALK].entries = 0;
        cfg.repl = fifo ? MMU_REPL_FIFO : MMU_REPL_LRU;
        struct env *e = env_new_cfg(&cfg);
        uint64_t a = VA1, b = VA1 + 0x1000, c = VA1 + 0x2000;
        map1(e, a, DATA(1), 3, S1_RW);
        map1(e, b, DATA(2), 3, S1_RW);
        map1(e, c, DATA(3), 3, S1_RW);
        ck_assert(!cached(e, a));
        ck_assert(!cached(e, b));
        ck_assert(cached(e, a));
        ck_assert(!cached(e, c));                /* evicts b (LRU) or a (FIFO) */
        ck_assert_uint_eq(e->tlb.stats.evictions[MMU_TLB_MICRO_D], 1);
        ck_assert(cached(e, fifo ? b : a));
        ck_assert(!cached(e, fifo ? a : b));
        env_free(e);
    }
}
END_TEST

START_TEST(test_set_associative_mixed_sizes)
{
    struct mmu_tlb_config cfg;
    mmu_tlb_config_default(&cfg);
    cfg.geom[MMU_TLB_MICRO_D].entries = 0;
    cfg.geom[MMU_TLB_MICRO_I].entries = 0;
    cfg.geom[MMU_TLB_MAIN] = (struct mmu_tlb_geom){8, 2};   /* 4 sets */
    struct env *e = env_new_cfg(&cfg);
    /* three pages in set 0 */
    for (int i = 0; i < 3; i++)
        map1(e, VA1 + (uint64_t)i * 0x4000, DATA(i), 3, S1_RW);
    map1(e, 0x40200000ull, RAM_BASE + 0x200000, 2, S1_RW);  /* a 2 MiB block, set 1 */
    ck_assert(!cached(e, 0x40200000ull + 0x12345));
    ck_assert(!cached(e, VA1));
    ck_assert(!cached(e, VA1 + 0x4000));
    ck_assert(cached(e, 0x40200000ull + 0x1FF000));          /* block entry found */
    ck_assert(cached(e, VA1));
    ck_assert(!cached(e, VA1 + 0x8000));                     /* evicts VA1 + 0x4000 */
    ck_assert(cached(e, VA1));
    ck_assert(!cached(e, VA1 + 0x4000));
    ck_assert_int_eq(hit_of(e, 0x40200000ull, MMU_ACC_READ), MMU_HIT_MAIN);
    env_free(e);
}
END_TEST

START_TEST(test_config_errors)
{
    struct mmu_tlb tlb;
    struct mmu_tlb_config cfg;
    struct msa_error err = {""};
    mmu_tlb_config_default(&cfg);
    cfg.geom[MMU_TLB_MAIN] = (struct mmu_tlb_geom){500, 4};
    ck_assert_int_eq(mmu_tlb_init(&tlb, &cfg, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--tlb-main"));
    ck_assert_ptr_nonnull(strstr(err.msg, "power of two"));
    mmu_tlb_config_default(&cfg);
    cfg.geom[MMU_TLB_WALK] = (struct mmu_tlb_geom){64, 0};
    ck_assert_int_eq(mmu_tlb_init(&tlb, &cfg, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--tlb-walk-cache"));
    mmu_tlb_config_default(&cfg);
    cfg.geom[MMU_TLB_MICRO_I] = (struct mmu_tlb_geom){MMU_TLB_MAX_ENTRIES * 2, 1};
    ck_assert_int_eq(mmu_tlb_init(&tlb, &cfg, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--tlb-micro-i"));
    mmu_tlb_config_default(&cfg);
    cfg.geom[MMU_TLB_IPA] = (struct mmu_tlb_geom){48, 32};
    ck_assert_int_eq(mmu_tlb_init(&tlb, &cfg, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--tlb-ipa-cache"));
    /* defaults: the Cortex-A53 figures */
    ck_assert_int_eq(mmu_tlb_init(&tlb, NULL, &err), 0);
    ck_assert_uint_eq(tlb.cfg.geom[MMU_TLB_MICRO_I].entries, 10);
    ck_assert_uint_eq(tlb.cfg.geom[MMU_TLB_MICRO_I].ways, 10);
    ck_assert_uint_eq(tlb.cfg.geom[MMU_TLB_MAIN].entries, 512);
    ck_assert_uint_eq(tlb.cfg.geom[MMU_TLB_MAIN].ways, 4);
    ck_assert_uint_eq(tlb.cfg.geom[MMU_TLB_WALK].entries, 64);
    ck_assert_uint_eq(tlb.cfg.geom[MMU_TLB_IPA].entries, 64);
    mmu_tlb_free(&tlb);
    ck_assert_str_eq(mmu_tlb_level_name(MMU_TLB_IPA), "ipa_cache");
    ck_assert_str_eq(mmu_walk_kind_name(MMU_WALK_S12), "stage1+2");
    ck_assert_str_eq(mmu_fault_kind_name(MMU_FAULT_ACCESS_FLAG), "access_flag");
}
END_TEST

START_TEST(test_statistics)
{
    struct env *e = env_new();
    map1(e, VA1, DATA(1), 3, S1_RW);
    map1(e, VA2, DATA(2), 3, S1_RW);
    cached(e, VA1);
    cached(e, VA2);                             /* walk cache: 1 read */
    cached(e, VA1);
    expect_fault(e, VA1 + 0x200000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 2);
    const struct mmu_stats *st = &e->tlb.stats;
    ck_assert_uint_eq(st->walks[MMU_WALK_S1], 3);
    ck_assert_uint_eq(st->walk_faults[MMU_WALK_S1], 1);
    ck_assert_uint_eq(st->walk_reads_hist[MMU_WALK_S1][4], 1);
    /* VA2: level-2 table cached, one read; the fault: level-1 table cached,
     * one read of the empty level-2 entry */
    ck_assert_uint_eq(st->walk_reads_hist[MMU_WALK_S1][1], 2);
    ck_assert_uint_eq(st->faults[0][MMU_FAULT_TRANSLATION], 1);
    unsigned n = mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1, 0, 0, false);
    ck_assert_uint_eq(st->tlbi_ops[MMU_TLBI_VMALLE1], 1);
    ck_assert_uint_eq(st->tlbi_dropped[MMU_TLBI_VMALLE1], n);
    ck_assert_uint_eq(st->tlbi_dropped_level[MMU_TLB_MAIN], 2);
    ck_assert_uint_eq(st->tlbi_dropped_level[MMU_TLB_MICRO_D], 2);
    ck_assert_uint_eq(st->tlbi_dropped_level[MMU_TLB_WALK], 3);
    ck_assert_uint_eq(n, 7);
    mmu_stats_reset(&e->tlb.stats);
    ck_assert_uint_eq(st->walks[MMU_WALK_S1], 0);
    env_free(e);
}
END_TEST

static Suite *tlb_suite(void)
{
    Suite *s = suite_create("mmu_tlb");
    TCase *tc = tcase_create("caching");
    tcase_add_test(tc, test_hit_after_walk);
    tcase_add_test(tc, test_stale_until_tlbi);
    tcase_add_test(tc, test_invalid_never_cached);
    tcase_add_test(tc, test_replacement);
    tcase_add_test(tc, test_set_associative_mixed_sizes);
    tcase_add_test(tc, test_config_errors);
    tcase_add_test(tc, test_statistics);
    suite_add_tcase(s, tc);

    tc = tcase_create("tlbi");
    tcase_add_test(tc, test_asid_scopes);
    tcase_add_test(tc, test_asid_width);
    tcase_add_test(tc, test_vmid_scopes);
    tcase_add_test(tc, test_vmalls12e1);
    tcase_add_test(tc, test_ipas2e1);
    tcase_add_test(tc, test_last_level_keeps_walk_cache);
    tcase_add_test(tc, test_el2_entries);
    tcase_add_test(tc, test_tlbi_decode_and_broadcast);
    tcase_add_test(tc, test_broadcast_reaches_every_core);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(tlb_suite());
}
