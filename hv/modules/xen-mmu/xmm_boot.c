/* xen-mmu: the boot-time EL2 address space (Xen's setup_pagetables,
 * setup_mm and the directmap), secondary CPUs and the end of boot. */
#include "hv/modules/xen-mmu/xen_mmu.h"
#include "mmu/mmu.h"

static uint64_t image_size(const struct xmm_state *st)
{
    return st->text + st->rodata + st->data + st->init + st->bss;
}

/* The MMU-on sequence of one CPU: MAIR, TCR, TTBR0, local TLBI ALLE2,
 * DSB, ISB, SCTLR_EL2 with M, C, I and WXN. */
static void mmu_on(struct xmm_state *st, struct hv_hal *h, unsigned core)
{
    hal_sysreg_write(h, core, HV_SYSREG_MAIR_EL2, HV_MAIR_EL2);
    hal_sysreg_write(h, core, HV_SYSREG_TCR_EL2, XMM_TCR_EL2);
    hal_sysreg_write(h, core, HV_SYSREG_TTBR0_EL2, st->root);
    h->ops->tlbi(h, core, HV_TLBI_ALLE2, 0);
    hal_sync(h, core);
    hal_sysreg_write(h, core, HV_SYSREG_SCTLR_EL2,
                     HV_SCTLR_M | HV_SCTLR_C | HV_SCTLR_I | HV_SCTLR_WXN);
    hal_isb(h, core);
}

int xmm_boot(void *state, struct hv_hal *h, const struct hv_boot_info *info)
{
    struct xmm_state *st = state;
    st->info = info;
    if (!info->nram) {
        h->ops->errorf(h, "%s: no RAM bank", info->source);
        return HV_ERR_BADCFG;
    }
    if (!info->nstatic_heap) {
        h->ops->errorf(h, "%s: xen-mmu needs a heap (--hv-opt heap=auto or B+S)", info->source);
        return HV_ERR_BADCFG;
    }
    /* Page tables come from the top of the heap; its bottom takes the
     * relocated device tree and the kernel-header scratch. */
    st->heap_lo = info->static_heap[0].base + ((info->fdt.size + 0x1FFFFF) & ~0x1FFFFFull);
    st->heap_top = info->static_heap[0].base + info->static_heap[0].size;
    if (!st->xen_start)
        st->xen_start = info->ram[0].base + 0x200000;
    st->dm_base = info->ram[0].base & ~((1ull << 30) - 1);
    st->vmap_next = XMM_XEN_VIRT_START + XMM_VMAP_OFF;
    st->next_vmid = 1;
    h->ops->mem_owner(h, st->xen_start, image_size(st), HV_DOMID_XEN);

    hal_op_begin(h, HV_OP_BOOT_REGIONS);
    int rc = xmm_alloc_page(st, h, HV_PT_EL2, &st->root);
    uint64_t va = XMM_XEN_VIRT_START + XMM_IMAGE_OFF, pa = st->xen_start;
    const struct {
        uint64_t size;
        uint32_t flags;
    } sec[] = {
        {st->text, HV_MAP_HYPERVISOR_RX}, {st->rodata, HV_MAP_HYPERVISOR_RO},
        {st->data, HV_MAP_HYPERVISOR_RW}, {st->init, HV_MAP_HYPERVISOR_RX | HV_MAP_WRITE},
        {st->bss, HV_MAP_HYPERVISOR_RW},
    };
    for (unsigned i = 0; rc == HV_OK && i < sizeof sec / sizeof sec[0]; i++) {
        /* WXN forbids RWX: init is mapped RW and XN here (init data). */
        uint32_t f = sec[i].flags;
        if ((f & HV_MAP_WRITE) && (f & HV_MAP_EXEC))
            f &= ~HV_MAP_EXEC;
        rc = xmm_pt_map(st, h, HV_PT_EL2, st->root, 0, 1, va, pa, sec[i].size, xmm_s1_attrs(f),
                        false, st->el2_blocks);
        va += sec[i].size;
        pa += sec[i].size;
    }
    if (rc == HV_OK && info->console_uart.size)
        rc = xmm_pt_map(st, h, HV_PT_EL2, st->root, 0, 1, XMM_XEN_VIRT_START + XMM_FIXMAP_OFF,
                        info->console_uart.base & ~(HV_PAGE_SIZE - 1), HV_PAGE_SIZE,
                        xmm_s1_attrs(HV_MAP_HYPERVISOR_NOCACHE), false, st->el2_blocks);
    if (rc == HV_OK)
        mmu_on(st, h, 0);
    hal_op_end(h, HV_OP_BOOT_REGIONS, rc);
    if (rc)
        return rc;

    /* The early device-tree mapping: 2 MiB blocks, read-only. */
    if (info->fdt.size) {
        hal_op_begin(h, HV_OP_EARLY_FDT_MAP);
        uint64_t b = info->fdt.base & ~0x1FFFFFull;
        uint64_t e = (info->fdt.base + info->fdt.size + 0x1FFFFF) & ~0x1FFFFFull;
        if (e - b > 0x400000)
            e = b + 0x400000;   /* the slot holds 4 MiB */
        rc = xmm_el2_map(st, h, XMM_XEN_VIRT_START + XMM_FDT_OFF, b, e - b,
                         HV_MAP_HYPERVISOR_RO, true);
        hal_op_end(h, HV_OP_EARLY_FDT_MAP, rc);
        if (rc)
            return rc;
    }

    /* setup_mm: the directmap of every RAM bank. */
    hal_op_begin(h, HV_OP_SETUP_MM);
    for (unsigned i = 0; rc == HV_OK && st->directmap && i < info->nram; i++) {
        uint64_t b = (info->ram[i].base + 0xFFF) & ~0xFFFull;
        uint64_t e = (info->ram[i].base + info->ram[i].size) & ~0xFFFull;
        if (e > b)
            rc = xmm_el2_map(st, h, XMM_DIRECTMAP_VIRT_START + (b - st->dm_base), b, e - b,
                             HV_MAP_HYPERVISOR_RW, st->superpages);
    }
    hal_op_end(h, HV_OP_SETUP_MM, rc);
    return rc;
}

int xmm_cpu_up(void *state, struct hv_hal *h, unsigned core)
{
    struct xmm_state *st = state;
    if (core >= HV_MAX_CORES)
        return HV_ERR_INVAL;
    mmu_on(st, h, core);
    return HV_OK;
}

/* alloc_xenheap_pages: one page from the heap; without a directmap it is
 * mapped in the vmap area when allocated. */
int xmm_xenheap_alloc(struct xmm_state *st, struct hv_hal *h, const char *purpose)
{
    uint64_t pa;
    int rc = xmm_alloc_page(st, h, HV_PT_EL2, &pa);
    if (rc || st->directmap)
        return rc;
    for (unsigned i = 0; i < XMM_MAX_VMAP; i++) {
        struct xmm_vmap *v = &st->vmap[i];
        if (v->in_use)
            continue;
        *v = (struct xmm_vmap){.pa = pa, .size = HV_PAGE_SIZE, .va = st->vmap_next,
                               .owner = HV_OWNER_HEAP, .purpose = purpose, .in_use = true};
        st->vmap_next += HV_PAGE_SIZE;
        return xmm_el2_map(st, h, v->va, pa, HV_PAGE_SIZE, HV_MAP_HYPERVISOR_RW, false);
    }
    h->ops->errorf(h, "vmap table full (%u entries)", XMM_MAX_VMAP);
    return HV_ERR_NOSPC;
}

/* free_init_memory: the init section's pages unmapped. */
int xmm_finish_boot(void *state, struct hv_hal *h)
{
    struct xmm_state *st = state;
    if (st->init_freed || !st->init)
        return HV_OK;
    hal_op_begin(h, HV_OP_FREE_INIT_MEMORY);
    uint64_t va = XMM_XEN_VIRT_START + XMM_IMAGE_OFF + st->text + st->rodata + st->data;
    int rc = xmm_el2_unmap(st, h, va, st->init);
    if (rc == HV_OK) {
        h->ops->mem_owner(h, st->xen_start + st->text + st->rodata + st->data, st->init,
                          HV_MEM_FREE);
        st->init_freed = true;
    }
    hal_op_end(h, HV_OP_FREE_INIT_MEMORY, rc);
    return rc;
}
