/* xen-mpu: a model of upstream Xen's Armv8-R (PMSA) memory manager.
 *
 * Design, after xen/arch/arm/mpu and arm64/mpu (4.22 and master) and the
 * 2026-04 dom0less series (see the reference notes, sections 2.8 and 5):
 *   - a software shadow of the EL2 MPU per CPU (xen_mpumap) with a used-slot
 *     bitmap, filled first by head.S;
 *   - one function every mapping change goes through, xm_update
 *     (xen_mpumap_update): an exact match (FOUND) or a containing region
 *     (INCLUSIVE) takes a reference; a miss (NOTFOUND) allocates a slot;
 *     a partial overlap is refused; an unmap drops a reference or disables
 *     an exactly matching region; every success ends with DSB + ISB;
 *   - boot regions for text, rodata, ro_after_init+data, init text, init
 *     data+BSS and the early UART; setup_mm maps the static heap as one
 *     region; free_init_memory and modify_after_init_mappings give the
 *     runtime layout;
 *   - a p2m table per domain, inserted into the EL2 MPU at vCPU switch-in
 *     and removed at switch-out.
 * Policies (--hv-opt): alloc=first-fit|reserved=N|prenr,
 * map-domain-page=transient|ram, disable=prlar|prenr-upstream, and the
 * image layout.
 *
 * SMP: upstream has none on MPU.  The model keeps one table per CPU: a
 * hypervisor mapping goes to every online CPU (in one slot number where
 * possible), transient and stage-2 regions only to the CPU that uses them. */
#ifndef MSASIM_HV_MODULES_XEN_MPU_XEN_MPU_H
#define MSASIM_HV_MODULES_XEN_MPU_XEN_MPU_H

#include "hv/hal.h"
#include "hv/hv.h"
#include "hv/hv_lib.h"
#include "mpu/mpu.h"

#define XM_MAX_SLOTS 255          /* MAX_MPU_REGION_NR: MPUIR.REGION is 8 bits */
#define XM_MAX_P2M 64             /* stage-2 regions per domain (Xen's table holds 255) */
#define XM_MAX_RAM 32             /* regions of the map-domain-page=ram policy */
#define XM_PRENR_SLOTS 32         /* PRENR reaches regions 0..31 */
#define XM_GAP_INSIDE 8           /* live slots a free stretch may list */

enum xm_alloc { XM_ALLOC_FIRST_FIT, XM_ALLOC_RESERVED, XM_ALLOC_PRENR };
enum xm_mdp { XM_MDP_TRANSIENT, XM_MDP_RAM };
enum xm_disable { XM_DISABLE_PRLAR, XM_DISABLE_PRENR_UPSTREAM };
enum xm_class { XM_CLASS_HV, XM_CLASS_GUEST };

/* mpumap_contains_region results, Xen's values. */
enum xm_match { XM_OVERLAP = -1, XM_NOTFOUND = 0, XM_FOUND = 1, XM_INCLUSIVE = 2 };

/* One entry of xen_mpumap (pr_t plus what the reports need). */
struct xm_entry {
    uint64_t prbar, prlar;
    uint8_t refcount;
    uint8_t owner;                /* enum hv_owner */
    bool in_use;                  /* bit set in xen_mpumap_mask */
    bool guest;                   /* a stage-2 region */
    uint32_t domid;
    const char *purpose;
};

struct xm_cpu {
    struct xm_entry map[XM_MAX_SLOTS];
    /* The slots with in_use set, as a bitmap (Xen keeps xen_mpumap_mask
     * so): the scans visit these slots only.  Kept by xm_keep, which every
     * way an entry is (re)placed or changed goes through (xm_put_entry,
     * xm_put_live_entry, xm_clear_entry, xm_entry_changed). */
    uint64_t used[(XM_MAX_SLOTS + 63) / 64];
    /* Each slot's range [lo, last] while it is in use and enabled, else
     * the empty [UINT64_MAX, 0]: the containment scan compares these two
     * packed words instead of decoding PRBAR/PRLAR slot by slot.  Kept by
     * xm_keep, with `used`. */
    uint64_t lo[XM_MAX_SLOTS], last[XM_MAX_SLOTS];
    /* A free stretch [gap_lo, gap_hi]: no live slot's range reaches into
     * it but those listed in `inside`, the slots made live there since a
     * scan that found nothing there measured it.  A transient mapping made
     * and removed in free space (map_domain_page) is then looked for among
     * the few listed slots instead of every used one.  Kept by xm_keep;
     * given up when more slots would need listing. */
    bool gap_valid;
    uint8_t ninside;
    uint8_t inside[XM_GAP_INSIDE];
    uint64_t gap_lo, gap_hi;
    int cur_domain;               /* -1: idle vCPU */
    unsigned cur_vcpu;
    bool ram_unloaded;            /* ram-policy regions taken out for a guest */
    uint8_t resident[HV_MAX_DOMAINS][XM_MAX_P2M];   /* prenr: slot + 1, 0 none */
};

struct xm_p2m {
    uint64_t base, limit;         /* [base, limit) */
    uint32_t flags;
    const char *purpose;
};

struct xm_domain {
    bool created;
    const struct hv_domain_info *info;
    uint16_t vmid;
    unsigned np2m;
    struct xm_p2m p2m[XM_MAX_P2M];
};

/* Section sizes of the Xen image (linker order) and its link address. */
struct xm_layout {
    uint64_t start;               /* XEN_START_ADDRESS; 0: RAM base + 2 MiB */
    uint64_t text, rodata, ro_after_init, data, init_text, init_data, bss;
};

/* Linker symbols derived from the layout. */
struct xm_image {
    uint64_t stext, etext, srodata, erodata;
    uint64_t ro_after_init_start, ro_after_init_end;
    uint64_t init_begin, init_data_begin, init_end;
    uint64_t bss_start, bss_end;
};

struct xm_state {
    bool defaults_set;
    /* options */
    enum xm_alloc alloc;
    unsigned reserved;            /* alloc=reserved=N */
    enum xm_mdp mdp;
    enum xm_disable disable;
    bool early_printk;
    bool el1_context;
    struct xm_layout lay;

    /* boot */
    const struct hv_boot_info *info;
    struct xm_image img;
    unsigned nslots;              /* max_mpu_regions = min(MPUIR_EL2, 255) */
    unsigned nel1;                /* MPUIR_EL1 */
    uint16_t next_vmid;
    struct hv_range ram[XM_MAX_RAM];
    unsigned nram;
    bool booted;

    struct xm_domain dom[HV_MAX_DOMAINS];
    /* The CPUs brought up, a bit each: the loops over CPUs test these bits
     * and touch only the online CPUs' tables. */
    uint64_t online;
    struct xm_cpu cpu[HV_MAX_CORES];
    /* Saved EL1 MPU regions per vCPU (global vCPU index). */
    uint64_t el1ctx[HV_MAX_VCPUS][MPU_MAX_REGIONS][2];
};

/* Options for one update. */
struct xm_req {
    uint64_t base, limit;         /* [base, limit), page aligned */
    uint32_t flags;
    enum hv_owner owner;
    uint32_t domid;
    const char *purpose;
    enum xm_class cls;
    bool p2m;                     /* a stage-2 region: W+X allowed, AP[0] set */
    bool modify;                  /* an intended modify_xen_mappings */
};

_Static_assert(HV_MAX_CORES <= 64, "xm_state.online has a bit per CPU");

static inline bool xm_online(const struct xm_state *st, unsigned core)
{
    return core < HV_MAX_CORES && (st->online >> core & 1);
}

/* What the scans keep of slot `slot`, from what its entry now is: in use
 * or not, and the range [lo, last] it covers when live (in use and
 * enabled).  The callers below pass what they know as constants, so that
 * each gets only the work its change needs. */
static inline void xm_keep(struct xm_cpu *cpu, unsigned slot, bool in_use, bool live,
                           uint64_t lo, uint64_t last)
{
    uint64_t bit = 1ull << (slot % 64);
    if (in_use)
        cpu->used[slot / 64] |= bit;
    else
        cpu->used[slot / 64] &= ~bit;
    cpu->lo[slot] = live ? lo : UINT64_MAX;
    cpu->last[slot] = live ? last : 0;
    if (!cpu->gap_valid)
        return;
    for (unsigned k = 0; k < cpu->ninside; k++)
        if (cpu->inside[k] == slot) {
            cpu->inside[k] = cpu->inside[--cpu->ninside];
            break;
        }
    if (live && last >= cpu->gap_lo && lo <= cpu->gap_hi) {
        if (cpu->ninside == XM_GAP_INSIDE)
            cpu->gap_valid = false;
        else
            cpu->inside[cpu->ninside++] = (uint8_t)slot;
    }
}

static inline uint64_t xm_entry_lo(const struct xm_entry *e) { return e->prbar & MPU_ADDR_MASK; }
static inline uint64_t xm_entry_last(const struct xm_entry *e)
{
    return (e->prlar & MPU_ADDR_MASK) | (MPU_GRANULE - 1);
}

/* Refreshes what the scans keep of slot `slot` after its entry changed. */
static inline void xm_entry_changed(struct xm_cpu *cpu, unsigned slot)
{
    const struct xm_entry *e = &cpu->map[slot];
    xm_keep(cpu, slot, e->in_use, e->in_use && (e->prlar & MPU_PRLAR_EN), xm_entry_lo(e),
            xm_entry_last(e));
}

static inline void xm_put_entry(struct xm_cpu *cpu, unsigned slot, struct xm_entry e)
{
    cpu->map[slot] = e;
    xm_entry_changed(cpu, slot);
}

/* xm_put_entry of an entry in use and enabled (a new region). */
static inline void xm_put_live_entry(struct xm_cpu *cpu, unsigned slot, struct xm_entry e)
{
    cpu->map[slot] = e;
    xm_keep(cpu, slot, true, true, xm_entry_lo(&e), xm_entry_last(&e));
}

/* xm_put_entry of an empty entry. */
static inline void xm_clear_entry(struct xm_cpu *cpu, unsigned slot)
{
    cpu->map[slot] = (struct xm_entry){0};
    xm_keep(cpu, slot, false, false, UINT64_MAX, 0);
}

/* xm_update.c */
/* The first slot below nslots that is in use, enabled and touches
 * [base, last] (what Xen's slot-by-slot search finds), or nslots. */
unsigned xm_first_touching(const struct xm_state *st, struct xm_cpu *cpu, uint64_t base,
                           uint64_t last);
uint64_t xm_prbar_of(uint64_t base, uint32_t flags, bool p2m);
uint64_t xm_prlar_of(uint64_t limit, uint32_t flags);
enum xm_match xm_contains(struct xm_state *st, struct hv_hal *h, unsigned core, uint64_t base,
                          uint64_t limit, unsigned *idx);
int xm_update(struct xm_state *st, struct hv_hal *h, unsigned core, const struct xm_req *rq);
int xm_update_all(struct xm_state *st, struct hv_hal *h, const struct xm_req *rq);
int xm_destroy_containing(struct xm_state *st, struct hv_hal *h, unsigned core, uint64_t addr);
void xm_write_entry(struct xm_state *st, struct hv_hal *h, unsigned core, unsigned slot);
int xm_set_base_limit(struct xm_state *st, struct hv_hal *h, uint64_t base, uint64_t limit,
                      uint64_t new_base, uint64_t new_limit);

/* xm_boot.c */
int xm_boot(void *state, struct hv_hal *h, const struct hv_boot_info *info);
int xm_cpu_up(void *state, struct hv_hal *h, unsigned core);
int xm_finish_boot(void *state, struct hv_hal *h);
int xm_map_ram(struct xm_state *st, struct hv_hal *h, unsigned core, bool map);

/* xm_p2m.c */
int xm_create_domain(void *state, struct hv_hal *h, const struct hv_domain_info *dom);
int xm_p2m_update(void *state, struct hv_hal *h, int domain, uint64_t gpa, uint64_t pa,
                  uint64_t size, uint32_t flags, const char *purpose);
int xm_context_switch(void *state, struct hv_hal *h, unsigned core,
                      const struct hv_vcpu_ref *prev, const struct hv_vcpu_ref *next);
int xm_map_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t pa, uint64_t *va);
int xm_unmap_domain_page(void *state, struct hv_hal *h, unsigned core, uint64_t va);

#endif
