/* The binary form: an 8-byte magic, the version, header fields as
 * (tag, length, payload), then records: a string definition, an event, or
 * the end record with the event count.  Numbers are unsigned LEB128; a
 * cycle is the difference from the previous event's.  Every error names
 * the byte offset where the record or field in trouble starts. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace_internal.h"

static int fail_at(struct trace_reader *r, size_t at, struct msa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(struct trace_reader *r, size_t at, struct msa_error *err, const char *fmt, ...)
{
    char msg[MSA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return msa_error_set(err, "%s: byte %zu: %s", r->name, at, msg);
}

/* A number and the bytes it took; 0 bytes: an error (set). */
struct uleb_num {
    uint64_t v;
    size_t n;
};

/* Unsigned LEB128 from [at, end).  Returned by value, so that the
 * callers' positions and numbers never have their address taken and stay
 * in registers on the per-event path. */
static struct uleb_num uleb_long(struct trace_reader *r, size_t at, size_t end, const char *what,
                                 struct msa_error *err)
{
    uint64_t v = 0;
    size_t pos = at;
    /* Room for the longest encoding: no end check per byte.  A number of
     * up to 9 bytes (63 bits) cannot overflow; a 10th byte goes the slow way. */
    if (end - pos >= 10) {
        const uint8_t *b = r->buf + pos;
        for (unsigned i = 0; i < 9; i++) {
            v |= (uint64_t)(b[i] & 0x7F) << (7 * i);
            if (!(b[i] & 0x80))
                return (struct uleb_num){v, i + 1};
        }
        v = 0;
    }
    for (unsigned shift = 0;; shift += 7) {
        if (pos >= end) {
            fail_at(r, at, err, "truncated: the data ends inside %s", what);
            return (struct uleb_num){0, 0};
        }
        uint8_t b = r->buf[pos++];
        if (shift == 63 && (b & 0x7E)) {
            fail_at(r, at, err, "corrupt: %s does not fit in 64 bits", what);
            return (struct uleb_num){0, 0};
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            break;
        if (shift == 63) {
            fail_at(r, at, err, "corrupt: %s is longer than 10 bytes", what);
            return (struct uleb_num){0, 0};
        }
    }
    return (struct uleb_num){v, pos - at};
}

/* A number of up to 8 bytes (56 bits: every address and size of a 48-bit
 * physical space) from one little-endian 64-bit load, without a loop:
 * the first byte with its top bit clear ends the number; the 7-bit groups
 * below it are packed together in three shift-and-mask steps.  Returns
 * false when the number is longer (the byte loop then decides). */
static inline bool uleb_word(const uint8_t *b, size_t *pos, uint64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, b, sizeof w);
    uint64_t stop = ~w & 0x8080808080808080ull;
    if (!stop)
        return false;
    unsigned nbytes = (unsigned)__builtin_ctzll(stop) / 8 + 1;
    w &= (stop ^ (stop - 1)) & 0x7F7F7F7F7F7F7F7Full;   /* bytes up to the last */
    w = (w & 0x007F007F007F007Full) | ((w & 0x7F007F007F007F00ull) >> 1);
    w = (w & 0x00003FFF00003FFFull) | ((w & 0x3FFF00003FFF0000ull) >> 2);
    w = (w & 0x000000000FFFFFFFull) | ((w & 0x0FFFFFFF00000000ull) >> 4);
    *pos += nbytes;
    *out = w;
    return true;
#else
    (void)b;
    (void)pos;
    (void)out;
    return false;
#endif
}

/* Most numbers in a trace (operation codes, cores, small deltas) take one
 * byte: that case is decided here, inline, before the others; addresses
 * take a word decode; the general loop (and every error) is out of line. */
static inline int uleb(struct trace_reader *r, size_t *pos, size_t end, const char *what,
                       uint64_t *out, struct msa_error *err)
{
    if (*pos < end && !(r->buf[*pos] & 0x80)) {
        *out = r->buf[(*pos)++];
        return 0;
    }
    if (*pos < end && end - *pos >= 8 && uleb_word(r->buf + *pos, pos, out))
        return 0;
    struct uleb_num x = uleb_long(r, *pos, end, what, err);
    if (!x.n)
        return -1;
    *pos += x.n;
    *out = x.v;
    return 0;
}

static int out_of_range(struct trace_reader *r, size_t at, const char *what, uint64_t v,
                        uint64_t max, struct msa_error *err)
{
    return fail_at(r, at, err, "corrupt: %s %" PRIu64 " is out of range (at most %" PRIu64 ")",
                   what, v, max);
}

static inline int small(struct trace_reader *r, size_t *pos, const char *what, uint64_t max,
                        uint64_t *out, struct msa_error *err)
{
    size_t at = *pos;
    if (uleb(r, pos, r->len, what, out, err) < 0)
        return -1;
    if (*out > max)
        return out_of_range(r, at, what, *out, max, err);
    return 0;
}

static int no_nul(struct trace_reader *r, size_t at, const unsigned char *s, size_t len,
                  struct msa_error *err)
{
    if (memchr(s, '\0', len))
        return fail_at(r, at, err, "corrupt: NUL byte inside a string");
    return 0;
}

/* ---- Header --------------------------------------------------------------- */

static int header_string(struct trace_reader *r, size_t at, size_t len, const char **out,
                         struct msa_error *err)
{
    if (no_nul(r, at, r->buf + r->pos, len, err) < 0)
        return -1;
    *out = trace_keep(r, (const char *)r->buf + r->pos, len);
    return *out ? 0 : fail_at(r, at, err, "out of memory");
}

static int header_number(struct trace_reader *r, size_t at, size_t len, uint64_t max,
                         uint64_t *out, struct msa_error *err)
{
    size_t p = r->pos;
    if (uleb(r, &p, r->pos + len, "a header number", out, err) < 0)
        return -1;
    if (p != r->pos + len)
        return fail_at(r, at, err, "corrupt: header field longer than its number");
    if (*out > max)
        return fail_at(r, at, err, "corrupt: header value %" PRIu64 " out of range", *out);
    return 0;
}

static int header_field(struct trace_reader *r, uint64_t tag, size_t at, size_t len,
                        bool *have_platform, bool *have_module, struct msa_error *err)
{
    struct trace_header *h = &r->h;
    uint64_t v;
    switch (tag) {
    case TB_PLATFORM_BUILTIN:
    case TB_PLATFORM_FILE:
        if (*have_platform)
            return fail_at(r, at, err, "corrupt: a second platform field");
        *have_platform = true;
        h->platform_kind = tag == TB_PLATFORM_BUILTIN ? TRACE_PLATFORM_BUILTIN : TRACE_PLATFORM_FILE;
        return header_string(r, at, len, &h->platform, err);
    case TB_PLATFORM_DTB: {
        if (*have_platform)
            return fail_at(r, at, err, "corrupt: a second platform field");
        *have_platform = true;
        h->platform_kind = TRACE_PLATFORM_DTB;
        size_t p = r->pos;
        uint64_t nlen;
        if (uleb(r, &p, r->pos + len, "the platform name's length", &nlen, err) < 0)
            return -1;
        if (nlen > r->pos + len - p)
            return fail_at(r, at, err, "corrupt: platform name longer than its field");
        size_t save = r->pos;
        r->pos = p;
        int rc = header_string(r, at, (size_t)nlen, &h->platform, err);
        r->pos = save;
        if (rc < 0)
            return -1;
        p += nlen;
        size_t dlen = r->pos + len - p;
        if (dlen > TRACE_MAX_DTB)
            return fail_at(r, at, err, "embedded DTB larger than %" PRIu64 " bytes", TRACE_MAX_DTB);
        free(r->dtb);
        r->dtb = malloc(dlen ? dlen : 1);
        if (!r->dtb)
            return fail_at(r, at, err, "out of memory");
        memcpy(r->dtb, r->buf + p, dlen);
        h->dtb = r->dtb;
        h->dtb_size = dlen;
        return 0;
    }
    case TB_FDT_SIZE:
        return header_number(r, at, len, TRACE_MAX_DTB, &h->fdt_size, err);
    case TB_MODULE:
        if (*have_module)
            return fail_at(r, at, err, "corrupt: a second module field");
        *have_module = true;
        return header_string(r, at, len, &h->module, err);
    case TB_OPTION:
        if (h->noptions >= TRACE_MAX_OPTIONS)
            return fail_at(r, at, err, "more than %d options", TRACE_MAX_OPTIONS);
        return header_string(r, at, len, &h->options[h->noptions++], err);
    case TB_NOTE:
        if (h->nnotes >= TRACE_MAX_NOTES)
            return fail_at(r, at, err, "more than %d notes", TRACE_MAX_NOTES);
        return header_string(r, at, len, &h->notes[h->nnotes++], err);
    case TB_MPU_REGIONS:
    case TB_EL1_MPU_REGIONS:
        if (header_number(r, at, len, 256, &v, err) < 0)
            return -1;
        if (v == 0)
            return fail_at(r, at, err, "corrupt: region count 0");
        *(tag == TB_MPU_REGIONS ? &h->mpu_regions : &h->el1_mpu_regions) = (unsigned)v;
        return 0;
    default:
        return fail_at(r, at, err, "corrupt: unknown header field %" PRIu64, tag);
    }
}

int trace_bin_header(struct trace_reader *r, struct msa_error *err)
{
    r->pos = TRACE_BIN_MAGIC_LEN;
    r->h.mpu_regions = 32;
    r->h.el1_mpu_regions = 16;
    size_t at = r->pos;
    uint64_t v;
    if (uleb(r, &r->pos, r->len, "the format version", &v, err) < 0)
        return -1;
    if (v == 0)
        return fail_at(r, at, err, "corrupt: format version 0");
    if (v > TRACE_FORMAT_VERSION)
        return fail_at(r, at, err, "trace format version %" PRIu64 " is newer than this msasim "
                       "reads (version %d): refused; replay it with a newer msasim", v,
                       TRACE_FORMAT_VERSION);
    r->h.version = (unsigned)v;
    bool have_platform = false, have_module = false;
    for (;;) {
        at = r->pos;
        uint64_t tag, len;
        if (uleb(r, &r->pos, r->len, "a header field tag", &tag, err) < 0)
            return -1;
        if (tag == TB_END)
            break;
        if (uleb(r, &r->pos, r->len, "a header field length", &len, err) < 0)
            return -1;
        if (len > r->len - r->pos)
            return fail_at(r, at, err, "truncated: header field of %" PRIu64 " bytes, %zu left",
                           len, r->len - r->pos);
        if (header_field(r, tag, at, (size_t)len, &have_platform, &have_module, err) < 0)
            return -1;
        r->pos += (size_t)len;
    }
    if (!have_platform)
        return fail_at(r, at, err, "the header has no platform field");
    if (!have_module)
        return fail_at(r, at, err, "the header has no module field");
    return 0;
}

/* ---- Events --------------------------------------------------------------- */

/* The field readers are inlined into the careful path: a position passed to
 * a function out of line would live in memory for the whole event. */
#define FIELD_READER static inline __attribute__((always_inline))

FIELD_READER int purpose(struct trace_reader *r, size_t *pos, const char **out,
                         struct msa_error *err)
{
    size_t at = *pos;
    uint64_t id;
    if (uleb(r, pos, r->len, "a string id", &id, err) < 0)
        return -1;
    *out = id <= UINT32_MAX ? strtab_get(&r->strings, (uint32_t)id) : NULL;
    if (!*out)
        return fail_at(r, at, err, "corrupt: string %" PRIu64 " is not defined (%" PRIu32
                       " so far)", id, r->strings.count);
    return 0;
}

static inline int domain_field(struct trace_reader *r, size_t *pos, bool optional, int32_t *out,
                        struct msa_error *err)
{
    uint64_t v;
    size_t at = *pos;
    if (small(r, pos, "a domain", HV_MAX_DOMAINS, &v, err) < 0)
        return -1;
    if (v == 0 && !optional)
        return fail_at(r, at, err, "corrupt: no domain where one is required");
    *out = (int32_t)v - 1;
    return 0;
}

static inline int vcpu_field(struct trace_reader *r, size_t *pos, int32_t *domain, uint32_t *vcpu,
                      struct msa_error *err)
{
    uint64_t v;
    if (domain_field(r, pos, true, domain, err) < 0)
        return -1;
    *vcpu = 0;
    if (*domain < 0)
        return 0;
    if (small(r, pos, "a vCPU", HV_MAX_VCPUS - 1, &v, err) < 0)
        return -1;
    *vcpu = (uint32_t)v;
    return 0;
}

FIELD_READER int u64s(struct trace_reader *r, size_t *pos, uint64_t *a, uint64_t *b, uint64_t *c,
                      struct msa_error *err)
{
    if (a && uleb(r, pos, r->len, "an address", a, err) < 0)
        return -1;
    if (b && uleb(r, pos, r->len, "an address", b, err) < 0)
        return -1;
    if (c && uleb(r, pos, r->len, "a size", c, err) < 0)
        return -1;
    return 0;
}

FIELD_READER int op_field(struct trace_reader *r, size_t *p, uint8_t *op, struct msa_error *err)
{
    size_t at = *p;
    uint64_t v;
    if (uleb(r, p, r->len, "an operation kind", &v, err) < 0)
        return -1;
    if (trace_op_of_code(v) < 0)
        return fail_at(r, at, err, "corrupt: unknown operation code %" PRIu64, v);
    *op = (uint8_t)trace_op_of_code(v);
    return 0;
}

static int event_fields(struct trace_reader *r, size_t *p, struct hv_event *ev,
                        struct msa_error *err)
{
    uint64_t v;
    size_t at;
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_BOOT:
    case HV_EV_CPU_UP:
    case HV_EV_FINISH_BOOT:
        return 0;
    case HV_EV_MAP:
        if (op_field(r, p, &ev->op, err) < 0)
            return -1;
        if (u64s(r, p, &ev->a, &ev->b, NULL, err) < 0 ||
            small(r, p, "flags", UINT32_MAX, &v, err) < 0)
            return -1;
        ev->flags = (uint32_t)v;
        at = *p;
        if (uleb(r, p, r->len, "an owner", &v, err) < 0)
            return -1;
        if (trace_owner_of_code(v) < 0)
            return fail_at(r, at, err, "corrupt: unknown owner code %" PRIu64, v);
        ev->owner = (uint8_t)trace_owner_of_code(v);
        if (small(r, p, "a domid", UINT32_MAX, &v, err) < 0)
            return -1;
        ev->domid = (uint32_t)v;
        return purpose(r, p, &ev->purpose, err);
    case HV_EV_MAP_DOMAIN_PAGE:
    case HV_EV_UNMAP_DOMAIN_PAGE:
        return u64s(r, p, &ev->a, NULL, NULL, err);
    case HV_EV_CREATE_DOMAIN:
        return domain_field(r, p, false, &ev->domain, err);
    case HV_EV_P2M_UPDATE:
        if (domain_field(r, p, false, &ev->domain, err) < 0 ||
            u64s(r, p, &ev->a, &ev->b, &ev->c, err) < 0 ||
            small(r, p, "flags", UINT32_MAX, &v, err) < 0)
            return -1;
        ev->flags = (uint32_t)v;
        return purpose(r, p, &ev->purpose, err);
    case HV_EV_SWITCH:
        return vcpu_field(r, p, &ev->domain, &ev->vcpu, err);
    case HV_EV_COPY:
        return u64s(r, p, &ev->a, &ev->b, &ev->c, err);
    case HV_EV_CLEAN:
        return u64s(r, p, &ev->a, NULL, &ev->c, err);
    case HV_EV_BEGIN:
    case HV_EV_END:
        if (op_field(r, p, &ev->op, err) < 0)
            return -1;
        return ev->kind == HV_EV_BEGIN ? domain_field(r, p, true, &ev->domain, err) : 0;
    case HV_EV_PHASE:
        return u64s(r, p, &ev->a, NULL, NULL, err);
    case HV_EV_ACCESS:
        if (small(r, p, "an access kind", HV_ACCESS_ZERO, &v, err) < 0)
            return -1;
        ev->flags = (uint32_t)v;
        return u64s(r, p, &ev->a, NULL, &ev->c, err);
    default:
        return -1;
    }
}

/* ---- The fast path for the common events ----------------------------------
 *
 * Most records of a trace are the page-sized work of domain construction:
 * map_domain_page, unmap_domain_page, copy, clean and access, a few numbers
 * each.  Far enough from the end of the data, such a record is decoded
 * here with no bounds check per number; anything unusual (a number longer
 * than 8 bytes, a value out of range, another kind) leaves the reader
 * untouched and the careful path below decodes the record again, so that
 * every error and every offset is the careful path's. */

/* The most a fast record can span, with the 8 bytes a word decode loads:
 * the opcode, then at most 7 numbers (cycle, core, context domain and
 * vCPU, and three fields) of at most 8 bytes each. */
#define FAST_RECORD_MAX (1 + 7 * 8)

/* One number of up to 8 bytes; false for a longer one.  Numbers of one
 * byte (cores, domains, small deltas) and of two (page sizes, deltas up to
 * 16 K) are put together directly: the word decode pays off from three. */
static inline __attribute__((always_inline)) bool fast_uleb(const uint8_t **p, uint64_t *out)
{
    const uint8_t *b = *p;
    if (!(b[0] & 0x80)) {
        *out = b[0];
        *p = b + 1;
        return true;
    }
    if (!(b[1] & 0x80)) {
        *out = (uint64_t)(b[0] & 0x7F) | (uint64_t)b[1] << 7;
        *p = b + 2;
        return true;
    }
    size_t n = 0;
    if (!uleb_word(b, &n, out))
        return false;
    *p = b + n;
    return true;
}

/* A number that fits in one byte whenever it is in range (a core, a
 * domain, a vCPU, an access kind); a longer encoding of it, which no writer
 * makes, is left to the careful path. */
static inline __attribute__((always_inline)) bool fast_small(const uint8_t **p, uint64_t *out)
{
    const uint8_t *b = *p;
    if (b[0] & 0x80)
        return false;
    *out = b[0];
    *p = b + 1;
    return true;
}

/* The kinds the fast path decodes, as a mask of enum hv_ev_kind. */
#define FAST_KINDS                                                                          \
    (1u << HV_EV_MAP_DOMAIN_PAGE | 1u << HV_EV_UNMAP_DOMAIN_PAGE | 1u << HV_EV_COPY |       \
     1u << HV_EV_CLEAN | 1u << HV_EV_ACCESS)

/* The record at r->pos (at least FAST_RECORD_MAX bytes before the end):
 * true with *ev filled and the reader past it; false with the reader
 * unchanged (and *ev in any state: the careful path fills it again). */
static inline bool bin_event_fast(struct trace_reader *r, struct hv_event *ev)
{
    const uint8_t *p = r->buf + r->pos;
    unsigned kind = (unsigned)p[0] - TB_REC_EVENT;
    if (kind >= HV_EV_KIND_COUNT || !(FAST_KINDS >> kind & 1))
        return false;
    p++;
    /* Each number goes to the event as soon as it is read, so that few
     * values stay live; the fields the kind does not carry keep
     * trace_event_clear's values. */
    *ev = (struct hv_event){.kind = (uint8_t)kind, .ctx_domain = -1, .domain = -1};
    uint64_t v;
    if (!fast_uleb(&p, &v) || v > UINT64_MAX - r->last_cycle)
        return false;
    ev->cycle = r->last_cycle + v;
    if (!fast_small(&p, &v) || v > HV_MAX_CORES)
        return false;
    ev->core = v ? (uint32_t)v - 1 : HV_ALL_CORES;
    if (!fast_small(&p, &v) || v > HV_MAX_DOMAINS)
        return false;
    if (v) {
        ev->ctx_domain = (int32_t)v - 1;
        if (!fast_small(&p, &v) || v > HV_MAX_VCPUS - 1)
            return false;
        ev->ctx_vcpu = (uint32_t)v;
    }
    if (kind == HV_EV_ACCESS) {
        uint64_t access;
        if (!fast_small(&p, &access) || access > HV_ACCESS_ZERO)
            return false;
        ev->flags = (uint32_t)access;
    }
    if (!fast_uleb(&p, &ev->a))
        return false;
    if (kind == HV_EV_COPY && !fast_uleb(&p, &ev->b))
        return false;
    if (kind != HV_EV_MAP_DOMAIN_PAGE && kind != HV_EV_UNMAP_DOMAIN_PAGE && !fast_uleb(&p, &ev->c))
        return false;
    r->ev_offset = r->pos;
    r->pos = (size_t)(p - r->buf);
    return true;
}

/* ---- The careful path: every record, every check --------------------------- */

static int bin_next_careful(struct trace_reader *r, struct hv_event *ev, struct msa_error *err)
{
    for (;;) {
        size_t at = r->ev_offset = r->pos;
        if (r->pos >= r->len)
            return fail_at(r, at, err, "truncated: no end record after %" PRIu64 " events",
                           r->events);
        uint8_t op = r->buf[r->pos++];
        uint64_t v;
        if (op == TB_REC_END) {
            if (uleb(r, &r->pos, r->len, "the event count", &v, err) < 0)
                return -1;
            if (v != r->events)
                return fail_at(r, at, err, "the end record counts %" PRIu64 " events but %"
                               PRIu64 " were read: events are missing or were added", v,
                               r->events);
            if (r->pos != r->len)
                return fail_at(r, r->pos, err, "corrupt: %zu bytes after the end record",
                               r->len - r->pos);
            return 0;
        }
        if (op == TB_REC_STRING) {
            if (uleb(r, &r->pos, r->len, "a string length", &v, err) < 0)
                return -1;
            if (v > r->len - r->pos)
                return fail_at(r, at, err, "truncated: string of %" PRIu64 " bytes, %zu left", v,
                               r->len - r->pos);
            if (no_nul(r, at, r->buf + r->pos, (size_t)v, err) < 0)
                return -1;
            if (!strtab_append(&r->strings, (const char *)r->buf + r->pos, (size_t)v))
                return fail_at(r, at, err, "out of memory");
            r->pos += (size_t)v;
            continue;
        }
        if (op < TB_REC_EVENT || op >= TB_REC_EVENT + HV_EV_KIND_COUNT)
            return fail_at(r, at, err, "corrupt: unknown record type 0x%02x", op);
        trace_event_clear(ev, (uint8_t)(op - TB_REC_EVENT));
        size_t p = r->pos;
        if (uleb(r, &p, r->len, "a cycle", &v, err) < 0)
            return -1;
        if (v > UINT64_MAX - r->last_cycle)
            return fail_at(r, at, err, "corrupt: the cycle count overflows");
        ev->cycle = r->last_cycle + v;
        if (small(r, &p, "a core", HV_MAX_CORES, &v, err) < 0)
            return -1;
        ev->core = v ? (uint32_t)v - 1 : HV_ALL_CORES;
        if (vcpu_field(r, &p, &ev->ctx_domain, &ev->ctx_vcpu, err) < 0 ||
            event_fields(r, &p, ev, err) < 0)
            return -1;
        r->pos = p;
        return 1;
    }
}

/* ---- The next event ----------------------------------------------------------- */

/* Any record by the careful path, and the checks its decoding leaves to
 * do: it already bounds the kind, domains, vCPUs and core, and makes a
 * cycle the previous one plus a difference.  Out of line, so that the fast
 * path saves no registers for it. */
static __attribute__((noinline)) int bin_next_slow(struct trace_reader *r, struct hv_event *ev,
                                                   struct msa_error *err)
{
    int rc = bin_next_careful(r, ev, err);
    if (rc <= 0) {
        if (rc == 0)
            r->ended = true;
        return rc;
    }
    if (TRACE_KINDS_CHECKED >> ev->kind & 1) {
        const char *why = trace_event_kind_invalid(ev);
        if (why)
            return trace_invalid_event(r, ev, why, err);
    }
    r->last_cycle = ev->cycle;
    r->events++;
    return 1;
}

/* Of the fast kinds only access has a check of its own, that it does not
 * run past the end of the address space: with numbers of at most 56 bits,
 * as the fast path decodes, it cannot. */
_Static_assert((FAST_KINDS & TRACE_KINDS_CHECKED) == 1u << HV_EV_ACCESS,
               "a fast kind has checks the fast path does not make");
_Static_assert(HV_MAX_CORES < 0x80 && HV_MAX_DOMAINS < 0x80 && HV_MAX_VCPUS <= 0x80 &&
                   HV_ACCESS_ZERO < 0x80,
               "a field fast_small reads may need more than one byte");

int trace_bin_next(struct trace_reader *r, struct hv_event *ev, struct msa_error *err)
{
    if (r->len - r->pos >= FAST_RECORD_MAX && bin_event_fast(r, ev)) {
        r->last_cycle = ev->cycle;
        r->events++;
        return 1;
    }
    return bin_next_slow(r, ev, err);
}
