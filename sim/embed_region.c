/* The address ranges an embedder serves: bus devices that forward each
 * access to region.access, direct (DMI) windows handed to the cores' RAM
 * path, and local copies of the pages the cores execute from in memory that
 * gives no direct pointer. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/bus.h"
#include "sim/embed_internal.h"
#include "sim/ram.h"

#define PAGE_SIZE 4096u
#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)
#define EMBED_PA_LIMIT (UINT64_C(1) << 52)

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* ---- the cores' caches ---------------------------------------------------- */

/* The cores' soft TLBs hold host pointers: drop them after a window goes or
 * copies are freed.  Safe in the middle of an instruction: the core only
 * refetches at the next boundary.  Decoded instructions need no flush: the
 * decode cache takes the page's new host pointer at that refetch, and the
 * bytes behind it are the same. */
static void flush_core_tlbs(struct msasim *h)
{
    struct machine *m = h->m;
    if (!m)
        return;
    for (unsigned i = 0; i < m->ncores; i++)
        cpu_tlb_flush(m->cores[i]);
}

/* ---- accesses ------------------------------------------------------------- */

static int to_bus_status(int rc)
{
    if (rc == MSASIM_ACCESS_OK)
        return CPU_BUS_OK;
    return rc == MSASIM_ACCESS_DECODE_ERROR ? CPU_BUS_DECODE_ERROR : CPU_BUS_SLAVE_ERROR;
}

static int call_access(struct embed_region *g, uint64_t addr, unsigned size, bool write,
                       uint64_t *data)
{
    struct msasim *h = g->h;
    struct msasim_access a = {
        .addr = addr,
        .offset = addr - g->r.base,
        .size = size,
        .write = write,
        .core = h->m ? h->m->running_core : 0,
        .cycle = embed_now(h),
    };
    int rc = g->r.access(g->r.ctx, &a, data);
    if (write)
        g->writes++;
    else
        g->reads++;
    if (rc != MSASIM_ACCESS_OK)
        g->errors++;
    return rc;
}

static int region_read(void *ctx, uint64_t offset, unsigned size, uint64_t *val)
{
    struct embed_region *g = ctx;
    uint64_t v = 0;
    int rc = call_access(g, g->r.base + offset, size, false, &v);
    *val = v;
    return to_bus_status(rc);
}

static int region_write(void *ctx, uint64_t offset, unsigned size, uint64_t val)
{
    struct embed_region *g = ctx;
    /* the core hands over the whole register: the access has `size` bytes */
    if (size < 8)
        val &= (UINT64_C(1) << (8 * size)) - 1;
    return to_bus_status(call_access(g, g->r.base + offset, size, true, &val));
}

/* ---- set-up --------------------------------------------------------------- */

int embed_regions_init(struct msasim *h, const struct msasim_region *regions, unsigned n,
                       struct msa_error *err)
{
    if (n && !regions)
        return msa_error_set(err, "options: nregions is %u but regions is NULL", n);
    h->regions = calloc(n ? n : 1, sizeof *h->regions);
    h->ranges = calloc(n ? n : 1, sizeof *h->ranges);
    if (!h->regions || !h->ranges)
        return msa_error_set(err, "out of memory");
    for (unsigned k = 0; k < n; k++) {
        const struct msasim_region *r = &regions[k];
        char fallback[32];
        snprintf(fallback, sizeof fallback, "region%u", k);
        const char *name = r->name && *r->name ? r->name : fallback;
        if (!r->access)
            return msa_error_set(err, "region %s: no access callback; every region needs one", name);
        if (!r->size || r->size > EMBED_PA_LIMIT || r->base > EMBED_PA_LIMIT - r->size)
            return msa_error_set(err, "region %s: base 0x%llx size 0x%llx: expected a non-empty "
                                 "range below 2^52 (the largest physical address space)",
                                 name, (unsigned long long)r->base, (unsigned long long)r->size);
        if ((r->flags & MSASIM_REGION_MEMORY) && ((r->base | r->size) & PAGE_MASK))
            return msa_error_set(err, "region %s: base 0x%llx size 0x%llx: a memory region must start "
                                 "and end on a 4 KiB boundary",
                                 name, (unsigned long long)r->base, (unsigned long long)r->size);
        if (r->flags & ~(unsigned)MSASIM_REGION_MEMORY)
            return msa_error_set(err, "region %s: unknown flags 0x%x", name, r->flags);
        for (unsigned j = 0; j < k; j++)
            if (overlaps(r->base, r->size, h->regions[j].r.base, h->regions[j].r.size))
                return msa_error_set(err, "region %s overlaps region %s", name, h->regions[j].name);
        struct embed_region *g = &h->regions[k];
        g->h = h;
        g->r = *r;
        g->name = strdup(name);
        if (!g->name)
            return msa_error_set(err, "out of memory");
        g->r.name = g->name;
        h->nregions = k + 1;
        h->ranges[k] = (struct machine_range){r->base, r->size};
    }
    return 0;
}

int embed_regions_attach(struct msasim *h, struct msa_error *err)
{
    for (unsigned k = 0; k < h->nregions; k++) {
        struct embed_region *g = &h->regions[k];
        struct mmio_device d = {g->name, g->r.base, g->r.size, g, region_read, region_write};
        if (bus_add_device(&h->m->bus, &d, err) < 0)
            return -1;
    }
    return 0;
}

struct embed_region *embed_region_find(struct msasim *h, uint64_t pa)
{
    for (unsigned k = 0; k < h->nregions; k++) {
        struct embed_region *g = &h->regions[k];
        if (pa - g->r.base < g->r.size)
            return g;
    }
    return NULL;
}

/* ---- local page copies ------------------------------------------------------ */

static struct embed_copy *find_copy(struct embed_region *g, uint64_t page)
{
    size_t lo = 0, hi = g->ncopies;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->copies[mid].page == page)
            return &g->copies[mid];
        if (g->copies[mid].page < page)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The region's own bytes, ignoring local copies: debug callback, else the
 * direct window, else accesses of up to 8 naturally aligned bytes. */
static int raw_copy(struct embed_region *g, uint64_t addr, uint8_t *buf, size_t len, bool write)
{
    if (g->r.debug)
        return g->r.debug(g->r.ctx, addr, buf, len, write) == len ? 0 : -1;
    if (g->dmi_ptr && addr >= g->dmi_start && addr - g->dmi_start + len <= g->dmi_len) {
        uint8_t *p = g->dmi_ptr + (addr - g->dmi_start);
        if (write)
            memcpy(p, buf, len);
        else
            memcpy(buf, p, len);
        return 0;
    }
    while (len) {
        unsigned size = 8;
        while (size > 1 && ((addr & (size - 1)) || size > len))
            size /= 2;
        uint64_t v = 0;
        if (write)
            memcpy(&v, buf, size);
        if (call_access(g, addr, size, write, &v) != MSASIM_ACCESS_OK)
            return -1;
        if (!write)
            memcpy(buf, &v, size);
        addr += size;
        buf += size;
        len -= size;
    }
    return 0;
}

static struct embed_copy *make_copy(struct embed_region *g, uint64_t page)
{
    uint8_t *data = malloc(PAGE_SIZE), *shadow = malloc(PAGE_SIZE);
    if (!data || !shadow || raw_copy(g, page, data, PAGE_SIZE, false) < 0) {
        free(data);
        free(shadow);
        return NULL;
    }
    memcpy(shadow, data, PAGE_SIZE);
    if (g->ncopies == g->capcopies) {
        size_t cap = g->capcopies ? 2 * g->capcopies : 16;
        struct embed_copy *nc = realloc(g->copies, cap * sizeof *nc);
        if (!nc) {
            free(data);
            free(shadow);
            return NULL;
        }
        g->copies = nc;
        g->capcopies = cap;
    }
    size_t at = 0;
    while (at < g->ncopies && g->copies[at].page < page)
        at++;
    memmove(&g->copies[at + 1], &g->copies[at], (g->ncopies - at) * sizeof *g->copies);
    g->copies[at] = (struct embed_copy){page, data, shadow};
    g->ncopies++;
    g->copies_made++;
    return &g->copies[at];
}

/* Sends what the cores changed in a copy to the region, in runs of changed
 * 8-byte words, so that bytes the region changed meanwhile are kept. */
static void writeback_copy(struct embed_region *g, struct embed_copy *c)
{
    for (unsigned off = 0; off < PAGE_SIZE;) {
        if (!memcmp(c->data + off, c->shadow + off, 8)) {
            off += 8;
            continue;
        }
        unsigned end = off + 8;
        while (end < PAGE_SIZE && memcmp(c->data + end, c->shadow + end, 8))
            end += 8;
        if (raw_copy(g, c->page + off, c->data + off, end - off, true) == 0)
            g->writebacks++;
        memcpy(c->shadow + off, c->data + off, end - off);
        off = end;
    }
}

static void drop_copies(struct embed_region *g, uint64_t start, uint64_t len)
{
    size_t keep = 0;
    for (size_t k = 0; k < g->ncopies; k++) {
        struct embed_copy *c = &g->copies[k];
        if (overlaps(c->page, PAGE_SIZE, start, len)) {
            writeback_copy(g, c);
            free(c->data);
            free(c->shadow);
        } else {
            g->copies[keep++] = *c;
        }
    }
    g->ncopies = keep;
}

void embed_regions_sync(struct msasim *h)
{
    bool dropped = false;
    for (unsigned k = 0; k < h->nregions; k++) {
        struct embed_region *g = &h->regions[k];
        for (size_t j = 0; j < g->ncopies; j++)
            writeback_copy(g, &g->copies[j]);
        /* Copies a direct window granted during the run now covers go: the
         * cores are between instructions here. */
        if (g->dmi_ptr && g->ncopies) {
            size_t before = g->ncopies;
            drop_copies(g, g->dmi_start, g->dmi_len);
            dropped |= g->ncopies != before;
        }
    }
    if (dropped)
        flush_core_tlbs(h);
}

/* ---- the RAM path ------------------------------------------------------------ */

/* Asks region.direct for a window around pa and keeps the whole pages of it
 * that lie in the region (the cores keep pointers per 4 KiB page). */
static bool ask_direct(struct embed_region *g, uint64_t pa)
{
    uint64_t start = 0, len = 0;
    uint8_t *p = g->r.direct(g->r.ctx, pa, &start, &len);
    uint64_t rbase = g->r.base, rend = g->r.base + g->r.size;
    if (!p || !len || start + len - 1 < start) {
        g->dmi_refused = true;
        return false;
    }
    uint64_t lo = start > rbase ? start : rbase;
    uint64_t hi = start + len < rend ? start + len : rend;
    lo = (lo + PAGE_MASK) & ~PAGE_MASK;
    hi &= ~PAGE_MASK;
    if (pa < lo || pa >= hi) {
        g->dmi_refused = true;
        return false;
    }
    p += lo - start;
    g->dmi_ptr = p;
    g->dmi_start = lo;
    g->dmi_len = hi - lo;
    g->direct_grants++;
    return true;
}

/* Whether translation may make the running core's PA differ from its VA:
 * the MPU of profile r never does, the MMU does when a stage is on. */
static bool may_translate(const struct machine *m, const struct cpu *c)
{
    if (m->profile == 'r' && !m->cfg.el1_mmu)
        return false;
    if (cpu_current_el(c) == 2)
        return c->sr[CPU_SR_SCTLR_EL2] & 1;
    return (c->sr[CPU_SR_SCTLR_EL1] & 1) || (c->sr[CPU_SR_HCR_EL2] & 1);
}

/* A64 encodings whose accesses need host memory in the core: the load/store
 * exclusive class (LDXR, STXR, CAS, with LDAR/STLR) and the atomic memory
 * operations (LDADD, SWP, ...). */
static bool is_exclusive_or_atomic(uint32_t insn)
{
    unsigned op = (insn >> 24) & 0x3F;
    return op == 0x08 || (op == 0x38 && ((insn >> 21) & 1) && ((insn >> 10) & 3) == 0);
}

/* The instruction word at physical address pa, wherever it lives. */
static bool read_insn(struct msasim *h, uint64_t pa, uint32_t *insn)
{
    if (ram_contains(h->m->ram, pa, 4))
        return ram_read(h->m->ram, pa, insn, 4) == 0;
    struct embed_region *g = embed_region_find(h, pa);
    if (!g || !(g->r.flags & MSASIM_REGION_MEMORY))
        return false;
    struct embed_copy *c = find_copy(g, pa & ~PAGE_MASK);
    if (c) {
        memcpy(insn, c->data + (pa & PAGE_MASK), 4);
        return true;
    }
    if (g->dmi_ptr && pa - g->dmi_start < g->dmi_len) {
        memcpy(insn, g->dmi_ptr + (pa - g->dmi_start), 4);
        return true;
    }
    return false;
}

/* The core reaches memory through host pointers for instruction fetches and
 * for exclusive and atomic accesses; everything else may be a callback.  Its
 * bus interface does not say which is which, but every request runs with the
 * PC of the instruction it serves: a fetch asks for the first byte of the
 * page holding the PC, writable, and the instruction at the PC tells an
 * exclusive or atomic access.  That needs VA = PA (always on profile r,
 * whose MPU does not translate).  While an MMU stage is on, a page-aligned
 * writable request is taken for a fetch and a read-only one (LDXR asks
 * read-only) for an exclusive (see sim/msasim.h). */
static bool needs_host_page(struct msasim *h, uint64_t pa, bool write)
{
    const struct machine *m = h->m;
    const struct cpu *c = m->cores[m->running_core];
    if (may_translate(m, c))
        return write ? !(pa & PAGE_MASK) : true;
    uint64_t pc = cpu_get_pc(c);
    if (write && (pc & ~PAGE_MASK) == pa)
        return true;
    uint32_t insn;
    return read_insn(h, pc, &insn) && is_exclusive_or_atomic(insn);
}

uint8_t *embed_host_ptr(void *ctx, uint64_t pa, bool write)
{
    struct msasim *h = ctx;
    struct embed_region *g = embed_region_find(h, pa);
    if (!g || !(g->r.flags & MSASIM_REGION_MEMORY))
        return NULL;
    /* A page copied before a window was granted stays a copy until the run
     * returns (embed_regions_sync), so the cores see one version of it. */
    struct embed_copy *c = g->ncopies ? find_copy(g, pa & ~PAGE_MASK) : NULL;
    if (c)
        return c->data + (pa & PAGE_MASK);
    if (g->dmi_ptr && pa - g->dmi_start < g->dmi_len)
        return g->dmi_ptr + (pa - g->dmi_start);
    if (g->r.direct && !g->dmi_refused && ask_direct(g, pa))
        return g->dmi_ptr + (pa - g->dmi_start);
    if (needs_host_page(h, pa, write)) {
        c = make_copy(g, pa & ~PAGE_MASK);
        if (c)
            return c->data + (pa & PAGE_MASK);
    }
    return NULL;
}

int embed_peek(void *ctx, uint64_t pa, void *buf, size_t len)
{
    struct msasim *h = ctx;
    struct embed_region *g = embed_region_find(h, pa);
    if (!g || !(g->r.flags & MSASIM_REGION_MEMORY) || len > PAGE_SIZE - (pa & PAGE_MASK) ||
        pa - g->r.base + len > g->r.size)
        return -1;
    struct embed_copy *c = g->ncopies ? find_copy(g, pa & ~PAGE_MASK) : NULL;
    if (c) {
        memcpy(buf, c->data + (pa & PAGE_MASK), len);
        return 0;
    }
    if (g->dmi_ptr && pa - g->dmi_start < g->dmi_len && g->dmi_len - (pa - g->dmi_start) >= len) {
        memcpy(buf, g->dmi_ptr + (pa - g->dmi_start), len);
        return 0;
    }
    if (g->r.debug)
        return g->r.debug(g->r.ctx, pa, buf, len, false) == len ? 0 : -1;
    return -1;
}

/* ---- debug access, invalidation ------------------------------------------------ */

int embed_region_debug(struct embed_region *g, uint64_t addr, void *buf, size_t len, bool write)
{
    uint8_t *b = buf;
    while (len) {
        uint64_t page = addr & ~PAGE_MASK;
        size_t n = PAGE_SIZE - (addr & PAGE_MASK);
        if (n > len)
            n = len;
        struct embed_copy *c = find_copy(g, page);
        if (c && !write) {
            memcpy(b, c->data + (addr - page), n);
        } else {
            if (raw_copy(g, addr, b, n, write) < 0)
                return -1;
            if (c) {
                /* keep the copy and the region in step */
                memcpy(c->data + (addr - page), b, n);
                memcpy(c->shadow + (addr - page), b, n);
            }
        }
        addr += n;
        b += n;
        len -= n;
    }
    return 0;
}

void embed_regions_invalidate(struct msasim *h, uint64_t start, uint64_t end)
{
    if (end <= start)
        return;
    for (unsigned k = 0; k < h->nregions; k++) {
        struct embed_region *g = &h->regions[k];
        if (!overlaps(g->r.base, g->r.size, start, end - start))
            continue;
        g->dmi_refused = false;
        if (g->dmi_ptr && overlaps(g->dmi_start, g->dmi_len, start, end - start)) {
            g->dmi_ptr = NULL;
            g->dmi_start = g->dmi_len = 0;
            flush_core_tlbs(h);
        }
    }
}

void embed_regions_refresh(struct msasim *h, uint64_t start, uint64_t end)
{
    for (unsigned k = 0; k < h->nregions; k++) {
        struct embed_region *g = &h->regions[k];
        for (size_t j = 0; j < g->ncopies; j++) {
            struct embed_copy *c = &g->copies[j];
            if (!overlaps(c->page, PAGE_SIZE, start, end - start))
                continue;
            writeback_copy(g, c);
            if (raw_copy(g, c->page, c->data, PAGE_SIZE, false) == 0)
                memcpy(c->shadow, c->data, PAGE_SIZE);
        }
    }
}

void embed_regions_free(struct msasim *h)
{
    for (unsigned k = 0; k < h->nregions; k++) {
        struct embed_region *g = &h->regions[k];
        for (size_t j = 0; j < g->ncopies; j++) {
            writeback_copy(g, &g->copies[j]);
            free(g->copies[j].data);
            free(g->copies[j].shadow);
        }
        free(g->copies);
        free(g->name);
    }
    free(h->regions);
    free(h->ranges);
    h->regions = NULL;
    h->nregions = 0;
}
