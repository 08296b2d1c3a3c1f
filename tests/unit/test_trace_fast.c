/* Unit tests for the binary reader's two paths (sim/trace_bin_read.c): a
 * record far from the end of the data is decoded without a bounds check per
 * number, one near the end with every check.  Both must give the same
 * events and, for corrupt records, the same error at the same byte: each
 * record here is read once with plenty of data after it and once as the
 * last bytes of the file, and the two readings are compared. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/trace.h"
#include "tests/unit/check_run.h"
#include "tests/unit/trace_test_util.h"
#include "tests/unit/test_rng.h"

static void sample_header(struct trace_header *h)
{
    memset(h, 0, sizeof *h);
    h->version = TRACE_FORMAT_VERSION;
    h->platform_kind = TRACE_PLATFORM_BUILTIN;
    h->platform = "fvp-r";
    h->module = "xen-mpu";
    h->mpu_regions = 32;
    h->el1_mpu_regions = 16;
}

/* ---- Many events, written and read back in both forms -------------------- */


/* A number of 1 to 10 LEB128 bytes, the lengths spread evenly. */
static uint64_t any_width(void)
{
    unsigned bits = (unsigned)(rng() % 64) + 1;
    uint64_t v = rng();
    return bits == 64 ? v : v & ((1ull << bits) - 1);
}

static void random_event(struct hv_event *ev, uint64_t *cycle)
{
    static const uint8_t kinds[] = {HV_EV_MAP_DOMAIN_PAGE, HV_EV_UNMAP_DOMAIN_PAGE, HV_EV_COPY,
                                    HV_EV_CLEAN, HV_EV_ACCESS, HV_EV_SWITCH, HV_EV_PHASE};
    memset(ev, 0, sizeof *ev);
    ev->kind = kinds[rng() % sizeof kinds];
    ev->domain = -1;
    /* Mostly small steps, sometimes one of up to 40 bits. */
    *cycle += rng() % 8 == 0 ? rng() & ((1ull << 40) - 1) : rng() % 200;
    ev->cycle = *cycle;
    ev->core = rng() % 5 == 0 ? HV_ALL_CORES : (uint32_t)(rng() % HV_MAX_CORES);
    ev->ctx_domain = (int32_t)(rng() % (HV_MAX_DOMAINS + 1)) - 1;
    ev->ctx_vcpu = ev->ctx_domain >= 0 ? (uint32_t)(rng() % HV_MAX_VCPUS) : 0;
    switch (ev->kind) {
    case HV_EV_COPY:
        ev->b = any_width();
        /* fall through */
    case HV_EV_CLEAN:
        ev->c = any_width();
        /* fall through */
    case HV_EV_MAP_DOMAIN_PAGE:
    case HV_EV_UNMAP_DOMAIN_PAGE:
        ev->a = any_width();
        break;
    case HV_EV_ACCESS:
        ev->flags = (uint32_t)(rng() % 3);
        ev->a = any_width();
        ev->c = any_width() % (UINT64_MAX - ev->a + (ev->a != 0));
        break;
    case HV_EV_SWITCH:
        ev->domain = (int32_t)(rng() % (HV_MAX_DOMAINS + 1)) - 1;
        ev->vcpu = ev->domain >= 0 ? (uint32_t)(rng() % HV_MAX_VCPUS) : 0;
        break;
    case HV_EV_PHASE:
        ev->a = rng() % 2;
        break;
    }
}

#define NRANDOM 4000

static void write_events(const char *path, enum trace_form form, const struct hv_event *ev,
                         unsigned n)
{
    struct trace_header h;
    sample_header(&h);
    struct trace_writer *w;
    struct msa_error err = {{0}};
    ck_assert_int_eq(trace_writer_open(path, form, &h, &w, &err), 0);
    for (unsigned i = 0; i < n; i++)
        trace_writer_event(w, &ev[i]);
    ck_assert_msg(trace_writer_close(w, &err) == 0, "%s", err.msg);
}

static void read_back(const char *path, const struct hv_event *want, unsigned n)
{
    struct trace_reader *r;
    struct msa_error err = {{0}};
    ck_assert_msg(trace_open(path, &r, &err) == 0, "%s", err.msg);
    struct hv_event got;
    for (unsigned i = 0; i < n; i++) {
        ck_assert_msg(trace_next(r, &got, &err) == 1, "%s: event %u: %s", path, i, err.msg);
        ck_assert_msg(same_event(&got, &want[i]), "%s: event %u (%s) differs after reading",
                      path, i, hv_ev_kind_name((enum hv_ev_kind)want[i].kind));
    }
    ck_assert_int_eq(trace_next(r, &got, &err), 0);
    trace_close(r);
}

START_TEST(test_random_events_read_back_in_both_forms)
{
    make_tmpdir("trace-fast");
    struct hv_event *ev = calloc(NRANDOM, sizeof *ev);
    ck_assert_ptr_nonnull(ev);
    uint64_t cycle = 0;
    for (unsigned i = 0; i < NRANDOM; i++)
        random_event(&ev[i], &cycle);
    write_events(tmp("r.mtrace"), TRACE_BINARY, ev, NRANDOM);
    read_back(tmp("r.mtrace"), ev, NRANDOM);
    write_events(tmp("r.trace"), TRACE_TEXT, ev, NRANDOM);
    read_back(tmp("r.trace"), ev, NRANDOM);
    free(ev);
    remove_tmpdir();
}
END_TEST

/* ---- One record, far from the end and at the end ------------------------- */

/* The bytes of a trace with the sample header and no events, without its
 * end record (the opcode 0 and the count 0). */
static unsigned char *header_bytes(size_t *len)
{
    write_events(tmp("h.mtrace"), TRACE_BINARY, NULL, 0);
    unsigned char *buf = slurp(tmp("h.mtrace"), len);
    ck_assert_uint_ge(*len, 2);
    ck_assert_uint_eq(buf[*len - 2], 0);
    ck_assert_uint_eq(buf[*len - 1], 0);
    *len -= 2;
    return buf;
}

/* A map_domain_page of core 0, idle, at 0x20000000. */
static const unsigned char plain_mdp[] = {0x13, 0x00, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x02};
#define NPAD 20

struct reading {
    int rc;                 /* of the first trace_next */
    struct hv_event ev;     /* the first event */
    int last_rc;            /* of the trace_next that stopped the reading */
    char msg[MSA_ERROR_MAX];
};

/* Reads the records `rec` after the header: with `pad`, NPAD plain records
 * and an end record counting them and one more follow; without, `rec` ends
 * the data. */
static struct reading read_records(const unsigned char *rec, size_t n, bool pad)
{
    size_t hlen;
    unsigned char *h = header_bytes(&hlen);
    size_t cap = hlen + n + NPAD * sizeof plain_mdp + 4;
    unsigned char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, h, hlen);
    memcpy(buf + hlen, rec, n);
    size_t len = hlen + n;
    if (pad) {
        for (unsigned i = 0; i < NPAD; i++, len += sizeof plain_mdp)
            memcpy(buf + len, plain_mdp, sizeof plain_mdp);
        buf[len++] = 0x00;
        buf[len++] = NPAD + 1;
    }
    struct reading out;
    memset(&out, 0, sizeof out);
    struct trace_reader *r;
    struct msa_error err = {{0}};
    ck_assert_msg(trace_open_mem(buf, len, "T", &r, &err) == 0, "%s", err.msg);
    out.rc = out.last_rc = trace_next(r, &out.ev, &err);
    struct hv_event ev;
    while (out.last_rc == 1)
        out.last_rc = trace_next(r, &ev, &err);
    if (out.last_rc < 0)
        snprintf(out.msg, sizeof out.msg, "%s", err.msg);
    trace_close(r);
    free(buf);
    free(h);
    return out;
}

/* Both readings agree: on the first event (`want` NULL), or on the error
 * that stops them, which holds `want`. */
static void check_records(const unsigned char *rec, size_t n, const char *want)
{
    struct reading far = read_records(rec, n, true), last = read_records(rec, n, false);
    if (!want) {
        ck_assert_msg(far.rc == 1 && last.rc == 1, "%s / %s", far.msg, last.msg);
        ck_assert_msg(same_event(&far.ev, &last.ev), "the two paths decode differently");
        ck_assert_int_eq(far.last_rc, 0);
        return;
    }
    ck_assert_int_eq(far.last_rc, -1);
    ck_assert_int_eq(last.last_rc, -1);
    ck_assert_str_eq(far.msg, last.msg);
    ck_assert_msg(strstr(far.msg, want), "'%s' lacks '%s'", far.msg, want);
}

#define CHECK(want, ...)                                                                 \
    do {                                                                                 \
        static const unsigned char rec_[] = {__VA_ARGS__};                               \
        check_records(rec_, sizeof rec_, want);                                           \
    } while (0)

START_TEST(test_both_paths_decode_alike)
{
    make_tmpdir("trace-fast");
    CHECK(NULL, 0x13, 0x00, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x02);
    /* the broadcast core, a domain context with its vCPU, the largest values */
    CHECK(NULL, 0x14, 0x05, 0x00, 0x20, 0x3F, 0x7F);
    CHECK(NULL, 0x13, 0x00, 0x40, 0x01, 0x00, 0x00);
    /* numbers of 9 and 10 bytes: the careful path's */
    CHECK(NULL, 0x13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x00,
          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
    CHECK(NULL, 0x19, 0x00, 0x01, 0x00, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
          0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
    /* every kind the fast path knows, and one it leaves to the other path */
    CHECK(NULL, 0x19, 0x07, 0x02, 0x03, 0x01, 0x80, 0x20, 0x80, 0x40, 0x80, 0x20);
    CHECK(NULL, 0x1A, 0x07, 0x02, 0x00, 0x80, 0x20, 0x80, 0x20);
    CHECK(NULL, 0x1E, 0x07, 0x02, 0x00, 0x02, 0x80, 0x20, 0x80, 0x20);
    CHECK(NULL, 0x18, 0x00, 0x01, 0x00, 0x02, 0x00);
    /* numbers of two bytes: cycles, addresses and sizes */
    CHECK(NULL, 0x19, 0xC4, 0x03, 0x01, 0x20, 0x3F, 0x80, 0x20, 0xFF, 0x7F, 0x80, 0x20);
    CHECK(NULL, 0x1E, 0x80, 0x01, 0x00, 0x00, 0x02, 0xFF, 0x01, 0x80, 0x20);
    CHECK(NULL, 0x1A, 0xFF, 0x7F, 0x40, 0x00, 0x80, 0x80, 0x01, 0x80, 0x20);
    /* a core, domain, vCPU or access kind longer than it need be (0x81 0x00
     * is 1): no writer makes one, the careful path reads it */
    CHECK(NULL, 0x19, 0x00, 0x81, 0x00, 0xA0, 0x00, 0xBF, 0x00, 0x80, 0x20, 0x80, 0x20, 0x01);
    CHECK(NULL, 0x1E, 0x00, 0x80, 0x00, 0x80, 0x00, 0x82, 0x00, 0xFF, 0x01, 0x80, 0x20);
    remove_tmpdir();
}
END_TEST

START_TEST(test_both_paths_fail_alike)
{
    make_tmpdir("trace-fast");
    CHECK("a core 65 is out of range (at most 64)", 0x13, 0x00, 0x41, 0x00, 0x00);
    CHECK("a domain 33 is out of range", 0x13, 0x00, 0x01, 0x21, 0x00);
    CHECK("a vCPU 64 is out of range", 0x13, 0x00, 0x01, 0x01, 0x40, 0x00);
    CHECK("an access kind 3 is out of range", 0x1E, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00);
    CHECK("an address is longer than 10 bytes", 0x13, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00);
    CHECK("an address does not fit in 64 bits", 0x13, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02);
    CHECK("the cycle count overflows", 0x13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
          0xFF, 0x01, 0x01, 0x00, 0x00, 0x13, 0x01, 0x01, 0x00, 0x00);
    /* 2^63 bytes at 2^63: a check of the event, not of its numbers */
    CHECK("access runs past the end of the address space", 0x1E, 0x00, 0x01, 0x00, 0x01, 0x80,
          0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
          0x80, 0x80, 0x80, 0x01);
    CHECK("unknown record type 0x1f", 0x1F, 0x00, 0x01, 0x00, 0x00);
    /* values out of range in two bytes */
    CHECK("a core 128 is out of range (at most 64)", 0x13, 0x00, 0x80, 0x01, 0x00, 0x00);
    CHECK("a domain 65 is out of range", 0x13, 0x00, 0x01, 0xC1, 0x00, 0x00);
    CHECK("a vCPU 128 is out of range", 0x13, 0x00, 0x01, 0x01, 0x80, 0x01, 0x00);
    CHECK("an access kind 130 is out of range", 0x1E, 0x00, 0x01, 0x00, 0x82, 0x01, 0x00,
          0x00);
    remove_tmpdir();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trace_fast");
    TCase *tc = tcase_create("paths");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_random_events_read_back_in_both_forms);
    tcase_add_test(tc, test_both_paths_decode_alike);
    tcase_add_test(tc, test_both_paths_fail_alike);
    suite_add_tcase(s, tc);
    return check_run(s);
}
