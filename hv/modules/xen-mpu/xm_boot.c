/* Boot of the xen-mpu model: the image layout, head.S's boot regions, the
 * early device-tree map, setup_mm, secondary CPUs, and the end of boot
 * (free_init_memory, modify_after_init_mappings).
 *
 * Image layout (linker order, every section 4 KiB-aligned), the defaults of
 * struct xm_layout:
 *   XEN_START_ADDRESS  RAM base + 2 MiB: the DraftC porting proposal's
 *                      recommendation ("lowest ram start address + 2MB").
 *   init text + data   348 KiB in total, split 192 + 156: "Freed 348kB init
 *                      memory" in the Xen 4.16 arm64 boot log of the shared
 *                      data (the split is an assumption).
 *   text 768 KiB, rodata 192 KiB, ro_after_init 4 KiB, data 128 KiB,
 *   BSS 256 KiB        assumptions, in the range of an arm64 Xen build.
 * Every one is an option: xen-start, text-size, rodata-size,
 * ro-after-init-size, data-size, init-text-size, init-data-size, bss-size. */
#include "hv/modules/xen-mpu/xen_mpu.h"

#define MIB ((uint64_t)1 << 20)
#define FDT_HEADER_SIZE 40        /* sizeof(struct fdt_header) */

struct boot_region {
    uint64_t base, limit;
    uint32_t flags;
    enum hv_owner owner;
    const char *purpose;
};

static void derive_image(struct xm_state *st, uint64_t start)
{
    const struct xm_layout *l = &st->lay;
    struct xm_image *im = &st->img;
    im->stext = start;
    im->etext = im->stext + l->text;
    im->srodata = im->etext;
    im->erodata = im->srodata + l->rodata;
    im->ro_after_init_start = im->erodata;
    im->ro_after_init_end = im->ro_after_init_start + l->ro_after_init;
    im->init_begin = im->ro_after_init_end + l->data;
    im->init_data_begin = im->init_begin + l->init_text;
    im->init_end = im->init_data_begin + l->init_data;
    im->bss_start = im->init_end;
    im->bss_end = im->bss_start + l->bss;
}

/* head.S's table; empty sections are skipped as there. */
static unsigned boot_layout(const struct xm_state *st, struct boot_region out[6])
{
    const struct xm_image *im = &st->img;
    const struct boot_region all[6] = {
        {im->stext, im->etext, HV_MAP_HYPERVISOR_RX, HV_OWNER_TEXT, "text"},
        {im->srodata, im->erodata, HV_MAP_HYPERVISOR_RO, HV_OWNER_RODATA, "rodata"},
        {im->ro_after_init_start, im->init_begin, HV_MAP_HYPERVISOR_RW, HV_OWNER_DATA,
         "ro_after_init + data"},
        {im->init_begin, im->init_data_begin, HV_MAP_HYPERVISOR_RX, HV_OWNER_TEXT, "init text"},
        {im->init_data_begin, im->bss_end, HV_MAP_HYPERVISOR_RW, HV_OWNER_DATA,
         "init data + BSS"},
        {st->info->console_uart.base,
         st->info->console_uart.base + hv_align_up(st->info->console_uart.size, HV_PAGE_SIZE),
         HV_MAP_HYPERVISOR_NOCACHE, HV_OWNER_DEVICE, "early UART"},
    };
    unsigned n = 0;
    for (unsigned i = 0; i < 6; i++) {
        if (all[i].limit <= all[i].base)
            continue;
        if (i == 5 && !st->early_printk)
            continue;
        out[n++] = all[i];
    }
    return n;
}

static int bad_image(struct xm_state *st, struct hv_hal *h, const char *what, uint64_t base,
                     uint64_t size)
{
    h->ops->errorf(h, "%s: the Xen image [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx): move "
                   "it with --hv-opt xen-start=ADDR", st->info->source,
                   (unsigned long long)st->img.stext, (unsigned long long)st->img.bss_end, what,
                   (unsigned long long)base, (unsigned long long)(base + size));
    return HV_ERR_BADCFG;
}

static bool in_ram(const struct hv_boot_info *in, uint64_t base, uint64_t end)
{
    for (unsigned i = 0; i < in->nram; i++)
        if (base >= in->ram[i].base && end <= in->ram[i].base + in->ram[i].size)
            return true;
    return false;
}

static int check_image(struct xm_state *st, struct hv_hal *h)
{
    const struct hv_boot_info *in = st->info;
    uint64_t b = st->img.stext, sz = st->img.bss_end - st->img.stext;
    if (!in_ram(in, b, b + sz)) {
        h->ops->errorf(h, "%s: the Xen image [0x%llx, 0x%llx) does not lie in one RAM bank: "
                       "give --hv-opt xen-start=ADDR", in->source, (unsigned long long)b,
                       (unsigned long long)(b + sz));
        return HV_ERR_BADCFG;
    }
    for (unsigned d = 0; d < in->ndomains; d++)
        for (unsigned i = 0; i < in->domains[d].nstatic_mem; i++) {
            const struct hv_range *m = &in->domains[d].static_mem[i];
            if (hv_overlaps(b, sz, m->base, m->size)) {
                h->ops->errorf(h, "%s: node /chosen/%s: property xen,static-mem: bank "
                               "0x%llx+0x%llx overlaps the Xen image [0x%llx, 0x%llx) (move the "
                               "image with --hv-opt xen-start=ADDR)", in->source,
                               in->domains[d].name, (unsigned long long)m->base,
                               (unsigned long long)m->size, (unsigned long long)b,
                               (unsigned long long)(b + sz));
                return HV_ERR_BADCFG;
            }
        }
    for (unsigned i = 0; i < in->nboot_modules; i++)
        if (hv_overlaps(b, sz, in->boot_modules[i].base, in->boot_modules[i].size))
            return bad_image(st, h, in->boot_modules[i].name, in->boot_modules[i].base,
                             in->boot_modules[i].size);
    for (unsigned i = 0; i < in->nstatic_heap; i++)
        if (hv_overlaps(b, sz, in->static_heap[i].base, in->static_heap[i].size))
            return bad_image(st, h, "the static heap", in->static_heap[i].base,
                             in->static_heap[i].size);
    if (hv_overlaps(b, sz, in->fdt.base, in->fdt.size))
        return bad_image(st, h, "the device tree", in->fdt.base, in->fdt.size);
    for (unsigned i = 0; i < in->nreserved; i++)
        if (hv_overlaps(b, sz, in->reserved[i].base, in->reserved[i].size))
            return bad_image(st, h, "reserved memory", in->reserved[i].base, in->reserved[i].size);
    return HV_OK;
}

/* head.S on `core`: PRSELR, ISB, PRBAR, PRLAR per region; every other slot
 * up to MPUIR written disabled (zero_mpu); DSB SY, ISB; then SCTLR_EL2 with
 * M, C, I and WXN set and BR clear, and an ISB. */
static void program_boot_regions(struct xm_state *st, struct hv_hal *h, unsigned core,
                                 const struct boot_region *r, unsigned n)
{
    struct xm_cpu *cpu = &st->cpu[core];
    hal_op_begin(h, HV_OP_BOOT_REGIONS);
    hal_sysreg_write(h, core, HV_SYSREG_MAIR_EL2, HV_MAIR_EL2);
    for (unsigned i = 0; i < n; i++) {
        xm_put_entry(cpu, i, (struct xm_entry){
            .prbar = xm_prbar_of(r[i].base, r[i].flags, false),
            .prlar = xm_prlar_of(r[i].limit, r[i].flags), .owner = (uint8_t)r[i].owner,
            .in_use = true, .domid = HV_DOMID_XEN, .purpose = r[i].purpose,
        });
        const struct xm_entry *e = &cpu->map[i];
        hal_tag(h, core, i, r[i].owner, HV_DOMID_XEN);
        hal_mpu_write(h, core, 2, HV_MPU_PRSELR, 0, i);
        hal_isb(h, core);
        hal_mpu_write(h, core, 2, HV_MPU_PRBAR, 0, e->prbar);
        hal_mpu_write(h, core, 2, HV_MPU_PRLAR, 0, e->prlar);
    }
    for (unsigned i = n; i < st->nslots; i++) {
        hal_mpu_write(h, core, 2, HV_MPU_PRSELR, 0, i);
        hal_isb(h, core);
        hal_mpu_write(h, core, 2, HV_MPU_PRBAR, 0, 0);
        hal_mpu_write(h, core, 2, HV_MPU_PRLAR, 0, 0);
    }
    hal_sync(h, core);
    hal_sysreg_write(h, core, HV_SYSREG_SCTLR_EL2,
                     HV_SCTLR_M | HV_SCTLR_C | HV_SCTLR_I | HV_SCTLR_WXN);
    hal_isb(h, core);
    hal_op_end(h, HV_OP_BOOT_REGIONS, HV_OK);
}

static int check_boot_fits(struct xm_state *st, struct hv_hal *h, unsigned n)
{
    if (n > st->nslots) {
        h->ops->errorf(h, "the boot layout needs %u EL2 MPU regions (text, rodata, ro_after_init "
                       "+ data, init text, init data + BSS%s) but MPUIR_EL2 reports %u "
                       "(--mpu-regions): %u short; Xen stops in head.S ('Selected MPU region is "
                       "above the implemented number in MPUIR_EL2')",
                       n, st->early_printk ? ", early UART" : "", st->nslots, n - st->nslots);
        return HV_ERR_NOSPC;
    }
    if (st->alloc == XM_ALLOC_RESERVED && st->nslots - st->reserved < n) {
        h->ops->errorf(h, "alloc=reserved=%u leaves %u of the %u EL2 MPU regions to the "
                       "hypervisor, fewer than the %u of its boot layout", st->reserved,
                       st->nslots - st->reserved, st->nslots, n);
        return HV_ERR_NOSPC;
    }
    return HV_OK;
}

static struct xm_req hv_req(uint64_t base, uint64_t limit, uint32_t flags, enum hv_owner owner,
                            const char *purpose)
{
    return (struct xm_req){.base = base, .limit = limit, .flags = flags, .owner = owner,
                           .domid = HV_DOMID_XEN, .purpose = purpose, .cls = XM_CLASS_HV};
}

/* early_fdt_map: one read-only page for the header, then, when the tree is
 * longer, that mapping destroyed and the whole tree mapped as one region. */
static int early_fdt_map(struct xm_state *st, struct hv_hal *h)
{
    const struct hv_range *f = &st->info->fdt;
    if (!f->size)
        return HV_OK;
    uint64_t base = hv_align_down(f->base, HV_PAGE_SIZE);
    uint64_t hdr = hv_align_up(f->base + FDT_HEADER_SIZE, HV_PAGE_SIZE);
    uint64_t full = hv_align_up(f->base + f->size, HV_PAGE_SIZE);
    const char *what = "device tree (early_fdt_map)";
    hal_op_begin(h, HV_OP_EARLY_FDT_MAP);
    struct xm_req rq = hv_req(base, hdr, HV_MAP_HYPERVISOR_RO, HV_OWNER_OTHER, what);
    int rc = xm_update_all(st, h, &rq);
    if (rc == HV_OK && full > hdr) {
        rq.flags = 0;
        rc = xm_update_all(st, h, &rq);
        if (rc == HV_OK) {
            rq = hv_req(base, full, HV_MAP_HYPERVISOR_RO, HV_OWNER_OTHER, what);
            rc = xm_update_all(st, h, &rq);
        }
    }
    hal_op_end(h, HV_OP_EARLY_FDT_MAP, rc);
    return rc;
}

/* Exclusions of the ram policy: what is mapped already, boot modules and
 * reserved memory, as page-rounded intervals sorted by base. */
struct interval {
    uint64_t b, e;
};

static unsigned add_interval(struct interval *v, unsigned n, unsigned max, uint64_t b, uint64_t e)
{
    if (n >= max || e <= b)
        return n;
    unsigned i = n;
    while (i > 0 && v[i - 1].b > b) {
        v[i] = v[i - 1];
        i--;
    }
    v[i] = (struct interval){b, e};
    return n + 1;
}

static int add_ram(struct xm_state *st, struct hv_hal *h, uint64_t b, uint64_t e)
{
    if (st->nram == XM_MAX_RAM) {
        h->ops->errorf(h, "map-domain-page=ram: RAM falls into more than %u pieces around the "
                       "hypervisor's regions and boot modules", XM_MAX_RAM);
        return -1;
    }
    st->ram[st->nram++] = (struct hv_range){b, e - b};
    return 0;
}

static int compute_ram_map(struct xm_state *st, struct hv_hal *h)
{
    enum { MAXI = XM_MAX_SLOTS + 64 };
    struct interval ex[MAXI];
    unsigned n = 0;
    const struct hv_boot_info *in = st->info;
    const struct xm_cpu *cpu = &st->cpu[0];
    for (unsigned s = 0; s < st->nslots; s++)
        if (cpu->map[s].in_use)
            n = add_interval(ex, n, MAXI, cpu->map[s].prbar & MPU_ADDR_MASK,
                             (cpu->map[s].prlar & MPU_ADDR_MASK) + MPU_GRANULE);
    for (unsigned i = 0; i < in->nboot_modules; i++)
        n = add_interval(ex, n, MAXI, hv_align_down(in->boot_modules[i].base, HV_PAGE_SIZE),
                         hv_align_up(in->boot_modules[i].base + in->boot_modules[i].size,
                                     HV_PAGE_SIZE));
    for (unsigned i = 0; i < in->nreserved; i++)
        n = add_interval(ex, n, MAXI, hv_align_down(in->reserved[i].base, HV_PAGE_SIZE),
                         hv_align_up(in->reserved[i].base + in->reserved[i].size, HV_PAGE_SIZE));
    st->nram = 0;
    for (unsigned b = 0; b < in->nram; b++) {
        uint64_t at = hv_align_up(in->ram[b].base, HV_PAGE_SIZE);
        uint64_t end = hv_align_down(in->ram[b].base + in->ram[b].size, HV_PAGE_SIZE);
        for (unsigned i = 0; i <= n && at < end; i++) {
            if (i < n && ex[i].e <= at)
                continue;
            uint64_t stop = (i < n && ex[i].b < end) ? ex[i].b : end;
            if (stop > at && add_ram(st, h, at, stop) < 0)
                return HV_ERR_BADCFG;
            if (i == n || ex[i].b >= end)
                break;
            at = ex[i].e;
        }
    }
    return HV_OK;
}

/* The ram policy's regions on one core (or all with HV_ALL_CORES): mapped
 * at boot, taken out while a guest's stage-2 regions (which they would
 * overlap) are loaded, and put back at the switch to idle. */
int xm_map_ram(struct xm_state *st, struct hv_hal *h, unsigned core, bool map)
{
    for (unsigned i = 0; i < st->nram; i++) {
        struct xm_req rq = hv_req(st->ram[i].base, st->ram[i].base + st->ram[i].size,
                                  map ? HV_MAP_HYPERVISOR_RW : 0, HV_OWNER_OTHER,
                                  "all RAM (map-domain-page=ram)");
        enum hv_op op = map ? HV_OP_MAP : HV_OP_UNMAP;
        hal_op_begin(h, op);
        int rc = core == HV_ALL_CORES ? xm_update_all(st, h, &rq) : xm_update(st, h, core, &rq);
        hal_op_end(h, op, rc);
        if (rc)
            return rc;
    }
    return HV_OK;
}

/* setup_mm (its MPU part upstream): the first static-heap bank as one
 * region; no heap is a panic upstream ("No static heap memory bank
 * found").  The frame table needs no region. */
static int setup_mm(struct xm_state *st, struct hv_hal *h)
{
    const struct hv_boot_info *in = st->info;
    if (!in->nstatic_heap) {
        h->ops->errorf(h, "%s: no static heap: Xen on MPU maps its heap from xen,static-heap in "
                       "/chosen and panics without one ('No static heap memory bank found')",
                       in->source);
        return HV_ERR_BADCFG;
    }
    hal_op_begin(h, HV_OP_SETUP_MM);
    uint64_t b = hv_align_up(in->static_heap[0].base, HV_PAGE_SIZE);
    uint64_t e = b + hv_align_down(in->static_heap[0].size, HV_PAGE_SIZE);
    struct xm_req rq = hv_req(b, e, HV_MAP_HYPERVISOR_RW, HV_OWNER_HEAP, "static heap");
    int rc = xm_update_all(st, h, &rq);
    if (rc == HV_OK && in->nstatic_heap > 1)
        h->ops->notef(h, "only the first of %u xen,static-heap banks is mapped, as upstream "
                      "setup_mm does on MPU", in->nstatic_heap);
    if (rc == HV_OK && st->mdp == XM_MDP_RAM) {
        rc = compute_ram_map(st, h);
        if (rc == HV_OK)
            rc = xm_map_ram(st, h, HV_ALL_CORES, true);
    }
    hal_op_end(h, HV_OP_SETUP_MM, rc);
    return rc;
}

int xm_boot(void *state, struct hv_hal *h, const struct hv_boot_info *info)
{
    struct xm_state *st = state;
    st->info = info;
    unsigned mpuir = hal_mpuir(h, 0, 2);
    st->nslots = mpuir < XM_MAX_SLOTS ? mpuir : XM_MAX_SLOTS;
    st->nel1 = hal_mpuir(h, 0, 1);
    if (st->alloc == XM_ALLOC_RESERVED && st->reserved >= st->nslots) {
        h->ops->errorf(h, "--hv-opt alloc=reserved=%u: MPUIR_EL2 reports %u regions, which "
                       "leaves none to the hypervisor", st->reserved, st->nslots);
        return HV_ERR_BADCFG;
    }
    if (!info->nram) {
        h->ops->errorf(h, "%s: no RAM", info->source);
        return HV_ERR_BADCFG;
    }
    derive_image(st, st->lay.start ? st->lay.start : info->ram[0].base + 2 * MIB);
    int rc = check_image(st, h);
    if (rc)
        return rc;
    unsigned nchosen = info->nboot_modules;
    for (unsigned d = 0; d < info->ndomains; d++)
        nchosen -= info->domains[d].nmodules;
    if (nchosen)
        h->ops->notef(h, "%u boot module%s directly under /chosen (a dom0 kernel?) %s not "
                      "loaded: Xen on MPU boots dom0less domains only", nchosen,
                      nchosen == 1 ? "" : "s", nchosen == 1 ? "is" : "are");
    if (st->early_printk && !info->console_uart.size)
        h->ops->notef(h, "no console UART: the early UART region is left out");

    struct boot_region r[6];
    unsigned n = boot_layout(st, r);
    rc = check_boot_fits(st, h, n);
    if (rc)
        return rc;
    st->online |= 1;
    st->cpu[0].cur_domain = -1;
    program_boot_regions(st, h, 0, r, n);
    rc = early_fdt_map(st, h);
    if (rc == HV_OK)
        rc = setup_mm(st, h);
    st->booted = rc == HV_OK;
    return rc;
}

/* A secondary CPU runs head.S like the boot CPU, then gets every
 * hypervisor mapping of the boot CPU's table in the same slot. */
int xm_cpu_up(void *state, struct hv_hal *h, unsigned core)
{
    struct xm_state *st = state;
    if (core >= HV_MAX_CORES)
        return HV_ERR_INTERNAL;
    struct boot_region r[6];
    unsigned n = boot_layout(st, r);
    int rc = check_boot_fits(st, h, n);
    if (rc)
        return rc;
    struct xm_cpu *cpu = &st->cpu[core];
    st->online |= 1ull << core;
    cpu->cur_domain = -1;
    program_boot_regions(st, h, core, r, n);
    for (unsigned s = 0; s < st->nslots; s++) {
        const struct xm_entry *e0 = &st->cpu[0].map[s];
        if (!e0->in_use || e0->guest || e0->owner == HV_OWNER_TRANSIENT)
            continue;
        xm_put_entry(cpu, s, *e0);
        if (s >= n) {
            hal_tag(h, core, s, (enum hv_owner)e0->owner, e0->domid);
            xm_write_entry(st, h, core, s);
        }
    }
    hal_sync(h, core);
    return HV_OK;
}

static void sync_online(struct xm_state *st, struct hv_hal *h)
{
    for (unsigned c = 0; c < HV_MAX_CORES; c++)
        if (xm_online(st, c))
            hal_sync(h, c);
}

static void set_purpose(struct xm_state *st, uint64_t base, const char *purpose)
{
    for (unsigned c = 0; c < HV_MAX_CORES; c++)
        for (unsigned s = 0; xm_online(st, c) && s < st->nslots; s++)
            if (st->cpu[c].map[s].in_use && (st->cpu[c].map[s].prbar & MPU_ADDR_MASK) == base)
                st->cpu[c].map[s].purpose = purpose;
}

/* free_init_memory: init text made RW (WXN forbids W+X), the I-cache
 * invalidated, init text and data zeroed, the init-text region destroyed,
 * and the init data + BSS region shrunk to the BSS. */
static int free_init_memory(struct xm_state *st, struct hv_hal *h)
{
    const struct xm_image *im = &st->img;
    int rc = HV_OK;
    if (im->init_data_begin > im->init_begin) {
        struct xm_req rq = hv_req(im->init_begin, im->init_data_begin, HV_MAP_HYPERVISOR_RW,
                                  HV_OWNER_TEXT, "init text");
        rq.modify = true;
        hal_op_begin(h, HV_OP_MODIFY);
        rc = xm_update_all(st, h, &rq);
        hal_op_end(h, HV_OP_MODIFY, rc);
        if (rc)
            return rc;
    }
    h->ops->icache_inval_all(h, 0);
    if (im->init_end > im->init_begin) {
        rc = h->ops->mem_set(h, 0, im->init_begin, 0, im->init_end - im->init_begin);
        if (rc)
            return rc;
    }
    if (im->init_data_begin > im->init_begin) {
        struct xm_req rq = hv_req(im->init_begin, im->init_data_begin, 0, HV_OWNER_TEXT,
                                  "init text");
        hal_op_begin(h, HV_OP_UNMAP);
        rc = xm_update_all(st, h, &rq);
        hal_op_end(h, HV_OP_UNMAP, rc);
        if (rc)
            return rc;
    }
    if (im->bss_end > im->init_data_begin) {
        if (im->bss_end > im->bss_start) {
            rc = xm_set_base_limit(st, h, im->init_data_begin, im->bss_end, im->bss_start,
                                   im->bss_end);
            set_purpose(st, im->bss_start, "BSS");
        } else {
            struct xm_req rq = hv_req(im->init_data_begin, im->bss_end, 0, HV_OWNER_DATA,
                                      "init data");
            rc = xm_update_all(st, h, &rq);
        }
        sync_online(st, h);
    }
    return rc;
}

/* modify_after_init_mappings: the RW data region starts after
 * ro_after_init, and rodata grows over it. */
static int modify_after_init(struct xm_state *st, struct hv_hal *h)
{
    const struct xm_image *im = &st->img;
    if (im->ro_after_init_end == im->ro_after_init_start || im->erodata == im->srodata)
        return HV_OK;
    int rc = HV_OK;
    if (im->init_begin > im->ro_after_init_end) {
        rc = xm_set_base_limit(st, h, im->ro_after_init_start, im->init_begin,
                               im->ro_after_init_end, im->init_begin);
        set_purpose(st, im->ro_after_init_end, "data");
    } else {
        struct xm_req rq = hv_req(im->ro_after_init_start, im->init_begin, 0, HV_OWNER_DATA,
                                  "ro_after_init");
        rc = xm_update_all(st, h, &rq);
    }
    if (rc == HV_OK)
        rc = xm_set_base_limit(st, h, im->srodata, im->erodata, im->srodata,
                               im->ro_after_init_end);
    set_purpose(st, im->srodata, "rodata + ro_after_init");
    sync_online(st, h);
    return rc;
}

int xm_finish_boot(void *state, struct hv_hal *h)
{
    struct xm_state *st = state;
    hal_op_begin(h, HV_OP_FREE_INIT_MEMORY);
    int rc = free_init_memory(st, h);
    hal_op_end(h, HV_OP_FREE_INIT_MEMORY, rc);
    if (rc == HV_OK)
        rc = modify_after_init(st, h);
    return rc;
}
