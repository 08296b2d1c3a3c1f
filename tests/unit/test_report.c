/* Unit tests for the reports: number formatting, the report model (figures
 * found by name, slot timelines and series cut into cells), the text and
 * HTML renderings, the sweep CSV reader, the Pareto front and the sweep
 * report. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report.h"
#include "sim/report_format.h"
#include "sim/report_model.h"
#include "sim/stats.h"
#include "sim/sweep_table.h"
#include "tests/unit/check_run.h"
#define TEST_RNG_SEED 88172645463325252ull
#include "tests/unit/test_rng.h"

/* ---- helpers ----------------------------------------------------------- */

static char *render(int (*fn)(const struct stats *, const char *, const struct report_options *, FILE *),
                    const struct stats *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fn(s, "test.json", NULL, f), 0);
    fclose(f);
    return buf;
}

static int text_report(const struct stats *s, const char *src, const struct report_options *o, FILE *f)
{
    return report_stats_text(s, src, o, f);
}

static char *sweep_render(const char *csv, const char *format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct msa_error err = {{0}};
    ck_assert_ptr_nonnull(f);
    int rc = report_sweep(csv, strlen(csv), "t.csv", format, f, &err);
    fclose(f);
    ck_assert_msg(rc == 0, "report_sweep: %s", err.msg);
    return buf;
}

static void assert_width(const char *text, int width)
{
    int line = 1;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        ck_assert_msg((int)len <= width, "line %d is %zu columns: %.*s", line, len, (int)len, p);
        p += len + (nl ? 1 : 0);
        line++;
    }
}

/* A registry shaped like msasim boot's: two cores, a transient slot that
 * toggles, a guest slot, one map operation kind, the phase. */
static struct stats *boot_like(void)
{
    struct stats *s = stats_new();
    stats_meta_set(s, "hv.module", "xen-mpu");
    stats_meta_set(s, "hv.platform", "some/dir/board.dtb");
    stats_meta_set(s, "hv.domain.1", "domU1");
    stats_summary_set(s, "regions_peak", 3);
    stats_summary_set(s, "regions_implemented", 16);
    stats_summary_set(s, "region_failures", 0);
    stats_summary_set(s, "map_ops", 4);
    stats_summary_set(s, "map_cycles", 400);
    stats_summary_set(s, "hv_cycles", 1000);
    for (unsigned c = 0; c < 2; c++) {
        char name[64];
        snprintf(name, sizeof name, "hv.core%u.regions", c);
        struct stats_series *r = stats_series(s, name, NULL);
        stats_series_append(r, 0, 0);
        stats_series_append(r, 10, 1);
        stats_series_append(r, 500, 3);
        stats_series_append(r, 600, 2);
        snprintf(name, sizeof name, "hv.core%u.regions.peak", c);
        *stats_gauge(s, name, NULL) = 3;
        snprintf(name, sizeof name, "hv.core%u.regions.owner.hv_text.peak", c);
        *stats_gauge(s, name, NULL) = 1;
        snprintf(name, sizeof name, "hv.core%u.slot.0.owner", c);
        struct stats_series *t = stats_series(s, name, NULL);
        stats_series_append(t, 0, 0);
        stats_series_append(t, 10, 1); /* hv_text from 10 on */
    }
    struct stats_series *g = stats_series(s, "hv.core0.slot.5.owner", NULL);
    stats_series_append(g, 0, 0);
    stats_series_append(g, 500, 7 + 16); /* guest_stage2 of domain 1 */
    stats_series_append(g, 600, 0);
    struct stats_series *ph = stats_series(s, "hv.phase", NULL);
    stats_series_append(ph, 0, 0);
    stats_series_append(ph, 800, 1);
    *stats_counter(s, "hv.op.map.count", NULL) = 4;
    *stats_counter(s, "hv.op.map.cycles_total", NULL) = 400;
    *stats_counter(s, "hv.op.map.cycles.mpu", NULL) = 300;
    *stats_counter(s, "hv.op.map.cycles.barrier", NULL) = 100;
    *stats_counter(s, "hv.op.map.mpu_writes", NULL) = 12;
    *stats_counter(s, "hv.op.unmap.count", NULL) = 1;
    *stats_counter(s, "hv.op.unmap.cycles_total", NULL) = 50;
    struct stats_hist *h = stats_histogram(s, "hv.op.map.cycles", NULL);
    stats_hist_add(h, 50);
    stats_hist_add(h, 50);
    stats_hist_add(h, 100);
    stats_hist_add(h, 200);
    return s;
}

/* ---- formatting -------------------------------------------------------- */

START_TEST(test_numbers_for_people)
{
    char b[REPORT_NUM_MAX];
    ck_assert_str_eq(report_num(1234567, b, sizeof b), "1,234,567");
    ck_assert_str_eq(report_num(999, b, sizeof b), "999");
    ck_assert_str_eq(report_num(1000, b, sizeof b), "1,000");
    ck_assert_str_eq(report_num(10.914, b, sizeof b), "10.91");
    ck_assert_str_eq(report_num(9.999, b, sizeof b), "10");
    ck_assert_str_eq(report_num(-1234.5, b, sizeof b), "-1,234.50");
    ck_assert_str_eq(report_num(0.0201, b, sizeof b), "0.0201");
    ck_assert_str_eq(report_num(0, b, sizeof b), "0");
    ck_assert_str_eq(report_num(NAN, b, sizeof b), "-");
    ck_assert_str_eq(report_si(1500, b, sizeof b), "1.5k");
    ck_assert_str_eq(report_si(12, b, sizeof b), "12");
    ck_assert_str_eq(report_si(1234567, b, sizeof b), "1.23M");
    ck_assert_str_eq(report_si(-2e9, b, sizeof b), "-2G");
    ck_assert_str_eq(report_pct(0.4567, b, sizeof b), "45.7%");
}
END_TEST

/* ---- cells and slot usage ----------------------------------------------- */

START_TEST(test_holder_cells_exact)
{
    struct stats *s = stats_new();
    struct stats_series *t = stats_series(s, "t", NULL);
    stats_series_append(t, 0, 0);
    stats_series_append(t, 100, 1);
    stats_series_append(t, 200, 0);
    stats_series_append(t, 250, 2);
    stats_series_append(t, 275, 3);
    struct report_holder_cell c[4];
    report_holder_cells(t, 0, 400, 4, c);
    ck_assert_uint_eq(c[0].code, 0);
    ck_assert_uint_eq(c[1].code, 1);
    ck_assert(c[1].held == 1.0 && !c[1].several);
    /* [200,300): free 50, holder 2 for 25, holder 3 for 25 */
    ck_assert(c[2].several);
    ck_assert(c[2].code == 2 || c[2].code == 3);
    ck_assert_double_eq_tol(c[2].held, 0.25, 1e-9);
    ck_assert_uint_eq(c[3].code, 3);
    ck_assert_double_eq_tol(c[3].held, 1.0, 1e-9);
    /* A window that starts later. */
    report_holder_cells(t, 100, 200, 2, c);
    ck_assert_uint_eq(c[0].code, 1);
    ck_assert_uint_eq(c[1].code, 1);
    stats_free(s);
}
END_TEST

START_TEST(test_value_cells)
{
    struct stats *s = stats_new();
    struct stats_series *t = stats_series(s, "v", NULL);
    stats_series_append(t, 0, 0);
    stats_series_append(t, 50, 10);
    stats_series_append(t, 150, 5);
    struct report_value_cell c[2];
    report_value_cells(t, 0, 200, 2, c);
    ck_assert(c[0].has && c[1].has);
    ck_assert_double_eq(c[0].min, 0);
    ck_assert_double_eq(c[0].max, 10);
    ck_assert_double_eq_tol(c[0].mean, 5, 1e-9);
    ck_assert_double_eq(c[1].min, 5);
    ck_assert_double_eq(c[1].max, 10);
    ck_assert_double_eq_tol(c[1].mean, 7.5, 1e-9);
    /* Before the first point there is nothing. */
    struct stats_series *late = stats_series(s, "late", NULL);
    stats_series_append(late, 150, 4);
    report_value_cells(late, 0, 200, 2, c);
    ck_assert(!c[0].has);
    ck_assert(c[1].has);
    ck_assert_double_eq_tol(c[1].mean, 4, 1e-9);
    stats_free(s);
}
END_TEST

START_TEST(test_slot_usage_exact_and_downsampled)
{
    struct stats *s = stats_new();
    struct stats_series *t = stats_series(s, "t", NULL);
    stats_series_append(t, 0, 0);
    stats_series_append(t, 100, 6);
    stats_series_append(t, 300, 0);
    struct report_slot_usage u;
    report_slot_usage(t, 1000, &u);
    ck_assert_double_eq(u.held, 200);
    ck_assert(!u.approx);
    ck_assert_uint_eq(u.changes, 2);
    ck_assert_uint_eq(u.nholders, 1);
    ck_assert_uint_eq(u.holders[0], 6);

    /* 20000 turns of 3 cycles held, 7 free: downsampled, and the held
     * time survives exactly through the merged points' areas. */
    struct stats_series *d = stats_series(s, "d", NULL);
    stats_series_append(d, 0, 0);
    uint64_t cyc = 0;
    for (int i = 0; i < 20000; i++) {
        stats_series_append(d, cyc + 7, 6);
        stats_series_append(d, cyc + 10, 0);
        cyc += 10;
    }
    ck_assert_uint_gt(stats_series_stride(d), 1);
    report_slot_usage(d, cyc, &u);
    ck_assert(u.approx);
    ck_assert_double_eq_tol(u.held, 3.0 * 20000, 1e-6 * 60000);
    ck_assert_uint_eq(u.changes, 40000);
    struct report_holder_cell c[10];
    report_holder_cells(d, 0, cyc, 10, c);
    for (int i = 0; i < 10; i++) {
        ck_assert_uint_eq(c[i].code, 6);
        ck_assert_double_eq_tol(c[i].held, 0.3, 0.01);
    }
    stats_free(s);
}
END_TEST

/* ---- the model ------------------------------------------------------------ */

START_TEST(test_model_finds_figures)
{
    struct stats *s = boot_like();
    *stats_counter(s, "func.main.cycles", NULL) = 900;
    *stats_counter(s, "func.main.insns", NULL) = 300;
    *stats_counter(s, "func.helper.cycles", NULL) = 1000;
    stats_summary_set(s, "cpi_stack.base", 70);
    stats_summary_set(s, "cpi_stack.icache", 30);
    *stats_counter(s, "exposure.pair.domU1.domU2.byte_cycles", NULL) = 5;
    struct report_model m;
    ck_assert_int_eq(report_model_build(s, &m), 0);
    ck_assert_str_eq(m.title, "xen-mpu on board.dtb");
    ck_assert(m.from_hv);
    ck_assert_uint_eq(m.ncores, 2);
    ck_assert_uint_eq(m.end_cycle, 1000);
    ck_assert_double_eq(m.implemented, 16);
    ck_assert_double_eq(m.core[1].peak, 3);
    ck_assert(isnan(m.core[1].mean));
    ck_assert_ptr_nonnull(m.core[0].pressure);
    ck_assert_uint_eq(m.core[0].slots_used, 2);
    ck_assert_ptr_nonnull(m.core[0].slot[5]);
    ck_assert_uint_eq(m.core[1].slots_used, 1);
    ck_assert_ptr_nonnull(m.phase);
    /* Operations sorted by cycles, their parts found. */
    ck_assert_uint_eq(m.nops, 2);
    ck_assert_str_eq(m.ops[0].name, "map");
    ck_assert_uint_eq(m.ops[0].part[REPORT_COST_MPU], 300);
    ck_assert_uint_eq(m.ops[0].part[REPORT_COST_BARRIER], 100);
    ck_assert_uint_eq(m.ops[0].mpu_writes, 12);
    ck_assert_ptr_nonnull(m.ops[0].hist);
    ck_assert_ptr_null(m.ops[1].hist);
    ck_assert_uint_eq(m.ncpi, 2);
    ck_assert_str_eq(m.cpi[1].name, "icache");
    ck_assert_uint_eq(m.nfuncs, 2);
    ck_assert_str_eq(m.funcs[0].name, "helper");
    ck_assert(isnan(m.funcs[0].extra));
    ck_assert_double_eq(m.funcs[1].extra, 300);
    ck_assert_uint_eq(m.npairs, 1);
    ck_assert_str_eq(m.pairs[0].from, "domU1");
    ck_assert_str_eq(m.pairs[0].to, "domU2");
    char label[64];
    report_holder_label(&m, 7 + 16, label, sizeof label);
    ck_assert_str_eq(label, "guest_stage2 domU1");
    report_holder_label(&m, 1, label, sizeof label);
    ck_assert_str_eq(label, "hv_text");
    report_holder_label(&m, 7 + 32, label, sizeof label);
    ck_assert_str_eq(label, "guest_stage2 domain 2");
    report_model_release(&m);
    stats_free(s);
}
END_TEST

/* A real hypervisor observed at EL2: calls per function, the functions
 * asked for besides the top ones, and the VMs' table from el2maps.*. */
START_TEST(test_functions_and_el2_maps)
{
    struct stats *s = stats_new();
    char n[64];
    for (int i = 0; i < 15; i++) {
        snprintf(n, sizeof n, "func.f%02d.cycles", i);
        *stats_counter(s, n, NULL) = (uint64_t)(1000 - i);
        snprintf(n, sizeof n, "func.f%02d.calls", i);
        *stats_counter(s, n, NULL) = (uint64_t)(i + 1);
    }
    *stats_counter(s, "func.p2m_alloc_page.cycles", NULL) = 5;
    *stats_counter(s, "func.p2m_alloc_page.calls", NULL) = 383;
    *stats_gauge(s, "el2maps.el2.table_pages", NULL) = 17;
    *stats_counter(s, "mmu.core0.tlbi.VAE2IS.ops", NULL) = 1723;
    *stats_counter(s, "mmu.core1.tlbi.VAE2IS.ops", NULL) = 1723;
    *stats_counter(s, "mmu.core0.tlbi.ALLE2.ops", NULL) = 5;
    *stats_counter(s, "mmu.core0.tlbi.ops", NULL) = 1728;   /* the sum: not a kind */
    *stats_gauge(s, "el2maps.vmid1.ram_bytes", NULL) = 268435456;
    *stats_gauge(s, "el2maps.vmid1.el2_readable_bytes", NULL) = 134217728;
    *stats_gauge(s, "el2maps.vmid1.s2_table_pages", NULL) = 384;
    struct report_model m;
    ck_assert_int_eq(report_model_build(s, &m), 0);
    ck_assert_uint_eq(m.nfuncs, 16);
    ck_assert_double_eq(m.funcs[0].calls, 1);
    ck_assert_str_eq(m.funcs[15].name, "p2m_alloc_page");
    ck_assert_double_eq(m.funcs[15].calls, 383);
    ck_assert(report_function_shown(&m, 9, 10, NULL));
    ck_assert(!report_function_shown(&m, 10, 10, NULL));
    ck_assert(!report_function_shown(&m, 15, 10, "xen_pt,map_domain"));
    ck_assert(report_function_shown(&m, 15, 10, "xen_pt,p2m_alloc"));
    ck_assert(report_function_shown(&m, 12, 10, "f12"));
    ck_assert_uint_eq(m.nvms, 1);
    ck_assert_str_eq(m.vms[0].name, "vmid1");
    ck_assert_double_eq(m.vms[0].ram, 268435456);
    ck_assert_double_eq(m.vms[0].readable, 134217728);
    ck_assert_double_eq(m.vms[0].s2_pages, 384);
    ck_assert(isnan(m.vms[0].byte_cycles));
    ck_assert_double_eq(m.el2_table_pages, 17);
    ck_assert_uint_eq(m.ntlbi, 2);
    ck_assert_str_eq(m.tlbi[0].kind, "VAE2IS");
    ck_assert_uint_eq(m.tlbi[0].total, 3446);
    ck_assert_uint_eq(m.tlbi[0].per_core[1], 1723);
    ck_assert_str_eq(m.tlbi[1].kind, "ALLE2");
    ck_assert_uint_eq(m.tlbi_cores, 2);
    report_model_release(&m);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct report_options o = {.functions = "p2m"};
    ck_assert_int_eq(report_stats_text(s, "x.json", &o, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "p2m_alloc_page"));
    ck_assert_ptr_nonnull(strstr(buf, "383"));
    ck_assert_ptr_null(strstr(buf, "f12"));
    ck_assert_ptr_nonnull(strstr(buf, "vmid1"));
    ck_assert_ptr_nonnull(strstr(buf, "268,435,456"));
    ck_assert_ptr_nonnull(strstr(buf, "EL2 regime 17 table pages"));
    ck_assert_ptr_nonnull(strstr(buf, "TLB maintenance by kind"));
    ck_assert_ptr_nonnull(strstr(buf, "3,446"));
    free(buf);
    stats_free(s);
}
END_TEST

START_TEST(test_model_of_a_run_without_hv)
{
    struct stats *s = stats_new();
    stats_meta_set(s, "platform", "fvp-r");
    *stats_counter(s, "mpu.core0.el2.regions_enabled", NULL) = 2;
    *stats_counter(s, "mpu.core0.el2.regions_peak", NULL) = 4;
    *stats_counter(s, "mpu.core0.el2.regions_implemented", NULL) = 24;
    struct report_model m;
    ck_assert_int_eq(report_model_build(s, &m), 0);
    ck_assert_str_eq(m.title, "run on fvp-r");
    ck_assert(!m.from_hv);
    ck_assert_uint_eq(m.ncores, 1);
    ck_assert_double_eq(m.core[0].peak, 4);
    ck_assert_double_eq(m.implemented, 24);
    ck_assert_uint_eq(m.nops, 0);
    report_model_release(&m);
    stats_free(s);
}
END_TEST

/* ---- renderings ------------------------------------------------------------ */

START_TEST(test_text_report)
{
    struct stats *s = boot_like();
    char *t = render(text_report, s);
    assert_width(t, REPORT_TEXT_WIDTH);
    ck_assert_ptr_nonnull(strstr(t, "msasim report: xen-mpu on board.dtb"));
    ck_assert_ptr_nonnull(strstr(t, "3 of 16"));
    ck_assert_ptr_nonnull(strstr(t, "Who held each slot"));
    ck_assert_ptr_nonnull(strstr(t, "slot   5 |"));
    ck_assert_ptr_nonnull(strstr(t, "1 guest_stage2 domU1"));
    ck_assert_ptr_nonnull(strstr(t, "Region pressure over time"));
    ck_assert_ptr_nonnull(strstr(t, "Map/unmap cost"));
    ck_assert_ptr_nonnull(strstr(t, "Speculation exposure: not measured in this run."));
    ck_assert_ptr_nonnull(strstr(t, "CPI stack: not measured in this run."));
    free(t);

    /* Long names and many figures still fit. */
    stats_summary_set(s, "exposure_byte_cycles", 1e12);
    char name[STATS_NAME_MAX + 1];
    snprintf(name, sizeof name, "exposure.pair.%0100d.%0100d.byte_cycles", 1, 2);
    *stats_counter(s, name, NULL) = 123456789;
    snprintf(name, sizeof name, "func.%0200d.cycles", 7);
    *stats_counter(s, name, NULL) = 99;
    stats_summary_set(s, "cpi_stack.a_very_long_part_name_that_goes_on", 5);
    t = render(text_report, s);
    assert_width(t, REPORT_TEXT_WIDTH);
    ck_assert_ptr_null(strstr(t, "Speculation exposure: not measured"));
    ck_assert_ptr_null(strstr(t, "CPI stack: not measured"));
    free(t);
    stats_free(s);
}
END_TEST

START_TEST(test_html_report)
{
    struct stats *s = boot_like();
    char *h = render(report_stats_html, s);
    const char *want[] = {"<!DOCTYPE html>", "id=\"key-figures\"", "id=\"region-usage-table\"",
                          "id=\"owner-table\"", "id=\"timeline-core0\"", "id=\"timeline-core1\"",
                          "id=\"timeline-legend\"", "id=\"slot-table\"", "id=\"pressure-chart\"",
                          "implemented: 16", "id=\"cost-table\"", "id=\"hist-map\"",
                          "guest_stage2 domU1", "runtime (after init memory is freed)",
                          "Not measured in this run.", "</html>"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(h, want[i]), "HTML lacks %s", want[i]);
    /* Self-contained: no scripts, no links to fetch. */
    ck_assert_ptr_null(strstr(h, "<script"));
    ck_assert_ptr_null(strstr(h, "<link"));
    ck_assert_ptr_null(strstr(h, "src="));
    ck_assert_ptr_null(strstr(h, "https:"));
    free(h);

    /* Markup in names is escaped. */
    stats_meta_set(s, "hv.domain.1", "<b>&x");
    h = render(report_stats_html, s);
    ck_assert_ptr_nonnull(strstr(h, "&lt;b&gt;&amp;x"));
    ck_assert_ptr_null(strstr(h, "<b>&x"));
    free(h);
    stats_free(s);
}
END_TEST

START_TEST(test_html_report_with_exposure_and_cpi)
{
    struct stats *s = boot_like();
    stats_summary_set(s, "exposure_byte_cycles", 5000);
    struct stats_series *e = stats_series(s, "exposure.bytes", NULL);
    stats_series_append(e, 0, 0);
    stats_series_append(e, 100, 4096);
    *stats_counter(s, "exposure.pair.domU1.domU2.byte_cycles", NULL) = 5000;
    stats_summary_set(s, "cpi_stack.base", 70);
    stats_summary_set(s, "cpi_stack.icache", 30);
    stats_summary_set(s, "cycles", 100);
    stats_summary_set(s, "ipc", 0.5);
    *stats_counter(s, "func.main.cycles", NULL) = 100;
    char *h = render(report_stats_html, s);
    const char *want[] = {"id=\"exposure-chart\"", "id=\"exposure-matrix\"", "id=\"cpi-chart\"",
                          "id=\"cpi-table\"", "id=\"function-table\"", ">main<"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(h, want[i]), "HTML lacks %s", want[i]);
    ck_assert_ptr_null(strstr(h, "Not measured in this run."));
    free(h);
    stats_free(s);
}
END_TEST

/* ---- sweep CSV and Pareto ----------------------------------------------------- */

START_TEST(test_sweep_table_parse)
{
    const char *csv = "a,hv-opt,status,error,x,y\r\n"
                      "1,\"alloc=p,q\",0,,10,20\n"
                      "2,plain,1,\"it said \"\"no\"\",\nthen stopped\",,\n"
                      "\n";
    ck_assert(sweep_table_detect(csv, strlen(csv)));
    struct sweep_table t;
    struct msa_error err = {{0}};
    ck_assert_int_eq(sweep_table_parse(csv, strlen(csv), "t.csv", &t, &err), 0);
    ck_assert_uint_eq(t.ncols, 6);
    ck_assert_uint_eq(t.nrows, 2);
    ck_assert_uint_eq(t.nparams, 2);
    ck_assert_str_eq(sweep_cell(&t, 0, 1), "alloc=p,q");
    ck_assert_str_eq(sweep_cell(&t, 1, 3), "it said \"no\",\nthen stopped");
    double v;
    ck_assert(sweep_number(&t, 0, sweep_col(&t, "y"), &v) && v == 20);
    ck_assert(!sweep_number(&t, 1, sweep_col(&t, "y"), &v));
    ck_assert(!sweep_number(&t, 0, sweep_col(&t, "missing"), &v));
    ck_assert(sweep_row_ok(&t, 0) && !sweep_row_ok(&t, 1));
    sweep_table_free(&t);

    const char *ragged = "p,status,error\n1,0,\n2,0\n";
    ck_assert_int_eq(sweep_table_parse(ragged, strlen(ragged), "r.csv", &t, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "r.csv: line 3: 2 fields, expected 3"));
    const char *open_quote = "p,status,error\n\"1,0,\n";
    ck_assert_int_eq(sweep_table_parse(open_quote, strlen(open_quote), "q.csv", &t, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "q.csv: line 2: a quoted field is not closed"));
    const char *stats = "section,name,value\nsummary,insns,3\n";
    ck_assert(!sweep_table_detect(stats, strlen(stats)));
    ck_assert_int_eq(sweep_table_parse(stats, strlen(stats), "s.csv", &t, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "expected a sweep header"));
    ck_assert(!report_is_sweep_csv("{\"status\":1}", 12));
}
END_TEST


START_TEST(test_pareto_against_brute_force)
{
    enum { N = 300 };
    double x[N], y[N];
    bool use[N], front[N];
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < N; i++) {
            /* Few distinct values, so ties are common. */
            x[i] = (double)(rng() % 20);
            y[i] = (double)(rng() % 20);
            use[i] = rng() % 10 != 0;
        }
        ck_assert_int_eq(sweep_pareto(x, y, use, N, front), 0);
        for (int i = 0; i < N; i++) {
            bool dominated = false;
            for (int j = 0; j < N; j++)
                if (use[j] && x[j] <= x[i] && y[j] <= y[i] && (x[j] < x[i] || y[j] < y[i]))
                    dominated = true;
            ck_assert_msg(front[i] == (use[i] && !dominated), "point %d (%g, %g)", i, x[i], y[i]);
        }
    }
    /* NaN takes no part. */
    double nx[2] = {NAN, 5}, ny[2] = {0, 5};
    bool nu[2] = {true, true}, nf[2];
    ck_assert_int_eq(sweep_pareto(nx, ny, nu, 2, nf), 0);
    ck_assert(!nf[0] && nf[1]);
}
END_TEST

static const char sweep_csv[] =
    "mpu-regions,hv-opt:alloc,platform,status,error,regions_peak,map_cycles\n"
    "8,first-fit,fvp-r,1,no free EL2 MPU region,8,64\n"
    "16,first-fit,fvp-r,0,,10,472\n"
    "16,prenr,fvp-r,0,,9,487\n"
    "32,prenr,fvp-r,0,,10,460\n"
    "16,first-fit,b.dtb,0,,11,1000\n"
    "16,prenr,b.dtb,0,,11,900\n";

START_TEST(test_sweep_reports)
{
    char *csv = sweep_render(sweep_csv, "csv");
    /* fvp-r: (9,487) and (10,460) are on the front, (10,472) is beaten;
     * b.dtb: (11,900) beats (11,1000); the failed point takes no part. */
    const char *want = "mpu-regions,hv-opt:alloc,platform,status,error,regions_peak,map_cycles,pareto\n"
                       "8,first-fit,fvp-r,1,no free EL2 MPU region,8,64,0\n"
                       "16,first-fit,fvp-r,0,,10,472,0\n"
                       "16,prenr,fvp-r,0,,9,487,1\n"
                       "32,prenr,fvp-r,0,,10,460,1\n"
                       "16,first-fit,b.dtb,0,,11,1000,0\n"
                       "16,prenr,b.dtb,0,,11,900,1\n";
    ck_assert_str_eq(csv, want);
    free(csv);

    char *html = sweep_render(sweep_csv, "html");
    const char *parts[] = {"id=\"pareto-0-0\"", "id=\"pareto-1-0\"", "id=\"pareto-table-0\"",
                           "id=\"results-table\"", "id=\"failed-table\"",
                           "Exposure was not measured in this sweep", "Platform b.dtb",
                           "mpu-regions=32 hv-opt:alloc=prenr"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        ck_assert_msg(strstr(html, parts[i]), "HTML lacks %s", parts[i]);
    ck_assert_ptr_null(strstr(html, "pareto-0-1"));
    ck_assert_ptr_null(strstr(html, "<script"));
    free(html);

    char *text = sweep_render(sweep_csv, "text");
    assert_width(text, REPORT_TEXT_WIDTH);
    ck_assert_ptr_nonnull(strstr(text, "6 points, 1 failed"));
    ck_assert_ptr_nonnull(strstr(text, "exposure was not measured"));
    free(text);

    char *json = sweep_render(sweep_csv, "json");
    ck_assert_ptr_nonnull(strstr(json, "\"schema\": \"msasim-sweep-report\""));
    ck_assert_ptr_nonnull(strstr(json, "\"mpu-regions\": \"32\""));
    ck_assert_ptr_nonnull(strstr(json, "\"map_cycles\": 460"));
    free(json);
}
END_TEST

START_TEST(test_sweep_report_with_exposure)
{
    const char *csv = "policy,status,error,regions_peak,map_cycles,exposure_byte_cycles\n"
                      "a,0,,10,100,5000\n"
                      "b,0,,12,50,9000\n"
                      "c,0,,11,200,1000\n";
    char *out = sweep_render(csv, "csv");
    /* Primary view: exposure against map cycles: a, b and c are all on it. */
    ck_assert_ptr_nonnull(strstr(out, "a,0,,10,100,5000,1\n"));
    ck_assert_ptr_nonnull(strstr(out, "b,0,,12,50,9000,1\n"));
    ck_assert_ptr_nonnull(strstr(out, "c,0,,11,200,1000,1\n"));
    free(out);
    char *html = sweep_render(csv, "html");
    ck_assert_ptr_nonnull(strstr(html, "id=\"pareto-0-0\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"pareto-0-1\""));
    ck_assert_ptr_null(strstr(html, "Exposure was not measured"));
    free(html);
    char *json = sweep_render(csv, "json");
    /* Against the region peak, b (12, 9000) is beaten by a (10, 5000). */
    ck_assert_ptr_nonnull(strstr(json, "\"policy\": \"b\""));
    ck_assert_ptr_nonnull(strstr(json, "\"pareto\": [\n        true,\n        false\n      ]"));
    free(json);
}
END_TEST

START_TEST(test_sweep_exhausted_points_are_not_eligible)
{
    /* b completed but ran out of regions: it looks cheapest, yet a design
     * that could not map everything is not on the front. */
    const char *csv = "policy,status,error,regions_peak,region_failures,map_cycles\n"
                      "a,0,,10,0,500\n"
                      "b,0,,8,2,100\n"
                      "c,0,,9,0,700\n";
    char *out = sweep_render(csv, "csv");
    ck_assert_ptr_nonnull(strstr(out, "a,0,,10,0,500,1\n"));
    ck_assert_ptr_nonnull(strstr(out, "b,0,,8,2,100,0\n"));
    ck_assert_ptr_nonnull(strstr(out, "c,0,,9,0,700,1\n"));
    free(out);
    char *text = sweep_render(csv, "text");
    ck_assert_ptr_nonnull(strstr(text, "3 points, 0 failed, 1 ran out of regions"));
    free(text);
    /* The axes fit the eligible points: b lies outside and is counted. */
    char *html = sweep_render(csv, "html");
    ck_assert_ptr_nonnull(strstr(html, "1 point that ran out of regions lies outside the chart"));
    free(html);
    /* Inside the axes, it is drawn as a cross that says why. */
    const char *inside = "policy,status,error,regions_peak,region_failures,map_cycles\n"
                         "a,0,,10,0,500\n"
                         "b,0,,8,2,100\n"
                         "d,0,,7,0,50\n";
    html = sweep_render(inside, "html");
    ck_assert_ptr_nonnull(strstr(html, "(ran out of regions: not eligible)"));
    ck_assert_ptr_null(strstr(html, "outside the chart"));
    free(html);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *fmt = tcase_create("format");
    tcase_add_test(fmt, test_numbers_for_people);
    suite_add_tcase(s, fmt);
    TCase *model = tcase_create("model");
    tcase_add_test(model, test_holder_cells_exact);
    tcase_add_test(model, test_value_cells);
    tcase_add_test(model, test_slot_usage_exact_and_downsampled);
    tcase_add_test(model, test_model_finds_figures);
    tcase_add_test(model, test_model_of_a_run_without_hv);
    tcase_add_test(model, test_functions_and_el2_maps);
    suite_add_tcase(s, model);
    TCase *render_tc = tcase_create("render");
    tcase_add_test(render_tc, test_text_report);
    tcase_add_test(render_tc, test_html_report);
    tcase_add_test(render_tc, test_html_report_with_exposure_and_cpi);
    suite_add_tcase(s, render_tc);
    TCase *sweep = tcase_create("sweep");
    tcase_add_test(sweep, test_sweep_table_parse);
    tcase_add_test(sweep, test_pareto_against_brute_force);
    tcase_add_test(sweep, test_sweep_reports);
    tcase_add_test(sweep, test_sweep_report_with_exposure);
    tcase_add_test(sweep, test_sweep_exhausted_points_are_not_eligible);
    suite_add_tcase(s, sweep);
    return s;
}

int main(void)
{
    return check_run(report_suite());
}
