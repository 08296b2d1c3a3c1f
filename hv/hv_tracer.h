/* Shared by hv_trace.c (recording) and hv_replay.c: the state a model
 * keeps for tracing, allocated on first use. */
#ifndef MSASIM_HV_HV_TRACER_H
#define MSASIM_HV_HV_TRACER_H

#include "hv/hv_internal.h"
#include "hv/hv_lib.h"

#define HELD_MAX 32

struct held_page {
    unsigned core;
    uint64_t pa, va;
};

/* A mapping made inside a composite, that a later removal in the same
 * composite releases. */
struct held_map {
    uint64_t base, size;
    unsigned level;
};

/* A composite operation in progress during a replay. */
struct comp_frame {
    uint8_t op;
    bool skipped;            /* begun while failing: never started */
    int rc;                  /* first failure inside, 0 so far */
};

struct hv_tracer {
    hv_event_fn fn;
    void *ctx;
    struct held_page pages[HELD_MAX];
    unsigned npages;

    /* Replay only. */
    struct comp_frame comp[HV_OP_STACK];
    unsigned depth;
    struct held_map maps[HELD_MAX];
    unsigned nmaps;
    bool dom_failed[HV_MAX_DOMAINS];
    bool finished;
    struct hv_replay_stats rs;
};

/* The model's tracer, created on first use (NULL when out of memory). */
struct hv_tracer *hv_tracer_get(struct hv *hv);
/* The page held through map_domain_page that holds `pa` on `core`, the
 * latest first.  Inline: a replay asks for every copy, clean and access,
 * and the table holds a page or two. */
static inline struct held_page *hv_held_by_pa(struct hv_tracer *t, unsigned core, uint64_t pa)
{
    if (!t)
        return NULL;
    for (struct held_page *h = t->pages + t->npages; h-- != t->pages;)
        if (pa - h->pa < HV_PAGE_SIZE && h->core == core)
            return h;
    return NULL;
}

/* The address the module gave for `pa` (pa itself when not held). */
static inline uint64_t hv_trace_va_of(struct hv_tracer *t, unsigned core, uint64_t pa)
{
    const struct held_page *h = hv_held_by_pa(t, core, pa);
    return h ? h->va + (pa - h->pa) : pa;
}

#endif
