/* A set-associative cache of line addresses: lookup, fill with LRU, FIFO or
 * (deterministic) random replacement.  What a hit or miss costs, write
 * policies and coherence are the memory system's business (memsys.c). */
#include <stdlib.h>

#include "cpu/timing/internal.h"

int tm_cache_init(struct tm_cache *c, uint64_t size, unsigned ways, unsigned line, unsigned repl,
                  bool write_through, bool write_allocate)
{
    c->ways = ways;
    c->sets = (unsigned)(size / ((uint64_t)ways * line));
    c->set_mask = c->sets - 1;
    c->line_shift = (unsigned)__builtin_ctzll(line);
    c->repl = repl;
    c->write_through = write_through;
    c->write_allocate = write_allocate;
    c->clock = 0;
    c->rng = 0x9E3779B97F4A7C15ull;
    c->lines = malloc((size_t)c->sets * ways * sizeof *c->lines);
    if (!c->lines)
        return -1;
    tm_cache_invalidate_all(c);
    return 0;
}

void tm_cache_free(struct tm_cache *c)
{
    free(c->lines);
    c->lines = NULL;
}

void tm_cache_invalidate_all(struct tm_cache *c)
{
    size_t n = (size_t)c->sets * c->ways;
    for (size_t i = 0; i < n; i++) {
        c->lines[i].tag = ~0ull;
        c->lines[i].stamp = 0;
        c->lines[i].dirty = 0;
        c->lines[i].shared = 0;
    }
}

struct tm_line *tm_cache_fill(struct tm_cache *c, uint64_t pa, struct tm_line *victim)
{
    uint64_t tag = pa >> c->line_shift;
    struct tm_line *set = &c->lines[(size_t)(tag & c->set_mask) * c->ways];
    struct tm_line *v = NULL;
    for (unsigned w = 0; w < c->ways; w++)
        if (set[w].tag == ~0ull) {
            v = &set[w];
            break;
        }
    if (!v) {
        if (c->repl == TM_REPL_RANDOM) {
            /* xorshift64: deterministic, so runs repeat exactly */
            c->rng ^= c->rng << 13;
            c->rng ^= c->rng >> 7;
            c->rng ^= c->rng << 17;
            v = &set[c->rng % c->ways];
        } else {
            v = &set[0];
            for (unsigned w = 1; w < c->ways; w++)
                if (set[w].stamp < v->stamp)
                    v = &set[w];
        }
    }
    *victim = *v;
    v->tag = tag;
    v->stamp = ++c->clock;
    v->dirty = 0;
    v->shared = 0;
    return v;
}
