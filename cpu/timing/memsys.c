/* The memory system of a core: TCMs, the L1 caches, the shared L2, memory,
 * a write buffer, and a simple coherence cost between the cores' L1 data
 * caches.
 *
 * Latencies add up by level: an L1 hit costs l1d.latency (load to use), an
 * L2 hit l1d.latency + l2.latency, a miss in the last level adds
 * mem.latency.  Non-cacheable and Device accesses skip the caches.
 * Writes that leave the core (write-through stores, uncached stores,
 * write-backs of dirty lines, store misses being filled) occupy the write
 * buffer until they complete; a store stalls only when the buffer is full,
 * and DSB/DMB wait for it to drain.
 *
 * Coherence: a line another core holds dirty is transferred for
 * coh.transfer cycles instead of coming from below; a store to a line that
 * another core may hold invalidates the copies for coh.invalidate cycles. */
#include "cpu/timing/internal.h"

/* ---- write buffer ---------------------------------------------------------- */

static void wbuf_retire(struct timing_core *c, uint64_t t)
{
    while (c->wbuf_count && c->wbuf[c->wbuf_head] <= t) {
        c->wbuf_head = (c->wbuf_head + 1) % TM_WBUF_MAX;
        c->wbuf_count--;
    }
}

uint64_t tm_wbuf_drained(const struct timing_core *c)
{
    if (!c->wbuf_count)
        return 0;
    return c->wbuf[(c->wbuf_head + c->wbuf_count - 1) % TM_WBUF_MAX];
}

unsigned tm_wbuf_push(struct timing_core *c, uint64_t t, unsigned lat)
{
    wbuf_retire(c, t);
    unsigned stall = 0;
    if (c->wbuf_count >= c->p->wbuf_entries) {
        uint64_t free_at = c->wbuf[c->wbuf_head];
        stall = (unsigned)(free_at - t);
        c->st.wbuf_stalls++;
        t = free_at;
        wbuf_retire(c, t);
    }
    uint64_t done = t + lat;
    uint64_t tail = tm_wbuf_drained(c);
    if (done < tail)
        done = tail;   /* writes drain in order */
    c->wbuf[(c->wbuf_head + c->wbuf_count) % TM_WBUF_MAX] = done;
    c->wbuf_count++;
    return stall;
}

/* ---- levels below L1 ---------------------------------------------------------- */

static bool in_range(uint64_t a, uint64_t base, uint64_t size)
{
    return size && a >= base && a - base < size;
}

/* Cycles a write of a line (or part) to the level below L1 takes to
 * complete: into the L2 when it holds the line (or allocates it for a
 * write-back), else to memory. */
static unsigned write_below_latency(struct timing_core *c, uint64_t pa, bool writeback)
{
    struct timing_system *s = c->sys;
    const struct tm_params *p = c->p;
    if (!s->has_l2)
        return (unsigned)p->mem_latency;
    struct tm_line *l = tm_cache_lookup(&s->l2, pa);
    if (!l && writeback && !s->l2.write_through) {
        struct tm_line victim;
        l = tm_cache_fill(&s->l2, pa, &victim);
        if (victim.tag != ~0ull && victim.dirty)
            tm_wbuf_push(c, c->now, (unsigned)p->mem_latency);
    }
    if (l && !s->l2.write_through) {
        l->dirty = 1;
        return (unsigned)p->l2_latency;
    }
    return (unsigned)(p->l2_latency + p->mem_latency);
}

/* Cycles to bring the line of pa from the L2 or memory (beyond an L1 hit). */
static unsigned read_below(struct timing_core *c, uint64_t pa)
{
    struct timing_system *s = c->sys;
    const struct tm_params *p = c->p;
    if (!s->has_l2)
        return (unsigned)p->mem_latency;
    c->st.l2_access++;
    if (tm_cache_lookup(&s->l2, pa))
        return (unsigned)p->l2_latency;
    c->st.l2_miss++;
    struct tm_line victim;
    tm_cache_fill(&s->l2, pa, &victim);
    if (victim.tag != ~0ull && victim.dirty)
        tm_wbuf_push(c, c->now, (unsigned)p->mem_latency);
    return (unsigned)(p->l2_latency + p->mem_latency);
}

/* Other cores' copies of the line of pa in their L1 data caches.  Returns
 * true if one held it dirty (it is written back and kept clean); *any says
 * whether any copy exists.  `invalidate` drops the copies. */
static bool snoop(struct timing_core *c, uint64_t pa, bool invalidate, bool *any)
{
    struct timing_system *s = c->sys;
    bool dirty = false;
    *any = false;
    for (unsigned i = 0; i < s->ncores; i++) {
        struct timing_core *o = s->cores[i];
        if (o == c || !o->active)
            continue;
        struct tm_line *l = tm_cache_probe(&o->l1d, pa);
        if (!l)
            continue;
        *any = true;
        if (l->dirty)
            dirty = true;
        if (invalidate) {
            l->tag = ~0ull;
            l->dirty = 0;
        } else {
            l->dirty = 0;
            l->shared = 1;
        }
    }
    return dirty;
}

/* An L1 data cache miss on the line of pa: installs it and returns the
 * cycles beyond an L1 hit.  *stall gets write-back and coherence stalls. */
static unsigned l1d_fill(struct timing_core *c, uint64_t pa, bool write, uint64_t t, unsigned *stall,
                         struct tm_line **out)
{
    const struct tm_params *p = c->p;
    struct timing_system *s = c->sys;
    unsigned extra;
    bool any = false, dirty_elsewhere = false;
    if (s->ncores > 1)
        dirty_elsewhere = snoop(c, pa, write, &any);
    if (dirty_elsewhere) {
        c->st.coh_transfers++;
        extra = (unsigned)p->coh_transfer;
    } else {
        extra = read_below(c, pa);
    }
    if (write && any) {
        c->st.coh_invalidates++;
        *stall += (unsigned)p->coh_invalidate;
    }
    struct tm_line victim;
    struct tm_line *l = tm_cache_fill(&c->l1d, pa, &victim);
    l->shared = any && !write;
    if (victim.tag != ~0ull && victim.dirty) {
        c->st.l1d_writeback++;
        uint64_t vpa = tm_line_addr(&c->l1d, victim.tag);
        *stall += tm_wbuf_push(c, t, write_below_latency(c, vpa, true));
    }
    *out = l;
    return extra;
}

/* One line of a cacheable data access. */
static unsigned data_line(struct timing_core *c, uint64_t pa, bool write, bool wt, uint64_t t,
                          unsigned *stall)
{
    const struct tm_params *p = c->p;
    struct tm_cache *l1 = &c->l1d;
    c->st.l1d_access++;
    struct tm_line *l = tm_cache_lookup(l1, pa);
    if (TM_LIKELY(l != NULL)) {
        if (!write)
            return (unsigned)p->l1d_latency;
        if (l->shared && c->sys->ncores > 1) {
            bool any;
            snoop(c, pa, true, &any);
            if (any) {
                c->st.coh_invalidates++;
                *stall += (unsigned)p->coh_invalidate;
            }
            l->shared = 0;
        }
        if (wt)
            *stall += tm_wbuf_push(c, t, write_below_latency(c, pa, false));
        else
            l->dirty = 1;
        return 0;
    }
    c->st.l1d_miss++;
    if (write && (!l1->write_allocate || wt)) {
        /* goes around the L1 */
        if (c->sys->ncores > 1) {
            bool any;
            snoop(c, pa, true, &any);
            if (any) {
                c->st.coh_invalidates++;
                *stall += (unsigned)p->coh_invalidate;
            }
        }
        *stall += tm_wbuf_push(c, t, write_below_latency(c, pa, false));
        return 0;
    }
    unsigned extra = l1d_fill(c, pa, write, t, stall, &l);
    if (!write)
        return (unsigned)p->l1d_latency + extra;
    /* a store miss waits for its line in the write (fill) buffer */
    l->dirty = 1;
    *stall += tm_wbuf_push(c, t, extra);
    return 0;
}

unsigned tm_mem_data(struct timing_core *c, uint64_t pa, unsigned size, bool write, enum timing_mem_type type,
                     uint64_t t, unsigned *stall, unsigned *base)
{
    const struct tm_params *p = c->p;
    *stall = 0;
    *base = (unsigned)p->l1d_latency;
    if (in_range(pa, p->tcm_d_base, p->tcm_d_size)) {
        c->st.tcm++;
        *base = (unsigned)p->tcm_latency;
        return write ? 0 : (unsigned)p->tcm_latency;
    }
    if (type == TIMING_MEM_DEVICE || type == TIMING_MEM_NC) {
        unsigned lat = (unsigned)(type == TIMING_MEM_DEVICE ? p->mem_device_latency : p->mem_latency);
        if (type == TIMING_MEM_DEVICE)
            c->st.device++;
        else
            c->st.uncached++;
        if (write) {
            *stall = tm_wbuf_push(c, t, lat);
            return 0;
        }
        return (unsigned)p->l1d_latency + lat;
    }
    bool wt = type == TIMING_MEM_WT || c->l1d.write_through;
    unsigned shift = c->l1d.line_shift;
    uint64_t first = pa >> shift, last = (pa + (size ? size : 1) - 1) >> shift;
    unsigned lat = data_line(c, pa, write, wt, t, stall);
    if (TM_UNLIKELY(last != first)) {
        unsigned lat2 = data_line(c, last << shift, write, wt, t, stall);
        if (lat2 > lat)
            lat = lat2;
    }
    return lat;
}

unsigned tm_mem_fetch(struct timing_core *c, uint64_t pa, enum timing_mem_type type)
{
    const struct tm_params *p = c->p;
    if (in_range(pa, p->tcm_i_base, p->tcm_i_size))
        return 0;
    if (type == TIMING_MEM_DEVICE || type == TIMING_MEM_NC)
        return (unsigned)(type == TIMING_MEM_DEVICE ? p->mem_device_latency : p->mem_latency);
    c->st.l1i_access++;
    if (TM_LIKELY(tm_cache_lookup(&c->l1i, pa) != NULL))
        return 0;
    c->st.l1i_miss++;
    struct tm_line victim;
    tm_cache_fill(&c->l1i, pa, &victim);
    return read_below(c, pa);
}

unsigned tm_mem_walk_read(struct timing_core *c, uint64_t pa)
{
    const struct tm_params *p = c->p;
    c->st.walk_reads++;
    if (p->walk_l1d) {
        unsigned stall = 0;
        unsigned lat = data_line(c, pa, false, false, c->now, &stall);
        return lat + stall;
    }
    return read_below(c, pa);
}

/* Cleans and/or invalidates the line of pa in one L1 data cache and the L2;
 * returns the write-buffer stall. */
static unsigned dc_one(struct timing_core *c, struct timing_core *owner, uint64_t pa, bool clean, bool inval,
                       uint64_t t)
{
    unsigned stall = 0;
    struct tm_line *l = tm_cache_probe(&owner->l1d, pa);
    if (l) {
        if (clean && l->dirty) {
            c->st.l1d_writeback++;
            stall += tm_wbuf_push(c, t, write_below_latency(c, pa, true));
            l->dirty = 0;
        }
        if (inval) {
            l->tag = ~0ull;
            l->dirty = 0;
        }
    }
    return stall;
}

unsigned tm_mem_dc(struct timing_core *c, uint64_t pa, enum tm_sys op, uint64_t t)
{
    struct timing_system *s = c->sys;
    const struct tm_params *p = c->p;
    unsigned stall = 0;
    if (op == TM_SYS_DC_ZVA) {
        /* zeroes a whole line: allocates it without reading it */
        unsigned coh = 0;
        for (uint64_t off = 0; off < 64; off += (1u << c->l1d.line_shift)) {
            uint64_t a = (pa & ~63ull) + off;
            struct tm_line *l = tm_cache_lookup(&c->l1d, a);
            if (!l) {
                struct tm_line victim;
                l = tm_cache_fill(&c->l1d, a, &victim);
                if (victim.tag != ~0ull && victim.dirty)
                    stall += tm_wbuf_push(c, t, write_below_latency(c, tm_line_addr(&c->l1d, victim.tag), true));
            }
            l->dirty = 1;
            if (s->ncores > 1) {
                bool any;
                snoop(c, a, true, &any);
                if (any)
                    coh += (unsigned)p->coh_invalidate;
            }
            l->shared = 0;
        }
        return stall + coh;
    }
    bool clean = op == TM_SYS_DC_CLEAN || op == TM_SYS_DC_CIVAC;
    bool inval = op == TM_SYS_DC_INVAL || op == TM_SYS_DC_CIVAC;
    /* by VA to the point of coherency: every core's copy */
    for (unsigned i = 0; i < s->ncores; i++)
        stall += dc_one(c, s->cores[i], pa, clean, inval, t);
    if (s->has_l2) {
        struct tm_line *l = tm_cache_probe(&s->l2, pa);
        if (l) {
            if (clean && l->dirty) {
                stall += tm_wbuf_push(c, t, (unsigned)p->mem_latency);
                l->dirty = 0;
            }
            if (inval) {
                l->tag = ~0ull;
                l->dirty = 0;
            }
        }
    }
    return stall;
}

void tm_mem_ic(struct timing_core *c, uint64_t pa, enum tm_sys op)
{
    struct timing_system *s = c->sys;
    if (op == TM_SYS_IC_IALLU) {
        tm_cache_invalidate_all(&c->l1i);
        return;
    }
    for (unsigned i = 0; i < s->ncores; i++) {
        struct timing_core *o = s->cores[i];
        if (op == TM_SYS_IC_IALLUIS) {
            tm_cache_invalidate_all(&o->l1i);
            continue;
        }
        struct tm_line *l = tm_cache_probe(&o->l1i, pa);
        if (l)
            l->tag = ~0ull;
    }
}
