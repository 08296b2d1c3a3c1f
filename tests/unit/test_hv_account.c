/* Operation accounting (hv/hv_account.c): an operation's figures include
 * its sub-operations', map-kind operations count once however deeply they
 * nest, and an unbalanced end changes nothing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "tests/unit/check_run.h"

static struct platform *plat;
static struct stats *st;
static struct hv *hv;

static void setup(void)
{
    struct msa_error err = {{0}};
    ck_assert_msg(platform_load("fvp-r", &plat, &err) == 0, "%s", err.msg);
    st = stats_new();
    ck_assert_ptr_nonnull(st);
    struct hv_config cfg;
    hv_config_default(&cfg);
    ck_assert_msg(hv_create(&cfg, plat, st, &hv, &err) == HV_RUN_OK, "%s", err.msg);
}

static void teardown(void)
{
    hv_destroy(hv);
    stats_free(st);
    platform_free(plat);
}

/* Work charged to whatever operation is in progress: `steps` module steps
 * of `cycles` cycles in all. */
static void work(uint64_t steps, uint64_t cycles)
{
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->sw_steps += steps;
    hv_charge(hv, cycles, &acc->cyc_sw);
}

START_TEST(nested_operation_includes_its_children)
{
    struct hv_op_stats outer0 = hv->ops[HV_OP_CREATE_DOMAIN];
    struct hv_op_stats inner0 = hv->ops[HV_OP_P2M_UPDATE];
    uint64_t now0 = hv->now;

    hv_acc_op_begin(hv, HV_OP_CREATE_DOMAIN);
    work(1, 10);
    hv_acc_op_begin(hv, HV_OP_P2M_UPDATE);
    work(2, 100);
    hv_acc_op_end(hv, HV_OP_P2M_UPDATE, 0);
    work(4, 1000);
    hv_acc_op_begin(hv, HV_OP_P2M_UPDATE);
    work(8, 10000);
    hv_acc_op_end(hv, HV_OP_P2M_UPDATE, -1);
    hv_acc_op_end(hv, HV_OP_CREATE_DOMAIN, 0);

    const struct hv_op_stats *outer = &hv->ops[HV_OP_CREATE_DOMAIN];
    const struct hv_op_stats *inner = &hv->ops[HV_OP_P2M_UPDATE];
    ck_assert_uint_eq(hv->now - now0, 11110);
    ck_assert_uint_eq(outer->count - outer0.count, 1);
    ck_assert_uint_eq(outer->failures - outer0.failures, 0);
    ck_assert_uint_eq(outer->total.cycles - outer0.total.cycles, 11110);
    ck_assert_uint_eq(outer->total.sw_steps - outer0.total.sw_steps, 15);
    ck_assert_uint_eq(outer->total.cyc_sw - outer0.total.cyc_sw, 11110);
    ck_assert_uint_eq(inner->count - inner0.count, 2);
    ck_assert_uint_eq(inner->failures - inner0.failures, 1);
    ck_assert_uint_eq(inner->total.cycles - inner0.total.cycles, 10100);
    ck_assert_uint_eq(inner->total.sw_steps - inner0.total.sw_steps, 10);
    /* Figures of other kinds stay untouched. */
    ck_assert_uint_eq(outer->total.mpu_writes, outer0.total.mpu_writes);
    ck_assert_uint_eq(inner->total.cyc_mem, inner0.total.cyc_mem);

    /* One histogram sample per operation, its own cycles. */
    const struct stats_hist *h = stats_find_histogram(st, "hv.op.p2m_update.cycles");
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(stats_hist_count(h), inner->count);
    ck_assert_uint_eq(stats_hist_max(h), 10000);
    h = stats_find_histogram(st, "hv.op.create_domain.cycles");
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(stats_hist_max(h), 11110);
}
END_TEST

START_TEST(map_operations_count_once_when_nested)
{
    uint64_t ops0 = hv->map_ops, cycles0 = hv->map_cycles;

    /* A map inside a map: one map operation, the outer one's cycles. */
    hv_acc_op_begin(hv, HV_OP_MAP);
    work(0, 5);
    hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
    work(0, 7);
    hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, 0);
    hv_acc_op_end(hv, HV_OP_MAP, 0);
    ck_assert_uint_eq(hv->map_ops - ops0, 1);
    ck_assert_uint_eq(hv->map_cycles - cycles0, 12);

    /* A map inside an operation of another kind counts. */
    hv_acc_op_begin(hv, HV_OP_LOAD_DOMAIN);
    work(0, 3);
    hv_acc_op_begin(hv, HV_OP_COPY_FROM_PADDR);
    hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
    work(0, 20);
    hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, 0);
    hv_acc_op_end(hv, HV_OP_COPY_FROM_PADDR, 0);
    hv_acc_op_end(hv, HV_OP_LOAD_DOMAIN, 0);
    ck_assert_uint_eq(hv->map_ops - ops0, 2);
    ck_assert_uint_eq(hv->map_cycles - cycles0, 32);
}
END_TEST

START_TEST(unbalanced_end_is_ignored)
{
    unsigned depth0 = hv->depth;
    struct hv_op_stats map0 = hv->ops[HV_OP_MAP];
    struct hv_op_stats unmap0 = hv->ops[HV_OP_UNMAP];

    hv_acc_op_end(hv, HV_OP_MAP, 0);   /* nothing open */
    ck_assert_uint_eq(hv->depth, depth0);
    hv_acc_op_begin(hv, HV_OP_MAP);
    work(0, 9);
    hv_acc_op_end(hv, HV_OP_UNMAP, 0);   /* not the open one */
    ck_assert_uint_eq(hv->depth, depth0 + 1);
    ck_assert_uint_eq(hv->ops[HV_OP_UNMAP].count, unmap0.count);
    work(0, 1);
    hv_acc_op_end(hv, HV_OP_MAP, 0);
    ck_assert_uint_eq(hv->depth, depth0);
    ck_assert_uint_eq(hv->ops[HV_OP_MAP].count - map0.count, 1);
    ck_assert_uint_eq(hv->ops[HV_OP_MAP].total.cycles - map0.total.cycles, 10);
}
END_TEST

START_TEST(too_deep_nesting_folds_into_the_deepest_frame)
{
    unsigned depth0 = hv->depth;
    struct hv_op_stats trap0 = hv->ops[HV_OP_TRAP];
    unsigned open = 0;
    /* More begins than the stack holds: the ones beyond it are not frames,
     * so their work lands in the deepest frame. */
    for (unsigned i = 0; i < HV_OP_STACK + 2; i++) {
        hv_acc_op_begin(hv, HV_OP_TRAP);
        if (hv->depth > depth0 + open)
            open++;
    }
    ck_assert_uint_eq(hv->depth, HV_OP_STACK);
    work(0, 1);
    for (unsigned i = 0; i < open; i++)
        hv_acc_op_end(hv, HV_OP_TRAP, 0);
    ck_assert_uint_eq(hv->depth, depth0);
    ck_assert_uint_eq(hv->ops[HV_OP_TRAP].count - trap0.count, open);
    /* Every open frame saw the one cycle of work. */
    ck_assert_uint_eq(hv->ops[HV_OP_TRAP].total.cycles - trap0.total.cycles, open);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_account");
    TCase *tc = tcase_create("ops");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, nested_operation_includes_its_children);
    tcase_add_test(tc, map_operations_count_once_when_nested);
    tcase_add_test(tc, unbalanced_end_is_ignored);
    tcase_add_test(tc, too_deep_nesting_folds_into_the_deepest_frame);
    suite_add_tcase(s, tc);
    return check_run(s);
}
