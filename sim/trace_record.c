/* Recording a model's requests into a trace file: the header from the
 * configuration the model was built with (the platform by name when it is
 * a built-in, embedded when it is a DTB file, by path when it is a DTS),
 * then every event through the writer's sink. */
#include <stdlib.h>
#include <string.h>

#include "sim/platform.h"
#include "sim/trace_record.h"

struct trace_recording {
    struct hv *hv;
    struct trace_writer *w;
    unsigned char *dtb;
};

/* The platform part of a header; *dtb receives a buffer the caller frees. */
static int platform_ref(const char *platform, struct trace_header *h, unsigned char **dtb,
                        struct msa_error *err)
{
    *dtb = NULL;
    h->platform = platform;
    if (platform_builtin_dtb(platform, NULL)) {
        h->platform_kind = TRACE_PLATFORM_BUILTIN;
        return 0;
    }
    h->platform_kind = TRACE_PLATFORM_FILE;
    FILE *f = fopen(platform, "rb");
    if (!f)
        return msa_error_set(err, "%s: cannot open the platform to record it in the trace",
                             platform);
    unsigned char magic[4];
    bool is_dtb = fread(magic, 1, 4, f) == 4 && magic[0] == 0xd0 && magic[1] == 0x0d &&
                  magic[2] == 0xfe && magic[3] == 0xed;
    if (is_dtb && fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size > 0 && (unsigned long)size <= PLATFORM_MAX_DTB_SIZE && fseek(f, 0, SEEK_SET) == 0 &&
            (*dtb = malloc((size_t)size)) && fread(*dtb, 1, (size_t)size, f) == (size_t)size) {
            h->platform_kind = TRACE_PLATFORM_DTB;
            h->dtb = *dtb;
            h->dtb_size = (size_t)size;
        } else {
            free(*dtb);
            *dtb = NULL;
            fclose(f);
            return msa_error_set(err, "%s: cannot read the DTB to embed it in the trace", platform);
        }
    }
    fclose(f);
    return 0;
}

/* The module part of a header. */
static int module_ref(const struct hv_config *cfg, const char *note, struct trace_header *h,
                      struct msa_error *err)
{
    h->fdt_size = cfg->fdt_size;
    h->module = cfg->module;
    if (cfg->noptions > TRACE_MAX_OPTIONS)
        return msa_error_set(err, "more than %d --hv-opt options: a trace holds at most that many",
                             TRACE_MAX_OPTIONS);
    for (unsigned i = 0; i < cfg->noptions; i++)
        h->options[h->noptions++] = cfg->options[i];
    h->mpu_regions = cfg->mpu_regions;
    h->el1_mpu_regions = cfg->el1_mpu_regions;
    if (note)
        h->notes[h->nnotes++] = note;
    return 0;
}

int trace_header_for_run(const char *platform, const struct hv_config *cfg, const char *note,
                         struct trace_header *h, unsigned char **dtb, struct msa_error *err)
{
    memset(h, 0, sizeof *h);
    h->version = TRACE_FORMAT_VERSION;
    if (platform_ref(platform, h, dtb, err) < 0)
        return -1;
    if (module_ref(cfg, note, h, err) < 0) {
        free(*dtb);
        *dtb = NULL;
        return -1;
    }
    return 0;
}

int trace_header_with_dtb(const char *name, const unsigned char *dtb, size_t dtb_size,
                          const struct hv_config *cfg, const char *note, struct trace_header *h,
                          struct msa_error *err)
{
    memset(h, 0, sizeof *h);
    h->version = TRACE_FORMAT_VERSION;
    h->platform = name;
    h->platform_kind = TRACE_PLATFORM_DTB;
    h->dtb = dtb;
    h->dtb_size = dtb_size;
    return module_ref(cfg, note, h, err);
}

int trace_record_start(struct hv *hv, const char *path, const struct trace_header *h,
                       struct trace_recording **out, struct msa_error *err)
{
    *out = NULL;
    struct trace_recording *rec = calloc(1, sizeof *rec);
    if (!rec)
        return msa_error_set(err, "out of memory");
    if (trace_writer_open(path, trace_form_for_path(path), h, &rec->w, err) < 0) {
        free(rec);
        return -1;
    }
    rec->hv = hv;
    hv_set_event_sink(hv, trace_writer_sink, rec->w);
    *out = rec;
    return 0;
}

int trace_record_finish(struct trace_recording *rec, struct msa_error *err)
{
    hv_set_event_sink(rec->hv, NULL, NULL);
    int rc = trace_writer_close(rec->w, err);
    free(rec);
    return rc;
}

void trace_record_abort(struct trace_recording *rec)
{
    if (!rec)
        return;
    hv_set_event_sink(rec->hv, NULL, NULL);
    trace_writer_abort(rec->w);
    free(rec);
}
