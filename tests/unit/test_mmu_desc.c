/* Descriptor decoding, level geometry, memory-attribute combination and the
 * page-table writer's checks. */
#include "tests/unit/check_run.h"
#include "tests/unit/test_mmu_env.h"

START_TEST(test_decode_types_4k)
{
    struct mmu_desc d;
    mmu_desc_decode(0, 1, 12, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_INVALID);
    mmu_desc_decode(0x2, 3, 12, false, &d);             /* bit 0 clear */
    ck_assert_int_eq(d.type, MMU_DESC_INVALID);
    mmu_desc_decode(0x40001003ull, 0, 12, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_TABLE);
    ck_assert_uint_eq(d.oa, 0x40001000ull);
    mmu_desc_decode(0x40000001ull, 0, 12, false, &d);   /* no level-0 block */
    ck_assert_int_eq(d.type, MMU_DESC_RESERVED);
    mmu_desc_decode(0x40000001ull, 1, 12, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_BLOCK);
    ck_assert_uint_eq(d.out_shift, 30);
    mmu_desc_decode(0x40200001ull | 0x1F000, 2, 12, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_BLOCK);
    ck_assert_uint_eq(d.out_shift, 21);
    ck_assert_uint_eq(d.oa, 0x40200000ull);             /* RES0 low bits dropped */
    mmu_desc_decode(0x40201003ull, 3, 12, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_PAGE);
    ck_assert_uint_eq(d.out_shift, 12);
    mmu_desc_decode(0x40201001ull, 3, 12, false, &d);   /* 0b01 at level 3 */
    ck_assert_int_eq(d.type, MMU_DESC_RESERVED);
}
END_TEST

START_TEST(test_decode_types_16k_64k)
{
    struct mmu_desc d;
    mmu_desc_decode(0x40000001ull, 1, 14, false, &d);   /* no L1 block with 16K */
    ck_assert_int_eq(d.type, MMU_DESC_RESERVED);
    mmu_desc_decode(0x42000001ull, 2, 14, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_BLOCK);
    ck_assert_uint_eq(d.out_shift, 25);
    mmu_desc_decode(0x40004003ull, 2, 14, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_TABLE);
    ck_assert_uint_eq(d.oa, 0x40004000ull);
    mmu_desc_decode(0x40000001ull, 1, 16, false, &d);   /* no L1 block with 64K */
    ck_assert_int_eq(d.type, MMU_DESC_RESERVED);
    mmu_desc_decode(0x60000001ull, 2, 16, false, &d);
    ck_assert_uint_eq(d.out_shift, 29);
    mmu_desc_decode(0x40013003ull, 3, 16, false, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_PAGE);
    ck_assert_uint_eq(d.oa, 0x40010000ull);
}
END_TEST

START_TEST(test_decode_stage1_fields)
{
    struct mmu_desc d;
    uint64_t raw = 0x0000004321654000ull | MMU_DESC_VALID | MMU_DESC_TABLE |
                   MMU_S1_ATTRINDX(5) | MMU_S1_NS | MMU_S1_AP_RO | MMU_DESC_SH(2) |
                   MMU_DESC_AF | MMU_S1_NG | MMU_DESC_DBM | MMU_DESC_CONTIG | MMU_S1_PXN;
    mmu_desc_decode(raw, 3, 12, false, &d);
    ck_assert_uint_eq(d.oa, 0x0000004321654000ull);
    ck_assert_uint_eq(d.attrindx, 5);
    ck_assert(d.ns);
    ck_assert_uint_eq(d.ap, 2);
    ck_assert_uint_eq(d.sh, 2);
    ck_assert(d.af && d.ng && d.dbm && d.contig && d.pxn);
    ck_assert(!d.uxn);
    ck_assert_uint_eq(d.memattr, 0);                    /* stage-2 fields stay 0 */
    mmu_desc_decode(raw ^ MMU_S1_PXN ^ MMU_S1_UXN ^ MMU_S1_AP_EL0, 3, 12, false, &d);
    ck_assert(!d.pxn && d.uxn);
    ck_assert_uint_eq(d.ap, 3);

    uint64_t tbl = 0x40002003ull | MMU_TBL_PXN | MMU_TBL_AP_RO | MMU_TBL_NS;
    mmu_desc_decode(tbl, 1, 12, false, &d);
    ck_assert(d.pxn_table && !d.uxn_table && d.ns_table);
    ck_assert_uint_eq(d.ap_table, 2);
    /* stage-2 tables carry no attributes */
    mmu_desc_decode(tbl, 1, 12, true, &d);
    ck_assert(!d.pxn_table && !d.ns_table);
    ck_assert_uint_eq(d.ap_table, 0);
}
END_TEST

START_TEST(test_decode_stage2_fields)
{
    struct mmu_desc d;
    uint64_t raw = 0x40200000ull | MMU_DESC_VALID | MMU_S2_MEMATTR(0xF) | MMU_S2AP_R |
                   MMU_DESC_SH(3) | MMU_DESC_AF | MMU_S2_XN;
    mmu_desc_decode(raw, 2, 12, true, &d);
    ck_assert_int_eq(d.type, MMU_DESC_TYPE_BLOCK);
    ck_assert_uint_eq(d.memattr, 0xF);
    ck_assert_uint_eq(d.s2ap, 1);
    ck_assert_uint_eq(d.sh, 3);
    ck_assert(d.af && d.xn);
    ck_assert_uint_eq(d.attrindx, 0);                   /* stage-1 fields stay 0 */
    ck_assert(!d.ng);
}
END_TEST

START_TEST(test_geometry)
{
    ck_assert_uint_eq(mmu_level_shift(12, 0), 39);
    ck_assert_uint_eq(mmu_level_shift(12, 1), 30);
    ck_assert_uint_eq(mmu_level_shift(12, 2), 21);
    ck_assert_uint_eq(mmu_level_shift(12, 3), 12);
    ck_assert_uint_eq(mmu_level_shift(14, 0), 47);
    ck_assert_uint_eq(mmu_level_shift(14, 2), 25);
    ck_assert_uint_eq(mmu_level_shift(16, 1), 42);
    ck_assert_uint_eq(mmu_level_shift(16, 2), 29);
    ck_assert_uint_eq(mmu_contig_bits(12, 3), 4);       /* 16 x 4K = 64K */
    ck_assert_uint_eq(mmu_contig_bits(12, 2), 4);       /* 16 x 2M = 32M */
    ck_assert_uint_eq(mmu_contig_bits(14, 3), 7);       /* 128 x 16K = 2M */
    ck_assert_uint_eq(mmu_contig_bits(14, 2), 5);       /* 32 x 32M = 1G */
    ck_assert_uint_eq(mmu_contig_bits(16, 3), 5);       /* 32 x 64K = 2M */
    ck_assert_uint_eq(mmu_ps_bits(0), 32);
    ck_assert_uint_eq(mmu_ps_bits(2), 40);
    ck_assert_uint_eq(mmu_ps_bits(5), 48);
    ck_assert_uint_eq(mmu_ps_bits(6), 48);
}
END_TEST

START_TEST(test_mair_and_memattr)
{
    ck_assert_uint_eq(mmu_mair_attr(TEST_MAIR, AI_DEV), 0x00);
    ck_assert_uint_eq(mmu_mair_attr(TEST_MAIR, AI_WB), 0xFF);
    ck_assert_uint_eq(mmu_mair_attr(TEST_MAIR, AI_DEV_E), 0x04);
    ck_assert_uint_eq(mmu_mair_attr(0xFF000004EEAA4400ull, 7), 0xFF);   /* Xen's MAIR */
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0x0), 0x00);
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0x1), 0x04);
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0x3), 0x0C);
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0x5), 0x44);
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0xA), 0x88);
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0xF), 0xCC);
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0xD), 0xC4);   /* outer WB, inner NC */
    ck_assert_uint_eq(mmu_s2_memattr_to_mair(0x4), 0x44);   /* inner 00 reserved: NC */
    ck_assert(mmu_attr_is_device(0x0C));
    ck_assert(!mmu_attr_is_device(0x44));
}
END_TEST

START_TEST(test_combine_attr)
{
    static const struct { uint8_t s1, s2, out; } cases[] = {
        {0xFF, 0xCC, 0xFF},   /* WB + WB: stage 1's hints */
        {0xFF, 0x44, 0x44},   /* NC wins */
        {0x44, 0xCC, 0x44},
        {0xFF, 0x88, 0xBB},   /* WT with stage 1's RW hints */
        {0xAA, 0xCC, 0xAA},
        {0xEE, 0xC8, 0xEA},   /* inner WT, outer WB */
        {0x77, 0xCC, 0x77},   /* transient WB stays transient */
        {0x77, 0x88, 0x33},   /* transient WB with WT: transient WT */
        {0xFF, 0x00, 0x00},   /* Device beats Normal */
        {0x04, 0xFF, 0x04},
        {0x0C, 0x04, 0x04},   /* stricter Device type */
        {0x08, 0x0C, 0x08},
        {0x00, 0x0C, 0x00},
        {0xF4, 0xCC, 0xF4},   /* outer WB, inner NC */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(mmu_combine_attr(cases[i].s1, cases[i].s2) == cases[i].out,
                      "0x%02x + 0x%02x = 0x%02x, expected 0x%02x", cases[i].s1, cases[i].s2,
                      mmu_combine_attr(cases[i].s1, cases[i].s2), cases[i].out);
}
END_TEST

START_TEST(test_shareability)
{
    ck_assert_uint_eq(mmu_combine_sh(MMU_SH_NON, MMU_SH_INNER), MMU_SH_INNER);
    ck_assert_uint_eq(mmu_combine_sh(MMU_SH_INNER, MMU_SH_OUTER), MMU_SH_OUTER);
    ck_assert_uint_eq(mmu_combine_sh(MMU_SH_OUTER, MMU_SH_NON), MMU_SH_OUTER);
    ck_assert_uint_eq(mmu_combine_sh(MMU_SH_NON, MMU_SH_NON), MMU_SH_NON);
    ck_assert_uint_eq(mmu_effective_sh(0xFF, MMU_SH_INNER), MMU_SH_INNER);
    ck_assert_uint_eq(mmu_effective_sh(0xFF, MMU_SH_NON), MMU_SH_NON);
    ck_assert_uint_eq(mmu_effective_sh(0xFF, 1), MMU_SH_NON);        /* reserved */
    ck_assert_uint_eq(mmu_effective_sh(0x44, MMU_SH_INNER), MMU_SH_OUTER);
    ck_assert_uint_eq(mmu_effective_sh(0x04, MMU_SH_NON), MMU_SH_OUTER);
}
END_TEST

START_TEST(test_pgt_errors)
{
    struct env *e = env_new();
    struct msa_error err = {""};
    struct mmu_pgt pg;
    env_pgt(e, &pg, false);
    ck_assert_int_eq(mmu_pgt_init_s1(&pg, 13, 48, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "granule"));
    ck_assert_int_eq(mmu_pgt_init_s1(&pg, 12, 52, &err), -1);
    ck_assert_int_eq(mmu_pgt_init_s2(&pg, 12, 40, 0, &err), 0);   /* 2-entry root */
    ck_assert_int_eq(mmu_pgt_init_s2(&pg, 12, 40, 2, &err), -1);
    ck_assert_int_eq(mmu_pgt_init_s2(&pg, 12, 48, 1, &err), -1);   /* 2^9 root tables */
    ck_assert_ptr_nonnull(strstr(err.msg, "concatenated"));
    ck_assert_int_eq(mmu_pgt_init_s1(&pg, 12, 48, &err), 0);
    ck_assert_int_eq(mmu_pgt_map(&pg, 0x1000, 0x40000000ull, 0, S1_RW, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no block"));
    ck_assert_int_eq(mmu_pgt_map(&pg, 0x201000, 0x40000000ull, 2, S1_RW, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "aligned"));
    ck_assert_int_eq(mmu_pgt_map(&pg, 0x200000, 0x40000000ull, 2, S1_RW, &err), 0);
    ck_assert_int_eq(mmu_pgt_map(&pg, 0x201000, 0x40001000ull, 3, S1_RW, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "block"));
    uint64_t a;
    ck_assert_int_eq(mmu_pgt_entry_addr(&pg, 0x80000000ull, 3, &a, &err), -1);
    ck_assert_int_eq(mmu_pgt_table_bits(&pg, 0x200000, 2, MMU_TBL_PXN, &err), -1);
    env_free(e);
}
END_TEST

static Suite *desc_suite(void)
{
    Suite *s = suite_create("mmu_desc");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_decode_types_4k);
    tcase_add_test(tc, test_decode_types_16k_64k);
    tcase_add_test(tc, test_decode_stage1_fields);
    tcase_add_test(tc, test_decode_stage2_fields);
    tcase_add_test(tc, test_geometry);
    suite_add_tcase(s, tc);
    tc = tcase_create("attributes");
    tcase_add_test(tc, test_mair_and_memattr);
    tcase_add_test(tc, test_combine_attr);
    tcase_add_test(tc, test_shareability);
    suite_add_tcase(s, tc);
    tc = tcase_create("pgt");
    tcase_add_test(tc, test_pgt_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(desc_suite());
}
