/* The simulated machine: the platform's RAM and devices on a bus, the cores
 * of one cluster, and the deterministic scheduler that interleaves them.
 * `msasim run` builds one from options; so can an embedder. */
#ifndef MSASIM_SIM_MACHINE_H
#define MSASIM_SIM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/bus.h"
#include "sim/error.h"

struct platform;
struct ram;
struct cpu;
struct cpu_cluster;
struct mpu_pair;
struct mmu_tlb;
struct machine_mmus;
struct machine_timing;
struct stats;
struct symbols;
struct pl011;

#define MACHINE_MAX_CORES 64
#define MACHINE_MAX_UARTS 8

enum machine_profile { MACHINE_PROFILE_FROM_PLATFORM = -1, MACHINE_PROFILE_R = 0, MACHINE_PROFILE_A = 1 };

struct machine_config {
    const char *platform;        /* "virt", "fvp-r" or a DTB/DTS path */
    enum machine_profile profile;
    unsigned cores;              /* 0: as many as the device tree lists */
    unsigned mpu_regions;        /* EL2 MPU slots (profile r) */
    unsigned el1_mpu_regions;    /* EL1 MPU slots (profile r) */
    bool el1_mmu;                /* profile r: the optional EL1 MMU (MSA_frac = 2) */
    /* The cycle model (cpu/timing.h, sim/machine_timing.c): off keeps the
     * functional speed.  timing_core is a built-in core or a description
     * file (NULL: cortex-r82 on profile r, cortex-a53 on profile a);
     * timing_sets are KEY=VALUE overrides. */
    bool timing;
    const char *timing_core;
    const char *const *timing_sets;
    unsigned ntiming_sets;
    uint64_t quantum;            /* instructions per core per turn */
    /* Where program output goes (semihosting and UART): NULL means stdout. */
    void (*console)(void *ctx, const char *bytes, size_t len);
    void *console_ctx;
    /* Address ranges an embedder serves (sim/msasim.h): the platform's RAM
     * banks and UARTs inside them are left out, the embedder puts its own
     * devices on the bus there, and a RAM-path access that no bank of the
     * machine holds asks external_host_ptr (may be NULL) for a host pointer
     * before it goes to the bus. */
    const struct machine_range *external;
    unsigned nexternal;
    uint8_t *(*external_host_ptr)(void *ctx, uint64_t pa, bool write);
    /* A read of len bytes there with no side effect the run could see (no
     * device access, no statistics), for the cycle model's table walks;
     * 0, or -1 when the bytes cannot be read so.  May be NULL. */
    int (*external_peek)(void *ctx, uint64_t pa, void *buf, size_t len);
    void *external_ctx;
};

struct machine_range {
    uint64_t base, size;
};

void machine_config_default(struct machine_config *cfg);

enum machine_stop {
    MACHINE_STOP_EXIT,          /* the program asked to exit: exit_status */
    MACHINE_STOP_SYSTEM_OFF,    /* PSCI SYSTEM_OFF (status 0) */
    MACHINE_STOP_SYSTEM_RESET,  /* PSCI SYSTEM_RESET: not modelled as a reboot */
    MACHINE_STOP_LIMIT,         /* --max-insns reached */
    MACHINE_STOP_FAULT_LOOP,    /* a core repeats the same exception */
    MACHINE_STOP_DEADLOCK,      /* every core waits for something that cannot come */
    MACHINE_STOP_ALL_OFF,       /* every core powered off */
    MACHINE_STOP_REQUESTED,     /* cpu_request_stop() on the running core */
    MACHINE_STOP_CYCLE_LIMIT,   /* --max-cycles reached */
};

struct machine_result {
    enum machine_stop reason;
    int exit_status;
    unsigned core;              /* the core that caused the stop */
    uint64_t insns;             /* total over all cores */
    char message[256];          /* for people, when the stop is a failure */
};

struct machine {
    struct machine_config cfg;
    struct platform *plat;
    char profile;                /* 'r' or 'a' */
    struct ram *ram;
    struct bus bus;
    unsigned nuarts;
    struct pl011 *uarts;
    struct cpu_cluster *cluster;
    unsigned ncores;
    struct cpu *cores[MACHINE_MAX_CORES];
    struct mpu_pair *mpus;       /* profile r: one pair per core */
    struct machine_mmus *mmus;   /* profile a, or r with el1_mmu: TLBs per core */
    struct machine_timing *timing; /* the cycle model, when cfg.timing */
    struct symbols *syms;        /* of the program loaded last (may be NULL) */
    uint64_t entry;
    uint64_t total_insns;
    unsigned running_core;       /* the core machine_run is stepping now */
    struct machine_hv *hv;       /* guests under a hypervisor model (sim/machine_hv.c) */
    struct machine_gic *gic;     /* the GICv3 and its wiring (sim/machine_gic.c) */
    struct machine_el2_maps *el2maps; /* profile a: what EL2 software maps (sim/machine_el2_maps.c) */
};

/* Builds the machine described by cfg: platform, RAM banks, UARTs, cores.
 * Errors name the platform file or the option at fault. */
int machine_create(const struct machine_config *cfg, struct machine **out, struct msa_error *err);
void machine_destroy(struct machine *m);

/* Loads a bare-metal program (ELF, arm64 Image, or raw at `addr`) and points
 * core 0 at its entry, at EL2 with MMU and MPU off, as QEMU does for
 * `-kernel` with virtualization=on.  Other cores stay off until PSCI CPU_ON
 * (profile a) or start at the same entry (profile r, where the FVP releases
 * every core). */
int machine_load_program(struct machine *m, const char *path, struct msa_error *err);

/* The second half of machine_load_program, for an image that something else
 * loaded (sim/embed_load.c for RAM the embedder serves): drops decoded code
 * in [img->low, img->high), takes over img->syms and starts the cores at
 * img->entry. */
struct loaded_image;
void machine_start_program(struct machine *m, struct loaded_image *img);

/* Runs until the program stops or `max_insns` instructions in total have
 * executed (0 = no limit).  `progress` (may be NULL) is called now and then
 * with the instruction count. */
struct machine_result machine_run(struct machine *m, uint64_t max_insns,
                                  void (*progress)(void *ctx, uint64_t insns), void *ctx);

/* machine_run with a bound in cycles as well: the run also stops once the
 * machine's clock reaches `max_cycles` (0 = no limit), with
 * MACHINE_STOP_CYCLE_LIMIT.  With the cycle model on, every core runs until
 * its own count reaches the bound (cores that wait or are off stay where
 * they are): the bound is checked at each scheduling turn, and inside a turn
 * the core stops at the first instruction boundary at or past it, so a core
 * passes the bound by less than the cycles of its last instruction.  With
 * the model off a cycle is an instruction: the bound is on the instructions
 * of all cores, exactly, as max_insns is. */
struct machine_result machine_run_cycles(struct machine *m, uint64_t max_insns, uint64_t max_cycles,
                                         void (*progress)(void *ctx, uint64_t insns), void *ctx);

/* Writes the run's figures into the registry (core counts, MPU figures,
 * RAM touched) and the summary block. */
void machine_export_stats(const struct machine *m, const struct machine_result *r, struct stats *s);

const char *machine_stop_name(enum machine_stop s);

/* Profile r: gives every core its EL1 and EL2 MPU (sim/machine_mpu.c). */
int machine_attach_mpus(struct machine *m, struct msa_error *err);

/* Profile a: gives every core the VMSAv8-64 MMU (sim/machine_mmu.c).
 * Profile r with cfg.el1_mmu (after machine_attach_mpus): EL1&0 uses VMSA
 * stage 1 over the EL2 MPU whenever VTCR_EL2.MSA = 1. */
int machine_attach_mmus(struct machine *m, struct msa_error *err);
void machine_free_mmus(struct machine *m);
/* The physical address size of the cores (their PARange), in bits. */
unsigned machine_pa_bits(const struct machine *m);
/* The TLBs (and MMU statistics) of one core; NULL without an MMU. */
const struct mmu_tlb *machine_core_tlb(const struct machine *m, unsigned core);

/* The cycle model (sim/machine_timing.c): attached by machine_create when
 * cfg.timing; told when a program is loaded (its functions get cycles);
 * exports cycles, the CPI stack and per-function cycles. */
int machine_timing_attach(struct machine *m, struct msa_error *err);
void machine_timing_program_loaded(struct machine *m);
void machine_timing_export(const struct machine *m, struct stats *s);
void machine_timing_free(struct machine *m);
/* Cycles of one core: the cycle model's count with timing on, else the
 * core's instructions.  The machine's clock, machine_cycles(): the most
 * advanced core's cycles with timing on (the run's elapsed time, as the
 * statistics' summary gives it), else the instructions of all cores. */
uint64_t machine_core_cycles(const struct machine *m, unsigned core);
uint64_t machine_cycles(const struct machine *m);
/* Cycles of one core's instructions at EL2 (0 without the cycle model). */
uint64_t machine_core_el2_cycles(const struct machine *m, unsigned core);
/* For machine_run_cycles, timing on: the running core (m->running_core)
 * stops (as cpu_request_stop does) after the instruction that brings its
 * cycles to `at` or past it; 0 = never (and no cost per instruction).  machine_timing_bound_hit() then says that
 * the stop was the bound's, not a request of someone else, and forgets it. */
void machine_timing_stop_at(struct machine *m, uint64_t at);
bool machine_timing_bound_hit(struct machine *m);

/* The interrupt controller (sim/machine_gic.c): with a GICv3 in the
 * platform, machine_create puts it on the bus, wires every core's timers
 * to its PPIs and the UARTs to their SPIs, and gives the cores the GIC
 * system registers (ID_AA64PFR0_EL1.GIC = 1).  After each core's turn
 * machine_gic_poll samples the interrupt inputs; `waited` says the core
 * spent `slots` instruction slots of its turn waiting in WFI/WFE, which its
 * counter still advances by.  When no core ran in a round,
 * machine_gic_skip_idle moves time to the next timer that fires (false
 * when none will).  machine_gic gives the controller (NULL without). */
struct gicv3;
bool machine_has_gicv3(const struct machine *m);
int machine_attach_gic(struct machine *m, struct msa_error *err);
void machine_free_gic(struct machine *m);
void machine_gic_poll(struct machine *m, unsigned core, bool waited, uint64_t slots);
bool machine_gic_skip_idle(struct machine *m);
struct gicv3 *machine_gic(const struct machine *m);

/* What software running at EL2 maps (sim/machine_el2_maps.c), profile a
 * without a hypervisor model: the translation-table pages of the EL2 regime
 * and of each VMID's stage 2, each VMID's RAM and how much of it EL2 can
 * read, integrated over the cycles at EL2 (exposure).  The tables are read
 * again after a turn with a TLBI executed at EL2 (machine_el2_maps_tlbi
 * notes it) or when a core's base registers changed (machine_el2_maps_poll,
 * called after each turn). */
int machine_el2_maps_attach(struct machine *m, struct msa_error *err);
void machine_el2_maps_poll(struct machine *m);
void machine_el2_maps_tlbi(struct machine *m, const struct cpu *cpu);
/* The end of a run: what is pending is read now. */
void machine_el2_maps_finish(struct machine *m);
void machine_el2_maps_export(const struct machine *m, struct stats *s);
void machine_el2_maps_free(struct machine *m);

/* Guests under a hypervisor model (sim/machine_hv.c), profile r: the model
 * (`module`, --hv-opt `options`) is created on the machine's MPUs and RAM
 * and boots; each guest file (ELF or arm64 Image) becomes a direct-mapped
 * dom0less domain with one vCPU and a virtual PL011, loaded at its own
 * addresses; every core with a vCPU starts it at EL1 under stage 2.
 * Exceptions taken to EL2 go to the model (hv_guest_trap).  Guest console
 * output goes where the machine's console goes.  `stats` (may be NULL)
 * receives the model's figures. */
struct machine_hv_config {
    const char *module;
    const char *const *options;
    unsigned noptions;
    const char *const *guests;
    unsigned nguests;
    bool check_every_op;          /* the consistency check after every operation */
    const char *trace_out;        /* record the model's requests there (NULL: no) */
    /* With a platform that has xen,domain nodes: ADDR:FILE, the files of
     * their multiboot modules (the guests come from the tree then). */
    const char *const *modules;
    unsigned nmodules;
};
struct stats;
int machine_hv_attach(struct machine *m, const struct machine_hv_config *hc, struct stats *stats,
                      struct msa_error *err);
/* The exit status of a run that machine_run ended with `r`: the guests'
 * shutdown (poweroff 0, crash 1), or -1 when the stop was not theirs;
 * `msg` gets a line for people when the run failed. */
int machine_hv_exit_status(const struct machine *m, const struct machine_result *r, char *msg,
                           size_t len);
/* The model's figures and the guests' counters into the model's registry. */
void machine_hv_export(struct machine *m);
void machine_hv_free(struct machine *m);
/* After a core's turn: the scheduler's slice timer (CNTHP) raises the
 * core's IRQ line when it fires, as the interrupt controller would. */
void machine_hv_poll_timers(struct machine *m, unsigned core);
/* After a core stopped with a fault loop: when the loop is a guest's own
 * at EL1 (its vectors fault again), its domain is crashed (the run will
 * exit 1 saying so) and the core is taken to EL2 to run the next vCPU of
 * the core or park; true then, and the run goes on.  False when the stop
 * is not a guest's. */
bool machine_hv_guest_stuck(struct machine *m, unsigned core, uint64_t pc, unsigned el, uint32_t esr);
/* sim/machine_hv_modules.c: loads the files of the xen,domain nodes'
 * modules (`modules`: ADDR:FILE) where the tree places them; entries[d]
 * gets domain d's entry point. */
struct loaded_image;
int machine_hv_load_modules(struct machine *m, const char *const *modules, unsigned nmodules,
                            uint64_t *entries, struct msa_error *err);
/* Moves a loaded image's bytes [low, high) to `to` (checked to have
 * `room` bytes of RAM), leaving zeros behind: as a bootloader leaves a
 * module. */
int machine_hv_move_image(struct machine *m, const char *path, const struct loaded_image *img,
                          uint64_t to, uint64_t room, struct msa_error *err);
/* Writes the --trace-out file whole (nothing to do without one); a run
 * that fails before this leaves no file. */
int machine_hv_trace_finish(struct machine *m, struct msa_error *err);

#endif
