/* The text form, read line by line: a header of `key value` lines up to
 * `events`, then one event a line
 *
 *     CYCLE CORE CONTEXT KIND ARGS...
 *
 * and a closing `end COUNT`.  Blank lines and lines starting with '#' are
 * skipped.  Every error names the line. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace_internal.h"

#define MAX_TOKENS 12
#define MAX_STRING 4096

struct tok {
    const char *s;
    size_t len;
    bool quoted;
};

struct line {
    struct tok t[MAX_TOKENS];
    unsigned n;
    char strings[2][MAX_STRING];    /* unescaped quoted tokens (at most two a line) */
    unsigned nstrings;
};

static int fail(struct trace_reader *r, struct msa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct trace_reader *r, struct msa_error *err, const char *fmt, ...)
{
    char msg[MSA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return msa_error_set(err, "%s:%u: %s", r->name, r->line, msg);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A quoted string: \" \\ and \xNN escapes; no NUL, no raw control bytes. */
static int unquote(struct trace_reader *r, const char **p, const char *end, struct line *ln,
                   struct msa_error *err)
{
    if (ln->nstrings >= 2)
        return fail(r, err, "more than two quoted strings on one line");
    char *out = ln->strings[ln->nstrings];
    size_t n = 0;
    const char *s = *p + 1;
    for (;;) {
        if (s >= end)
            return fail(r, err, "unterminated string (expected a closing '\"')");
        char c = *s++;
        if (c == '"')
            break;
        if (c == '\\') {
            if (s >= end)
                return fail(r, err, "unterminated string (expected a closing '\"')");
            char e = *s++;
            if (e == 'x') {
                int hi = s < end ? hexval(s[0]) : -1, lo = s + 1 < end ? hexval(s[1]) : -1;
                if (hi < 0 || lo < 0)
                    return fail(r, err, "bad escape in string: expected \\xNN");
                c = (char)(hi * 16 + lo);
                s += 2;
                if (c == 0)
                    return fail(r, err, "NUL byte (\\x00) in string");
            } else if (e == '"' || e == '\\') {
                c = e;
            } else {
                return fail(r, err, "bad escape '\\%c' in string: expected \\\", \\\\ or \\xNN", e);
            }
        } else if ((unsigned char)c < 0x20 || c == 0x7f) {
            return fail(r, err, "control byte 0x%02x in string: expected it escaped as \\xNN",
                        (unsigned char)c);
        }
        if (n + 1 >= MAX_STRING)
            return fail(r, err, "string longer than %d bytes", MAX_STRING - 1);
        out[n++] = c;
    }
    out[n] = '\0';
    if (s < end && *s != ' ' && *s != '\t')
        return fail(r, err, "expected a space after the closing '\"'");
    ln->t[ln->n] = (struct tok){out, n, true};
    ln->nstrings++;
    *p = s;
    return 0;
}

/* The next non-blank, non-comment line, split into tokens.  0 at the end
 * of the data. */
static int next_line(struct trace_reader *r, struct line *ln, struct msa_error *err)
{
    for (;;) {
        if (r->pos >= r->len)
            return 0;
        const char *start = (const char *)r->buf + r->pos;
        size_t left = r->len - r->pos;
        const char *nl = memchr(start, '\n', left);
        size_t len = nl ? (size_t)(nl - start) : left;
        r->pos += len + (nl ? 1 : 0);
        r->line++;
        if (len && start[len - 1] == '\r')
            len--;
        if (memchr(start, '\0', len))
            return fail(r, err, "NUL byte: not a text trace line");
        const char *end = start + len;
        ln->n = 0;
        ln->nstrings = 0;
        const char *p = start;
        for (;;) {
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p >= end)
                break;
            if (ln->n == 0 && *p == '#')
                break;
            if (ln->n >= MAX_TOKENS)
                return fail(r, err, "too many fields (at most %d)", MAX_TOKENS);
            if (*p == '"') {
                if (unquote(r, &p, end, ln, err) < 0)
                    return -1;
            } else {
                const char *q = p;
                while (q < end && *q != ' ' && *q != '\t')
                    q++;
                ln->t[ln->n] = (struct tok){p, (size_t)(q - p), false};
                p = q;
            }
            ln->n++;
        }
        if (ln->n)
            return 1;
    }
}

static bool tok_is(const struct tok *t, const char *word)
{
    return !t->quoted && strlen(word) == t->len && memcmp(t->s, word, t->len) == 0;
}

/* Unsigned decimal or 0x hex, the whole token. */
static bool parse_num(const char *s, size_t len, uint64_t *out)
{
    unsigned base = 10;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        len -= 2;
    }
    if (len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = base == 16 ? hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
            return false;
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return true;
}

static int num(struct trace_reader *r, const struct tok *t, const char *what, uint64_t max,
               uint64_t *out, struct msa_error *err)
{
    if (t->quoted || !parse_num(t->s, t->len, out) || *out > max)
        return fail(r, err, "%s '%.*s': expected a number (decimal or 0x hex) up to %" PRIu64,
                    what, (int)t->len, t->s, max);
    return 0;
}

static int range(struct trace_reader *r, const struct tok *t, uint64_t *base, uint64_t *size,
                 struct msa_error *err)
{
    const char *plus = t->quoted ? NULL : memchr(t->s, '+', t->len);
    if (!plus || !parse_num(t->s, (size_t)(plus - t->s), base) ||
        !parse_num(plus + 1, t->len - (size_t)(plus - t->s) - 1, size))
        return fail(r, err, "range '%.*s': expected BASE+SIZE", (int)t->len, t->s);
    return 0;
}

/* dN: domain N (numbered from 1), as index N - 1. */
static bool parse_domain(const struct tok *t, size_t len, int32_t *out)
{
    uint64_t n;
    if (t->quoted || len < 2 || t->s[0] != 'd' || !parse_num(t->s + 1, len - 1, &n) || n < 1 ||
        n > HV_MAX_DOMAINS)
        return false;
    *out = (int32_t)n - 1;
    return true;
}

static int domain_arg(struct trace_reader *r, const struct tok *t, int32_t *out,
                      struct msa_error *err)
{
    if (!parse_domain(t, t->len, out))
        return fail(r, err, "domain '%.*s': expected dN, N from 1 to %d", (int)t->len, t->s,
                    HV_MAX_DOMAINS);
    return 0;
}

/* idle, or dNvM. */
static int vcpu_arg(struct trace_reader *r, const struct tok *t, int32_t *domain, uint32_t *vcpu,
                    struct msa_error *err)
{
    if (tok_is(t, "idle")) {
        *domain = -1;
        *vcpu = 0;
        return 0;
    }
    const char *v = t->quoted ? NULL : memchr(t->s, 'v', t->len);
    uint64_t n;
    if (!v || !parse_domain(t, (size_t)(v - t->s), domain) ||
        !parse_num(v + 1, t->len - (size_t)(v - t->s) - 1, &n) || n >= HV_MAX_VCPUS)
        return fail(r, err, "vCPU '%.*s': expected idle or dNvM", (int)t->len, t->s);
    *vcpu = (uint32_t)n;
    return 0;
}

static int core_arg(struct trace_reader *r, const struct tok *t, uint32_t *core,
                    struct msa_error *err)
{
    uint64_t n;
    if (tok_is(t, "all")) {
        *core = HV_ALL_CORES;
        return 0;
    }
    if (t->quoted || t->len < 2 || t->s[0] != 'c' || !parse_num(t->s + 1, t->len - 1, &n) ||
        n >= HV_MAX_CORES)
        return fail(r, err, "core '%.*s': expected cN (N below %d) or all", (int)t->len, t->s,
                    HV_MAX_CORES);
    *core = (uint32_t)n;
    return 0;
}

static int string_arg(struct trace_reader *r, const struct tok *t, const char *what,
                      const char **out, struct msa_error *err)
{
    if (!t->quoted)
        return fail(r, err, "%s '%.*s': expected a quoted string", what, (int)t->len, t->s);
    bool added;
    *out = strtab_get(&r->strings, strtab_intern(&r->strings, t->s, t->len, &added));
    if (!*out)
        return fail(r, err, "out of memory");
    return 0;
}

static int expect_args(struct trace_reader *r, const struct line *ln, unsigned want,
                       const char *usage, struct msa_error *err)
{
    if (ln->n != want)
        return fail(r, err, "%u field%s: expected '%s'", ln->n, ln->n == 1 ? "" : "s", usage);
    return 0;
}

/* ---- Header --------------------------------------------------------------- */

static int read_dtb(struct trace_reader *r, uint64_t size, struct msa_error *err)
{
    unsigned char *dtb = malloc(size ? size : 1);
    if (!dtb)
        return fail(r, err, "out of memory");
    size_t have = 0;
    struct line ln;
    while (have < size) {
        int rc = next_line(r, &ln, err);
        if (rc <= 0) {
            free(dtb);
            return rc < 0 ? -1 : fail(r, err, "truncated: the embedded DTB ends after %zu of "
                                      "%" PRIu64 " bytes", have, size);
        }
        if (ln.n != 2 || !tok_is(&ln.t[0], "dtb") || ln.t[1].quoted || ln.t[1].len % 2 ||
            ln.t[1].len / 2 > size - have) {
            free(dtb);
            return fail(r, err, "expected 'dtb HEX' with the next bytes of the %" PRIu64
                        "-byte DTB (%zu read so far)", size, have);
        }
        for (size_t i = 0; i < ln.t[1].len; i += 2) {
            int hi = hexval(ln.t[1].s[i]), lo = hexval(ln.t[1].s[i + 1]);
            if (hi < 0 || lo < 0) {
                free(dtb);
                return fail(r, err, "bad hex digit in the embedded DTB");
            }
            dtb[have++] = (unsigned char)(hi * 16 + lo);
        }
    }
    free(r->dtb);
    r->dtb = dtb;
    r->h.dtb = dtb;
    r->h.dtb_size = have;
    return 0;
}

int trace_text_header(struct trace_reader *r, struct msa_error *err)
{
    struct line ln;
    r->h.mpu_regions = 32;
    r->h.el1_mpu_regions = 16;
    int rc = next_line(r, &ln, err);
    if (rc < 0)
        return -1;
    uint64_t v;
    if (rc == 0 || ln.n != 2 || !tok_is(&ln.t[0], TRACE_TEXT_MAGIC) ||
        !parse_num(ln.t[1].s, ln.t[1].len, &v) || v == 0 || v > UINT32_MAX)
        return fail(r, err, "expected '%s VERSION' on the first line", TRACE_TEXT_MAGIC);
    if (v > TRACE_FORMAT_VERSION)
        return fail(r, err, "trace format version %" PRIu64 " is newer than this msasim reads "
                    "(version %d): refused; replay it with a newer msasim", v,
                    TRACE_FORMAT_VERSION);
    r->h.version = (unsigned)v;
    bool have_platform = false, have_module = false;
    for (;;) {
        if ((rc = next_line(r, &ln, err)) < 0)
            return -1;
        if (rc == 0)
            return fail(r, err, "truncated: the header has no 'events' line");
        const struct tok *k = &ln.t[0];
        if (tok_is(k, "events")) {
            if (ln.n != 1)
                return fail(r, err, "expected 'events' alone on its line");
            break;
        }
        if (tok_is(k, "platform")) {
            if (have_platform)
                return fail(r, err, "a second platform line");
            have_platform = true;
            if (ln.n == 3 && tok_is(&ln.t[1], "builtin"))
                r->h.platform_kind = TRACE_PLATFORM_BUILTIN;
            else if (ln.n == 3 && tok_is(&ln.t[1], "file"))
                r->h.platform_kind = TRACE_PLATFORM_FILE;
            else if (ln.n == 4 && tok_is(&ln.t[1], "dtb"))
                r->h.platform_kind = TRACE_PLATFORM_DTB;
            else
                return fail(r, err, "expected 'platform builtin \"NAME\"', 'platform file "
                            "\"PATH\"' or 'platform dtb \"NAME\" SIZE'");
            if (string_arg(r, &ln.t[2], "platform", &r->h.platform, err) < 0)
                return -1;
            if (r->h.platform_kind == TRACE_PLATFORM_DTB) {
                uint64_t size;
                if (num(r, &ln.t[3], "DTB size", TRACE_MAX_DTB, &size, err) < 0 ||
                    read_dtb(r, size, err) < 0)
                    return -1;
            }
        } else if (tok_is(k, "module")) {
            if (have_module)
                return fail(r, err, "a second module line");
            have_module = true;
            if (expect_args(r, &ln, 2, "module \"NAME\"", err) < 0 ||
                string_arg(r, &ln.t[1], "module", &r->h.module, err) < 0)
                return -1;
        } else if (tok_is(k, "option") || tok_is(k, "note")) {
            bool opt = tok_is(k, "option");
            unsigned *n = opt ? &r->h.noptions : &r->h.nnotes;
            const char **list = opt ? r->h.options : r->h.notes;
            if (expect_args(r, &ln, 2, opt ? "option \"KEY=VALUE\"" : "note \"TEXT\"", err) < 0)
                return -1;
            if (*n >= (opt ? TRACE_MAX_OPTIONS : TRACE_MAX_NOTES))
                return fail(r, err, "more than %d %s lines", opt ? TRACE_MAX_OPTIONS :
                            TRACE_MAX_NOTES, opt ? "option" : "note");
            if (string_arg(r, &ln.t[1], opt ? "option" : "note", &list[*n], err) < 0)
                return -1;
            (*n)++;
        } else if (tok_is(k, "fdt-size")) {
            if (expect_args(r, &ln, 2, "fdt-size BYTES", err) < 0 ||
                num(r, &ln.t[1], "fdt-size", TRACE_MAX_DTB, &r->h.fdt_size, err) < 0)
                return -1;
        } else if (tok_is(k, "mpu-regions") || tok_is(k, "el1-mpu-regions")) {
            if (expect_args(r, &ln, 2, "mpu-regions N", err) < 0 ||
                num(r, &ln.t[1], "region count", 256, &v, err) < 0)
                return -1;
            if (v == 0)
                return fail(r, err, "region count 0: expected 1 to 256");
            *(tok_is(k, "mpu-regions") ? &r->h.mpu_regions : &r->h.el1_mpu_regions) = (unsigned)v;
        } else {
            return fail(r, err, "unknown header field '%.*s' (expected platform, module, "
                        "option, fdt-size, mpu-regions, el1-mpu-regions, note or events)",
                        (int)k->len, k->s);
        }
    }
    if (!have_platform)
        return fail(r, err, "the header has no platform line");
    if (!have_module)
        return fail(r, err, "the header has no module line");
    return 0;
}

/* ---- Events ---------------------------------------------------------------- */

static const struct {
    const char *word;
    uint8_t kind;
    int op;                          /* HV_EV_MAP: which mapping kind */
} keywords[] = {
    {"boot", HV_EV_BOOT, -1},
    {"cpu_up", HV_EV_CPU_UP, -1},
    {"map", HV_EV_MAP, HV_OP_MAP},
    {"unmap", HV_EV_MAP, HV_OP_UNMAP},
    {"modify", HV_EV_MAP, HV_OP_MODIFY},
    {"ioremap", HV_EV_MAP, HV_OP_IOREMAP},
    {"iounmap", HV_EV_MAP, HV_OP_IOUNMAP},
    {"map_domain_page", HV_EV_MAP_DOMAIN_PAGE, -1},
    {"unmap_domain_page", HV_EV_UNMAP_DOMAIN_PAGE, -1},
    {"create_domain", HV_EV_CREATE_DOMAIN, -1},
    {"p2m_update", HV_EV_P2M_UPDATE, -1},
    {"finish_boot", HV_EV_FINISH_BOOT, -1},
    {"switch", HV_EV_SWITCH, -1},
    {"copy", HV_EV_COPY, -1},
    {"clean", HV_EV_CLEAN, -1},
    {"begin", HV_EV_BEGIN, -1},
    {"end", HV_EV_END, -1},
    {"phase", HV_EV_PHASE, -1},
    {"access", HV_EV_ACCESS, -1},
};

static int composite_arg(struct trace_reader *r, const struct tok *t, uint8_t *op,
                         struct msa_error *err)
{
    if (tok_is(t, "copy_from_paddr"))
        *op = HV_OP_COPY_FROM_PADDR;
    else if (tok_is(t, "load_domain"))
        *op = HV_OP_LOAD_DOMAIN;
    else
        return fail(r, err, "composite '%.*s': expected copy_from_paddr or load_domain",
                    (int)t->len, t->s);
    return 0;
}

static int map_args(struct trace_reader *r, const struct line *ln, struct hv_event *ev,
                    struct msa_error *err)
{
    const char *usage = "CYCLE CORE CONTEXT KIND BASE+SIZE FLAGS OWNER DOMID \"PURPOSE\"";
    if (expect_args(r, ln, 9, usage, err) < 0 || range(r, &ln->t[4], &ev->a, &ev->b, err) < 0)
        return -1;
    char buf[32];
    snprintf(buf, sizeof buf, "%.*s", (int)ln->t[5].len, ln->t[5].s);
    if (ln->t[5].quoted || trace_flags_parse(buf, &ev->flags) < 0)
        return fail(r, err, "flags '%s': expected pwxg/A (each letter or '-', A the attribute "
                    "index 0-7) or 0x hex", buf);
    snprintf(buf, sizeof buf, "%.*s", (int)ln->t[6].len, ln->t[6].s);
    int owner = ln->t[6].quoted ? -1 : trace_owner_of_name(ln->t[6].s, ln->t[6].len);
    if (owner < 0)
        return fail(r, err, "owner '%s': expected one of hv_text, hv_rodata, hv_data, hv_heap, "
                    "device, transient_map, guest_stage2, other, none", buf);
    ev->owner = (uint8_t)owner;
    uint64_t d;
    if (tok_is(&ln->t[7], "xen"))
        ev->domid = HV_DOMID_XEN;
    else if (num(r, &ln->t[7], "domid", UINT32_MAX, &d, err) < 0)
        return -1;
    else
        ev->domid = (uint32_t)d;
    return string_arg(r, &ln->t[8], "purpose", &ev->purpose, err);
}

static int event_args(struct trace_reader *r, const struct line *ln, struct hv_event *ev,
                      struct msa_error *err)
{
    const struct tok *t = ln->t;
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_BOOT:
    case HV_EV_CPU_UP:
    case HV_EV_FINISH_BOOT:
        return expect_args(r, ln, 4, "CYCLE CORE CONTEXT KIND", err);
    case HV_EV_MAP:
        return map_args(r, ln, ev, err);
    case HV_EV_MAP_DOMAIN_PAGE:
    case HV_EV_UNMAP_DOMAIN_PAGE:
        if (expect_args(r, ln, 5, "CYCLE CORE CONTEXT KIND PA", err) < 0)
            return -1;
        return num(r, &t[4], "address", UINT64_MAX, &ev->a, err);
    case HV_EV_CREATE_DOMAIN:
        if (expect_args(r, ln, 5, "CYCLE CORE CONTEXT create_domain dN", err) < 0)
            return -1;
        return domain_arg(r, &t[4], &ev->domain, err);
    case HV_EV_P2M_UPDATE: {
        if (expect_args(r, ln, 9, "CYCLE CORE CONTEXT p2m_update dN GPA PA+SIZE FLAGS "
                        "\"PURPOSE\"", err) < 0 ||
            domain_arg(r, &t[4], &ev->domain, err) < 0 ||
            num(r, &t[5], "guest address", UINT64_MAX, &ev->a, err) < 0 ||
            range(r, &t[6], &ev->b, &ev->c, err) < 0)
            return -1;
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)t[7].len, t[7].s);
        if (t[7].quoted || trace_flags_parse(buf, &ev->flags) < 0)
            return fail(r, err, "flags '%s': expected pwxg/A or 0x hex", buf);
        return string_arg(r, &t[8], "purpose", &ev->purpose, err);
    }
    case HV_EV_SWITCH:
        if (expect_args(r, ln, 5, "CYCLE CORE CONTEXT switch dNvM|idle", err) < 0)
            return -1;
        return vcpu_arg(r, &t[4], &ev->domain, &ev->vcpu, err);
    case HV_EV_COPY:
        if (expect_args(r, ln, 7, "CYCLE CORE CONTEXT copy DST SRC LEN", err) < 0 ||
            num(r, &t[4], "destination", UINT64_MAX, &ev->a, err) < 0 ||
            num(r, &t[5], "source", UINT64_MAX, &ev->b, err) < 0)
            return -1;
        return num(r, &t[6], "length", UINT64_MAX, &ev->c, err);
    case HV_EV_CLEAN:
        if (expect_args(r, ln, 6, "CYCLE CORE CONTEXT clean BASE LEN", err) < 0 ||
            num(r, &t[4], "base", UINT64_MAX, &ev->a, err) < 0)
            return -1;
        return num(r, &t[5], "length", UINT64_MAX, &ev->c, err);
    case HV_EV_BEGIN:
        if (ln->n != 5 && ln->n != 6)
            return fail(r, err, "%u fields: expected 'CYCLE CORE CONTEXT begin OP [dN]'", ln->n);
        if (composite_arg(r, &t[4], &ev->op, err) < 0)
            return -1;
        return ln->n == 6 ? domain_arg(r, &t[5], &ev->domain, err) : 0;
    case HV_EV_END:
        if (expect_args(r, ln, 5, "CYCLE CORE CONTEXT end OP", err) < 0)
            return -1;
        return composite_arg(r, &t[4], &ev->op, err);
    case HV_EV_PHASE:
        if (expect_args(r, ln, 5, "CYCLE CORE CONTEXT phase boot|runtime", err) < 0)
            return -1;
        if (tok_is(&t[4], "boot"))
            ev->a = 0;
        else if (tok_is(&t[4], "runtime"))
            ev->a = 1;
        else
            return fail(r, err, "phase '%.*s': expected boot or runtime", (int)t[4].len, t[4].s);
        return 0;
    case HV_EV_ACCESS:
        if (expect_args(r, ln, 7, "CYCLE CORE CONTEXT access read|write|zero ADDR LEN", err) < 0)
            return -1;
        if (tok_is(&t[4], "read"))
            ev->flags = HV_ACCESS_READ;
        else if (tok_is(&t[4], "write"))
            ev->flags = HV_ACCESS_WRITE;
        else if (tok_is(&t[4], "zero"))
            ev->flags = HV_ACCESS_ZERO;
        else
            return fail(r, err, "access '%.*s': expected read, write or zero", (int)t[4].len,
                        t[4].s);
        if (num(r, &t[5], "address", UINT64_MAX, &ev->a, err) < 0)
            return -1;
        return num(r, &t[6], "length", UINT64_MAX, &ev->c, err);
    default:
        return fail(r, err, "internal: event kind %u", ev->kind);
    }
}

int trace_text_next(struct trace_reader *r, struct hv_event *ev, struct msa_error *err)
{
    struct line ln;
    int rc = next_line(r, &ln, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return fail(r, err, "truncated: no 'end COUNT' line after %" PRIu64 " events",
                    r->events);
    if (tok_is(&ln.t[0], "end")) {
        uint64_t n;
        if (ln.n != 2 || num(r, &ln.t[1], "event count", UINT64_MAX, &n, err) < 0)
            return fail(r, err, "expected 'end COUNT' closing the trace");
        if (n != r->events)
            return fail(r, err, "the end line counts %" PRIu64 " events but %" PRIu64 " were "
                        "read: events are missing or were added", n, r->events);
        struct line extra;
        if ((rc = next_line(r, &extra, err)) != 0)
            return rc < 0 ? -1 : fail(r, err, "data after the end line");
        return 0;
    }
    if (ln.n < 4)
        return fail(r, err, "expected 'CYCLE CORE CONTEXT KIND ...' or 'end COUNT'");
    const struct tok *k = &ln.t[3];
    int found = -1;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (tok_is(k, keywords[i].word)) {
            found = (int)i;
            break;
        }
    if (found < 0)
        return fail(r, err, "unknown event '%.*s'", (int)k->len, k->s);
    trace_event_clear(ev, keywords[found].kind);
    if (keywords[found].op >= 0)
        ev->op = (uint8_t)keywords[found].op;
    if (num(r, &ln.t[0], "cycle", UINT64_MAX, &ev->cycle, err) < 0 ||
        core_arg(r, &ln.t[1], &ev->core, err) < 0 ||
        vcpu_arg(r, &ln.t[2], &ev->ctx_domain, &ev->ctx_vcpu, err) < 0)
        return -1;
    return event_args(r, &ln, ev, err) < 0 ? -1 : 1;
}
