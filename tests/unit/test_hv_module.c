/* Finding hypervisor modules: the built-in table, shared objects loaded
 * with dlopen (the example module), and the refusals: a module built for
 * another plug-in API version, a file that is not there, an unknown name. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "hv/hal.h"
#include "hv/hv.h"
#include "mpu/mpu.h"
#include "sim/platform.h"
#include "tests/unit/check_run.h"

#ifndef HV_TEST_SO_DIR
#define HV_TEST_SO_DIR "build"
#endif

START_TEST(builtin_table)
{
    const struct hv_module_ops *m = hv_find_module("xen-mpu");
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->api_version, HV_API_VERSION);
    ck_assert_str_eq(m->name, "xen-mpu");
    ck_assert_int_eq(m->profile, 'r');
    ck_assert_ptr_nonnull(m->boot);
    ck_assert_ptr_nonnull(m->map);
    ck_assert_ptr_nonnull(m->context_switch);
    ck_assert_ptr_nonnull(m->handle_trap);
    ck_assert_str_eq(hv_builtin_name(0), "xen-mpu");
    ck_assert_str_eq(hv_builtin_name(1), "xen-mmu");
    ck_assert_ptr_null(hv_builtin_name(2));
    ck_assert_ptr_null(hv_find_module("xen-nope"));

    const struct hv_module_ops *ops;
    void *h;
    struct msa_error err;
    ck_assert_int_eq(hv_module_resolve("xen-mpu", &ops, &h, &err), 0);
    ck_assert_ptr_eq(ops, m);
    ck_assert_ptr_null(h);
    ck_assert_int_eq(hv_module_resolve("xen-nope", &ops, &h, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--hv xen-nope: unknown module"));
    ck_assert_ptr_nonnull(strstr(err.msg, "xen-mpu"));
}
END_TEST

START_TEST(loads_shared_object)
{
    const struct hv_module_ops *ops;
    void *h;
    struct msa_error err;
    int rc = hv_module_resolve(HV_TEST_SO_DIR "/hv-example.so", &ops, &h, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(h);
    ck_assert_str_eq(ops->name, "example-flat");
    ck_assert_uint_eq(ops->api_version, HV_API_VERSION);
    ck_assert_uint_gt(ops->state_size, 0);
    hv_module_release(h);
}
END_TEST

START_TEST(refuses_version_mismatch)
{
    const struct hv_module_ops *ops = (const void *)1;
    void *h = (void *)1;
    struct msa_error err;
    ck_assert_int_eq(hv_module_resolve(HV_TEST_SO_DIR "/hv-example-badver.so", &ops, &h, &err), -1);
    ck_assert_ptr_null(ops);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(err.msg, "hv-example-badver.so"));
    ck_assert_ptr_nonnull(strstr(err.msg, "plug-in API version 999"));
    ck_assert_ptr_nonnull(strstr(err.msg, "implements version 1"));
}
END_TEST

START_TEST(refuses_missing_file)
{
    const struct hv_module_ops *ops;
    void *h;
    struct msa_error err;
    ck_assert_int_eq(hv_module_resolve("./no-such-module.so", &ops, &h, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "--hv ./no-such-module.so: cannot load"));
}
END_TEST

START_TEST(model_refuses_bad_module)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = HV_TEST_SO_DIR "/hv-example-badver.so";
    struct hv *hv = (void *)1;
    ck_assert_int_eq(hv_create(&cfg, p, NULL, &hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_null(hv);
    platform_free(p);
}
END_TEST

static unsigned nregions;
static void count(void *ctx, const struct hv_region_info *r)
{
    if (r->slot >= 0 && r->core == 0)
        nregions++;
}

START_TEST(boots_example_module)
{
    struct platform *p;
    struct msa_error err;
    ck_assert_int_eq(platform_load("fvp-r", &p, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = HV_TEST_SO_DIR "/hv-example.so";
    struct hv *hv;
    ck_assert_msg(hv_create(&cfg, p, NULL, &hv, &err) == HV_RUN_OK, "%s", err.msg);
    ck_assert_str_eq(hv_module(hv)->name, "example-flat");
    ck_assert_msg(hv_boot_run(hv, &err) == HV_RUN_OK, "%s", err.msg);
    /* Two RAM banks, the UART, the GIC distributor and redistributors. */
    nregions = 0;
    hv_regions(hv, count, NULL);
    ck_assert_uint_eq(nregions, 5);
    ck_assert_uint_eq(hv_check(hv, NULL, NULL), 0);
    /* Its writes reached the simulated MPU. */
    ck_assert(hv_core_mpus(hv, 3)->el2.effective[0].prlar & 1);
    /* A module option it does not take. */
    hv_destroy(hv);
    const char *opts[] = {"alloc=prenr"};
    cfg.options = opts;
    cfg.noptions = 1;
    ck_assert_int_eq(hv_create(&cfg, p, NULL, &hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "takes no options"));
    platform_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hv_module");
    TCase *t = tcase_create("modules");
    tcase_add_test(t, builtin_table);
    tcase_add_test(t, loads_shared_object);
    tcase_add_test(t, refuses_version_mismatch);
    tcase_add_test(t, refuses_missing_file);
    tcase_add_test(t, model_refuses_bad_module);
    tcase_add_test(t, boots_example_module);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(suite());
}
