#include "sim/sweep_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- CSV --------------------------------------------------------------------- */

struct reader {
    const char *p, *end;
    unsigned line;
};

/* One field into a malloc'ed string; *eol set when the record ended. */
static int read_field(struct reader *r, char **out, bool *eol, const char *name,
                      struct msa_error *err)
{
    size_t cap = 32, n = 0;
    char *s = malloc(cap);
    if (!s)
        return msa_error_set(err, "%s: out of memory", name);
    bool quoted = r->p < r->end && *r->p == '"';
    unsigned start_line = r->line;
    if (quoted)
        r->p++;
    *eol = false;
    for (;;) {
        if (r->p >= r->end) {
            if (quoted) {
                free(s);
                return msa_error_set(err, "%s: line %u: a quoted field is not closed", name,
                                     start_line);
            }
            *eol = true;
            break;
        }
        char c = *r->p;
        if (quoted) {
            if (c == '"') {
                if (r->p + 1 < r->end && r->p[1] == '"') {
                    r->p += 2;
                    c = '"';
                } else {
                    r->p++;
                    quoted = false;
                    continue;
                }
            } else {
                if (c == '\n')
                    r->line++;
                r->p++;
            }
        } else if (c == ',') {
            r->p++;
            break;
        } else if (c == '\n' || c == '\r') {
            r->p += c == '\r' && r->p + 1 < r->end && r->p[1] == '\n' ? 2 : 1;
            r->line++;
            *eol = true;
            break;
        } else if (c == '"') {
            free(s);
            return msa_error_set(err, "%s: line %u: a quote inside an unquoted field (expected "
                                      "the field to be quoted as a whole)",
                                 name, r->line);
        } else {
            r->p++;
        }
        if (n + 1 >= cap) {
            char *g = realloc(s, cap *= 2);
            if (!g) {
                free(s);
                return msa_error_set(err, "%s: out of memory", name);
            }
            s = g;
        }
        s[n++] = c;
    }
    s[n] = '\0';
    *out = s;
    return 0;
}

/* A record: fields appended to *fields (grown as needed). */
static int read_record(struct reader *r, char ***fields, size_t *n, const char *name,
                       struct msa_error *err)
{
    size_t cap = 0;
    *fields = NULL;
    *n = 0;
    bool eol = false;
    while (!eol) {
        char *f = NULL;
        if (read_field(r, &f, &eol, name, err) < 0)
            return -1;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            char **g = realloc(*fields, cap * sizeof *g);
            if (!g) {
                free(f);
                return msa_error_set(err, "%s: out of memory", name);
            }
            *fields = g;
        }
        (*fields)[(*n)++] = f;
    }
    return 0;
}

static void free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i]);
    free(f);
}

bool sweep_table_detect(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;
    /* The header is plain: parameter names and summary keys need no quotes. */
    const char *p = text, *end = text + n;
    bool prev_status = false;
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *fe = comma ? comma : end;
        if (fe > p && fe[-1] == '\r')
            fe--;
        size_t fl = (size_t)(fe - p);
        if (prev_status && fl == 5 && memcmp(p, "error", 5) == 0)
            return true;
        prev_status = fl == 6 && memcmp(p, "status", 6) == 0;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

int sweep_table_parse(const char *text, size_t len, const char *name, struct sweep_table *t,
                      struct msa_error *err)
{
    memset(t, 0, sizeof *t);
    struct reader r = {text, text + len, 1};
    if (read_record(&r, &t->cols, &t->ncols, name, err) < 0)
        return -1;
    long st = sweep_col(t, "status");
    if (st < 0 || (size_t)st + 1 >= t->ncols || strcmp(t->cols[st + 1], "error") != 0) {
        sweep_table_free(t);
        return msa_error_set(err, "%s: line 1: expected a sweep header (the parameters, then "
                                  "status,error, then the summary figures)",
                             name);
    }
    t->status_col = (size_t)st;
    t->error_col = (size_t)st + 1;
    t->nparams = (size_t)st;
    size_t cap = 0;
    while (r.p < r.end) {
        unsigned line = r.line;
        char **f;
        size_t n;
        if (read_record(&r, &f, &n, name, err) < 0) {
            sweep_table_free(t);
            return -1;
        }
        if (n == 1 && !f[0][0]) { /* a blank line */
            free_fields(f, n);
            continue;
        }
        if (n != t->ncols) {
            size_t want = t->ncols;
            free_fields(f, n);
            sweep_table_free(t);
            return msa_error_set(err, "%s: line %u: %zu fields, expected %zu as in the header",
                                 name, line, n, want);
        }
        if (t->nrows == cap) {
            cap = cap ? 2 * cap : 64;
            char **g = realloc(t->cells, cap * t->ncols * sizeof *g);
            if (!g) {
                free_fields(f, n);
                sweep_table_free(t);
                return msa_error_set(err, "%s: out of memory", name);
            }
            t->cells = g;
        }
        memcpy(t->cells + t->nrows * t->ncols, f, n * sizeof *f);
        free(f);
        t->nrows++;
    }
    return 0;
}

void sweep_table_free(struct sweep_table *t)
{
    free_fields(t->cols, t->ncols);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

const char *sweep_cell(const struct sweep_table *t, size_t row, size_t col)
{
    return row < t->nrows && col < t->ncols ? t->cells[row * t->ncols + col] : "";
}

long sweep_col(const struct sweep_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0)
            return (long)i;
    return -1;
}

bool sweep_number(const struct sweep_table *t, size_t row, long col, double *v)
{
    if (col < 0)
        return false;
    const char *s = sweep_cell(t, row, (size_t)col);
    if (!*s)
        return false;
    char *end;
    double d = strtod(s, &end);
    if (*end || !isfinite(d))
        return false;
    *v = d;
    return true;
}

bool sweep_row_ok(const struct sweep_table *t, size_t row)
{
    return strcmp(sweep_cell(t, row, t->status_col), "0") == 0;
}

/* ---- Pareto front ---------------------------------------------------------------- */

struct pt {
    double x, y;
    size_t i;
};

static int by_xy(const void *pa, const void *pb)
{
    const struct pt *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

int sweep_pareto(const double *x, const double *y, const bool *use, size_t n, bool *front)
{
    struct pt *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        front[i] = false;
        if (use[i] && !isnan(x[i]) && !isnan(y[i]))
            p[m++] = (struct pt){x[i], y[i], i};
    }
    qsort(p, m, sizeof *p, by_xy);
    /* In order of x: a point is on the front when its y beats every point
     * of smaller x; among equal x only the smallest y can be (with its
     * duplicates). */
    double best = INFINITY;
    for (size_t k = 0; k < m;) {
        size_t g = k;
        while (g < m && p[g].x == p[k].x)
            g++;
        double ymin = p[k].y;
        if (ymin < best)
            for (size_t j = k; j < g && p[j].y == ymin; j++)
                front[p[j].i] = true;
        if (ymin < best)
            best = ymin;
        k = g;
    }
    free(p);
    return 0;
}
