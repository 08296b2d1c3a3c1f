/* Unit tests for the statistics registry (sim/stats.h), its writers and
 * reader, and atomic output files (sim/atomic_file.h). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/atomic_file.h"
#include "sim/json_parse.h"
#include "sim/stats.h"
#include "sim/stats_internal.h"
#include "tests/unit/check_run.h"

/* ---- helpers ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted[0..n) for p = num/den (a fraction),
 * in integer arithmetic: rank = ceil(num * n / den), at least 1. */
static uint64_t ref_percentile(const uint64_t *sorted, uint64_t n, uint64_t num, uint64_t den)
{
    uint64_t rank = (num * n + den - 1) / den;
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

static char *json_of(const struct stats *s, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(f);
    stats_write_json(s, f);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

static char *text_of(const struct stats *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(f);
    stats_write_text(s, f);
    fclose(f);
    return buf;
}

/* Large documents: report where they first differ rather than both. */
static void assert_same_text(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    ck_assert_msg(a[i] == b[i], "texts differ at byte %zu: \"%.40s\" vs \"%.40s\"", i, a + i,
                  b + i);
}

static char tmpdir[512];

static void make_tmpdir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_stats_XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int count_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[4 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---- registry ---------------------------------------------------------- */

START_TEST(test_register_same_name_same_metric)
{
    struct stats *s = stats_new();
    uint64_t *a = stats_counter(s, "cpu0.insns", "instructions retired");
    ck_assert_ptr_nonnull(a);
    *a += 5;
    stats_counter_add(a, 2);
    ck_assert_ptr_eq(stats_counter(s, "cpu0.insns", NULL), a);
    ck_assert_uint_eq(*stats_find_counter(s, "cpu0.insns"), 7);

    double *g = stats_gauge(s, "mpu.el2.core0.regions_enabled", NULL);
    struct stats_hist *h = stats_histogram(s, "hv.map.map_domain_page.cycles", NULL);
    struct stats_series *ser = stats_series(s, "mpu.el2.core0.regions", NULL);
    ck_assert(g && h && ser);
    ck_assert_ptr_eq(stats_gauge(s, "mpu.el2.core0.regions_enabled", "x"), g);
    ck_assert_ptr_eq(stats_histogram(s, "hv.map.map_domain_page.cycles", NULL), h);
    ck_assert_ptr_eq(stats_series(s, "mpu.el2.core0.regions", NULL), ser);

    /* One namespace: the same name as another kind is refused. */
    ck_assert_ptr_null(stats_gauge(s, "cpu0.insns", NULL));
    ck_assert_ptr_null(stats_histogram(s, "cpu0.insns", NULL));
    ck_assert_ptr_null(stats_series(s, "cpu0.insns", NULL));
    ck_assert_ptr_null(stats_counter(s, "mpu.el2.core0.regions_enabled", NULL));
    ck_assert_ptr_null(stats_counter(s, "hv.map.map_domain_page.cycles", NULL));
    ck_assert_ptr_null(stats_counter(s, "mpu.el2.core0.regions", NULL));
    ck_assert_uint_eq(stats_metric_count(s), 4);

    /* Lookups by kind. */
    ck_assert_ptr_null(stats_find_counter(s, "mpu.el2.core0.regions_enabled"));
    ck_assert_ptr_eq(stats_find_gauge(s, "mpu.el2.core0.regions_enabled"), g);
    ck_assert_ptr_eq(stats_find_histogram(s, "hv.map.map_domain_page.cycles"), h);
    ck_assert_ptr_eq(stats_find_series(s, "mpu.el2.core0.regions"), ser);
    ck_assert_ptr_null(stats_find(s, "absent"));
    ck_assert_ptr_null(stats_find_counter(s, "cpu0"));
    ck_assert_str_eq(stats_find(s, "cpu0.insns")->desc, "instructions retired");
    stats_free(s);
}
END_TEST

START_TEST(test_invalid_names_refused)
{
    struct stats *s = stats_new();
    char long_name[STATS_NAME_MAX + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    const char *bad[] = {"", "a b", "a/b", "caf\xc3\xa9", "x\"y", "tab\t", long_name};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(!stats_name_valid(bad[i]), "accepted \"%s\"", bad[i]);
        ck_assert_ptr_null(stats_counter(s, bad[i], NULL));
        ck_assert_ptr_null(stats_gauge(s, bad[i], NULL));
        ck_assert_ptr_null(stats_histogram(s, bad[i], NULL));
        ck_assert_ptr_null(stats_series(s, bad[i], NULL));
        ck_assert(!stats_summary_set(s, bad[i], 1));
        ck_assert(!stats_meta_set(s, bad[i], "v"));
    }
    ck_assert_ptr_null(stats_counter(s, NULL, NULL));
    ck_assert_ptr_null(stats_counter(NULL, "a", NULL));
    long_name[STATS_NAME_MAX] = '\0'; /* exactly the maximum */
    ck_assert_ptr_nonnull(stats_counter(s, long_name, NULL));
    ck_assert_ptr_nonnull(stats_counter(s, "A-z_0.9", NULL));
    ck_assert_uint_eq(stats_metric_count(s), 2);
    ck_assert_uint_eq(stats_summary_count(s), 0);
    stats_free(s);
}
END_TEST

/* Every byte value, between two valid characters: only [A-Za-z0-9_.-] pass. */
START_TEST(test_name_characters_one_by_one)
{
    for (unsigned c = 1; c < 256; c++) {
        char name[4] = {'a', (char)c, 'b', '\0'};
        bool want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        ck_assert_msg(stats_name_valid(name) == want, "byte %u: %s", c,
                      want ? "refused" : "accepted");
        ck_assert_msg(stats_name_valid(name + 1) == want, "byte %u alone", c);
    }
}
END_TEST

START_TEST(test_descriptions)
{
    struct stats *s = stats_new();
    stats_counter(s, "a", NULL);
    ck_assert_str_eq(stats_find(s, "a")->desc, "");
    stats_counter(s, "a", "first");
    ck_assert_str_eq(stats_find(s, "a")->desc, "first");
    stats_counter(s, "a", "second");
    ck_assert_str_eq(stats_find(s, "a")->desc, "first");
    /* Replaced twice: each replacement is released (the sanitizer build
     * checks for leaks), the name is unchanged. */
    struct stats_metric *m = (struct stats_metric *)stats_find(s, "a");
    ck_assert(stats_metric_set_desc(m, "third"));
    ck_assert(stats_metric_set_desc(m, "fourth"));
    ck_assert_str_eq(stats_find(s, "a")->desc, "fourth");
    ck_assert_str_eq(stats_find(s, "a")->name, "a");
    /* A histogram and a series described later work as before. */
    struct stats_hist *h = stats_histogram(s, "h", NULL);
    struct stats_series *ser = stats_series(s, "ser", "");
    stats_histogram(s, "h", "cycles");
    stats_series(s, "ser", "points");
    stats_hist_add(h, 5);
    stats_series_append(ser, 1, 2.0);
    ck_assert_str_eq(stats_find(s, "h")->desc, "cycles");
    ck_assert_str_eq(stats_find(s, "ser")->desc, "points");
    ck_assert_uint_eq(stats_hist_count(stats_find_histogram(s, "h")), 1);
    ck_assert_uint_eq(stats_series_count(stats_find_series(s, "ser")), 1);
    stats_free(s);
}
END_TEST

START_TEST(test_sorted_iteration_and_stable_handles)
{
    struct stats *s = stats_new();
    uint64_t *first = stats_counter(s, "m.500", NULL);
    *first = 42;
    char name[32];
    for (int i = 999; i >= 0; i--) {
        snprintf(name, sizeof name, "m.%d", i);
        ck_assert_ptr_nonnull(stats_counter(s, name, NULL));
    }
    ck_assert_uint_eq(stats_metric_count(s), 1000);
    ck_assert_ptr_eq(stats_find_counter(s, "m.500"), first);
    ck_assert_uint_eq(*first, 42);
    for (size_t i = 1; i < stats_metric_count(s); i++)
        ck_assert_int_lt(strcmp(stats_metric_at(s, i - 1)->name, stats_metric_at(s, i)->name), 0);
    ck_assert_ptr_null(stats_metric_at(s, 1000));
    stats_free(s);
}
END_TEST

START_TEST(test_summary_and_meta)
{
    struct stats *s = stats_new();
    ck_assert(stats_summary_set(s, "insns", 100));
    ck_assert(stats_summary_set(s, "cycles", 250));
    ck_assert(stats_summary_set(s, "cpi", 2.5));
    ck_assert(stats_summary_set(s, "insns", 101)); /* update keeps its place */
    ck_assert_uint_eq(stats_summary_count(s), 3);
    ck_assert_str_eq(stats_summary_key(s, 0), "insns");
    ck_assert(stats_summary_value(s, 0) == 101);
    ck_assert_str_eq(stats_summary_key(s, 2), "cpi");
    double v = 0;
    ck_assert(stats_summary_get(s, "cycles", &v) && v == 250);
    ck_assert(!stats_summary_get(s, "absent", &v));
    ck_assert_ptr_null(stats_summary_key(s, 3));

    ck_assert(stats_meta_set(s, "tool_version", "0.1.0"));
    ck_assert(stats_meta_set(s, "platform", "fvp-r"));
    ck_assert(stats_meta_set(s, "tool_version", "0.2.0"));
    ck_assert(!stats_meta_set(s, "x", NULL));
    ck_assert_uint_eq(stats_meta_count(s), 2);
    ck_assert_str_eq(stats_meta_key(s, 0), "tool_version");
    ck_assert_str_eq(stats_meta_value(s, 0), "0.2.0");
    ck_assert_str_eq(stats_meta_get(s, "platform"), "fvp-r");
    ck_assert_ptr_null(stats_meta_get(s, "absent"));

    /* Integral figures print as integers, others with full precision. */
    char *json = json_of(s, NULL);
    ck_assert_msg(strstr(json, "\"insns\": 101,"), "%s", json);
    ck_assert_msg(strstr(json, "\"cpi\": 2.5\n"), "%s", json);
    ck_assert_ptr_null(strstr(json, "101.0"));
    ck_assert_ptr_null(strstr(json, "e+"));
    free(json);
    stats_free(s);
}
END_TEST

START_TEST(test_summary_table_is_bounded)
{
    struct stats *s = stats_new();
    char key[32];
    for (int i = 0; i < STATS_SUMMARY_MAX; i++) {
        snprintf(key, sizeof key, "k%d", i);
        ck_assert(stats_summary_set(s, key, i));
    }
    ck_assert(!stats_summary_set(s, "one_more", 1));
    ck_assert(stats_summary_set(s, "k7", 8)); /* updates still work */
    ck_assert_uint_eq(stats_summary_count(s), STATS_SUMMARY_MAX);
    stats_free(s);
}
END_TEST

/* ---- histograms -------------------------------------------------------- */

START_TEST(test_hist_bucket_layout)
{
    ck_assert_uint_eq(stats_hist_bucket_lo(0), 0);
    ck_assert_uint_eq(stats_hist_bucket_hi(STATS_HIST_BUCKETS - 1), UINT64_MAX);
    ck_assert_uint_eq(stats_hist_bucket_index(UINT64_MAX), STATS_HIST_BUCKETS - 1);
    for (size_t i = 0; i < STATS_HIST_BUCKETS; i++) {
        uint64_t lo = stats_hist_bucket_lo(i), hi = stats_hist_bucket_hi(i);
        ck_assert_uint_le(lo, hi);
        ck_assert_uint_eq(stats_hist_bucket_index(lo), i);
        ck_assert_uint_eq(stats_hist_bucket_index(hi), i);
        if (i + 1 < STATS_HIST_BUCKETS)
            ck_assert_uint_eq(stats_hist_bucket_lo(i + 1), hi + 1); /* no gaps */
        if (i < 128)
            ck_assert_uint_eq(lo, hi);
        else /* width at most lo / 64 */
            ck_assert_uint_le((hi - lo + 1) * 64, lo);
    }
}
END_TEST

START_TEST(test_hist_small_is_exact)
{
    static const uint64_t sizes[] = {1, 2, 3, 7, 100, 999, STATS_HIST_EXACT_MAX};
    rng_state = 0x1234567;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint64_t n = sizes[k];
        struct stats *s = stats_new();
        struct stats_hist *h = stats_histogram(s, "h", NULL);
        uint64_t *ref = malloc(n * sizeof *ref);
        uint64_t sum = 0;
        for (uint64_t i = 0; i < n; i++) {
            ref[i] = rng() % (k % 2 ? 50 : 1000000); /* with and without repeats */
            sum += ref[i];
            stats_hist_add(h, ref[i]);
        }
        qsort(ref, n, sizeof *ref, cmp_u64);
        ck_assert(stats_hist_is_exact(h));
        ck_assert_uint_eq(stats_hist_count(h), n);
        ck_assert_uint_eq(stats_hist_sum(h), sum);
        ck_assert_uint_eq(stats_hist_min(h), ref[0]);
        ck_assert_uint_eq(stats_hist_max(h), ref[n - 1]);
        ck_assert(fabs(stats_hist_mean(h) - (double)sum / (double)n) < 1e-9);
        for (uint64_t p = 0; p <= 100; p++)
            ck_assert_msg(stats_hist_percentile(h, (double)p) == ref_percentile(ref, n, p, 100),
                          "n=%llu p=%llu", (unsigned long long)n, (unsigned long long)p);
        ck_assert_uint_eq(stats_hist_percentile(h, 99.9), ref_percentile(ref, n, 999, 1000));

        /* Exact buckets are the distinct values with their counts. */
        size_t nb;
        struct stats_hist_bucket *b = stats_hist_buckets(h, &nb);
        uint64_t total = 0;
        for (size_t i = 0; i < nb; i++) {
            ck_assert_uint_eq(b[i].lo, b[i].hi);
            if (i)
                ck_assert_uint_gt(b[i].lo, b[i - 1].lo);
            total += b[i].count;
        }
        ck_assert_uint_eq(total, n);
        free(b);
        free(ref);
        stats_free(s);
    }
}
END_TEST

START_TEST(test_hist_large_bounded_error)
{
    enum { N = 200000 };
    rng_state = 0xfeedface;
    uint64_t *ref = malloc(N * sizeof *ref);
    struct stats *s = stats_new();
    struct stats_hist *h = stats_histogram(s, "h", NULL);
    uint64_t sum = 0;
    for (int i = 0; i < N; i++) {
        /* Spread over many powers of two, as cycle counts are. */
        unsigned bits = (unsigned)(rng() % 41);
        ref[i] = bits ? rng() >> (64 - bits) : 0;
        sum += ref[i];
        stats_hist_add(h, ref[i]);
        if (i == STATS_HIST_EXACT_MAX - 1)
            ck_assert(stats_hist_is_exact(h));
        if (i == STATS_HIST_EXACT_MAX)
            ck_assert(!stats_hist_is_exact(h));
    }
    qsort(ref, N, sizeof *ref, cmp_u64);
    ck_assert_uint_eq(stats_hist_count(h), N);
    ck_assert_uint_eq(stats_hist_sum(h), sum);
    ck_assert_uint_eq(stats_hist_min(h), ref[0]);
    ck_assert_uint_eq(stats_hist_max(h), ref[N - 1]);
    ck_assert_uint_eq(stats_hist_percentile(h, 0), ref[0]);
    ck_assert_uint_eq(stats_hist_percentile(h, 100), ref[N - 1]);
    static const uint64_t per_mille[] = {1, 10, 100, 250, 500, 750, 900, 990, 999};
    for (size_t k = 0; k < sizeof per_mille / sizeof per_mille[0]; k++) {
        uint64_t exact = ref_percentile(ref, N, per_mille[k], 1000);
        uint64_t got = stats_hist_percentile(h, (double)per_mille[k] / 10.0);
        uint64_t diff = got > exact ? got - exact : exact - got;
        /* The documented bound: relative error at most 1/128. */
        ck_assert_msg(diff * 128 <= exact, "p%.1f: got %llu, exact %llu",
                      (double)per_mille[k] / 10.0, (unsigned long long)got,
                      (unsigned long long)exact);
    }
    free(ref);
    stats_free(s);
}
END_TEST

START_TEST(test_hist_empty_and_saturating_sum)
{
    struct stats *s = stats_new();
    struct stats_hist *h = stats_histogram(s, "h", NULL);
    ck_assert_uint_eq(stats_hist_count(h), 0);
    ck_assert_uint_eq(stats_hist_min(h), 0);
    ck_assert_uint_eq(stats_hist_max(h), 0);
    ck_assert_uint_eq(stats_hist_percentile(h, 50), 0);
    ck_assert(stats_hist_mean(h) == 0);
    size_t nb = 7;
    ck_assert_ptr_null(stats_hist_buckets(h, &nb));
    ck_assert_uint_eq(nb, 0);
    stats_hist_add(h, UINT64_MAX);
    stats_hist_add(h, UINT64_MAX);
    ck_assert_uint_eq(stats_hist_sum(h), UINT64_MAX);
    ck_assert_uint_eq(stats_hist_percentile(h, 50), UINT64_MAX);
    stats_free(s);
}
END_TEST

/* ---- series ------------------------------------------------------------ */

START_TEST(test_series_time_weighted_mean_by_hand)
{
    struct stats *s = stats_new();
    struct stats_series *ser = stats_series(s, "regions", NULL);
    ck_assert(isnan(stats_series_time_mean(ser, 10)));
    ck_assert(isnan(stats_series_peak(ser)));
    /* 2 during [0,10), 4 during [10,30), 1 during [30,40):
     * 2*10 + 4*20 + 1*10 = 110 over 40 cycles. */
    stats_series_append(ser, 0, 2);
    stats_series_append(ser, 10, 4);
    stats_series_append(ser, 30, 1);
    ck_assert(stats_series_integral(ser, 40) == 110.0);
    ck_assert(stats_series_time_mean(ser, 40) == 2.75);
    ck_assert(stats_series_peak(ser) == 4.0);
    /* Up to the last point: (20 + 80) / 30. */
    ck_assert(fabs(stats_series_time_mean(ser, 30) - 100.0 / 30.0) < 1e-12);
    /* An end before the last point counts as the last point. */
    ck_assert(stats_series_time_mean(ser, 20) == stats_series_time_mean(ser, 30));
    ck_assert_uint_eq(stats_series_len(ser), 3);
    ck_assert_uint_eq(stats_series_count(ser), 3);
    ck_assert_uint_eq(stats_series_stride(ser), 1);

    /* A single point: the mean over an empty span is that value. */
    struct stats_series *one = stats_series(s, "one", NULL);
    stats_series_append(one, 5, 3);
    ck_assert(stats_series_time_mean(one, 5) == 3.0);
    ck_assert(stats_series_time_mean(one, 15) == 3.0);

    /* Out of order: taken as happening at the previous point's cycle. */
    struct stats_series *ooo = stats_series(s, "ooo", NULL);
    stats_series_append(ooo, 10, 1);
    stats_series_append(ooo, 5, 2);
    ck_assert_uint_eq(stats_series_points(ooo)[1].cycle, 10);
    stats_free(s);
}
END_TEST

static double brute_integral(const uint64_t *cyc, const double *val, size_t n, uint64_t end)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += val[i] * (double)((i + 1 < n ? cyc[i + 1] : end) - cyc[i]);
    return total;
}

static void fill_series(struct stats_series *ser, uint64_t *cyc, double *val, size_t n)
{
    uint64_t c = 100;
    for (size_t i = 0; i < n; i++) {
        c += rng() % 50; /* repeated cycles happen too */
        double v = (double)(rng() % 32);
        if (i == 5555)
            v = 1000; /* one short spike */
        cyc[i] = c;
        val[i] = v;
        stats_series_append(ser, c, v);
    }
}

START_TEST(test_series_downsampling_keeps_peak)
{
    enum { N = 10000 };
    uint64_t *cyc = malloc(N * sizeof *cyc);
    double *val = malloc(N * sizeof *val);
    struct stats *s = stats_new();
    struct stats_series *a = stats_series(s, "a", NULL);
    struct stats_series *b = stats_series(s, "b", NULL);
    rng_state = 99;
    fill_series(a, cyc, val, N);
    rng_state = 99;
    fill_series(b, cyc, val, N);

    size_t n = stats_series_len(a);
    ck_assert_uint_le(n, STATS_SERIES_MAX_POINTS);
    ck_assert_uint_ge(n, STATS_SERIES_MAX_POINTS / 2);
    ck_assert_uint_eq(stats_series_count(a), N);
    ck_assert_uint_eq(stats_series_stride(a), 4);
    ck_assert(stats_series_peak(a) == 1000.0);

    /* The spike is in exactly one stored point, and that point's span holds
     * its cycle. */
    const struct stats_series_point *p = stats_series_points(a);
    int spikes = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].max == 1000.0) {
            spikes++;
            ck_assert_uint_le(p[i].cycle, cyc[5555]);
            ck_assert_uint_ge(p[i].last_cycle, cyc[5555]);
        }
        if (i)
            ck_assert_uint_le(p[i - 1].last_cycle, p[i].cycle);
    }
    ck_assert_int_eq(spikes, 1);

    /* The integral survives merging exactly (integers well below 2^53). */
    uint64_t end = cyc[N - 1] + 77;
    ck_assert(stats_series_integral(a, end) == brute_integral(cyc, val, N, end));

    /* Deterministic: the same appends give the same points. */
    ck_assert_uint_eq(stats_series_len(b), n);
    ck_assert_int_eq(memcmp(stats_series_points(b), p, n * sizeof *p), 0);
    free(cyc);
    free(val);
    stats_free(s);
}
END_TEST

START_TEST(test_series_long_run_stays_bounded)
{
    struct stats *s = stats_new();
    struct stats_series *ser = stats_series(s, "long", NULL);
    double area = 0;
    for (uint64_t i = 0; i < 300000; i++) {
        stats_series_append(ser, i * 2, (double)(i % 3));
        area += (double)(i % 3) * 2;
        ck_assert_uint_le(stats_series_len(ser), STATS_SERIES_MAX_POINTS);
    }
    ck_assert_uint_ge(stats_series_len(ser), STATS_SERIES_MAX_POINTS / 2);
    ck_assert(stats_series_integral(ser, 600000) == area);
    ck_assert(stats_series_time_mean(ser, 600000) == area / 600000.0);
    ck_assert(stats_series_peak(ser) == 2.0);
    stats_free(s);
}
END_TEST

/* The inline append (stats.h) and the out-of-line one must store the same
 * points bit for bit, through merging, time going backwards, growth and
 * downsampling. */
START_TEST(test_series_inline_append_matches_out_of_line)
{
    struct stats *s = stats_new();
    struct stats_series *fast = stats_series(s, "fast", NULL);
    struct stats_series *slow = stats_series(s, "slow", NULL);
    rng_state = 4242;
    uint64_t cycle = 1000;
    for (int i = 0; i < 20000; i++) {
        uint64_t r = rng();
        /* Mostly forward, sometimes the same cycle, sometimes backwards. */
        if (r % 8 == 0)
            cycle -= r % 50 < cycle ? r % 50 : 0;
        else if (r % 8 != 1)
            cycle += r % 997;
        double v = (double)(int64_t)(rng() % 64) - 20.0 + (r % 3 ? 0.25 : 0.0);
        stats_series_append(fast, cycle, v);
        stats_series_append_point(slow, cycle, v);
    }
    ck_assert_uint_eq(stats_series_count(fast), stats_series_count(slow));
    ck_assert_uint_eq(stats_series_stride(fast), stats_series_stride(slow));
    ck_assert_uint_gt(stats_series_stride(fast), 1);
    size_t n = stats_series_len(fast);
    ck_assert_uint_eq(n, stats_series_len(slow));
    ck_assert_int_eq(memcmp(stats_series_points(fast), stats_series_points(slow),
                            n * sizeof *stats_series_points(fast)),
                     0);
    stats_free(s);
}
END_TEST

/* A series read back from its JSON takes further appends as the original
 * does (the read-back one starts from the loaded points, stride and fill of
 * the last point), through more downsampling; its count is the original's. */
START_TEST(test_series_read_back_keeps_appending_alike)
{
    struct stats *s = stats_new();
    struct stats_series *a = stats_series(s, "a", NULL);
    stats_series(s, "empty", NULL);
    rng_state = 99;
    uint64_t cycle = 0;
    for (int i = 0; i < 3 * STATS_SERIES_MAX_POINTS + 5; i++) {
        cycle += rng() % 100;
        stats_series_append(a, cycle, (double)(rng() % 16));
    }
    ck_assert_uint_gt(stats_series_stride(a), 1);
    size_t len;
    char *text = json_of(s, &len);
    struct msa_error err = {{0}};
    struct stats *back = NULL;
    ck_assert_msg(stats_read_json_buffer(text, len, "a.json", &back, &err) == 0, "%s", err.msg);
    free(text);
    struct stats_series *b = (struct stats_series *)stats_find_series(back, "a");
    struct stats_series *e = (struct stats_series *)stats_find_series(back, "empty");
    ck_assert_uint_eq(stats_series_count(b), stats_series_count(a));
    ck_assert_uint_eq(stats_series_count(e), 0);
    for (int i = 0; i < 5 * STATS_SERIES_MAX_POINTS; i++) {
        cycle += rng() % 100;
        double v = (double)(rng() % 16);
        stats_series_append(a, cycle, v);
        stats_series_append(b, cycle, v);
    }
    stats_series_append(e, cycle, 7);
    ck_assert_uint_eq(stats_series_count(a), 8 * STATS_SERIES_MAX_POINTS + 5);
    ck_assert_uint_eq(stats_series_count(b), stats_series_count(a));
    ck_assert_uint_eq(stats_series_stride(b), stats_series_stride(a));
    ck_assert_uint_eq(stats_series_count(e), 1);
    ck_assert(stats_series_points(e)[0].value == 7);
    size_t n = stats_series_len(a);
    ck_assert_uint_eq(stats_series_len(b), n);
    ck_assert_int_eq(memcmp(stats_series_points(a), stats_series_points(b),
                            n * sizeof *stats_series_points(a)),
                     0);
    stats_free(back);
    stats_free(s);
}
END_TEST

/* The same for histograms: the inline add and the out-of-line one agree
 * while exact and after the switch to buckets. */
START_TEST(test_hist_inline_add_matches_out_of_line)
{
    struct stats *s = stats_new();
    struct stats_hist *fast = stats_histogram(s, "fast", NULL);
    struct stats_hist *slow = stats_histogram(s, "slow", NULL);
    rng_state = 31337;
    for (int i = 0; i < 3 * STATS_HIST_EXACT_MAX; i++) {
        uint64_t v = i == 100 ? UINT64_MAX : rng() >> (rng() % 64);
        stats_hist_add(fast, v);
        stats_hist_add_slow(slow, v);
        if (i == STATS_HIST_EXACT_MAX - 1 || i == 3 * STATS_HIST_EXACT_MAX - 1) {
            ck_assert(stats_hist_is_exact(fast) == stats_hist_is_exact(slow));
            ck_assert_uint_eq(stats_hist_count(fast), stats_hist_count(slow));
            ck_assert_uint_eq(stats_hist_sum(fast), stats_hist_sum(slow));
            ck_assert_uint_eq(stats_hist_min(fast), stats_hist_min(slow));
            ck_assert_uint_eq(stats_hist_max(fast), stats_hist_max(slow));
            size_t nf, ns;
            struct stats_hist_bucket *bf = stats_hist_buckets(fast, &nf);
            struct stats_hist_bucket *bs = stats_hist_buckets(slow, &ns);
            ck_assert_uint_eq(nf, ns);
            ck_assert_int_eq(memcmp(bf, bs, nf * sizeof *bf), 0);
            free(bf);
            free(bs);
        }
    }
    ck_assert(!stats_hist_is_exact(fast));
    ck_assert_uint_eq(stats_hist_sum(fast), UINT64_MAX);
    stats_free(s);
}
END_TEST

/* ---- JSON -------------------------------------------------------------- */

static struct stats *build_full_registry(void)
{
    struct stats *s = stats_new();
    stats_meta_set(s, "tool_version", "0.1.0");
    stats_meta_set(s, "command_line", "msasim run --hv xen-mpu \"guest one.elf\"\tx\n");
    stats_meta_set(s, "platform", "fvp-r \xc3\xa9");
    stats_summary_set(s, "insns", 1234567);
    stats_summary_set(s, "cycles", 9876543210.0);
    stats_summary_set(s, "exposure_byte_cycles", 4.5e15);
    stats_summary_set(s, "cpi", 8000.123456789);
    stats_summary_set(s, "undefined", NAN);
    *stats_counter(s, "cpu0.insns", "instructions retired") = 1234567;
    *stats_counter(s, "cpu1.insns", NULL) = UINT64_MAX;
    *stats_counter(s, "hv.map.map_domain_page.count", "calls") = 12;
    *stats_gauge(s, "mpu.el2.core0.regions_enabled", "regions enabled now") = 7;
    *stats_gauge(s, "ratio", NULL) = 0.1;
    *stats_gauge(s, "neg", NULL) = -2.5e-7;
    *stats_gauge(s, "nothing", NULL) = NAN;
    struct stats_hist *small = stats_histogram(s, "hv.map.map_domain_page.cycles", "per call");
    for (uint64_t v = 0; v < 300; v++)
        stats_hist_add(small, 200 + v * v % 97);
    struct stats_hist *big = stats_histogram(s, "cpu0.mem.latency", NULL);
    rng_state = 7;
    for (int i = 0; i < 5000; i++)
        stats_hist_add(big, rng() >> (rng() % 64));
    stats_histogram(s, "empty.hist", NULL);
    struct stats_series *ser = stats_series(s, "mpu.el2.core0.regions", "regions in use");
    for (uint64_t i = 0; i < 9000; i++)
        stats_series_append(ser, i * 10, (double)(i % 17) + (i % 5 ? 0.5 : 0));
    struct stats_series *few = stats_series(s, "few", NULL);
    stats_series_append(few, 3, 1);
    stats_series_append(few, 8, 2.25);
    stats_series(s, "empty.series", NULL);
    return s;
}

START_TEST(test_json_round_trip_identical)
{
    struct stats *s = build_full_registry();
    size_t len1;
    char *a = json_of(s, &len1);
    struct msa_error err = {{0}};
    struct stats *back = NULL;
    ck_assert_msg(stats_read_json_buffer(a, len1, "a.json", &back, &err) == 0, "%s", err.msg);
    char *b = json_of(back, NULL);
    assert_same_text(a, b);

    /* The rebuilt registry is the same, not only its text. */
    ck_assert_uint_eq(*stats_find_counter(back, "cpu1.insns"), UINT64_MAX);
    ck_assert_str_eq(stats_find(back, "cpu0.insns")->desc, "instructions retired");
    ck_assert(isnan(*stats_find_gauge(back, "nothing")));
    const struct stats_hist *hb = stats_find_histogram(back, "cpu0.mem.latency");
    const struct stats_hist *ha = stats_find_histogram(s, "cpu0.mem.latency");
    ck_assert(!stats_hist_is_exact(hb));
    ck_assert_uint_eq(stats_hist_percentile(hb, 99), stats_hist_percentile(ha, 99));
    const struct stats_series *sb = stats_find_series(back, "mpu.el2.core0.regions");
    const struct stats_series *sa = stats_find_series(s, "mpu.el2.core0.regions");
    ck_assert_uint_gt(stats_series_stride(sa), 1);
    ck_assert(stats_series_time_mean(sb, 100000) == stats_series_time_mean(sa, 100000));
    ck_assert_str_eq(stats_meta_get(back, "command_line"),
                     "msasim run --hv xen-mpu \"guest one.elf\"\tx\n");

    /* Both keep working after the round trip, identically. */
    stats_series_append((struct stats_series *)sb, 90000, 3);
    stats_series_append((struct stats_series *)sa, 90000, 3);
    stats_hist_add((struct stats_hist *)hb, 5);
    stats_hist_add((struct stats_hist *)ha, 5);
    stats_hist_add(stats_histogram(back, "hv.map.map_domain_page.cycles", NULL), 1);
    stats_hist_add(stats_histogram(s, "hv.map.map_domain_page.cycles", NULL), 1);
    free(a);
    free(b);
    a = json_of(s, NULL);
    b = json_of(back, NULL);
    assert_same_text(a, b);
    free(a);
    free(b);
    stats_free(back);
    stats_free(s);
}
END_TEST

/* Metric number k of a small fixed set, with its value. */
static void register_one(struct stats *s, int k)
{
    static const char *const names[] = {"z.last", "a.first", "m.mid", "b.two"};
    const char *name = names[k % 4];
    char n[64];
    if (k < 4) {
        *stats_counter(s, name, "a counter") = (uint64_t)k * 1000;
        snprintf(n, sizeof n, "%s.g", name);
        *stats_gauge(s, n, NULL) = k / 3.0;
    } else {
        snprintf(n, sizeof n, "%s.h", name);
        stats_hist_add(stats_histogram(s, n, "a histogram"), (uint64_t)k);
        snprintf(n, sizeof n, "%s.s", name);
        stats_series_append(stats_series(s, n, NULL), (uint64_t)k, k);
    }
}

START_TEST(test_json_file_round_trip_and_order_independence)
{
    make_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/stats.json", tmpdir);
    struct stats *s = build_full_registry();
    struct msa_error err = {{0}};
    ck_assert_msg(stats_write_json_file(s, path, &err) == 0, "%s", err.msg);
    struct stats *back = NULL;
    ck_assert_msg(stats_read_json(path, &back, &err) == 0, "%s", err.msg);
    char *a = json_of(s, NULL), *b = json_of(back, NULL);
    assert_same_text(a, b);
    assert_same_text(read_file(path), a);
    free(b);

    /* Registering the same metrics in another order gives the same bytes. */
    struct stats *fwd = stats_new(), *rev = stats_new();
    for (int k = 0; k < 8; k++) {
        register_one(fwd, k);
        register_one(rev, 7 - k);
    }
    char *f1 = json_of(fwd, NULL), *r1 = json_of(rev, NULL);
    assert_same_text(f1, r1);
    free(f1);
    free(r1);
    stats_free(fwd);
    stats_free(rev);
    free(a);
    stats_free(back);
    stats_free(s);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_json_layout)
{
    struct stats *s = build_full_registry();
    char *text = json_of(s, NULL);
    struct msa_error err = {{0}};
    struct json_doc *doc = json_parse(text, strlen(text), "out", NULL, &err);
    ck_assert_msg(doc, "%s", err.msg);
    const struct json_value *root = json_doc_root(doc);
    static const char *const order[] = {"schema",   "schema_version", "meta",
                                        "summary",  "counters",       "gauges",
                                        "histograms", "series",       "descriptions"};
    ck_assert_uint_eq(root->object.count, 9);
    for (size_t i = 0; i < 9; i++)
        ck_assert_str_eq(root->object.members[i].key, order[i]);
    ck_assert_str_eq(json_get(root, "schema")->string.s, "msasim-stats");
    ck_assert_uint_eq(json_get(root, "schema_version")->number.u, 1);
    const struct json_value *c = json_get(root, "counters");
    ck_assert_str_eq(c->object.members[0].key, "cpu0.insns");
    ck_assert_uint_eq(json_get(c, "cpu1.insns")->number.u, UINT64_MAX);
    ck_assert_int_eq(json_get(json_get(root, "gauges"), "nothing")->type, JSON_NULL);
    ck_assert_int_eq(json_get(json_get(root, "summary"), "undefined")->type, JSON_NULL);

    const struct stats_hist *h = stats_find_histogram(s, "hv.map.map_domain_page.cycles");
    const struct json_value *jh =
        json_get(json_get(root, "histograms"), "hv.map.map_domain_page.cycles");
    ck_assert_uint_eq(json_get(jh, "count")->number.u, 300);
    ck_assert_uint_eq(json_get(jh, "p50")->number.u, stats_hist_percentile(h, 50));
    ck_assert_uint_eq(json_get(jh, "p99")->number.u, stats_hist_percentile(h, 99));
    ck_assert(json_get(jh, "exact")->boolean);
    const struct json_value *b0 = &json_get(jh, "buckets")->array.items[0];
    ck_assert_uint_eq(b0->array.count, 3);

    const struct json_value *few = json_get(json_get(root, "series"), "few");
    ck_assert_uint_eq(json_get(few, "count")->number.u, 2);
    ck_assert(json_get(few, "peak")->number.d == 2.25);
    const struct json_value *pts = json_get(few, "points");
    ck_assert_uint_eq(pts->array.count, 2);
    ck_assert_uint_eq(pts->array.items[1].array.items[0].number.u, 8);
    ck_assert(pts->array.items[1].array.items[1].number.d == 2.25);
    const struct json_value *merged = json_get(json_get(root, "series"), "mpu.el2.core0.regions");
    ck_assert_uint_eq(json_get(merged, "points")->array.items[0].array.count, 6);

    /* Small arrays stay on one line. */
    ck_assert_ptr_nonnull(strstr(text, "\n        [8,2.25]"));
    ck_assert_str_eq(json_get(json_get(root, "descriptions"), "cpu0.insns")->string.s,
                     "instructions retired");
    json_doc_free(doc);
    free(text);
    stats_free(s);
}
END_TEST

/* Reading must fail with a message containing each fragment. */
static void expect_read_error(const char *text, const char *frag1, const char *frag2)
{
    struct msa_error err = {{0}};
    struct stats *s = (struct stats *)&err; /* must be reset to NULL */
    int rc = stats_read_json_buffer(text, strlen(text), "in.json", &s, &err);
    ck_assert_msg(rc == -1, "accepted: %s", text);
    ck_assert_ptr_null(s);
    ck_assert_msg(strncmp(err.msg, "in.json: line ", 14) == 0, "no location: %s", err.msg);
    ck_assert_msg(strstr(err.msg, frag1), "message \"%s\" lacks \"%s\"", err.msg, frag1);
    if (frag2)
        ck_assert_msg(strstr(err.msg, frag2), "message \"%s\" lacks \"%s\"", err.msg, frag2);
}

#define HDR "{\"schema\": \"msasim-stats\", \"schema_version\": 1, "

START_TEST(test_json_reader_errors)
{
    expect_read_error("[1]", "top level: expected an object", NULL);
    expect_read_error("{\"schema\": \"other\", \"schema_version\": 1}",
                      "schema: expected \"msasim-stats\"", "\"other\"");
    expect_read_error("{\"schema\": \"msasim-stats\"}", "expected a member \"schema_version\"",
                      NULL);
    expect_read_error("{\"schema\": \"msasim-stats\", \"schema_version\": 2}",
                      "schema_version: expected 1, found 2", NULL);
    expect_read_error(HDR "\"counters\": {\"a\": \"x\"}}",
                      "(byte 66): counters[\"a\"]: expected an unsigned 64-bit integer",
                      "found a string");
    expect_read_error(HDR "\"counters\": {\"a\": -1}}", "counters[\"a\"]", "unsigned");
    expect_read_error(HDR "\"counters\": {\"a\": 1.5}}", "counters[\"a\"]", "unsigned");
    expect_read_error(HDR "\"counters\": {\"a b\": 1}}", "counters[\"a b\"]", "expected a name");
    expect_read_error(HDR "\"counters\": {\"a\": 1}, \"gauges\": {\"a\": 2}}",
                      "gauges[\"a\"]: name already used by a counter", NULL);
    expect_read_error(HDR "\"gauges\": []}", "gauges: expected an object", NULL);
    expect_read_error(HDR "\"summary\": {\"x\": true}}", "summary[\"x\"]: expected a number",
                      NULL);
    expect_read_error(HDR "\"meta\": {\"x\": 1}}", "meta[\"x\"]: expected a string", NULL);
    expect_read_error(HDR "\"descriptions\": {\"ghost\": \"boo\"}}",
                      "descriptions[\"ghost\"]: describes no metric", NULL);
    expect_read_error(HDR "\"histograms\": {\"h\": {\"count\": 2, \"sum\": 3, \"min\": 1,"
                          " \"max\": 2, \"exact\": true, \"buckets\": [[1, 1, 1]]}}}",
                      "histograms[\"h\"]", "do not add up");
    expect_read_error(HDR "\"histograms\": {\"h\": {\"count\": 2, \"sum\": 3, \"min\": 1,"
                          " \"max\": 2, \"exact\": true, \"buckets\": [[1, 2, 2]]}}}",
                      "histograms[\"h\"]", "lo == hi");
    expect_read_error(HDR "\"histograms\": {\"h\": {\"count\": 2, \"sum\": 300, \"min\": 130,"
                          " \"max\": 170, \"exact\": false, \"buckets\": [[130, 132, 2]]}}}",
                      "histograms[\"h\"]", "log-linear");
    expect_read_error(HDR "\"histograms\": {\"h\": {\"count\": 1, \"sum\": 1, \"min\": 1,"
                          " \"max\": 1, \"exact\": true, \"buckets\": [[1, 1]]}}}",
                      "histograms[\"h\"].buckets[0]", "[lo, hi, count]");
    expect_read_error(HDR "\"histograms\": {\"h\": {\"count\": 1, \"sum\": 1, \"min\": 1,"
                          " \"max\": 1, \"buckets\": [[1, 1, 1]]}}}",
                      "histograms[\"h\"]: expected a member \"exact\"", NULL);
    expect_read_error(HDR "\"series\": {\"s\": {\"count\": 3, \"stride\": 1,"
                          " \"points\": [[1, 2], [3, 4]]}}}",
                      "series[\"s\"]", "count does not match");
    expect_read_error(HDR "\"series\": {\"s\": {\"count\": 2, \"stride\": 3,"
                          " \"points\": [[1, 2, 2, 2, 1, 0]]}}}",
                      "series[\"s\"]", "power of two");
    expect_read_error(HDR "\"series\": {\"s\": {\"count\": 2, \"stride\": 1,"
                          " \"points\": [[5, 2], [3, 4]]}}}",
                      "series[\"s\"]", "time order");
    expect_read_error(HDR "\"series\": {\"s\": {\"count\": 2, \"stride\": 2,"
                          " \"points\": [[5, 2]]}}}",
                      "series[\"s\"].points[0]", "downsampled");
    expect_read_error(HDR "\"counters\": {\"a\": 1}", "end of input", NULL);

    struct msa_error err = {{0}};
    struct stats *s = NULL;
    ck_assert_int_eq(stats_read_json("no/such/stats.json", &s, &err), -1);
    ck_assert_msg(strstr(err.msg, "no/such/stats.json"), "%s", err.msg);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_json_reader_accepts_minimal)
{
    const char *text = HDR "\"unknown_future_block\": {}}";
    struct msa_error err = {{0}};
    struct stats *s = NULL;
    ck_assert_msg(stats_read_json_buffer(text, strlen(text), "m", &s, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(stats_metric_count(s), 0);
    stats_free(s);
}
END_TEST

/* ---- text -------------------------------------------------------------- */

START_TEST(test_text_output)
{
    struct stats *s = build_full_registry();
    *stats_counter(s, "a.b.x", NULL) = 1;
    *stats_counter(s, "a.b.y.q", NULL) = 2;
    *stats_counter(s, "a.b.z", NULL) = 3;
    *stats_counter(s, "toplevel", NULL) = 4;
    /* Names that fit no column: they get a line of their own. */
    char name[100];
    memset(name, 'n', 90);
    name[90] = '\0';
    stats_hist_add(stats_histogram(s, name, NULL), UINT64_MAX / 3);
    name[0] = 'c';
    *stats_counter(s, name, NULL) = 5;
    name[58] = '\0';
    stats_hist_add(stats_histogram(s, name, NULL), UINT64_MAX / 7);
    char *text = text_of(s);

    /* Fits 100 columns. */
    int line_no = 0;
    for (const char *line = text; *line; line_no++) {
        const char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        ck_assert_msg(nl - line <= 100, "line %d is %d columns: %.*s", line_no, (int)(nl - line),
                      (int)(nl - line), line);
        line = nl + 1;
    }
    /* Summary first, then counters grouped by prefix. */
    ck_assert_msg(strncmp(text, "summary\n  insns ", 16) == 0, "%s", text);
    const char *counters = strstr(text, "\ncounters\n");
    ck_assert_ptr_nonnull(counters);
    ck_assert_ptr_nonnull(strstr(counters, "\n  a.b\n    x "));
    /* a.b's members stay together although a.b.y sorts between them. */
    const char *grp = strstr(counters, "\n  a.b\n");
    const char *z = strstr(counters, "\n    z ");
    const char *sub = strstr(counters, "\n  a.b.y\n");
    ck_assert(grp && z && sub && z < sub);
    ck_assert_ptr_nonnull(strstr(counters, "\n  cpu1\n    insns "));
    ck_assert_ptr_nonnull(strstr(counters, "18446744073709551615\n"));
    ck_assert_ptr_nonnull(strstr(counters, "\n  toplevel "));
    ck_assert_ptr_nonnull(strstr(text, "\nhistograms "));
    ck_assert_ptr_nonnull(strstr(text, "\n  hv.map.map_domain_page.cycles "));
    ck_assert_ptr_nonnull(strstr(text, "\nseries "));
    ck_assert_ptr_nonnull(strstr(text, "\nmeta\n  tool_version  "));
    ck_assert(strstr(text, "\nsummary") == NULL); /* only once, at the top */
    free(text);

    /* An empty registry writes nothing. */
    struct stats *e = stats_new();
    text = text_of(e);
    ck_assert_str_eq(text, "");
    free(text);
    stats_free(e);
    stats_free(s);
}
END_TEST

/* ---- atomic files ------------------------------------------------------ */

START_TEST(test_atomic_commit)
{
    make_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    mode_t old_mask = umask(022);
    struct msa_error err = {{0}};
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, &err);
    ck_assert_msg(f, "%s", err.msg);
    fputs("hello\n", f);
    /* Nothing at the destination until commit. */
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(count_dir_entries(tmpdir), 1);
    ck_assert_int_eq(atomic_commit(&af, &err), 0);
    ck_assert_str_eq(read_file(path), "hello\n");
    ck_assert_int_eq(count_dir_entries(tmpdir), 1); /* no temporary left */
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    atomic_abort(&af); /* harmless after commit */
    ck_assert_str_eq(read_file(path), "hello\n");

    /* Replacing an existing file. */
    f = atomic_open(path, &af, &err);
    ck_assert_ptr_nonnull(f);
    fputs("second\n", f);
    ck_assert_str_eq(read_file(path), "hello\n");
    ck_assert_int_eq(atomic_commit(&af, &err), 0);
    ck_assert_str_eq(read_file(path), "second\n");
    umask(old_mask);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_atomic_abort)
{
    make_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/out.json", tmpdir);
    struct msa_error err = {{0}};
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, &err);
    ck_assert_ptr_nonnull(f);
    fputs("partial", f);
    atomic_abort(&af);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(count_dir_entries(tmpdir), 0);

    /* An existing file survives an aborted rewrite. */
    FILE *old = fopen(path, "w");
    fputs("old\n", old);
    fclose(old);
    f = atomic_open(path, &af, &err);
    fputs("new", f);
    atomic_abort(&af);
    ck_assert_str_eq(read_file(path), "old\n");
    ck_assert_int_eq(count_dir_entries(tmpdir), 1);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_atomic_failures_name_the_path)
{
    make_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/missing/out.json", tmpdir);
    struct msa_error err = {{0}};
    struct atomic_file af;
    ck_assert_ptr_null(atomic_open(path, &af, &err));
    ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, strerror(ENOENT)), "%s", err.msg);
    atomic_abort(&af); /* safe after a failed open */

    struct stats *s = stats_new();
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(stats_write_json_file(s, path, &err), -1);
    ck_assert_msg(strstr(err.msg, path), "%s", err.msg);
    ck_assert_int_eq(stats_write_text_file(s, path, &err), -1);
    stats_free(s);

    /* The rename fails when the destination is a non-empty directory: the
     * error names it and no temporary file is left behind. */
    snprintf(path, sizeof path, "%s/dir", tmpdir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    char inner[700];
    snprintf(inner, sizeof inner, "%s/keep", path);
    fclose(fopen(inner, "w"));
    FILE *f = atomic_open(path, &af, &err);
    ck_assert_ptr_nonnull(f);
    fputs("x", f);
    ck_assert_int_eq(atomic_commit(&af, &err), -1);
    ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "cannot replace"), "%s", err.msg);
    ck_assert_int_eq(count_dir_entries(tmpdir), 1);
    unlink(inner);
    rmdir(path);

    ck_assert_ptr_null(atomic_open("", &af, &err));
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_atomic_stdout)
{
    struct msa_error err = {{0}};
    struct atomic_file af;
    FILE *f = atomic_open("-", &af, &err);
    ck_assert_ptr_eq(f, stdout);
    ck_assert_int_eq(atomic_commit(&af, &err), 0);
    /* stdout is still usable. */
    ck_assert_int_ge(fprintf(stdout, "%s", ""), 0);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *reg = tcase_create("registry");
    tcase_add_test(reg, test_register_same_name_same_metric);
    tcase_add_test(reg, test_invalid_names_refused);
    tcase_add_test(reg, test_name_characters_one_by_one);
    tcase_add_test(reg, test_descriptions);
    tcase_add_test(reg, test_sorted_iteration_and_stable_handles);
    tcase_add_test(reg, test_summary_and_meta);
    tcase_add_test(reg, test_summary_table_is_bounded);
    suite_add_tcase(s, reg);

    TCase *hist = tcase_create("histogram");
    tcase_add_test(hist, test_hist_bucket_layout);
    tcase_add_test(hist, test_hist_small_is_exact);
    tcase_add_test(hist, test_hist_large_bounded_error);
    tcase_add_test(hist, test_hist_empty_and_saturating_sum);
    tcase_add_test(hist, test_hist_inline_add_matches_out_of_line);
    suite_add_tcase(s, hist);

    TCase *series = tcase_create("series");
    tcase_add_test(series, test_series_time_weighted_mean_by_hand);
    tcase_add_test(series, test_series_downsampling_keeps_peak);
    tcase_add_test(series, test_series_long_run_stays_bounded);
    tcase_add_test(series, test_series_inline_append_matches_out_of_line);
    tcase_add_test(series, test_series_read_back_keeps_appending_alike);
    suite_add_tcase(s, series);

    TCase *json = tcase_create("json");
    tcase_add_test(json, test_json_round_trip_identical);
    tcase_add_test(json, test_json_file_round_trip_and_order_independence);
    tcase_add_test(json, test_json_layout);
    tcase_add_test(json, test_json_reader_errors);
    tcase_add_test(json, test_json_reader_accepts_minimal);
    tcase_add_test(json, test_text_output);
    suite_add_tcase(s, json);

    TCase *atomic = tcase_create("atomic_file");
    tcase_add_test(atomic, test_atomic_commit);
    tcase_add_test(atomic, test_atomic_abort);
    tcase_add_test(atomic, test_atomic_failures_name_the_path);
    tcase_add_test(atomic, test_atomic_stdout);
    suite_add_tcase(s, atomic);
    return s;
}

int main(void)
{
    return check_run(stats_suite());
}
