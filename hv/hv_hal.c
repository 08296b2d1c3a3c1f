/* The hardware-access layer on the simulated machine: each call reaches
 * the core's struct mpu_pair through the system-register interface an MSR
 * or MRS uses, is counted in the operation in progress and charged in
 * cycles from struct hv_costs. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/ram.h"

#define HV_PAGE_SIZE_BYTES 4096u

/* The charge every call of this file makes: the clock, the running total
 * and one category of it.  Inline, with the accumulator the caller already
 * holds: the HAL charges several times per mapping. */
static inline void charge(struct hv *hv, struct hv_cost_acc *acc, uint64_t cycles, uint64_t *cat)
{
    hv->now += cycles;
    acc->cycles += cycles;
    *cat += cycles;
}

void hv_charge(struct hv *hv, uint64_t cycles, uint64_t *cat)
{
    uint64_t uncategorized = 0;
    charge(hv, hv_acc_current(hv), cycles, cat ? cat : &uncategorized);
}

static struct mpu_pair *pair_of(struct hv *hv, unsigned core)
{
    return &hv->mpus[core < hv->ncores ? core : 0];
}

/* The MPU a HAL register access reaches: EL2's for el 2, else EL1's. */
static struct mpu *mpu_of(struct hv *hv, unsigned core, unsigned el)
{
    struct mpu_pair *p = pair_of(hv, core);
    return el == 2 ? &p->el2 : &p->el1;
}

/* The HAL names registers, so it reaches them directly rather than through
 * an MSR encoding decoded again: the same effect and the same counts.
 * False for a value that names no register (a module built against
 * another header): such an access touches nothing. */
static bool reg_id(enum hv_mpu_reg reg, enum mpu_reg_id *id)
{
    switch (reg) {
    case HV_MPU_PRSELR: *id = MPU_ID_PRSELR; return true;
    case HV_MPU_PRENR: *id = MPU_ID_PRENR; return true;
    case HV_MPU_PRBAR: *id = MPU_ID_PRBAR; return true;
    case HV_MPU_PRLAR: *id = MPU_ID_PRLAR; return true;
    case HV_MPU_MPUIR: *id = MPU_ID_MPUIR; return true;
    }
    return false;
}

static unsigned hal_ncores_impl(struct hv_hal *h)
{
    return hv_of_hal(h)->ncores;
}

static uint64_t hal_mpu_read_impl(struct hv_hal *h, unsigned core, unsigned el,
                                  enum hv_mpu_reg reg, unsigned alias)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    enum mpu_reg_id id;
    uint64_t v = reg_id(reg, &id) ? mpu_reg_read(mpu_of(hv, core, el), id, alias) : 0;
    acc->mpu_reads++;
    charge(hv, acc, hv->costs.mrs_mpu, &acc->cyc_mpu);
    return v;
}

static void hal_mpu_write_impl(struct hv_hal *h, unsigned core, unsigned el,
                               enum hv_mpu_reg reg, unsigned alias, uint64_t value)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    if (reg == HV_MPU_MPUIR)
        return;   /* read-only: a write would be UNDEFINED; nothing happens */
    enum mpu_reg_id id;
    if (reg_id(reg, &id))
        mpu_reg_write(mpu_of(hv, core, el), id, alias, value);
    acc->mpu_writes++;
    charge(hv, acc, hv->costs.msr_mpu, &acc->cyc_mpu);
}

static void hal_isb_impl(struct hv_hal *h, unsigned core);

/* PRSELR rewritten to the slot's group of 16, and synchronized. */
static void switch_group(struct hv *hv, unsigned core, unsigned el, unsigned slot)
{
    hal_mpu_write_impl(&hv->hal, core, el, HV_MPU_PRSELR, 0, slot & 0xF0);
    hal_isb_impl(&hv->hal, core);
}

/* Xen's prepare_selector: PRSELR is only rewritten (and synchronized) when
 * the slot lies in another group of 16; the aliases reach the rest.  The
 * read of PRSELR is made here rather than through hal_mpu_read_impl, with
 * the same counts and charge (mpu_reg_read of PRSELR counts the read and
 * returns the register): this runs at every region write. */
static inline unsigned select_group(struct hv *hv, struct mpu *mpu, unsigned core, unsigned el,
                                    unsigned slot)
{
    struct hv_cost_acc *acc = hv_acc_current(hv);
    mpu->stats.reg_reads[MPU_REG_PRSELR]++;
    uint64_t cur = mpu->prselr;
    acc->mpu_reads++;
    charge(hv, acc, hv->costs.mrs_mpu, &acc->cyc_mpu);
    if ((cur & 0xFF) != (slot & 0xF0))
        switch_group(hv, core, el, slot);
    return slot & 0xF;
}

/* PRBARn and PRLARn after select_group: two MSRs, counted and charged as
 * two. */
static void hal_mpu_write_region_impl(struct hv_hal *h, unsigned core, unsigned el,
                                      unsigned slot, uint64_t prbar, uint64_t prlar)
{
    struct hv *hv = hv_of_hal(h);
    struct mpu *mpu = mpu_of(hv, core, el);
    unsigned n = select_group(hv, mpu, core, el, slot);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->mpu_writes += 2;
    charge(hv, acc, 2 * hv->costs.msr_mpu, &acc->cyc_mpu);
    mpu_reg_write_region(mpu, n, prbar, prlar);
}

static void hal_mpu_read_region_impl(struct hv_hal *h, unsigned core, unsigned el,
                                     unsigned slot, uint64_t *prbar, uint64_t *prlar)
{
    struct hv *hv = hv_of_hal(h);
    unsigned n = select_group(hv, mpu_of(hv, core, el), core, el, slot);
    *prbar = hal_mpu_read_impl(h, core, el, HV_MPU_PRBAR, n);
    *prlar = hal_mpu_read_impl(h, core, el, HV_MPU_PRLAR, n);
}

static uint64_t hal_sysreg_read_impl(struct hv_hal *h, unsigned core, enum hv_sysreg reg)
{
    struct hv *hv = hv_of_hal(h);
    if (core >= hv->ncores || (unsigned)reg >= HV_SYSREG_COUNT)
        return 0;
    return hv->sysregs[core][reg];
}

static void hal_sysreg_write_impl(struct hv_hal *h, unsigned core, enum hv_sysreg reg,
                                  uint64_t value)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    if (core < hv->ncores && (unsigned)reg < HV_SYSREG_COUNT) {
        hv->sysregs[core][reg] = value;
        hv->el2_ctl_valid[core] = false;
    }
    acc->sysreg_writes++;
    charge(hv, acc, hv->costs.msr_sysreg, &acc->cyc_sysreg);
}

static void hal_dsb_impl(struct hv_hal *h, unsigned core)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->dsb++;
    charge(hv, acc, hv->costs.dsb, &acc->cyc_barrier);
}

static void hal_isb_impl(struct hv_hal *h, unsigned core)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->isb++;
    charge(hv, acc, hv->costs.isb, &acc->cyc_barrier);
    if (core < hv->ncores) {
        mpu_pair_context_sync(&hv->mpus[core], hv->now);
        hv_pressure_sample(hv, core);
    }
}

static void hal_tlbi_impl(struct hv_hal *h, unsigned core, enum hv_tlbi op, uint64_t arg)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->tlbi++;
    if ((unsigned)op < HV_TLBI_KINDS)
        hv->tlbi_kind[op]++;
    charge(hv, acc, hv->costs.tlbi, &acc->cyc_tlbi);
}

static uint64_t lines_of(uint64_t base, uint64_t size)
{
    if (!size)
        return 0;
    uint64_t first = base / 64, last = (base + size - 1) / 64;
    return last - first + 1;
}

static void hal_dcache_impl(struct hv_hal *h, unsigned core, enum hv_cache_op op, uint64_t base,
                            uint64_t size)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    uint64_t lines = lines_of(base, size);
    acc->cache_ops++;
    acc->cache_lines += lines;
    charge(hv, acc, hv->costs.dc_line * lines, &acc->cyc_cache);
}

static void hal_icache_impl(struct hv_hal *h, unsigned core)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->cache_ops++;
    charge(hv, acc, hv->costs.ic_all, &acc->cyc_cache);
}

static void hal_errorf_impl(struct hv_hal *h, const char *fmt, ...)
{
    struct hv *hv = hv_of_hal(h);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hv->error, sizeof hv->error, fmt, ap);
    va_end(ap);
    hv->has_error = true;
}

static bool translates(const struct hv *hv)
{
    return hv->mod->profile == 'a' && hv->sim_ram;
}

/* The physical address the bytes at `va` are moved to or from.  The core
 * names memory by physical address, except inside the pages it holds
 * through map_domain_page, which it reaches by the address the module
 * handed out. */
static uint64_t phys_of(struct hv *hv, unsigned core, uint64_t va)
{
    return translates(hv) ? hv_held_pa_of(hv, core, va, NULL) : va;
}

/* Bytes from `a` to the end of its 4 KiB page. */
static uint64_t page_room(uint64_t a)
{
    return HV_PAGE_SIZE_BYTES - (a & (HV_PAGE_SIZE_BYTES - 1));
}

/* A held page must be mapped where the module said: its address walks
 * through the EL2 tables to the page's physical address, writable for a
 * write.  (The core's other addresses are physical: not walked.) */
static int check_el2_tables(struct hv *hv, unsigned core, uint64_t addr, uint64_t len,
                            enum mpu_access type)
{
    for (uint64_t done = 0; done < len;) {
        bool held;
        uint64_t want = hv_held_pa_of(hv, core, addr + done, &held), pa;
        if (held && (hv_el2_translate(hv, core, addr + done, type == MPU_ACC_WRITE, &pa) < 0 ||
                     pa != want)) {
            hv->el2_faults++;
            hal_errorf_impl(&hv->hal,
                            "EL2 %s of 0x%llx on core %u: the page map_domain_page handed out "
                            "does not map 0x%llx%s in the EL2 page tables",
                            type == MPU_ACC_WRITE ? "write" : "read",
                            (unsigned long long)(addr + done), core, (unsigned long long)want,
                            type == MPU_ACC_WRITE ? " writable" : "");
            return HV_ERR_FAULT;
        }
        uint64_t n = page_room(addr + done);
        if (n > len - done || addr + done + n < addr)
            break;
        done += n;
    }
    return 0;
}

/* The control bits an EL2 access of `core` is checked with (SCTLR_EL2 and
 * MAIR_EL2 as the module wrote them), built again only after a write. */
static const struct mpu_ctl *el2_ctl_of(struct hv *hv, unsigned core)
{
    struct mpu_ctl *ctl = &hv->el2_ctl[core];
    if (!hv->el2_ctl_valid[core]) {
        const uint64_t *sr = hv->sysregs[core];
        mpu_ctl_from_regs(ctl, sr[HV_SYSREG_SCTLR_EL1], sr[HV_SYSREG_SCTLR_EL2],
                          sr[HV_SYSREG_HCR_EL2], sr[HV_SYSREG_VTCR_EL2], 0,
                          sr[HV_SYSREG_MAIR_EL2]);
        hv->el2_ctl_valid[core] = true;
    }
    return ctl;
}

/* An EL2 access by `core` to [addr, addr + len) on an MPU core, checked
 * with the control bits `ctl`: every 4 KiB page it touches, and its last
 * byte, must be permitted by the effective EL2 regions, as they would be
 * on the real core.  A range inside one cached segment takes one lookup. */
static int check_mpu_range(struct hv *hv, unsigned core, const struct mpu_ctl *ctl,
                           uint64_t addr, uint64_t len, enum mpu_access type)
{
    uint64_t end = addr + len - 1;
    if (end < addr)
        end = UINT64_MAX;
    uint64_t at = addr;
    for (;;) {
        struct mpu_req req = {.addr = at, .type = type, .el = 2, .unprivileged = false};
        struct mpu_result res;
        uint64_t hi;   /* the pages up to here give the same answer */
        if (!mpu_lookup_until(&hv->mpus[core], ctl, &req, &res, &hi)) {
            hv->el2_faults++;
            hal_errorf_impl(&hv->hal,
                            "EL2 %s of 0x%llx on core %u faults on the EL2 MPU (%s): the "
                            "hypervisor touched memory it had not mapped",
                            type == MPU_ACC_WRITE ? "write" : "read", (unsigned long long)at, core,
                            mpu_fault_kind_name(res.kind));
            return HV_ERR_FAULT;
        }
        /* The pages up to `hi` would be looked up in the same cached
         * segment with the same result and no side effect: skip them. */
        if (hi >= end)
            return 0;
        uint64_t next = (hi | 0xFFF) + 1;
        at = (next == 0 || next > end) ? end : next;
    }
}

/* An EL2 access by `core` to [addr, addr + len) (SCTLR_EL2 and MAIR_EL2 as
 * the module wrote them). */
static int check_access(struct hv *hv, unsigned core, uint64_t addr, uint64_t len,
                        enum mpu_access type)
{
    if (!len || core >= hv->ncores)
        return 0;
    /* An MMU module's addresses go through its EL2 tables when guests run
     * (the bytes must land where it mapped them); the boot path, with no
     * RAM behind it, takes them as they come. */
    if (hv->mod->profile == 'a')
        return hv->sim_ram ? check_el2_tables(hv, core, addr, len, type) : 0;
    return check_mpu_range(hv, core, el2_ctl_of(hv, core), addr, len, type);
}

/* With RAM attached the bytes move; a range that is not RAM (a device)
 * reads as zeros and ignores writes, as nothing models its registers here. */
static void ram_copy(struct hv *hv, unsigned core, uint64_t dst, uint64_t src, uint64_t len)
{
    uint8_t buf[4096];
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof buf ? len - done : sizeof buf;
        if (translates(hv)) {   /* a page at a time on both sides */
            n = n < page_room(src + done) ? n : page_room(src + done);
            n = n < page_room(dst + done) ? n : page_room(dst + done);
        }
        if (ram_read(hv->sim_ram, phys_of(hv, core, src + done), buf, n) < 0)
            memset(buf, 0, (size_t)n);
        (void)ram_write(hv->sim_ram, phys_of(hv, core, dst + done), buf, n);
        done += n;
    }
}

/* ram_read/ram_write of [va, va + len) a page at a time when addresses
 * translate; a read that is not RAM gives zeros. */
static void ram_xfer(struct hv *hv, unsigned core, uint64_t va, void *buf, uint64_t len,
                     bool write)
{
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done;
        if (translates(hv) && n > page_room(va + done))
            n = page_room(va + done);
        uint64_t pa = phys_of(hv, core, va + done);
        uint8_t *b = (uint8_t *)buf + done;
        if (write)
            (void)ram_write(hv->sim_ram, pa, b, n);
        else if (ram_read(hv->sim_ram, pa, b, n) < 0)
            memset(b, 0, (size_t)n);
        done += n;
    }
}

static int hal_mem_copy_impl(struct hv_hal *h, unsigned core, uint64_t dst, uint64_t src,
                             uint64_t len)
{
    struct hv *hv = hv_of_hal(h);
    int rc = check_access(hv, core, src, len, MPU_ACC_READ);
    if (rc == 0)
        rc = check_access(hv, core, dst, len, MPU_ACC_WRITE);
    if (rc)
        return rc;
    if (hv->sim_ram)
        ram_copy(hv, core, dst, src, len);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->mem_bytes += len;
    charge(hv, acc, hv->costs.copy_line * ((len + 63) / 64), &acc->cyc_mem);
    return 0;
}

static int hal_mem_set_impl(struct hv_hal *h, unsigned core, uint64_t dst, uint8_t byte,
                            uint64_t len)
{
    struct hv *hv = hv_of_hal(h);
    int rc = check_access(hv, core, dst, len, MPU_ACC_WRITE);
    if (rc)
        return rc;
    if (hv->sim_ram && byte == 0 && !translates(hv)) {
        (void)ram_zero(hv->sim_ram, dst, len);
    } else if (hv->sim_ram) {
        uint8_t buf[256];
        memset(buf, byte, sizeof buf);
        for (uint64_t done = 0; done < len;) {
            uint64_t n = len - done < sizeof buf ? len - done : sizeof buf;
            ram_xfer(hv, core, dst + done, buf, n, true);
            done += n;
        }
    }
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->mem_bytes += len;
    charge(hv, acc, hv->costs.zero_line * ((len + 63) / 64), &acc->cyc_mem);
    return 0;
}

/* Without RAM (the boot path) reads return zeros. */
static int hal_mem_read_impl(struct hv_hal *h, unsigned core, uint64_t pa, void *buf,
                             uint64_t len)
{
    struct hv *hv = hv_of_hal(h);
    int rc = check_access(hv, core, pa, len, MPU_ACC_READ);
    if (rc)
        return rc;
    if (hv->sim_ram)
        ram_xfer(hv, core, pa, buf, len, false);
    else
        memset(buf, 0, (size_t)len);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->mem_bytes += len;
    charge(hv, acc, hv->costs.copy_line * ((len + 63) / 64), &acc->cyc_mem);
    return 0;
}

static int hal_mem_write_impl(struct hv_hal *h, unsigned core, uint64_t pa, const void *buf,
                              uint64_t len)
{
    struct hv *hv = hv_of_hal(h);
    int rc = check_access(hv, core, pa, len, MPU_ACC_WRITE);
    if (rc)
        return rc;
    if (hv->sim_ram)
        ram_xfer(hv, core, pa, (void *)buf, len, true);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->mem_bytes += len;
    charge(hv, acc, hv->costs.copy_line * ((len + 63) / 64), &acc->cyc_mem);
    return 0;
}

static void hal_tag_impl(struct hv_hal *h, unsigned core, unsigned slot, enum hv_owner owner,
                         uint32_t domid)
{
    struct hv *hv = hv_of_hal(h);
    if (core < hv->ncores)
        mpu_set_owner(&hv->mpus[core].el2, slot, (enum mpu_owner)owner, domid);
}

static void hal_op_begin_impl(struct hv_hal *h, enum hv_op op)
{
    hv_acc_op_begin(hv_of_hal(h), op);
}

static void hal_op_end_impl(struct hv_hal *h, enum hv_op op, int status)
{
    hv_acc_op_end(hv_of_hal(h), op, status);
}

static void hal_sw_impl(struct hv_hal *h, unsigned core, uint64_t steps)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    acc->sw_steps += steps;
    charge(hv, acc, hv->costs.sw_step * steps, &acc->cyc_sw);
}

static void hal_notef_impl(struct hv_hal *h, const char *fmt, ...)
{
    struct hv *hv = hv_of_hal(h);
    char line[MSA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    hv_note(hv, "%s: %s", hv->mod->name, line);
}

static uint64_t hal_now_impl(struct hv_hal *h)
{
    return hv_of_hal(h)->now;
}

/* ---- Page tables ---------------------------------------------------------- */

static void hal_pt_page_impl(struct hv_hal *h, enum hv_pt_space space, uint64_t pa, bool alloc)
{
    struct hv *hv = hv_of_hal(h);
    unsigned s = space == HV_PT_P2M ? 1 : 0;
    if (!alloc) {
        hv->pt_pages_freed[s]++;
        return;
    }
    hv->pt_pages[s]++;
    /* Zeroed as clear_page does: a memset of the page, charged as one. */
    struct hv_cost_acc *acc = hv_acc_current(hv);
    for (uint64_t off = 0; off < HV_PAGE_SIZE_BYTES; off += 8)
        if (hv_pt_read(hv, pa + off))
            (void)hv_pt_store(hv, pa + off, 0);
    acc->mem_bytes += HV_PAGE_SIZE_BYTES;
    charge(hv, acc, hv->costs.zero_line * (HV_PAGE_SIZE_BYTES / 64), &acc->cyc_mem);
}

/* A descriptor store: charged as one line written (copy_line), counted. */
static void hal_pt_write_impl(struct hv_hal *h, unsigned core, enum hv_pt_space space,
                              unsigned level, uint64_t pa, uint64_t value)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    uint64_t old = hv_pt_read(hv, pa);
    (void)hv_pt_store(hv, pa, value);
    hv->pt_writes++;
    acc->mem_bytes += 8;
    charge(hv, acc, hv->costs.copy_line, &acc->cyc_mem);
    if (space == HV_PT_EL2)
        hv_expo_pt_write(hv, level, old, value);
}

static uint64_t hal_pt_read_impl(struct hv_hal *h, uint64_t pa)
{
    struct hv *hv = hv_of_hal(h);
    struct hv_cost_acc *acc = hv_acc_current(hv);
    hv->pt_reads++;
    acc->sw_steps++;
    charge(hv, acc, hv->costs.sw_step, &acc->cyc_sw);
    return hv_pt_read(hv, pa);
}

static void hal_mem_owner_impl(struct hv_hal *h, uint64_t base, uint64_t size, uint32_t domid)
{
    struct hv *hv = hv_of_hal(h);
    if (hv->expo)
        hv_expo_set_owner(hv->expo, hv->now, base, size, hv_expo_owner_of_domid(hv, domid));
}

const struct hv_hal_ops hv_hal_ops_impl = {
    .api_version = HV_API_VERSION,
    .ncores = hal_ncores_impl,
    .mpu_read = hal_mpu_read_impl,
    .mpu_write = hal_mpu_write_impl,
    .mpu_write_region = hal_mpu_write_region_impl,
    .mpu_read_region = hal_mpu_read_region_impl,
    .sysreg_read = hal_sysreg_read_impl,
    .sysreg_write = hal_sysreg_write_impl,
    .dsb = hal_dsb_impl,
    .isb = hal_isb_impl,
    .tlbi = hal_tlbi_impl,
    .dcache = hal_dcache_impl,
    .icache_inval_all = hal_icache_impl,
    .mem_copy = hal_mem_copy_impl,
    .mem_set = hal_mem_set_impl,
    .mem_read = hal_mem_read_impl,
    .mem_write = hal_mem_write_impl,
    .tag = hal_tag_impl,
    .op_begin = hal_op_begin_impl,
    .op_end = hal_op_end_impl,
    .sw = hal_sw_impl,
    .errorf = hal_errorf_impl,
    .notef = hal_notef_impl,
    .now = hal_now_impl,
    .pt_page = hal_pt_page_impl,
    .pt_write = hal_pt_write_impl,
    .pt_read = hal_pt_read_impl,
    .mem_owner = hal_mem_owner_impl,
};
