/* Building a dom0less domain's memory, as Xen's kernel and domain-build
 * code does it on the boot CPU, through the module's interface:
 *
 *   kernel   a header probe (copy_from_paddr of 64 bytes), then the image
 *            mapped with ioremap_wc and copied page by page into guest RAM:
 *            map_domain_page, memcpy, clean to the point of coherency,
 *            unmap_domain_page (copy_to_guest_phys_flush_dcache);
 *   ramdisk  the same;
 *   DTB      passthrough fragments read through ioremap_cache; the guest's
 *            device tree, built in the heap, copied page by page like the
 *            kernel.
 *
 * Placement follows Xen for 64-bit images and direct-mapped memory: the
 * kernel at the start of the first static-memory bank; the DTB at 128 MiB
 * above it (or the next 2 MiB boundary after the kernel when that does not
 * fit), the ramdisk at the next 2 MiB boundary after the DTB.  The copies
 * read the module sizes from the device tree, so the page counts are real.
 * The guest DTB's size is an assumption: 4 KiB plus the passthrough
 * fragments (Xen reports ~2 KiB for a domU without passthrough). */
#include <inttypes.h>

#include "hv/hv_internal.h"
#include "hv/hv_lib.h"

#define MIB ((uint64_t)1 << 20)
#define GUEST_DTB_BASE_SIZE 4096

/* copy_to_guest_phys_flush_dcache: one page at a time. */
static int copy_to_guest(struct hv *hv, uint64_t dst, uint64_t src, uint64_t len)
{
    uint64_t done = 0;
    while (done < len) {
        uint64_t pa = dst + done;
        uint64_t page = pa & ~(HV_PAGE_SIZE - 1), off = pa - page;
        uint64_t n = HV_PAGE_SIZE - off;
        if (n > len - done)
            n = len - done;
        uint64_t va = page;
        hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
        int rc = hv_call_map_domain_page(hv, 0, page, &va);
        hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
        if (rc)
            return rc;
        rc = hv_core_copy(hv, 0, va + off, src + done, n);
        if (rc == 0)
            hv_core_clean(hv, 0, va + off, n);
        hv_acc_op_begin(hv, HV_OP_UNMAP_DOMAIN_PAGE);
        int rc2 = hv_call_unmap_domain_page(hv, 0, va);
        hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc2);
        if (rc)
            return rc;
        if (rc2)
            return rc2;
        done += n;
    }
    return 0;
}

static struct hv_map_req module_req(const struct hv_blob *b, uint32_t flags, const char *purpose)
{
    uint64_t s = b->base & ~(HV_PAGE_SIZE - 1);
    uint64_t e = hv_align_up(b->base + b->size, HV_PAGE_SIZE);
    return (struct hv_map_req){.core = HV_ALL_CORES, .base = s, .size = e - s, .flags = flags,
                               .owner = HV_OWNER_OTHER, .domid = HV_DOMID_XEN,
                               .purpose = purpose};
}

/* ioremap_wc (or _cache) of a boot module, the copy, iounmap. */
static int load_blob(struct hv *hv, const struct hv_blob *b, uint64_t dst, bool to_guest,
                     uint32_t flags, const char *purpose)
{
    struct hv_map_req req = module_req(b, flags, purpose);
    int rc = hv_nested_map(hv, HV_OP_IOREMAP, &req);
    if (rc)
        return rc;
    if (to_guest)
        rc = copy_to_guest(hv, dst, b->base, b->size);
    else
        rc = hv_core_copy(hv, 0, dst, b->base, b->size);
    req.flags = 0;
    int rc2 = hv_nested_map(hv, HV_OP_IOUNMAP, &req);
    return rc ? rc : rc2;
}

static const struct hv_blob *find_blob(const struct hv_domain_info *di, enum hv_blob_kind k)
{
    for (unsigned i = 0; i < di->nmodules; i++)
        if (di->modules[i].kind == k)
            return &di->modules[i];
    return NULL;
}

int hv_load_domain(struct hv *hv, unsigned d, struct msa_error *err)
{
    const struct hv_domain_info *di = &hv->domains[d];
    const char *src = hv->info.source;
    const struct hv_blob *kernel = find_blob(di, HV_BLOB_KERNEL);
    const struct hv_blob *ramdisk = find_blob(di, HV_BLOB_RAMDISK);
    if (!kernel) {
        msa_error_set(err, "%s: node /chosen/%s: no multiboot,kernel module: Xen has nothing "
                      "to load", src, di->name);
        return HV_RUN_BAD_INPUT;
    }
    if (!di->nstatic_mem) {
        hv_note(hv, "domain %s has no xen,static-mem: its kernel is not loaded", di->name);
        return 0;
    }
    const struct hv_range *bank = &di->static_mem[0];
    uint64_t bank_end = bank->base + bank->size;
    uint64_t dtb_size = GUEST_DTB_BASE_SIZE;
    for (unsigned i = 0; i < di->nmodules; i++)
        if (di->modules[i].kind == HV_BLOB_DEVICE_TREE)
            dtb_size += di->modules[i].size;
    uint64_t kernel_end = bank->base + kernel->size;
    uint64_t mods = hv_align_up(dtb_size, 2 * MIB) + (ramdisk ? ramdisk->size : 0);
    uint64_t mod_base = bank->base + 128 * MIB;
    if (mod_base < kernel_end || mod_base + mods > bank_end)
        mod_base = hv_align_up(kernel_end, 2 * MIB);
    if (kernel->size > bank->size || mod_base + mods > bank_end) {
        msa_error_set(err, "%s: node /chosen/%s: %s: kernel (0x%" PRIx64 " bytes)%s do not fit "
                      "in the first xen,static-mem bank (0x%" PRIx64 " bytes)", src, di->name,
                      kernel->name, kernel->size, ramdisk ? ", ramdisk and DTB" : " and DTB",
                      bank->size);
        return HV_RUN_BAD_INPUT;
    }
    uint64_t dtb_at = mod_base;
    uint64_t initrd_at = mod_base + hv_align_up(dtb_size, 2 * MIB);
    uint64_t scratch = hv->info.nstatic_heap ? hv->info.static_heap[0].base : bank->base;

    hv->has_error = false;
    hv->cur_core = 0;
    hv_composite_begin(hv, HV_OP_LOAD_DOMAIN, (int)d);
    int rc = hv_copy_from_paddr(hv, scratch, kernel->base, 64, "kernel header (copy_from_paddr)");
    if (rc == 0)
        rc = load_blob(hv, kernel, bank->base, true, HV_MAP_HYPERVISOR_WC,
                       "kernel module (ioremap_wc)");
    if (rc == 0 && ramdisk)
        rc = load_blob(hv, ramdisk, initrd_at, true, HV_MAP_HYPERVISOR_WC,
                       "ramdisk module (ioremap_wc)");
    for (unsigned i = 0; rc == 0 && i < di->nmodules; i++)
        if (di->modules[i].kind == HV_BLOB_DEVICE_TREE)
            rc = load_blob(hv, &di->modules[i], scratch, false, HV_MAP_HYPERVISOR_RW,
                           "passthrough DTB (ioremap_cache)");
    if (rc == 0)
        rc = copy_to_guest(hv, dtb_at, scratch, dtb_size);
    hv_composite_end(hv, HV_OP_LOAD_DOMAIN, rc);
    int st = hv_finish_op(hv, HV_OP_LOAD_DOMAIN, rc, err);
    return st < 0 ? 0 : st;
}
