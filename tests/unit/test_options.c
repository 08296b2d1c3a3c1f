/* The option parser: values, bounds, choices, repeated options, and the
 * wording of its errors (they must name the option, the value and what is
 * accepted). */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/options.h"
#include "tests/unit/check_run.h"

struct test_opts {
    bool json;
    uint64_t regions;
    const char *platform;
    int profile;
    bool directmap;
    struct opt_list hv_opt;
};

static const char *const profiles[] = {"r", "a", NULL};

static const struct opt_spec specs[] = {
    {"json", OPT_FLAG, offsetof(struct test_opts, json), NULL, "json", 0, 0, NULL},
    {"mpu-regions", OPT_UINT, offsetof(struct test_opts, regions), "N", "regions", 1, 256, NULL},
    {"platform", OPT_STRING, offsetof(struct test_opts, platform), "P", "platform", 0, 0, NULL},
    {"profile", OPT_CHOICE, offsetof(struct test_opts, profile), NULL, "profile", 0, 0, profiles},
    {"directmap", OPT_ONOFF, offsetof(struct test_opts, directmap), NULL, "dm", 0, 0, NULL},
    {"hv-opt", OPT_LIST, offsetof(struct test_opts, hv_opt), "K=V", "opt", 0, 0, NULL},
    {0},
};

static int parse(struct test_opts *o, struct opt_result *res, struct msa_error *err, int argc, ...)
{
    char *argv[32];
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    memset(o, 0, sizeof *o);
    memset(err, 0, sizeof *err);
    bool help = false;
    int rc = opt_parse(specs, o, argc, argv, res, &help, "msasim test", err);
    return help ? 99 : rc;
}

START_TEST(values_in_both_spellings)
{
    struct test_opts o;
    struct opt_result r;
    struct msa_error e;
    ck_assert_int_eq(parse(&o, &r, &e, 8, "--json", "--mpu-regions=16", "--platform", "virt",
                           "--profile", "a", "--directmap=on", "prog.elf"), 0);
    ck_assert(o.json);
    ck_assert_uint_eq(o.regions, 16);
    ck_assert_str_eq(o.platform, "virt");
    ck_assert_int_eq(o.profile, 1);
    ck_assert(o.directmap);
    ck_assert_int_eq(r.npositional, 1);
    ck_assert_str_eq(r.positional[0], "prog.elf");
    ck_assert(opt_was_given(&r, "mpu-regions"));
    ck_assert(!opt_was_given(&r, "hv-opt"));
}
END_TEST

START_TEST(bounds_are_inclusive_and_enforced)
{
    struct test_opts o;
    struct opt_result r;
    struct msa_error e;
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=1"), 0);
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=256"), 0);
    ck_assert_uint_eq(o.regions, 256);
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=0"), -1);
    ck_assert_str_eq(e.msg, "msasim test: --mpu-regions: '0' is not accepted: expected an integer from 1 to 256");
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=257"), -1);
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=-1"), -1);
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=12x"), -1);
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--mpu-regions=0x20"), 0);
    ck_assert_uint_eq(o.regions, 32);
}
END_TEST

START_TEST(choices_and_onoff_name_what_is_accepted)
{
    struct test_opts o;
    struct opt_result r;
    struct msa_error e;
    ck_assert_int_eq(parse(&o, &r, &e, 2, "--profile", "m"), -1);
    ck_assert_str_eq(e.msg, "msasim test: --profile: 'm' is not accepted: expected one of r|a");
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--directmap=maybe"), -1);
    ck_assert_str_eq(e.msg, "msasim test: --directmap: 'maybe' is not accepted: expected on or off");
}
END_TEST

START_TEST(unknown_and_missing)
{
    struct test_opts o;
    struct opt_result r;
    struct msa_error e;
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--frobnicate"), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "unknown option '--frobnicate'"));
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--platform"), -1);
    ck_assert_str_eq(e.msg, "msasim test: --platform needs a value: P");
    ck_assert_int_eq(parse(&o, &r, &e, 1, "--json=yes"), -1);
    ck_assert_int_eq(parse(&o, &r, &e, 1, "-x"), -1);
    ck_assert_int_eq(parse(&o, &r, &e, 2, "--platform", "--help"), 0); /* a value, not a request for help */
    ck_assert_str_eq(o.platform, "--help");
    ck_assert_int_eq(parse(&o, &r, &e, 2, "--json", "--help"), 99);
}
END_TEST

START_TEST(lists_repeat_and_double_dash_ends_options)
{
    struct test_opts o;
    struct opt_result r;
    struct msa_error e;
    ck_assert_int_eq(parse(&o, &r, &e, 6, "--hv-opt", "a=1", "--hv-opt=b=2", "--", "--json", "x"), 0);
    ck_assert_int_eq(o.hv_opt.count, 2);
    ck_assert_str_eq(o.hv_opt.items[1], "b=2");
    ck_assert(!o.json);
    ck_assert_int_eq(r.npositional, 2);
    ck_assert_str_eq(r.positional[0], "--json");
}
END_TEST

START_TEST(number_syntax)
{
    uint64_t v;
    ck_assert_int_eq(opt_parse_u64("4k", &v), 0);
    ck_assert_uint_eq(v, 4096);
    ck_assert_int_eq(opt_parse_u64("2G", &v), 0);
    ck_assert_uint_eq(v, 2ULL << 30);
    ck_assert_int_eq(opt_parse_u64("18446744073709551615", &v), 0);
    ck_assert_int_eq(opt_parse_u64("18446744073709551616", &v), -1);
    ck_assert_int_eq(opt_parse_u64("17179869184G", &v), -1);
    ck_assert_int_eq(opt_parse_u64("", &v), -1);
    ck_assert_int_eq(opt_parse_u64(" 5", &v), -1);
    ck_assert_int_eq(opt_parse_u64("5kk", &v), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, values_in_both_spellings);
    tcase_add_test(tc, bounds_are_inclusive_and_enforced);
    tcase_add_test(tc, choices_and_onoff_name_what_is_accepted);
    tcase_add_test(tc, unknown_and_missing);
    tcase_add_test(tc, lists_repeat_and_double_dash_ends_options);
    tcase_add_test(tc, number_syntax);
    suite_add_tcase(s, tc);
    return check_run(s);
}
