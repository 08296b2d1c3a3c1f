/* The cycle model on the machine's cores: installs the per-instruction hook,
 * answers the model's translation questions from the MPUs and page tables,
 * attributes cycles to the program's functions, and writes the figures into
 * the statistics.
 *
 * Translation for the model never touches what the functional side counts:
 * the MPUs are read (effective regions), not looked up, and page tables are
 * walked by a private MMU instance without TLBs, whose descriptor reads the
 * model charges through its caches.
 *
 * Memory types follow the architecture: with the MPU or MMU of a regime off,
 * data accesses are Device-nGnRnE and instruction fetches Normal (cacheable
 * when SCTLR_ELx.I is set); SCTLR_ELx.C = 0 makes Normal data
 * non-cacheable, SCTLR_ELx.I = 0 instruction fetches; otherwise the MAIR
 * attribute of the region or page decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/timing.h"
#include "mmu/mmu.h"
#include "mpu/mpu.h"
#include "sim/machine.h"
#include "sim/ram.h"
#include "sim/stats.h"
#include "sim/symbols.h"

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_BR (1ull << 17)
#define HCR_VM (1ull << 0)
#define HCR_DC (1ull << 12)
#define HCR_TGE (1ull << 27)
#define VTCR_MSA (1ull << 31)

struct machine_timing {
    struct timing_config *cfg;
    struct timing_system *sys;
    struct timing_core *core[MACHINE_MAX_CORES];
    struct mmu_tlb *walk_tlb;        /* per core, without structures: every call walks */
    unsigned nwalk_tlb;
    const struct symbols *fn_syms;   /* symbol table the functions came from */
    const char **fn_names;
    size_t nfn;
    /* machine_timing_stop_at: the running core's cycle bound (UINT64_MAX:
     * none), and whether on_insn_bounded has stopped a core for it */
    uint64_t stop_at;
    bool bound_hit;
};

/* ---- memory types ------------------------------------------------------- */

static enum timing_mem_type type_of_attr(uint8_t attr)
{
    if ((attr & 0xF0) == 0)
        return TIMING_MEM_DEVICE;
    unsigned inner = attr & 0xF;
    if (inner == 0x4 || inner == 0)
        return TIMING_MEM_NC;
    if ((inner & 0xC) == 0x0 || (inner & 0xC) == 0x8)
        return TIMING_MEM_WT;
    return TIMING_MEM_WB;
}

static uint8_t mair_byte(uint64_t mair, unsigned idx)
{
    return (uint8_t)(mair >> (8 * (idx & 7)));
}

/* SCTLR.C and SCTLR.I of the regime turn Normal memory non-cacheable. */
static enum timing_mem_type apply_enables(enum timing_mem_type t, uint64_t sctlr, bool fetch)
{
    if (t == TIMING_MEM_DEVICE)
        return t;
    if (fetch ? !(sctlr & SCTLR_I) : !(sctlr & SCTLR_C))
        return TIMING_MEM_NC;
    return t;
}

/* A translation regime that is off: data Device-nGnRnE, fetches Normal. */
static uint8_t attr_off(bool fetch)
{
    return fetch ? 0xFF : 0x00;
}

/* ---- profile r: reading the MPUs ------------------------------------------ */

/* The enabled effective region of `mpu` that holds addr; -1 for none, -2
 * for several.  *uniform: the whole 4 KiB page resolves alike. */
static int mpu_region_of(const struct mpu *mpu, uint64_t addr, bool *uniform)
{
    uint64_t page = addr & ~0xFFFull, page_end = page + 0xFFF;
    int found = -1;
    bool others_in_page = false;
    for (unsigned s = 0; s < mpu->nregions; s++) {
        if (!(mpu->effective[s].prlar & MPU_PRLAR_EN))
            continue;
        const struct mpu_region_meta *r = &mpu->meta[s];
        if (r->hi < page || r->lo > page_end)
            continue;
        if (addr >= r->lo && addr <= r->hi)
            found = found == -1 ? (int)s : -2;
        else
            others_in_page = true;
    }
    if (found >= 0) {
        const struct mpu_region_meta *r = &mpu->meta[found];
        *uniform = !others_in_page && r->lo <= page && r->hi >= page_end;
    } else {
        *uniform = false;
    }
    return found;
}

/* One PMSA stage: the attribute, or -1 when the access would fault (no
 * region, overlap).  The background map (BR = 1, privileged access of the
 * regime's own EL) is IMPLEMENTATION DEFINED; it is taken as Normal
 * non-cacheable. */
static int mpu_stage_attr(const struct mpu *mpu, uint64_t mair, uint64_t addr, bool background_ok,
                          uint8_t *attr, bool *uniform)
{
    int s = mpu_region_of(mpu, addr, uniform);
    if (s >= 0) {
        *attr = mair_byte(mair, mpu->meta[s].attrindx);
        return 0;
    }
    if (s == -1 && background_ok) {
        *attr = 0x44;
        return 0;
    }
    return -1;
}

/* ---- VMSA walks through a private MMU instance -------------------------------- */

struct walk_rec {
    struct machine *m;
    struct timing_xlat *out;
};

static int walk_read(void *ctx, uint64_t pa, uint64_t *val8)
{
    struct walk_rec *w = ctx;
    const struct machine_config *cfg = &w->m->cfg;
    uint8_t *p = ram_host_ptr(w->m->ram, pa, false);
    if (p)
        memcpy(val8, p, 8);
    else if (!cfg->external_peek || cfg->external_peek(cfg->external_ctx, pa, val8, 8) < 0)
        return 1;   /* tables in memory an embedder serves, read without side effects */
    if (w->out->nwalk < TIMING_WALK_MAX)
        w->out->walk_pa[w->out->nwalk] = pa;
    w->out->nwalk++;
    return 0;
}

/* Stage 2 of profile r's EL1 MMU, read from the EL2 MPU without looking it
 * up (the functional lookup counts). */
struct s2_ctx {
    const struct mpu *el2;
    uint64_t mair_el2;
};

static bool s2_read_only(void *ctx, const struct mmu_s2_req *req, struct mmu_s2_out *out)
{
    const struct s2_ctx *s = ctx;
    bool uniform;
    int slot = mpu_region_of(s->el2, req->ipa, &uniform);
    memset(out, 0, sizeof *out);
    if (slot < 0)
        return false;
    out->ok = true;
    out->pa = req->ipa;
    out->attr = mpu_combine_attr(req->s1_attr, mair_byte(s->mair_el2, s->el2->meta[slot].attrindx));
    out->sh = req->s1_sh;
    out->page_shift = uniform ? 12 : 0;
    return true;
}

static void control_regs(const struct machine *m, const struct cpu *cpu, bool el2, struct mmu_ctl *ctl)
{
    memset(ctl, 0, sizeof *ctl);
    if (el2) {
        ctl->regime = MMU_REGIME_EL2;
        ctl->sctlr = cpu->sr[CPU_SR_SCTLR_EL2];
        ctl->tcr = cpu->sr[CPU_SR_TCR_EL2];
        ctl->ttbr0 = cpu->sr[CPU_SR_TTBR0_EL2];
        ctl->mair = cpu->sr[CPU_SR_MAIR_EL2];
    } else {
        ctl->regime = MMU_REGIME_EL10;
        ctl->sctlr = cpu->sr[CPU_SR_SCTLR_EL1];
        ctl->tcr = cpu->sr[CPU_SR_TCR_EL1];
        ctl->ttbr0 = cpu->sr[CPU_SR_TTBR0_EL1];
        ctl->ttbr1 = cpu->sr[CPU_SR_TTBR1_EL1];
        ctl->mair = cpu->sr[CPU_SR_MAIR_EL1];
    }
    ctl->hcr = cpu->sr[CPU_SR_HCR_EL2];
    ctl->vtcr = cpu->sr[CPU_SR_VTCR_EL2];
    ctl->vttbr = m->profile == 'r' ? cpu->sr[CPU_SR_TTBR0_EL2] : cpu->sr[CPU_SR_VTTBR_EL2];
    ctl->pa_bits = m->profile == 'r' ? 40 : 44;
}

static int vmsa_xlat(struct machine *m, struct cpu *cpu, uint64_t va, bool fetch, bool el2,
                     struct timing_xlat *out)
{
    struct machine_timing *mt = m->timing;
    struct mmu_ctl ctl;
    control_regs(m, cpu, el2, &ctl);
    struct s2_ctx s2 = {NULL, 0};
    if (m->profile == 'r' && m->mpus) {
        s2.el2 = &m->mpus[cpu->id].el2;
        s2.mair_el2 = cpu->sr[CPU_SR_MAIR_EL2];
        ctl.stage2 = s2_read_only;
        ctl.stage2_ctx = &s2;
    }
    out->nwalk = 0;
    struct walk_rec w = {m, out};
    struct mmu_bus bus = {&w, walk_read};
    unsigned el = cpu->ps.el;
    struct mmu_req r = {
        .va = va,
        .type = fetch ? MMU_ACC_EXEC : MMU_ACC_READ,
        .el = (uint8_t)el,
    };
    struct mmu_result res;
    if (!mmu_translate(&mt->walk_tlb[cpu->id], &ctl, &bus, &r, &res))
        return -1;
    out->pa = res.pa;
    out->vmsa = res.hit != MMU_HIT_OFF;
    out->page_shift = res.page_shift >= 12 ? res.page_shift : 12;
    out->page_uniform = res.page_shift >= 12;
    out->type = apply_enables(type_of_attr(res.attr), ctl.sctlr, fetch);
    if (out->nwalk > TIMING_WALK_MAX)
        out->nwalk = TIMING_WALK_MAX;
    return 0;
}

static int mpu_xlat(struct machine *m, struct cpu *cpu, uint64_t va, bool fetch, struct timing_xlat *out)
{
    const struct mpu_pair *pair = &m->mpus[cpu->id];
    unsigned el = cpu->ps.el;
    uint64_t hcr = cpu->sr[CPU_SR_HCR_EL2];
    bool uniform = true, u;
    uint8_t attr;
    uint64_t sctlr;
    if (el == 2) {
        sctlr = cpu->sr[CPU_SR_SCTLR_EL2];
        if (sctlr & SCTLR_M) {
            if (mpu_stage_attr(&pair->el2, cpu->sr[CPU_SR_MAIR_EL2], va, (sctlr & SCTLR_BR) != 0, &attr,
                               &uniform) < 0)
                return -1;
            out->mpu = true;
        } else {
            attr = attr_off(fetch);
        }
    } else {
        sctlr = cpu->sr[CPU_SR_SCTLR_EL1];
        if ((sctlr & SCTLR_M) && !(hcr & HCR_TGE)) {
            if (mpu_stage_attr(&pair->el1, cpu->sr[CPU_SR_MAIR_EL1], va, el == 1 && (sctlr & SCTLR_BR), &attr,
                               &uniform) < 0)
                return -1;
            out->mpu = true;
        } else {
            attr = attr_off(fetch);
        }
        if (hcr & HCR_VM) {
            uint8_t a2;
            if (mpu_stage_attr(&pair->el2, cpu->sr[CPU_SR_MAIR_EL2], va, false, &a2, &u) < 0)
                return -1;
            attr = mpu_combine_attr(attr, a2);
            uniform = uniform && u;
            out->mpu = true;
        }
    }
    out->pa = va;
    out->vmsa = false;
    out->page_uniform = uniform;
    out->type = apply_enables(type_of_attr(attr), sctlr, fetch);
    return 0;
}

static int timing_xlat_cb(void *ctx, struct cpu *cpu, uint64_t va, bool fetch, struct timing_xlat *out)
{
    struct machine *m = ctx;
    unsigned el = cpu->ps.el;
    bool el2 = el == 2;
    uint64_t hcr = cpu->sr[CPU_SR_HCR_EL2];
    if (m->profile == 'r' && m->mpus) {
        bool el1_vmsa = !el2 && m->cfg.el1_mmu && (cpu->sr[CPU_SR_VTCR_EL2] & VTCR_MSA) &&
                        (cpu->sr[CPU_SR_SCTLR_EL1] & SCTLR_M) && !(hcr & HCR_TGE);
        if (el1_vmsa)
            return vmsa_xlat(m, cpu, va, fetch, false, out);
        return mpu_xlat(m, cpu, va, fetch, out);
    }
    uint64_t sctlr = el2 ? cpu->sr[CPU_SR_SCTLR_EL2] : cpu->sr[CPU_SR_SCTLR_EL1];
    bool on = el2 ? (sctlr & SCTLR_M) != 0
                  : ((sctlr & SCTLR_M) && !(hcr & HCR_TGE)) || (hcr & (HCR_VM | HCR_DC));
    if (on && m->timing->walk_tlb)
        return vmsa_xlat(m, cpu, va, fetch, el2, out);
    out->pa = va;
    out->vmsa = false;
    out->page_uniform = true;
    out->type = apply_enables(type_of_attr(attr_off(fetch)), sctlr, fetch);
    return 0;
}

/* ---- the hook -------------------------------------------------------------- */

static void on_insn(void *ctx, struct cpu *cpu, const struct cpu_insn_record *rec)
{
    struct machine *m = ctx;
    timing_core_insn(m->timing->core[cpu->id], cpu, rec);
}

/* The hook of a core that runs to a cycle bound (machine_timing_stop_at):
 * it stops at this instruction boundary once the bound is reached.  A stop
 * already pending (an exit, an embedder's request) is left to speak for
 * itself.  Unbounded runs keep the plain hook. */
static void on_insn_bounded(void *ctx, struct cpu *cpu, const struct cpu_insn_record *rec)
{
    struct machine *m = ctx;
    struct machine_timing *mt = m->timing;
    struct timing_core *tc = mt->core[cpu->id];
    timing_core_insn(tc, cpu, rec);
    if (timing_core_stats(tc)->cycles >= mt->stop_at && !cpu->stop_pending) {
        mt->bound_hit = true;
        cpu_request_stop(cpu);
    }
}

uint64_t machine_core_cycles(const struct machine *m, unsigned core)
{
    if (core >= m->ncores)
        return 0;
    if (!m->timing)
        return m->cores[core]->icount;
    return timing_core_stats(m->timing->core[core])->cycles;
}

uint64_t machine_core_el2_cycles(const struct machine *m, unsigned core)
{
    if (core >= m->ncores || !m->timing)
        return 0;
    return timing_core_stats(m->timing->core[core])->el2_cycles;
}

uint64_t machine_cycles(const struct machine *m)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < m->ncores; i++) {
        uint64_t c = machine_core_cycles(m, i);
        n = m->timing ? (c > n ? c : n) : n + c;
    }
    return n;
}

void machine_timing_stop_at(struct machine *m, uint64_t at)
{
    if (!m->timing)
        return;
    m->timing->stop_at = at ? at : UINT64_MAX;
    struct cpu *c = m->cores[m->running_core];
    struct cpu_hooks h = c->hooks;
    h.on_insn = at ? on_insn_bounded : on_insn;
    cpu_set_hooks(c, &h);
}

bool machine_timing_bound_hit(struct machine *m)
{
    if (!m->timing || !m->timing->bound_hit)
        return false;
    m->timing->bound_hit = false;
    return true;
}

/* Functions of the loaded program, for per-function cycles. */
static void set_functions(struct machine *m)
{
    struct machine_timing *mt = m->timing;
    if (mt->fn_syms == m->syms)
        return;
    mt->fn_syms = m->syms;
    free(mt->fn_names);
    mt->fn_names = NULL;
    mt->nfn = 0;
    size_t n = m->syms ? symbols_count(m->syms) : 0;
    uint64_t *start = malloc((n ? n : 1) * sizeof *start), *end = malloc((n ? n : 1) * sizeof *end);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    size_t k = 0;
    if (start && end && names) {
        for (size_t i = 0; i < n; i++) {
            const struct symbol *s = symbols_at(m->syms, i);
            if (s->kind != SYMBOL_FUNC)
                continue;
            uint64_t e = s->size ? s->addr + s->size : 0;
            if (!s->size) {
                /* assembly without .size: up to the next symbol */
                for (size_t j = i + 1; j < n && !e; j++)
                    if (symbols_at(m->syms, j)->addr > s->addr)
                        e = symbols_at(m->syms, j)->addr;
                if (!e)
                    e = s->addr + 4;
            }
            if (k && s->addr < end[k - 1])
                continue;   /* overlaps the previous one: keep the first */
            start[k] = s->addr;
            end[k] = e;
            names[k] = s->name;
            k++;
        }
        if (timing_system_set_functions(mt->sys, start, end, k) == 0) {
            mt->fn_names = names;
            mt->nfn = k;
            names = NULL;
        }
    }
    free(start);
    free(end);
    free(names);
}

int machine_timing_attach(struct machine *m, struct msa_error *err)
{
    const char *core = m->cfg.timing_core;
    if (!core)
        core = m->profile == 'r' ? "cortex-r82" : "cortex-a53";
    struct machine_timing *mt = calloc(1, sizeof *mt);
    if (!mt)
        return msa_error_set(err, "out of memory");
    m->timing = mt;
    mt->stop_at = UINT64_MAX;
    if (timing_config_load(core, &mt->cfg, err) < 0)
        return -1;
    for (unsigned i = 0; i < m->cfg.ntiming_sets; i++)
        if (timing_config_set(mt->cfg, m->cfg.timing_sets[i], err) < 0)
            return -1;
    if (timing_config_check(mt->cfg, err) < 0)
        return msa_error_prefix(err, "--set: ");
    struct timing_env env = {m, timing_xlat_cb};
    if (timing_system_new(mt->cfg, m->ncores, &env, &mt->sys, err) < 0)
        return -1;
    for (unsigned i = 0; i < m->ncores; i++)
        mt->core[i] = timing_system_core(mt->sys, i);
    if (m->profile == 'a' || m->cfg.el1_mmu) {
        mt->walk_tlb = calloc(m->ncores, sizeof *mt->walk_tlb);
        if (!mt->walk_tlb)
            return msa_error_set(err, "out of memory");
        struct mmu_tlb_config none;
        memset(&none, 0, sizeof none);
        for (unsigned i = 0; i < m->ncores; i++) {
            if (mmu_tlb_init(&mt->walk_tlb[i], &none, err) < 0)
                return -1;
            mt->nwalk_tlb++;
        }
    }
    for (unsigned i = 0; i < m->ncores; i++) {
        struct cpu_hooks h = m->cores[i]->hooks;
        h.on_insn = on_insn;
        h.ctx = m;
        cpu_set_hooks(m->cores[i], &h);
    }
    return 0;
}

void machine_timing_program_loaded(struct machine *m)
{
    if (m->timing)
        set_functions(m);
}

void machine_timing_free(struct machine *m)
{
    struct machine_timing *mt = m->timing;
    if (!mt)
        return;
    for (unsigned i = 0; i < mt->nwalk_tlb; i++)
        mmu_tlb_free(&mt->walk_tlb[i]);
    free(mt->walk_tlb);
    timing_system_free(mt->sys);
    timing_config_free(mt->cfg);
    free(mt->fn_names);
    free(mt);
    m->timing = NULL;
}

/* ---- statistics ----------------------------------------------------------- */

static void put(struct stats *s, const char *name, uint64_t v, const char *desc)
{
    uint64_t *c = stats_counter(s, name, desc);
    if (c)
        *c = v;
}

static void export_core(struct stats *s, unsigned i, const struct timing_stats *st)
{
    char n[96];
#define PUT(field, value, desc)                          \
    do {                                                 \
        snprintf(n, sizeof n, "cpu%u.%s", i, field);     \
        put(s, n, value, desc);                          \
    } while (0)
    PUT("cycles", st->cycles, "cycles (cycle model)");
    for (int k = 0; k < TIMING_CPI_COUNT; k++) {
        char f[48];
        snprintf(f, sizeof f, "cpi_stack.%s", timing_cpi_name((enum timing_cpi)k));
        PUT(f, st->cpi[k], "cycles charged to this category; the categories add up to the cycles");
    }
    PUT("l1i.accesses", st->l1i_access, "L1 instruction cache lookups (one per fetched line)");
    PUT("l1i.misses", st->l1i_miss, "L1 instruction cache misses");
    PUT("l1d.accesses", st->l1d_access, "L1 data cache lookups");
    PUT("l1d.misses", st->l1d_miss, "L1 data cache misses");
    PUT("l1d.writebacks", st->l1d_writeback, "dirty lines written back from the L1 data cache");
    PUT("l2.accesses", st->l2_access, "L2 lookups by this core");
    PUT("l2.misses", st->l2_miss, "L2 misses by this core");
    PUT("mem.uncached", st->uncached, "Normal non-cacheable data accesses");
    PUT("mem.device", st->device, "Device data accesses");
    PUT("mem.tcm", st->tcm, "data TCM accesses");
    PUT("coh.transfers", st->coh_transfers, "lines obtained from another core's cache");
    PUT("coh.invalidates", st->coh_invalidates, "stores that invalidated other cores' copies");
    PUT("bp.branches", st->branches, "branches executed");
    PUT("bp.conditional", st->cond_branches, "conditional branches executed");
    PUT("bp.mispredicts", st->mispredicts, "mispredicted branches");
    PUT("bp.btb_misses", st->btb_misses, "taken branches predicted without a BTB target");
    PUT("bp.ras_mispredicts", st->ras_mispredicts, "returns the return stack predicted wrongly");
    PUT("tlb.lookups", st->tlb_lookups, "TLB lookups (VMSA regimes)");
    PUT("tlb.micro_misses", st->tlb_micro_miss, "micro-TLB misses");
    PUT("tlb.main_misses", st->tlb_main_miss, "main TLB misses (walks)");
    PUT("tlb.walk_reads", st->walk_reads, "descriptor reads that reached the caches");
    PUT("events.mpu_writes", st->mpu_writes, "MPU register writes");
    PUT("events.mpu_syncs", st->mpu_syncs, "synchronizations that made MPU writes effective");
    PUT("events.isb", st->isb, "ISB");
    PUT("events.dsb", st->dsb, "DSB");
    PUT("events.dmb", st->dmb, "DMB");
    PUT("events.tlbi_local", st->tlbi_local, "local TLBI");
    PUT("events.tlbi_broadcast", st->tlbi_broadcast, "broadcast TLBI");
    PUT("events.dc", st->dc_ops, "data cache maintenance");
    PUT("events.ic", st->ic_ops, "instruction cache maintenance");
    PUT("events.exc_entries", st->exc_entries, "exception entries");
    PUT("events.exc_returns", st->exc_returns, "exception returns");
    PUT("events.wbuf_stalls", st->wbuf_stalls, "stores that found the write buffer full");
    PUT("el2_cycles", st->el2_cycles, "cycles of the instructions executed at EL2");
#undef PUT
}

static void sanitize(char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '.' || *s == '-'))
            *s = '_';
}

void machine_timing_export(const struct machine *m, struct stats *s)
{
    struct machine_timing *mt = m->timing;
    if (!mt)
        return;
    stats_meta_set(s, "timing_core", timing_config_name(mt->cfg));
    /* every parameter, so that a result can be checked against (or
     * recomputed from) the configuration that produced it */
    for (size_t k = 0; k < timing_key_count(); k++) {
        const struct timing_key_info *ki = timing_key_at(k);
        uint64_t v = 0;
        timing_config_get(mt->cfg, ki->key, &v);
        char key[96], val[64];
        snprintf(key, sizeof key, "timing.%s", ki->key);
        if (ki->words)
            snprintf(val, sizeof val, "%s", ki->words[v]);
        else
            snprintf(val, sizeof val, "%llu", (unsigned long long)v);
        stats_meta_set(s, key, val);
    }
    const struct timing_stats *busiest = NULL;
    for (unsigned i = 0; i < m->ncores; i++) {
        const struct timing_stats *st = timing_core_stats(mt->core[i]);
        if (!st->insns)
            continue;
        export_core(s, i, st);
        if (!busiest || st->cycles > busiest->cycles)
            busiest = st;
    }
    char n[STATS_NAME_MAX + 1];
    for (size_t f = 0; f < mt->nfn; f++) {
        struct timing_fn_stats sum = {0, 0, 0, 0};
        for (unsigned i = 0; i < m->ncores; i++) {
            struct timing_fn_stats one;
            timing_core_function(mt->core[i], f, &one);
            sum.cycles += one.cycles;
            sum.insns += one.insns;
            sum.mispredicts += one.mispredicts;
            sum.calls += one.calls;
        }
        if (!sum.insns)
            continue;
        snprintf(n, sizeof n, "func.%.200s.cycles", mt->fn_names[f]);
        sanitize(n);
        put(s, n, sum.cycles, "cycles spent in the function (all cores)");
        snprintf(n, sizeof n, "func.%.200s.insns", mt->fn_names[f]);
        sanitize(n);
        put(s, n, sum.insns, "instructions executed in the function (all cores)");
        snprintf(n, sizeof n, "func.%.200s.mispredicts", mt->fn_names[f]);
        sanitize(n);
        put(s, n, sum.mispredicts, "mispredicted branches in the function (all cores)");
        snprintf(n, sizeof n, "func.%.200s.calls", mt->fn_names[f]);
        sanitize(n);
        put(s, n, sum.calls, "entries at its first instruction by BL/BLR or by a branch from elsewhere (all cores)");
    }
    if (busiest) {
        /* the core that ran longest: the elapsed time of the run */
        stats_summary_set(s, "cycles", (double)busiest->cycles);
        stats_summary_set(s, "ipc", busiest->cycles ? (double)busiest->insns / (double)busiest->cycles : 0);
        for (int k = 0; k < TIMING_CPI_COUNT; k++) {
            snprintf(n, sizeof n, "cpi_stack.%s", timing_cpi_name((enum timing_cpi)k));
            stats_summary_set(s, n, (double)busiest->cpi[k]);
        }
    }
}
