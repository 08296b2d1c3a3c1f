/* The registry proper: metrics in an array sorted by name (binary search for
 * lookups, deterministic iteration for writers), plus the summary and meta
 * tables in insertion order.  Registration is rare and may be O(n); updates
 * go through handles and never touch the registry. */
#include "sim/stats_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct summary_entry {
    char *key;
    double value;
};

struct meta_entry {
    char *key;
    char *value;
};

/* A metric and what it owns, in one allocation (a run registers several
 * hundred, and each used to cost five allocations): the payload of a
 * histogram or series and the text of the name and description.  A
 * description set later (stats_metric_set_desc) is allocated on its own. */
struct metric_block {
    struct stats_metric m; /* first: the registry points at it */
    bool desc_owned;       /* m.desc was allocated on its own */
    union {
        struct stats_hist hist;
        struct stats_series series;
    } payload;
    char text[]; /* the name, then the description, each NUL-terminated */
};

static struct metric_block *block_of(struct stats_metric *m)
{
    return (struct metric_block *)(void *)m;
}

struct stats {
    struct stats_metric **metrics; /* sorted by strcmp of name */
    size_t n, cap;

    struct summary_entry *summary;
    size_t summary_n, summary_cap;

    struct meta_entry *meta;
    size_t meta_n, meta_cap;
};

void stats_oom(void)
{
    fputs("msasim: out of memory while recording statistics\n", stderr);
    abort();
}

bool stats_name_valid(const char *name)
{
    if (!name || !*name)
        return false;
    size_t n = 0;
    for (const char *p = name; *p; p++, n++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok || n >= STATS_NAME_MAX)
            return false;
    }
    return true;
}

const char *stats_kind_name(enum stats_kind kind)
{
    switch (kind) {
    case STATS_COUNTER: return "counter";
    case STATS_GAUGE: return "gauge";
    case STATS_HISTOGRAM: return "histogram";
    case STATS_SERIES: return "series";
    }
    return "unknown";
}

struct stats *stats_new(void)
{
    return calloc(1, sizeof(struct stats));
}

static void metric_free(struct stats_metric *m)
{
    struct metric_block *b = block_of(m);
    if (m->kind == STATS_HISTOGRAM)
        stats_hist_release(m->v.hist);
    else if (m->kind == STATS_SERIES)
        stats_series_release(m->v.series);
    if (b->desc_owned)
        free((char *)m->desc);
    free(b);
}

bool stats_metric_set_desc(struct stats_metric *m, const char *desc)
{
    char *d = strdup(desc);
    if (!d)
        return false;
    struct metric_block *b = block_of(m);
    if (b->desc_owned)
        free((char *)m->desc);
    m->desc = d;
    b->desc_owned = true;
    return true;
}

void stats_free(struct stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        metric_free(s->metrics[i]);
    free(s->metrics);
    for (size_t i = 0; i < s->summary_n; i++)
        free(s->summary[i].key);
    free(s->summary);
    for (size_t i = 0; i < s->meta_n; i++) {
        free(s->meta[i].key);
        free(s->meta[i].value);
    }
    free(s->meta);
    free(s);
}

/* Index of `name` if present (*found = true), else where it would go. */
static size_t search(const struct stats *s, const char *name, bool *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->metrics[mid]->name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static struct stats_metric *new_metric(const char *name, const char *desc, enum stats_kind kind)
{
    if (!desc)
        desc = "";
    size_t name_len = strlen(name) + 1, desc_len = strlen(desc) + 1;
    struct metric_block *b = calloc(1, sizeof *b + name_len + desc_len);
    if (!b)
        return NULL;
    memcpy(b->text, name, name_len);
    memcpy(b->text + name_len, desc, desc_len);
    struct stats_metric *m = &b->m;
    m->kind = kind;
    m->name = b->text;
    m->desc = b->text + name_len;
    if (kind == STATS_HISTOGRAM) {
        m->v.hist = &b->payload.hist;
        m->v.hist->min = UINT64_MAX;
    } else if (kind == STATS_SERIES) {
        m->v.series = &b->payload.series;
        m->v.series->stride = 1;
    }
    return m;
}

static struct stats_metric *get_or_add(struct stats *s, const char *name, const char *desc,
                                       enum stats_kind kind)
{
    if (!s || !stats_name_valid(name))
        return NULL;
    bool found;
    size_t pos = search(s, name, &found);
    if (found) {
        struct stats_metric *m = s->metrics[pos];
        if (m->kind != kind)
            return NULL;
        if (!*m->desc && desc && *desc)
            (void)stats_metric_set_desc(m, desc); /* out of memory: stays empty */
        return m;
    }
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        struct stats_metric **nm = realloc(s->metrics, ncap * sizeof *nm);
        if (!nm)
            return NULL;
        s->metrics = nm;
        s->cap = ncap;
    }
    struct stats_metric *m = new_metric(name, desc, kind);
    if (!m)
        return NULL;
    memmove(&s->metrics[pos + 1], &s->metrics[pos], (s->n - pos) * sizeof *s->metrics);
    s->metrics[pos] = m;
    s->n++;
    return m;
}

uint64_t *stats_counter(struct stats *s, const char *name, const char *desc)
{
    struct stats_metric *m = get_or_add(s, name, desc, STATS_COUNTER);
    return m ? &m->v.counter : NULL;
}

double *stats_gauge(struct stats *s, const char *name, const char *desc)
{
    struct stats_metric *m = get_or_add(s, name, desc, STATS_GAUGE);
    return m ? &m->v.gauge : NULL;
}

struct stats_hist *stats_histogram(struct stats *s, const char *name, const char *desc)
{
    struct stats_metric *m = get_or_add(s, name, desc, STATS_HISTOGRAM);
    return m ? m->v.hist : NULL;
}

struct stats_series *stats_series(struct stats *s, const char *name, const char *desc)
{
    struct stats_metric *m = get_or_add(s, name, desc, STATS_SERIES);
    return m ? m->v.series : NULL;
}

size_t stats_metric_count(const struct stats *s) { return s->n; }

const struct stats_metric *stats_metric_at(const struct stats *s, size_t i)
{
    return i < s->n ? s->metrics[i] : NULL;
}

const struct stats_metric *stats_find(const struct stats *s, const char *name)
{
    if (!s || !name)
        return NULL;
    bool found;
    size_t pos = search(s, name, &found);
    return found ? s->metrics[pos] : NULL;
}

static const struct stats_metric *find_kind(const struct stats *s, const char *name,
                                            enum stats_kind kind)
{
    const struct stats_metric *m = stats_find(s, name);
    return m && m->kind == kind ? m : NULL;
}

const uint64_t *stats_find_counter(const struct stats *s, const char *name)
{
    const struct stats_metric *m = find_kind(s, name, STATS_COUNTER);
    return m ? &m->v.counter : NULL;
}

const double *stats_find_gauge(const struct stats *s, const char *name)
{
    const struct stats_metric *m = find_kind(s, name, STATS_GAUGE);
    return m ? &m->v.gauge : NULL;
}

const struct stats_hist *stats_find_histogram(const struct stats *s, const char *name)
{
    const struct stats_metric *m = find_kind(s, name, STATS_HISTOGRAM);
    return m ? m->v.hist : NULL;
}

const struct stats_series *stats_find_series(const struct stats *s, const char *name)
{
    const struct stats_metric *m = find_kind(s, name, STATS_SERIES);
    return m ? m->v.series : NULL;
}

/* ---- summary ----------------------------------------------------------- */

/* Next capacity of a table that holds at most `max` entries, or 0 when full. */
static size_t next_cap(size_t cap, size_t max)
{
    if (cap >= max)
        return 0;
    size_t n = cap ? cap * 2 : 16;
    return n > max ? max : n;
}

static size_t find_summary(const struct stats *s, const char *key)
{
    for (size_t i = 0; i < s->summary_n; i++)
        if (strcmp(s->summary[i].key, key) == 0)
            return i;
    return SIZE_MAX;
}

bool stats_summary_set(struct stats *s, const char *key, double v)
{
    if (!s || !stats_name_valid(key))
        return false;
    size_t i = find_summary(s, key);
    if (i != SIZE_MAX) {
        s->summary[i].value = v;
        return true;
    }
    if (s->summary_n == s->summary_cap) {
        size_t ncap = next_cap(s->summary_cap, STATS_SUMMARY_MAX);
        struct summary_entry *t = ncap ? realloc(s->summary, ncap * sizeof *t) : NULL;
        if (!t)
            return false;
        s->summary = t;
        s->summary_cap = ncap;
    }
    char *k = strdup(key);
    if (!k)
        return false;
    s->summary[s->summary_n++] = (struct summary_entry){k, v};
    return true;
}

bool stats_summary_get(const struct stats *s, const char *key, double *v)
{
    if (!s || !key)
        return false;
    size_t i = find_summary(s, key);
    if (i == SIZE_MAX)
        return false;
    if (v)
        *v = s->summary[i].value;
    return true;
}

size_t stats_summary_count(const struct stats *s) { return s->summary_n; }

const char *stats_summary_key(const struct stats *s, size_t i)
{
    return i < s->summary_n ? s->summary[i].key : NULL;
}

double stats_summary_value(const struct stats *s, size_t i)
{
    return i < s->summary_n ? s->summary[i].value : NAN;
}

/* ---- meta -------------------------------------------------------------- */

static size_t find_meta(const struct stats *s, const char *key)
{
    for (size_t i = 0; i < s->meta_n; i++)
        if (strcmp(s->meta[i].key, key) == 0)
            return i;
    return SIZE_MAX;
}

bool stats_meta_set(struct stats *s, const char *key, const char *value)
{
    if (!s || !stats_name_valid(key) || !value)
        return false;
    char *v = strdup(value);
    if (!v)
        return false;
    size_t i = find_meta(s, key);
    if (i != SIZE_MAX) {
        free(s->meta[i].value);
        s->meta[i].value = v;
        return true;
    }
    if (s->meta_n == s->meta_cap) {
        size_t ncap = next_cap(s->meta_cap, STATS_META_MAX);
        struct meta_entry *t = ncap ? realloc(s->meta, ncap * sizeof *t) : NULL;
        if (!t) {
            free(v);
            return false;
        }
        s->meta = t;
        s->meta_cap = ncap;
    }
    char *k = strdup(key);
    if (!k) {
        free(v);
        return false;
    }
    s->meta[s->meta_n++] = (struct meta_entry){k, v};
    return true;
}

const char *stats_meta_get(const struct stats *s, const char *key)
{
    if (!s || !key)
        return NULL;
    size_t i = find_meta(s, key);
    return i == SIZE_MAX ? NULL : s->meta[i].value;
}

size_t stats_meta_count(const struct stats *s) { return s->meta_n; }

const char *stats_meta_key(const struct stats *s, size_t i)
{
    return i < s->meta_n ? s->meta[i].key : NULL;
}

const char *stats_meta_value(const struct stats *s, size_t i)
{
    return i < s->meta_n ? s->meta[i].value : NULL;
}
