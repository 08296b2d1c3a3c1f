/* Operation accounting and region pressure (hv/hv_account.c): an
 * operation's figures include its sub-operations', map-kind operations count
 * once however deeply they nest, an unbalanced end changes nothing, and each
 * ISB samples the region count and the holder of every slot that changed. */
#include <check.h>
#include <math.h>
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

START_TEST(map_kinds_are_the_documented_ones)
{
    static const enum hv_op maps[] = {
        HV_OP_MAP, HV_OP_UNMAP, HV_OP_MODIFY, HV_OP_IOREMAP, HV_OP_IOUNMAP,
        HV_OP_MAP_DOMAIN_PAGE, HV_OP_UNMAP_DOMAIN_PAGE, HV_OP_P2M_UPDATE,
        HV_OP_P2M_RESTORE, HV_OP_P2M_SAVE, HV_OP_PRENR_SWITCH,
    };
    for (unsigned op = 0; op < HV_OP_COUNT + 8; op++) {
        bool want = false;
        for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
            want |= maps[i] == (enum hv_op)op;
        ck_assert_msg(hv_op_is_map((enum hv_op)op) == want, "op %u (%s)", op,
                      hv_op_name((enum hv_op)op));
    }
}
END_TEST

/* The value of the last point of series `name`; NaN when absent or empty. */
static double last_value(const struct stats *s, const char *name)
{
    const struct stats_series *ser = stats_find_series(s, name);
    if (!ser || !stats_series_len(ser))
        return NAN;
    return stats_series_points(ser)[stats_series_len(ser) - 1].value;
}

static uint64_t appends(const struct stats *s, const char *name)
{
    const struct stats_series *ser = stats_find_series(s, name);
    return ser ? stats_series_count(ser) : 0;
}

/* An enabled region of 64 KiB at `slot` x 64 KiB. */
static void enable(struct hv *h, unsigned slot, enum hv_owner owner)
{
    uint64_t base = (uint64_t)slot << 16;
    hal_write_region(&h->hal, 0, slot, base, (base + 0xFFC0) | MPU_PRLAR_EN);
    hal_tag(&h->hal, 0, slot, owner, 0);
}

/* Region pressure at each ISB: the count, its peak and series, and the
 * holder of each slot that changed, in the first and a later word of the
 * slot bitmap; slots that did not change get no point. */
START_TEST(pressure_follows_the_slots_that_change)
{
    struct msa_error err = {{0}};
    struct stats *s = stats_new();
    ck_assert_ptr_nonnull(s);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.mpu_regions = 96;
    struct hv *h = NULL;
    ck_assert_msg(hv_create(&cfg, plat, s, &h, &err) == HV_RUN_OK, "%s", err.msg);
    const struct hv_pressure *p = &h->press[0];
    unsigned cur0 = p->cur;

    enable(h, 2, HV_OWNER_TEXT);
    enable(h, 70, HV_OWNER_HEAP);
    enable(h, 95, HV_OWNER_DEVICE);
    hal_isb(&h->hal, 0);
    ck_assert_uint_eq(p->cur, cur0 + 3);
    ck_assert_uint_ge(p->peak, cur0 + 3);
    ck_assert(last_value(s, "hv.core0.regions") == cur0 + 3);
    ck_assert(last_value(s, "hv.core0.slot.2.owner") == HV_OWNER_TEXT);
    ck_assert(last_value(s, "hv.core0.slot.70.owner") == HV_OWNER_HEAP);
    ck_assert(last_value(s, "hv.core0.slot.95.owner") == HV_OWNER_DEVICE);
    uint64_t n2 = appends(s, "hv.core0.slot.2.owner");
    uint64_t n95 = appends(s, "hv.core0.slot.95.owner");

    /* Slot 70 freed, slot 2 handed to another owner, slot 95 untouched. */
    hal_write_region(&h->hal, 0, 70, 0, 0);
    hal_tag(&h->hal, 0, 2, HV_OWNER_DATA, 0);
    hal_isb(&h->hal, 0);
    ck_assert_uint_eq(p->cur, cur0 + 2);
    ck_assert_uint_ge(p->peak, cur0 + 3);
    ck_assert(last_value(s, "hv.core0.regions") == cur0 + 2);
    ck_assert(last_value(s, "hv.core0.slot.70.owner") == 0);
    ck_assert(last_value(s, "hv.core0.slot.2.owner") == HV_OWNER_DATA);
    ck_assert_uint_eq(appends(s, "hv.core0.slot.2.owner"), n2 + 1);
    ck_assert_uint_eq(appends(s, "hv.core0.slot.95.owner"), n95);

    /* An ISB with nothing changed adds no point anywhere. */
    uint64_t nr = appends(s, "hv.core0.regions");
    hal_isb(&h->hal, 0);
    ck_assert_uint_eq(appends(s, "hv.core0.regions"), nr);
    ck_assert_uint_eq(appends(s, "hv.core0.slot.2.owner"), n2 + 1);
    hv_destroy(h);
    stats_free(s);
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
    tcase_add_test(tc, map_kinds_are_the_documented_ones);
    tcase_add_test(tc, pressure_follows_the_slots_that_change);
    suite_add_tcase(s, tc);
    return check_run(s);
}
