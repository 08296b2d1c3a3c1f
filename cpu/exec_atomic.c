/* Exclusives (LDXR/STXR and pairs, CLREX is in exec_system.c),
 * load-acquire/store-release (LDAR/STLR/LDAPR) and LSE atomics (CAS, CASP,
 * LD<op>, SWP).  The core runs one instruction at a time, so ordering
 * semantics need no work; what matters is the exclusive monitor, shared
 * with the other cores of the cluster, and the alignment rules. */
#include "a64_decode.h"
#include "cpu/alu.h"

static inline unsigned reg_slot(unsigned r)
{
    return r == 31 ? CPU_R_ZR : r;
}

bool prep_excl(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 30);
    return true;
}

bool prep_ldar(struct cpu_insn *i)
{
    unsigned size = (unsigned)bits(i->raw, 31, 30), rt = (unsigned)bits(i->raw, 4, 0);
    i->size = (uint8_t)size;
    i->iss = ISS_ISV | ISS_SAS(size) | ISS_SRT(rt) | (size == 3 ? ISS_SF : 0) | ISS_AR;
    return true;
}

bool prep_atomic(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 30);
    i->opt = (uint8_t)bits(i->raw, 14, 12);
    return true;
}

static inline uint64_t load_n(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    memcpy(&v, p, bytes);
    return v;
}

static inline void store_n(uint8_t *p, uint64_t v, unsigned bytes)
{
    memcpy(p, &v, bytes);
}

static void monitor_set(struct cpu *c, uint64_t pa, unsigned bytes, uint8_t *host)
{
    struct cpu_cluster *cl = c->cluster;
    if (!c->monitor.valid)
        cl->active_monitors++;
    c->monitor.valid = true;
    c->monitor.pa = pa;
    c->monitor.size = bytes;
    /* Other cores' stores to this page must now see the monitor. */
    if (cl->ncores > 1)
        cpu_cluster_unmap_write(cl, host);
}

static bool monitor_take(struct cpu *c, uint64_t pa, unsigned bytes)
{
    bool ok = c->monitor.valid && c->monitor.pa == pa && c->monitor.size == bytes;
    if (c->monitor.valid) {
        c->monitor.valid = false;
        c->cluster->active_monitors--;
    }
    return ok;
}

/* Host pointer for an aligned exclusive/atomic access, or NULL after a fault. */
static uint8_t *excl_ptr(struct cpu *c, uint64_t va, unsigned bytes, enum cpu_access kind,
                         uint64_t *pa)
{
    if (cpu_mem_translate(c, va, kind, bytes, MEM_ALIGNED, kind == CPU_ACC_WRITE ? ISS_WNR : 0, pa))
        return NULL;
    uint8_t *host = c->bus.host_ptr ? c->bus.host_ptr(c->bus.ctx, *pa, kind == CPU_ACC_WRITE) : NULL;
    if (!host) {
        /* IMPLEMENTATION DEFINED fault: unsupported exclusive access. */
        struct cpu_fault f = {.stage = 1, .fsc = 0x35};
        cpu_abort(c, va, kind, kind == CPU_ACC_WRITE ? ISS_WNR : 0, &f, false);
    }
    return host;
}

uint64_t exec_ldxr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, bytes, CPU_ACC_READ, &pa);
    if (!p)
        return c->pc;
    uint64_t v = load_n(p, bytes);
    monitor_set(c, pa, bytes, p);
    c->r[i->rd] = v;
    return pc + 4;
}

uint64_t exec_ldxp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned esz = i->size == 3 ? 8 : 4;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, 2 * esz, CPU_ACC_READ, &pa);
    if (!p)
        return c->pc;
    uint64_t a = load_n(p, esz), b = load_n(p + esz, esz);
    monitor_set(c, pa, 2 * esz, p);
    c->r[i->rd] = a;
    c->r[i->ra] = b;
    return pc + 4;
}

uint64_t exec_stxr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, bytes, CPU_ACC_WRITE, &pa);
    if (!p)
        return c->pc;
    uint64_t v = c->r[i->rd];
    if (monitor_take(c, pa, bytes)) {
        cpu_mem_store_effects(c, pa, bytes);
        store_n(p, v, bytes);
        c->r[i->rm] = 0;
    } else {
        c->r[i->rm] = 1;
    }
    return pc + 4;
}

uint64_t exec_stxp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned esz = i->size == 3 ? 8 : 4;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, 2 * esz, CPU_ACC_WRITE, &pa);
    if (!p)
        return c->pc;
    uint64_t a = c->r[i->rd], b = c->r[i->ra];
    if (monitor_take(c, pa, 2 * esz)) {
        cpu_mem_store_effects(c, pa, 2 * esz);
        store_n(p, a, esz);
        store_n(p + esz, b, esz);
        c->r[i->rm] = 0;
    } else {
        c->r[i->rm] = 1;
    }
    return pc + 4;
}

/* LDAR/LDAPR/STLR: ordinary accesses that must be aligned. */
uint64_t exec_ldar(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], v;
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    if (va & (bytes - 1)) {
        struct cpu_fault f = {.stage = 1, .fsc = 0x21};
        return cpu_abort(c, va, CPU_ACC_READ, i->iss, &f, false);
    }
    if (mem_read(c, va, i->size, &v, i->iss))
        return c->pc;
    c->r[i->rd] = v;
    return pc + 4;
}

uint64_t exec_stlr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn];
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    if (va & (bytes - 1)) {
        struct cpu_fault f = {.stage = 1, .fsc = 0x21};
        return cpu_abort(c, va, CPU_ACC_WRITE, i->iss | ISS_WNR, &f, false);
    }
    if (mem_write(c, va, i->size, c->r[i->rd], i->iss))
        return c->pc;
    return pc + 4;
}

/* ---- LSE ---- */

static inline uint64_t zext_n(uint64_t v, unsigned bytes)
{
    return bytes == 8 ? v : v & ((1ull << (8 * bytes)) - 1);
}

uint64_t exec_cas(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, bytes, CPU_ACC_WRITE, &pa);
    if (!p)
        return c->pc;
    uint64_t old = load_n(p, bytes);
    if (old == zext_n(c->r[i->rm], bytes)) {
        cpu_mem_store_effects(c, pa, bytes);
        store_n(p, c->r[i->rd], bytes);
    }
    c->r[i->rm] = old;
    return pc + 4;
}

uint64_t exec_casp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned s = (unsigned)bits(i->raw, 20, 16), t = (unsigned)bits(i->raw, 4, 0);
    if ((s & 1) || (t & 1))
        return cpu_undefined(c);
    unsigned esz = bits(i->raw, 30, 30) ? 8 : 4;
    uint64_t va = c->r[i->rn], pa;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, 2 * esz, CPU_ACC_WRITE, &pa);
    if (!p)
        return c->pc;
    uint64_t o1 = load_n(p, esz), o2 = load_n(p + esz, esz);
    if (o1 == zext_n(c->r[reg_slot(s)], esz) && o2 == zext_n(c->r[reg_slot(s + 1)], esz)) {
        cpu_mem_store_effects(c, pa, 2 * esz);
        store_n(p, c->r[reg_slot(t)], esz);
        store_n(p + esz, c->r[reg_slot(t + 1)], esz);
    }
    c->r[reg_slot(s)] = o1;
    c->r[reg_slot(s + 1)] = o2;
    return pc + 4;
}

static uint64_t atomic_op(unsigned op, uint64_t old, uint64_t v, unsigned bytes)
{
    unsigned bitsz = 8 * bytes;
    int64_t so = sext(old, bitsz), sv = sext(v, bitsz);
    uint64_t zo = zext_n(old, bytes), zv = zext_n(v, bytes);
    switch (op) {
    case 0: return old + v;                 /* ADD */
    case 1: return old & ~v;                /* CLR */
    case 2: return old ^ v;                 /* EOR */
    case 3: return old | v;                 /* SET */
    case 4: return so > sv ? old : v;       /* SMAX */
    case 5: return so < sv ? old : v;       /* SMIN */
    case 6: return zo > zv ? old : v;       /* UMAX */
    default: return zo < zv ? old : v;      /* UMIN */
    }
}

uint64_t exec_ldatomic(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, bytes, CPU_ACC_WRITE, &pa);
    if (!p)
        return c->pc;
    uint64_t old = load_n(p, bytes);
    cpu_mem_store_effects(c, pa, bytes);
    store_n(p, atomic_op(i->opt, old, c->r[i->rm], bytes), bytes);
    c->r[i->rd] = old;
    return pc + 4;
}

uint64_t exec_swp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t va = c->r[i->rn], pa;
    unsigned bytes = 1u << i->size;
    if (ldst_checks(c, i->rn, va))
        return c->pc;
    uint8_t *p = excl_ptr(c, va, bytes, CPU_ACC_WRITE, &pa);
    if (!p)
        return c->pc;
    uint64_t old = load_n(p, bytes);
    cpu_mem_store_effects(c, pa, bytes);
    store_n(p, c->r[i->rm], bytes);
    c->r[i->rd] = old;
    return pc + 4;
}
