/* The platform: what a device tree says about the machine to simulate.
 *
 * A platform is read once from a flattened device tree (a DTB, a DTS that dtc
 * compiles, or one of the built-in trees "virt" and "fvp-r") into plain C
 * data: RAM banks, CPUs, the interrupt controller, PL011 UARTs, the timer,
 * PSCI, /chosen (boot arguments, Xen's static heap and boot modules) and Xen
 * dom0less domains.  Every address is already translated to the CPU's
 * physical address space through the parents' `ranges`.  Nothing here keeps a
 * pointer into the tree, so the blob can be freed once the platform is built.
 *
 * Arrays are allocated to the size the tree needs (`items` + `count`); a
 * missing string is NULL; a missing address range has size 0.  Everything is
 * owned by the platform and released by platform_free(). */
#ifndef MSASIM_SIM_PLATFORM_H
#define MSASIM_SIM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/error.h"

/* Larger blobs (or DTS outputs) are refused before anything is allocated. */
#define PLATFORM_MAX_DTB_SIZE (64u << 20)

struct platform_range {
    uint64_t base;
    uint64_t size;
};

struct platform_ranges {
    struct platform_range *items;
    size_t count;
};

/* A /reserved-memory child or a /memreserve/ entry (name "/memreserve/"). */
struct platform_reserved {
    uint64_t base;
    uint64_t size;
    char *name;
};

struct platform_cpu {
    uint64_t mpidr;            /* the cpu node's reg: MPIDR affinity fields */
    char *compatible;          /* first compatible string, e.g. "arm,cortex-a57" */
    char *enable_method;       /* "psci", "spin-table" or NULL */
    bool has_release_addr;     /* spin-table: cpu-release-addr */
    uint64_t release_addr;
};

enum platform_gic_version {
    PLATFORM_GIC_NONE = 0,
    PLATFORM_GIC_V2 = 2,
    PLATFORM_GIC_V3 = 3,
};

struct platform_gic {
    enum platform_gic_version version;
    char *compatible;              /* the compatible string that matched */
    bool version_inferred;         /* generic "arm,gic": version guessed, see platform_fdt.c */
    uint32_t interrupt_cells;      /* 3 for Linux bindings, 4 for Zephyr's */
    struct platform_range distributor;      /* GICD */
    struct platform_ranges redistributors;  /* GICv3 GICR regions; empty on GICv2 */
    struct platform_range cpu_interface;    /* GICC (GICv2, optional on GICv3) */
    struct platform_range hyp_interface;    /* GICH */
    struct platform_range vcpu_interface;   /* GICV */
};

struct platform_uart {
    uint64_t base;
    uint64_t size;
    char *compatible;          /* "arm,pl011" or "arm,sbsa-uart" */
    char *path;                /* node path, e.g. "/pl011@9000000" */
    bool enabled;              /* status is "okay" (or absent) */
};

enum platform_module_kind {
    PLATFORM_MODULE_KERNEL,
    PLATFORM_MODULE_RAMDISK,
    PLATFORM_MODULE_DEVICE_TREE,
    PLATFORM_MODULE_XSM_POLICY,
    PLATFORM_MODULE_GENERIC,   /* only "multiboot,module" */
};

struct platform_module {
    enum platform_module_kind kind;
    char *name;                /* node name, e.g. "module@11000000" */
    uint64_t base;
    uint64_t size;
    char *bootargs;
};

struct platform_modules {
    struct platform_module *items;
    size_t count;
};

struct platform_chosen {
    char *bootargs;
    char *xen_bootargs;        /* xen,xen-bootargs */
    char *stdout_path;         /* as written: a path or an alias, maybe ":options" */
    int stdout_uart;           /* index into uarts that stdout-path names, or -1 */
    struct platform_ranges static_heap;   /* xen,static-heap */
    struct platform_modules modules;      /* multiboot,* children of /chosen */
};

enum platform_el1_msa {
    PLATFORM_EL1_MPU,          /* PMSAv8 at EL1, Xen's default */
    PLATFORM_EL1_MMU,          /* VMSAv8 at EL1 */
};

/* A /chosen child compatible with "xen,domain" (dom0less domU). */
struct platform_domain {
    char *name;
    uint32_t vcpus;            /* "cpus" */
    uint64_t memory_kib;       /* "memory", a 64-bit KiB count */
    struct platform_ranges static_mem;    /* xen,static-mem */
    bool direct_map;
    enum platform_el1_msa el1_msa;        /* v8r_el1_msa */
    bool vpl011;
    struct platform_modules modules;
};

struct platform {
    char *source;              /* file path, or the built-in's name */
    unsigned char *fdt;        /* a copy of the blob it was read from */
    size_t fdt_size;
    char *model;               /* root "model" or NULL */
    char *compatible;          /* first root "compatible" string or NULL */
    char profile;              /* 'r' for Armv8-R CPUs (cortex-r*, armv8-r), else 'a' */

    struct platform_ranges memory;        /* RAM banks, sorted, non-overlapping */
    struct {
        struct platform_reserved *items;
        size_t count;
    } reserved;
    struct {
        struct platform_cpu *items;
        size_t count;
    } cpus;
    bool has_gic;
    struct platform_gic gic;
    struct {
        struct platform_uart *items;
        size_t count;
    } uarts;
    bool timer;                /* arm,armv8-timer or arm,armv7-timer */
    uint32_t timer_frequency;  /* its clock-frequency, 0 when not given */
    char *psci_method;         /* "hvc" or "smc"; NULL without a psci node */
    struct platform_chosen chosen;
    struct {
        struct platform_domain *items;
        size_t count;
    } domains;
};

/* "virt" and "fvp-r" load the built-in trees; anything else is a file, DTB or
 * DTS (told apart by the FDT magic, not the extension; a DTS goes through
 * `dtc`, or $MSASIM_DTC when set).  On failure returns -1, *out stays NULL and
 * `err` holds one line naming the file. */
int platform_load(const char *name_or_path, struct platform **out, struct msa_error *err);

/* Parses a blob already in memory.  `size` is the buffer size: a tree whose
 * header claims more is refused as truncated.  `source_name` prefixes every
 * error message and becomes p->source. */
int platform_from_fdt(const void *fdt, size_t size, const char *source_name,
                      struct platform **out, struct msa_error *err);

void platform_free(struct platform *p);

/* Cross-checks that need the whole description (domain memory against RAM and
 * against each other, ...).  platform_from_fdt already runs it. */
int platform_check(const struct platform *p, struct msa_error *err);

/* The embedded DTB of a built-in platform, NULL when `name` is not one. */
const void *platform_builtin_dtb(const char *name, size_t *size);
/* Names of the built-ins: i = 0, 1, ... until NULL. */
const char *platform_builtin_name(size_t i);

/* True when [base, base+size) lies wholly in RAM (possibly across adjacent
 * banks).  A zero size asks about the single byte at `base`. */
/* The device tree of `p` as a run changed it: the blob it was read from
 * with the cpu nodes beyond p->cpus.count removed (--cores) and a
 * /chosen xen,domain node for each of p's domains from `first` on (guests
 * given on the command line).  *out is malloc'd. */
int platform_dtb_with_domains(const struct platform *p, size_t first, unsigned char **out,
                              size_t *out_size, struct msa_error *err);

/* A boot module for the Linux boot protocol: where a file was put. */
struct platform_boot_module {
    uint64_t base, size;
    const char *bootargs;     /* NULL: none */
};
/* The device tree handed to a kernel booted with the Linux arm64 boot
 * protocol: `p`'s, with /chosen bootargs and one /chosen module node per
 * boot module (the first "multiboot,kernel", the others "multiboot,module",
 * as QEMU's guest-loader adds them).  *out is malloc'd. */
int platform_dtb_for_boot(const struct platform *p, const char *bootargs,
                          const struct platform_boot_module *mods, size_t nmods,
                          unsigned char **out, size_t *out_size, struct msa_error *err);

bool platform_ram_contains(const struct platform *p, uint64_t base, uint64_t size);
uint64_t platform_ram_total(const struct platform *p);
const struct platform_domain *platform_find_domain(const struct platform *p, const char *name);
/* The UART the console should use: the stdout-path one, else the first
 * enabled one; NULL when there is none. */
const struct platform_uart *platform_console_uart(const struct platform *p);

const char *platform_module_kind_name(enum platform_module_kind kind);
const char *platform_el1_msa_name(enum platform_el1_msa msa);

/* Pretty JSON (shape documented in platform_json.c), integers for addresses. */
void platform_write_json(const struct platform *p, FILE *out);
/* A short aligned summary for people, hex addresses. */
void platform_write_text(const struct platform *p, FILE *out);

#endif
