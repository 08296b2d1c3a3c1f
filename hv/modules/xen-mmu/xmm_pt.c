/* xen-mmu: page tables of either space (Xen's stage 1 at EL2, a domain's
 * stage 2), written one descriptor at a time through the HAL so that every
 * store is counted and the exposure follows each leaf. */
#include "hv/modules/xen-mmu/xen_mmu.h"
#include "mmu/mmu.h"

#define OA_MASK MMU_DESC_OA_MASK

static unsigned level_shift(int level) { return 12u + 9u * (unsigned)(3 - level); }

int xmm_alloc_page(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t *pa)
{
    if (st->nfree) {
        *pa = st->free_pages[--st->nfree];
    } else {
        if (st->heap_top < st->heap_lo + HV_PAGE_SIZE) {
            h->ops->errorf(h, "the heap [0x%llx, 0x%llx) has no page left for a page table",
                           (unsigned long long)st->heap_lo, (unsigned long long)st->heap_top);
            return HV_ERR_NOSPC;
        }
        st->heap_top -= HV_PAGE_SIZE;
        *pa = st->heap_top;
    }
    h->ops->pt_page(h, sp, *pa, true);
    return HV_OK;
}

/* Two contiguous pages aligned to 8 KiB (a concatenated stage-2 root). */
int xmm_alloc_pages2(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t *pa)
{
    uint64_t top = st->heap_top & ~(2 * HV_PAGE_SIZE - 1);
    if (top < st->heap_lo + 2 * HV_PAGE_SIZE) {
        h->ops->errorf(h, "the heap has no room for a stage-2 root table");
        return HV_ERR_NOSPC;
    }
    /* A page skipped for alignment goes to the free list. */
    if (top != st->heap_top && st->nfree < XMM_MAX_FREE)
        st->free_pages[st->nfree++] = top;
    st->heap_top = top - 2 * HV_PAGE_SIZE;
    *pa = st->heap_top;
    h->ops->pt_page(h, sp, *pa, true);
    h->ops->pt_page(h, sp, *pa + HV_PAGE_SIZE, true);
    return HV_OK;
}

/* Address of the descriptor for `va` at `level`, creating the tables above
 * it when `create`.  1: a table is missing (not created); negative: a
 * block lies in the way. */
static int entry_addr(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t root,
                      int start, unsigned root_pages, uint64_t va, int level, bool create,
                      uint64_t *addr)
{
    uint64_t table = root;
    for (int l = start;; l++) {
        uint64_t n = l == start ? 512ull * root_pages : 512;
        uint64_t a = table + ((va >> level_shift(l)) & (n - 1)) * 8;
        if (l == level) {
            *addr = a;
            return 0;
        }
        uint64_t d = h->ops->pt_read(h, a);
        if ((d & 3) == 3) {
            table = d & OA_MASK;
            continue;
        }
        if (d & 1) {
            h->ops->errorf(h, "0x%llx: a level-%d block is in the way of a level-%d entry",
                           (unsigned long long)va, l, level);
            return HV_ERR_INVAL;
        }
        if (!create)
            return 1;
        uint64_t t;
        int rc = xmm_alloc_page(st, h, sp, &t);
        if (rc)
            return rc;
        h->ops->pt_write(h, 0, sp, (unsigned)l, a, t | MMU_DESC_VALID | MMU_DESC_TABLE);
        table = t;
    }
}

int xmm_pt_map(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t root,
               int start_level, unsigned root_pages, uint64_t va, uint64_t pa, uint64_t size,
               uint64_t attrs, bool blocks, uint64_t counts[4])
{
    if ((va | pa | size) & (HV_PAGE_SIZE - 1)) {
        h->ops->errorf(h, "map 0x%llx -> 0x%llx +0x%llx: not 4 KiB-aligned",
                       (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
        return HV_ERR_INVAL;
    }
    while (size) {
        int level = blocks ? (start_level > 1 ? start_level : 1) : 3;
        for (;; level++) {
            uint64_t bs = 1ull << level_shift(level);
            if (level < 3 && (((va | pa) & (bs - 1)) || size < bs))
                continue;
            uint64_t a;
            int rc = entry_addr(st, h, sp, root, start_level, root_pages, va, level, true, &a);
            if (rc < 0)
                return rc;
            uint64_t d = h->ops->pt_read(h, a);
            if (level < 3 && (d & 3) == 3)
                continue;   /* finer mappings already there: go down */
            uint64_t type = level == 3 ? (MMU_DESC_VALID | MMU_DESC_TABLE) : MMU_DESC_VALID;
            h->ops->pt_write(h, 0, sp, (unsigned)level, a, (pa & OA_MASK) | attrs | type);
            h->ops->sw(h, 0, 1);
            if (counts)
                counts[level]++;
            va += bs;
            pa += bs;
            size -= bs;
            break;
        }
    }
    return HV_OK;
}

int xmm_pt_unmap(struct xmm_state *st, struct hv_hal *h, enum hv_pt_space sp, uint64_t root,
                 int start_level, unsigned root_pages, uint64_t va, uint64_t size)
{
    while (size) {
        int level = start_level;
        uint64_t a = 0, d = 0;
        for (;; level++) {
            int rc = entry_addr(st, h, sp, root, start_level, root_pages, va, level, false, &a);
            if (rc < 0)
                return rc;
            if (rc == 1) {
                d = 0;
                break;
            }
            d = h->ops->pt_read(h, a);
            if (!(d & 1) || level == 3 || (d & 3) == 1)
                break;
        }
        uint64_t bs = (d & 1) ? 1ull << level_shift(level) : HV_PAGE_SIZE;
        if ((d & 1) && ((va & (bs - 1)) || size < bs)) {
            h->ops->errorf(h, "unmap 0x%llx +0x%llx: part of a level-%d block (not split by "
                           "this model)", (unsigned long long)va, (unsigned long long)size, level);
            return HV_ERR_INVAL;
        }
        if (d & 1)
            h->ops->pt_write(h, 0, sp, (unsigned)level, a, 0);
        va += bs;
        size = size > bs ? size - bs : 0;
    }
    return HV_OK;
}

uint64_t xmm_s1_attrs(uint32_t flags)
{
    unsigned attr = HV_MAP_ATTR_OF(flags);
    bool device = attr == HV_ATTR_DEVICE_nGnRnE || attr == HV_ATTR_DEVICE_nGnRE;
    uint64_t a = MMU_DESC_AF | MMU_S1_ATTRINDX(attr) |
                 MMU_DESC_SH(device ? MMU_SH_OUTER : MMU_SH_INNER);
    if (!(flags & HV_MAP_WRITE))
        a |= MMU_S1_AP_RO;
    if (!(flags & HV_MAP_EXEC))
        a |= MMU_S1_XN;
    return a;
}

uint64_t xmm_s2_attrs(uint32_t flags)
{
    unsigned attr = HV_MAP_ATTR_OF(flags);
    bool device = attr == HV_ATTR_DEVICE_nGnRnE || attr == HV_ATTR_DEVICE_nGnRE;
    uint64_t a = MMU_DESC_AF | MMU_DESC_SH(MMU_SH_INNER) | MMU_S2AP_R |
                 MMU_S2_MEMATTR(device ? MMU_S2_MEMATTR_DEVICE_nGnRE : MMU_S2_MEMATTR_WB);
    if (flags & HV_MAP_WRITE)
        a |= MMU_S2AP_W;
    if (!(flags & HV_MAP_EXEC))
        a |= MMU_S2_XN;
    return a;
}

void xmm_flush_range(struct hv_hal *h, unsigned core, uint64_t va, uint64_t size)
{
    h->ops->dsb(h, core);
    uint64_t pages = (size + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE;
    if (pages > XMM_FLUSH_PAGES)
        h->ops->tlbi(h, core, HV_TLBI_ALLE2IS, 0);
    else
        for (uint64_t i = 0; i < pages; i++)
            h->ops->tlbi(h, core, HV_TLBI_VAE2IS, (va >> 12) + i);
    h->ops->dsb(h, core);
    h->ops->isb(h, core);
}

int xmm_el2_map(struct xmm_state *st, struct hv_hal *h, uint64_t va, uint64_t pa, uint64_t size,
                uint32_t flags, bool blocks)
{
    int rc = xmm_pt_map(st, h, HV_PT_EL2, st->root, 0, 1, va, pa, size, xmm_s1_attrs(flags),
                        blocks, st->el2_blocks);
    if (rc == HV_OK)
        xmm_flush_range(h, 0, va, size);
    return rc;
}

int xmm_el2_unmap(struct xmm_state *st, struct hv_hal *h, uint64_t va, uint64_t size)
{
    int rc = xmm_pt_unmap(st, h, HV_PT_EL2, st->root, 0, 1, va, size);
    if (rc == HV_OK)
        xmm_flush_range(h, 0, va, size);
    return rc;
}
