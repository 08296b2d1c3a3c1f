/* Inside the embedding API (sim/msasim.h): the handle, and the regions the
 * embedder serves (sim/embed_region.c). */
#ifndef MSASIM_SIM_EMBED_INTERNAL_H
#define MSASIM_SIM_EMBED_INTERNAL_H

#include "sim/error.h"
#include "sim/machine.h"
#include "sim/msasim.h"

/* A page of a memory region that the cores reach through a local copy
 * because the region gave no direct pointer (see sim/msasim.h). */
struct embed_copy {
    uint64_t page;        /* physical address of the page */
    uint8_t *data;        /* what the cores read and write */
    uint8_t *shadow;      /* the region's bytes as last read or written back */
};

struct embed_region {
    struct msasim *h;
    struct msasim_region r;   /* name points at `name` */
    char *name;
    /* the direct window in use, if any */
    uint8_t *dmi_ptr;         /* host pointer for dmi_start */
    uint64_t dmi_start, dmi_len;
    bool dmi_refused;         /* region.direct said no; ask again after an invalidation */
    /* local page copies, sorted by page */
    struct embed_copy *copies;
    size_t ncopies, capcopies;
    /* figures */
    uint64_t reads, writes, errors, direct_grants, copies_made, writebacks;
};

struct msasim {
    struct machine *m;
    struct embed_region *regions;
    unsigned nregions;
    struct machine_range *ranges;   /* the regions' ranges, for the machine */
    struct msa_error err;
    bool loaded;                    /* a program or an entry point was given */
    bool stop_requested;            /* msasim_request_stop outside a run */
    bool in_run;
    bool final;                     /* `last` is a stop that cannot be resumed */
    struct machine_result last;
    /* code another master changed during a run: dropped from the decode
     * cache when the run returns, between instructions */
    uint64_t code_lo, code_hi;
    void (*progress)(void *ctx, uint64_t cycles);
    void *progress_ctx;
};

/* sim/embed_region.c */
int embed_regions_init(struct msasim *h, const struct msasim_region *regions, unsigned n,
                       struct msa_error *err);
int embed_regions_attach(struct msasim *h, struct msa_error *err);
void embed_regions_free(struct msasim *h);
struct embed_region *embed_region_find(struct msasim *h, uint64_t pa);
/* The machine's external_host_ptr. */
uint8_t *embed_host_ptr(void *ctx, uint64_t pa, bool write);
/* The machine's external_peek: from a local copy, the direct window or the
 * region's debug callback, never through region.access. */
int embed_peek(void *ctx, uint64_t pa, void *buf, size_t len);
/* Debug copy to or from a memory region; [addr, addr+len) lies in g.
 * 0, or -1 when the region did not take every byte. */
int embed_region_debug(struct embed_region *g, uint64_t addr, void *buf, size_t len, bool write);
/* After a run: writes back what the cores changed in local copies, and
 * drops the copies a direct window now covers. */
void embed_regions_sync(struct msasim *h);
void embed_regions_invalidate(struct msasim *h, uint64_t start, uint64_t end);
void embed_regions_refresh(struct msasim *h, uint64_t start, uint64_t end);

/* sim/embed.c: msasim_cycles(), for the callbacks' time stamps too. */
uint64_t embed_now(const struct msasim *h);

#endif
