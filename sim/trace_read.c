/* Opening a trace: the whole file is read (through zlib, which passes a
 * file that is not gzipped through unchanged), the form is told from the
 * first bytes, the header is parsed, and trace_next hands out events with
 * the checks common to both forms (the binary reader makes them as it
 * decodes, where most hold by construction). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/trace_internal.h"

static int read_all(const char *path, unsigned char **out, size_t *outlen, struct msa_error *err)
{
    *out = NULL;
    *outlen = 0;
    gzFile g = gzopen(path, "rb");
    if (!g)
        return msa_error_set(err, "%s: cannot open: %s", path,
                             errno ? strerror(errno) : "out of memory");
    gzbuffer(g, 1 << 17);
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    int rc = 0;
    for (;;) {
        if (!buf) {
            rc = msa_error_set(err, "%s: out of memory", path);
            break;
        }
        if (len == cap) {
            if (cap >= TRACE_MAX_BYTES) {
                rc = msa_error_set(err, "%s: larger than %zu bytes (uncompressed): refused",
                                   path, TRACE_MAX_BYTES);
                break;
            }
            unsigned char *n = realloc(buf, cap * 2);
            if (!n) {
                rc = msa_error_set(err, "%s: out of memory", path);
                break;
            }
            buf = n;
            cap *= 2;
        }
        size_t want = cap - len > (1u << 30) ? (1u << 30) : cap - len;
        int got = gzread(g, buf + len, (unsigned)want);
        int zerr;
        const char *zmsg = gzerror(g, &zerr);
        if (got < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
            rc = msa_error_set(err, "%s: gzip stream truncated or corrupt after %zu bytes of "
                               "data: %s", path, len + (got > 0 ? (size_t)got : 0),
                               zerr == Z_ERRNO ? strerror(errno) : zmsg);
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    gzclose(g);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = len;
    return 0;
}

static int parse(struct trace_reader *r, struct msa_error *err)
{
    r->h.version = TRACE_FORMAT_VERSION;
    if (r->len == 0)
        return msa_error_set(err, "%s: empty file: expected a msasim trace", r->name);
    size_t tl = strlen(TRACE_TEXT_MAGIC);
    if (r->len >= TRACE_BIN_MAGIC_LEN && memcmp(r->buf, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN) == 0) {
        r->form = TRACE_BINARY;
        return trace_bin_header(r, err);
    }
    if (r->len >= tl && memcmp(r->buf, TRACE_TEXT_MAGIC, tl) == 0) {
        r->form = TRACE_TEXT;
        return trace_text_header(r, err);
    }
    return msa_error_set(err, "%s: byte 0: not a msasim trace (expected the line '%s %d' or "
                         "the binary form's magic number)", r->name, TRACE_TEXT_MAGIC,
                         TRACE_FORMAT_VERSION);
}

static int finish_open(struct trace_reader *r, struct trace_reader **out, struct msa_error *err)
{
    strtab_init(&r->strings);
    strtab_init(&r->hstrings);
    if (parse(r, err) < 0) {
        trace_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

int trace_open(const char *path, struct trace_reader **out, struct msa_error *err)
{
    *out = NULL;
    struct trace_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(path))) {
        free(r);
        return msa_error_set(err, "out of memory");
    }
    if (read_all(path, &r->buf, &r->len, err) < 0) {
        free(r->name);
        free(r);
        return -1;
    }
    return finish_open(r, out, err);
}

int trace_open_mem(const void *buf, size_t len, const char *name, struct trace_reader **out,
                   struct msa_error *err)
{
    *out = NULL;
    struct trace_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name)) || !(r->buf = malloc(len ? len : 1))) {
        if (r)
            free(r->name);
        free(r);
        return msa_error_set(err, "out of memory");
    }
    memcpy(r->buf, buf, len);
    r->len = len;
    return finish_open(r, out, err);
}

void trace_close(struct trace_reader *r)
{
    if (!r)
        return;
    strtab_free(&r->strings);
    strtab_free(&r->hstrings);
    free(r->dtb);
    free(r->buf);
    free(r->name);
    free(r);
}

const char *trace_keep(struct trace_reader *r, const char *s, size_t len)
{
    bool added;
    return strtab_get(&r->hstrings, strtab_intern(&r->hstrings, s, len, &added));
}

const struct trace_header *trace_header(const struct trace_reader *r)
{
    return &r->h;
}

enum trace_form trace_form(const struct trace_reader *r)
{
    return r->form;
}

uint64_t trace_events_read(const struct trace_reader *r)
{
    return r->events;
}

void trace_where(const struct trace_reader *r, char *buf, size_t len)
{
    if (r->form == TRACE_TEXT)
        snprintf(buf, len, "%s:%u", r->name, r->line);
    else
        snprintf(buf, len, "%s: byte %zu", r->name, r->ev_offset);
}

/* Out of line, so that the per-event path keeps no message buffer. */
__attribute__((noinline, cold)) int trace_invalid_event(const struct trace_reader *r,
                                                        const struct hv_event *ev,
                                                        const char *why, struct msa_error *err)
{
    char where[600];
    trace_where(r, where, sizeof where);
    return msa_error_set(err, "%s: %s event: %s", where,
                         hv_ev_kind_name((enum hv_ev_kind)ev->kind)
                             ? hv_ev_kind_name((enum hv_ev_kind)ev->kind)
                             : "an",
                         why);
}

/* trace_next for the text form: its reader only parses.  Out of line, so
 * that trace_next saves no registers on its way to the binary reader. */
static __attribute__((noinline)) int text_next(struct trace_reader *r, struct hv_event *ev,
                                               struct msa_error *err)
{
    int rc = trace_text_next(r, ev, err);
    if (rc <= 0) {
        if (rc == 0)
            r->ended = true;
        return rc;
    }
    const char *why = trace_event_invalid(ev);
    if (!why && ev->cycle < r->last_cycle)
        why = "its cycle is earlier than the previous event's";
    if (why)
        return trace_invalid_event(r, ev, why, err);
    r->last_cycle = ev->cycle;
    r->events++;
    return 1;
}

int trace_next(struct trace_reader *r, struct hv_event *ev, struct msa_error *err)
{
    if (r->ended)
        return 0;
    /* The binary reader checks and counts its events itself: a call less
     * per event. */
    return r->form == TRACE_BINARY ? trace_bin_next(r, ev, err) : text_next(r, ev, err);
}
