/* Strict recursive-descent JSON parser; see json_parse.h for the rules.
 *
 * The tree lives in an arena owned by the document, so freeing a document is
 * one walk over a few chunks.  Arrays and objects are first collected in a
 * temporary vector (their size is unknown until the closing bracket) and then
 * copied into the arena at their exact size.  Both the arena and the
 * temporary vectors count against max_alloc_bytes. */
#include "sim/json_parse.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ARENA_CHUNK_MIN (64u * 1024u)

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct json_doc {
    struct arena_chunk *chunks;
    struct json_value root;
    char *name;
};

struct parser {
    const char *text;
    size_t len;
    size_t pos;
    uint32_t line;
    size_t line_start; /* offset of the first byte of the current line */
    unsigned depth;
    unsigned max_depth;
    size_t alloc_used;
    size_t max_alloc;
    struct json_doc *doc;
    struct msa_error *err;
};

/* ---- errors ------------------------------------------------------------ */

static void locate(const char *text, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    }
    *line = l;
    *col = (uint32_t)(off - start + 1);
}

/* What sits at `off`, for the "found ..." half of a message. */
static void describe_at(const struct parser *p, size_t off, char *buf, size_t size)
{
    if (off >= p->len) {
        snprintf(buf, size, "end of input");
        return;
    }
    unsigned char c = (unsigned char)p->text[off];
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02x", c);
}

static int fail_at(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
    char msg[MSA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line, col;
    locate(p->text, off, &line, &col);
    return msa_error_set(p->err, "%s: line %" PRIu32 ", column %" PRIu32 " (byte %zu): %s",
                         p->doc->name, line, col, off, msg);
}

/* "expected X, found <what is at off>" */
static int expected_at(struct parser *p, size_t off, const char *what)
{
    char found[32];
    describe_at(p, off, found, sizeof found);
    return fail_at(p, off, "expected %s, found %s", what, found);
}

/* ---- memory ------------------------------------------------------------ */

static void arena_free(struct arena_chunk *c)
{
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

static int charge(struct parser *p, size_t bytes)
{
    if (bytes > p->max_alloc - p->alloc_used)
        return fail_at(p, p->pos, "document needs more than %zu bytes of memory", p->max_alloc);
    p->alloc_used += bytes;
    return 0;
}

static void *arena_alloc(struct parser *p, size_t size)
{
    const size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    if (charge(p, size) < 0)
        return NULL;
    struct arena_chunk *c = p->doc->chunks;
    if (!c || c->size - c->used < size) {
        size_t chunk = size > ARENA_CHUNK_MIN ? size : ARENA_CHUNK_MIN;
        c = malloc(sizeof *c + chunk);
        if (!c) {
            fail_at(p, p->pos, "out of memory");
            return NULL;
        }
        c->size = chunk;
        c->used = 0;
        c->next = p->doc->chunks;
        p->doc->chunks = c;
    }
    void *ptr = c->data + c->used;
    c->used += size;
    return ptr;
}

/* A growable vector used while an array or object is open. */
struct tmpvec {
    void *items;
    size_t count;
    size_t cap;
    size_t charged; /* bytes counted against the budget */
};

static void *tmpvec_push(struct parser *p, struct tmpvec *v, size_t elem)
{
    if (v->count == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 8;
        size_t extra = (ncap - v->cap) * elem;
        if (charge(p, extra) < 0)
            return NULL;
        v->charged += extra;
        void *n = realloc(v->items, ncap * elem);
        if (!n) {
            fail_at(p, p->pos, "out of memory");
            return NULL;
        }
        v->items = n;
        v->cap = ncap;
    }
    void *slot = (unsigned char *)v->items + v->count * elem;
    v->count++;
    memset(slot, 0, elem);
    return slot;
}

static void tmpvec_release(struct parser *p, struct tmpvec *v)
{
    free(v->items);
    p->alloc_used -= v->charged;
    memset(v, 0, sizeof *v);
}

/* Moves the vector into the arena at its exact size. */
static const void *tmpvec_settle(struct parser *p, struct tmpvec *v, size_t elem)
{
    void *dst = NULL;
    if (v->count) {
        dst = arena_alloc(p, v->count * elem);
        if (dst)
            memcpy(dst, v->items, v->count * elem);
    }
    size_t count = v->count;
    tmpvec_release(p, v);
    v->count = count;
    return dst;
}

/* ---- lexical helpers --------------------------------------------------- */

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629, table 3-7 of the
 * Unicode standard: no overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Reads the four hex digits after "\u" at text[at]. */
static int read_hex4(struct parser *p, size_t at, uint32_t *out)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = at + i < p->len ? hex_value(p->text[at + i]) : -1;
        if (h < 0)
            return expected_at(p, at + i, "four hex digits after \\u");
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* ---- values ------------------------------------------------------------ */

static int parse_value(struct parser *p, struct json_value *out);

/* p->pos is at the opening quote.  Escapes only ever shrink the text, so the
 * raw length up to the closing quote bounds the decoded length. */
static int parse_string(struct parser *p, const char **out, size_t *out_len)
{
    size_t start = p->pos + 1;
    size_t end = start;
    while (end < p->len && p->text[end] != '"')
        end += p->text[end] == '\\' ? 2 : 1;
    if (end > p->len)
        end = p->len;
    char *buf = arena_alloc(p, end - start + 1);
    if (!buf)
        return -1;
    size_t n = 0;
    size_t i = start;
    for (;;) {
        if (i >= p->len)
            return expected_at(p, i, "'\"' to close the string");
        unsigned char c = (unsigned char)p->text[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail_at(p, i, "expected a character, found control byte 0x%02x "
                                 "(control characters must be escaped)", c);
        if (c >= 0x80) {
            size_t k = utf8_sequence((const unsigned char *)p->text + i, p->len - i);
            if (!k)
                return fail_at(p, i, "expected UTF-8 text, found an invalid byte sequence "
                                     "starting with 0x%02x", c);
            memcpy(buf + n, p->text + i, k);
            n += k;
            i += k;
            continue;
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            i++;
            continue;
        }
        if (i + 1 >= p->len)
            return expected_at(p, i + 1, "an escape character after '\\'");
        static const char escapes[] = "\"\\/bfnrt";
        static const char decoded[] = "\"\\/\b\f\n\r\t";
        char e = p->text[i + 1];
        const char *simple = e != '\0' ? strchr(escapes, e) : NULL;
        if (simple) {
            buf[n++] = decoded[simple - escapes];
            i += 2;
            continue;
        }
        if (e != 'u')
            return expected_at(p, i + 1, "one of \" \\ / b f n r t u after '\\'");
        uint32_t cp;
        if (read_hex4(p, i + 2, &cp) < 0)
            return -1;
        size_t esc_len = 6;
        if (cp >= 0xdc00 && cp <= 0xdfff)
            return fail_at(p, i, "expected a high surrogate before \\u%04" PRIx32
                                 ", found a lone low surrogate", cp);
        if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t low;
            if (i + 7 >= p->len || p->text[i + 6] != '\\' || p->text[i + 7] != 'u')
                return expected_at(p, i + 6, "a \\u low surrogate after a high surrogate");
            if (read_hex4(p, i + 8, &low) < 0)
                return -1;
            if (low < 0xdc00 || low > 0xdfff)
                return fail_at(p, i + 6, "expected a low surrogate \\udc00-\\udfff, "
                                         "found \\u%04" PRIx32, low);
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            esc_len = 12;
        }
        if (cp == 0)
            return fail_at(p, i, "\\u0000 is not supported in strings");
        n += utf8_encode(cp, buf + n);
        i += esc_len;
    }
    buf[n] = '\0';
    p->pos = i + 1;
    *out = buf;
    *out_len = n;
    return 0;
}

static int parse_number(struct parser *p, struct json_value *out)
{
    size_t start = p->pos;
    size_t i = start;
    bool negative = false, integral = true;
    if (p->text[i] == '-') {
        negative = true;
        i++;
    }
    if (i >= p->len || !is_digit(p->text[i]))
        return expected_at(p, i, "a digit after '-'");
    if (p->text[i] == '0') {
        i++;
        if (i < p->len && is_digit(p->text[i]))
            return fail_at(p, start, "expected a number, found a leading zero "
                                     "(not allowed in JSON)");
    } else {
        while (i < p->len && is_digit(p->text[i]))
            i++;
    }
    if (i < p->len && p->text[i] == '.') {
        integral = false;
        i++;
        if (i >= p->len || !is_digit(p->text[i]))
            return expected_at(p, i, "a digit after '.'");
        while (i < p->len && is_digit(p->text[i]))
            i++;
    }
    if (i < p->len && (p->text[i] == 'e' || p->text[i] == 'E')) {
        integral = false;
        i++;
        if (i < p->len && (p->text[i] == '+' || p->text[i] == '-'))
            i++;
        if (i >= p->len || !is_digit(p->text[i]))
            return expected_at(p, i, "a digit in the exponent");
        while (i < p->len && is_digit(p->text[i]))
            i++;
    }
    size_t n = i - start;
    if (n > JSON_MAX_NUMBER_CHARS)
        return fail_at(p, start, "expected a number of at most %d characters, found %zu",
                       JSON_MAX_NUMBER_CHARS, n);
    char buf[JSON_MAX_NUMBER_CHARS + 1];
    memcpy(buf, p->text + start, n);
    buf[n] = '\0';

    out->type = JSON_NUMBER;
    errno = 0;
    out->number.d = strtod(buf, NULL);
    if (errno == ERANGE && isinf(out->number.d))
        return fail_at(p, start, "expected a number within the range of a double, found %.40s%s",
                       buf, n > 40 ? "..." : "");
    out->number.integral = integral;
    if (integral) {
        errno = 0;
        if (negative) {
            long long v = strtoll(buf, NULL, 10);
            if (errno != ERANGE) {
                out->number.fits_int = true;
                out->number.i = v;
                if (v == 0) {
                    out->number.fits_uint = true;
                    out->number.u = 0;
                }
            }
        } else {
            unsigned long long v = strtoull(buf, NULL, 10);
            if (errno != ERANGE) {
                out->number.fits_uint = true;
                out->number.u = v;
                if (v <= INT64_MAX) {
                    out->number.fits_int = true;
                    out->number.i = (int64_t)v;
                }
            }
        }
    }
    p->pos = i;
    return 0;
}

static int parse_literal(struct parser *p, struct json_value *out)
{
    static const struct {
        const char *word;
        enum json_type type;
        bool value;
    } words[] = {
        {"true", JSON_BOOL, true},
        {"false", JSON_BOOL, false},
        {"null", JSON_NULL, false},
    };
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t n = strlen(words[w].word);
        if (p->text[p->pos] != words[w].word[0])
            continue;
        for (size_t k = 1; k < n; k++)
            if (p->pos + k >= p->len || p->text[p->pos + k] != words[w].word[k]) {
                char what[16];
                snprintf(what, sizeof what, "'%s'", words[w].word);
                return expected_at(p, p->pos + k, what);
            }
        out->type = words[w].type;
        out->boolean = words[w].value;
        p->pos += n;
        return 0;
    }
    return expected_at(p, p->pos, "a value");
}

static int enter(struct parser *p)
{
    if (++p->depth > p->max_depth)
        return fail_at(p, p->pos, "expected at most %u levels of nesting, found more",
                       p->max_depth);
    p->pos++; /* the opening bracket */
    return 0;
}

static int parse_array(struct parser *p, struct json_value *out)
{
    if (enter(p) < 0)
        return -1;
    struct tmpvec v = {0};
    skip_ws(p);
    if (p->pos < p->len && p->text[p->pos] == ']') {
        p->pos++;
    } else {
        for (;;) {
            struct json_value *item = tmpvec_push(p, &v, sizeof *item);
            if (!item || parse_value(p, item) < 0)
                goto fail;
            skip_ws(p);
            if (p->pos < p->len && p->text[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->text[p->pos] == ']') {
                p->pos++;
                break;
            }
            expected_at(p, p->pos, "',' or ']' after an array element");
            goto fail;
        }
    }
    out->type = JSON_ARRAY;
    out->array.items = tmpvec_settle(p, &v, sizeof(struct json_value));
    out->array.count = v.count;
    if (v.count && !out->array.items)
        return -1;
    p->depth--;
    return 0;
fail:
    tmpvec_release(p, &v);
    return -1;
}

static int compare_member_keys(const void *a, const void *b)
{
    const struct json_member *const *x = a, *const *y = b;
    return strcmp((*x)->key, (*y)->key);
}

/* RFC 8259 leaves duplicate names undefined; a strict reader refuses them.
 * Sorting an index keeps this O(n log n) for objects with many members. */
static int check_duplicate_keys(struct parser *p, const struct json_member *m, size_t n)
{
    if (n < 2)
        return 0;
    const struct json_member **idx = malloc(n * sizeof *idx);
    if (!idx)
        return fail_at(p, p->pos, "out of memory");
    for (size_t i = 0; i < n; i++)
        idx[i] = &m[i];
    qsort(idx, n, sizeof *idx, compare_member_keys);
    int rc = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(idx[i - 1]->key, idx[i]->key) == 0) {
            const struct json_member *later =
                idx[i]->value.offset > idx[i - 1]->value.offset ? idx[i] : idx[i - 1];
            rc = fail_at(p, later->value.offset, "expected unique keys in an object, "
                         "found \"%.100s\" twice", later->key);
            break;
        }
    }
    free(idx);
    return rc;
}

static int parse_object(struct parser *p, struct json_value *out)
{
    if (enter(p) < 0)
        return -1;
    struct tmpvec v = {0};
    skip_ws(p);
    if (p->pos < p->len && p->text[p->pos] == '}') {
        p->pos++;
    } else {
        for (;;) {
            skip_ws(p);
            if (p->pos >= p->len || p->text[p->pos] != '"') {
                expected_at(p, p->pos, v.count ? "a string key after ','"
                                               : "a string key or '}'");
                goto fail;
            }
            struct json_member *m = tmpvec_push(p, &v, sizeof *m);
            if (!m || parse_string(p, &m->key, &m->key_len) < 0)
                goto fail;
            skip_ws(p);
            if (p->pos >= p->len || p->text[p->pos] != ':') {
                expected_at(p, p->pos, "':' after an object key");
                goto fail;
            }
            p->pos++;
            if (parse_value(p, &m->value) < 0)
                goto fail;
            skip_ws(p);
            if (p->pos < p->len && p->text[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->text[p->pos] == '}') {
                p->pos++;
                break;
            }
            expected_at(p, p->pos, "',' or '}' after an object member");
            goto fail;
        }
    }
    if (check_duplicate_keys(p, v.items, v.count) < 0)
        goto fail;
    out->type = JSON_OBJECT;
    out->object.members = tmpvec_settle(p, &v, sizeof(struct json_member));
    out->object.count = v.count;
    if (v.count && !out->object.members)
        return -1;
    p->depth--;
    return 0;
fail:
    tmpvec_release(p, &v);
    return -1;
}

static int parse_value(struct parser *p, struct json_value *out)
{
    skip_ws(p);
    memset(out, 0, sizeof *out);
    out->offset = p->pos;
    out->line = p->line;
    out->column = (uint32_t)(p->pos - p->line_start + 1);
    if (p->pos >= p->len)
        return expected_at(p, p->pos, "a value");
    char c = p->text[p->pos];
    switch (c) {
    case '{':
        return parse_object(p, out);
    case '[':
        return parse_array(p, out);
    case '"':
        out->type = JSON_STRING;
        return parse_string(p, &out->string.s, &out->string.len);
    case 't':
    case 'f':
    case 'n':
        return parse_literal(p, out);
    default:
        if (c == '-' || is_digit(c))
            return parse_number(p, out);
        return expected_at(p, p->pos, "a value");
    }
}

/* ---- documents --------------------------------------------------------- */

static void apply_defaults(const struct json_parse_limits *in, struct json_parse_limits *out)
{
    out->max_input_bytes = in && in->max_input_bytes ? in->max_input_bytes : JSON_DEFAULT_MAX_INPUT;
    out->max_depth = in && in->max_depth ? in->max_depth : JSON_DEFAULT_MAX_DEPTH;
    out->max_alloc_bytes = in && in->max_alloc_bytes ? in->max_alloc_bytes : JSON_DEFAULT_MAX_ALLOC;
}

void json_doc_free(struct json_doc *doc)
{
    if (!doc)
        return;
    arena_free(doc->chunks);
    free(doc->name);
    free(doc);
}

struct json_doc *json_parse(const char *text, size_t len, const char *name,
                            const struct json_parse_limits *limits, struct msa_error *err)
{
    struct json_parse_limits lim;
    apply_defaults(limits, &lim);
    if (!name)
        name = "(input)";
    if (len > lim.max_input_bytes) {
        msa_error_set(err, "%s: expected at most %zu bytes of JSON, found %zu", name,
                      lim.max_input_bytes, len);
        return NULL;
    }
    struct json_doc *doc = calloc(1, sizeof *doc);
    char *name_copy = strdup(name);
    if (!doc || !name_copy) {
        free(doc);
        free(name_copy);
        msa_error_set(err, "%s: out of memory", name);
        return NULL;
    }
    doc->name = name_copy;
    struct parser p = {
        .text = text,
        .len = len,
        .line = 1,
        .max_depth = lim.max_depth,
        .max_alloc = lim.max_alloc_bytes,
        .doc = doc,
        .err = err,
    };
    if (parse_value(&p, &doc->root) < 0)
        goto fail;
    skip_ws(&p);
    if (p.pos != p.len) {
        expected_at(&p, p.pos, "end of input after the top-level value");
        goto fail;
    }
    return doc;
fail:
    json_doc_free(doc);
    return NULL;
}

/* Reads all of `f`, refusing more than `max` bytes. */
static char *read_all(FILE *f, const char *path, size_t max, size_t *len, struct msa_error *err)
{
    size_t cap = 64 * 1024, n = 0;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        if ((uint64_t)st.st_size > max) {
            msa_error_set(err, "%s: expected at most %zu bytes of JSON, found %" PRIu64, path,
                          max, (uint64_t)st.st_size);
            return NULL;
        }
        cap = (size_t)st.st_size + 1;
    }
    char *buf = malloc(cap);
    if (!buf) {
        msa_error_set(err, "%s: out of memory", path);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                msa_error_set(err, "%s: expected at most %zu bytes of JSON, found more", path,
                              max);
                free(buf);
                return NULL;
            }
            size_t ncap = cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                msa_error_set(err, "%s: out of memory", path);
                free(buf);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                msa_error_set(err, "%s: read error: %s", path, strerror(errno));
                free(buf);
                return NULL;
            }
            break;
        }
    }
    if (n > max) {
        msa_error_set(err, "%s: expected at most %zu bytes of JSON, found more", path, max);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

struct json_doc *json_parse_file(const char *path, const struct json_parse_limits *limits,
                                 struct msa_error *err)
{
    struct json_parse_limits lim;
    apply_defaults(limits, &lim);
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "(standard input)" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        msa_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t len = 0;
    char *text = read_all(f, name, lim.max_input_bytes, &len, err);
    if (!is_stdin)
        fclose(f);
    if (!text)
        return NULL;
    struct json_doc *doc = json_parse(text, len, name, &lim, err);
    free(text);
    return doc;
}

const struct json_value *json_doc_root(const struct json_doc *doc) { return &doc->root; }

const char *json_doc_name(const struct json_doc *doc) { return doc->name; }

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->object.count; i++)
        if (strcmp(obj->object.members[i].key, key) == 0)
            return &obj->object.members[i].value;
    return NULL;
}

const char *json_type_name(enum json_type type)
{
    switch (type) {
    case JSON_NULL: return "null";
    case JSON_BOOL: return "a boolean";
    case JSON_NUMBER: return "a number";
    case JSON_STRING: return "a string";
    case JSON_ARRAY: return "an array";
    case JSON_OBJECT: return "an object";
    }
    return "an unknown value";
}

int json_error_at(struct msa_error *err, const struct json_doc *doc, const struct json_value *v,
                  const char *fmt, ...)
{
    char msg[MSA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return msa_error_set(err, "%s: line %" PRIu32 ", column %" PRIu32 " (byte %zu): %s",
                         doc->name, v->line, v->column, v->offset, msg);
}
