/* Translation as the cycle model sees it.  What an address maps to and how
 * it is cached comes from the machine (timing_env.xlat) and is remembered
 * per page until translation state may have changed (a simulation aid that
 * costs no cycles).  What translation costs is modelled here: for VMSA
 * regimes the TLB model (micro-TLB, main TLB, walks whose descriptor reads
 * go through the caches), for MPU regimes the optional mpu.lookup cost. */
#include <string.h>

#include "cpu/timing/internal.h"

/* Regime, ASID and VMID of the current context: the TLB tag. */
static uint64_t context_tag(struct cpu *cpu, unsigned el)
{
    if (!cpu)
        return el == 2 ? 2 : 1;
    if (el == 2)
        return 2;
    uint64_t asid = (cpu->sr[CPU_SR_TTBR0_EL1] >> 48) & 0xFFFF;
    uint64_t vmid = (cpu->sr[CPU_SR_VTTBR_EL2] >> 48) & 0xFFFF;
    return 1 | asid << 8 | vmid << 24;
}

static void tlb_cost(struct timing_core *c, struct cpu *cpu, uint64_t va, unsigned el, bool fetch)
{
    const struct tm_params *p = c->p;
    if (c->ctx_stale) {
        c->ctx_tag = context_tag(cpu, el);
        c->ctx_stale = false;
    }
    c->st.tlb_lookups++;
    if (TM_LIKELY(tm_tlb_hit_last(&c->tlb, va, c->ctx_tag, fetch)))
        return;
    enum tm_tlb_result r = tm_tlb_lookup(&c->tlb, va, c->ctx_tag, fetch);
    if (TM_LIKELY(r == TM_TLB_MICRO))
        return;
    c->st.tlb_micro_miss++;
    tm_stall(c, p->tlb_main_latency, TIMING_CPI_TLB);
    if (r == TM_TLB_MAIN)
        return;
    c->st.tlb_main_miss++;
    struct timing_xlat x;
    memset(&x, 0, sizeof x);
    unsigned shift = 12;
    uint64_t cycles = p->tlb_walk_latency;
    const struct timing_env *env = &c->sys->env;
    if (env->xlat && env->xlat(env->ctx, cpu, va, fetch, &x) == 0 && x.vmsa) {
        unsigned n = x.nwalk < TIMING_WALK_MAX ? x.nwalk : TIMING_WALK_MAX;
        for (unsigned i = 0; i < n; i++) {
            bool leaf = i + 1 == n;
            if (!leaf && tm_walkc_hit(&c->tlb, x.walk_pa[i]))
                continue;
            cycles += tm_mem_walk_read(c, x.walk_pa[i]);
            if (!leaf)
                tm_walkc_fill(&c->tlb, x.walk_pa[i]);
        }
        if (x.page_shift >= 12 && x.page_shift < 64)
            shift = x.page_shift;
    }
    tm_stall(c, cycles, TIMING_CPI_WALK);
    tm_tlb_fill(&c->tlb, va, c->ctx_tag, shift, fetch);
}

uint64_t tm_translate_slow(struct timing_core *c, struct cpu *cpu, uint64_t va, unsigned el, bool fetch,
                           enum timing_mem_type *type)
{
    uint32_t gen = c->xgen;
    uint64_t key = (va & ~0xFFFull) | (uint64_t)el << 1 | (fetch ? 1 : 0);
    struct tm_xent *e = &c->xcache[((va >> 12) ^ el ^ (fetch ? 0x80 : 0)) & (TM_XCACHE - 1)];
    struct tm_xent once;
    if (TM_UNLIKELY(e->key != key || e->gen != c->xgen)) {
        struct timing_xlat x;
        x.pa = va;
        x.type = TIMING_MEM_WB;
        x.vmsa = false;
        x.mpu = false;
        x.page_uniform = true;
        x.page_shift = 12;
        x.nwalk = 0;
        const struct timing_env *env = &c->sys->env;
        if (env->xlat && env->xlat(env->ctx, cpu, va, fetch, &x) != 0) {
            x.pa = va;
            x.type = TIMING_MEM_NC;
            x.vmsa = false;
            x.mpu = false;
            x.page_uniform = false;
        }
        struct tm_xent *dst = x.page_uniform ? e : &once;
        dst->key = key;
        dst->gen = c->xgen;
        dst->pa_page = x.pa & ~0xFFFull;
        dst->type = (uint8_t)x.type;
        dst->vmsa = x.vmsa;
        dst->mpu = x.mpu;
        dst->shift = x.page_shift;
        e = dst;
    }
    *type = (enum timing_mem_type)e->type;
    if (e->vmsa)
        tlb_cost(c, cpu, va, el, fetch);
    else if (e->mpu && c->p->mpu_lookup)
        tm_stall(c, c->p->mpu_lookup, TIMING_CPI_TLB);
    /* a repeat costs nothing unless every MPU lookup is charged; a page
     * that does not translate uniformly is looked up every time */
    struct tm_last_xlat *l = &c->last_xlat[fetch];
    if (e != &once && gen == c->xgen && !(e->mpu && c->p->mpu_lookup)) {
        l->vpage = va & ~0xFFFull;
        l->pa_page = e->pa_page;
        l->gen = gen;
        l->el = (uint8_t)el;
        l->type = e->type;
    } else {
        l->vpage = ~0ull;
    }
    return e->pa_page | (va & 0xFFF);
}
