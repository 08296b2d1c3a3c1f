/* Shared by the sim/trace_*.c files: the string table, the encodings both
 * forms agree on, and the per-form halves of the reader and the writer. */
#ifndef MSASIM_SIM_TRACE_INTERNAL_H
#define MSASIM_SIM_TRACE_INTERNAL_H

#include <stdio.h>

#include "sim/atomic_file.h"
#include "sim/trace.h"

/* The binary form starts with these 8 bytes (a high byte first, so a
 * transfer that mangles 8-bit data or line ends is noticed, as in PNG). */
#define TRACE_BIN_MAGIC "\x89MSATRC\n"
#define TRACE_BIN_MAGIC_LEN 8
#define TRACE_TEXT_MAGIC "msasim-trace"
/* An embedded tree larger than this is refused (the platform loader's limit). */
#define TRACE_MAX_DTB ((uint64_t)64 << 20)

/* Header field tags of the binary form (0 ends the header). */
enum trace_bin_tag {
    TB_END = 0,
    TB_PLATFORM_BUILTIN = 1,
    TB_PLATFORM_DTB = 2,
    TB_PLATFORM_FILE = 3,
    TB_FDT_SIZE = 4,
    TB_MODULE = 5,
    TB_OPTION = 6,
    TB_MPU_REGIONS = 7,
    TB_EL1_MPU_REGIONS = 8,
    TB_NOTE = 9,
};

/* Record opcodes of the binary event stream. */
#define TB_REC_END 0x00
#define TB_REC_STRING 0x01
#define TB_REC_EVENT 0x10          /* + enum hv_ev_kind */

/* ---- Interned strings: one copy of each, ids from 1 (0 is "none") ------- */

struct trace_strtab {
    char **items;                   /* [id - 1] */
    uint32_t count, cap;
    uint32_t *slots;                /* hash -> id, 0 empty */
    uint32_t nslots;
};

void strtab_init(struct trace_strtab *t);
void strtab_free(struct trace_strtab *t);
/* The id of `s` (len bytes, may hold no NUL); 0 when out of memory.
 * *added tells whether it is new. */
uint32_t strtab_intern(struct trace_strtab *t, const char *s, size_t len, bool *added);
/* Adds without looking for an earlier copy (the binary form's string
 * records define ids in order). */
uint32_t strtab_append(struct trace_strtab *t, const char *s, size_t len);
const char *strtab_get(const struct trace_strtab *t, uint32_t id);

/* ---- Field encodings both forms share ----------------------------------- */

/* "pwxg/A": present, write, exec, guest, attribute index; NULL when the
 * flags hold other bits (written in hex then). */
const char *trace_flags_symbol(uint32_t flags, char buf[8]);
int trace_flags_parse(const char *s, uint32_t *out);
/* Operation kinds (map kinds and composites) and owners: the format's
 * codes (binary) and names (text); -1 / "?" for values it has none for. */
int trace_op_code(unsigned op);
int trace_op_of_code(uint64_t code);
const char *trace_op_name(unsigned op);
int trace_op_of_name(const char *s, size_t len);
int trace_owner_code(unsigned owner);
int trace_owner_of_code(uint64_t code);
const char *trace_owner_name(unsigned owner);
int trace_owner_of_name(const char *s, size_t len);
/* Default values of the fields a kind does not use, so that both forms
 * yield identical events. */
void trace_event_clear(struct hv_event *ev, uint8_t kind);
/* Limits a replay relies on: a kind, op, owner or phase out of range. */
const char *trace_event_invalid(const struct hv_event *ev);
/* Its checks of the fields of particular kinds (op, owner, phase, an
 * access's end), after those of the kind, domains, vCPUs and core. */
const char *trace_event_kind_invalid(const struct hv_event *ev);
/* The kinds trace_event_kind_invalid has a check for (a mask of enum
 * hv_ev_kind): the others pass whatever their fields hold. */
#define TRACE_KINDS_CHECKED                                                                 \
    (1u << HV_EV_MAP | 1u << HV_EV_BEGIN | 1u << HV_EV_END | 1u << HV_EV_CREATE_DOMAIN |     \
     1u << HV_EV_P2M_UPDATE | 1u << HV_EV_PHASE | 1u << HV_EV_ACCESS)

/* ---- Reader -------------------------------------------------------------- */

struct trace_reader {
    char *name;
    unsigned char *buf;
    size_t len;
    size_t pos;                     /* next byte */
    enum trace_form form;
    struct trace_header h;
    struct trace_strtab strings;    /* event strings; ids as the binary form numbers them */
    struct trace_strtab hstrings;   /* header strings */
    unsigned char *dtb;             /* the embedded tree (h.dtb points here) */
    uint64_t events;
    uint64_t last_cycle;
    bool ended;
    /* Where the last event came from. */
    unsigned line;                  /* text: current line number */
    size_t ev_offset;               /* binary: offset of the last record */
};

int trace_text_header(struct trace_reader *r, struct msa_error *err);
/* The next event as written, or 0 at the end record (trace_next checks
 * the event, counts it and notes the end). */
int trace_text_next(struct trace_reader *r, struct hv_event *ev, struct msa_error *err);
int trace_bin_header(struct trace_reader *r, struct msa_error *err);
/* trace_next for the binary form: the event checked and counted, the end
 * noted. */
int trace_bin_next(struct trace_reader *r, struct hv_event *ev, struct msa_error *err);
/* The error for an event that fails the checks (`why`), naming its place. */
int trace_invalid_event(const struct trace_reader *r, const struct hv_event *ev, const char *why,
                        struct msa_error *err);
/* Keeps a string for the header (NULL when out of memory). */
const char *trace_keep(struct trace_reader *r, const char *s, size_t len);

/* ---- Writer -------------------------------------------------------------- */

struct trace_writer {
    enum trace_form form;
    struct atomic_file af;
    FILE *f;
    bool gz;
    void *z;                        /* z_stream when gz */
    unsigned char *out;             /* pending bytes */
    size_t nout, capout;
    bool failed;
    char error[MSA_ERROR_MAX];
    struct trace_strtab strings;    /* binary: ids already defined */
    uint64_t events;
    uint64_t last_cycle;
};

/* Appends bytes to the output (flushing through gzip when asked). */
void tw_put(struct trace_writer *w, const void *p, size_t n);
void tw_printf(struct trace_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tw_fail(struct trace_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void trace_text_write_header(struct trace_writer *w, const struct trace_header *h);
void trace_text_write_event(struct trace_writer *w, const struct hv_event *ev);
void trace_text_write_end(struct trace_writer *w);
void trace_bin_write_header(struct trace_writer *w, const struct trace_header *h);
void trace_bin_write_event(struct trace_writer *w, const struct hv_event *ev);
void trace_bin_write_end(struct trace_writer *w);

#endif
