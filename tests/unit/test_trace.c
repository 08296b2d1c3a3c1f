/* Unit tests for the boot-trace forms (sim/trace.h): every event kind
 * through text and binary and back, lossless conversion both ways, gzip,
 * and bad input: every truncation of a trace, corrupted bytes, a newer
 * version, a wrong end count, malformed lines, each one an error that names
 * the line or byte, never a crash. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/trace.h"
#include "tests/unit/check_run.h"
#include "tests/unit/trace_test_util.h"

/* ---- a trace with every kind of event ---------------------------------- */

static const unsigned char fake_dtb[] = {0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x00, 0x10,
                                         0x01, 0x02, 0x03, 0x04, 0xff, 0x00, 0x7f, 0x80};

static void sample_header(struct trace_header *h, bool dtb)
{
    memset(h, 0, sizeof *h);
    h->version = TRACE_FORMAT_VERSION;
    h->platform_kind = dtb ? TRACE_PLATFORM_DTB : TRACE_PLATFORM_BUILTIN;
    h->platform = dtb ? "board \"x\".dtb" : "fvp-r";
    if (dtb) {
        h->dtb = fake_dtb;
        h->dtb_size = sizeof fake_dtb;
    }
    h->fdt_size = 2523;
    h->module = "xen-mpu";
    h->options[h->noptions++] = "alloc=reserved=4";
    h->options[h->noptions++] = "cost.isb=9";
    h->mpu_regions = 20;
    h->el1_mpu_regions = 12;
    h->notes[h->nnotes++] = "a note with \\ and \"quotes\", a tab\t and UTF-8 caf\xc3\xa9";
}

#define NEV 19

static void sample_events(struct hv_event *ev)
{
    memset(ev, 0, NEV * sizeof *ev);
    for (int i = 0; i < NEV; i++) {
        ev[i].domain = -1;
        ev[i].ctx_domain = -1;
        ev[i].cycle = (uint64_t)i * 1000;
    }
    ev[0].kind = HV_EV_BOOT;
    ev[1] = (struct hv_event){.kind = HV_EV_MAP, .op = HV_OP_IOREMAP, .owner = HV_OWNER_DEVICE,
                              .core = HV_ALL_CORES, .ctx_domain = -1, .domain = -1,
                              .flags = HV_MAP_HYPERVISOR_NOCACHE, .domid = HV_DOMID_XEN,
                              .cycle = 1000, .a = 0x9c090000, .b = 0x1000, .purpose = "console UART"};
    ev[2] = (struct hv_event){.kind = HV_EV_BEGIN, .op = HV_OP_COPY_FROM_PADDR, .ctx_domain = -1,
                              .domain = -1, .cycle = 2000};
    ev[3] = (struct hv_event){.kind = HV_EV_COPY, .ctx_domain = -1, .domain = -1, .cycle = 2000,
                              .a = UINT64_MAX - 4095, .b = 0, .c = UINT64_MAX};
    ev[4] = (struct hv_event){.kind = HV_EV_CLEAN, .ctx_domain = -1, .domain = -1, .cycle = 2001,
                              .a = 0x7de00000, .c = 0x9db};
    ev[5] = (struct hv_event){.kind = HV_EV_END, .op = HV_OP_COPY_FROM_PADDR, .ctx_domain = -1,
                              .domain = -1, .cycle = 2002};
    ev[6] = (struct hv_event){.kind = HV_EV_CPU_UP, .core = 3, .ctx_domain = -1, .domain = -1,
                              .cycle = 3000};
    ev[7] = (struct hv_event){.kind = HV_EV_CREATE_DOMAIN, .core = 1, .ctx_domain = -1,
                              .domain = 1, .cycle = 3000};
    ev[8] = (struct hv_event){.kind = HV_EV_P2M_UPDATE, .core = 1, .ctx_domain = -1, .domain = 1,
                              .cycle = 3500, .a = 0x40000000, .b = 0x30000000, .c = 0x1f000000,
                              .flags = HV_MAP_GUEST_RAM, .purpose = "static-mem"};
    ev[9] = (struct hv_event){.kind = HV_EV_BEGIN, .op = HV_OP_LOAD_DOMAIN, .ctx_domain = -1,
                              .domain = 1, .cycle = 4000};
    ev[10] = (struct hv_event){.kind = HV_EV_MAP_DOMAIN_PAGE, .ctx_domain = -1, .domain = -1,
                               .cycle = 4000, .a = 0x30000000};
    ev[11] = (struct hv_event){.kind = HV_EV_UNMAP_DOMAIN_PAGE, .ctx_domain = -1, .domain = -1,
                               .cycle = 4100, .a = 0x30000000};
    /* Flags with a bit the symbols do not cover: written in hex. */
    ev[12] = (struct hv_event){.kind = HV_EV_MAP, .op = HV_OP_UNMAP, .owner = HV_OWNER_OTHER,
                               .core = HV_ALL_CORES, .ctx_domain = -1, .domain = -1,
                               .flags = 0x80000000u, .domid = 7, .cycle = 4200, .a = 0x1000,
                               .b = 0x2000, .purpose = "console UART"};
    ev[13] = (struct hv_event){.kind = HV_EV_END, .op = HV_OP_LOAD_DOMAIN, .ctx_domain = -1,
                               .domain = -1, .cycle = 4300};
    ev[14] = (struct hv_event){.kind = HV_EV_PHASE, .ctx_domain = -1, .domain = -1, .cycle = 5000,
                               .a = 1};
    ev[15] = (struct hv_event){.kind = HV_EV_SWITCH, .core = 2, .ctx_domain = 1, .ctx_vcpu = 1,
                               .domain = -1, .cycle = 5000};
    ev[16] = (struct hv_event){.kind = HV_EV_ACCESS, .core = 2, .ctx_domain = 0, .domain = -1,
                               .cycle = 5100, .a = 0x60001ff8, .c = 8, .flags = 1};
    ev[17] = (struct hv_event){.kind = HV_EV_ACCESS, .core = 2, .ctx_domain = 0, .domain = -1,
                               .cycle = 5200, .a = 0x60002000, .c = 0x1000, .flags = 2};
    ev[18] = (struct hv_event){.kind = HV_EV_FINISH_BOOT, .core = 63, .ctx_domain = 31,
                               .ctx_vcpu = 63, .domain = -1, .cycle = UINT64_MAX};
    /* Every kind is in the sample. */
    bool seen[HV_EV_KIND_COUNT] = {false};
    for (int i = 0; i < NEV; i++)
        seen[ev[i].kind] = true;
    for (int k = 0; k < HV_EV_KIND_COUNT; k++)
        ck_assert_msg(seen[k], "event kind %d missing from the sample", k);
}

static void write_sample(const char *path, enum trace_form form, bool dtb)
{
    struct trace_header h;
    struct hv_event ev[NEV];
    sample_header(&h, dtb);
    sample_events(ev);
    struct trace_writer *w;
    struct msa_error err = {{0}};
    ck_assert_int_eq(trace_writer_open(path, form, &h, &w, &err), 0);
    for (int i = 0; i < NEV; i++)
        trace_writer_event(w, &ev[i]);
    ck_assert_msg(trace_writer_close(w, &err) == 0, "%s", err.msg);
}

static void check_sample(const char *path, enum trace_form form, bool dtb)
{
    struct trace_reader *r;
    struct msa_error err = {{0}};
    ck_assert_msg(trace_open(path, &r, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(trace_form(r), form);
    const struct trace_header *h = trace_header(r);
    struct trace_header want;
    sample_header(&want, dtb);
    ck_assert_int_eq(h->platform_kind, want.platform_kind);
    ck_assert_str_eq(h->platform, want.platform);
    ck_assert_uint_eq(h->fdt_size, 2523);
    ck_assert_str_eq(h->module, "xen-mpu");
    ck_assert_uint_eq(h->noptions, 2);
    ck_assert_str_eq(h->options[1], "cost.isb=9");
    ck_assert_uint_eq(h->mpu_regions, 20);
    ck_assert_uint_eq(h->el1_mpu_regions, 12);
    ck_assert_uint_eq(h->nnotes, 1);
    ck_assert_str_eq(h->notes[0], want.notes[0]);
    if (dtb) {
        ck_assert_uint_eq(h->dtb_size, sizeof fake_dtb);
        ck_assert_mem_eq(h->dtb, fake_dtb, sizeof fake_dtb);
    }
    struct hv_event ev[NEV], got;
    sample_events(ev);
    for (int i = 0; i < NEV; i++) {
        ck_assert_msg(trace_next(r, &got, &err) == 1, "event %d: %s", i, err.msg);
        ck_assert_msg(same_event(&got, &ev[i]), "event %d (%s) differs after reading", i,
                      hv_ev_kind_name((enum hv_ev_kind)ev[i].kind));
    }
    ck_assert_int_eq(trace_next(r, &got, &err), 0);
    ck_assert_uint_eq(trace_events_read(r), NEV);
    trace_close(r);
}

START_TEST(test_every_event_both_forms)
{
    make_tmpdir("trace");
    for (int dtb = 0; dtb < 2; dtb++) {
        write_sample(tmp("a.trace"), TRACE_TEXT, dtb);
        check_sample(tmp("a.trace"), TRACE_TEXT, dtb);
        write_sample(tmp("a.mtrace"), TRACE_BINARY, dtb);
        check_sample(tmp("a.mtrace"), TRACE_BINARY, dtb);
    }
    remove_tmpdir();
}
END_TEST

START_TEST(test_conversion_is_lossless)
{
    make_tmpdir("trace");
    struct msa_error err = {{0}};
    write_sample(tmp("t.trace"), TRACE_TEXT, true);
    ck_assert_int_eq(trace_convert(tmp("t.trace"), tmp("b.mtrace"), TRACE_BINARY, NULL, &err), 0);
    ck_assert_int_eq(trace_convert(tmp("b.mtrace"), tmp("t2.trace"), TRACE_TEXT, NULL, &err), 0);
    ck_assert_int_eq(trace_convert(tmp("t2.trace"), tmp("b2.mtrace"), TRACE_BINARY, NULL, &err), 0);
    size_t n1, n2, m1, m2;
    unsigned char *t1 = slurp(tmp("t.trace"), &n1), *t2 = slurp(tmp("t2.trace"), &n2);
    unsigned char *b1 = slurp(tmp("b.mtrace"), &m1), *b2 = slurp(tmp("b2.mtrace"), &m2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_mem_eq(t1, t2, n1);
    ck_assert_uint_eq(m1, m2);
    ck_assert_mem_eq(b1, b2, m1);
    /* The binary form is the smaller one. */
    ck_assert_uint_lt(m1, n1);
    free(t1);
    free(t2);
    free(b1);
    free(b2);
    remove_tmpdir();
}
END_TEST

START_TEST(test_gzip_both_forms)
{
    make_tmpdir("trace");
    write_sample(tmp("z.trace.gz"), TRACE_TEXT, false);
    write_sample(tmp("z.mtrace.gz"), TRACE_BINARY, false);
    size_t n;
    unsigned char *b = slurp(tmp("z.trace.gz"), &n);
    ck_assert(n > 2 && b[0] == 0x1f && b[1] == 0x8b);   /* really gzipped */
    free(b);
    check_sample(tmp("z.trace.gz"), TRACE_TEXT, false);
    check_sample(tmp("z.mtrace.gz"), TRACE_BINARY, false);
    remove_tmpdir();
}
END_TEST

/* Reads everything; returns the last trace_next status (or -1 when open
 * failed) and leaves the message in `err`. */
static int read_all_mem(const unsigned char *buf, size_t len, struct msa_error *err)
{
    struct trace_reader *r;
    if (trace_open_mem(buf, len, "T", &r, err) < 0)
        return -1;
    struct hv_event ev;
    int rc;
    while ((rc = trace_next(r, &ev, err)) == 1)
        ;
    trace_close(r);
    return rc;
}

START_TEST(test_every_truncation_is_an_error_with_its_place)
{
    make_tmpdir("trace");
    write_sample(tmp("t.trace"), TRACE_TEXT, true);
    write_sample(tmp("t.mtrace"), TRACE_BINARY, true);
    size_t n;
    unsigned char *b = slurp(tmp("t.mtrace"), &n);
    struct msa_error err;
    ck_assert_int_eq(read_all_mem(b, n, &err), 0);
    for (size_t cut = 0; cut < n; cut++) {
        memset(&err, 0, sizeof err);
        ck_assert_msg(read_all_mem(b, cut, &err) < 0, "binary cut at %zu accepted", cut);
        if (cut > 0)
            ck_assert_msg(strstr(err.msg, "T: byte ") != NULL, "cut %zu: '%s'", cut, err.msg);
    }
    free(b);
    b = slurp(tmp("t.trace"), &n);
    ck_assert_int_eq(read_all_mem(b, n, &err), 0);
    for (size_t cut = 0; cut < n - 1; cut++) {
        memset(&err, 0, sizeof err);
        ck_assert_msg(read_all_mem(b, cut, &err) < 0, "text cut at %zu accepted", cut);
        if (cut >= strlen("msasim-trace"))
            ck_assert_msg(strncmp(err.msg, "T:", 2) == 0 && err.msg[2] >= '1' && err.msg[2] <= '9',
                          "cut %zu: '%s'", cut, err.msg);
    }
    free(b);
    remove_tmpdir();
}
END_TEST

START_TEST(test_corrupted_bytes_never_crash)
{
    make_tmpdir("trace");
    write_sample(tmp("t.mtrace"), TRACE_BINARY, true);
    size_t n;
    unsigned char *b = slurp(tmp("t.mtrace"), &n);
    unsigned char *c = malloc(n);
    unsigned errors = 0;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++) {
            memcpy(c, b, n);
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            c[i] ^= (unsigned char)(1u << (s % 8));
            struct msa_error err = {{0}};
            if (read_all_mem(c, n, &err) < 0) {
                errors++;
                ck_assert_msg(err.msg[0] != '\0', "an error without a message");
            }
        }
    }
    /* Most single-bit flips are caught (by the structure or the end count). */
    ck_assert_uint_gt(errors, n);
    free(c);
    free(b);
    remove_tmpdir();
}
END_TEST

START_TEST(test_newer_version_refused)
{
    struct msa_error err = {{0}};
    const char *text = "msasim-trace 3\nplatform builtin \"fvp-r\"\nmodule \"xen-mpu\"\nevents\n"
                       "end 0\n";
    ck_assert_int_eq(TRACE_FORMAT_VERSION, 2);
    ck_assert_int_eq(read_all_mem((const unsigned char *)text, strlen(text), &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "T:1: trace format version 3 is newer"));
    const unsigned char bin[] = {0x89, 'M', 'S', 'A', 'T', 'R', 'C', '\n', 0x03, 0x00};
    ck_assert_int_eq(read_all_mem(bin, sizeof bin, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "T: byte 8: trace format version 3 is newer"));
    /* This version and the one before (no access events) are read. */
    for (int v = 1; v <= 2; v++) {
        char ok[128];
        snprintf(ok, sizeof ok, "msasim-trace %d\nplatform builtin \"fvp-r\"\nmodule \"xen-mpu\"\n"
                 "events\nend 0\n", v);
        ck_assert_int_eq(read_all_mem((const unsigned char *)ok, strlen(ok), &err), 0);
    }
}
END_TEST

struct bad_case {
    const char *events;      /* lines after "events" */
    const char *expect;      /* in the message */
};

START_TEST(test_malformed_text_lines)
{
    static const struct bad_case cases[] = {
        {"0 c0 idle boot\nend 2\n", "T:6: the end line counts 2 events but 1 were read"},
        {"0 c0 idle boot\n", "T:5: truncated: no 'end COUNT' line"},
        {"0 c0 idle bot\nend 1\n", "T:5: unknown event 'bot'"},
        {"5 c0 idle boot\n4 c0 idle finish_boot\nend 2\n", "T:6: finish_boot event: its cycle is earlier"},
        {"0 c99 idle boot\nend 1\n", "T:5: core 'c99'"},
        {"0 c0 d0v0 boot\nend 1\n", "T:5: vCPU 'd0v0'"},
        {"0 all idle ioremap 0x1000 pw--/4 device xen \"x\"\nend 1\n", "T:5: range '0x1000'"},
        {"0 all idle ioremap 0x1000+0x1000 pq--/4 device xen \"x\"\nend 1\n", "T:5: flags 'pq--/4'"},
        {"0 all idle ioremap 0x1000+0x1000 pw--/4 gadget xen \"x\"\nend 1\n", "T:5: owner 'gadget'"},
        {"0 all idle ioremap 0x1000+0x1000 pw--/4 device xen \"x\nend 1\n", "T:5: unterminated string"},
        {"0 all idle ioremap 0x1000+0x1000 pw--/4 device xen \"\\q\"\nend 1\n", "T:5: bad escape"},
        {"0 c0 idle begin load_kernel\nend 1\n", "T:5: composite 'load_kernel'"},
        {"0 c0 idle create_domain d40\nend 1\n", "T:5: domain 'd40'"},
        {"0 c0 idle copy 0x1 0x2\nend 1\n", "T:5: 6 fields"},
        {"0 c0 idle boot\nend 1\nextra\n", "T:7: data after the end line"},
        {"0x1g c0 idle boot\nend 1\n", "T:5: cycle '0x1g'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[1024];
        snprintf(buf, sizeof buf, "msasim-trace 1\nplatform builtin \"fvp-r\"\nmodule \"m\"\n"
                 "events\n%s", cases[i].events);
        struct msa_error err = {{0}};
        ck_assert_msg(read_all_mem((const unsigned char *)buf, strlen(buf), &err) == -1,
                      "case %zu accepted", i);
        ck_assert_msg(strstr(err.msg, cases[i].expect) != NULL, "case %zu: '%s' lacks '%s'", i,
                      err.msg, cases[i].expect);
    }
}
END_TEST

START_TEST(test_malformed_headers)
{
    static const struct bad_case cases[] = {
        {"", "T: empty file"},
        {"hello\n", "T: byte 0: not a msasim trace"},
        {"msasim-trace\n", "T:1: expected 'msasim-trace VERSION'"},
        {"msasim-trace 1\nmodule \"m\"\nevents\nend 0\n", "T:3: the header has no platform line"},
        {"msasim-trace 1\nplatform builtin \"v\"\nevents\nend 0\n", "T:3: the header has no module"},
        {"msasim-trace 1\nplatform builtin \"v\"\nmodule \"m\"\ncolour blue\nevents\n",
         "T:4: unknown header field 'colour'"},
        {"msasim-trace 1\nplatform dtb \"v\" 8\ndtb 00112233\nmodule \"m\"\nevents\nend 0\n",
         "T:4: expected 'dtb HEX'"},
        {"msasim-trace 1\nplatform builtin \"v\"\nmodule \"m\"\nmpu-regions 0\nevents\nend 0\n",
         "T:4: region count 0"},
        {"msasim-trace 1\nplatform builtin \"v\"\nmodule \"m\"\n", "T:3: truncated: the header has no 'events'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct msa_error err = {{0}};
        const char *t = cases[i].events;
        ck_assert_msg(read_all_mem((const unsigned char *)t, strlen(t), &err) == -1,
                      "case %zu accepted", i);
        ck_assert_msg(strstr(err.msg, cases[i].expect) != NULL, "case %zu: '%s' lacks '%s'", i,
                      err.msg, cases[i].expect);
    }
}
END_TEST

START_TEST(test_comments_and_blank_lines_are_skipped)
{
    const char *t = "msasim-trace 1\n# a trace written by hand\n\nplatform builtin \"fvp-r\"\n"
                    "module \"xen-mpu\"\r\nevents\n# boot first\n  0   c0\tidle boot  \n\nend 1\n";
    struct trace_reader *r;
    struct msa_error err = {{0}};
    ck_assert_msg(trace_open_mem(t, strlen(t), "T", &r, &err) == 0, "%s", err.msg);
    struct hv_event ev;
    ck_assert_int_eq(trace_next(r, &ev, &err), 1);
    ck_assert_int_eq(ev.kind, HV_EV_BOOT);
    ck_assert_uint_eq(trace_header(r)->mpu_regions, 32);   /* defaults */
    ck_assert_uint_eq(trace_header(r)->el1_mpu_regions, 16);
    ck_assert_int_eq(trace_next(r, &ev, &err), 0);
    trace_close(r);
}
END_TEST

START_TEST(test_writer_refuses_bad_events_and_leaves_no_file)
{
    make_tmpdir("trace");
    struct trace_header h;
    sample_header(&h, false);
    struct msa_error err = {{0}};
    struct trace_writer *w;
    ck_assert_int_eq(trace_writer_open(tmp("bad.trace"), TRACE_TEXT, &h, &w, &err), 0);
    struct hv_event ev = {.kind = HV_EV_MAP, .op = HV_OP_BOOT, .ctx_domain = -1, .domain = -1};
    trace_writer_event(w, &ev);
    ck_assert_int_eq(trace_writer_close(w, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "mapping kind"));
    struct stat st;
    ck_assert_int_ne(stat(tmp("bad.trace"), &st), 0);
    /* Cycles must not go backwards. */
    ck_assert_int_eq(trace_writer_open(tmp("bad2.mtrace"), TRACE_BINARY, &h, &w, &err), 0);
    struct hv_event a = {.kind = HV_EV_BOOT, .ctx_domain = -1, .domain = -1, .cycle = 10};
    struct hv_event b = {.kind = HV_EV_FINISH_BOOT, .ctx_domain = -1, .domain = -1, .cycle = 9};
    trace_writer_event(w, &a);
    trace_writer_event(w, &b);
    ck_assert_int_eq(trace_writer_close(w, &err), -1);
    ck_assert_int_ne(stat(tmp("bad2.mtrace"), &st), 0);
    remove_tmpdir();
}
END_TEST

START_TEST(test_binary_errors_name_the_byte)
{
    make_tmpdir("trace");
    write_sample(tmp("t.mtrace"), TRACE_BINARY, false);
    size_t n;
    unsigned char *b = slurp(tmp("t.mtrace"), &n);
    struct msa_error err = {{0}};
    /* The last bytes are the end record: 0x00 and the count. */
    ck_assert_uint_eq(b[n - 2], 0x00);
    ck_assert_uint_eq(b[n - 1], NEV);
    b[n - 1] = NEV + 1;
    ck_assert_int_eq(read_all_mem(b, n, &err), -1);
    char want[64];
    snprintf(want, sizeof want, "T: byte %zu: the end record counts %d events", n - 2, NEV + 1);
    ck_assert_msg(strstr(err.msg, want) != NULL, "'%s'", err.msg);
    b[n - 1] = NEV;
    b[n - 2] = 0x7e;   /* an unknown record type */
    ck_assert_int_eq(read_all_mem(b, n, &err), -1);
    snprintf(want, sizeof want, "T: byte %zu: corrupt: unknown record type 0x7e", n - 2);
    ck_assert_msg(strstr(err.msg, want) != NULL, "'%s'", err.msg);
    free(b);
    remove_tmpdir();
}
END_TEST

START_TEST(test_form_for_path)
{
    ck_assert_int_eq(trace_form_for_path("a.mtrace"), TRACE_BINARY);
    ck_assert_int_eq(trace_form_for_path("a.mtrace.gz"), TRACE_BINARY);
    ck_assert_int_eq(trace_form_for_path("a.trace"), TRACE_TEXT);
    ck_assert_int_eq(trace_form_for_path("a.trace.gz"), TRACE_TEXT);
    ck_assert_int_eq(trace_form_for_path("-"), TRACE_TEXT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("forms");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_event_both_forms);
    tcase_add_test(tc, test_conversion_is_lossless);
    tcase_add_test(tc, test_gzip_both_forms);
    tcase_add_test(tc, test_every_truncation_is_an_error_with_its_place);
    tcase_add_test(tc, test_corrupted_bytes_never_crash);
    tcase_add_test(tc, test_newer_version_refused);
    tcase_add_test(tc, test_malformed_text_lines);
    tcase_add_test(tc, test_malformed_headers);
    tcase_add_test(tc, test_comments_and_blank_lines_are_skipped);
    tcase_add_test(tc, test_writer_refuses_bad_events_and_leaves_no_file);
    tcase_add_test(tc, test_binary_errors_name_the_byte);
    tcase_add_test(tc, test_form_for_path);
    suite_add_tcase(s, tc);
    return check_run(s);
}
