/* The hypervisor model: a memory manager plugged in behind a versioned
 * interface, and the core that drives it through a boot.
 *
 * Two halves live here.
 *
 * 1. The plug-in interface (struct hv_module_ops).  A module is freestanding
 *    C: no stdio, no malloc, no mutable globals.  The core hands it a state
 *    buffer of `state_size` bytes (zeroed, aligned for any type) and a
 *    hardware-access layer (hv/hal.h) through which it does everything that
 *    touches hardware.  Built-in modules are registered by name; others are
 *    shared objects that export
 *
 *        const struct hv_module_ops msasim_hv_module = { HV_API_VERSION, ... };
 *
 *    The core refuses a module whose api_version differs from
 *    HV_API_VERSION.  Every operation returns 0 or a negative enum hv_err and,
 *    on error, says why through hal->ops->errorf.
 *
 * 2. The run-time API (struct hv): build the model from a platform, run the
 *    boot path (Xen's start_xen order: architecture boot, device drivers,
 *    secondary CPUs, dom0less domains, end of boot, the first context
 *    switches), and read the region layout, the consistency check and the
 *    statistics.  `msasim boot` is a thin front end; `msasim run --hv` will
 *    call the same functions when guests execute.
 *
 * Addresses are physical: PMSA maps flat (VA == IPA == PA). */
#ifndef MSASIM_HV_HV_H
#define MSASIM_HV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#if __STDC_HOSTED__
#include <stdio.h>
#endif

#include "sim/error.h"

#define HV_API_VERSION 1
/* The symbol a shared-object module exports (a struct hv_module_ops). */
#define HV_MODULE_SYMBOL "msasim_hv_module"

#define HV_MAX_CORES 64
#define HV_MAX_DOMAINS 32
#define HV_MAX_VCPUS 64
/* The hypervisor's own domain id in reports and owner tags. */
#define HV_DOMID_XEN 0x7FF2u     /* DOMID_XEN */
#define HV_DOMID_FIRST 1         /* dom0less domUs are numbered from 1 */
#define HV_ALL_CORES 0xFFFFFFFFu /* a mapping every online core gets */

struct hv_hal;

/* Negative return values of module operations.  The core turns them into
 * exit statuses: BADCFG is bad input (2); NOSPC is a region-exhaustion event
 * (1 when the run stops on exhaustion); the others are failures of the
 * simulated hypervisor (1). */
enum hv_err {
    HV_OK = 0,
    HV_ERR_INVAL = -1,    /* refused request: overlap, misalignment, W+X, ... */
    HV_ERR_NOSPC = -2,    /* no free MPU region (or table entry) */
    HV_ERR_NOTSUP = -3,   /* the module does not implement the operation */
    HV_ERR_BADCFG = -4,   /* the platform or an option cannot be used */
    HV_ERR_FAULT = -5,    /* a hypervisor access faulted on the MPU */
    HV_ERR_INTERNAL = -6,
};

/* ---- Mapping flags (Xen's PAGE_HYPERVISOR_* in spirit) ------------------ */

#define HV_MAP_PRESENT   (1u << 0)  /* without it the request removes a mapping */
#define HV_MAP_WRITE     (1u << 1)
#define HV_MAP_EXEC      (1u << 2)
#define HV_MAP_GUEST     (1u << 3)  /* stage 2: EL1&0 may access (AP[0] = 1) */
#define HV_MAP_ATTR_SHIFT 8
#define HV_MAP_ATTR_MASK (7u << HV_MAP_ATTR_SHIFT)
#define HV_MAP_ATTR(idx) (((uint32_t)(idx) & 7u) << HV_MAP_ATTR_SHIFT)
#define HV_MAP_ATTR_OF(flags) (((flags) >> HV_MAP_ATTR_SHIFT) & 7u)

/* Memory attribute indexes in Xen's MAIR_EL2 (HV_MAIR_EL2). */
enum hv_mem_attr {
    HV_ATTR_DEVICE_nGnRnE = 0,   /* 0x00 */
    HV_ATTR_NORMAL_NC = 1,       /* 0x44: write-combining */
    HV_ATTR_NORMAL_WT = 2,       /* 0xAA */
    HV_ATTR_NORMAL_WB = 3,       /* 0xEE */
    HV_ATTR_DEVICE_nGnRE = 4,    /* 0x04 */
    HV_ATTR_NORMAL = 7,          /* 0xFF: write-back read/write-allocate */
};
#define HV_MAIR_EL2 0xFF000004EEAA4400ull

#define HV_MAP_HYPERVISOR_RW (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_ATTR(HV_ATTR_NORMAL))
#define HV_MAP_HYPERVISOR_RO (HV_MAP_PRESENT | HV_MAP_ATTR(HV_ATTR_NORMAL))
#define HV_MAP_HYPERVISOR_RX (HV_MAP_PRESENT | HV_MAP_EXEC | HV_MAP_ATTR(HV_ATTR_NORMAL))
#define HV_MAP_HYPERVISOR_WC (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_ATTR(HV_ATTR_NORMAL_NC))
#define HV_MAP_HYPERVISOR_NOCACHE \
    (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_ATTR(HV_ATTR_DEVICE_nGnRE))
/* Guest stage 2 (p2m types ram_rw and mmio_direct_dev). */
#define HV_MAP_GUEST_RAM \
    (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_EXEC | HV_MAP_GUEST | HV_MAP_ATTR(HV_ATTR_NORMAL))
#define HV_MAP_GUEST_DEVICE \
    (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_GUEST | HV_MAP_ATTR(HV_ATTR_DEVICE_nGnRE))

/* Who a region serves, for region-pressure reports.  The values equal
 * enum mpu_owner (mpu/mpu.h); the core checks that at build time. */
enum hv_owner {
    HV_OWNER_NONE = 0,
    HV_OWNER_TEXT,
    HV_OWNER_RODATA,
    HV_OWNER_DATA,
    HV_OWNER_HEAP,
    HV_OWNER_DEVICE,
    HV_OWNER_TRANSIENT,
    HV_OWNER_GUEST,
    HV_OWNER_OTHER,     /* device tree, boot modules, a map of all RAM, ... */
    HV_OWNER_COUNT
};

/* ---- What the module is told about the machine -------------------------- */

struct hv_range {
    uint64_t base;
    uint64_t size;
};

enum hv_blob_kind {
    HV_BLOB_KERNEL,
    HV_BLOB_RAMDISK,
    HV_BLOB_DEVICE_TREE,  /* a passthrough device-tree fragment */
    HV_BLOB_OTHER,
};

/* A boot module (multiboot,*): where the bootloader left it. */
struct hv_blob {
    enum hv_blob_kind kind;
    const char *name;        /* node name, e.g. "module@11000000" */
    uint64_t base;
    uint64_t size;
};

/* An MMIO range given to a domain (--hv-opt device=DOMAIN:BASE+SIZE, or the
 * GICv2 virtual CPU interface of a direct-mapped domain). */
struct hv_device {
    const char *what;
    uint64_t base;
    uint64_t size;
};

/* A dom0less domain (a /chosen node compatible with "xen,domain"). */
struct hv_domain_info {
    uint32_t domid;
    const char *name;                /* node name, e.g. "domU1" */
    unsigned nvcpus;
    const unsigned *vcpu_core;       /* [nvcpus]: the core each vCPU runs on */
    const unsigned *vcpu_id;         /* [nvcpus]: the global vCPU index */
    const struct hv_range *static_mem;
    unsigned nstatic_mem;
    uint64_t memory_kib;
    bool direct_map;
    bool el1_mmu;                    /* v8r_el1_msa = "mmu" */
    bool vpl011;
    const struct hv_blob *modules;
    unsigned nmodules;
    const struct hv_device *devices;
    unsigned ndevices;
};

/* Everything the architecture boot needs.  Pointers stay valid for the
 * lifetime of the struct hv, so a module may keep them. */
struct hv_boot_info {
    const char *source;              /* platform file (for error messages) */
    unsigned ncores;
    const struct hv_range *ram;      /* banks, sorted */
    unsigned nram;
    const struct hv_range *reserved; /* /reserved-memory and /memreserve/ */
    unsigned nreserved;
    const struct hv_range *static_heap;  /* xen,static-heap banks */
    unsigned nstatic_heap;
    const struct hv_blob *boot_modules;  /* every module: /chosen and domains' */
    unsigned nboot_modules;
    struct hv_range fdt;             /* where the bootloader left the device tree */
    struct hv_range console_uart;    /* size 0: none */
    unsigned gic_version;            /* 0 none, 2, 3 */
    struct hv_range gic_dist;
    const struct hv_range *gic_redist;
    unsigned ngic_redist;
    struct hv_range gic_cpu, gic_hyp, gic_vcpu;
    const struct hv_domain_info *domains;
    unsigned ndomains;
};

/* The vCPU a core switches to: domain index (into hv_boot_info.domains) and
 * vCPU number, or domain = -1 for the idle vCPU. */
struct hv_vcpu_ref {
    int domain;
    unsigned vcpu;
};

/* One mapping request: Xen's xen_mpumap_update(base, base + size, flags).
 * Without HV_MAP_PRESENT the request removes the mapping. */
struct hv_map_req {
    unsigned core;           /* a core, or HV_ALL_CORES */
    uint64_t base;
    uint64_t size;
    uint32_t flags;
    enum hv_owner owner;     /* tags a region the request creates */
    uint32_t domid;          /* HV_DOMID_XEN for the hypervisor's own */
    const char *purpose;     /* a string that outlives the model */
};

/* A trap from a guest (declared for `run --hv`; the boot path has none). */
struct hv_trap {
    unsigned core;
    unsigned vcpu;
    uint32_t esr;
    uint64_t far;
    uint64_t hpfar;
    uint64_t *regs;          /* x0..x30 of the trapping vCPU */
    uint64_t elr;
    uint64_t spsr;           /* the vCPU's PSTATE when it trapped (SPSR_EL2) */
};

enum hv_trap_result {
    HV_TRAP_HANDLED = 0,     /* resume the guest at regs/elr */
    HV_TRAP_UNHANDLED = 1,   /* the module does not handle this trap */
};

/* One region of the layout, as the module describes it. */
struct hv_region_info {
    int slot;                /* MPU slot, -1 when not loaded right now */
    unsigned core;           /* the core whose MPU holds it (slot >= 0) */
    uint64_t base;
    uint64_t limit;          /* last byte, inclusive (PRLAR semantics) */
    uint64_t prbar, prlar;   /* as programmed (PRLAR.EN included) */
    enum hv_owner owner;
    uint32_t domid;
    unsigned refcount;
    const char *purpose;
};

typedef void (*hv_region_fn)(void *ctx, const struct hv_region_info *r);

/* The module's own idea of one MPU slot, for the consistency checker. */
struct hv_shadow_slot {
    bool in_use;             /* allocated in the module's table */
    bool expect_enabled;     /* the module believes hardware has EN = 1 */
    uint64_t prbar, prlar;   /* what it believes was written */
};

/* Documentation of one module option (for --help and error messages). */
struct hv_option_doc {
    const char *key;
    const char *values;      /* e.g. "first-fit|reserved=N|prenr" */
    const char *defval;
    const char *help;
};

struct hv_module_ops {
    uint32_t api_version;            /* HV_API_VERSION: checked first */
    const char *name;
    const char *description;
    char profile;                    /* 'r', 'a', or 0 for either */
    size_t state_size;
    const struct hv_option_doc *options;  /* ends with a NULL key; may be NULL */

    /* Before boot, once per --hv-opt KEY=VALUE (not the cost.* ones). */
    int (*set_option)(void *state, struct hv_hal *hal, const char *key, const char *value);
    /* Architecture boot on the boot CPU (core 0): the boot-time layout,
     * early device-tree map and heap setup. */
    int (*boot)(void *state, struct hv_hal *hal, const struct hv_boot_info *info);
    /* Bring a secondary core online (its MPU starts disabled). */
    int (*cpu_up)(void *state, struct hv_hal *hal, unsigned core);
    /* Map or unmap a hypervisor range (map_pages_to_xen, ioremap,
     * destroy_xen_mappings, modify_xen_mappings). */
    int (*map)(void *state, struct hv_hal *hal, const struct hv_map_req *req);
    /* Map one page of any domain for the hypervisor; *va receives the
     * address to use (== pa under PMSA). */
    int (*map_domain_page)(void *state, struct hv_hal *hal, unsigned core, uint64_t pa,
                           uint64_t *va);
    int (*unmap_domain_page)(void *state, struct hv_hal *hal, unsigned core, uint64_t va);
    /* Domain construction: VMID, p2m table. */
    int (*create_domain)(void *state, struct hv_hal *hal, const struct hv_domain_info *dom);
    /* Add (flags with HV_MAP_PRESENT) or remove a stage-2 mapping of domain
     * `domain` (index into hv_boot_info.domains): gpa -> pa. */
    int (*p2m_update)(void *state, struct hv_hal *hal, int domain, uint64_t gpa, uint64_t pa,
                      uint64_t size, uint32_t flags, const char *purpose);
    /* End of boot: free init memory, tighten permissions. */
    int (*finish_boot)(void *state, struct hv_hal *hal);
    int (*context_switch)(void *state, struct hv_hal *hal, unsigned core,
                          const struct hv_vcpu_ref *prev, const struct hv_vcpu_ref *next);
    /* Returns enum hv_trap_result, or a negative enum hv_err. */
    int (*handle_trap)(void *state, struct hv_hal *hal, struct hv_trap *trap);

    /* Every region the layout defines: loaded ones per core, and stage-2
     * regions that are not loaded anywhere (slot -1). */
    void (*regions)(const void *state, hv_region_fn fn, void *ctx);
    /* The module's view of one slot of a core's EL2 MPU. */
    void (*shadow)(const void *state, unsigned core, unsigned slot, struct hv_shadow_slot *out);
};

/* ---- Modules ------------------------------------------------------------ */

/* A built-in module by name; NULL when there is none. */
const struct hv_module_ops *hv_find_module(const char *name);
/* Names of the built-ins: i = 0, 1, ... until NULL. */
const char *hv_builtin_name(size_t i);

/* Resolve --hv: a built-in name, or a path to a shared object (anything
 * with a '/' or ending in ".so").  Checks the API version and the mandatory
 * operations.  *handle receives the dlopen handle (NULL for a built-in);
 * release it with hv_module_release. */
int hv_module_resolve(const char *name, const struct hv_module_ops **ops, void **handle,
                      struct msa_error *err);
void hv_module_release(void *handle);

/* ---- Operation kinds (cost accounting) ---------------------------------- */

enum hv_op {
    HV_OP_BOOT = 0,          /* the module's architecture boot (composite) */
    HV_OP_BOOT_REGIONS,      /* head.S: regions programmed before C code */
    HV_OP_EARLY_FDT_MAP,
    HV_OP_SETUP_MM,
    HV_OP_CPU_UP,
    HV_OP_MAP,               /* map_pages_to_xen */
    HV_OP_UNMAP,             /* destroy_xen_mappings */
    HV_OP_MODIFY,            /* modify_xen_mappings */
    HV_OP_IOREMAP,
    HV_OP_IOUNMAP,
    HV_OP_COPY_FROM_PADDR,   /* composite: map, copy, unmap */
    HV_OP_MAP_DOMAIN_PAGE,
    HV_OP_UNMAP_DOMAIN_PAGE,
    HV_OP_CREATE_DOMAIN,
    HV_OP_P2M_UPDATE,
    HV_OP_LOAD_DOMAIN,       /* composite: kernel, ramdisk and DTB copied in */
    HV_OP_FINISH_BOOT,
    HV_OP_FREE_INIT_MEMORY,
    HV_OP_CONTEXT_SWITCH,
    HV_OP_P2M_RESTORE,       /* a stage-2 region inserted at switch-in */
    HV_OP_P2M_SAVE,          /* a stage-2 region removed at switch-out */
    HV_OP_PRENR_SWITCH,      /* guest regions toggled through PRENR */
    HV_OP_EL1_MPU_SAVE,
    HV_OP_EL1_MPU_RESTORE,
    HV_OP_TRAP,
    HV_OP_COUNT
};

const char *hv_op_name(enum hv_op op);
/* True for the kinds that change a mapping (the "map_ops" of the summary). */
bool hv_op_is_map(enum hv_op op);
const char *hv_owner_name(enum hv_owner owner);

/* ---- Cycle costs (assumptions until the timing model lands) ------------- */

/* Cycles charged per hardware operation.  Defaults are assumptions for an
 * 8-stage in-order core (Cortex-R82 class; no published latencies exist,
 * see the reference notes): settable with --hv-opt cost.NAME=CYCLES. */
struct hv_costs {
    uint64_t msr_mpu;        /* MSR to an MPU register (PRSELR/PRBAR/PRLAR/PRENR) */
    uint64_t mrs_mpu;        /* MRS from an MPU register */
    uint64_t msr_sysreg;     /* MSR to another system register (VSCTLR, HCR, ...) */
    uint64_t isb;
    uint64_t dsb;
    uint64_t tlbi;           /* accepted and counted; nothing to invalidate on PMSA */
    uint64_t dc_line;        /* DC CVAC / CIVAC per 64-byte line */
    uint64_t ic_all;         /* IC IALLU */
    uint64_t copy_line;      /* memcpy per 64 bytes */
    uint64_t zero_line;      /* memset per 64 bytes */
    uint64_t sw_step;        /* one step of module bookkeeping (a table entry examined) */
};

void hv_costs_default(struct hv_costs *c);
/* "cost.NAME=V" settings: 0 on success, -1 with `err` naming the option. */
int hv_costs_set(struct hv_costs *c, const char *name, const char *value, struct msa_error *err);
/* Names in declaration order: i = 0, 1, ... until NULL. */
const char *hv_cost_name(size_t i);

/* ---- The model at run time ------------------------------------------- */

struct platform;
struct stats;
struct mpu_pair;
struct ram;

enum hv_check_mode {
    HV_CHECK_EVERY = 0,      /* after every top-level operation (the default) */
    HV_CHECK_END,            /* after boot and after the runtime switches */
    HV_CHECK_OFF,
};

struct hv_config {
    const char *module;                  /* built-in name or a .so path */
    unsigned mpu_regions;                /* EL2 slots per core; 0 = 32 */
    unsigned el1_mpu_regions;            /* 0 = 16 */
    /* "KEY=VALUE": cost.NAME=CYCLES (struct hv_costs); fdt-addr, heap,
     * heap-size and device=DOMAIN:BASE+SIZE for the core (hv/hv_info.c);
     * the rest for the module. */
    const char *const *options;
    unsigned noptions;
    bool continue_on_exhaustion;         /* false: region exhaustion stops the run */
    enum hv_check_mode check;
    uint64_t fdt_size;                   /* size of the platform's DTB, 0 if unknown */
    /* A machine's MPUs (one pair per platform CPU, already initialised) for
     * the model to drive instead of its own, and its RAM for the
     * hypervisor's copies to really move bytes.  NULL in the boot path. */
    struct mpu_pair *mpus;
    unsigned nmpus;
    struct ram *ram;
};

void hv_config_default(struct hv_config *cfg);

/* Exit status of a run, as the CLI reports it. */
enum hv_status {
    HV_RUN_OK = 0,
    HV_RUN_FAILED = 1,       /* exhaustion, a refused mapping, an inconsistency */
    HV_RUN_BAD_INPUT = 2,    /* the platform or an option cannot be used */
};

struct hv;

/* Builds the model: resolves the module, allocates its state, builds the
 * boot information from the platform (vCPUs placed on cores round-robin),
 * applies the options.  It owns one mpu_pair per platform CPU unless
 * cfg->mpus hands it a machine's.  `stats` (may be NULL) receives every
 * figure.  The platform must outlive the model.  Returns an enum
 * hv_status. */
int hv_create(const struct hv_config *cfg, const struct platform *plat, struct stats *stats,
              struct hv **out, struct msa_error *err);
void hv_destroy(struct hv *hv);

/* The whole boot path: architecture boot, console and GIC ioremaps,
 * relocation of the device tree, secondary CPUs, dom0less domains (p2m and
 * the copies of kernel, ramdisk and DTB through map_domain_page), end of
 * boot, then the runtime phase: every core switches once through each of
 * its vCPUs and comes back to the first one.  Returns an enum hv_status;
 * `err` holds the first failure.  Exhaustion events are counted either way
 * and, with continue_on_exhaustion, do not stop the run. */
int hv_boot_run(struct hv *hv, struct msa_error *err);

/* Steps of hv_boot_run, for callers that interleave execution. */
int hv_step_arch_boot(struct hv *hv, struct msa_error *err);
int hv_step_devices(struct hv *hv, struct msa_error *err);
int hv_step_secondary_cpus(struct hv *hv, struct msa_error *err);
int hv_step_domains(struct hv *hv, struct msa_error *err);
int hv_step_finish_boot(struct hv *hv, struct msa_error *err);
int hv_step_runtime_switches(struct hv *hv, struct msa_error *err);

/* Single operations (counted and checked like the boot path's). */
int hv_map(struct hv *hv, enum hv_op kind, const struct hv_map_req *req, struct msa_error *err);
int hv_map_domain_page(struct hv *hv, unsigned core, uint64_t pa, uint64_t *va,
                       struct msa_error *err);
int hv_unmap_domain_page(struct hv *hv, unsigned core, uint64_t va, struct msa_error *err);
/* Switch `core` to global vCPU `vcpu`, or to idle with -1. */
int hv_context_switch(struct hv *hv, unsigned core, int vcpu, struct msa_error *err);
/* Not implemented by the boot path's modules: returns HV_TRAP_UNHANDLED
 * (or a negative enum hv_err). */
int hv_handle_trap(struct hv *hv, struct hv_trap *trap, struct msa_error *err);

/* ---- Guests at run time (`msasim run --hv`: hv/hv_guest.c, hv_trap.c,
 * hv_hypercall.c) ------------------------------------------------------------
 * The machine runs the vCPUs at EL1 under stage 2 and hands every exception
 * taken to EL2 to hv_guest_trap: the module first (handle_trap), then the
 * core: HVC #0xEA1 hypercalls with Xen's Arm ABI, PSCI on HVC #0 and SMC,
 * MMIO emulation of a virtual PL011 per domain, trapped WFI/WFE, and the
 * stage-2 aborts it cannot serve, which go back to the guest.  Guest memory
 * is read and written through the module's map_domain_page, so its cost
 * and its regions show in the figures. */

/* Xen's guest layout: GUEST_PL011_BASE and its size. */
#define HV_VPL011_BASE 0x22000000ull
#define HV_VPL011_SIZE 0x1000ull

/* What the machine does after a trap. */
enum hv_trap_action {
    HV_ACT_RESUME = 0,       /* return to the guest at trap->elr with trap->regs */
    HV_ACT_INJECT_ABORT,     /* take an abort to the guest's EL1: inject_esr, far */
    HV_ACT_YIELD,            /* resume; the vCPU gave up its time slice */
    HV_ACT_BLOCK,            /* resume once an event is pending (WFI, SCHEDOP_block) */
    HV_ACT_SHUTDOWN,         /* the domain shut down with `reason` (Xen's SHUTDOWN_*) */
};

struct hv_guest_outcome {
    enum hv_trap_action action;
    unsigned reason;         /* SHUTDOWN: 0 poweroff, 1 reboot, 2 suspend, 3 crash */
    uint32_t inject_esr;     /* INJECT_ABORT: ESR_EL1 */
    uint64_t inject_far;     /* INJECT_ABORT: FAR_EL1 */
};

/* Console output of a domain (index into hv_boot_info.domains). */
typedef void (*hv_console_fn)(void *ctx, int domain, const char *bytes, size_t len);

struct hv_guests;
/* Run-time state of the guests of `hv` (virtual UARTs, counters); NULL when
 * out of memory.  Free it before the model. */
struct hv_guests *hv_guests_create(struct hv *hv, hv_console_fn console, void *ctx);
void hv_guests_free(struct hv_guests *g);
/* Handles one trap of global vCPU trap->vcpu.  Returns HV_TRAP_HANDLED with
 * *out filled, HV_TRAP_UNHANDLED (with `err` saying what the trap was), or
 * the negative enum hv_status that ends the run. */
int hv_guest_trap(struct hv_guests *g, struct hv_trap *trap, struct hv_guest_outcome *out,
                  struct msa_error *err);

struct hv_guest_counts {
    uint64_t traps, hypercalls, mmio_emulated, aborts_injected, wfx, console_bytes;
    uint64_t yields, blocks;
};
/* Counts of one domain, or of all with domain = -1. */
void hv_guest_counts(const struct hv_guests *g, int domain, struct hv_guest_counts *out);
/* Adds hv.guest.* counters and the summary keys guest_hypercalls,
 * guest_mmio_emulated and guest_aborts_injected to the model's statistics. */
void hv_guests_export(struct hv_guests *g);
/* What the module last wrote to system register `reg` (enum hv_sysreg) of
 * `core`, for the machine to load into the core that runs a vCPU. */
uint64_t hv_sysreg_value(const struct hv *hv, unsigned core, unsigned reg);
/* The global vCPU index of (domain, vcpu), -1 when there is none. */
int hv_vcpu_index(const struct hv *hv, int domain, unsigned vcpu);
/* The core a global vCPU runs on. */
unsigned hv_vcpu_core(const struct hv *hv, unsigned vcpu);
unsigned hv_nvcpus(const struct hv *hv);

/* ---- Inspection --------------------------------------------------------- */

unsigned hv_ncores(const struct hv *hv);
unsigned hv_mpu_regions(const struct hv *hv);
struct mpu_pair *hv_core_mpus(struct hv *hv, unsigned core);
const struct hv_module_ops *hv_module(const struct hv *hv);
const struct hv_boot_info *hv_info(const struct hv *hv);
/* Every region of the layout (see hv_module_ops.regions). */
void hv_regions(const struct hv *hv, hv_region_fn fn, void *ctx);

/* Consistency between the module's table and the simulated MPUs: a slot
 * the module thinks free that hardware enables, a slot in use that hardware
 * does not hold as the module believes, and writes not yet synchronized by
 * an ISB.  Returns the number of findings; `fn` (may be NULL) gets one line
 * per finding. */
unsigned hv_check(struct hv *hv, void (*fn)(void *ctx, const char *line), void *ctx);

/* Notes for the user (assumptions taken, quirks reproduced) and the
 * consistency findings kept so far: i = 0, 1, ... until NULL. */
const char *hv_note_at(const struct hv *hv, unsigned i);
const char *hv_finding_at(const struct hv *hv, unsigned i);

/* Figures so far. */
struct hv_summary {
    unsigned cores;
    unsigned regions_implemented;
    unsigned regions_used;           /* enabled now, most loaded core */
    unsigned regions_peak;           /* over cores and time */
    unsigned regions_boot_peak;
    unsigned regions_runtime_peak;
    double regions_mean;             /* time-weighted, most loaded core */
    int headroom;                    /* implemented - peak */
    uint64_t region_failures;
    uint64_t map_ops;
    uint64_t map_cycles;
    uint64_t map_domain_page_ops;
    uint64_t context_switches;
    double context_switch_cycles_mean;
    uint64_t cycles;                 /* all charged cycles */
    unsigned consistency_errors;
    uint64_t el2_faults;
    unsigned domains;
    unsigned vcpus;
};
void hv_summary(const struct hv *hv, struct hv_summary *s);

/* The model's statistics registry: the one given to hv_create, or one
 * the model owns.  Region-pressure series and per-operation histograms
 * fill in while the model runs; hv_export_stats adds the derived figures
 * (peaks, means, headroom per core and phase, owners, domains) and the
 * summary keys regions_peak, regions_implemented, region_failures, map_ops,
 * map_cycles and the others of struct hv_summary. */
struct stats *hv_stats(struct hv *hv);
void hv_export_stats(struct hv *hv);

/* The layout report: {"regions": [...], "summary": {...}} (shape at the top
 * of hv/hv_report.c), and the aligned table for people. */
#if __STDC_HOSTED__   /* module code may be built -ffreestanding */
void hv_write_json(const struct hv *hv, FILE *out);
void hv_write_text(const struct hv *hv, FILE *out);
#endif

#endif
