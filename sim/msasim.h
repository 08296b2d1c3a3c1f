/* msasim embedding API: one simulated machine (cores, MPUs or MMUs, RAM,
 * UARTs of a platform) behind an opaque handle, for programs that bring
 * msasim into a larger simulation (a SystemC virtual platform: see
 * sim/systemc/) and for msasim's own command line.
 *
 * A session:
 *
 *     struct msasim_options o;
 *     msasim_options_init(&o);
 *     o.platform = "virt";
 *     char err[512];
 *     msasim_t *h = msasim_create(&o, err, sizeof err);
 *     if (!h || msasim_load_program(h, "prog.elf") < 0) ...
 *     struct msasim_result r;
 *     do msasim_run(h, 10000, &r); while (r.reason == MSASIM_STOP_LIMIT);
 *     int status = msasim_exit_code(&r);
 *     msasim_destroy(h);
 *
 * Address ranges the embedder owns.  options.regions lists them before the
 * machine is built.  The platform's RAM and UARTs inside a region are left
 * out of the machine, so an embedder can serve a platform's RAM or PL011
 * itself; accesses the cores make there come to the region's callbacks.  A
 * region flagged MSASIM_REGION_MEMORY is memory the cores may execute from
 * and programs may be loaded into; it is reached in one of two ways:
 *
 *   - direct (DMI): region.direct returns a host pointer that covers a
 *     window of the region; the cores then read, write and fetch through it
 *     at full speed, with no callback per access (TLM-2.0's
 *     get_direct_mem_ptr).  msasim_invalidate_direct() revokes it.
 *   - by access: when direct is NULL or refuses, every load and store is a
 *     call of region.access (TLM-2.0's b_transport).  The cores decode
 *     instructions from host memory only, so a page they execute from is
 *     read once into a local copy; from then on the cores reach that page
 *     (data included) through the copy, and what they change in it is
 *     written back through region.debug when msasim_run returns.  The same
 *     holds for pages that exclusive or atomic instructions (LDXR, STXR,
 *     CAS, LDADD, ...) access: the core's monitors work on host memory.
 *     The core's memory interface does not say which accesses are fetches
 *     or exclusives; they are told apart exactly where VA = PA (profile r
 *     always; profile a with the MMU off).  While an MMU stage translates,
 *     a page-aligned access is taken for a fetch and a read-only one for an
 *     exclusive, so a few data pages may become copies, and an atomic or a
 *     store-exclusive to a page not yet copied takes an unsupported-
 *     exclusive abort: give such memory a direct pointer.
 *
 * Time.  msasim_cycles() is the machine's clock, and msasim_run's budget
 * is in the same unit:
 *
 *   - with the cycle model on (options.timing), the model's clock cycles:
 *     the count of the most advanced core, which is what `msasim run
 *     --timing on --stats-json` reports as the summary's "cycles".  A run
 *     for N cycles takes every core that can run to the clock at the start
 *     plus N (cores waiting in WFI or off stay behind; the model does not
 *     count idle cycles).  Each core stops at the first instruction
 *     boundary at or past that point, so the clock may pass it by less than
 *     the cycles of one instruction (a cache miss, a barrier): r.cycles
 *     says how far the run went.
 *   - with it off, a cycle is an instruction: the count is the number of
 *     instructions executed by all cores, and the budget is exact.
 *
 * Callbacks get the clock at the time of their access, which is how a TLM
 * wrapper annotates b_transport with the local time offset inside a
 * quantum.
 *
 * Threads: a handle is used from one thread at a time.  Callbacks run
 * inside msasim_run (or msasim_load_*, msasim_*_memory for debug accesses);
 * from a callback, only msasim_cycles, msasim_core_cycles, msasim_insns,
 * msasim_set_irq, msasim_request_stop, msasim_invalidate_direct and
 * msasim_memory_written may be called.
 *
 * Errors: functions that can fail return -1 and leave a one-line message
 * for msasim_last_error(). */
#ifndef MSASIM_SIM_MSASIM_H
#define MSASIM_SIM_MSASIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MSASIM_API_VERSION 1

typedef struct msasim msasim_t;

/* ---- regions the embedder serves ---------------------------------------- */

/* What region.access returns: the TLM-2.0 response statuses a core can tell
 * apart.  Either error is a synchronous external abort for the core. */
enum msasim_access_status {
    MSASIM_ACCESS_OK = 0,
    MSASIM_ACCESS_DECODE_ERROR = 1,  /* nothing answers (TLM_ADDRESS_ERROR_RESPONSE) */
    MSASIM_ACCESS_SLAVE_ERROR = 2,   /* the target refused (any other error) */
};

struct msasim_access {
    uint64_t addr;      /* physical address */
    uint64_t offset;    /* addr - region base */
    unsigned size;      /* 1, 2, 4 or 8 bytes, naturally aligned or not */
    bool write;
    unsigned core;      /* the core that makes the access */
    uint64_t cycle;     /* msasim_cycles() when it is made */
};

/* Region flags. */
enum {
    /* Memory: the cores may execute from it, programs load into it, and it
     * may be reached directly (region.direct).  Base and size must be
     * multiples of 4 KiB. */
    MSASIM_REGION_MEMORY = 1u << 0,
};

struct msasim_region {
    const char *name;   /* for messages and statistics ("ram", "uart0") */
    uint64_t base, size;
    unsigned flags;     /* MSASIM_REGION_* */
    void *ctx;
    /* One access, little-endian value in *data (a read fills it).  Returns
     * an msasim_access_status.  Required. */
    int (*access)(void *ctx, const struct msasim_access *a, uint64_t *data);
    /* Memory regions: a window of host memory around `addr`, readable and
     * writable: returns the host pointer of the window's first byte, and
     * the window's physical range in [*start, *start + *len) (TLM-2.0's
     * DMI pointer, start address and size).  Only whole 4 KiB pages of the
     * window inside the region are used.  The memory must stay valid until
     * msasim_invalidate_direct() covers it.  NULL refuses; a refusal is
     * remembered until msasim_invalidate_direct() covers addr.  May be NULL
     * (never direct). */
    uint8_t *(*direct)(void *ctx, uint64_t addr, uint64_t *start, uint64_t *len);
    /* Memory regions: a side-effect-free copy of len bytes to (write) or
     * from (read) the region, used to load programs, for the local copies of
     * pages executed without DMI and by msasim_read/write_memory
     * (TLM-2.0's transport_dbg).  Returns the bytes copied.  May be NULL:
     * then direct pointers, or else `access` calls of up to 8 bytes, are
     * used. */
    size_t (*debug)(void *ctx, uint64_t addr, void *buf, size_t len, bool write);
};

/* ---- creating a machine ------------------------------------------------ */

struct msasim_options {
    const char *platform;       /* "virt", "fvp-r" or a DTB/DTS path; NULL: "fvp-r" */
    const char *profile;        /* "r", "a", or NULL: from the platform's CPUs */
    unsigned cores;             /* 0: as many as the device tree lists */
    unsigned mpu_regions;       /* EL2 MPU regions per core, profile r; 0: 32 */
    unsigned el1_mpu_regions;   /* EL1 MPU regions per core, profile r; 0: 16 */
    bool el1_mmu;               /* profile r: the optional EL1 MMU */
    uint64_t quantum;           /* instructions per core per scheduling turn; 0: 1000
                                   (the cores' interleaving, not msasim_run's budget) */
    /* The cycle model (`msasim run --timing on --core NAME --set K=V`): on,
     * the core description (a built-in name or a file; NULL: by profile)
     * and "KEY=VALUE" overrides (NULL-terminated list, may be NULL).  The
     * core and the settings need timing on. */
    bool timing;
    const char *timing_core;
    const char *const *settings;
    /* The address ranges the embedder serves: copied by msasim_create, they
     * must not overlap each other. */
    const struct msasim_region *regions;
    unsigned nregions;
    /* Program output (semihosting and the machine's own UARTs); NULL:
     * stdout, and semihosting writes to stderr go to stderr. */
    void (*console)(void *ctx, const char *bytes, size_t len);
    void *console_ctx;
    /* Called now and then during msasim_run with msasim_cycles(); may be
     * NULL. */
    void (*progress)(void *ctx, uint64_t cycles);
    void *progress_ctx;
};

/* The defaults above. */
void msasim_options_init(struct msasim_options *o);

/* NULL on failure, with one line in err (which may be NULL). */
msasim_t *msasim_create(const struct msasim_options *o, char *err, size_t errlen);
/* Writes back local page copies first (see above).  NULL is allowed. */
void msasim_destroy(msasim_t *h);

const char *msasim_last_error(const msasim_t *h);
const char *msasim_version(void);

/* ---- programs and memory ----------------------------------------------- */

/* A bare-metal program: AArch64 ELF or Linux arm64 Image.  Core 0 (every
 * core on profile r) starts at its entry at EL2 with the MMU and MPU off,
 * as QEMU starts -kernel with virtualization=on. */
int msasim_load_program(msasim_t *h, const char *path);
/* The same for a raw binary, or an Image at the 2 MiB aligned base `addr`. */
int msasim_load_program_at(msasim_t *h, const char *path, uint64_t addr);
/* A file (device tree, boot module) at addr; the cores are not touched.
 * *size (may be NULL) gets its length. */
int msasim_load_blob(msasim_t *h, const char *path, uint64_t addr, uint64_t *size);
/* Resets the cores to `entry` as loading a program does. */
int msasim_start(msasim_t *h, uint64_t entry);

/* Boots `kernel` (an arm64 Image) with the Linux arm64 boot protocol, in
 * QEMU virt's layout: the platform's device tree at the start of RAM with
 * /chosen bootargs (NULL: none) and a module node per file (the first a
 * multiboot,kernel, the others multiboot,module, each with its bootargs),
 * the Image at text_offset from the next 2 MiB boundary, each module's
 * file at its address; core 0 starts at the kernel with x0 = the device
 * tree's address, the others wait for PSCI CPU_ON. */
struct msasim_boot_module {
    uint64_t addr;
    const char *path;
    const char *bootargs;     /* NULL: none */
};
int msasim_boot_kernel(msasim_t *h, const char *kernel, const char *bootargs,
                       const struct msasim_boot_module *mods, unsigned nmods);
/* Takes the program's symbols from an ELF file instead (a kernel Image's
 * debug-symbol ELF, at the addresses the code runs at): statistics per
 * function with the cycle model, names in messages.  Call after loading. */
int msasim_load_symbols(msasim_t *h, const char *elf_path);

/* Debug access to memory: the machine's RAM and the embedder's memory
 * regions, no side effects, no time.  -1 when a byte is in neither. */
int msasim_read_memory(msasim_t *h, uint64_t addr, void *buf, size_t len);
int msasim_write_memory(msasim_t *h, uint64_t addr, const void *buf, size_t len);

/* The embedder revokes direct pointers into [start, end): the cores drop
 * every pointer they hold there, and the next access asks region.direct
 * again (TLM-2.0's invalidate_direct_mem_ptr). */
void msasim_invalidate_direct(msasim_t *h, uint64_t start, uint64_t end);
/* Something other than the cores (a DMA, another initiator) wrote
 * [addr, addr + len) of a memory region: local page copies are read again
 * and decoded instructions there are dropped; from a callback, when the
 * run returns (as another initiator's write is seen at a quantum's end). */
void msasim_memory_written(msasim_t *h, uint64_t addr, uint64_t len);

/* ---- running ------------------------------------------------------------ */

enum msasim_stop {
    MSASIM_STOP_LIMIT,          /* the budget of msasim_run is used up */
    MSASIM_STOP_EXIT,           /* semihosting exit: exit_status */
    MSASIM_STOP_SYSTEM_OFF,     /* PSCI SYSTEM_OFF */
    MSASIM_STOP_SYSTEM_RESET,   /* PSCI SYSTEM_RESET (not modelled as a reboot) */
    MSASIM_STOP_FAULT_LOOP,     /* a core repeats the same exception */
    MSASIM_STOP_IDLE,           /* every running core waits (WFI/WFE): an interrupt may wake it */
    MSASIM_STOP_ALL_OFF,        /* every core is powered off */
    MSASIM_STOP_REQUESTED,      /* msasim_request_stop() */
};

struct msasim_result {
    enum msasim_stop reason;
    int exit_status;            /* MSASIM_STOP_EXIT */
    unsigned core;              /* the core that caused the stop */
    uint64_t cycles;            /* how far msasim_cycles() moved in this call */
    char message[256];          /* for people, when the stop is a failure */
};

/* Runs until an event stops the machine or `max_cycles` cycles have passed
 * (0: no limit).  A stop other than LIMIT, IDLE and REQUESTED is final: a
 * later call returns it again at once.  Returns 0, or -1 with no program. */
int msasim_run(msasim_t *h, uint64_t max_cycles, struct msasim_result *r);
/* The same with a budget of instructions (of all cores) as well: the run
 * stops at whichever budget is used up first (0: no limit for that one),
 * with MSASIM_STOP_LIMIT.  r.message says which ("stopped after N
 * instructions (--max-insns)" or "... cycles (--max-cycles)"), as `msasim
 * run --max-insns N --max-cycles M` prints it. */
int msasim_run_limits(msasim_t *h, uint64_t max_cycles, uint64_t max_insns, struct msasim_result *r);

/* From a callback: the running core stops at the next instruction boundary
 * and msasim_run returns MSASIM_STOP_REQUESTED (a breakpoint).  Outside a
 * run: the next msasim_run returns it at once. */
void msasim_request_stop(msasim_t *h);

/* The exit status `msasim run` gives for a result: the program's status for
 * a semihosting exit, 0 for SYSTEM_OFF and all cores off, 1 otherwise. */
int msasim_exit_code(const struct msasim_result *r);
const char *msasim_stop_name(enum msasim_stop s);

uint64_t msasim_cycles(const msasim_t *h);
/* One core's cycles: the cycle model's count of that core with timing on,
 * its instructions without.  0 for a core that does not exist. */
uint64_t msasim_core_cycles(const msasim_t *h, unsigned core);
uint64_t msasim_insns(const msasim_t *h, unsigned core);
unsigned msasim_core_count(const msasim_t *h);

/* ---- interrupts ---------------------------------------------------------- */

/* The inputs an interrupt controller drives.  Until the machine models a
 * GIC, the embedder is the interrupt controller. */
enum msasim_irq_line {
    MSASIM_IRQ,
    MSASIM_FIQ,
    MSASIM_VIRQ,
    MSASIM_VFIQ,
    MSASIM_SERROR,
};

/* Level-sensitive: the core sees the new level at its next instruction
 * boundary, and a core waiting in WFI wakes for a pending one. */
int msasim_set_irq(msasim_t *h, unsigned core, enum msasim_irq_line line, bool level);

/* ---- statistics ------------------------------------------------------- */

/* The run's statistics as JSON (schema in sim/STATS_SCHEMA.md), malloc'd:
 * free() it.  NULL on failure. */
char *msasim_stats_json(msasim_t *h);

/* The same figures into a registry of sim/stats.h, for code inside msasim
 * (the CLI adds its own meta entries before writing it). */
struct stats;
int msasim_export_stats(msasim_t *h, struct stats *s);

#ifdef __cplusplus
}
#endif

#endif
