/* The core's integer instructions on assembled snippets: results and NZCV
 * flags of data processing, loads/stores in each addressing mode,
 * exclusives and LSE atomics (profile r has LSE, profile a does not). */
#include "tests/unit/test_cpu_testbench.h"
#include "tests/unit/check_run.h"

START_TEST(test_add_sub_flags)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "mov x1, #0x7fffffffffffffff\n adds x2, x1, #1\n mrs x10, nzcv\n"
               "mov w3, #0\n subs w4, w3, #1\n mrs x11, nzcv\n"
               "mov x5, #5\n cmp x5, #5\n mrs x12, nzcv\n"
               "mov x6, #-1\n adds x7, x6, #1\n mrs x13, nzcv\n"
               "adcs x8, xzr, xzr\n"
               "wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 2), 0x8000000000000000ull);
    ck_assert_uint_eq(X(t, 10) >> 28, 0x9);   /* N V */
    ck_assert_uint_eq(X(t, 4), 0xffffffff);
    ck_assert_uint_eq(X(t, 11) >> 28, 0x8);   /* N, borrow: C clear */
    ck_assert_uint_eq(X(t, 12) >> 28, 0x6);   /* Z C */
    ck_assert_uint_eq(X(t, 7), 0);
    ck_assert_uint_eq(X(t, 13) >> 28, 0x6);   /* Z C */
    ck_assert_uint_eq(X(t, 8), 1);            /* carry in */
    tb_free(t);
}
END_TEST

START_TEST(test_logic_bitfield)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "mov x0, #0x5555555555555555\n"
               "and x1, x0, #0xff00\n"
               "ubfx x2, x0, #4, #8\n"
               "sbfx x3, x0, #0, #3\n"
               "mov x4, #0xffff\n bfi x4, x0, #8, #4\n"
               "movz x5, #0x1234, lsl #16\n movk x5, #0xabcd\n"
               "extr x6, x0, x5, #16\n"
               "ands w7, w0, #0x80000000\n mrs x8, nzcv\n"
               "orr x9, xzr, #0x8000000000000000\n"
               "ror x10, x9, #3\n"
               "cls x11, x9\n clz w12, w5\n rbit w13, w4\n rev16 x14, x5\n"
               "wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 1), 0x5500);
    ck_assert_uint_eq(X(t, 2), 0x55);
    ck_assert_uint_eq(X(t, 3), (uint64_t)-3);     /* 0b101 sign extended */
    ck_assert_uint_eq(X(t, 4), 0xf5ff);
    ck_assert_uint_eq(X(t, 5), 0x1234abcd);
    ck_assert_uint_eq(X(t, 6), 0x5555000000001234ull);
    ck_assert_uint_eq(X(t, 7), 0);
    ck_assert_uint_eq(X(t, 8) >> 28, 0x4);        /* Z */
    ck_assert_uint_eq(X(t, 10), 0x1000000000000000ull);
    ck_assert_uint_eq(X(t, 11), 0);
    ck_assert_uint_eq(X(t, 12), 3);
    ck_assert_uint_eq(X(t, 13), 0xffaf0000);      /* rbit(0xf5ff) */
    ck_assert_uint_eq(X(t, 14), 0x3412cdab);
    tb_free(t);
}
END_TEST

START_TEST(test_mul_div_csel)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "mov x0, #-7\n mov x1, #3\n"
               "sdiv x2, x0, x1\n udiv x3, x1, xzr\n"
               "smulh x4, x0, x0\n umulh x5, x0, x0\n"
               "smull x6, w0, w1\n madd x7, x0, x1, x1\n"
               "cmp x0, x1\n csel x8, x0, x1, lt\n csinc x9, x0, x1, ge\n csneg x10, x0, x1, gt\n"
               "mov w11, #0xffffffff\n crc32cw w12, w11, w1\n"
               "wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 2), (uint64_t)-2);
    ck_assert_uint_eq(X(t, 3), 0);
    ck_assert_uint_eq(X(t, 4), 0);
    ck_assert_uint_eq(X(t, 5), 0xfffffffffffffff2ull);
    ck_assert_uint_eq(X(t, 6), (uint64_t)-21);
    ck_assert_uint_eq(X(t, 7), (uint64_t)-18);
    ck_assert_uint_eq(X(t, 8), (uint64_t)-7);
    ck_assert_uint_eq(X(t, 9), 4);
    ck_assert_uint_eq(X(t, 10), (uint64_t)-3);
    tb_free(t);
}
END_TEST

START_TEST(test_ldst_modes)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "ldr x0, =0x40020000\n"
               "ldr x1, =0x8877665544332211\n"
               "str x1, [x0]\n"
               "ldrsb x2, [x0, #7]\n ldrh w3, [x0, #2]\n ldursw x4, [x0, #4]\n"
               "mov x5, x0\n ldr w6, [x5, #4]!\n ldrb w7, [x5], #-3\n"
               "mov x8, #1\n ldrsh w9, [x0, x8, lsl #1]\n"
               "stp x1, x2, [x0, #16]!\n ldpsw x10, x11, [x0, #-16]\n"
               "add x0, x0, #0x100\n ldxr x12, [x0]\n stxr w13, x1, [x0]\n stxr w14, x1, [x0]\n"
               "ldr x15, [x0]\n"
               "wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 2), 0xffffffffffffff88ull);
    ck_assert_uint_eq(X(t, 3), 0x4433);
    ck_assert_uint_eq(X(t, 4), 0xffffffff88776655ull);
    ck_assert_uint_eq(X(t, 6), 0x88776655);
    ck_assert_uint_eq(X(t, 7), 0x55);
    ck_assert_uint_eq(X(t, 5), 0x40020001);
    ck_assert_uint_eq(X(t, 9), 0x4433);
    ck_assert_uint_eq(X(t, 10), 0x44332211);
    ck_assert_uint_eq(X(t, 11), 0xffffffff88776655ull);
    ck_assert_uint_eq(X(t, 0), 0x40020110);
    ck_assert_uint_eq(X(t, 13), 0);   /* first store-exclusive succeeds */
    ck_assert_uint_eq(X(t, 14), 1);   /* monitor consumed */
    ck_assert_uint_eq(X(t, 15), 0x8877665544332211ull);
    tb_free(t);
}
END_TEST

static const char *lse_src =
    "ldr x0, =0x40020000\n mov x1, #10\n str x1, [x0]\n"
    "mov x2, #5\n ldaddal x2, x3, [x0]\n"          /* x3 = 10, mem 15 */
    "mov x4, #15\n mov x5, #99\n casal x4, x5, [x0]\n"  /* match: mem 99, x4 = 15 */
    "mov x6, #1\n mov x7, #7\n cas x6, x7, [x0]\n"      /* no match: x6 = 99 */
    "mov x8, #-1\n ldsmax x8, x9, [x0]\n"          /* x9 = 99, mem stays 99 */
    "mov x10, #-1\n ldumax x10, x11, [x0]\n"       /* mem = -1 */
    "mov x12, #0x0f\n ldclr x12, x13, [x0]\n"       /* mem = ~0xf */
    "mov x14, #3\n swpal x14, x15, [x0]\n"           /* x15 = ~0xf, mem 3 */
    "add x16, x0, #16\n stp xzr, xzr, [x16]\n mov x18, #1\n mov x19, #2\n"
    "mov x20, #0\n mov x21, #0\n caspal x20, x21, x18, x19, [x16]\n ldp x22, x23, [x16]\n"
    "ldapr x24, [x0]\n"
    "wfi";

START_TEST(test_lse_profile_r)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_R);
    tb_load(t, lse_src);
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 3), 10);
    ck_assert_uint_eq(X(t, 4), 15);
    ck_assert_uint_eq(X(t, 6), 99);
    ck_assert_uint_eq(X(t, 9), 99);
    ck_assert_uint_eq(X(t, 11), 99);
    ck_assert_uint_eq(X(t, 13), ~0ull);
    ck_assert_uint_eq(X(t, 15), ~0xfull);
    ck_assert_uint_eq(X(t, 22), 1);
    ck_assert_uint_eq(X(t, 23), 2);
    ck_assert_uint_eq(X(t, 24), 3);
    tb_free(t);
}
END_TEST

START_TEST(test_lse_undefined_on_a57)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, lse_src);
    ck_assert_uint_eq(tb_run_to_vector(t), 0x200);   /* sync, current EL, SPx */
    ck_assert_uint_eq(tb_sr(t, ENC_ESR_EL2), 0x02000000);   /* EC 0: UNDEFINED */
    tb_free(t);
}
END_TEST

START_TEST(test_fp_moves)
{
    NEED_AS();
    struct tb *t = tb_new(CPU_PROFILE_A);
    tb_load(t, "ldr x0, =0x40020000\n movi v0.16b, #0xab\n str q0, [x0]\n"
               "ldr x1, [x0, #8]\n fmov d1, x1\n ins v1.d[1], x0\n umov x2, v1.d[1]\n"
               "dup v2.4s, w0\n mov x3, v2.d[1]\n"
               "wfi");
    tb_run_clean(t);
    ck_assert_uint_eq(X(t, 1), 0xababababababababull);
    ck_assert_uint_eq(X(t, 2), 0x40020000);
    ck_assert_uint_eq(X(t, 3), 0x4002000040020000ull);
    tb_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_isa");
    TCase *tc = tcase_create("isa");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_add_sub_flags);
    tcase_add_test(tc, test_logic_bitfield);
    tcase_add_test(tc, test_mul_div_csel);
    tcase_add_test(tc, test_ldst_modes);
    tcase_add_test(tc, test_lse_profile_r);
    tcase_add_test(tc, test_lse_undefined_on_a57);
    tcase_add_test(tc, test_fp_moves);
    suite_add_tcase(s, tc);
    return check_run(s);
}
