/* The A64 core: architectural state, the memory and machine interfaces it
 * needs, and the calls a machine uses to create cores and step them.
 *
 * A machine creates one `struct cpu_cluster` (state shared by every core:
 * the decode cache, the global exclusive monitor, SEV, PSCI CPU_ON), then N
 * cores in it with cpu_create(), gives each the same bus, resets them and
 * steps them in turn with cpu_run(core, quantum).  Everything is
 * deterministic: the same program and the same quanta give the same result.
 *
 * Profiles: CPU_PROFILE_A is an Armv8.0-A core of the Cortex-A57 class with
 * EL0-EL2 and an emulated EL3 firmware answering PSCI on SMC;
 * CPU_PROFILE_R is an Armv8-R AArch64 core of the Cortex-R82 class (EL0-EL2,
 * no EL3, PMSA at EL2).  The list of implemented instructions is in
 * cpu/ISA_COVERAGE.md. */
#ifndef MSASIM_CPU_CPU_H
#define MSASIM_CPU_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct cpu_cluster;
struct cpu_insn;

/* ---- memory: the bus a machine provides ------------------------------- */

/* Physical accesses leave the core through this interface.  host_ptr is the
 * RAM fast path: a host pointer for `pa`, valid up to the end of its 4 KiB
 * page, or NULL when `pa` is not RAM (then mmio_read/mmio_write are used).
 * mmio_* return 0 on success and nonzero for an external abort:
 * CPU_BUS_DECODE_ERROR (nothing at that address) or CPU_BUS_SLAVE_ERROR
 * (a device refused the access); the core reports it as a synchronous
 * external abort, with ESR.EA = 1 for a slave error only.
 * The core asks for `write` = true whenever it keeps the pointer (soft TLB,
 * decode cache), so a RAM page that is only read is still allocated; a
 * pointer obtained once must stay valid for the life of the bus.
 * Stores by the cores to decoded code are detected inside the core; the
 * RAM's own code-write flags are not needed for them. */
struct cpu_bus {
    void *ctx;
    uint8_t *(*host_ptr)(void *ctx, uint64_t pa, bool write);
    int (*mmio_read)(void *ctx, uint64_t pa, unsigned size, uint64_t *val);
    int (*mmio_write)(void *ctx, uint64_t pa, unsigned size, uint64_t val);
};
enum { CPU_BUS_OK = 0, CPU_BUS_DECODE_ERROR = 1, CPU_BUS_SLAVE_ERROR = 2 };

/* Kinds of access, as the translation regime sees them. */
enum cpu_access {
    CPU_ACC_READ = 0,
    CPU_ACC_WRITE = 1,
    CPU_ACC_EXEC = 2,
};

/* A translation request: the access as the core performs it. */
struct cpu_xlat_req {
    uint64_t va;
    enum cpu_access kind;
    unsigned size;     /* bytes */
    unsigned el;       /* EL whose permissions apply (0 for LDTR/STTR at EL1) */
    bool regime_el2;   /* true for the EL2 regime, false for EL1&0 */
};

/* A translation fault, in the terms ESR/FAR/HPFAR report it. */
struct cpu_fault {
    uint8_t stage;      /* 1 or 2 */
    int8_t level;       /* lookup level; 0 for MPU faults */
    uint8_t fsc;        /* fault status code, ESR ISS[5:0] (level included) */
    bool s1ptw;         /* stage-2 fault on a stage-1 table walk */
    bool ipa_valid;     /* HPFAR_EL2 is written from `ipa` */
    uint64_t ipa;
};

/* A translation result.  page_ok tells whether the whole 4 KiB page around
 * va has the same outcome (same PA offset, permission granted for this
 * kind), so that the core may cache it in its soft TLB; an MPU region whose
 * bounds fall inside the page must answer false. */
struct cpu_xlat {
    uint64_t pa;
    bool page_ok;
};

/* The seam where the MPU (profile r) and the MMU (profile a) plug in.
 * translate() is only called when the core decides translation may be on
 * for the regime (stage 1 enabled by SCTLR_ELx.M, or stage 2 by
 * HCR_EL2.VM); it returns 0 and fills *out, or nonzero and fills *fault.
 * sysreg_read/sysreg_write serve the encodings the core does not know
 * (MPU PRBAR/PRLAR/PRSELR/PRENR/MPUIR, GIC ICC_*): they return 0 when they
 * handled the access and nonzero to let it be UNDEFINED.  `enc` packs
 * op0:op1:CRn:CRm:op2 as CPU_SYSREG_ENC().  The core has already applied
 * the EL access rules (op1 = 4 registers need EL2, HCR_EL2.TVM/TRVM on
 * EL1 CRn = 6 MPU registers).  After a write the core flushes its soft TLB. */
struct cpu_xlat_ops {
    int (*translate)(void *ctx, struct cpu *cpu, const struct cpu_xlat_req *req,
                     struct cpu_xlat *out, struct cpu_fault *fault);
    int (*sysreg_read)(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t *val);
    int (*sysreg_write)(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t val);
    /* A context synchronization event (ISB, exception entry, exception
     * return): MPU register writes take effect here (mpu_context_sync).
     * Returns nonzero when the effective translation state changed, so the
     * core flushes its soft TLB (exceptions are frequent; a flush is not
     * free).  May be NULL. */
    int (*context_sync)(void *ctx, struct cpu *cpu);
    /* AT and TLBI as executed, after the core's access checks and traps
     * (`enc` = CPU_SYSREG_ENC(1, op1, CRn, CRm, op2), `xt` the operand).
     * For AT: 0 with *par, which the core writes to PAR_EL1; positive with
     * *fault when the AT itself takes a Data Abort (a stage-2 fault on the
     * stage-1 walk of AT S1E1x/S1E0x at EL1), which the core takes with
     * ESR.CM = 1 and WnR = 1.  For TLBI: the return value is ignored (the
     * core has already flushed the soft TLB of every core).  Negative, or
     * NULL: the core's own behaviour (AT through the current regime).  May
     * be NULL. */
    int (*sys_op)(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t xt, uint64_t *par,
                  struct cpu_fault *fault);
};

/* The GIC CPU interface a machine provides (GICv3 system registers):
 * the core hands it the ICC_*_EL1 encodings (op0 = 3, op1 = 0, CRn = 12,
 * CRm = 8..12, and ICC_PMR_EL1), ICC_SRE_EL2 and ICH_*_EL2 (op1 = 4,
 * CRn = 12, CRm = 8..13) after its EL checks.  `virt` is true for an EL1
 * access that HCR_EL2.IMO (FMO for the group-0 registers) sends to the
 * virtual interface (the ICV_* view); accesses of ICC_SGI*R_EL1 at EL1 with
 * IMO or FMO set trap to EL2 before reaching it.  Return 0 when handled,
 * nonzero to make the access UNDEFINED. */
struct cpu_gic_ops {
    int (*read)(void *ctx, struct cpu *cpu, uint32_t enc, bool virt, uint64_t *val);
    int (*write)(void *ctx, struct cpu *cpu, uint32_t enc, bool virt, uint64_t val);
};

#define CPU_SYSREG_ENC(op0, op1, crn, crm, op2) \
    ((uint32_t)(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2)))

/* ---- machine hooks --------------------------------------------------- */

/* What the cycle model (cpu/timing) gets for every executed instruction
 * when cpu_hooks.on_insn is set.  The data access fields describe the last
 * access the instruction made through the core's load/store path (pairs
 * and atomics: their first element); mem_size is 0 when it made none. */
struct cpu_insn_record {
    uint64_t pc;
    uint32_t insn;           /* the instruction word (cpu_insn_name() names it) */
    uint8_t el;              /* EL it executed at */
    bool exception;          /* it took an exception (or was an interrupt entry) */
    bool mem_write;
    uint8_t mem_size;        /* bytes, 0 = no data access */
    uint64_t mem_va;
    uint64_t next_pc;
};

/* Optional callbacks; any may be NULL. */
struct cpu_hooks {
    void *ctx;
    /* Semihosting output (SYS_WRITEC, SYS_WRITE0, SYS_WRITE): fd 1 stdout,
     * 2 stderr.  NULL: output is dropped. */
    void (*console_write)(void *ctx, struct cpu *cpu, int fd, const char *buf, size_t len);
    /* The system counter, in ticks of CNTFRQ_EL0.  NULL: the counter is the
     * core's instruction count (deterministic). */
    uint64_t (*counter)(void *ctx, struct cpu *cpu);
    /* Called after every exception entry (statistics, hypervisor models).
     * The core is already at the vector; a host-side hypervisor model may
     * handle the exception itself (read ESR_EL2, change registers) and
     * resume the interrupted code with cpu_eret(). */
    void (*on_exception)(void *ctx, struct cpu *cpu, unsigned target_el, uint32_t esr);
    /* Cache and TLB maintenance (DC, IC, TLBI, AT) as executed: op1,
     * CRn, CRm, op2 and the Xt value.  The core has already done its own
     * part (IC invalidates the decode cache, TLBI flushes the soft TLB). */
    void (*on_sys_op)(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t xt);
    /* DSB/DMB/ISB: kind is 'D', 'M' or 'I', option the CRm field. */
    void (*on_barrier)(void *ctx, struct cpu *cpu, char kind, unsigned option);
    /* Every executed instruction (functional-first timing).  Setting it
     * switches cpu_run to a slower loop that builds the records. */
    void (*on_insn)(void *ctx, struct cpu *cpu, const struct cpu_insn_record *rec);
};

/* ---- configuration --------------------------------------------------- */

enum cpu_profile { CPU_PROFILE_A = 0, CPU_PROFILE_R = 1 };

/* Optional architecture features (ID registers follow them). */
enum {
    CPU_FEAT_LSE   = 1u << 0, /* LSE atomics: CAS, CASP, LD<op>, SWP */
    CPU_FEAT_LRCPC = 1u << 1, /* LDAPR */
    CPU_FEAT_CRC32 = 1u << 2,
};

struct cpu_config {
    enum cpu_profile profile;
    uint32_t features;       /* CPU_FEAT_*; 0 = the profile's default set */
    unsigned msa_frac;       /* profile r: ID_AA64MMFR0_EL1.MSA_frac, 1 or 2 */
    bool semihosting;        /* HLT #0xF000 is a semihosting call */
    bool gicv3;              /* ID_AA64PFR0_EL1.GIC = 1: GICv3 system registers */
    unsigned fault_loop_limit; /* identical exceptions with no progress before
                                  cpu_run gives up; 0 = 64 */
};

/* ---- run control ----------------------------------------------------- */

enum cpu_stop {
    CPU_STOP_LIMIT = 0,     /* max_insns executed */
    CPU_STOP_EXIT,          /* semihosting SYS_EXIT: exit_status */
    CPU_STOP_WFI,           /* waiting for an interrupt that is not pending */
    CPU_STOP_WFE,           /* waiting for an event */
    CPU_STOP_OFF,           /* powered off (PSCI CPU_OFF, or never started) */
    CPU_STOP_SYSTEM_OFF,    /* PSCI SYSTEM_OFF */
    CPU_STOP_SYSTEM_RESET,  /* PSCI SYSTEM_RESET */
    CPU_STOP_FAULT_LOOP,    /* the same exception repeating without progress */
    CPU_STOP_REQUESTED,     /* cpu_request_stop() */
};

struct cpu_run_result {
    enum cpu_stop reason;
    uint64_t insns;         /* instructions executed by this call */
    int exit_status;        /* CPU_STOP_EXIT */
    /* CPU_STOP_FAULT_LOOP: the repeating exception (PC = ELR, EL = target). */
    uint64_t fault_pc;
    unsigned fault_el;
    uint32_t fault_esr;
};

const char *cpu_stop_name(enum cpu_stop reason);

/* ---- state ----------------------------------------------------------- */

/* System register storage slots, one per row of cpu/sysreg_list.h. */
enum cpu_sysreg_id {
#define X(name, op0, op1, crn, crm, op2, minel, flags) CPU_SR_##name,
#include "cpu/sysreg_list.h"
#undef X
    CPU_SR__COUNT
};

/* General register slots: r[0..30] are X0-X30, r[CPU_R_ZR] reads as zero
 * (the run loop clears it after every instruction, so writes to XZR vanish),
 * r[CPU_R_SP] is the stack pointer selected by PSTATE.EL/SPSel (the others
 * are banked in sp_el[]). */
enum { CPU_R_ZR = 31, CPU_R_SP = 32, CPU_NREGS = 33 };

/* PSTATE, unpacked. */
struct cpu_pstate {
    uint8_t n, z, c, v;     /* each 0 or 1 */
    uint8_t daif;           /* D A I F in bits 3..0 */
    uint8_t el;             /* 0..2 */
    uint8_t sp;             /* SPSel */
    uint8_t il;             /* illegal execution state */
    uint8_t ss;
};

/* One soft-TLB entry: va page (with the low bits clear when valid) and the
 * addend that turns a VA into a host pointer. */
struct cpu_tlb_entry {
    uint64_t vpage;
    uintptr_t addend;
};
#define CPU_TLB_SIZE 256
#define CPU_TLB_INVALID (~(uint64_t)0)

/* The local exclusive monitor. */
struct cpu_monitor {
    bool valid;
    uint64_t pa;
    unsigned size;          /* bytes covered (a pair covers both) */
};

struct cpu_irq_lines {
    bool irq, fiq;          /* physical, from the interrupt controller */
    bool virq, vfiq;        /* virtual, from the GIC virtual CPU interface */
    bool serror;
};

struct cpu {
    /* architectural state */
    uint64_t r[CPU_NREGS];
    uint64_t pc;
    struct cpu_pstate ps;
    uint64_t sp_el[3];       /* banked SP_EL0..SP_EL2 (the live one is r[CPU_R_SP]) */
    uint64_t sr[CPU_SR__COUNT];
    uint64_t v[32][2];       /* FP/SIMD registers V0-V31, low half first */
    struct cpu_monitor monitor;
    bool event_reg;          /* WFE event register */
    struct cpu_irq_lines lines;

    /* identity */
    unsigned id;             /* index in the cluster */
    uint64_t mpidr;          /* affinity value reported in MPIDR_EL1 */
    struct cpu_config cfg;

    /* run state */
    enum { CPU_RUNNING, CPU_WAIT_WFI, CPU_WAIT_WFE, CPU_POWERED_OFF } run_state;
    uint64_t icount;         /* instructions executed since reset */
    uint32_t events;         /* CPU_EV_* requests for the run loop */
    bool stop_pending;
    enum cpu_stop stop_reason;
    int exit_status;

    /* last data access (for cpu_insn_record) */
    uint64_t mem_va;
    uint8_t mem_size;
    bool mem_write;

    /* fault-loop detection */
    uint64_t last_exc_elr;
    uint32_t last_exc_esr;
    unsigned last_exc_el;
    uint64_t icount_ctx;     /* icount at the last exception entry or return */
    unsigned exc_repeats;

    /* the machine's side */
    struct cpu_bus bus;
    struct cpu_hooks hooks;
    const struct cpu_xlat_ops *xlat;
    void *xlat_ctx;
    const struct cpu_gic_ops *gic;
    void *gic_ctx;
    struct cpu_cluster *cluster;

    /* internal caches (cpu/mem.c, cpu/run.c); never touched outside cpu/ */
    struct cpu_tlb_entry tlb_r[3][CPU_TLB_SIZE];  /* per EL */
    struct cpu_tlb_entry tlb_w[3][CPU_TLB_SIZE];
    struct cpu_itlb_entry {
        uint64_t vpage;
        struct cpu_insn *page;   /* decoded entries of the physical page */
    } itlb[3][CPU_TLB_SIZE];
};

/* Run-loop requests (cpu->events). */
enum {
    CPU_EV_REFETCH = 1u << 0,   /* drop the cached fetch page */
    CPU_EV_IRQ     = 1u << 1,   /* re-evaluate pending interrupts */
    CPU_EV_STOP    = 1u << 2,   /* stop_pending is set */
    CPU_EV_ILLEGAL = 1u << 3,   /* PSTATE.IL set: next instruction is illegal */
};

/* ---- lifecycle ------------------------------------------------------- */

struct cpu_cluster *cpu_cluster_create(enum cpu_profile profile);
void cpu_cluster_destroy(struct cpu_cluster *cl);

/* Creates core number `id` of the cluster.  `mpidr` is its affinity value
 * (Aff2:Aff1:Aff0) as MPIDR_EL1 reports it and PSCI CPU_ON names it.  The
 * core stays powered off (cpu_run returns CPU_STOP_OFF) until cpu_reset or
 * a PSCI CPU_ON starts it.  cfg may be NULL for the profile defaults; the
 * features of the last core created with a nonzero cfg->features apply to
 * the whole cluster (they share the decode cache).  Returns NULL on
 * allocation failure or a profile mismatch with the cluster. */
struct cpu *cpu_create(struct cpu_cluster *cl, unsigned id, uint64_t mpidr,
                       const struct cpu_config *cfg, const struct cpu_bus *bus);
void cpu_destroy(struct cpu *cpu);
unsigned cpu_cluster_count(const struct cpu_cluster *cl);
struct cpu *cpu_cluster_core(struct cpu_cluster *cl, unsigned i);

void cpu_set_hooks(struct cpu *cpu, const struct cpu_hooks *hooks);
void cpu_set_xlat(struct cpu *cpu, const struct cpu_xlat_ops *ops, void *ctx);
void cpu_set_gic(struct cpu *cpu, const struct cpu_gic_ops *ops, void *ctx);

/* Architectural reset: EL2h, DAIF masked, registers zero, PC = entry,
 * system registers at their reset values; the core is running. */
void cpu_reset(struct cpu *cpu, uint64_t entry);

/* ---- running --------------------------------------------------------- */

/* Executes up to max_insns instructions and says why it stopped. */
struct cpu_run_result cpu_run(struct cpu *cpu, uint64_t max_insns);

/* Asks a running core to stop at the next instruction boundary (from a
 * device callback during cpu_run). */
void cpu_request_stop(struct cpu *cpu);

/* Interrupt inputs; a change is seen at the next instruction boundary and
 * wakes a core waiting in WFI/WFE. */
void cpu_set_irq_lines(struct cpu *cpu, const struct cpu_irq_lines *lines);
/* SEV from outside (or a monitor clear): sets the event register. */
void cpu_send_event(struct cpu *cpu);

/* Timer outputs: bit 0 EL1 physical (CNTP), bit 1 virtual (CNTV), bit 2
 * EL2 physical (CNTHP), bit 3 secure EL2 physical (CNTHPS, profile r); the
 * interrupt controller polls them. */
unsigned cpu_timer_lines(struct cpu *cpu);
/* Counter ticks until the next enabled, unmasked timer of the core fires
 * (timers that already fired do not count), or UINT64_MAX when none will:
 * what a machine needs to let time pass while every core waits. */
uint64_t cpu_timer_ticks_to_fire(struct cpu *cpu);

/* ---- state access for machines, loaders and hypervisor models --------- */

uint64_t cpu_get_x(const struct cpu *cpu, unsigned n);   /* n 0..30, 31 = SP */
void cpu_set_x(struct cpu *cpu, unsigned n, uint64_t v);
uint64_t cpu_get_pc(const struct cpu *cpu);
void cpu_set_pc(struct cpu *cpu, uint64_t pc);
unsigned cpu_current_el(const struct cpu *cpu);
/* PSTATE as SPSR packs it (NZCV, DAIF, IL, M[3:0]). */
uint64_t cpu_get_pstate(const struct cpu *cpu);
/* Reads/writes a system register by encoding with EL2 privilege and no
 * traps (for loaders and host-side hypervisor models); 0 on success. */
int cpu_sysreg_get(struct cpu *cpu, uint32_t enc, uint64_t *val);
int cpu_sysreg_set(struct cpu *cpu, uint32_t enc, uint64_t val);
const char *cpu_sysreg_name(uint32_t enc);

/* Performs an exception return from the current EL (ERET, with its
 * illegal-return checks) as if the code at the vector had executed one. */
void cpu_eret(struct cpu *cpu);

/* Flushes the soft TLB (after an external change to translation state). */
void cpu_tlb_flush(struct cpu *cpu);
/* Drops decoded instructions of [pa, pa+len) in the whole cluster: call it
 * when something other than a core writes code (loaders, DMA, hv models).
 * Stores by the cores themselves are handled inside. */
void cpu_cluster_code_written(struct cpu_cluster *cl, uint64_t pa, uint64_t len);

/* Reads memory through the core's current translation, as a privileged
 * access of the current EL, without faulting; 0 on success (semihosting,
 * debuggers). */
int cpu_read_virt(struct cpu *cpu, uint64_t va, void *buf, size_t len);

/* The name of the instruction (pattern) that encodes `insn`, or "undefined". */
const char *cpu_insn_name(uint32_t insn);

#endif
