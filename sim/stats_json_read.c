/* Rebuilds a registry from an "msasim-stats" document (sim/STATS_SCHEMA.md).
 *
 * Everything the writer derives (mean, p50, p99, peak) is recomputed rather
 * than trusted, so writing the registry again reproduces the file byte for
 * byte.  Every complaint names the file, the place in it and the field, e.g.
 * "s.json: line 9, column 21 (byte 180): counters["cpu0.insns"]: expected an
 * unsigned 64-bit integer, found a string". */
#include "sim/json_parse.h"
#include "sim/stats_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    const struct json_doc *doc;
    struct stats *s;
    struct msa_error *err;
};

/* Field names in messages: section["name"].field, with long names cut. */
#define WHERE_MAX 200

static int bad(struct reader *r, const struct json_value *v, const char *where, const char *what)
{
    return json_error_at(r->err, r->doc, v, "%s: %s", where, what);
}

static int expect(struct reader *r, const struct json_value *v, const char *where,
                  const char *expected)
{
    return json_error_at(r->err, r->doc, v, "%s: expected %s, found %s", where, expected,
                         json_type_name(v->type));
}

static int want_type(struct reader *r, const struct json_value *v, const char *where,
                     enum json_type type)
{
    return v->type == type ? 0 : expect(r, v, where, json_type_name(type));
}

static int get_u64(struct reader *r, const struct json_value *v, const char *where, uint64_t *out)
{
    if (v->type != JSON_NUMBER || !v->number.fits_uint) {
        if (v->type != JSON_NUMBER)
            return expect(r, v, where, "an unsigned 64-bit integer");
        return bad(r, v, where, "expected an unsigned 64-bit integer, found a number that is "
                                "not one");
    }
    *out = v->number.u;
    return 0;
}

/* Numbers, or null for "no meaningful value" (the writer's NaN). */
static int get_double(struct reader *r, const struct json_value *v, const char *where,
                      double *out)
{
    if (v->type == JSON_NULL) {
        *out = NAN;
        return 0;
    }
    if (v->type != JSON_NUMBER)
        return expect(r, v, where, "a number or null");
    *out = v->number.d;
    return 0;
}

static const struct json_value *field(struct reader *r, const struct json_value *obj,
                                      const char *where, const char *key)
{
    const struct json_value *v = json_get(obj, key);
    if (!v)
        json_error_at(r->err, r->doc, obj, "%s: expected a member \"%s\"", where, key);
    return v;
}

static int get_u64_field(struct reader *r, const struct json_value *obj, const char *where,
                         const char *key, uint64_t *out)
{
    const struct json_value *v = field(r, obj, where, key);
    char w[WHERE_MAX + 32];
    snprintf(w, sizeof w, "%s.%s", where, key);
    return v ? get_u64(r, v, w, out) : -1;
}

static void member_where(char *buf, size_t size, const char *section, const char *key)
{
    snprintf(buf, size, "%s[\"%.120s%s\"]", section, key, strlen(key) > 120 ? "..." : "");
}

static int check_name(struct reader *r, const struct json_value *v, const char *where,
                      const char *name)
{
    if (stats_name_valid(name))
        return 0;
    return bad(r, v, where, "expected a name of 1-255 characters from [A-Za-z0-9_.-]");
}

/* The metric could not be registered although the name is valid: either a
 * metric of another kind has it, or memory ran out. */
static int register_failed(struct reader *r, const struct json_value *v, const char *where,
                           const char *name)
{
    const struct stats_metric *m = stats_find(r->s, name);
    if (m)
        return json_error_at(r->err, r->doc, v, "%s: name already used by a %s", where,
                             stats_kind_name(m->kind));
    return bad(r, v, where, "out of memory");
}

/* An optional top-level section: absent means empty. */
static int section(struct reader *r, const struct json_value *root, const char *name,
                   const struct json_value **out)
{
    *out = json_get(root, name);
    if (!*out)
        return 0;
    return want_type(r, *out, name, JSON_OBJECT);
}

static int read_meta(struct reader *r, const struct json_value *root)
{
    const struct json_value *sec;
    if (section(r, root, "meta", &sec) < 0 || !sec)
        return sec ? -1 : 0;
    for (size_t i = 0; i < sec->object.count; i++) {
        const struct json_member *m = &sec->object.members[i];
        char where[WHERE_MAX];
        member_where(where, sizeof where, "meta", m->key);
        if (check_name(r, &m->value, where, m->key) < 0 ||
            want_type(r, &m->value, where, JSON_STRING) < 0)
            return -1;
        if (!stats_meta_set(r->s, m->key, m->value.string.s))
            return bad(r, &m->value, where, "more entries than the meta table holds (1024)");
    }
    return 0;
}

static int read_summary(struct reader *r, const struct json_value *root)
{
    const struct json_value *sec;
    if (section(r, root, "summary", &sec) < 0 || !sec)
        return sec ? -1 : 0;
    for (size_t i = 0; i < sec->object.count; i++) {
        const struct json_member *m = &sec->object.members[i];
        char where[WHERE_MAX];
        member_where(where, sizeof where, "summary", m->key);
        double v = 0.0;
        if (check_name(r, &m->value, where, m->key) < 0 ||
            get_double(r, &m->value, where, &v) < 0)
            return -1;
        if (!stats_summary_set(r->s, m->key, v))
            return bad(r, &m->value, where, "more keys than the summary holds (4096)");
    }
    return 0;
}

static int read_counter(struct reader *r, const struct json_member *m, const char *where)
{
    uint64_t v = 0;
    if (get_u64(r, &m->value, where, &v) < 0)
        return -1;
    uint64_t *c = stats_counter(r->s, m->key, NULL);
    if (!c)
        return register_failed(r, &m->value, where, m->key);
    *c = v;
    return 0;
}

static int read_gauge(struct reader *r, const struct json_member *m, const char *where)
{
    double v = 0.0;
    if (get_double(r, &m->value, where, &v) < 0)
        return -1;
    double *g = stats_gauge(r->s, m->key, NULL);
    if (!g)
        return register_failed(r, &m->value, where, m->key);
    *g = v;
    return 0;
}

static int read_bucket(struct reader *r, const struct json_value *v, const char *where,
                       struct stats_hist_bucket *b)
{
    if (v->type != JSON_ARRAY || v->array.count != 3)
        return bad(r, v, where, "expected a bucket [lo, hi, count]");
    const struct json_value *it = v->array.items;
    if (get_u64(r, &it[0], where, &b->lo) < 0 || get_u64(r, &it[1], where, &b->hi) < 0 ||
        get_u64(r, &it[2], where, &b->count) < 0)
        return -1;
    return 0;
}

static int read_histogram(struct reader *r, const struct json_member *m, const char *where)
{
    const struct json_value *v = &m->value;
    if (want_type(r, v, where, JSON_OBJECT) < 0)
        return -1;
    uint64_t count = 0, sum = 0, min = 0, max = 0;
    if (get_u64_field(r, v, where, "count", &count) < 0 ||
        get_u64_field(r, v, where, "sum", &sum) < 0 ||
        get_u64_field(r, v, where, "min", &min) < 0 ||
        get_u64_field(r, v, where, "max", &max) < 0)
        return -1;
    char w[WHERE_MAX + 32];
    const struct json_value *exact = field(r, v, where, "exact");
    snprintf(w, sizeof w, "%s.exact", where);
    if (!exact || want_type(r, exact, w, JSON_BOOL) < 0)
        return -1;
    const struct json_value *buckets = field(r, v, where, "buckets");
    snprintf(w, sizeof w, "%s.buckets", where);
    if (!buckets || want_type(r, buckets, w, JSON_ARRAY) < 0)
        return -1;
    size_t nb = buckets->array.count;
    struct stats_hist_bucket *b = malloc((nb ? nb : 1) * sizeof *b);
    if (!b)
        return bad(r, buckets, w, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < nb && rc == 0; i++) {
        char wi[WHERE_MAX + 64];
        snprintf(wi, sizeof wi, "%s.buckets[%zu]", where, i);
        rc = read_bucket(r, &buckets->array.items[i], wi, &b[i]);
    }
    if (rc == 0) {
        struct stats_hist *h = stats_histogram(r->s, m->key, NULL);
        if (!h) {
            rc = register_failed(r, v, where, m->key);
        } else {
            size_t at;
            const char *why = stats_hist_load(h, exact->boolean, count, sum, min, max, b, nb, &at);
            if (why)
                rc = bad(r, at == SIZE_MAX ? v : &buckets->array.items[at], where, why);
        }
    }
    free(b);
    return rc;
}

static int read_point(struct reader *r, const struct json_value *v, const char *where,
                      bool merged, struct stats_series_point *p)
{
    size_t want = merged ? 6 : 2;
    if (v->type != JSON_ARRAY || v->array.count != want)
        return bad(r, v, where, merged ? "expected a point [cycle, value, min, max, last_cycle, "
                                         "area] (the series is downsampled)"
                                       : "expected a point [cycle, value]");
    const struct json_value *it = v->array.items;
    if (get_u64(r, &it[0], where, &p->cycle) < 0 || get_double(r, &it[1], where, &p->value) < 0)
        return -1;
    if (!merged) {
        p->last_cycle = p->cycle;
        p->min = p->max = p->value;
        p->area = 0.0;
        return 0;
    }
    if (get_double(r, &it[2], where, &p->min) < 0 || get_double(r, &it[3], where, &p->max) < 0 ||
        get_u64(r, &it[4], where, &p->last_cycle) < 0 ||
        get_double(r, &it[5], where, &p->area) < 0)
        return -1;
    return 0;
}

static int read_series(struct reader *r, const struct json_member *m, const char *where)
{
    const struct json_value *v = &m->value;
    if (want_type(r, v, where, JSON_OBJECT) < 0)
        return -1;
    uint64_t count = 0, stride = 0;
    if (get_u64_field(r, v, where, "count", &count) < 0 ||
        get_u64_field(r, v, where, "stride", &stride) < 0)
        return -1;
    char w[WHERE_MAX + 32];
    const struct json_value *points = field(r, v, where, "points");
    snprintf(w, sizeof w, "%s.points", where);
    if (!points || want_type(r, points, w, JSON_ARRAY) < 0)
        return -1;
    size_t n = points->array.count;
    if (n > STATS_SERIES_MAX_POINTS)
        return bad(r, points, w, "expected at most 4096 points");
    struct stats_series_point *pts = malloc((n ? n : 1) * sizeof *pts);
    if (!pts)
        return bad(r, points, w, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char wi[WHERE_MAX + 64];
        snprintf(wi, sizeof wi, "%s.points[%zu]", where, i);
        rc = read_point(r, &points->array.items[i], wi, stride > 1, &pts[i]);
    }
    if (rc == 0) {
        struct stats_series *s = stats_series(r->s, m->key, NULL);
        if (!s) {
            rc = register_failed(r, v, where, m->key);
        } else {
            size_t at;
            const char *why = stats_series_load(s, count, stride, pts, n, &at);
            if (why)
                rc = bad(r, at == SIZE_MAX ? v : &points->array.items[at], where, why);
        }
    }
    free(pts);
    return rc;
}

typedef int (*metric_reader)(struct reader *r, const struct json_member *m, const char *where);

static int read_metrics(struct reader *r, const struct json_value *root, const char *name,
                        metric_reader fn)
{
    const struct json_value *sec;
    if (section(r, root, name, &sec) < 0 || !sec)
        return sec ? -1 : 0;
    for (size_t i = 0; i < sec->object.count; i++) {
        const struct json_member *m = &sec->object.members[i];
        char where[WHERE_MAX];
        member_where(where, sizeof where, name, m->key);
        if (check_name(r, &m->value, where, m->key) < 0 || fn(r, m, where) < 0)
            return -1;
    }
    return 0;
}

static int read_descriptions(struct reader *r, const struct json_value *root)
{
    const struct json_value *sec;
    if (section(r, root, "descriptions", &sec) < 0 || !sec)
        return sec ? -1 : 0;
    for (size_t i = 0; i < sec->object.count; i++) {
        const struct json_member *m = &sec->object.members[i];
        char where[WHERE_MAX];
        member_where(where, sizeof where, "descriptions", m->key);
        if (want_type(r, &m->value, where, JSON_STRING) < 0)
            return -1;
        struct stats_metric *metric = (struct stats_metric *)stats_find(r->s, m->key);
        if (!metric)
            return bad(r, &m->value, where, "describes no metric in this file");
        if (!stats_metric_set_desc(metric, m->value.string.s))
            return bad(r, &m->value, where, "out of memory");
    }
    return 0;
}

static int read_header(struct reader *r, const struct json_value *root)
{
    if (root->type != JSON_OBJECT)
        return expect(r, root, "top level", "an object");
    const struct json_value *schema = field(r, root, "top level", "schema");
    if (!schema || want_type(r, schema, "schema", JSON_STRING) < 0)
        return -1;
    if (strcmp(schema->string.s, STATS_SCHEMA_NAME) != 0)
        return json_error_at(r->err, r->doc, schema,
                             "schema: expected \"" STATS_SCHEMA_NAME "\", found \"%.60s\"",
                             schema->string.s);
    const struct json_value *version = field(r, root, "top level", "schema_version");
    uint64_t ver = 0;
    if (!version || get_u64(r, version, "schema_version", &ver) < 0)
        return -1;
    if (ver != STATS_SCHEMA_VERSION)
        return json_error_at(r->err, r->doc, version,
                             "schema_version: expected %d, found %llu (this msasim reads "
                             "version %d only)",
                             STATS_SCHEMA_VERSION, (unsigned long long)ver, STATS_SCHEMA_VERSION);
    return 0;
}

static int from_doc(const struct json_doc *doc, struct stats **out, struct msa_error *err)
{
    struct reader r = {.doc = doc, .s = stats_new(), .err = err};
    if (!r.s)
        return msa_error_set(err, "%s: out of memory", json_doc_name(doc));
    const struct json_value *root = json_doc_root(doc);
    if (read_header(&r, root) < 0 || read_meta(&r, root) < 0 || read_summary(&r, root) < 0 ||
        read_metrics(&r, root, "counters", read_counter) < 0 ||
        read_metrics(&r, root, "gauges", read_gauge) < 0 ||
        read_metrics(&r, root, "histograms", read_histogram) < 0 ||
        read_metrics(&r, root, "series", read_series) < 0 || read_descriptions(&r, root) < 0) {
        stats_free(r.s);
        return -1;
    }
    *out = r.s;
    return 0;
}

int stats_read_json_buffer(const char *text, size_t len, const char *name, struct stats **out,
                           struct msa_error *err)
{
    *out = NULL;
    struct json_doc *doc = json_parse(text, len, name, NULL, err);
    if (!doc)
        return -1;
    int rc = from_doc(doc, out, err);
    json_doc_free(doc);
    return rc;
}

int stats_read_json(const char *path, struct stats **out, struct msa_error *err)
{
    *out = NULL;
    struct json_doc *doc = json_parse_file(path, NULL, err);
    if (!doc)
        return -1;
    int rc = from_doc(doc, out, err);
    json_doc_free(doc);
    return rc;
}
