/* Shared between the files of the hypervisor core (the .c files directly in
 * hv/); modules and other folders use hv/hv.h and hv/hal.h only. */
#ifndef MSASIM_HV_HV_INTERNAL_H
#define MSASIM_HV_HV_INTERNAL_H

#include <limits.h>

#include "hv/hal.h"
#include "hv/hv.h"
#include "hv/hv_gnttab.h"
#include "hv/hv_trace.h"
#include "mpu/mpu.h"

struct stats;
struct stats_hist;
struct stats_series;

/* What one operation cost, by kind of hardware work.  Every figure is a
 * uint64_t and `pair` views them as pairs (a GCC/Clang vector of two), so a
 * whole accumulator is added or subtracted in a few vector steps: that runs
 * at the end of every operation.  The static asserts below check that the
 * view covers the figures exactly. */
#define HV_COST_FIELDS 18
typedef uint64_t hv_u64x2 __attribute__((vector_size(16)));
struct hv_cost_acc {
    union {
        struct {
            uint64_t cycles;
            uint64_t mpu_writes, mpu_reads, dsb, isb, tlbi, cache_ops, cache_lines;
            uint64_t sysreg_writes, mem_bytes, sw_steps;
            uint64_t cyc_mpu, cyc_barrier, cyc_tlbi, cyc_cache, cyc_mem, cyc_sysreg, cyc_sw;
        };
        hv_u64x2 pair[HV_COST_FIELDS / 2];
    };
};
_Static_assert(HV_COST_FIELDS % 2 == 0 &&
                   sizeof(struct hv_cost_acc) == HV_COST_FIELDS * sizeof(uint64_t),
               "struct hv_cost_acc: the pair view must cover every figure");

struct hv_op_stats {
    uint64_t count;
    uint64_t failures;
    struct hv_cost_acc total;
    struct stats_hist *cycles;      /* per operation, registered on first use */
};

#define HV_OP_STACK 16

/* An operation in progress.  Every charge goes to one running total
 * (struct hv.acc_run); a frame keeps that total as it was at the frame's
 * begin, so at its end the difference is what the operation cost, its
 * sub-operations included, with nothing to hand up to the parent.  A
 * map-kind operation counts once in map_ops however deeply maps nest: its
 * frame notes at begin whether it is the outermost. */
struct hv_op_frame {
    enum hv_op op;
    uint8_t maps;                   /* map-kind operations open, this one included */
    bool outer_map;                 /* map-kind, and no enclosing operation is */
    struct hv_cost_acc start;       /* acc_run at begin */
};

/* The map-kind operations (hv_op_is_map): a mask, so that the test at every
 * operation's begin is one bit. */
#define HV_OP_MAP_KINDS                                                                  \
    ((1u << HV_OP_MAP) | (1u << HV_OP_UNMAP) | (1u << HV_OP_MODIFY) |                    \
     (1u << HV_OP_IOREMAP) | (1u << HV_OP_IOUNMAP) | (1u << HV_OP_MAP_DOMAIN_PAGE) |     \
     (1u << HV_OP_UNMAP_DOMAIN_PAGE) | (1u << HV_OP_P2M_UPDATE) |                        \
     (1u << HV_OP_P2M_RESTORE) | (1u << HV_OP_P2M_SAVE) | (1u << HV_OP_PRENR_SWITCH))
_Static_assert(HV_OP_COUNT <= 32, "HV_OP_MAP_KINDS holds one bit per operation kind");

static inline bool hv_op_map_kind(enum hv_op op)
{
    return (unsigned)op < HV_OP_COUNT && (HV_OP_MAP_KINDS >> (unsigned)op & 1);
}

enum hv_phase { HV_PHASE_BOOT = 0, HV_PHASE_RUNTIME = 1, HV_PHASE_COUNT };

/* hv_pressure.ndomains_seen before the first sample: no domain count is
 * this large, so the first sample takes every slot's code afresh. */
#define HV_NDOMAINS_UNSEEN UINT_MAX

/* Region pressure of one core's EL2 MPU (effective, synchronized regions). */
struct hv_pressure {
    unsigned cur;
    unsigned peak;
    uint64_t last;                  /* cycle of the last change */
    uint64_t start;                 /* cycle tracking started */
    double area;                    /* sum of cur * cycles */
    unsigned phase_peak[HV_PHASE_COUNT];
    double phase_area[HV_PHASE_COUNT];
    uint64_t phase_time[HV_PHASE_COUNT];
    unsigned dom_cur[HV_MAX_DOMAINS];
    unsigned dom_peak[HV_MAX_DOMAINS];
    uint64_t failures;
    struct stats_series *series;
    /* Who holds each slot, for the per-slot timeline: 0 free, otherwise
     * the owner tag + 16 x domain index (sim/STATS_SCHEMA.md); a slot's
     * series is registered when the slot is first used. */
    uint16_t slot_code[MPU_MAX_REGIONS];
    struct stats_series *slot_series[MPU_MAX_REGIONS];
    /* The domain count slot_code and dom_cur were computed with;
     * HV_NDOMAINS_UNSEEN before the first sample. */
    unsigned ndomains_seen;
};

struct hv_vcpu_slot {
    int domain;                     /* index into info.domains */
    unsigned vcpu;
    unsigned core;
};

#define HV_MAX_NOTES 16
#define HV_MAX_FINDINGS 16

struct hv {
    struct hv_hal hal;              /* first: the HAL callbacks cast back to struct hv */
    const struct platform *plat;
    const struct hv_module_ops *mod;
    void *dl;
    void *state;
    struct hv_costs costs;
    bool continue_on_exhaustion;
    enum hv_check_mode check;

    unsigned ncores;
    unsigned el2_regions, el1_regions;
    struct mpu_pair *mpus;          /* [ncores] */
    bool own_mpus;
    struct ram *sim_ram;            /* NULL: copies are counted, not made */
    uint64_t sysregs[HV_MAX_CORES][HV_SYSREG_COUNT];
    /* The MPU control bits derived from sysregs, per core, for the access
     * checks of every copy; rebuilt after the HAL writes a system register
     * (the only writer of sysregs). */
    struct mpu_ctl el2_ctl[HV_MAX_CORES];
    bool el2_ctl_valid[HV_MAX_CORES];
    bool online[HV_MAX_CORES];

    /* Boot information and the storage behind its pointers. */
    struct hv_boot_info info;
    struct hv_range *reserved, *heap;
    struct hv_blob *blobs;
    struct hv_domain_info *domains;
    struct hv_device *devices;      /* [ndevices], grouped by domain */
    unsigned ndevices;
    bool heap_assumed;
    struct hv_range fdt;            /* where the device tree lies */
    uint64_t cfg_fdt_size;          /* hv_config.fdt_size */

    unsigned nvcpus;
    struct hv_vcpu_slot vcpus[HV_MAX_VCPUS];
    unsigned vcpu_core[HV_MAX_VCPUS];
    unsigned vcpu_id[HV_MAX_VCPUS];
    int cur_vcpu[HV_MAX_CORES];     /* global vCPU index, -1 idle */

    /* Accounting */
    uint64_t now;
    struct hv_cost_acc acc_run;     /* everything charged so far */
    struct hv_op_frame stack[HV_OP_STACK];  /* [0] the root: no operation */
    unsigned depth;
    struct hv_op_stats ops[HV_OP_COUNT];
    /* The outermost map-kind operations and their cycles.  Not adjacent:
     * GCC would pair their two updates at every such operation's end into a
     * slower vector add. */
    uint64_t map_ops;
    enum hv_phase phase;
    uint64_t map_cycles;
    struct hv_pressure *press;      /* [ncores] */
    uint64_t failures, phase_failures[HV_PHASE_COUNT];
    uint64_t el2_faults;
    unsigned consistency_errors;
    unsigned cur_core;              /* core of the top-level operation */

    /* Messages */
    char error[MSA_ERROR_MAX];      /* what the module said about its last failure */
    bool has_error;
    char notes[HV_MAX_NOTES][MSA_ERROR_MAX];
    unsigned nnotes;
    char findings[HV_MAX_FINDINGS][MSA_ERROR_MAX];
    unsigned nfindings;
    char first_exhaustion[MSA_ERROR_MAX];

    struct stats *stats;
    bool own_stats;
    char **opt_copies;              /* --hv-opt strings kept for the module */
    unsigned nopt_copies;
    struct hv_tracer *tracer;       /* recording sink and replay state (hv_trace.c) */

    /* Page tables and speculation exposure (hv_exposure_hooks.c) */
    struct hv_exposure *expo;
    struct hv_expo_slot *expo_slots;   /* [ncores * MPU_MAX_REGIONS]: EL2 MPU regions seen */
    struct ram *pt_ram;             /* page-table pages when no RAM is attached */
    uint64_t pt_writes, pt_reads, pt_pages[2], pt_pages_freed[2];
    uint64_t tlbi_kind[HV_TLBI_KINDS];
};

static inline struct hv *hv_of_hal(struct hv_hal *h)
{
    return (struct hv *)(void *)h;
}

/* hv_hal.c */
extern const struct hv_hal_ops hv_hal_ops_impl;
void hv_charge(struct hv *hv, uint64_t cycles, uint64_t *cat);

/* hv_account.c: operation accounting and region pressure */
void hv_acc_op_end(struct hv *hv, enum hv_op op, int status);
/* Opens a frame for `op`.  Inline: every operation begins here, most with a
 * constant kind, so that whether it is map-kind is known at compile time. */
static inline void hv_acc_op_begin(struct hv *hv, enum hv_op op)
{
    unsigned d = hv->depth;
    if (__builtin_expect(d - 1 >= HV_OP_STACK - 1, 0)) {   /* d is 0, or HV_OP_STACK or more */
        if (d)
            return;   /* deeper nesting than any module needs: fold into the current frame */
        d = 1;
    }
    /* stack[0], the root, is no operation and is never written: its count
     * of open map-kind operations stays 0. */
    unsigned parent_maps = hv->stack[d - 1].maps;
    bool is_map = hv_op_map_kind(op);
    struct hv_op_frame *f = &hv->stack[d];
    f->op = op;
    f->maps = (uint8_t)(parent_maps + is_map);
    f->outer_map = is_map && !parent_maps;
    f->start = hv->acc_run;
    hv->depth = d + 1;
}
/* The accumulator a charge goes to: the running total, which every open
 * operation's figure is measured against.  Inline: every HAL call charges
 * here. */
static inline struct hv_cost_acc *hv_acc_current(struct hv *hv)
{
    return &hv->acc_run;
}
void hv_pressure_init(struct hv *hv);
void hv_pressure_sample(struct hv *hv, unsigned core);
void hv_pressure_set_phase(struct hv *hv, enum hv_phase phase);
void hv_pressure_close(struct hv *hv);

/* hv_run.c: running one module operation, with the error policy. */
int hv_finish_op(struct hv *hv, enum hv_op op, int rc, struct msa_error *err);
void hv_note(struct hv *hv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hv_info.c: boot information from the platform */
int hv_build_info(struct hv *hv, const char *const *opts, unsigned nopts, struct msa_error *err);
void hv_free_info(struct hv *hv);
bool hv_is_core_option(const char *key);

/* Inside an operation: one module map call counted as `kind`, and Xen's
 * copy_from_paddr.  Both return the module's status. */
int hv_nested_map(struct hv *hv, enum hv_op kind, const struct hv_map_req *req);
int hv_copy_from_paddr(struct hv *hv, uint64_t dst, uint64_t src, uint64_t len,
                       const char *purpose);
void hv_begin_top(struct hv *hv, enum hv_op op, unsigned core);

/* hv_domain_load.c */
int hv_load_domain(struct hv *hv, unsigned d, struct msa_error *err);

/* hv_trace.c: the module calls and the core's own work between them, as
 * one primitive each, so that every request reaches a recording sink. */
struct hv_tracer;
void hv_trace_free(struct hv *hv);
int hv_call_map(struct hv *hv, enum hv_op kind, const struct hv_map_req *req);
int hv_call_map_domain_page(struct hv *hv, unsigned core, uint64_t pa, uint64_t *va);
int hv_call_unmap_domain_page(struct hv *hv, unsigned core, uint64_t va);
int hv_core_copy(struct hv *hv, unsigned core, uint64_t dst, uint64_t src, uint64_t len);
void hv_core_clean(struct hv *hv, unsigned core, uint64_t base, uint64_t len);
/* A read into / write from `buf` of `len` bytes at `va` at EL2, or zeroing
 * them (`buf` unused): guest memory through map_domain_page, recorded as
 * an access event. */
int hv_core_access(struct hv *hv, unsigned core, uint64_t va, void *buf, uint64_t len,
                   enum hv_access kind);
void hv_composite_begin(struct hv *hv, enum hv_op op, int domain);
void hv_composite_end(struct hv *hv, enum hv_op op, int rc);
void hv_emit_simple(struct hv *hv, enum hv_ev_kind kind, unsigned core, int domain, uint64_t a);
void hv_emit_p2m(struct hv *hv, unsigned core, int domain, uint64_t gpa, uint64_t pa,
                 uint64_t size, uint32_t flags, const char *purpose);
void hv_emit_switch(struct hv *hv, unsigned core, int vcpu);
void hv_set_phase(struct hv *hv, enum hv_phase phase);
/* hv_run.c: the consistency check as the error policy runs it. */
int hv_check_now(struct hv *hv, const char *when, struct msa_error *err);

/* hv_exposure.c: bytes mapped readable at EL2 per owner of the physical
 * memory, integrated over cycles per (context, owner) pair.  Owners and
 * contexts: a domain index, or one of these. */
#define HV_EXPO_FREE HV_MAX_DOMAINS          /* free RAM */
#define HV_EXPO_XEN (HV_MAX_DOMAINS + 1)     /* the hypervisor's own memory / context */
#define HV_EXPO_NONE (HV_MAX_DOMAINS + 2)    /* not RAM */
#define HV_EXPO_NOWNERS (HV_MAX_DOMAINS + 3)
struct hv_exposure;
struct hv_exposure *hv_expo_new(void);
void hv_expo_free(struct hv_exposure *x);
void hv_expo_advance(struct hv_exposure *x, uint64_t now);
void hv_expo_set_context(struct hv_exposure *x, uint64_t now, unsigned ctx);
unsigned hv_expo_context(const struct hv_exposure *x);
void hv_expo_map(struct hv_exposure *x, uint64_t now, uint64_t base, uint64_t size);
void hv_expo_unmap(struct hv_exposure *x, uint64_t now, uint64_t base, uint64_t size);
void hv_expo_set_owner(struct hv_exposure *x, uint64_t now, uint64_t base, uint64_t size,
                       unsigned owner);
uint64_t hv_expo_mapped(const struct hv_exposure *x, unsigned owner);
uint64_t hv_expo_exposed_now(const struct hv_exposure *x);
double hv_expo_pair(const struct hv_exposure *x, unsigned ctx, unsigned owner);
double hv_expo_total(const struct hv_exposure *x);
uint64_t hv_expo_unmatched(const struct hv_exposure *x);
size_t hv_expo_segments(const struct hv_exposure *x);
bool hv_expo_failed(const struct hv_exposure *x);

/* hv_exposure_hooks.c: the tracker fed by the model (MPU slot changes at
 * their synchronization, EL2 leaf descriptors as they are written) and the
 * page-table storage. */
int hv_expo_attach(struct hv *hv, struct msa_error *err);
void hv_expo_detach(struct hv *hv);
unsigned hv_expo_owner_of_domid(const struct hv *hv, uint32_t domid);
void hv_expo_enter(struct hv *hv, unsigned ctx);
void hv_expo_pt_write(struct hv *hv, unsigned level, uint64_t old, uint64_t value);
void hv_expo_export(struct hv *hv);
/* A descriptor of the page-table storage (the attached RAM or the model's
 * own); 0 when `pa` is not RAM.  For tests and walks. */
uint64_t hv_pt_read(struct hv *hv, uint64_t pa);
/* hv_el2_xlat.c: `va` of the hypervisor on `core` through the EL2 tables
 * the module built (identity with SCTLR_EL2.M off); -1: not mapped, or a
 * write to a read-only page. */
int hv_el2_translate(struct hv *hv, unsigned core, uint64_t va, bool write, uint64_t *pa);
/* hv_trace.c: the physical address of `va` when it lies in a page `core`
 * holds through map_domain_page (*held true), else `va` itself. */
uint64_t hv_held_pa_of(struct hv *hv, unsigned core, uint64_t va, bool *held);
int hv_pt_store(struct hv *hv, uint64_t pa, uint64_t value);

/* hv_guest.c, hv_trap.c, hv_hypercall.c: guests at run time. */
#define HV_GUEST_RAM0_BASE 0x40000000ull   /* Xen's GUEST_RAM0_BASE */
enum { HV_EFAULT = 14, HV_EINVAL = 22, HV_ENOSYS = 38 };   /* Xen's errno values */
#define HV_GUEST_MOD_ERR (-1000)   /* hv_guest_copy: module status + this */

struct hv_vpl011 {
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc;
};

struct hv_guests {
    struct hv *hv;
    hv_console_fn console;
    void *console_ctx;
    uint64_t map_domain_page_calls;
    struct {
        struct hv_guest_counts counts;
        struct hv_vpl011 uart;
    } dom[HV_MAX_DOMAINS];
    struct hv_gnttab gnttab;        /* grant tables (hv_gnttab.c) */
};

void hv_guest_output(struct hv_guests *g, int domain, const char *bytes, size_t len);
int hv_guest_copy(struct hv_guests *g, unsigned core, int d, uint64_t gpa, void *buf,
                  uint64_t len, bool to_guest);
/* One hypercall (number in regs[16], arguments in regs[0..4], result to
 * regs[0]); may set out->action.  Returns 0 or a module status. */
int hv_hypercall(struct hv_guests *g, unsigned core, int d, uint64_t *regs,
                 struct hv_guest_outcome *out);
bool hv_vpl011_access(struct hv_guests *g, int d, uint64_t off, bool write, unsigned size,
                      uint64_t *val);

/* hv_names.c */
void hv_format_attrs(uint64_t prbar, uint64_t prlar, char *buf, size_t len);
const char *hv_ap_name(unsigned ap);
const char *hv_mem_attr_name(unsigned attrindx);
const char *hv_sh_name(unsigned sh);

#endif
