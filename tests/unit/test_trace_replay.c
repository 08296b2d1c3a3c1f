/* Unit tests for recording and replaying the hypervisor model's requests
 * (hv/hv_trace.h): a live boot recorded through the sink and replayed into
 * a fresh model gives the same figures and, recorded again, the same
 * events; under fewer regions the replay equals a live run that continues
 * on exhaustion; events that do not fit the platform are bad input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv.h"
#include "hv/hv_trace.h"
#include "sim/platform.h"
#include "tests/unit/check_run.h"
#include "tests/unit/trace_test_util.h"

/* Two cores, two direct-mapped domains (one with two vCPUs), a static
 * heap, small kernels and a ramdisk, so that a boot is a few hundred
 * events. */
static const char two_domains_dts[] =
    "/dts-v1/;\n"
    "/ {\n"
    "  #address-cells = <2>; #size-cells = <2>;\n"
    "  cpus { #address-cells = <1>; #size-cells = <0>;\n"
    "    cpu@0 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <0>; };\n"
    "    cpu@1 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <1>; };\n"
    "  };\n"
    "  memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x80000000>; };\n"
    "  uart@9c090000 { compatible = \"arm,pl011\"; reg = <0x0 0x9c090000 0x0 0x1000>; };\n"
    "  chosen {\n"
    "    #address-cells = <1>; #size-cells = <1>;\n"
    "    xen,static-heap = <0x0 0x50000000 0x0 0x10000000>;\n"
    "    domU1 { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
    "      cpus = <1>; memory = <0x0 0x40000>; direct-map;\n"
    "      xen,static-mem = <0x20000000 0x8000000>, <0x30000000 0x8000000>;\n"
    "      module@10000000 { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
    "        reg = <0x10000000 0x10000>; };\n"
    "      module@10100000 { compatible = \"multiboot,ramdisk\", \"multiboot,module\";\n"
    "        reg = <0x10100000 0x4800>; };\n"
    "    };\n"
    "    domU2 { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
    "      cpus = <2>; memory = <0x0 0x10000>; direct-map;\n"
    "      xen,static-mem = <0x40000000 0x4000000>;\n"
    "      module@18000000 { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
    "        reg = <0x18000000 0x8000>; };\n"
    "    };\n"
    "  };\n"
    "};\n";

static char dts_path[600];
static struct platform *plat;

static void setup(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dts_path, sizeof dts_path, "%s/msasim-trace-replay-XXXXXX.dts", base);
    int fd = mkstemps(dts_path, 4);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, two_domains_dts, strlen(two_domains_dts)),
                     (ssize_t)strlen(two_domains_dts));
    close(fd);
    struct msa_error err = {{0}};
    ck_assert_msg(platform_load(dts_path, &plat, &err) == 0, "%s", err.msg);
}

static void teardown(void)
{
    platform_free(plat);
    unlink(dts_path);
}

struct evlist {
    struct hv_event *ev;
    size_t n, cap;
};

static void collect(void *ctx, const struct hv_event *ev)
{
    struct evlist *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->ev = realloc(l->ev, l->cap * sizeof *l->ev);
        ck_assert_ptr_nonnull(l->ev);
    }
    l->ev[l->n++] = *ev;
}

static struct hv *make(unsigned regions, bool cont)
{
    struct hv_config cfg;
    hv_config_default(&cfg);
    static const char *const opts[] = {"device=domU1:0x9c0a0000+0x1000"};
    cfg.options = opts;
    cfg.noptions = 1;
    cfg.mpu_regions = regions;
    cfg.continue_on_exhaustion = cont;
    struct hv *hv;
    struct msa_error err = {{0}};
    ck_assert_msg(hv_create(&cfg, plat, NULL, &hv, &err) == HV_RUN_OK, "%s", err.msg);
    return hv;
}

static void assert_same_summary(struct hv *x, struct hv *y)
{
    struct hv_summary a, b;
    hv_summary(x, &a);
    hv_summary(y, &b);
    ck_assert_uint_eq(a.regions_peak, b.regions_peak);
    ck_assert_uint_eq(a.regions_boot_peak, b.regions_boot_peak);
    ck_assert_uint_eq(a.regions_runtime_peak, b.regions_runtime_peak);
    ck_assert_uint_eq(a.regions_used, b.regions_used);
    ck_assert_uint_eq(a.region_failures, b.region_failures);
    ck_assert_uint_eq(a.map_ops, b.map_ops);
    ck_assert_uint_eq(a.map_cycles, b.map_cycles);
    ck_assert_uint_eq(a.map_domain_page_ops, b.map_domain_page_ops);
    ck_assert_uint_eq(a.context_switches, b.context_switches);
    ck_assert_uint_eq(a.cycles, b.cycles);
    ck_assert_uint_eq(a.el2_faults, b.el2_faults);
    ck_assert_uint_eq(a.consistency_errors, b.consistency_errors);
    ck_assert(a.regions_mean == b.regions_mean);
}

static int replay_all(struct hv *hv, const struct evlist *l, struct msa_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        int st = hv_replay_event(hv, &l->ev[i], err);
        if (st)
            return st;
    }
    return hv_replay_finish(hv, err);
}

START_TEST(test_record_then_replay_is_exact)
{
    struct evlist rec = {0}, again = {0};
    struct hv *live = make(32, false);
    hv_set_event_sink(live, collect, &rec);
    struct msa_error err = {{0}};
    ck_assert_msg(hv_boot_run(live, &err) == HV_RUN_OK, "%s", err.msg);
    /* Every kind the boot path makes is there (guest accesses come from
     * guests only: tests/cli/trace_run.sh). */
    bool seen[HV_EV_KIND_COUNT] = {false};
    for (size_t i = 0; i < rec.n; i++)
        seen[rec.ev[i].kind] = true;
    for (unsigned k = 0; k < HV_EV_KIND_COUNT; k++)
        ck_assert_msg(seen[k] || k == HV_EV_ACCESS, "no %s event recorded",
                      hv_ev_kind_name((enum hv_ev_kind)k));

    struct hv *rep = make(32, false);
    hv_set_event_sink(rep, collect, &again);
    ck_assert_msg(replay_all(rep, &rec, &err) == HV_RUN_OK, "%s", err.msg);
    assert_same_summary(live, rep);
    struct hv_replay_stats rs;
    hv_replay_stats(rep, &rs);
    ck_assert_uint_eq(rs.events, rec.n);
    ck_assert_uint_eq(rs.skipped, 0);
    ck_assert_uint_eq(rs.cycle_mismatches, 0);
    ck_assert_uint_eq(again.n, rec.n);
    for (size_t i = 0; i < rec.n; i++)
        ck_assert_msg(same_event(&rec.ev[i], &again.ev[i]), "event %zu (%s) differs when "
                      "recorded again", i, hv_ev_kind_name((enum hv_ev_kind)rec.ev[i].kind));
    hv_destroy(rep);
    hv_destroy(live);
    free(rec.ev);
    free(again.ev);
}
END_TEST

START_TEST(test_fewer_regions_match_live_continue)
{
    struct evlist rec = {0};
    struct hv *live = make(32, false);
    hv_set_event_sink(live, collect, &rec);
    struct msa_error err = {{0}};
    ck_assert_int_eq(hv_boot_run(live, &err), HV_RUN_OK);
    struct hv_summary full;
    hv_summary(live, &full);
    hv_destroy(live);

    unsigned tried = 0;
    for (unsigned n = full.regions_peak - 1; n >= 7 && n + 3 >= full.regions_peak; n--) {
        struct hv *cont = make(n, true);
        int st = hv_boot_run(cont, &err);
        struct hv_summary s;
        hv_summary(cont, &s);
        if (st != HV_RUN_OK || !s.region_failures) {
            hv_destroy(cont);
            continue;
        }
        struct hv *rep = make(n, true);
        ck_assert_msg(replay_all(rep, &rec, &err) == HV_RUN_OK, "%u regions: %s", n, err.msg);
        assert_same_summary(cont, rep);
        struct hv_replay_stats rs;
        hv_replay_stats(rep, &rs);
        ck_assert_uint_gt(rs.skipped, 0);
        ck_assert_uint_gt(rs.cycle_mismatches, 0);
        /* The replay stopped nothing it should not have. */
        ck_assert_uint_eq(rs.events + rs.skipped, rec.n);
        hv_destroy(rep);
        hv_destroy(cont);
        tried++;
    }
    ck_assert_msg(tried > 0, "no region count below the peak (%u) exhausted the MPU without "
                  "failing the boot", full.regions_peak);

    /* Stopping on exhaustion ends the replay like a live run. */
    struct hv *rep = make(full.regions_peak - 1, false);
    ck_assert_int_eq(replay_all(rep, &rec, &err), HV_RUN_FAILED);
    ck_assert_ptr_nonnull(strstr(err.msg, "region exhaustion"));
    hv_destroy(rep);
    free(rec.ev);
}
END_TEST

static struct hv_event ev_of(enum hv_ev_kind k)
{
    return (struct hv_event){.kind = (uint8_t)k, .ctx_domain = -1, .domain = -1};
}

START_TEST(test_events_that_do_not_fit_are_bad_input)
{
    struct msa_error err = {{0}};
    struct hv *hv = make(32, true);
    struct hv_event boot = ev_of(HV_EV_BOOT);
    ck_assert_int_eq(hv_replay_event(hv, &boot, &err), 0);

    struct hv_event e = ev_of(HV_EV_CREATE_DOMAIN);
    e.domain = 5;
    ck_assert_int_eq(hv_replay_event(hv, &e, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "names domain d6: the platform has 2"));

    e = ev_of(HV_EV_CPU_UP);
    e.core = 7;
    ck_assert_int_eq(hv_replay_event(hv, &e, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "core 7: the platform has 2 cores"));

    e = ev_of(HV_EV_SWITCH);   /* d2v1 runs on core 0 (round-robin: d1v0 c0, d2v0 c1, d2v1 c0) */
    e.core = 1;
    e.domain = 1;
    e.vcpu = 1;
    ck_assert_int_eq(hv_replay_event(hv, &e, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "that vCPU runs on core 0"));
    e.vcpu = 2;
    ck_assert_int_eq(hv_replay_event(hv, &e, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "has 2 vCPUs"));

    e = ev_of(HV_EV_END);
    e.op = HV_OP_LOAD_DOMAIN;
    ck_assert_int_eq(hv_replay_event(hv, &e, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "end of load_domain without its begin"));

    e = ev_of(HV_EV_BEGIN);
    e.op = HV_OP_COPY_FROM_PADDR;
    ck_assert_int_eq(hv_replay_event(hv, &e, &err), 0);
    struct hv_event fb = ev_of(HV_EV_FINISH_BOOT);
    ck_assert_int_eq(hv_replay_event(hv, &fb, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "finish_boot inside copy_from_paddr"));
    ck_assert_int_eq(hv_replay_finish(hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "ends inside copy_from_paddr"));
    hv_destroy(hv);
}
END_TEST

START_TEST(test_every_booting_region_count_matches_live)
{
    /* From the fewest regions that still boot up to the recorded count,
     * a replay of the 32-region trace equals a live run that continues on
     * exhaustion, failures and all. */
    struct evlist rec = {0};
    struct hv *live = make(32, false);
    hv_set_event_sink(live, collect, &rec);
    struct msa_error err = {{0}};
    ck_assert_int_eq(hv_boot_run(live, &err), HV_RUN_OK);
    hv_destroy(live);
    bool found = false;
    for (unsigned n = 4; n <= 32; n++) {
        struct hv *cont = make(n, true);
        if (hv_boot_run(cont, &err) != HV_RUN_OK) {
            hv_destroy(cont);
            continue;
        }
        struct hv *rep = make(n, true);
        ck_assert_msg(replay_all(rep, &rec, &err) == HV_RUN_OK, "%u: %s", n, err.msg);
        assert_same_summary(cont, rep);
        struct hv_summary s;
        hv_summary(rep, &s);
        found |= s.region_failures > 0;
        hv_destroy(rep);
        hv_destroy(cont);
    }
    ck_assert_msg(found, "no region count gave exhaustion with a successful boot");
    free(rec.ev);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trace_replay");
    TCase *tc = tcase_create("replay");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_record_then_replay_is_exact);
    tcase_add_test(tc, test_fewer_regions_match_live_continue);
    tcase_add_test(tc, test_events_that_do_not_fit_are_bad_input);
    tcase_add_test(tc, test_every_booting_region_count_matches_live);
    suite_add_tcase(s, tc);
    return check_run(s);
}
