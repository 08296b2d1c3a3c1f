/* The decode cache: each instruction word is decoded once per physical
 * location.  Decoded entries live in per-physical-page arrays (1024 entries
 * for a 4 KiB page) kept in a hash of the cluster, so every core shares
 * them.  An entry that is not decoded yet (or was invalidated by a store,
 * IC IVAU/IALLU or cpu_cluster_code_written) holds the decode-miss handler,
 * which decodes the word in place and runs it. */
#include <stdlib.h>

#include "a64_decode.h"
#include "cpu/internal.h"

#define PAGE_INSNS 1024

struct cpu_code_page {
    uint64_t ppage;          /* physical page number */
    uint8_t *host;           /* host memory of that page */
    struct cpu_insn e[PAGE_INSNS];
};

static void page_reset_range(struct cpu_code_page *p, unsigned first, unsigned last)
{
    for (unsigned k = first; k <= last; k++) {
        struct cpu_insn *e = &p->e[k];
        memset(e, 0, sizeof *e);
        e->fn = cpu_exec_decode_miss;
        e->raw = k;                          /* index, for the miss handler */
        e->imm = (uint64_t)(uintptr_t)p;     /* owning page */
    }
}

static size_t hash_slot(uint64_t ppage, size_t cap)
{
    return (size_t)((ppage * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static struct cpu_code_page *find_page(struct cpu_cluster *cl, uint64_t ppage)
{
    if (!cl->cap)
        return NULL;
    for (size_t s = hash_slot(ppage, cl->cap);; s = (s + 1) & (cl->cap - 1)) {
        struct cpu_code_page *p = cl->pages[s];
        if (!p)
            return NULL;
        if (p->ppage == ppage)
            return p;
    }
}

static int insert_page(struct cpu_cluster *cl, struct cpu_code_page *p)
{
    if ((cl->npages + 1) * 2 > cl->cap) {
        size_t ncap = cl->cap ? cl->cap * 2 : 64;
        struct cpu_code_page **np = calloc(ncap, sizeof *np);
        if (!np)
            return -1;
        for (size_t k = 0; k < cl->cap; k++) {
            struct cpu_code_page *q = cl->pages[k];
            if (!q)
                continue;
            size_t s = hash_slot(q->ppage, ncap);
            while (np[s])
                s = (s + 1) & (ncap - 1);
            np[s] = q;
        }
        free(cl->pages);
        cl->pages = np;
        cl->cap = ncap;
    }
    size_t s = hash_slot(p->ppage, cl->cap);
    while (cl->pages[s])
        s = (s + 1) & (cl->cap - 1);
    cl->pages[s] = p;
    cl->npages++;
    return 0;
}

struct cpu_insn *cpu_decode_page_lookup(struct cpu *c, uint64_t pa, uint8_t *host)
{
    struct cpu_cluster *cl = c->cluster;
    uint64_t ppage = pa >> 12;
    struct cpu_code_page *p = find_page(cl, ppage);
    if (p) {
        p->host = host;
        return p->e;
    }
    p = malloc(sizeof *p);
    if (!p)
        return NULL;
    p->ppage = ppage;
    p->host = host;
    page_reset_range(p, 0, PAGE_INSNS - 1);
    if (insert_page(cl, p)) {
        free(p);
        return NULL;
    }
    /* From now on stores to this page must take the slow path, which
     * invalidates the decoded entries they overwrite. */
    cpu_cluster_unmap_write(cl, host);
    return p->e;
}

bool cpu_decode_page_is_code(struct cpu_cluster *cl, uint64_t ppage)
{
    return find_page(cl, ppage) != NULL;
}

void cpu_decode_invalidate(struct cpu_cluster *cl, uint64_t pa, uint64_t len)
{
    if (!len || !cl->npages)
        return;
    uint64_t end = pa + len - 1;
    if (end < pa)
        end = ~0ull;
    for (uint64_t pg = pa >> 12; pg <= end >> 12; pg++) {
        struct cpu_code_page *p = find_page(cl, pg);
        if (p) {
            unsigned first = pg == pa >> 12 ? (unsigned)((pa & 0xFFF) >> 2) : 0;
            unsigned last = pg == end >> 12 ? (unsigned)((end & 0xFFF) >> 2) : PAGE_INSNS - 1;
            page_reset_range(p, first, last);
        }
        if (pg == ~0ull >> 12)
            break;
    }
}

void cpu_decode_invalidate_all(struct cpu_cluster *cl)
{
    for (size_t k = 0; k < cl->cap; k++)
        if (cl->pages[k])
            page_reset_range(cl->pages[k], 0, PAGE_INSNS - 1);
}

void cpu_cluster_code_written(struct cpu_cluster *cl, uint64_t pa, uint64_t len)
{
    cpu_decode_invalidate(cl, pa, len);
}

void cpu_decode_cache_free(struct cpu_cluster *cl)
{
    for (size_t k = 0; k < cl->cap; k++)
        free(cl->pages[k]);
    free(cl->pages);
    cl->pages = NULL;
    cl->cap = cl->npages = 0;
}

static const struct a64_pattern *find_pattern(uint32_t raw)
{
    for (const struct a64_pattern *p = a64_groups[(raw >> 25) & 0xF]; p->fn; p++)
        if ((raw & p->mask) == p->match)
            return p;
    return NULL;
}

void cpu_decode(struct cpu_cluster *cl, uint32_t raw, struct cpu_insn *out)
{
    const struct a64_pattern *p = find_pattern(raw);
    memset(out, 0, sizeof *out);
    out->raw = raw;
    out->rd = out->rn = out->rm = out->ra = CPU_R_ZR;
    if (!p || (p->feat & ~cl->features)) {
        out->fn = exec_undef;
        return;
    }
    out->fn = p->fn;
    uint8_t *slot[4] = {&out->rd, &out->rn, &out->rm, &out->ra};
    for (int k = 0; k < 4; k++) {
        uint8_t code = p->reg[k];
        if (code == 0xFF)
            continue;
        unsigned r = (raw >> (code & 0x1F)) & 31;
        *slot[k] = (uint8_t)(r != 31 ? r : (code & 0x20) ? CPU_R_SP : CPU_R_ZR);
    }
    if (p->prep && !p->prep(out))
        out->fn = exec_undef;
}

const char *cpu_insn_name(uint32_t insn)
{
    const struct a64_pattern *p = find_pattern(insn);
    return p ? p->name : "undefined";
}

uint64_t cpu_exec_decode_miss(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    struct cpu_code_page *p = (struct cpu_code_page *)(uintptr_t)i->imm;
    unsigned k = i->raw;
    uint32_t raw;
    memcpy(&raw, p->host + k * 4, 4);
    struct cpu_insn *e = &p->e[k];
    cpu_decode(c->cluster, raw, e);
    return e->fn(c, e, pc);
}
