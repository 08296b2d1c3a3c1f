/* The cores of a cluster and what they share (the L2, the function table):
 * creation from a parameter set, and the accessors of cpu/timing.h. */
#include <stdlib.h>
#include <string.h>

#include "cpu/timing/internal.h"

static const char *const cpi_names[TIMING_CPI_COUNT] = {
    "base", "branch", "icache", "dcache", "tlb", "walk", "mpu_sync", "exceptions", "barriers",
};

const char *timing_cpi_name(enum timing_cpi c)
{
    return (unsigned)c < TIMING_CPI_COUNT ? cpi_names[c] : "?";
}

static void core_free(struct timing_core *c)
{
    if (!c)
        return;
    tm_cache_free(&c->l1i);
    tm_cache_free(&c->l1d);
    tm_tlb_free(&c->tlb);
    tm_bpred_free(&c->bp);
    free(c->dcache);
    free(c->fn);
    free(c);
}

static struct timing_core *core_new(struct timing_system *s, unsigned id)
{
    struct timing_core *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    const struct tm_params *p = &s->cfg.p;
    c->sys = s;
    c->id = id;
    c->p = p;
    c->unit_cap[TM_U_ALU] = (uint8_t)p->issue_alu;
    c->unit_cap[TM_U_MAC] = (uint8_t)p->issue_mac;
    c->unit_cap[TM_U_DIV] = (uint8_t)p->issue_div;
    c->unit_cap[TM_U_LDST] = (uint8_t)p->issue_ldst;
    c->unit_cap[TM_U_BR] = (uint8_t)p->issue_branch;
    c->unit_cap[TM_U_FP] = (uint8_t)p->issue_fp;
    c->unit_cap[TM_U_SYS] = 1;
    c->fetch_line = ~0ull;
    c->fn_cur = &c->fn_none;
    c->xgen = 1;
    c->last_xlat[0].vpage = c->last_xlat[1].vpage = ~0ull;
    c->fwd = p->pipe_forwarding ? 0 : p->pipe_wb_delay;
    for (unsigned i = 0; i < TM_XCACHE; i++)
        c->xcache[i].key = ~0ull;
    c->dcache = malloc(sizeof *c->dcache << TM_DCACHE_BITS);
    if (!c->dcache)
        goto fail;
    for (unsigned i = 0; i < (1u << TM_DCACHE_BITS); i++)
        c->dcache[i].pc = ~0ull;
    if (tm_cache_init(&c->l1i, p->l1i_size, (unsigned)p->l1i_ways, (unsigned)p->l1i_line, (unsigned)p->l1i_repl,
                      false, false) < 0 ||
        tm_cache_init(&c->l1d, p->l1d_size, (unsigned)p->l1d_ways, (unsigned)p->l1d_line, (unsigned)p->l1d_repl,
                      p->l1d_write == TM_WRITE_THROUGH, p->l1d_alloc != 0) < 0 ||
        tm_tlb_init(&c->tlb, p) < 0 || tm_bpred_init(&c->bp, p) < 0)
        goto fail;
    return c;
fail:
    core_free(c);
    return NULL;
}

int timing_system_new(const struct timing_config *cfg, unsigned ncores, const struct timing_env *env,
                      struct timing_system **out, struct msa_error *err)
{
    *out = NULL;
    if (timing_config_check(cfg, err) < 0)
        return -1;
    if (ncores == 0)
        return msa_error_set(err, "timing: a cluster needs at least one core");
    struct timing_system *s = calloc(1, sizeof *s);
    if (!s)
        return msa_error_set(err, "out of memory");
    s->cfg = *cfg;
    if (env)
        s->env = *env;
    s->ncores = ncores;
    s->cores = calloc(ncores, sizeof *s->cores);
    if (!s->cores)
        goto oom;
    const struct tm_params *p = &s->cfg.p;
    if (p->l2_size) {
        if (tm_cache_init(&s->l2, p->l2_size, (unsigned)p->l2_ways, (unsigned)p->l2_line, (unsigned)p->l2_repl,
                          p->l2_write == TM_WRITE_THROUGH, true) < 0)
            goto oom;
        s->has_l2 = true;
    }
    for (unsigned i = 0; i < ncores; i++) {
        s->cores[i] = core_new(s, i);
        if (!s->cores[i])
            goto oom;
    }
    *out = s;
    return 0;
oom:
    timing_system_free(s);
    return msa_error_set(err, "out of memory creating the cycle model");
}

void timing_system_free(struct timing_system *s)
{
    if (!s)
        return;
    if (s->cores)
        for (unsigned i = 0; i < s->ncores; i++)
            core_free(s->cores[i]);
    free(s->cores);
    if (s->has_l2)
        tm_cache_free(&s->l2);
    free(s->fn_start);
    free(s->fn_end);
    free(s);
}

struct timing_core *timing_system_core(struct timing_system *s, unsigned i)
{
    return i < s->ncores ? s->cores[i] : NULL;
}

const struct timing_config *timing_system_config(const struct timing_system *s)
{
    return &s->cfg;
}

int timing_system_set_functions(struct timing_system *s, const uint64_t *start, const uint64_t *end, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (end[i] < start[i] || (i && start[i] < end[i - 1]))
            return -1;
    uint64_t *ns = malloc((n ? n : 1) * sizeof *ns), *ne = malloc((n ? n : 1) * sizeof *ne);
    if (!ns || !ne) {
        free(ns);
        free(ne);
        return -1;
    }
    memcpy(ns, start, n * sizeof *ns);
    memcpy(ne, end, n * sizeof *ne);
    for (unsigned i = 0; i < s->ncores; i++) {
        struct timing_core *c = s->cores[i];
        struct timing_fn_stats *fs = calloc(n ? n : 1, sizeof *fs);
        if (!fs) {
            free(ns);
            free(ne);
            return -1;
        }
        free(c->fn);
        c->fn = fs;
        c->nfn = n;
        c->fn_cur = &c->fn_none;
        c->fn_misp_seen = c->st.mispredicts;
        c->fn_lo = c->fn_hi = 0;
    }
    free(s->fn_start);
    free(s->fn_end);
    s->fn_start = ns;
    s->fn_end = ne;
    s->nfn = n;
    return 0;
}
