/* The memory access path of a core: VA -> (translation seam) -> PA -> bus,
 * the soft TLB that caches VA page -> host pointer, and the slow paths that
 * handle faults, devices, unaligned and page-crossing accesses, stores to
 * decoded code and the exclusive monitors of other cores. */
#include "cpu/internal.h"

/* Output address size (bits) reported in ID_AA64MMFR0_EL1.PARange. */
static unsigned pa_bits(const struct cpu *c)
{
    return c->cfg.profile == CPU_PROFILE_R ? 40 : 44;
}

/* Whether any translation stage can be on for an access of the current
 * regime; when not, VA == PA.  This is the one place where the MPU (profile
 * r) and the MMU (profile a) are wired in, through c->xlat. */
static bool xlat_active(const struct cpu *c)
{
    if (!c->xlat || !c->xlat->translate)
        return false;
    if (c->ps.el == 2)
        return SR(c, SCTLR_EL2) & SCTLR_M;
    uint64_t hcr = SR(c, HCR_EL2);
    if (hcr & HCR_TGE)
        return false;
    return (SR(c, SCTLR_EL1) & SCTLR_M) || (hcr & HCR_VM);
}

/* Translates one access.  Returns 0 with *pa, or nonzero with *f filled. */
static int translate(struct cpu *c, uint64_t va, enum cpu_access kind, unsigned size,
                     unsigned flags, uint64_t *pa, bool *page_ok, struct cpu_fault *f)
{
    if (!xlat_active(c)) {
        if (pa_bits(c) < 64 && (va >> pa_bits(c))) {
            /* Address size fault, level 0 (translation disabled). */
            *f = (struct cpu_fault){.stage = 1, .level = 0, .fsc = 0x00};
            return -1;
        }
        *pa = va;
        *page_ok = true;
        return 0;
    }
    struct cpu_xlat_req req = {
        .va = va,
        .kind = kind,
        .size = size,
        .el = (flags & MEM_UNPRIV) && c->ps.el == 1 ? 0 : c->ps.el,
        .regime_el2 = c->ps.el == 2,
    };
    struct cpu_xlat out = {0};
    memset(f, 0, sizeof *f);
    if (c->xlat->translate(c->xlat_ctx, c, &req, &out, f))
        return -1;
    *pa = out.pa;
    *page_ok = out.page_ok;
    return 0;
}

static unsigned access_el(const struct cpu *c, unsigned flags)
{
    return (flags & MEM_UNPRIV) && c->ps.el == 1 ? 0 : c->ps.el;
}

static uint64_t alignment_fault(struct cpu *c, uint64_t va, enum cpu_access kind, uint32_t iss)
{
    struct cpu_fault f = {.stage = 1, .fsc = 0x21};
    return cpu_abort(c, va, kind, iss, &f, false);
}

static bool must_align(const struct cpu *c, unsigned flags)
{
    return (flags & MEM_ALIGNED) || (cpu_sctlr(c) & SCTLR_A);
}

/* Clears other cores' monitors covering [pa, pa+size) and drops decoded
 * instructions there.  Returns true when the page must not be cached for
 * writes (code, or monitored by another core). */
static bool store_effects(struct cpu *c, uint64_t pa, unsigned size)
{
    struct cpu_cluster *cl = c->cluster;
    bool nocache = false;
    if (cl->active_monitors) {
        for (unsigned k = 0; k < cl->ncores; k++) {
            struct cpu *o = cl->cores[k];
            if (o == c || !o->monitor.valid)
                continue;
            uint64_t lo = o->monitor.pa & ~63ull, hi = (o->monitor.pa + o->monitor.size + 63) & ~63ull;
            if (pa < hi && pa + size > lo) {
                o->monitor.valid = false;
                cl->active_monitors--;
                o->event_reg = true;   /* a monitor clear is a WFE wake-up event */
            } else if ((pa >> 12) == (o->monitor.pa >> 12)) {
                nocache = true;
            }
        }
    }
    if (cl->npages && cpu_decode_page_is_code(cl, pa >> 12)) {
        cpu_decode_invalidate(cl, pa, size);
        nocache = true;
    }
    return nocache;
}

void cpu_mem_store_effects(struct cpu *c, uint64_t pa, unsigned size)
{
    (void)store_effects(c, pa, size);
}

/* One access that does not cross a page. */
static int access_one(struct cpu *c, uint64_t va, unsigned size, uint64_t *val, bool write,
                      uint32_t iss, unsigned flags)
{
    enum cpu_access kind = write ? CPU_ACC_WRITE : CPU_ACC_READ;
    uint64_t pa;
    bool page_ok;
    struct cpu_fault f;
    if (translate(c, va, kind, size, flags, &pa, &page_ok, &f)) {
        cpu_abort(c, va, kind, iss, &f, false);
        return -1;
    }
    /* A pointer that may be cached is always asked for as writable: RAM
     * may hand out a shared zero page for an untouched page on reads, and a
     * cached pointer must stay valid when the page is written later. */
    uint8_t *host = c->bus.host_ptr ? c->bus.host_ptr(c->bus.ctx, pa, write || page_ok) : NULL;
    if (host) {
        unsigned el = access_el(c, flags);
        if (write) {
            bool nocache = store_effects(c, pa, size);
            if (page_ok && !nocache) {
                struct cpu_tlb_entry *e = &c->tlb_w[el][(va >> 12) % CPU_TLB_SIZE];
                e->vpage = va & ~0xFFFull;
                e->addend = (uintptr_t)(host - (pa & 0xFFF)) - (uintptr_t)(va & ~0xFFFull);
            }
            memcpy(host, val, size);   /* little-endian host */
        } else {
            if (page_ok) {
                struct cpu_tlb_entry *e = &c->tlb_r[el][(va >> 12) % CPU_TLB_SIZE];
                e->vpage = va & ~0xFFFull;
                e->addend = (uintptr_t)(host - (pa & 0xFFF)) - (uintptr_t)(va & ~0xFFFull);
            }
            *val = 0;
            memcpy(val, host, size);
        }
        return 0;
    }
    int rc;
    if (write)
        rc = c->bus.mmio_write ? c->bus.mmio_write(c->bus.ctx, pa, size, *val) : CPU_BUS_DECODE_ERROR;
    else
        rc = c->bus.mmio_read ? c->bus.mmio_read(c->bus.ctx, pa, size, val) : CPU_BUS_DECODE_ERROR;
    if (rc) {
        /* Synchronous external abort; EA distinguishes a device's slave
         * error (1) from a decode error (0), as QEMU does. */
        struct cpu_fault ef = {.stage = 1, .fsc = 0x10};
        cpu_abort(c, va, kind, iss, &ef, rc == CPU_BUS_SLAVE_ERROR);
        return -1;
    }
    if (!write && size < 8)
        *val &= (1ull << (size * 8)) - 1;
    return 0;
}

static int access_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t *val, bool write,
                       uint32_t iss, unsigned flags)
{
    if (va & (size - 1)) {
        if (must_align(c, flags)) {
            alignment_fault(c, va, write ? CPU_ACC_WRITE : CPU_ACC_READ, iss);
            return -1;
        }
        if ((va & 0xFFF) + size > 0x1000) {
            /* Crosses a page: byte by byte, so each page is checked. */
            uint64_t v = write ? *val : 0;
            for (unsigned k = 0; k < size; k++) {
                uint64_t b = (v >> (8 * k)) & 0xFF;
                if (access_one(c, va + k, 1, &b, write, iss, flags))
                    return -1;
                if (!write)
                    v |= b << (8 * k);
            }
            if (!write)
                *val = v;
            return 0;
        }
    }
    return access_one(c, va, size, val, write, iss, flags);
}

int cpu_mem_read_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t *val, uint32_t iss,
                      unsigned flags)
{
    return access_slow(c, va, size, val, false, iss, flags);
}

int cpu_mem_write_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t val, uint32_t iss,
                       unsigned flags)
{
    return access_slow(c, va, size, &val, true, iss | ISS_WNR, flags);
}

int cpu_mem_translate(struct cpu *c, uint64_t va, enum cpu_access kind, unsigned size,
                      unsigned flags, uint32_t iss, uint64_t *pa)
{
    if ((va & (size - 1)) && must_align(c, flags)) {
        alignment_fault(c, va, kind, iss);
        return -1;
    }
    bool page_ok;
    struct cpu_fault f;
    if (translate(c, va, kind, size, flags, pa, &page_ok, &f)) {
        cpu_abort(c, va, kind, iss, &f, false);
        return -1;
    }
    return 0;
}

int cpu_check_sp_align(struct cpu *c, uint64_t va)
{
    uint64_t sctlr = cpu_sctlr(c);
    bool check = c->ps.el == 0 ? (SR(c, SCTLR_EL1) & SCTLR_SA0) : (sctlr & SCTLR_SA);
    if (!check)
        return 0;
    cpu_trap(c, cpu_sync_target_el(c), EC_SP_ALIGN, 0);
    return -1;
}

int cpu_read_virt(struct cpu *c, uint64_t va, void *buf, size_t len)
{
    uint8_t *out = buf;
    for (size_t k = 0; k < len; k++) {
        uint64_t pa, v = 0;
        bool page_ok;
        struct cpu_fault f;
        if (translate(c, va + k, CPU_ACC_READ, 1, 0, &pa, &page_ok, &f))
            return -1;
        uint8_t *host = c->bus.host_ptr ? c->bus.host_ptr(c->bus.ctx, pa, false) : NULL;
        if (host)
            v = *host;
        else if (!c->bus.mmio_read || c->bus.mmio_read(c->bus.ctx, pa, 1, &v))
            return -1;
        out[k] = (uint8_t)v;
    }
    return 0;
}

int cpu_mem_probe(struct cpu *c, uint64_t va, enum cpu_access kind, unsigned flags, uint64_t *pa,
                  struct cpu_fault *f)
{
    bool page_ok;
    return translate(c, va, kind, 1, flags, pa, &page_ok, f);
}

void cpu_context_sync(struct cpu *c)
{
    if (c->xlat && c->xlat->context_sync && c->xlat->context_sync(c->xlat_ctx, c))
        cpu_tlb_flush(c);
}
