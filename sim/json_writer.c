#include "sim/json_writer.h"

#include <inttypes.h>
#include <math.h>

void json_init(struct json_writer *w, FILE *out, bool pretty)
{
    w->out = out;
    w->depth = 0;
    w->pretty = pretty;
    w->need_comma[0] = false;
    w->after_key = false;
}

static void newline_indent(struct json_writer *w)
{
    if (!w->pretty)
        return;
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
}

/* Called before every value or key: emits the separator the position needs. */
static void before_item(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma[w->depth])
        fputc(',', w->out);
    if (w->depth > 0)
        newline_indent(w);
    w->need_comma[w->depth] = true;
}

static void open(struct json_writer *w, char c)
{
    before_item(w);
    fputc(c, w->out);
    if (w->depth + 1 < JSON_MAX_DEPTH)
        w->depth++;
    w->need_comma[w->depth] = false;
}

static void close(struct json_writer *w, char c)
{
    bool had_items = w->need_comma[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (had_items)
        newline_indent(w);
    fputc(c, w->out);
}

void json_begin_object(struct json_writer *w) { open(w, '{'); }
void json_end_object(struct json_writer *w) { close(w, '}'); }
void json_begin_array(struct json_writer *w) { open(w, '['); }
void json_end_array(struct json_writer *w) { close(w, ']'); }

static void write_escaped(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
    before_item(w);
    write_escaped(w->out, key);
    fputs(w->pretty ? ": " : ":", w->out);
    w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
    before_item(w);
    if (s)
        write_escaped(w->out, s);
    else
        fputs("null", w->out);
}

void json_uint(struct json_writer *w, uint64_t v)
{
    before_item(w);
    fprintf(w->out, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
    before_item(w);
    fprintf(w->out, "%" PRId64, v);
}

void json_double(struct json_writer *w, double v)
{
    before_item(w);
    /* JSON has no NaN or infinity; null says "no meaningful value". */
    if (!isfinite(v))
        fputs("null", w->out);
    else if (fabs(v) < 9.0e15 && v == (double)(int64_t)v)
        fprintf(w->out, "%" PRId64, (int64_t)v);
    else
        fprintf(w->out, "%.17g", v);
}

void json_bool(struct json_writer *w, bool v)
{
    before_item(w);
    fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
    before_item(w);
    fputs("null", w->out);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s) { json_key(w, key); json_string(w, s); }
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v) { json_key(w, key); json_uint(w, v); }
void json_kv_int(struct json_writer *w, const char *key, int64_t v) { json_key(w, key); json_int(w, v); }
void json_kv_double(struct json_writer *w, const char *key, double v) { json_key(w, key); json_double(w, v); }
void json_kv_bool(struct json_writer *w, const char *key, bool v) { json_key(w, key); json_bool(w, v); }

void json_finish(struct json_writer *w)
{
    fputc('\n', w->out);
}
