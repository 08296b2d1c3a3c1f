/* Internal interfaces of cpu/: the decoded-instruction record, the helpers
 * handlers share (registers, flags, memory, exceptions).  Not for use
 * outside cpu/. */
#ifndef MSASIM_CPU_INTERNAL_H
#define MSASIM_CPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* A handler executes one decoded instruction at `pc` and returns the next
 * PC.  When it takes an exception it returns cpu->pc, which exception entry
 * has set to the vector. */
typedef uint64_t (*cpu_exec_fn)(struct cpu *c, const struct cpu_insn *i, uint64_t pc);

/* One decoded instruction: what the generated decoder and the pattern's
 * prep function extracted once, so the handler does not decode again.
 * Register fields are already slot numbers (31 -> CPU_R_ZR or CPU_R_SP as
 * the pattern says). */
struct cpu_insn {
    cpu_exec_fn fn;
    uint64_t imm;        /* immediate, offset, mask, or table pointer */
    uint32_t raw;        /* the instruction word */
    uint8_t rd, rn, rm, ra;
    uint32_t iss;        /* loads/stores: data-abort ISS template */
    uint8_t size;        /* log2 access size / operand size flag */
    uint8_t shift;       /* shift amount or type */
    uint8_t opt;         /* handler-specific option bits */
    uint8_t cond;        /* condition code or other small field */
};

/* ---- bit helpers ---- */
static inline uint64_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1) ;
}
static inline uint64_t bits64(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & (hi - lo == 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}
static inline int64_t sext(uint64_t v, unsigned width)
{
    return (int64_t)(v << (64 - width)) >> (64 - width);
}

/* ---- PSTATE / SPSR ---- */
uint64_t cpu_pstate_to_spsr(const struct cpu *c);
/* Changes EL and SPSel, swapping the banked stack pointer. */
void cpu_set_el_sp(struct cpu *c, unsigned el, unsigned spsel);
static inline void set_nzcv(struct cpu *c, unsigned nzcv)
{
    c->ps.n = (nzcv >> 3) & 1;
    c->ps.z = (nzcv >> 2) & 1;
    c->ps.c = (nzcv >> 1) & 1;
    c->ps.v = nzcv & 1;
}
static inline unsigned get_nzcv(const struct cpu *c)
{
    return (unsigned)(c->ps.n << 3 | c->ps.z << 2 | c->ps.c << 1 | c->ps.v);
}
/* ConditionHolds(cond) over the unpacked flags. */
static inline bool cpu_cond_holds(const struct cpu *c, unsigned cond)
{
    bool r;
    switch (cond >> 1) {
    case 0: r = c->ps.z; break;
    case 1: r = c->ps.c; break;
    case 2: r = c->ps.n; break;
    case 3: r = c->ps.v; break;
    case 4: r = c->ps.c && !c->ps.z; break;
    case 5: r = c->ps.n == c->ps.v; break;
    case 6: r = c->ps.n == c->ps.v && !c->ps.z; break;
    default: return true;   /* AL and NV */
    }
    return (cond & 1) ? !r : r;
}

#define SR(c, name) ((c)->sr[CPU_SR_##name])

/* HCR_EL2 bits */
#define HCR_VM   (1ull << 0)
#define HCR_FMO  (1ull << 3)
#define HCR_IMO  (1ull << 4)
#define HCR_AMO  (1ull << 5)
#define HCR_VF   (1ull << 6)
#define HCR_VI   (1ull << 7)
#define HCR_VSE  (1ull << 8)
#define HCR_TWI  (1ull << 13)
#define HCR_TWE  (1ull << 14)
#define HCR_TID1 (1ull << 16)
#define HCR_TID2 (1ull << 17)
#define HCR_TID3 (1ull << 18)
#define HCR_TSC  (1ull << 19)
#define HCR_TIDCP (1ull << 20)
#define HCR_TACR (1ull << 21)
#define HCR_TSW  (1ull << 22)
#define HCR_TPC  (1ull << 23)
#define HCR_TPU  (1ull << 24)
#define HCR_TTLB (1ull << 25)
#define HCR_TVM  (1ull << 26)
#define HCR_TGE  (1ull << 27)
#define HCR_HCD  (1ull << 29)
#define HCR_TRVM (1ull << 30)
#define HCR_RW   (1ull << 31)

/* SCTLR_ELx bits */
#define SCTLR_M   (1ull << 0)
#define SCTLR_A   (1ull << 1)
#define SCTLR_SA  (1ull << 3)
#define SCTLR_SA0 (1ull << 4)
#define SCTLR_UMA (1ull << 9)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_NTWE (1ull << 18)
#define SCTLR_UCI (1ull << 26)

/* ---- exceptions (cpu/exception.c) ---- */
enum {
    EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_FP = 0x07, EC_ILLEGAL = 0x0E,
    EC_SVC = 0x15, EC_HVC = 0x16, EC_SMC = 0x17, EC_SYSREG = 0x18,
    EC_IABT_LOW = 0x20, EC_IABT_CUR = 0x21, EC_PC_ALIGN = 0x22,
    EC_DABT_LOW = 0x24, EC_DABT_CUR = 0x25, EC_SP_ALIGN = 0x26,
    EC_SERROR = 0x2F, EC_BRK = 0x3C,
};
enum { EXC_SYNC = 0, EXC_IRQ = 0x80, EXC_FIQ = 0x100, EXC_SERROR = 0x180 };

/* Takes an exception to target_el with preferred return address `elr`;
 * sets cpu->pc to the vector and returns it. */
uint64_t cpu_take_exception(struct cpu *c, unsigned target_el, unsigned type,
                            uint32_t esr, uint64_t elr);
/* The EL a synchronous exception from the current EL goes to (EL1, or EL2
 * when at EL2 or when HCR_EL2.TGE routes EL0 exceptions). */
unsigned cpu_sync_target_el(const struct cpu *c);
/* UNDEFINED instruction at c->pc. */
uint64_t cpu_undefined(struct cpu *c);
/* Trap of an instruction to `el` with EC/ISS (ELR = the instruction). */
uint64_t cpu_trap(struct cpu *c, unsigned el, unsigned ec, uint32_t iss);
/* Data/instruction abort or alignment fault for an access at `va`. */
uint64_t cpu_abort(struct cpu *c, uint64_t va, enum cpu_access kind, uint32_t iss_template,
                   const struct cpu_fault *f, bool ea);
uint64_t cpu_exception_return(struct cpu *c);
/* Interrupt delivery at an instruction boundary; returns true if taken. */
bool cpu_check_interrupts(struct cpu *c);
/* Whether any interrupt is pending, masked or not: what wakes WFI (and
 * WFE) and keeps it from sleeping. */
static inline bool cpu_interrupt_pending(const struct cpu *c)
{
    return c->lines.irq || c->lines.fiq || c->lines.serror || c->lines.virq || c->lines.vfiq ||
           (SR(c, HCR_EL2) & (HCR_VI | HCR_VF | HCR_VSE));
}

#define ESR_IL (1u << 25)
static inline uint32_t esr_make(unsigned ec, uint32_t iss)
{
    return (uint32_t)ec << 26 | ESR_IL | (iss & 0x1FFFFFF);
}

/* ---- memory (cpu/mem.c) ---- */

/* Access flags for the slow path. */
enum {
    MEM_UNPRIV  = 1u << 0,   /* LDTR/STTR: EL0 permissions */
    MEM_ALIGNED = 1u << 1,   /* must be aligned to the access size */
};

/* Data-abort ISS template bits (ISV SAS SSE SRT SF AR); WnR and FSC are
 * added when the abort happens. */
#define ISS_ISV (1u << 24)
#define ISS_SAS(s) ((uint32_t)(s) << 22)
#define ISS_SSE (1u << 21)
#define ISS_SRT(r) ((uint32_t)(r) << 16)
#define ISS_SF  (1u << 15)
#define ISS_AR  (1u << 14)
#define ISS_WNR (1u << 6)
#define ISS_CM  (1u << 8)    /* cache maintenance or AT */

int cpu_mem_read_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t *val,
                      uint32_t iss, unsigned flags);
int cpu_mem_write_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t val,
                       uint32_t iss, unsigned flags);
/* Translate for a data access without touching memory (exclusives need the PA). */
int cpu_mem_translate(struct cpu *c, uint64_t va, enum cpu_access kind, unsigned size,
                      unsigned flags, uint32_t iss, uint64_t *pa);
/* Translation only, no fault taken (AT, IC IVAU): 0 with *pa or nonzero with *f. */
int cpu_mem_probe(struct cpu *c, uint64_t va, enum cpu_access kind, unsigned flags, uint64_t *pa,
                  struct cpu_fault *f);
/* A context synchronization event: tells the translation seam (MPU
 * register writes take effect) and drops cached translations. */
void cpu_context_sync(struct cpu *c);
/* A store by this core to physical [pa, pa+size): other cores' monitors,
 * decoded code. */
void cpu_mem_store_effects(struct cpu *c, uint64_t pa, unsigned size);

static inline unsigned tlb_el(const struct cpu *c)
{
    return c->ps.el;
}

/* Fast-path loads and stores: a soft-TLB hit is one compare and one add.
 * They return 0, or nonzero after taking an exception. */
#define MEM_FAST(size, type)                                                          \
    static inline int mem_read##size(struct cpu *c, uint64_t va, uint64_t *val,        \
                                     uint32_t iss)                                    \
    {                                                                                 \
        const struct cpu_tlb_entry *e = &c->tlb_r[tlb_el(c)][(va >> 12) % CPU_TLB_SIZE]; \
        c->mem_va = va;                                                               \
        c->mem_size = size / 8;                                                       \
        c->mem_write = false;                                                         \
        /* a hit needs the page to match and the access to be aligned */          \
        if (LIKELY(e->vpage == (va & (~(uint64_t)0xFFF | (size / 8 - 1))))) {         \
            type t;                                                                   \
            memcpy(&t, (const void *)(uintptr_t)(va + e->addend), sizeof t);          \
            *val = t;                                                                 \
            return 0;                                                                 \
        }                                                                             \
        return cpu_mem_read_slow(c, va, size / 8, val, iss, 0);                       \
    }                                                                                 \
    static inline int mem_write##size(struct cpu *c, uint64_t va, uint64_t val,        \
                                      uint32_t iss)                                   \
    {                                                                                 \
        const struct cpu_tlb_entry *e = &c->tlb_w[tlb_el(c)][(va >> 12) % CPU_TLB_SIZE]; \
        c->mem_va = va;                                                               \
        c->mem_size = size / 8;                                                       \
        c->mem_write = true;                                                          \
        if (LIKELY(e->vpage == (va & (~(uint64_t)0xFFF | (size / 8 - 1))))) {         \
            type t = (type)val;                                                       \
            memcpy((void *)(uintptr_t)(va + e->addend), &t, sizeof t);                \
            return 0;                                                                 \
        }                                                                             \
        return cpu_mem_write_slow(c, va, size / 8, val, iss, 0);                      \
    }
MEM_FAST(8, uint8_t)
MEM_FAST(16, uint16_t)
MEM_FAST(32, uint32_t)
MEM_FAST(64, uint64_t)
#undef MEM_FAST

/* Any size given as log2 (0..3). */
static inline __attribute__((always_inline)) int mem_read(struct cpu *c, uint64_t va, unsigned lsz,
                                                          uint64_t *val, uint32_t iss)
{
    switch (lsz) {
    case 0: return mem_read8(c, va, val, iss);
    case 1: return mem_read16(c, va, val, iss);
    case 2: return mem_read32(c, va, val, iss);
    default: return mem_read64(c, va, val, iss);
    }
}
static inline __attribute__((always_inline)) int mem_write(struct cpu *c, uint64_t va, unsigned lsz,
                                                           uint64_t val, uint32_t iss)
{
    switch (lsz) {
    case 0: return mem_write8(c, va, val, iss);
    case 1: return mem_write16(c, va, val, iss);
    case 2: return mem_write32(c, va, val, iss);
    default: return mem_write64(c, va, val, iss);
    }
}

/* SCTLR_ELx of the regime of the current EL. */
static inline uint64_t cpu_sctlr(const struct cpu *c)
{
    return c->ps.el == 2 ? SR(c, SCTLR_EL2) : SR(c, SCTLR_EL1);
}

/* Alignment check (SCTLR.A) and SP alignment check for a load/store with
 * base register slot `rn`: nonzero when an exception was taken. */
int cpu_check_sp_align(struct cpu *c, uint64_t va);
static inline int ldst_checks(struct cpu *c, unsigned rn, uint64_t base)
{
    if (UNLIKELY(rn == CPU_R_SP) && UNLIKELY(base & 15))
        return cpu_check_sp_align(c, base);
    return 0;
}

/* ---- decode cache (cpu/decode_cache.c) ---- */
struct cpu_code_page;
struct cpu_insn *cpu_decode_page_lookup(struct cpu *c, uint64_t pa, uint8_t *host);
bool cpu_decode_page_is_code(struct cpu_cluster *cl, uint64_t ppage);
void cpu_decode_invalidate(struct cpu_cluster *cl, uint64_t pa, uint64_t len);
void cpu_decode_invalidate_all(struct cpu_cluster *cl);
void cpu_decode_cache_free(struct cpu_cluster *cl);
/* Decodes one word into *out (generated table + prep). */
void cpu_decode(struct cpu_cluster *cl, uint32_t raw, struct cpu_insn *out);
uint64_t cpu_exec_decode_miss(struct cpu *c, const struct cpu_insn *i, uint64_t pc);
/* The handler of every encoding that is UNDEFINED. */
uint64_t exec_undef(struct cpu *c, const struct cpu_insn *i, uint64_t pc);
/* Drops soft-TLB write entries that map the host page `host` in every core. */
void cpu_cluster_unmap_write(struct cpu_cluster *cl, const uint8_t *host);

/* ---- cluster (cpu/cluster.c) ---- */
struct cpu_cluster {
    enum cpu_profile profile;
    uint32_t features;
    struct cpu **cores;
    unsigned ncores;
    unsigned active_monitors;     /* cores with a valid exclusive monitor */
    /* decode cache: open-addressed hash of physical page -> decoded page */
    struct cpu_code_page **pages;
    size_t npages, cap;
};

/* ---- system registers (cpu/sysreg.c), firmware (cpu/psci.c) ---- */
void cpu_sysreg_reset(struct cpu *c);
uint64_t cpu_counter(struct cpu *c);
uint64_t cpu_psci_call(struct cpu *c);   /* SMC at EL2 on profile a */
int cpu_semihost_call(struct cpu *c);    /* HLT #0xF000; nonzero: stop requested */
void cpu_stop(struct cpu *c, enum cpu_stop reason);
bool cpu_fp_access_trap(struct cpu *c, uint64_t *next_pc);

#endif
