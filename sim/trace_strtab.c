/* Interned strings of a trace: a purpose like "kernel module (ioremap_wc)"
 * repeats on thousands of events, so each distinct string is kept once and
 * events point at that copy.  Open addressing on an FNV-1a hash. */
#include <stdlib.h>
#include <string.h>

#include "sim/trace_internal.h"

void strtab_init(struct trace_strtab *t)
{
    memset(t, 0, sizeof *t);
}

void strtab_free(struct trace_strtab *t)
{
    for (uint32_t i = 0; i < t->count; i++)
        free(t->items[i]);
    free(t->items);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static uint32_t hash_of(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static bool grow_slots(struct trace_strtab *t)
{
    uint32_t n = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    for (uint32_t id = 1; id <= t->count; id++) {
        const char *s = t->items[id - 1];
        uint32_t k = hash_of(s, strlen(s)) & (n - 1);
        while (slots[k])
            k = (k + 1) & (n - 1);
        slots[k] = id;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return true;
}

uint32_t strtab_append(struct trace_strtab *t, const char *s, size_t len)
{
    if (t->count == UINT32_MAX - 1)
        return 0;
    if (t->count == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 16;
        char **items = realloc(t->items, cap * sizeof *items);
        if (!items)
            return 0;
        t->items = items;
        t->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return 0;
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->items[t->count++] = copy;
    /* A crowded index is dropped; the next intern rebuilds it. */
    if (t->slots && t->count * 2 > t->nslots) {
        free(t->slots);
        t->slots = NULL;
        t->nslots = 0;
    } else if (t->slots) {
        uint32_t k = hash_of(copy, len) & (t->nslots - 1);
        while (t->slots[k])
            k = (k + 1) & (t->nslots - 1);
        t->slots[k] = t->count;
    }
    return t->count;
}

uint32_t strtab_intern(struct trace_strtab *t, const char *s, size_t len, bool *added)
{
    *added = false;
    if ((!t->slots || t->count * 2 >= t->nslots) && !grow_slots(t))
        return 0;
    uint32_t k = hash_of(s, len) & (t->nslots - 1);
    for (uint32_t id; (id = t->slots[k]); k = (k + 1) & (t->nslots - 1)) {
        const char *c = t->items[id - 1];
        if (strncmp(c, s, len) == 0 && c[len] == '\0')
            return id;
    }
    uint32_t id = strtab_append(t, s, len);
    if (id)
        *added = true;
    return id;
}

const char *strtab_get(const struct trace_strtab *t, uint32_t id)
{
    return id && id <= t->count ? t->items[id - 1] : NULL;
}
