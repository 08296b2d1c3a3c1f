#include "sim/symbols.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct symbols {
    struct symbol *v;
    size_t n, cap;
};

struct symbols *symbols_new(void)
{
    return calloc(1, sizeof(struct symbols));
}

void symbols_free(struct symbols *syms)
{
    if (!syms)
        return;
    for (size_t i = 0; i < syms->n; i++)
        free((char *)syms->v[i].name);
    free(syms->v);
    free(syms);
}

int symbols_add(struct symbols *syms, const char *name, uint64_t addr,
                uint64_t size, enum symbol_kind kind)
{
    if (syms->n == syms->cap) {
        size_t cap = syms->cap ? syms->cap * 2 : 64;
        struct symbol *v = realloc(syms->v, cap * sizeof *v);
        if (!v)
            return -1;
        syms->v = v;
        syms->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    syms->v[syms->n++] = (struct symbol){
        .addr = addr, .size = size, .name = copy, .kind = kind,
    };
    return 0;
}

/* At one address the symbol a lookup reports comes first: a sized one (it
 * says where it ends), a function before an object, then by name so the
 * order does not depend on the ELF's. */
static int symbol_cmp(const void *pa, const void *pb)
{
    const struct symbol *a = pa, *b = pb;
    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    if ((a->size == 0) != (b->size == 0))
        return a->size == 0 ? 1 : -1;
    if (a->kind != b->kind)
        return a->kind == SYMBOL_FUNC ? -1 : 1;
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return strcmp(a->name, b->name);
}

void symbols_finish(struct symbols *syms)
{
    if (syms->n == 0)
        return;
    qsort(syms->v, syms->n, sizeof *syms->v, symbol_cmp);
    size_t out = 1;
    for (size_t i = 1; i < syms->n; i++) {
        struct symbol *prev = &syms->v[out - 1], *cur = &syms->v[i];
        if (cur->addr == prev->addr && cur->size == prev->size &&
            cur->kind == prev->kind && strcmp(cur->name, prev->name) == 0) {
            free((char *)cur->name);
            continue;
        }
        syms->v[out++] = *cur;
    }
    syms->n = out;
}

size_t symbols_count(const struct symbols *syms)
{
    return syms ? syms->n : 0;
}

const struct symbol *symbols_at(const struct symbols *syms, size_t i)
{
    return syms && i < syms->n ? &syms->v[i] : NULL;
}

const char *symbols_lookup(const struct symbols *syms, uint64_t addr,
                           uint64_t *offset)
{
    if (!syms || syms->n == 0 || addr < syms->v[0].addr)
        return NULL;
    /* Last symbol with v[i].addr <= addr. */
    size_t lo = 0, hi = syms->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (syms->v[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    size_t next = lo + 1;
    while (lo > 0 && syms->v[lo - 1].addr == syms->v[lo].addr)
        lo--;
    const struct symbol *s = &syms->v[lo];
    uint64_t off = addr - s->addr;
    bool inside;
    if (s->size)
        inside = off < s->size;
    else if (next < syms->n)
        inside = addr < syms->v[next].addr;
    else
        inside = off == 0;
    if (!inside)
        return NULL;
    if (offset)
        *offset = off;
    return s->name;
}

int symbols_find(const struct symbols *syms, const char *name, uint64_t *addr)
{
    if (!syms)
        return -1;
    for (size_t i = 0; i < syms->n; i++) {
        if (strcmp(syms->v[i].name, name) == 0) {
            if (addr)
                *addr = syms->v[i].addr;
            return 0;
        }
    }
    return -1;
}
