/* A small streaming JSON writer: keeps track of commas and nesting so that
 * callers only say what they emit.  Integers are written as integers (the
 * schemas promise integer addresses and sizes), doubles with enough digits to
 * round-trip. */
#ifndef MSASIM_SIM_JSON_WRITER_H
#define MSASIM_SIM_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
    FILE *out;
    int depth;
    bool pretty;
    bool need_comma[JSON_MAX_DEPTH];
    bool after_key;
};

void json_init(struct json_writer *w, FILE *out, bool pretty);

void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);

/* Inside an object: the next value belongs to this key. */
void json_key(struct json_writer *w, const char *key);

void json_string(struct json_writer *w, const char *s);
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Shorthands for "key": value inside an object. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_double(struct json_writer *w, const char *key, double v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);

/* Finish the document (newline at the end). */
void json_finish(struct json_writer *w);

#endif
