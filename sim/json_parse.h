/* A small, strict JSON reader that builds a read-only tree (RFC 8259).
 *
 * Strict means: no comments, no trailing commas, no leading zeros, no NaN or
 * infinity, no duplicate keys in an object, strings must be valid UTF-8 with
 * no raw control characters, and nothing but whitespace may follow the
 * top-level value.  One deliberate restriction: "\u0000" is refused, so every
 * string in the tree is an ordinary NUL-terminated C string.
 *
 * Bounded: the input size, the nesting depth and the memory the tree may take
 * are capped (json_parse_limits), so a hostile or corrupt file gets an error,
 * never an exhausted stack or heap.
 *
 * Every error is one line: "NAME: line L, column C (byte B): expected X,
 * found Y".  Each value in the tree remembers where it started, so callers
 * that check a document's meaning (json_error_at) point at the same place. */
#ifndef MSASIM_SIM_JSON_PARSE_H
#define MSASIM_SIM_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
};

struct json_member;

struct json_value {
    enum json_type type;
    uint32_t line;   /* 1-based */
    uint32_t column; /* 1-based, in bytes */
    size_t offset;   /* byte offset of the value's first character */
    union {
        bool boolean;
        struct {
            double d;        /* always set */
            int64_t i;       /* valid when fits_int */
            uint64_t u;      /* valid when fits_uint */
            bool integral;   /* written without fraction or exponent */
            bool fits_int;   /* integral and within int64 */
            bool fits_uint;  /* integral, not negative, within uint64 */
        } number;
        struct {
            const char *s;   /* NUL-terminated UTF-8 */
            size_t len;
        } string;
        struct {
            const struct json_value *items;
            size_t count;
        } array;
        struct {
            const struct json_member *members; /* in document order */
            size_t count;
        } object;
    };
};

struct json_member {
    const char *key;
    size_t key_len;
    struct json_value value;
};

/* Zero in a field means "use the default". */
struct json_parse_limits {
    size_t max_input_bytes; /* default JSON_DEFAULT_MAX_INPUT */
    unsigned max_depth;     /* default JSON_DEFAULT_MAX_DEPTH */
    size_t max_alloc_bytes; /* default JSON_DEFAULT_MAX_ALLOC */
};

#define JSON_DEFAULT_MAX_INPUT ((size_t)256 << 20)
#define JSON_DEFAULT_MAX_DEPTH 64u
#define JSON_DEFAULT_MAX_ALLOC ((size_t)1 << 30)
/* A number token longer than this is refused rather than converted. */
#define JSON_MAX_NUMBER_CHARS 512

struct json_doc;

/* Parses text[0..len) (need not be NUL-terminated).  `name` is what error
 * messages call the input (a file name); it is copied.  `limits` may be NULL.
 * Returns NULL and fills `err` on failure. */
struct json_doc *json_parse(const char *text, size_t len, const char *name,
                            const struct json_parse_limits *limits, struct msa_error *err);

/* Reads and parses a file; "-" reads standard input. */
struct json_doc *json_parse_file(const char *path, const struct json_parse_limits *limits,
                                 struct msa_error *err);

void json_doc_free(struct json_doc *doc);
const struct json_value *json_doc_root(const struct json_doc *doc);
const char *json_doc_name(const struct json_doc *doc);

/* The member of an object with this key, or NULL (also when `obj` is not an
 * object).  Linear in the number of members. */
const struct json_value *json_get(const struct json_value *obj, const char *key);

/* "null", "a boolean", "a number", "a string", "an array", "an object". */
const char *json_type_name(enum json_type type);

/* Reports a problem with the meaning of a value:
 * "NAME: line L, column C (byte B): <message>".  Returns -1. */
int json_error_at(struct msa_error *err, const struct json_doc *doc, const struct json_value *v,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
