/* The machine's contribution to the statistics registry. */
#include <stdio.h>

#include "cpu/cpu.h"
#include "mmu/mmu.h"
#include "mpu/mpu.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/stats.h"

static void export_mpu(const struct mpu *mpu, const char *prefix, uint64_t now, struct stats *s)
{
    char name[128];
    const struct mpu_stats *st = &mpu->stats;
#define COUNTER(field, value, desc)                                          \
    do {                                                                     \
        snprintf(name, sizeof name, "%s.%s", prefix, field);                 \
        uint64_t *c_ = stats_counter(s, name, desc);                         \
        if (c_)                                                              \
            *c_ = (value);                                                   \
    } while (0)
    COUNTER("regions_implemented", mpu->nregions, "region slots implemented");
    COUNTER("regions_enabled", st->enabled, "regions enabled at the end");
    COUNTER("regions_peak", st->peak, "most regions enabled at once");
    COUNTER("syncs", st->syncs, "context synchronization events");
    COUNTER("syncs_changed", st->syncs_changed, "synchronizations that changed the regions");
    COUNTER("pending_accesses", st->pending_accesses, "accesses made while a region write awaited synchronization");
    COUNTER("stale_accesses", st->stale_accesses, "of those, accesses whose outcome the pending write would change");
    COUNTER("selector_unsynced", st->selector_unsynced, "PRBAR/PRLAR accesses through an unsynchronized PRSELR");
    COUNTER("cache_misses", st->cache_misses, "lookups that missed the hit cache");
    COUNTER("background_hits", st->background_hits, "accesses served by the background map");
    for (int r = 0; r < MPU_REG_COUNT; r++) {
        char field[64];
        snprintf(field, sizeof field, "writes.%s", mpu_reg_name((enum mpu_reg)r));
        COUNTER(field, st->reg_writes[r], "register writes");
    }
    for (int stage = 0; stage < 2; stage++)
        for (int k = 1; k < MPU_FAULT_KIND_COUNT; k++) {
            char field[64];
            snprintf(field, sizeof field, "faults.stage%d.%s", stage + 1,
                     mpu_fault_kind_name((enum mpu_fault_kind)k));
            COUNTER(field, st->faults[stage][k], "faults");
        }
#undef COUNTER
    snprintf(name, sizeof name, "%s.regions_mean", prefix);
    double *g = stats_gauge(s, name, "time-weighted mean of enabled regions (over instructions)");
    if (g)
        *g = mpu_mean_enabled(mpu, now);
}

static void set_counter(struct stats *s, const char *prefix, const char *field, uint64_t value,
                        const char *desc)
{
    char name[160];
    snprintf(name, sizeof name, "%s.%s", prefix, field);
    uint64_t *c = stats_counter(s, name, desc);
    if (c)
        *c = value;
}

/* The TLBs and walks of one core (struct mmu_stats). */
static void export_mmu(const struct mmu_stats *st, const char *prefix, struct stats *s)
{
    static const char *const walk_names[MMU_WALK_KIND_COUNT] = {"s1", "s12", "s2"};
    char field[96];
    set_counter(s, prefix, "translations", st->translations,
                "translations the core asked for (its soft TLB serves repeated pages)");
    for (int l = 0; l < MMU_TLB_LEVEL_COUNT; l++) {
        const char *n = mmu_tlb_level_name((enum mmu_tlb_level)l);
        snprintf(field, sizeof field, "tlb.%s.hits", n);
        set_counter(s, prefix, field, st->hits[l], "lookups that hit");
        snprintf(field, sizeof field, "tlb.%s.misses", n);
        set_counter(s, prefix, field, st->misses[l], "lookups that missed");
        snprintf(field, sizeof field, "tlb.%s.fills", n);
        set_counter(s, prefix, field, st->fills[l], "entries written");
        snprintf(field, sizeof field, "tlb.%s.evictions", n);
        set_counter(s, prefix, field, st->evictions[l], "valid entries dropped to make room");
        snprintf(field, sizeof field, "tlb.%s.tlbi_dropped", n);
        set_counter(s, prefix, field, st->tlbi_dropped_level[l], "entries dropped by TLBI");
    }
    set_counter(s, prefix, "tlb.contig_fills", st->contig_fills,
                "entries that cover a contiguous range");
    for (int k = 0; k < MMU_WALK_KIND_COUNT; k++) {
        snprintf(field, sizeof field, "walks.%s.count", walk_names[k]);
        set_counter(s, prefix, field, st->walks[k], "table walks (s12: stage 1 nested in stage 2)");
        snprintf(field, sizeof field, "walks.%s.faults", walk_names[k]);
        set_counter(s, prefix, field, st->walk_faults[k], "walks that ended in a fault");
        snprintf(field, sizeof field, "walks.%s.reads", walk_names[k]);
        set_counter(s, prefix, field, st->walk_reads[k], "descriptor reads by those walks");
        snprintf(field, sizeof field, "walks.%s.reads_max", walk_names[k]);
        set_counter(s, prefix, field, st->walk_reads_max[k], "most descriptor reads in one walk");
    }
    set_counter(s, prefix, "stage2_calls", st->stage2_calls, "EL2 MPU checks as stage 2 (profile r)");
    for (int stage = 0; stage < 2; stage++)
        for (int k = 1; k < MMU_FAULT_KIND_COUNT; k++) {
            snprintf(field, sizeof field, "faults.stage%d.%s", stage + 1,
                     mmu_fault_kind_name((enum mmu_fault_kind)k));
            set_counter(s, prefix, field, st->faults[stage][k], "translation faults");
        }
    set_counter(s, prefix, "faults.s1ptw", st->s1ptw_faults, "stage-2 faults on a stage-1 table walk");
    /* Per-operation figures only for the operations the run used. */
    uint64_t ops = 0, dropped = 0, at_ops = 0;
    for (int op = 0; op < MMU_TLBI_COUNT; op++) {
        ops += st->tlbi_ops[op];
        dropped += st->tlbi_dropped[op];
        if (!st->tlbi_ops[op])
            continue;
        snprintf(field, sizeof field, "tlbi.%s.ops", mmu_tlbi_name((enum mmu_tlbi_op)op));
        set_counter(s, prefix, field, st->tlbi_ops[op],
                    "TLBI applied to this core (broadcasts included)");
        snprintf(field, sizeof field, "tlbi.%s.dropped", mmu_tlbi_name((enum mmu_tlbi_op)op));
        set_counter(s, prefix, field, st->tlbi_dropped[op], "entries it dropped");
    }
    set_counter(s, prefix, "tlbi.ops", ops, "TLBI applied to this core (broadcasts included)");
    set_counter(s, prefix, "tlbi.dropped", dropped, "entries dropped by TLBI");
    for (int op = 0; op < MMU_AT_COUNT; op++) {
        at_ops += st->at_ops[op];
        if (!st->at_ops[op])
            continue;
        snprintf(field, sizeof field, "at.%s", mmu_at_name((enum mmu_at_op)op));
        set_counter(s, prefix, field, st->at_ops[op], "AT instructions");
    }
    set_counter(s, prefix, "at.ops", at_ops, "AT instructions");
}

void machine_export_stats(const struct machine *m, const struct machine_result *r, struct stats *s)
{
    char name[64];
    stats_meta_set(s, "platform", m->plat->source);
    stats_meta_set(s, "profile", m->profile == 'r' ? "r" : "a");
    stats_meta_set(s, "stop", machine_stop_name(r->reason));
    for (unsigned i = 0; i < m->ncores; i++) {
        snprintf(name, sizeof name, "cpu%u.insns", i);
        *stats_counter(s, name, "instructions executed") = m->cores[i]->icount;
    }
    *stats_counter(s, "bus.mmio_reads", "device register reads") = m->bus.mmio_reads;
    *stats_counter(s, "bus.mmio_writes", "device register writes") = m->bus.mmio_writes;
    *stats_counter(s, "bus.unmapped", "accesses to addresses with nothing behind them") =
        m->bus.unmapped_accesses;
    *stats_counter(s, "ram.pages_touched", "4 KiB pages of simulated RAM allocated") =
        ram_pages_touched(m->ram);
    machine_timing_export(m, s);
    machine_el2_maps_export(m, s);
    stats_summary_set(s, "insns", (double)r->insns);
    stats_summary_set(s, "cores", m->ncores);
    stats_summary_set(s, "exit_status", r->exit_status);
    if (m->mmus) {
        uint64_t misses = 0, walks = 0, reads = 0, faults = 0;
        for (unsigned i = 0; i < m->ncores; i++) {
            const struct mmu_stats *st = &machine_core_tlb(m, i)->stats;
            snprintf(name, sizeof name, "mmu.core%u", i);
            export_mmu(st, name, s);
            misses += st->misses[MMU_TLB_MAIN];
            for (int k = 0; k < MMU_WALK_KIND_COUNT; k++) {
                walks += st->walks[k];
                reads += st->walk_reads[k];
            }
            for (int stage = 0; stage < 2; stage++)
                for (int k = 1; k < MMU_FAULT_KIND_COUNT; k++)
                    faults += st->faults[stage][k];
        }
        stats_summary_set(s, "tlb_misses", (double)misses);
        stats_summary_set(s, "walks", (double)walks);
        stats_summary_set(s, "walk_reads", (double)reads);
        stats_summary_set(s, "mmu_faults", (double)faults);
    }
    if (m->mpus) {
        unsigned peak = 0;
        uint64_t faults = 0, stale = 0;
        for (unsigned i = 0; i < m->ncores; i++) {
            const struct mpu_pair *p = &m->mpus[i];
            snprintf(name, sizeof name, "mpu.core%u.el1", i);
            export_mpu(&p->el1, name, m->cores[i]->icount, s);
            snprintf(name, sizeof name, "mpu.core%u.el2", i);
            export_mpu(&p->el2, name, m->cores[i]->icount, s);
            if (p->el2.stats.peak > peak)
                peak = p->el2.stats.peak;
            for (int st = 0; st < 2; st++)
                for (int k = 0; k < MPU_FAULT_KIND_COUNT; k++)
                    faults += p->el1.stats.faults[st][k] + p->el2.stats.faults[st][k];
            stale += p->el1.stats.stale_accesses + p->el2.stats.stale_accesses;
        }
        stats_summary_set(s, "regions_peak", peak);
        stats_summary_set(s, "regions_implemented", m->mpus[0].el2.nregions);
        stats_summary_set(s, "mpu_faults", (double)faults);
        stats_summary_set(s, "mpu_stale_accesses", (double)stale);
    }
}
