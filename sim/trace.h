/* Boot traces on disk: the header (format version, platform, module and
 * its options, region counts) and the stream of struct hv_event
 * (hv/hv_trace.h), in a readable text form or a compact binary form with
 * lossless conversion between them.  traces/FORMAT.md specifies both.
 *
 * Reading accepts either form, plain or gzipped (told apart by content, not
 * by name).  Every error names the file and the line (text) or the byte
 * offset in the uncompressed stream (binary) where the trace stops making
 * sense; a trace written by a newer format version is refused as such.
 *
 * Writing goes through an atomic file (whole or nothing), gzipped when the
 * path ends in ".gz".  The text a writer produces is canonical: reading it
 * and writing it again, in either form, gives the same bytes. */
#ifndef MSASIM_SIM_TRACE_H
#define MSASIM_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hv_trace.h"
#include "sim/error.h"

#define TRACE_FORMAT_VERSION 2
/* Larger traces (after decompression) are refused before parsing. */
#define TRACE_MAX_BYTES ((size_t)1 << 31)
#define TRACE_MAX_OPTIONS 64
#define TRACE_MAX_NOTES 64

enum trace_form {
    TRACE_TEXT = 0,
    TRACE_BINARY = 1,
};

enum trace_platform_kind {
    TRACE_PLATFORM_BUILTIN = 0,  /* `platform` is a built-in's name */
    TRACE_PLATFORM_DTB,          /* the tree is embedded; `platform` names its source */
    TRACE_PLATFORM_FILE,         /* `platform` is a path, relative to where msasim runs */
};

/* Everything but the events.  Strings are owned by whoever filled the
 * header (the reader, or the caller for a writer). */
struct trace_header {
    unsigned version;
    enum trace_platform_kind platform_kind;
    const char *platform;
    const unsigned char *dtb;        /* TRACE_PLATFORM_DTB */
    size_t dtb_size;
    uint64_t fdt_size;               /* the size the core took for the DTB (hv_config) */
    const char *module;              /* --hv as recorded */
    const char *options[TRACE_MAX_OPTIONS];   /* --hv-opt KEY=VALUE, in order */
    unsigned noptions;
    unsigned mpu_regions;            /* EL2 regions per core */
    unsigned el1_mpu_regions;
    const char *notes[TRACE_MAX_NOTES];       /* provenance, assumptions */
    unsigned nnotes;
};

/* ---- Reading ------------------------------------------------------------- */

struct trace_reader;

/* Reads the whole file (gunzipped if need be) and parses the header. */
int trace_open(const char *path, struct trace_reader **out, struct msa_error *err);
/* The same from memory (the buffer is copied); `name` prefixes messages. */
int trace_open_mem(const void *buf, size_t len, const char *name, struct trace_reader **out,
                   struct msa_error *err);
void trace_close(struct trace_reader *r);

const struct trace_header *trace_header(const struct trace_reader *r);
enum trace_form trace_form(const struct trace_reader *r);

/* The next event: 1 with *ev filled (its strings live as long as the
 * reader), 0 at the end record (its event count checked), -1 on corrupt or
 * truncated input with `err` giving the line or byte offset. */
int trace_next(struct trace_reader *r, struct hv_event *ev, struct msa_error *err);
/* "FILE:LINE" or "FILE: byte N" of the event trace_next returned last. */
void trace_where(const struct trace_reader *r, char *buf, size_t len);
uint64_t trace_events_read(const struct trace_reader *r);

/* ---- Writing ------------------------------------------------------------- */

struct trace_writer;

/* `path` "-" writes to standard output.  The header is copied. */
int trace_writer_open(const char *path, enum trace_form form, const struct trace_header *h,
                      struct trace_writer **out, struct msa_error *err);
/* Queues one event.  Errors (a full disk, an event the format cannot
 * hold) are kept and reported by trace_writer_close. */
void trace_writer_event(struct trace_writer *w, const struct hv_event *ev);
/* Writes the end record and makes the file appear; -1 with `err` on any
 * error, in which case nothing is left at `path`.  Frees `w` either way. */
int trace_writer_close(struct trace_writer *w, struct msa_error *err);
/* Throws everything away.  Frees `w`. */
void trace_writer_abort(struct trace_writer *w);
/* An hv_event_fn: `ctx` is a struct trace_writer. */
void trace_writer_sink(void *ctx, const struct hv_event *ev);

/* The form a path asks for: binary for *.mtrace[.gz], text otherwise. */
enum trace_form trace_form_for_path(const char *path);

/* Reads everything of `in` and writes it to `out` in `form`. */
int trace_convert(const char *in, const char *out, enum trace_form form, uint64_t *events,
                  struct msa_error *err);

#endif
