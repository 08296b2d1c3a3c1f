/* The machine's contribution to the statistics registry. */
#include <stdio.h>

#include "cpu/cpu.h"
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
    stats_summary_set(s, "insns", (double)r->insns);
    stats_summary_set(s, "cores", m->ncores);
    stats_summary_set(s, "exit_status", r->exit_status);
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
