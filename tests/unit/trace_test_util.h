/* What the trace tests share: a scratch folder for the files they write,
 * reading a file back whole, and comparing two events field by field. */
#ifndef MSASIM_TESTS_UNIT_TRACE_TEST_UTIL_H
#define MSASIM_TESTS_UNIT_TRACE_TEST_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace.h"

static char tmpdir[512];

/* A fresh folder under $TMPDIR (or /tmp) named after `what`. */
static inline void make_tmpdir(const char *what)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/msasim-%s-XXXXXX", base, what);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static inline void remove_tmpdir(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The path of `name` in the folder; the last 8 results stay valid. */
static inline const char *tmp(const char *name)
{
    static char paths[8][600];
    static unsigned next;
    char *p = paths[next++ % 8];
    snprintf(p, 600, "%s/%s", tmpdir, name);
    return p;
}

/* The whole file, malloc'ed (one byte more than its length). */
static inline unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static inline bool same_event(const struct hv_event *a, const struct hv_event *b)
{
    bool strings = (!a->purpose && !b->purpose) ||
                   (a->purpose && b->purpose && strcmp(a->purpose, b->purpose) == 0);
    return a->kind == b->kind && a->op == b->op && a->owner == b->owner && a->core == b->core &&
           a->ctx_domain == b->ctx_domain && a->ctx_vcpu == b->ctx_vcpu &&
           a->domain == b->domain && a->vcpu == b->vcpu && a->flags == b->flags &&
           a->domid == b->domid && a->cycle == b->cycle && a->a == b->a && a->b == b->b &&
           a->c == b->c && strings;
}

#endif
