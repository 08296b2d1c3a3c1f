/* The machine's contribution to the statistics registry. */
#include <stdio.h>

#include "cpu/cpu.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/stats.h"

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
}
