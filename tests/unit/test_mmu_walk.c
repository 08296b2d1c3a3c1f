/* VMSAv8-64 walks against tables built in a test RAM: stage 1 (pages,
 * blocks, TTBR0/TTBR1, EPD, TBI, 16/64 KiB granules, EL2), every fault kind
 * at every level, permissions, stage 2 (concatenated roots, SL0), the
 * stage combination, S1PTW, the contiguous hint, AT/PAR_EL1, and Armv8-R
 * with the EL2 MPU as stage 2. */
#include "mpu/mpu.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_mmu_env.h"

#define VA_PAGE 0x0000123456789000ull

/* ---- stage 1: geometry ------------------------------------------------------- */

START_TEST(test_page_4k)
{
    struct env *e = env_new();
    map1(e, VA_PAGE, DATA(5), 3, S1_RW);
    struct mmu_result r;
    ck_assert(xlate(e, VA_PAGE + 0x123, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(5) + 0x123);
    ck_assert_uint_eq(r.ipa, r.pa);
    ck_assert_uint_eq(r.attr, 0xFF);
    ck_assert_uint_eq(r.sh, MMU_SH_INNER);
    ck_assert_uint_eq(r.page_shift, 12);
    ck_assert_uint_eq(r.walk_reads, 4);
    ck_assert_int_eq(r.hit, MMU_HIT_WALK);
    ck_assert_int_eq(r.kind, MMU_FAULT_NONE);
    ck_assert_uint_eq(e->reads, 4);
    ck_assert_uint_eq(e->tlb.stats.walks[MMU_WALK_S1], 1);
    ck_assert_uint_eq(e->tlb.stats.walk_reads_hist[MMU_WALK_S1][4], 1);
    env_free(e);
}
END_TEST

START_TEST(test_blocks)
{
    struct env *e = env_new();
    map1(e, 0x40000000ull, RAM_BASE, 1, S1_RW);          /* 1 GiB */
    map1(e, 0x80200000ull, RAM_BASE + 0x200000, 2, S1_RW); /* 2 MiB */
    struct mmu_result r;
    ck_assert(xlate(e, 0x40000000ull + 0x3456789, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, RAM_BASE + 0x3456789);
    ck_assert_uint_eq(r.page_shift, 30);
    ck_assert_uint_eq(r.walk_reads, 2);
    ck_assert(xlate(e, 0x80200000ull + 0x1FFFF8, MMU_ACC_WRITE, 1, &r));
    ck_assert_uint_eq(r.pa, RAM_BASE + 0x200000 + 0x1FFFF8);
    ck_assert_uint_eq(r.page_shift, 21);
    ck_assert_uint_eq(r.walk_reads, 2);     /* the level-0 table is in the walk cache */
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1, 0, 0, false);
    ck_assert(xlate(e, 0x80200000ull, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 3);
    env_free(e);
}
END_TEST

START_TEST(test_ttbr_split)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    /* 39-bit halves: walks start at level 1 */
    ck_assert(mmu_pgt_init_s1(&e->s1, 12, 39, &err) == 0);
    ck_assert(mmu_pgt_init_s1(&e->s1b, 12, 39, &err) == 0);
    e->ctl.ttbr0 = e->s1.root;
    e->ctl.ttbr1 = e->s1b.root;
    e->ctl.tcr = (e->ctl.tcr & ~0x3F003Full) | MMU_TCR_T0SZ(25) | MMU_TCR_T1SZ(25);
    uint64_t lo = 0x7FFFFFF000ull, hi = 0xFFFFFF8000001000ull;
    map1(e, lo, DATA(1), 3, S1_RW);
    map1(e, hi, DATA(2), 3, S1_RW);
    struct mmu_result r;
    ck_assert(xlate(e, lo + 8, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(1) + 8);
    ck_assert_uint_eq(r.walk_reads, 3);
    ck_assert(xlate(e, hi + 16, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(2) + 16);
    ck_assert_uint_eq(r.walk_reads, 3);
    /* the gap between the halves, and just below the TTBR1 range */
    expect_fault(e, 0x0000008000000000ull, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    expect_fault(e, 0xFFFFFF7FFFFFF000ull, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    env_free(e);
}
END_TEST

START_TEST(test_epd)
{
    struct env *e = env_new();
    uint64_t hi = 0xFFFF800000042000ull;
    map1(e, VA_PAGE, DATA(1), 3, S1_RW);
    map1(e, hi, DATA(2), 3, S1_RW);
    ck_assert_uint_eq(expect_pa(e, VA_PAGE, MMU_ACC_READ, 1), DATA(1));
    e->ctl.tcr |= MMU_TCR_EPD0;
    /* EPD0 stops walks, not TLB hits */
    ck_assert_uint_eq(expect_pa(e, VA_PAGE, MMU_ACC_READ, 1), DATA(1));
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1, 0, 0, false);
    expect_fault(e, VA_PAGE, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    ck_assert_uint_eq(expect_pa(e, hi, MMU_ACC_READ, 1), DATA(2));
    e->ctl.tcr = (e->ctl.tcr & ~MMU_TCR_EPD0) | MMU_TCR_EPD1;
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1, 0, 0, false);
    expect_fault(e, hi, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    ck_assert_uint_eq(expect_pa(e, VA_PAGE, MMU_ACC_READ, 1), DATA(1));
    env_free(e);
}
END_TEST

START_TEST(test_tbi)
{
    struct env *e = env_new();
    map1(e, VA_PAGE, DATA(3), 3, S1_RW);
    uint64_t tagged = VA_PAGE | 0x5A00000000000000ull;
    expect_fault(e, tagged, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    e->ctl.tcr |= MMU_TCR_TBI0;
    ck_assert_uint_eq(expect_pa(e, tagged + 4, MMU_ACC_READ, 1), DATA(3) + 4);
    /* the tag does not make a second TLB entry */
    struct mmu_result r;
    ck_assert(xlate(e, VA_PAGE, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_MICRO);
    env_free(e);
}
END_TEST

START_TEST(test_granule_16k)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    ck_assert(mmu_pgt_init_s1(&e->s1, 14, 47, &err) == 0);
    ck_assert_int_eq(e->s1.start_level, 1);
    e->ctl.ttbr0 = e->s1.root;
    e->ctl.tcr = (e->ctl.tcr & ~(0x3Full | 3ull << 14)) | MMU_TCR_T0SZ(17) | MMU_TCR_TG0_16K;
    map1(e, 0x123448000ull, DATA(8), 3, S1_RW);
    map1(e, 0x42000000ull, RAM_BASE + 0x2000000, 2, S1_RW);  /* 32 MiB block */
    struct mmu_result r;
    ck_assert(xlate(e, 0x123448000ull + 0x3FF8, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(8) + 0x3FF8);
    ck_assert_uint_eq(r.walk_reads, 3);
    ck_assert_uint_eq(r.page_shift, 14);
    ck_assert(xlate(e, 0x42000000ull + 0x1234567, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, RAM_BASE + 0x2000000 + 0x1234567);
    ck_assert_uint_eq(r.page_shift, 25);
    ck_assert_uint_eq(r.walk_reads, 1);     /* level-1 table from the walk cache */
    env_free(e);
}
END_TEST

START_TEST(test_granule_64k)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    ck_assert(mmu_pgt_init_s1(&e->s1, 16, 42, &err) == 0);
    ck_assert_int_eq(e->s1.start_level, 2);
    e->ctl.ttbr0 = e->s1.root;
    e->ctl.tcr = (e->ctl.tcr & ~(0x3Full | 3ull << 14)) | MMU_TCR_T0SZ(22) | MMU_TCR_TG0_64K;
    map1(e, 0x300010000ull, DATA(16), 3, S1_RW);
    map1(e, 0x20000000ull, RAM_BASE, 2, S1_RW);           /* 512 MiB block */
    struct mmu_result r;
    ck_assert(xlate(e, 0x300010000ull + 0xFFF0, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(16) + 0xFFF0);
    ck_assert_uint_eq(r.walk_reads, 2);
    ck_assert_uint_eq(r.page_shift, 16);
    ck_assert(xlate(e, 0x20000000ull + 0x1234567, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, RAM_BASE + 0x1234567);
    ck_assert_uint_eq(r.walk_reads, 1);
    ck_assert_uint_eq(r.page_shift, 29);
    env_free(e);
}
END_TEST

/* ---- stage 1: every fault at every level ---------------------------------------- */

static uint64_t va_l0(int n)
{
    return ((uint64_t)n << 39) + 0x40201000ull;
}

START_TEST(test_translation_fault_levels)
{
    struct env *e = env_new();
    uint64_t x = 0x40000000ull;
    map1(e, x, DATA(1), 3, S1_RW);
    expect_fault(e, x + 0x1000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 3);
    expect_fault(e, x + 0x200000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 2);
    expect_fault(e, x + 0x40000000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 1);
    expect_fault(e, x + (1ull << 39), MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    /* reserved encodings: 0b01 at level 3, a block at level 0 */
    map1(e, va_l0(2), DATA(2), 3, S1_RW);
    poke(e, desc_pa1(e, va_l0(2), 3), DATA(2) | MMU_DESC_VALID | S1_RW);
    expect_fault(e, va_l0(2), MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 3);
    map1(e, va_l0(3), DATA(3), 3, S1_RW);
    poke(e, desc_pa1(e, va_l0(3), 0), RAM_BASE | MMU_DESC_VALID | S1_RW);
    expect_fault(e, va_l0(3), MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    /* every fault went to EL1 and nothing was cached */
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 0);
    ck_assert_uint_eq(e->tlb.stats.faults[0][MMU_FAULT_TRANSLATION], 6);
    env_free(e);
}
END_TEST

START_TEST(test_txsz_out_of_range)
{
    struct env *e = env_new();
    map1(e, VA_PAGE, DATA(1), 3, S1_RW);
    e->ctl.tcr = (e->ctl.tcr & ~0x3Full) | MMU_TCR_T0SZ(12);
    expect_fault(e, 0x1000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    e->ctl.tcr = (e->ctl.tcr & ~0x3Full) | MMU_TCR_T0SZ(40);
    expect_fault(e, 0x1000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 1, 0);
    env_free(e);
}
END_TEST

START_TEST(test_address_size_fault_levels)
{
    struct env *e = env_new();
    e->ctl.tcr = (e->ctl.tcr & ~(7ull << 32)) | MMU_TCR_IPS(2);   /* 40-bit outputs */
    uint64_t far = 1ull << 42;
    for (int l = 0; l <= 3; l++) {
        uint64_t va = va_l0(l + 1);
        map1(e, va, DATA(l + 1), 3, S1_RW);
        uint64_t raw = far | MMU_DESC_VALID | MMU_DESC_TABLE | (l == 3 ? S1_RW : 0);
        poke(e, desc_pa1(e, va, l), raw);
        expect_fault(e, va, MMU_ACC_READ, 1, MMU_FAULT_ADDR_SIZE, 1, (unsigned)l);
    }
    /* a block whose output is too wide */
    uint64_t vb = va_l0(6) & ~0x3FFFFFFFull;
    map1(e, vb, RAM_BASE, 1, S1_RW);
    poke(e, desc_pa1(e, vb, 1), far | MMU_DESC_VALID | S1_RW);
    expect_fault(e, vb + 0x1234, MMU_ACC_READ, 1, MMU_FAULT_ADDR_SIZE, 1, 1);
    /* a TTBR beyond the output size */
    e->ctl.ttbr0 = far;
    expect_fault(e, 0x1000, MMU_ACC_READ, 1, MMU_FAULT_ADDR_SIZE, 1, 0);
    env_free(e);
}
END_TEST

START_TEST(test_access_flag_fault_levels)
{
    struct env *e = env_new();
    uint64_t noaf = S1_RW & ~MMU_DESC_AF;
    map1(e, va_l0(1) & ~0x3FFFFFFFull, RAM_BASE, 1, noaf);
    map1(e, va_l0(2) & ~0x1FFFFFull, RAM_BASE, 2, noaf);
    map1(e, va_l0(3), DATA(3), 3, noaf);
    expect_fault(e, va_l0(1), MMU_ACC_READ, 1, MMU_FAULT_ACCESS_FLAG, 1, 1);
    expect_fault(e, va_l0(2), MMU_ACC_WRITE, 1, MMU_FAULT_ACCESS_FLAG, 1, 2);
    expect_fault(e, va_l0(3), MMU_ACC_EXEC, 1, MMU_FAULT_ACCESS_FLAG, 1, 3);
    /* hardware AF update is not implemented: it keeps faulting */
    expect_fault(e, va_l0(3), MMU_ACC_READ, 1, MMU_FAULT_ACCESS_FLAG, 1, 3);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 0);
    env_free(e);
}
END_TEST

START_TEST(test_permission_fault_levels)
{
    struct env *e = env_new();
    uint64_t ro = S1_RW | MMU_S1_AP_RO;
    map1(e, va_l0(1) & ~0x3FFFFFFFull, RAM_BASE, 1, ro);
    map1(e, va_l0(2) & ~0x1FFFFFull, RAM_BASE, 2, ro);
    map1(e, va_l0(3), DATA(3), 3, ro);
    for (int l = 1; l <= 3; l++) {
        struct mmu_result r;
        ck_assert(!xlate(e, va_l0(l), MMU_ACC_WRITE, 1, &r));
        ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
        ck_assert_uint_eq(r.level, (unsigned)l);
        ck_assert_uint_eq(r.fsc, 0x0C + (unsigned)l);
        ck_assert(r.wnr);
        ck_assert(!r.is_instruction);
        ck_assert_uint_eq(r.target_el, 1);
        ck_assert_uint_eq(r.far, va_l0(l));
        ck_assert(!r.ipa_valid);
        ck_assert(xlate(e, va_l0(l), MMU_ACC_READ, 1, &r));
    }
    env_free(e);
}
END_TEST

START_TEST(test_external_abort_levels)
{
    struct env *e = env_new();
    map1(e, VA_PAGE, DATA(1), 3, S1_RW);
    uint64_t d[4];
    for (int l = 0; l <= 3; l++)
        d[l] = desc_pa1(e, VA_PAGE, l);
    for (int l = 0; l <= 3; l++) {
        e->abort_pa = d[l];
        expect_fault(e, VA_PAGE, MMU_ACC_READ, 1, MMU_FAULT_EXT_ABORT_WALK, 1, (unsigned)l);
    }
    e->abort_pa = ~0ull;
    ck_assert_uint_eq(expect_pa(e, VA_PAGE, MMU_ACC_READ, 1), DATA(1));
    env_free(e);
}
END_TEST

/* ---- stage 1: permissions -------------------------------------------------------- */

static bool ok_at(struct env *e, uint64_t va, enum mmu_access t, unsigned el, bool unpriv)
{
    struct mmu_req req = {.va = va, .type = t, .el = (uint8_t)el, .unprivileged = unpriv};
    struct mmu_result r;
    bool ok = mmu_translate(&e->tlb, &e->ctl, &e->bus, &req, &r);
    if (!ok)
        ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
    return ok;
}

START_TEST(test_ap_matrix)
{
    static const uint64_t ap[4] = {0, MMU_S1_AP_EL0, MMU_S1_AP_RO, MMU_S1_AP_RO | MMU_S1_AP_EL0};
    /* expected: EL1 R, EL1 W, EL0 R, EL0 W */
    static const bool want[4][4] = {
        {1, 1, 0, 0}, {1, 1, 1, 1}, {1, 0, 0, 0}, {1, 0, 1, 0},
    };
    struct env *e = env_new();
    for (int i = 0; i < 4; i++)
        map1(e, 0x10000000ull + (uint64_t)i * 0x1000, DATA(i), 3, S1_RW | ap[i]);
    for (int i = 0; i < 4; i++) {
        uint64_t va = 0x10000000ull + (uint64_t)i * 0x1000;
        ck_assert_int_eq(ok_at(e, va, MMU_ACC_READ, 1, false), want[i][0]);
        ck_assert_int_eq(ok_at(e, va, MMU_ACC_WRITE, 1, false), want[i][1]);
        ck_assert_int_eq(ok_at(e, va, MMU_ACC_READ, 0, false), want[i][2]);
        ck_assert_int_eq(ok_at(e, va, MMU_ACC_WRITE, 0, false), want[i][3]);
        /* LDTR/STTR at EL1 check as EL0 */
        ck_assert_int_eq(ok_at(e, va, MMU_ACC_READ, 1, true), want[i][2]);
        ck_assert_int_eq(ok_at(e, va, MMU_ACC_RMW, 1, true), want[i][2] && want[i][3]);
    }
    env_free(e);
}
END_TEST

START_TEST(test_xn_pxn_uxn_wxn)
{
    struct env *e = env_new();
    uint64_t base = 0x20000000ull;
    map1(e, base + 0x0000, DATA(0), 3, S1_RW | MMU_S1_AP_EL0 | MMU_S1_AP_RO | MMU_S1_UXN);
    map1(e, base + 0x1000, DATA(1), 3, S1_RW | MMU_S1_AP_EL0 | MMU_S1_AP_RO | MMU_S1_PXN);
    map1(e, base + 0x2000, DATA(2), 3, S1_RW | MMU_S1_AP_EL0);      /* EL0 writable */
    map1(e, base + 0x3000, DATA(3), 3, S1_RW);                       /* EL1 only */
    map1(e, base + 0x4000, DATA(4), 3, S1_RW | MMU_S1_AP_RO);
    ck_assert(!ok_at(e, base + 0x0000, MMU_ACC_EXEC, 0, false));
    ck_assert(ok_at(e, base + 0x0000, MMU_ACC_EXEC, 1, false));
    ck_assert(ok_at(e, base + 0x1000, MMU_ACC_EXEC, 0, false));
    ck_assert(!ok_at(e, base + 0x1000, MMU_ACC_EXEC, 1, false));
    /* writable at EL0 implies privileged execute-never */
    ck_assert(ok_at(e, base + 0x2000, MMU_ACC_EXEC, 0, false));
    ck_assert(!ok_at(e, base + 0x2000, MMU_ACC_EXEC, 1, false));
    /* execute-only at EL0: no data access, execution allowed */
    ck_assert(!ok_at(e, base + 0x3000, MMU_ACC_READ, 0, false));
    ck_assert(ok_at(e, base + 0x3000, MMU_ACC_EXEC, 0, false));
    ck_assert(ok_at(e, base + 0x3000, MMU_ACC_EXEC, 1, false));

    struct mmu_result r;
    ck_assert(!xlate(e, base + 0x1000, MMU_ACC_EXEC, 1, &r));
    ck_assert(r.is_instruction);
    ck_assert(!r.wnr);
    ck_assert_uint_eq(r.fsc, 0x0F);

    /* WXN, cached in TLB entries: new entries only */
    e->ctl.sctlr |= MMU_SCTLR_WXN;
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1, 0, 0, false);
    ck_assert(!ok_at(e, base + 0x3000, MMU_ACC_EXEC, 1, false));
    ck_assert(!ok_at(e, base + 0x2000, MMU_ACC_EXEC, 0, false));
    ck_assert(ok_at(e, base + 0x4000, MMU_ACC_EXEC, 1, false));
    env_free(e);
}
END_TEST

START_TEST(test_hierarchical)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    /* one 2 MiB region per table attribute, under its own level-2 entry */
    uint64_t rw0 = S1_RW | MMU_S1_AP_EL0;
    uint64_t va[4];
    for (int i = 0; i < 4; i++) {
        va[i] = 0x60000000ull + (uint64_t)i * 0x200000;
        map1(e, va[i], DATA(i), 3, rw0);
    }
    ck_assert(mmu_pgt_table_bits(&e->s1, va[0], 2, MMU_TBL_AP_NO_EL0, &err) == 0);
    ck_assert(mmu_pgt_table_bits(&e->s1, va[1], 2, MMU_TBL_AP_RO, &err) == 0);
    ck_assert(mmu_pgt_table_bits(&e->s1, va[2], 2, MMU_TBL_UXN, &err) == 0);
    ck_assert(mmu_pgt_table_bits(&e->s1, va[3], 2, MMU_TBL_PXN, &err) == 0);

    ck_assert(!ok_at(e, va[0], MMU_ACC_READ, 0, false));
    ck_assert(ok_at(e, va[0], MMU_ACC_WRITE, 1, false));
    ck_assert(!ok_at(e, va[1], MMU_ACC_WRITE, 1, false));
    ck_assert(!ok_at(e, va[1], MMU_ACC_WRITE, 0, false));
    ck_assert(ok_at(e, va[1], MMU_ACC_READ, 0, false));
    ck_assert(!ok_at(e, va[2], MMU_ACC_EXEC, 0, false));
    ck_assert(ok_at(e, va[2], MMU_ACC_READ, 0, false));
    /* PXNTable: privileged execution is off anyway (EL0-writable), so use a
     * fresh read-only page under the same table */
    map1(e, va[3] + 0x1000, DATA(9), 3, S1_RW | MMU_S1_AP_RO);
    ck_assert(!ok_at(e, va[3] + 0x1000, MMU_ACC_EXEC, 1, false));
    ck_assert(ok_at(e, va[3], MMU_ACC_EXEC, 0, false));
    /* the fault is reported at the leaf's level */
    struct mmu_result r;
    ck_assert(!xlate(e, va[1], MMU_ACC_WRITE, 1, &r));
    ck_assert_uint_eq(r.level, 3);
    env_free(e);
}
END_TEST

START_TEST(test_el2_regime)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    struct mmu_pgt pg;
    env_pgt(e, &pg, false);
    ck_assert(mmu_pgt_init_s1(&pg, 12, 48, &err) == 0);
    uint64_t base = 0x8000000ull;
    ck_assert(mmu_pgt_map(&pg, base, DATA(1), 3, S1_RW, &err) == 0);          /* AP[1] = 0 */
    ck_assert(mmu_pgt_map(&pg, base + 0x1000, DATA(2), 3, S1_RW | MMU_S1_AP_RO, &err) == 0);
    ck_assert(mmu_pgt_map(&pg, base + 0x2000, DATA(3), 3, S1_RW | MMU_S1_XN | MMU_S1_NG,
                          &err) == 0);
    e->ctl = (struct mmu_ctl){
        .regime = MMU_REGIME_EL2,
        .sctlr = MMU_SCTLR_M | MMU_SCTLR_C | MMU_SCTLR_I,
        .tcr = MMU_TCR_T0SZ(16) | MMU_TCR_TG0_4K | MMU_TCR2_PS(5),
        .ttbr0 = pg.root,
        .mair = TEST_MAIR,
        /* EL1&0 controls must not matter */
        .hcr = MMU_HCR_VM | MMU_HCR_TGE,
    };
    ck_assert(ok_at(e, base, MMU_ACC_WRITE, 2, false));
    ck_assert(ok_at(e, base, MMU_ACC_EXEC, 2, false));
    ck_assert(!ok_at(e, base + 0x1000, MMU_ACC_WRITE, 2, false));
    ck_assert(!ok_at(e, base + 0x2000, MMU_ACC_EXEC, 2, false));
    struct mmu_result r;
    ck_assert(!xlate(e, base + 0x1000, MMU_ACC_WRITE, 2, &r));
    ck_assert_uint_eq(r.target_el, 2);
    ck_assert_uint_eq(r.stage, 1);
    /* one VA range only */
    expect_fault(e, 0xFFFF800000000000ull, MMU_ACC_READ, 2, MMU_FAULT_TRANSLATION, 1, 0);
    /* WXN at EL2 */
    e->ctl.sctlr |= MMU_SCTLR_WXN;
    mmu_tlbi(&e->tlb, MMU_TLBI_ALLE2, 0, 0, false);
    ck_assert(!ok_at(e, base, MMU_ACC_EXEC, 2, false));
    env_free(e);
}
END_TEST

START_TEST(test_sctlr_c_i)
{
    struct env *e = env_new();
    map1(e, VA_PAGE, DATA(1), 3, S1_RW);
    map1(e, VA_PAGE + 0x1000, DATA(2), 3, S1_ATTR(AI_DEV_E));
    e->ctl.sctlr &= ~MMU_SCTLR_C;
    struct mmu_result r;
    ck_assert(xlate(e, VA_PAGE, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.attr, 0x44);
    ck_assert_uint_eq(r.sh, MMU_SH_OUTER);
    ck_assert(xlate(e, VA_PAGE, MMU_ACC_EXEC, 1, &r));
    ck_assert_uint_eq(r.attr, 0xFF);
    ck_assert(xlate(e, VA_PAGE + 0x1000, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.attr, 0x04);
    e->ctl.sctlr = MMU_SCTLR_M | MMU_SCTLR_C;
    ck_assert(xlate(e, VA_PAGE, MMU_ACC_EXEC, 1, &r));
    ck_assert_uint_eq(r.attr, 0x44);
    env_free(e);
}
END_TEST

START_TEST(test_stage1_off)
{
    struct env *e = env_new();
    e->ctl.sctlr = MMU_SCTLR_I;     /* M = 0 */
    struct mmu_result r;
    ck_assert(xlate(e, 0x12345678ull, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, 0x12345678ull);
    ck_assert_uint_eq(r.attr, 0x00);
    ck_assert_uint_eq(r.sh, MMU_SH_OUTER);
    ck_assert_int_eq(r.hit, MMU_HIT_OFF);
    ck_assert(xlate(e, 0x12345678ull, MMU_ACC_EXEC, 1, &r));
    ck_assert_uint_eq(r.attr, 0xAA);
    expect_fault(e, 1ull << 48, MMU_ACC_READ, 1, MMU_FAULT_ADDR_SIZE, 1, 0);
    /* TGE: EL0 runs with stage 1 off, and its faults go to EL2 */
    e->ctl.sctlr = MMU_SCTLR_M;
    e->ctl.hcr = MMU_HCR_TGE;
    ck_assert(xlate(e, 0x7000, MMU_ACC_READ, 0, &r));
    ck_assert_uint_eq(r.pa, 0x7000);
    ck_assert(!xlate(e, 1ull << 50, MMU_ACC_READ, 0, &r));
    ck_assert_uint_eq(r.target_el, 2);
    ck_assert_uint_eq(r.stage, 1);
    env_free(e);
}
END_TEST

/* ---- stage 2 ------------------------------------------------------------------- */

START_TEST(test_stage2_40bit_concatenated)
{
    struct env *e = env_new();
    env_stage2(e, 40, 1, 2, 7, 0);       /* T0SZ 24, SL0 1, PS 40 bits */
    ck_assert_uint_eq(e->ctl.vtcr & 0xFF, 24 | 1 << 6);
    ck_assert_uint_eq(e->s2.root & 0x1FFF, 0);      /* two pages, 8 KiB aligned */
    uint64_t ipa = 0x8040000000ull;                  /* bit 39: second root page */
    map2(e, ipa, DATA(7), 3, S2_RW);
    ck_assert_uint_eq(desc_pa2(e, ipa, 1), e->s2.root + 0x1000 + 1 * 8);
    map2(e, 0x3000, DATA(8), 3, S2_RW);
    ck_assert_uint_eq(desc_pa2(e, 0x3000, 1), e->s2.root);
    e->ctl.sctlr = 0;                                /* stage 1 off */
    struct mmu_result r;
    ck_assert(xlate(e, ipa + 0x123, MMU_ACC_WRITE, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(7) + 0x123);
    ck_assert_uint_eq(r.ipa, ipa + 0x123);
    ck_assert_uint_eq(r.walk_reads, 3);
    ck_assert_int_eq(r.hit, MMU_HIT_WALK);
    ck_assert_uint_eq(r.attr, 0x00);                 /* Device (stage 1 off) wins */
    ck_assert_uint_eq(expect_pa(e, 0x3008, MMU_ACC_READ, 1), DATA(8) + 8);
    ck_assert_uint_eq(e->tlb.stats.walks[MMU_WALK_S2], 2);
    /* the IPA cache answers the second access */
    ck_assert(xlate(e, ipa + 0x200, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_IPA);
    ck_assert_uint_eq(r.walk_reads, 0);
    /* beyond the 40-bit IPA space */
    ck_assert(!xlate(e, 1ull << 40, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_TRANSLATION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert_uint_eq(r.level, 0);
    ck_assert_uint_eq(r.target_el, 2);
    ck_assert(r.ipa_valid);
    ck_assert_uint_eq(r.fault_ipa, 1ull << 40);
    /* unmapped IPA inside the space: fault at the level that was empty */
    expect_fault(e, 0x5000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 2, 3);
    expect_fault(e, 0x7F00000000ull, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 2, 1);
    env_free(e);
}
END_TEST

START_TEST(test_stage2_48bit_sl0_2)
{
    struct env *e = env_new();
    env_stage2(e, 48, 0, 5, 1, 0);
    ck_assert_uint_eq((e->ctl.vtcr >> 6) & 3, 2);
    uint64_t ipa = 0x800012345000ull;
    map2(e, ipa, DATA(9), 3, S2_RW);
    e->ctl.sctlr = 0;
    struct mmu_result r;
    ck_assert(xlate(e, ipa + 4, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(9) + 4);
    ck_assert_uint_eq(r.walk_reads, 4);
    env_free(e);
}
END_TEST

START_TEST(test_stage2_bad_vtcr)
{
    struct env *e = env_new();
    env_stage2(e, 40, 1, 2, 1, 0);
    map2(e, 0x3000, DATA(8), 3, S2_RW);
    e->ctl.sctlr = 0;
    ck_assert_uint_eq(expect_pa(e, 0x3000, MMU_ACC_READ, 1), DATA(8));
    mmu_tlb_flush_all(&e->tlb);
    /* 40-bit IPA starting at level 2 would need 2^13 root tables */
    e->ctl.vtcr = (e->ctl.vtcr & ~(3ull << 6)) | MMU_VTCR_SL0(0);
    expect_fault(e, 0x3000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 2, 0);
    /* starting at level 0 needs a PA size of at least 44 bits */
    e->ctl.vtcr = (e->ctl.vtcr & ~(3ull << 6)) | MMU_VTCR_SL0(2);
    e->ctl.pa_bits = 40;
    expect_fault(e, 0x3000, MMU_ACC_READ, 1, MMU_FAULT_TRANSLATION, 2, 0);
    /* VTTBR beyond PS */
    e->ctl.pa_bits = 48;
    e->ctl.vtcr = (e->ctl.vtcr & ~(3ull << 6)) | MMU_VTCR_SL0(1);
    e->ctl.vttbr = (1ull << 41) | (e->ctl.vttbr & (0xFFFFull << 48));
    expect_fault(e, 0x3000, MMU_ACC_READ, 1, MMU_FAULT_ADDR_SIZE, 2, 0);
    env_free(e);
}
END_TEST

#define S1T_DELTA 0x100000000ull     /* stage-1 tables at IPA = PA + 4 GiB */
#define IPA_D     0x240003000ull

/* 4-level stage 1 nested in a 4-level stage 2 (48-bit IPA). */
static struct env *two_stage(const struct mmu_tlb_config *cfg)
{
    struct env *e = env_new_cfg(cfg);
    env_stage2(e, 48, 0, 5, 1, S1T_DELTA);
    map1(e, VA_PAGE, IPA_D, 3, S1_RW);
    map1(e, VA_PAGE + 0x1000, IPA_D + 0x1000, 3, S1_RW);
    env_map_s1_tables(e);
    map2(e, IPA_D, DATA(3), 3, S2_RW);
    map2(e, IPA_D + 0x1000, DATA(4), 3, S2_RW);
    return e;
}

START_TEST(test_two_stage_24_reads)
{
    struct mmu_tlb_config cfg;
    mmu_tlb_config_default(&cfg);
    cfg.geom[MMU_TLB_WALK].entries = 0;
    cfg.geom[MMU_TLB_IPA].entries = 0;
    struct env *e = two_stage(&cfg);
    struct mmu_result r;
    ck_assert(xlate(e, VA_PAGE + 0x10, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(3) + 0x10);
    ck_assert_uint_eq(r.ipa, IPA_D + 0x10);
    ck_assert_uint_eq(r.walk_reads, 24);
    ck_assert_uint_eq(e->reads, 24);
    ck_assert_uint_eq(e->tlb.stats.walks[MMU_WALK_S12], 1);
    ck_assert_uint_eq(e->tlb.stats.walk_reads_max[MMU_WALK_S12], 24);
    /* the neighbouring page costs the same without walk and IPA caches */
    ck_assert(xlate(e, VA_PAGE + 0x1010, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 24);
    env_free(e);
}
END_TEST

START_TEST(test_two_stage_caches)
{
    struct env *e = two_stage(NULL);
    struct mmu_result r;
    /* the caches already help within the first walk: the stage-1 tables sit
     * in one 2 MiB IPA region, so after the root (4 + 1 reads) each table
     * costs 1 stage-2 read (level-2 stage-2 table cached) + 1; the data
     * IPA shares the stage-2 level-0 table: 3 reads.  5 + 3 * 2 + 3 = 14 */
    ck_assert(xlate(e, VA_PAGE + 0x10, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.walk_reads, 14);
    /* stage-1 walk cache gives the level-3 table; the IPA cache knows its
     * page; the final IPA needs one stage-2 read below the cached level-2
     * stage-2 table */
    ck_assert(xlate(e, VA_PAGE + 0x1010, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(4) + 0x10);
    ck_assert_uint_eq(r.walk_reads, 2);
    ck_assert_uint_eq(e->tlb.stats.walks[MMU_WALK_S12], 2);
    ck_assert_uint_eq(e->tlb.stats.walk_reads[MMU_WALK_S12], 16);
    ck_assert_uint_gt(e->tlb.stats.hits[MMU_TLB_WALK], 0);
    ck_assert_uint_gt(e->tlb.stats.hits[MMU_TLB_IPA], 0);
    env_free(e);
}
END_TEST

START_TEST(test_stage2_fault_on_output)
{
    struct env *e = two_stage(NULL);
    uint64_t va = VA_PAGE + 0x5000, ipa = 0x300000000ull;
    map1(e, va, ipa, 3, S1_RW);
    struct mmu_result r;
    ck_assert(!xlate(e, va + 8, MMU_ACC_WRITE, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_TRANSLATION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert_uint_eq(r.level, 1);
    ck_assert(!r.s1ptw);
    ck_assert(r.wnr);
    ck_assert_uint_eq(r.target_el, 2);
    ck_assert(r.ipa_valid);
    ck_assert_uint_eq(r.fault_ipa, ipa + 8);
    ck_assert_uint_eq(r.far, va + 8);
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 0);
    env_free(e);
}
END_TEST

START_TEST(test_s1ptw_translation)
{
    struct env *e = two_stage(NULL);
    uint64_t va = 0x0000400000000000ull;       /* own L1/L2/L3 tables */
    map1(e, va, IPA_D, 3, S1_RW);
    env_map_s1_tables(e);
    /* unmap, at stage 2, the page holding va's level-3 table */
    uint64_t l3_ipa = (desc_pa1(e, va, 3) & ~0xFFFull) + S1T_DELTA;
    poke(e, desc_pa2(e, l3_ipa, 3), 0);
    struct mmu_result r;
    ck_assert(!xlate(e, va, MMU_ACC_WRITE, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_TRANSLATION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert_uint_eq(r.level, 3);
    ck_assert_uint_eq(r.fsc, 0x07);
    ck_assert(r.s1ptw);
    ck_assert(!r.wnr);
    ck_assert(r.ipa_valid);
    ck_assert_uint_eq(r.fault_ipa >> 12, l3_ipa >> 12);
    ck_assert_uint_eq(r.far, va);
    ck_assert_uint_eq(r.target_el, 2);
    ck_assert_uint_eq(e->tlb.stats.s1ptw_faults, 1);
    env_free(e);
}
END_TEST

START_TEST(test_s1ptw_permission)
{
    struct env *e = two_stage(NULL);
    uint64_t va = 0x0000400000000000ull;
    map1(e, va, IPA_D, 3, S1_RW);
    env_map_s1_tables(e);
    uint64_t l2_ipa = (desc_pa1(e, va, 2) & ~0xFFFull) + S1T_DELTA;
    uint64_t d = desc_pa2(e, l2_ipa, 3);
    poke(e, d, peek(e, d) & ~(MMU_S2AP_R | MMU_S2AP_W));
    struct mmu_result r;
    ck_assert(!xlate(e, va, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert(r.s1ptw);
    ck_assert_uint_eq(r.fault_ipa >> 12, l2_ipa >> 12);
    /* the IPA cache keeps the old permissions until an IPA invalidation */
    poke(e, d, (peek(e, d) | MMU_S2AP_R | MMU_S2AP_W) & ~MMU_S2_MEMATTR(15));
    ck_assert(!xlate(e, va, MMU_ACC_READ, 1, &r));
    mmu_tlbi(&e->tlb, MMU_TLBI_IPAS2E1IS, l2_ipa >> 12, 1, false);
    /* now a Device table, fine until HCR_EL2.PTW is set */
    ck_assert_uint_eq(expect_pa(e, va, MMU_ACC_READ, 1), DATA(3));
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLS12E1, 0, 1, false);
    e->ctl.hcr |= MMU_HCR_PTW;
    ck_assert(!xlate(e, va, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
    ck_assert(r.s1ptw);
    env_free(e);
}
END_TEST

START_TEST(test_stage2_permissions)
{
    struct env *e = two_stage(NULL);
    uint64_t va = VA_PAGE + 0x8000, ipa = IPA_D + 0x8000;
    map1(e, va, ipa, 3, S1_RW);
    map2(e, ipa, DATA(5), 3, (S2_RW & ~MMU_S2AP_W) | MMU_S2_XN);
    ck_assert_uint_eq(expect_pa(e, va, MMU_ACC_READ, 1), DATA(5));
    struct mmu_result r;
    ck_assert(!xlate(e, va + 4, MMU_ACC_WRITE, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert_uint_eq(r.level, 3);
    ck_assert_uint_eq(r.fault_ipa, ipa + 4);
    ck_assert(!r.s1ptw);
    ck_assert(r.wnr);
    ck_assert(!xlate(e, va, MMU_ACC_EXEC, 0, &r));
    ck_assert_uint_eq(r.stage, 2);
    ck_assert(r.is_instruction);
    /* a stage-1 permission fault comes first */
    map1(e, va + 0x1000, ipa + 0x1000, 3, S1_RW | MMU_S1_AP_RO);
    ck_assert(!xlate(e, va + 0x1000, MMU_ACC_WRITE, 1, &r));
    ck_assert_uint_eq(r.stage, 1);
    ck_assert_uint_eq(r.target_el, 1);
    env_free(e);
}
END_TEST

START_TEST(test_attr_combination)
{
    static const struct {
        unsigned ai;         /* stage-1 MAIR index */
        unsigned memattr;    /* stage-2 MemAttr */
        uint8_t attr, sh;
    } cases[] = {
        {AI_WB, MMU_S2_MEMATTR_WB, 0xFF, MMU_SH_INNER},
        {AI_WB, MMU_S2_MEMATTR_NC, 0x44, MMU_SH_OUTER},      /* cacheability: weakest */
        {AI_WB, MMU_S2_MEMATTR_WT, 0xBB, MMU_SH_INNER},
        {AI_WT, MMU_S2_MEMATTR_WB, 0xAA, MMU_SH_INNER},
        {AI_NC, MMU_S2_MEMATTR_WB, 0x44, MMU_SH_OUTER},
        {AI_WB, 0x0, 0x00, MMU_SH_OUTER},                   /* Device beats Normal */
        {AI_DEV_E, MMU_S2_MEMATTR_WB, 0x04, MMU_SH_OUTER},
        {AI_DEV_E, 0x0, 0x00, MMU_SH_OUTER},                /* stricter Device */
        {AI_DEV, MMU_S2_MEMATTR_DEVICE_nGnRE, 0x00, MMU_SH_OUTER},
    };
    struct env *e = two_stage(NULL);
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t va = 0x500000000ull + i * 0x1000ull, ipa = 0x340000000ull + i * 0x1000ull;
        map1(e, va, ipa, 3, MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) |
                            MMU_S1_ATTRINDX(cases[i].ai));
        map2(e, ipa, DATA(i), 3, MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) | MMU_S2AP_R |
                                 MMU_S2AP_W | MMU_S2_MEMATTR(cases[i].memattr));
        env_map_s1_tables(e);
        struct mmu_result r;
        ck_assert_msg(xlate(e, va, MMU_ACC_READ, 1, &r), "case %u", i);
        ck_assert_msg(r.attr == cases[i].attr, "case %u: attr 0x%02x, expected 0x%02x", i,
                      r.attr, cases[i].attr);
        ck_assert_msg(r.sh == cases[i].sh, "case %u: sh %u", i, r.sh);
    }
    env_free(e);
}
END_TEST

START_TEST(test_dc)
{
    struct env *e = two_stage(NULL);
    e->ctl.hcr = MMU_HCR_DC;       /* stage 1 off, stage 2 on, Normal WB */
    struct mmu_result r;
    ck_assert(xlate(e, IPA_D + 0x40, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(3) + 0x40);
    ck_assert_uint_eq(r.attr, 0xFF);
    ck_assert_uint_eq(r.sh, MMU_SH_INNER);
    env_free(e);
}
END_TEST

START_TEST(test_contiguous_hint)
{
    for (int hint = 0; hint <= 1; hint++) {
        struct mmu_tlb_config cfg;
        mmu_tlb_config_default(&cfg);
        cfg.contig_hint = hint;
        struct env *e = env_new_cfg(&cfg);
        uint64_t va = 0x100000ull;
        for (int i = 0; i < 16; i++)
            map1(e, va + (uint64_t)i * 0x1000, DATA(16 + i), 3, S1_RW | MMU_DESC_CONTIG);
        struct mmu_result r;
        ck_assert(xlate(e, va + 0x2000, MMU_ACC_READ, 1, &r));
        ck_assert_uint_eq(r.pa, DATA(18));
        ck_assert_uint_eq(r.page_shift, hint ? 16 : 12);
        ck_assert(xlate(e, va + 0xF008, MMU_ACC_READ, 1, &r));
        ck_assert_uint_eq(r.pa, DATA(31) + 8);
        ck_assert_int_eq(r.hit, hint ? MMU_HIT_MICRO : MMU_HIT_WALK);
        ck_assert_uint_eq(e->tlb.stats.contig_fills, hint ? 1 : 0);
        env_free(e);
    }
}
END_TEST

START_TEST(test_contiguous_hint_stage2)
{
    struct env *e = env_new();
    env_stage2(e, 40, 1, 2, 1, 0);
    for (int i = 0; i < 16; i++)
        map2(e, 0x7FF0000ull + (uint64_t)i * 0x1000, DATA(16 + i), 3, S2_RW | MMU_DESC_CONTIG);
    e->ctl.sctlr = 0;
    struct mmu_result r;
    ck_assert(xlate(e, 0x7FF3000ull, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_WALK);
    ck_assert_uint_eq(r.page_shift, 16);
    ck_assert(xlate(e, 0x7FFE010ull, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_IPA);
    ck_assert_uint_eq(r.pa, DATA(30) + 0x10);
    env_free(e);
}
END_TEST

/* ---- AT and PAR_EL1 ---------------------------------------------------------------- */

START_TEST(test_at_decode)
{
    ck_assert_int_eq(mmu_at_decode(0, 7, 8, 0), MMU_AT_S1E1R);
    ck_assert_int_eq(mmu_at_decode(0, 7, 8, 3), MMU_AT_S1E0W);
    ck_assert_int_eq(mmu_at_decode(4, 7, 8, 1), MMU_AT_S1E2W);
    ck_assert_int_eq(mmu_at_decode(4, 7, 8, 4), MMU_AT_S12E1R);
    ck_assert_int_eq(mmu_at_decode(4, 7, 8, 7), MMU_AT_S12E0W);
    ck_assert_int_eq(mmu_at_decode(0, 7, 9, 0), -1);
    ck_assert_int_eq(mmu_at_decode(4, 8, 8, 0), -1);
    ck_assert_int_eq(mmu_at_regime(MMU_AT_S1E2R), MMU_REGIME_EL2);
    ck_assert_int_eq(mmu_at_regime(MMU_AT_S12E1W), MMU_REGIME_EL10);
    ck_assert_uint_eq(mmu_at_min_el(MMU_AT_S12E1R), 2);
    ck_assert_uint_eq(mmu_at_min_el(MMU_AT_S1E0R), 1);
    ck_assert_str_eq(mmu_at_name(MMU_AT_S12E0R), "S12E0R");
}
END_TEST

START_TEST(test_at_stage1)
{
    struct env *e = env_new();
    map1(e, VA_PAGE, DATA(6), 3, S1_RW);
    map1(e, VA_PAGE + 0x1000, DATA(7), 3, S1_ATTR(AI_DEV_E) | MMU_S1_AP_RO);
    struct mmu_at_out o;
    uint64_t par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1R, VA_PAGE + 0x123, 1, &o);
    ck_assert(!o.take_exception);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_SH(MMU_SH_INNER) | DATA(6) |
                           MMU_PAR_ATTR(0xFF));
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1R, VA_PAGE + 0x1000, 1, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_SH(MMU_SH_OUTER) | DATA(7) |
                           MMU_PAR_ATTR(0x04));
    /* write to read-only: permission fault, level 3 */
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1W, VA_PAGE + 0x1000, 1, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_FST(0x0F));
    /* EL0 view of an EL1-only page */
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E0R, VA_PAGE, 1, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_FST(0x0F));
    /* unmapped: translation fault at level 3 */
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1R, VA_PAGE + 0x2000, 1, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_FST(0x07));
    /* AT neither fills nor uses the TLBs */
    ck_assert_uint_eq(mmu_tlb_count(&e->tlb, MMU_TLB_MAIN), 0);
    ck_assert_uint_eq(e->tlb.stats.at_ops[MMU_AT_S1E1R], 3);
    /* SCTLR_EL1.C = 0: Normal memory reported Non-cacheable, outer shareable */
    e->ctl.sctlr &= ~MMU_SCTLR_C;
    par = mmu_at(NULL, &e->ctl, &e->bus, MMU_AT_S1E1R, VA_PAGE, 1, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_SH(MMU_SH_OUTER) | DATA(6) |
                           MMU_PAR_ATTR(0x44));
    env_free(e);
}
END_TEST

START_TEST(test_at_two_stage)
{
    struct env *e = two_stage(NULL);
    struct mmu_at_out o;
    uint64_t par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1R, VA_PAGE + 0x10, 2, &o);
    ck_assert_uint_eq(par & MMU_PAR_PA_MASK, IPA_D);
    ck_assert_uint_eq(par & MMU_PAR_F, 0);
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S12E1R, VA_PAGE + 0x10, 2, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_SH(MMU_SH_INNER) | DATA(3) |
                           MMU_PAR_ATTR(0xFF));
    /* stage-2 fault on the output: S = 1, PTW = 0 */
    uint64_t va = VA_PAGE + 0x9000;
    map1(e, va, 0x300000000ull, 3, S1_RW);
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S12E1W, va, 2, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_S | MMU_PAR_FST(0x05));
    /* S1 form: the stage-1 walk succeeds, the IPA is reported */
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1W, va, 2, &o);
    ck_assert_uint_eq(par & (MMU_PAR_F | MMU_PAR_PA_MASK), 0x300000000ull);

    /* stage-2 fault on the stage-1 walk */
    uint64_t va2 = 0x0000400000000000ull;
    map1(e, va2, IPA_D, 3, S1_RW);
    env_map_s1_tables(e);
    uint64_t l3_ipa = (desc_pa1(e, va2, 3) & ~0xFFFull) + S1T_DELTA;
    poke(e, desc_pa2(e, l3_ipa, 3), 0);
    /* from EL2: reported in PAR_EL1 with PTW and S */
    par = mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E1R, va2, 2, &o);
    ck_assert(!o.take_exception);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_S | MMU_PAR_PTW |
                           MMU_PAR_FST(0x07));
    /* from EL1: a Data Abort to EL2 */
    mmu_at(&e->tlb, &e->ctl, &e->bus, MMU_AT_S1E0R, va2, 1, &o);
    ck_assert(o.take_exception);
    ck_assert(o.fault.s1ptw);
    ck_assert_uint_eq(o.fault.stage, 2);
    ck_assert_uint_eq(o.fault.target_el, 2);
    ck_assert_uint_eq(o.fault.fault_ipa >> 12, l3_ipa >> 12);
    env_free(e);
}
END_TEST

START_TEST(test_at_el2)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    struct mmu_pgt pg;
    env_pgt(e, &pg, false);
    ck_assert(mmu_pgt_init_s1(&pg, 12, 48, &err) == 0);
    ck_assert(mmu_pgt_map(&pg, 0x200000ull, RAM_BASE + 0x200000, 2, S1_RW, &err) == 0);
    struct mmu_ctl c = {
        .regime = MMU_REGIME_EL2,
        .sctlr = MMU_SCTLR_M | MMU_SCTLR_C,
        .tcr = MMU_TCR_T0SZ(16) | MMU_TCR2_PS(5),
        .ttbr0 = pg.root,
        .mair = TEST_MAIR,
    };
    struct mmu_at_out o;
    uint64_t par = mmu_at(&e->tlb, &c, &e->bus, MMU_AT_S1E2W, 0x2ABCDEull, 2, &o);
    ck_assert_uint_eq(par & MMU_PAR_PA_MASK, RAM_BASE + 0x2AB000);
    ck_assert_uint_eq(par & MMU_PAR_F, 0);
    par = mmu_at(&e->tlb, &c, &e->bus, MMU_AT_S1E2R, 0x400000ull, 2, &o);
    ck_assert_uint_eq(par, MMU_PAR_RES1 | MMU_PAR_F | MMU_PAR_FST(0x06));
    env_free(e);
}
END_TEST

/* ---- Armv8-R: VMSA stage 1 with the EL2 MPU as stage 2 ---------------------------- */

static void mpu_region(struct mpu_pair *pair, unsigned slot, uint64_t base, uint64_t limit,
                       unsigned ap, bool en)
{
    mpu_sysreg_write(pair, MPU_SYSREG_ENC(3, 4, 6, 2, 1), slot);
    mpu_sysreg_write(pair, MPU_SYSREG_ENC(3, 4, 6, 8, 0),
                     mpu_prbar(base, MPU_SH_INNER, ap, 0));
    mpu_sysreg_write(pair, MPU_SYSREG_ENC(3, 4, 6, 8, 1), mpu_prlar(limit, 1, en));
}

START_TEST(test_profile_r_mpu_stage2)
{
    struct env *e = env_new();
    static struct mpu_pair pair;
    struct msa_error err = {""};
    ck_assert_msg(mpu_pair_init(&pair, 16, 32, NULL, &err) == 0, "%s", err.msg);
    /* MAIR_EL2 idx1 = Normal WB */
    uint64_t mair_el2 = 0xFF00;
    mpu_region(&pair, 0, RAM_BASE, S1T_BASE - 1, MPU_AP_RW_ALL, true);      /* data */
    mpu_region(&pair, 1, S1T_BASE, S2T_BASE - 1, MPU_AP_RW_ALL, true);      /* tables */
    mpu_pair_context_sync(&pair, 0);
    struct mpu_ctl mctl;
    mpu_ctl_from_regs(&mctl, MMU_SCTLR_M, MMU_SCTLR_M, MMU_HCR_VM, 1ull << 31, TEST_MAIR,
                      mair_el2);
    struct mmu_mpu_stage2 s2 = {&pair, &mctl};
    e->ctl.hcr = MMU_HCR_VM;
    e->ctl.stage2 = mmu_stage2_mpu;
    e->ctl.stage2_ctx = &s2;
    e->ctl.vttbr = 3ull << 48;      /* VSCTLR_EL2.VMID */
    e->ctl.pa_bits = 40;
    e->ctl.tcr = (e->ctl.tcr & ~(7ull << 32)) | MMU_TCR_IPS(2);

    map1(e, VA_PAGE, DATA(4), 3, S1_RW);
    struct mmu_result r;
    ck_assert(xlate(e, VA_PAGE + 8, MMU_ACC_WRITE, 1, &r));
    ck_assert_uint_eq(r.pa, DATA(4) + 8);
    ck_assert_uint_eq(r.attr, 0xFF);
    ck_assert_uint_eq(r.page_shift, 12);
    ck_assert_uint_eq(r.walk_reads, 4);
    /* one MPU check per table read and one for the data */
    ck_assert_uint_eq(e->tlb.stats.stage2_calls, 5);
    ck_assert_uint_eq(e->tlb.stats.walks[MMU_WALK_S1], 1);

    /* the MPU is applied on every TLB hit: no TLBI needed after a change */
    mpu_region(&pair, 0, RAM_BASE, S1T_BASE - 1, MPU_AP_RW_PRIV, true);
    mpu_pair_context_sync(&pair, 1);
    ck_assert(!xlate(e, VA_PAGE + 8, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.hit, MMU_HIT_MICRO);
    ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert_uint_eq(r.level, 0);
    ck_assert_uint_eq(r.fsc, 0x0C);
    ck_assert(!r.s1ptw);
    ck_assert_uint_eq(r.target_el, 2);
    ck_assert_uint_eq(r.fault_ipa, DATA(4) + 8);
    mpu_region(&pair, 0, RAM_BASE, S1T_BASE - 1, MPU_AP_RW_ALL, true);

    /* tables outside every EL2 region: stage-2 fault on the walk */
    mpu_region(&pair, 1, S1T_BASE, S2T_BASE - 1, MPU_AP_RW_ALL, false);
    mpu_pair_context_sync(&pair, 2);
    mmu_tlbi(&e->tlb, MMU_TLBI_VMALLE1, 0, 3, false);
    ck_assert(!xlate(e, VA_PAGE, MMU_ACC_READ, 1, &r));
    ck_assert_int_eq(r.kind, MMU_FAULT_PERMISSION);
    ck_assert_uint_eq(r.stage, 2);
    ck_assert(r.s1ptw);
    ck_assert_uint_eq(r.fault_ipa, e->s1.root + ((VA_PAGE >> 39) & 511) * 8);
    ck_assert_uint_eq(r.target_el, 2);

    /* a region that covers only part of the page: not cacheable by the core */
    mpu_region(&pair, 1, S1T_BASE, S2T_BASE - 1, MPU_AP_RW_ALL, true);
    mpu_region(&pair, 0, RAM_BASE, DATA(4) + 0x7FF, MPU_AP_RW_ALL, true);
    mpu_region(&pair, 2, DATA(4) + 0x800, S1T_BASE - 1, MPU_AP_RW_ALL, true);
    mpu_pair_context_sync(&pair, 3);
    ck_assert(xlate(e, VA_PAGE + 8, MMU_ACC_READ, 1, &r));
    ck_assert_uint_eq(r.page_shift, 0);
    env_free(e);
}
END_TEST

static Suite *walk_suite(void)
{
    Suite *s = suite_create("mmu_walk");
    TCase *tc = tcase_create("stage1");
    tcase_add_test(tc, test_page_4k);
    tcase_add_test(tc, test_blocks);
    tcase_add_test(tc, test_ttbr_split);
    tcase_add_test(tc, test_epd);
    tcase_add_test(tc, test_tbi);
    tcase_add_test(tc, test_granule_16k);
    tcase_add_test(tc, test_granule_64k);
    tcase_add_test(tc, test_el2_regime);
    tcase_add_test(tc, test_sctlr_c_i);
    tcase_add_test(tc, test_stage1_off);
    suite_add_tcase(s, tc);

    tc = tcase_create("faults");
    tcase_add_test(tc, test_translation_fault_levels);
    tcase_add_test(tc, test_txsz_out_of_range);
    tcase_add_test(tc, test_address_size_fault_levels);
    tcase_add_test(tc, test_access_flag_fault_levels);
    tcase_add_test(tc, test_permission_fault_levels);
    tcase_add_test(tc, test_external_abort_levels);
    suite_add_tcase(s, tc);

    tc = tcase_create("permissions");
    tcase_add_test(tc, test_ap_matrix);
    tcase_add_test(tc, test_xn_pxn_uxn_wxn);
    tcase_add_test(tc, test_hierarchical);
    suite_add_tcase(s, tc);

    tc = tcase_create("stage2");
    tcase_add_test(tc, test_stage2_40bit_concatenated);
    tcase_add_test(tc, test_stage2_48bit_sl0_2);
    tcase_add_test(tc, test_stage2_bad_vtcr);
    tcase_add_test(tc, test_two_stage_24_reads);
    tcase_add_test(tc, test_two_stage_caches);
    tcase_add_test(tc, test_stage2_fault_on_output);
    tcase_add_test(tc, test_s1ptw_translation);
    tcase_add_test(tc, test_s1ptw_permission);
    tcase_add_test(tc, test_stage2_permissions);
    tcase_add_test(tc, test_attr_combination);
    tcase_add_test(tc, test_dc);
    tcase_add_test(tc, test_contiguous_hint);
    tcase_add_test(tc, test_contiguous_hint_stage2);
    suite_add_tcase(s, tc);

    tc = tcase_create("at");
    tcase_add_test(tc, test_at_decode);
    tcase_add_test(tc, test_at_stage1);
    tcase_add_test(tc, test_at_two_stage);
    tcase_add_test(tc, test_at_el2);
    suite_add_tcase(s, tc);

    tc = tcase_create("profile_r");
    tcase_add_test(tc, test_profile_r_mpu_stage2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(walk_suite());
}
