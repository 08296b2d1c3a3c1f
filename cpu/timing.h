/* The cycle model (cpu/timing/): an in-order superscalar pipeline built on a
 * scoreboard of register ready times, a branch predictor, L1 I/D caches, an
 * optional shared L2, TCMs, a TLB for VMSA regimes, and named costs for the
 * events a hypervisor causes (MPU writes and their synchronization, TLBI,
 * barriers, exceptions, cache maintenance).
 *
 * It is functional-first: the core executes, and hands every instruction's
 * record (struct cpu_insn_record) to timing_core_insn(), which decodes the
 * word itself (once per PC) and advances the core's cycle count.  Nothing
 * here changes architectural state, so the counts that do not depend on time
 * are the same with the model on or off.
 *
 * The model does not know the machine: what a virtual address maps to and
 * how it is cached comes from a callback (struct timing_env), which the
 * machine answers from its MPU or MMU (sim/machine_timing.c).
 *
 * Parameters are data: a core description ("cortex-r82", "cortex-a53", built
 * in, or a file of KEY = VALUE lines) plus overrides ("l1d.size=16K").  Every
 * key is listed in cpu/timing/README.md with its meaning. */
#ifndef MSASIM_CPU_TIMING_H
#define MSASIM_CPU_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "sim/error.h"

/* ---- parameters -------------------------------------------------------- */

struct timing_config;

/* A built-in core name or the path of a core description file.  Errors name
 * the file, the line and the key. */
int timing_config_load(const char *core, struct timing_config **out, struct msa_error *err);
/* A copy of the built-in defaults (no core file); mostly for tests. */
struct timing_config *timing_config_defaults(void);
struct timing_config *timing_config_clone(const struct timing_config *cfg);
void timing_config_free(struct timing_config *cfg);

/* Overrides one parameter: "KEY=VALUE".  Numbers take 0x and K/M/G; some
 * keys take words (lru, gshare, wb, ...).  Errors name the key and what it
 * accepts.  Checks the parameter's own range only; timing_config_check()
 * checks the set as a whole (cache geometry and the like). */
int timing_config_set(struct timing_config *cfg, const char *assignment, struct msa_error *err);
int timing_config_check(const struct timing_config *cfg, struct msa_error *err);

/* The value of a key (words as their index in the key's list); -1 if the
 * key does not exist. */
int timing_config_get(const struct timing_config *cfg, const char *key, uint64_t *value);
/* The core's name ("cortex-a53", or the file name). */
const char *timing_config_name(const struct timing_config *cfg);

/* The keys, for documentation and tests. */
struct timing_key_info {
    const char *key;
    const char *doc;
    const char *const *words;   /* NULL for numbers */
};
size_t timing_key_count(void);
const struct timing_key_info *timing_key_at(size_t i);

/* Built-in core descriptions, NULL-terminated, and their text. */
const char *const *timing_builtin_core_names(void);
const char *timing_builtin_core_text(const char *name);

/* ---- what the machine tells the model ------------------------------------ */

/* How an access is cached, as the attributes in effect say. */
enum timing_mem_type {
    TIMING_MEM_WB = 0,        /* Normal, inner write-back */
    TIMING_MEM_WT,            /* Normal, inner write-through */
    TIMING_MEM_NC,            /* Normal, non-cacheable */
    TIMING_MEM_DEVICE,        /* Device */
};

#define TIMING_WALK_MAX 32

/* The translation of one access, as the machine sees it now. */
struct timing_xlat {
    uint64_t pa;
    enum timing_mem_type type;
    bool vmsa;                /* a VMSA translation: goes through the TLB model */
    bool mpu;                 /* checked by an MPU (costs mpu.lookup) */
    bool page_uniform;        /* the whole 4 KiB page translates the same way
                                 (so the model may remember it) */
    uint8_t page_shift;       /* vmsa: log2 of the block/page size */
    unsigned nwalk;           /* vmsa: descriptor reads of a walk, in order */
    uint64_t walk_pa[TIMING_WALK_MAX];
};

struct timing_env {
    void *ctx;
    /* Translation of `va` for a data access (fetch false) or an instruction
     * fetch, at the core's current EL and regime.  Must not change any
     * state the functional model reports.  Returns 0, or nonzero when the
     * access would fault (the model then treats it as non-cacheable). */
    int (*xlat)(void *ctx, struct cpu *cpu, uint64_t va, bool fetch, struct timing_xlat *out);
};

/* ---- the model ------------------------------------------------------------ */

/* CPI stack categories; the parts add up to the cycles. */
enum timing_cpi {
    TIMING_CPI_BASE = 0,     /* issue, dependencies on hits, structural hazards */
    TIMING_CPI_BRANCH,       /* mispredictions and BTB misses */
    TIMING_CPI_ICACHE,       /* instruction fetch misses, IC maintenance */
    TIMING_CPI_DCACHE,       /* data misses, write buffer, DC maintenance */
    TIMING_CPI_TLB,          /* micro-TLB misses, MPU lookups, TLBI */
    TIMING_CPI_WALK,         /* translation table walks */
    TIMING_CPI_MPU_SYNC,     /* MPU register writes and their synchronization */
    TIMING_CPI_EXCEPTIONS,   /* exception entry and return */
    TIMING_CPI_BARRIERS,     /* DSB, DMB, ISB (other than MPU synchronization) */
    TIMING_CPI_COUNT
};
const char *timing_cpi_name(enum timing_cpi c);

/* Per-core figures. */
struct timing_stats {
    uint64_t cycles;
    uint64_t insns;
    uint64_t cpi[TIMING_CPI_COUNT];
    uint64_t l1i_access, l1i_miss;
    uint64_t l1d_access, l1d_miss, l1d_writeback;
    uint64_t l2_access, l2_miss;           /* requests from this core */
    uint64_t uncached, device, tcm;        /* data accesses of those kinds */
    uint64_t coh_transfers, coh_invalidates;
    uint64_t branches, cond_branches, mispredicts, btb_misses, ras_mispredicts;
    uint64_t tlb_lookups, tlb_micro_miss, tlb_main_miss, walk_reads;
    uint64_t mpu_writes, mpu_syncs, isb, dsb, dmb, tlbi_local, tlbi_broadcast;
    uint64_t dc_ops, ic_ops, exc_entries, exc_returns, wbuf_stalls;
    uint64_t el2_cycles;                   /* cycles of instructions executed at EL2 */
};

struct timing_system;
struct timing_core;

/* The cores of one cluster (they share the L2). */
int timing_system_new(const struct timing_config *cfg, unsigned ncores, const struct timing_env *env,
                      struct timing_system **out, struct msa_error *err);
void timing_system_free(struct timing_system *sys);
struct timing_core *timing_system_core(struct timing_system *sys, unsigned i);
const struct timing_config *timing_system_config(const struct timing_system *sys);

/* Functions for cycle attribution: [start, end) ranges, sorted and not
 * overlapping.  Copied.  0 on success. */
int timing_system_set_functions(struct timing_system *sys, const uint64_t *start,
                                const uint64_t *end, size_t n);
/* What function `f` cost on core `c`. */
struct timing_fn_stats {
    uint64_t cycles, insns, mispredicts;
    /* entries at the function's first instruction by a branch with link, or
     * by a plain branch from elsewhere (a tail call) */
    uint64_t calls;
};
void timing_core_function(const struct timing_core *c, size_t f, struct timing_fn_stats *out);

/* The per-instruction entry point (cpu_hooks.on_insn). */
void timing_core_insn(struct timing_core *c, struct cpu *cpu, const struct cpu_insn_record *rec);

/* Figures so far (the stats are brought up to date by the call). */
const struct timing_stats *timing_core_stats(struct timing_core *c);

#endif
