/* xen-mmu: a model of Xen's Arm64 (VMSA, profile a) memory manager.
 *
 * Layout of the EL2 address space (facts of Xen's arm64 config.h; 4 KiB
 * granule, 48-bit VA, four levels from L0, one set of tables shared by all
 * CPUs, TTBR0_EL2):
 *   XEN_VIRT_START = L0 slot 4 (0x0000020000000000)
 *     + 2M   the Xen image: text RX, rodata RO, data and BSS RW, init RX/RW
 *            (4 KiB pages, freed at the end of boot)
 *     + 10M  fixmap: the early UART
 *     + 12M  the boot device tree (2 MiB blocks, read-only)
 *     + 1G   vmap: ioremap, copy_from_paddr mappings, xenheap pages
 *     + 2G   the mapcache (without directmap): N 4 KiB slots per CPU
 *   DIRECTMAP_VIRT_START = L0 slot 256 (0x0000800000000000): all RAM, 1 GiB
 *            and 2 MiB blocks where alignment allows, RW, XN.
 *
 * map_domain_page: with the directmap, the page's directmap address (no
 * table write).  Without it, a per-CPU mapcache of N slots (the reading
 * taken here of Xen's x86 mapcache and of the directmap-less Arm work:
 * slots are per CPU, a page already held is shared by reference, an unmap
 * only drops the reference and leaves the entry until the slot is reused;
 * a reused slot gets its new PTE and a local TLBI VALE2 + DSB + ISB).
 * xenheap pages (struct domain, vCPUs) are mapped in the vmap area when
 * allocated if there is no directmap.
 *
 * Stage 2 (p2m): per domain, VMID, 40-bit IPA, start level 1 with two
 * concatenated root pages (VTCR_EL2.SL0 = 1), the largest blocks alignment
 * allows (1 GiB, 2 MiB, 4 KiB; superpages=off: 4 KiB only).
 *
 * TLB maintenance: a change of Xen's stage 1 (xen_pt_update) ends with
 * DSB ISHST, TLBI VAE2IS per page of the range (one TLBI ALLE2IS instead
 * when the range exceeds XMM_FLUSH_PAGES pages: the model's cap), DSB ISH,
 * ISB; new p2m entries need no TLBI (nothing valid was replaced); boot and
 * cpu_up: TLBI ALLE2 local after TTBR0_EL2 is set. */
#ifndef MSASIM_HV_MODULES_XEN_MMU_XEN_MMU_H
#define MSASIM_HV_MODULES_XEN_MMU_XEN_MMU_H

#include "hv/hal.h"
#include "hv/hv.h"
#include "hv/hv_lib.h"

#define XMM_XEN_VIRT_START 0x0000020000000000ull
#define XMM_IMAGE_OFF      0x200000ull
#define XMM_FIXMAP_OFF     0xA00000ull
#define XMM_FDT_OFF        0xC00000ull
#define XMM_VMAP_OFF       0x40000000ull
#define XMM_VMAP_SIZE      0x40000000ull
#define XMM_MAPCACHE_OFF   0x80000000ull
#define XMM_DIRECTMAP_VIRT_START 0x0000800000000000ull

#define XMM_MAX_SLOTS 64          /* mapcache slots per CPU */
#define XMM_MAX_VMAP 128
#define XMM_MAX_P2M 32
#define XMM_MAX_FREE 256
#define XMM_FLUSH_PAGES 64

/* TCR_EL2: T0SZ 16, inner/outer WBWA, inner shareable, 4K, PS 48 bits. */
#define XMM_TCR_EL2 (16ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 5ull << 16)
/* VTCR_EL2: T0SZ 24 (40-bit IPA), SL0 1 (level 1), WBWA, IS, 4K, PS 40. */
#define XMM_VTCR_EL2 (24ull | 1ull << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 2ull << 16)
/* HCR_EL2 while a guest vCPU runs: VM, FMO, IMO, TWI, TWE, TSC, RW. */
#define XMM_HCR_GUEST (1ull << 0 | 1ull << 3 | 1ull << 4 | 1ull << 13 | 1ull << 14 | 1ull << 19 | \
                       1ull << 31)

struct xmm_slot {
    uint64_t pa;
    unsigned refs;
    bool valid;                   /* the PTE maps pa (possibly stale) */
};

struct xmm_vmap {
    uint64_t pa, size, va;
    enum hv_owner owner;
    const char *purpose;
    bool in_use;
};

struct xmm_p2m {
    uint64_t gpa, pa, size;
    uint32_t flags;
    const char *purpose;
};

struct xmm_domain {
    bool created;
    const struct hv_domain_info *info;
    uint16_t vmid;
    uint64_t root;                /* two concatenated pages */
    unsigned np2m;
    struct xmm_p2m p2m[XMM_MAX_P2M];
    uint64_t blocks[4];           /* leaves written per level */
};

struct xmm_state {
    bool defaults_set;
    /* options */
    bool directmap;
    unsigned nslots;
    bool superpages;
    uint64_t xen_start;
    uint64_t text, rodata, data, init, bss;

    const struct hv_boot_info *info;
    uint64_t root;                /* TTBR0_EL2 */
    uint64_t dm_base;             /* PA at DIRECTMAP_VIRT_START */
    /* heap: page-table and xenheap pages from the top of the static heap */
    uint64_t heap_lo, heap_top;
    uint64_t free_pages[XMM_MAX_FREE];
    unsigned nfree;
    uint64_t vmap_next;
    struct xmm_vmap vmap[XMM_MAX_VMAP];
    struct xmm_slot slot[HV_MAX_CORES][XMM_MAX_SLOTS];
    unsigned slot_hand[HV_MAX_CORES];
    uint16_t next_vmid;
    struct xmm_domain dom[HV_MAX_DOMAINS];
    bool init_freed;
    uint64_t el2_blocks[4];       /* EL2 leaves written per level */
};

/* xmm_pt.c: tables of either space. */
int xmm_alloc_page(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t *pa);
int xmm_alloc_pages2(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t *pa);
/* Map [va, va + size) -> pa with leaf attributes `attrs` (type bits
 * added), blocks when `blocks`.  `counts` gets leaves per level. */
int xmm_pt_map(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t root,
               int start_level, unsigned root_pages, uint64_t va, uint64_t pa, uint64_t size,
               uint64_t attrs, bool blocks, uint64_t counts[4]);
/* Clear the leaves of [va, va + size) (each must be a whole leaf). */
int xmm_pt_unmap(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t root,
                 int start_level, unsigned root_pages, uint64_t va, uint64_t size);
uint64_t xmm_s1_attrs(uint32_t flags);
uint64_t xmm_s2_attrs(uint32_t flags);
/* xen_pt_update's closing maintenance for [va, va + size). */
void xmm_flush_range(struct hv_hal *h, unsigned core, uint64_t va, uint64_t size);
int xmm_el2_map(struct xmm_state *st, struct hv_hal *h, uint64_t va, uint64_t pa, uint64_t size,
                uint32_t flags, bool blocks);
int xmm_el2_unmap(struct xmm_state *st, struct hv_hal *h, uint64_t va, uint64_t size);

/* xmm_boot.c */
int xmm_boot(void *state, struct hv_hal *h, const struct hv_boot_info *info);
int xmm_cpu_up(void *state, struct hv_hal *h, unsigned core);
int xmm_finish_boot(void *state, struct hv_hal *h);
int xmm_xenheap_alloc(struct xmm_state *st, struct hv_hal *h, const char *purpose);

#endif
