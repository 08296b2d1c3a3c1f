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
    uint64_t quantum;            /* instructions per core per turn */
    /* Where program output goes (semihosting and UART): NULL means stdout. */
    void (*console)(void *ctx, const char *bytes, size_t len);
    void *console_ctx;
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
    struct symbols *syms;        /* of the program loaded last (may be NULL) */
    uint64_t entry;
    uint64_t total_insns;
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

/* Runs until the program stops or `max_insns` instructions in total have
 * executed (0 = no limit).  `progress` (may be NULL) is called now and then
 * with the instruction count. */
struct machine_result machine_run(struct machine *m, uint64_t max_insns,
                                  void (*progress)(void *ctx, uint64_t insns), void *ctx);

/* Writes the run's figures into the registry (core counts, MPU figures,
 * RAM touched) and the summary block. */
void machine_export_stats(const struct machine *m, const struct machine_result *r, struct stats *s);

const char *machine_stop_name(enum machine_stop s);

/* Profile r: gives every core its EL1 and EL2 MPU (sim/machine_mpu.c). */
int machine_attach_mpus(struct machine *m, struct msa_error *err);

#endif
