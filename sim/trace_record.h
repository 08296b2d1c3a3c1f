/* Recording a hypervisor model's requests to a trace file, for the
 * subcommands that drive a model (`boot --trace-out`, `replay --trace-out`). */
#ifndef MSASIM_SIM_TRACE_RECORD_H
#define MSASIM_SIM_TRACE_RECORD_H

#include "hv/hv.h"
#include "sim/trace.h"

/* A header for a model built with `cfg` on `platform` (a built-in name or
 * a file): a built-in is named, a DTB file embedded (*dtb receives the
 * bytes, to free after the header's last use), a DTS referred to by path.
 * The header points into `cfg` and `note`. */
int trace_header_for_run(const char *platform, const struct hv_config *cfg, const char *note,
                         struct trace_header *h, unsigned char **dtb, struct msa_error *err);

/* The same with the platform given as DTB bytes (embedded; `name` is
 * what the trace calls it).  The header points into its arguments. */
int trace_header_with_dtb(const char *name, const unsigned char *dtb, size_t dtb_size,
                          const struct hv_config *cfg, const char *note, struct trace_header *h,
                          struct msa_error *err);

struct trace_recording;

/* Opens `path` (text, or binary for *.mtrace; gzipped for *.gz) and
 * installs the sink on `hv`. */
int trace_record_start(struct hv *hv, const char *path, const struct trace_header *h,
                       struct trace_recording **out, struct msa_error *err);
/* Removes the sink and writes the file whole; -1 with `err` otherwise. */
int trace_record_finish(struct trace_recording *rec, struct msa_error *err);
void trace_record_abort(struct trace_recording *rec);

#endif
