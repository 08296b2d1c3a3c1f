/* Writing a trace: bytes collect in a buffer and go to an atomic file,
 * through gzip when the path ends in ".gz"; the first error is kept and
 * reported when the writer closes, so a recording sink never has to fail
 * in the middle of a run.  Also the conversion between forms. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/trace_internal.h"

#define OUT_CHUNK (1u << 16)

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum trace_form trace_form_for_path(const char *path)
{
    return ends_with(path, ".mtrace") || ends_with(path, ".mtrace.gz") ? TRACE_BINARY : TRACE_TEXT;
}

void tw_fail(struct trace_writer *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    w->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->error, sizeof w->error, fmt, ap);
    va_end(ap);
}

static void drain(struct trace_writer *w, int flush)
{
    if (!w->gz) {
        if (w->nout && fwrite(w->out, 1, w->nout, w->f) != w->nout)
            tw_fail(w, "%s: write error", w->af.path);
        w->nout = 0;
        return;
    }
    z_stream *z = w->z;
    unsigned char zbuf[OUT_CHUNK];
    z->next_in = w->out;
    z->avail_in = (uInt)w->nout;
    do {
        z->next_out = zbuf;
        z->avail_out = sizeof zbuf;
        int rc = deflate(z, flush);
        if (rc == Z_STREAM_ERROR) {
            tw_fail(w, "%s: gzip compression failed", w->af.path);
            break;
        }
        size_t have = sizeof zbuf - z->avail_out;
        if (have && fwrite(zbuf, 1, have, w->f) != have) {
            tw_fail(w, "%s: write error", w->af.path);
            break;
        }
    } while (z->avail_out == 0 || (flush == Z_FINISH && z->avail_in));
    w->nout = 0;
}

void tw_put(struct trace_writer *w, const void *p, size_t n)
{
    const unsigned char *s = p;
    while (n) {
        size_t room = w->capout - w->nout;
        size_t k = n < room ? n : room;
        memcpy(w->out + w->nout, s, k);
        w->nout += k;
        s += k;
        n -= k;
        if (w->nout == w->capout)
            drain(w, Z_NO_FLUSH);
    }
}

void tw_printf(struct trace_writer *w, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        tw_fail(w, "internal: a trace line longer than %zu bytes", sizeof buf);
        return;
    }
    tw_put(w, buf, (size_t)n);
}

static void writer_free(struct trace_writer *w)
{
    if (w->z) {
        deflateEnd(w->z);
        free(w->z);
    }
    strtab_free(&w->strings);
    free(w->out);
    free(w);
}

int trace_writer_open(const char *path, enum trace_form form, const struct trace_header *h,
                      struct trace_writer **out, struct msa_error *err)
{
    *out = NULL;
    struct trace_writer *w = calloc(1, sizeof *w);
    if (!w)
        return msa_error_set(err, "out of memory");
    w->form = form;
    w->capout = OUT_CHUNK;
    w->out = malloc(w->capout);
    strtab_init(&w->strings);
    w->gz = ends_with(path, ".gz");
    if (w->gz) {
        w->z = calloc(1, sizeof(z_stream));
        /* windowBits 15 + 16: a gzip wrapper (mtime 0, so the bytes depend
         * only on the content). */
        if (w->z && deflateInit2(w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            free(w->z);
            w->z = NULL;
        }
    }
    if (!w->out || (w->gz && !w->z)) {
        writer_free(w);
        return msa_error_set(err, "out of memory");
    }
    w->f = atomic_open(path, &w->af, err);
    if (!w->f) {
        writer_free(w);
        return -1;
    }
    if (form == TRACE_TEXT)
        trace_text_write_header(w, h);
    else
        trace_bin_write_header(w, h);
    *out = w;
    return 0;
}

void trace_writer_event(struct trace_writer *w, const struct hv_event *ev)
{
    if (w->failed)
        return;
    const char *why = trace_event_invalid(ev);
    if (why) {
        tw_fail(w, "event %" PRIu64 " (%s) cannot be written: %s", w->events,
                hv_ev_kind_name((enum hv_ev_kind)ev->kind) ? hv_ev_kind_name((enum hv_ev_kind)ev->kind)
                                                           : "?",
                why);
        return;
    }
    if (ev->cycle < w->last_cycle) {
        tw_fail(w, "event %" PRIu64 ": cycle %" PRIu64 " is earlier than the previous %" PRIu64,
                w->events, ev->cycle, w->last_cycle);
        return;
    }
    if (w->form == TRACE_TEXT)
        trace_text_write_event(w, ev);
    else
        trace_bin_write_event(w, ev);
    w->last_cycle = ev->cycle;
    w->events++;
}

void trace_writer_sink(void *ctx, const struct hv_event *ev)
{
    trace_writer_event(ctx, ev);
}

int trace_writer_close(struct trace_writer *w, struct msa_error *err)
{
    if (w->form == TRACE_TEXT)
        trace_text_write_end(w);
    else
        trace_bin_write_end(w);
    drain(w, Z_FINISH);
    int rc;
    if (w->failed) {
        atomic_abort(&w->af);
        rc = msa_error_set(err, "%s", w->error);
    } else {
        rc = atomic_commit(&w->af, err);
    }
    writer_free(w);
    return rc;
}

void trace_writer_abort(struct trace_writer *w)
{
    if (!w)
        return;
    atomic_abort(&w->af);
    writer_free(w);
}

int trace_convert(const char *in, const char *out, enum trace_form form, uint64_t *events,
                  struct msa_error *err)
{
    struct trace_reader *r;
    if (trace_open(in, &r, err) < 0)
        return -1;
    struct trace_writer *w;
    if (trace_writer_open(out, form, trace_header(r), &w, err) < 0) {
        trace_close(r);
        return -1;
    }
    struct hv_event ev;
    int rc;
    while ((rc = trace_next(r, &ev, err)) == 1)
        trace_writer_event(w, &ev);
    if (rc < 0) {
        trace_writer_abort(w);
        trace_close(r);
        return -1;
    }
    if (events)
        *events = trace_events_read(r);
    rc = trace_writer_close(w, err);
    trace_close(r);
    return rc;
}
