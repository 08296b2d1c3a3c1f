/* What a report shows, taken from a statistics registry.  Figures are found
 * by their conventional names (sim/STATS_SCHEMA.md, "Names the report
 * reads"), so the text and HTML reports show the same things, and a figure
 * that was not measured is told apart from one that is zero.
 *
 * Time series are reduced to a fixed number of cells (one per text column or
 * per chart pixel) before drawing, so the output size depends on the chart,
 * not on how long the run was. */
#ifndef MSASIM_SIM_REPORT_MODEL_H
#define MSASIM_SIM_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/stats.h"

#define REPORT_MAX_CORES 64
#define REPORT_MAX_SLOTS 256
/* A slot timeline value is owner + REPORT_OWNER_STRIDE x domain index. */
#define REPORT_OWNER_STRIDE 16

/* One core's EL2 MPU region figures; NAN where the run did not record one. */
struct report_core {
    unsigned core;
    double now, peak, mean, headroom, boot_peak, runtime_peak, failures;
    const struct stats_series *pressure;                /* regions over cycles */
    const struct stats_series *slot[REPORT_MAX_SLOTS];  /* holder over cycles */
    unsigned slots_used;
};

/* The parts a hypervisor operation's cycles break down into. */
enum report_cost_part {
    REPORT_COST_MPU,
    REPORT_COST_BARRIER,
    REPORT_COST_TLBI,
    REPORT_COST_CACHE,
    REPORT_COST_MEM,
    REPORT_COST_SYSREG,
    REPORT_COST_SW,
    REPORT_COST_PARTS
};
extern const char *const report_cost_part_names[REPORT_COST_PARTS];

struct report_op {
    char name[64];
    uint64_t count, failures, cycles;
    uint64_t part[REPORT_COST_PARTS];
    uint64_t mpu_writes, barriers, tlbi, cache_ops;
    const struct stats_hist *hist; /* cycles of each operation; may be NULL */
};

struct report_pair {
    char from[64], to[64];
    double byte_cycles;
};

struct report_named {
    char name[128];
    double value, extra; /* functions: cycles, instructions (NAN if absent) */
    double calls;        /* functions: calls (NAN if absent) */
};

/* A VM whose tables an observer read at EL2 (el2maps.vmidN.*, profile a
 * runs of a real hypervisor); NAN where absent. */
struct report_vm {
    char name[32];                       /* "vmid1" */
    double ram, readable, readable_peak, s2_pages, byte_cycles;
};

/* TLB maintenance of one kind (mmu.coreN.tlbi.KIND.ops): as each core
 * received it (broadcasts count on every core they reach). */
struct report_tlbi {
    char kind[24];                       /* "VAE2IS" */
    uint64_t per_core[REPORT_MAX_CORES];
    uint64_t total;
};

struct report_exposure_series {
    char label[64];
    const struct stats_series *series;
};

struct report_model {
    const struct stats *s;
    char title[160];
    double implemented;                  /* EL2 regions per core; NAN unknown */
    uint64_t end_cycle;                  /* the end of every time axis */
    bool from_hv;                        /* figures from the hypervisor model */
    unsigned ncores;
    struct report_core core[REPORT_MAX_CORES];
    const struct stats_series *phase;    /* 0 boot, 1 runtime */
    size_t nops;
    struct report_op *ops;               /* by total cycles, largest first */
    size_t nexposure;
    struct report_exposure_series exposure[REPORT_MAX_CORES + 1];
    size_t npairs;
    struct report_pair *pairs;
    size_t ncpi;
    struct report_named *cpi;            /* summary cpi_stack.*, in order */
    size_t nfuncs;
    struct report_named *funcs;          /* by cycles, largest first */
    size_t nvms;
    struct report_vm *vms;               /* by name */
    size_t ntlbi;
    struct report_tlbi *tlbi;            /* by total, largest first */
    unsigned tlbi_cores;                 /* cores that appear in `tlbi` */
    double el2_table_pages;              /* el2maps.el2.table_pages; NAN absent */
};

/* Whether the function at rank `i` (m->funcs order) is shown: one of the
 * first `top`, or a name containing one of the comma-separated words of
 * `pick` (may be NULL). */
bool report_function_shown(const struct report_model *m, size_t i, size_t top, const char *pick);

/* Fills `m` from `s` (which must outlive it).  -1 when out of memory. */
int report_model_build(const struct stats *s, struct report_model *m);
void report_model_release(struct report_model *m);

/* The cycle the runtime phase began (hv.phase turned 1); 0 when the run
 * has no phases or never left boot. */
uint64_t report_runtime_start(const struct report_model *m);

/* "hv_text", "guest_stage2 domU1", "free": who a timeline value stands for. */
void report_holder_label(const struct report_model *m, unsigned code, char *buf, size_t len);
/* The owner part of a timeline value ("hv_text", ...). */
const char *report_owner_name(unsigned code);

/* How a slot was used over [0, end): cycles held (an estimate when the
 * series was downsampled and mixed holders: `approx`), holder changes, and
 * the distinct holders seen. */
struct report_slot_usage {
    double held;
    bool approx;
    uint64_t changes;
    unsigned nholders;
    unsigned holders[8];
    bool more_holders;
};
void report_slot_usage(const struct stats_series *s, uint64_t end, struct report_slot_usage *u);

/* A slot timeline cut into `n` equal cells over [t0, t1): the holder that
 * held the cell longest (0 when free throughout), the fraction of the cell
 * it held, and whether other holders held part of it too. */
struct report_holder_cell {
    unsigned code;
    double held;  /* 0..1 */
    bool several;
};
void report_holder_cells(const struct stats_series *s, uint64_t t0, uint64_t t1, size_t n,
                         struct report_holder_cell *cells);

/* A series cut into `n` equal cells: min, max and time-weighted mean of the
 * value inside each cell; `has` is false for cells before the first point. */
struct report_value_cell {
    bool has;
    double min, max, mean;
};
void report_value_cells(const struct stats_series *s, uint64_t t0, uint64_t t1, size_t n,
                        struct report_value_cell *cells);

/* A gauge or counter by name as a double; NAN when absent. */
double report_figure(const struct stats *s, const char *name);
/* A summary value; NAN when absent. */
double report_summary(const struct stats *s, const char *key);

#endif
