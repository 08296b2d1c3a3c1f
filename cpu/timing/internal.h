/* Internal interfaces of the cycle model.  Not for use outside cpu/timing/
 * (the machine and the tests use cpu/timing.h). */
#ifndef MSASIM_CPU_TIMING_INTERNAL_H
#define MSASIM_CPU_TIMING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/timing.h"

#define TM_LIKELY(x) __builtin_expect(!!(x), 1)
#define TM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- parameters (params.c) -------------------------------------------- */

extern const char *const tm_words_bp_kind[];
extern const char *const tm_words_repl[];
extern const char *const tm_words_write[];

enum { TM_BP_STATIC = 0, TM_BP_BIMODAL = 1, TM_BP_GSHARE = 2 };
enum { TM_REPL_LRU = 0, TM_REPL_FIFO = 1, TM_REPL_RANDOM = 2 };
enum { TM_WRITE_BACK = 0, TM_WRITE_THROUGH = 1 };

struct tm_params {
#define X(key, field, words, min, max, def, doc) uint64_t field;
#include "cpu/timing/params_list.h"
#undef X
};

struct timing_config {
    char name[128];
    struct tm_params p;
};

/* Built-in core descriptions (generated from cpu/timing/cores/ *.core). */
struct tm_builtin_core {
    const char *name;
    const char *text;
};
extern const struct tm_builtin_core tm_builtin_cores[];
extern const unsigned tm_builtin_core_count;

/* ---- decoded instructions (decode.c) ------------------------------------ */

/* Register slots of the scoreboard: X0-X30, SP, NZCV, V0-V31. */
enum { TM_R_SP = 31, TM_R_NZCV = 32, TM_R_V0 = 33, TM_NREGS = 65 };

enum tm_cls {
    TM_C_NOP = 0,       /* hints, CLREX, PRFM, semihosting */
    TM_C_ALU,
    TM_C_ALU_SHIFT,
    TM_C_MUL,
    TM_C_DIV,
    TM_C_FP,
    TM_C_LOAD,
    TM_C_STORE,
    TM_C_ATOMIC,        /* read-modify-write: LD<op>, SWP, CAS */
    TM_C_B,             /* B */
    TM_C_BL,            /* BL */
    TM_C_BCOND,         /* B.cond, CBZ/CBNZ, TBZ/TBNZ */
    TM_C_BR,            /* BR */
    TM_C_BLR,           /* BLR */
    TM_C_RET,           /* RET */
    TM_C_ERET,
    TM_C_EXC,           /* SVC, HVC, SMC, BRK, UNDEFINED, unimplemented FP */
    TM_C_MRS,
    TM_C_MSR,           /* MSR (register or immediate) */
    TM_C_MSR_MPU,       /* MSR to an MPU register */
    TM_C_ISB,
    TM_C_DSB,
    TM_C_DMB,
    TM_C_SYS,           /* DC, IC, TLBI, AT */
};

enum tm_unit { TM_U_ALU = 0, TM_U_MAC, TM_U_DIV, TM_U_LDST, TM_U_BR, TM_U_FP, TM_U_SYS, TM_U_COUNT };

/* SYS operations the model charges. */
enum tm_sys {
    TM_SYS_NONE = 0,
    TM_SYS_DC_CLEAN,        /* DC CVAC, CVAU, CVAP */
    TM_SYS_DC_INVAL,        /* DC IVAC */
    TM_SYS_DC_CIVAC,
    TM_SYS_DC_ZVA,
    TM_SYS_DC_SETWAY,       /* DC ISW/CSW/CISW: cost only */
    TM_SYS_IC_IVAU,
    TM_SYS_IC_IALLU,
    TM_SYS_IC_IALLUIS,
    TM_SYS_TLBI_VA,         /* by VA (Xt[43:0] = VA >> 12), local */
    TM_SYS_TLBI_VA_IS,
    TM_SYS_TLBI_ALL,        /* everything else, local */
    TM_SYS_TLBI_ALL_IS,
    TM_SYS_AT,
};

#define TM_MAX_SRC 6
#define TM_MAX_DST 3
#define TM_NOREG 0xFF

enum {
    TM_F_LOAD = 1u << 0,      /* reads memory */
    TM_F_STORE = 1u << 1,     /* writes memory */
    TM_F_EXCL = 1u << 2,      /* exclusive, acquire/release or atomic */
    TM_F_PAIR = 1u << 3,      /* two registers: the access is twice the element */
};

struct tm_op {
    uint8_t cls;            /* enum tm_cls */
    uint8_t unit;           /* enum tm_unit */
    uint16_t lat;           /* result latency (from the parameters) */
    uint8_t flags;
    uint8_t nsrc, ndst;
    uint8_t src[TM_MAX_SRC];
    uint8_t dst[TM_MAX_DST];
    uint8_t wb_dst;         /* base register written back (pre/post index), or TM_NOREG */
    uint8_t sys;            /* enum tm_sys */
    uint8_t xt;             /* SYS: Xt register number (31 = XZR) */
    int32_t off;            /* direct branches: target - pc */
};

/* Fills *op for `insn` (the parameters give the latencies). */
void tm_decode(const struct tm_params *p, uint32_t insn, struct tm_op *op);

/* ---- caches (cache.c) ----------------------------------------------------- */

struct tm_line {
    uint64_t tag;           /* line address (pa >> line_shift); ~0 when invalid */
    uint64_t stamp;         /* LRU: last use; FIFO: fill */
    uint8_t dirty;
    uint8_t shared;         /* another core may hold a copy */
};

struct tm_cache {
    unsigned sets, ways, line_shift;
    uint64_t set_mask;
    unsigned repl;
    bool write_through;
    bool write_allocate;
    struct tm_line *lines;  /* sets * ways */
    uint64_t clock;
    uint64_t rng;
};

int tm_cache_init(struct tm_cache *cache, uint64_t size, unsigned ways, unsigned line, unsigned repl,
                  bool write_through, bool write_allocate);
void tm_cache_free(struct tm_cache *cache);
/* The line holding `pa`, or NULL, without touching the replacement state
 * (snoops, maintenance). */
static inline struct tm_line *tm_cache_probe(struct tm_cache *c, uint64_t pa)
{
    uint64_t tag = pa >> c->line_shift;
    struct tm_line *set = &c->lines[(size_t)(tag & c->set_mask) * c->ways];
    for (unsigned w = 0; w < c->ways; w++)
        if (set[w].tag == tag)
            return &set[w];
    return NULL;
}
/* The same for an access: a hit updates the replacement state. */
static inline struct tm_line *tm_cache_lookup(struct tm_cache *c, uint64_t pa)
{
    struct tm_line *l = tm_cache_probe(c, pa);
    if (l && c->repl == TM_REPL_LRU)
        l->stamp = ++c->clock;
    return l;
}
/* Installs the line of `pa` (not present); *victim gets the evicted line
 * (tag ~0 when the way was empty).  Returns the new line. */
struct tm_line *tm_cache_fill(struct tm_cache *cache, uint64_t pa, struct tm_line *victim);
void tm_cache_invalidate_all(struct tm_cache *cache);
static inline uint64_t tm_line_addr(const struct tm_cache *cache, uint64_t tag)
{
    return tag << cache->line_shift;
}

/* ---- branch prediction (bpred.c) ----------------------------------------- */

struct tm_btb_entry {
    uint64_t pc;            /* ~0 when invalid */
    uint64_t target;
    uint64_t stamp;
};

struct tm_bpred {
    unsigned kind;
    uint8_t *ctr;           /* 2-bit counters */
    uint64_t ctr_mask;
    uint64_t ghist, hist_mask;
    struct tm_btb_entry *btb;
    unsigned btb_sets, btb_ways;
    uint64_t btb_clock;
    uint64_t *ras;
    unsigned ras_size, ras_top, ras_count;
};

int tm_bpred_init(struct tm_bpred *bp, const struct tm_params *p);
void tm_bpred_free(struct tm_bpred *bp);
/* A conditional branch at pc (target: its taken target) resolved as
 * `taken`: returns the direction predicted, and trains the predictor. */
static inline bool tm_bpred_resolve(struct tm_bpred *bp, uint64_t pc, uint64_t target, bool taken)
{
    if (bp->kind == TM_BP_STATIC)
        return target <= pc;
    uint64_t i = pc >> 2;
    if (bp->kind == TM_BP_GSHARE)
        i ^= bp->ghist;
    uint8_t *c = &bp->ctr[i & bp->ctr_mask];
    bool pred = *c >= 2;
    if (taken && *c < 3)
        (*c)++;
    else if (!taken && *c > 0)
        (*c)--;
    bp->ghist = ((bp->ghist << 1) | (taken ? 1 : 0)) & bp->hist_mask;
    return pred;
}
/* BTB: the predicted target of a taken branch, or false when absent. */
static inline bool tm_btb_lookup(struct tm_bpred *bp, uint64_t pc, uint64_t *target)
{
    struct tm_btb_entry *set = &bp->btb[((pc >> 2) & (bp->btb_sets - 1)) * bp->btb_ways];
    for (unsigned w = 0; w < bp->btb_ways; w++)
        if (set[w].pc == pc) {
            set[w].stamp = ++bp->btb_clock;
            *target = set[w].target;
            return true;
        }
    return false;
}
void tm_btb_insert(struct tm_bpred *bp, uint64_t pc, uint64_t target);
void tm_ras_push(struct tm_bpred *bp, uint64_t ret);
bool tm_ras_pop(struct tm_bpred *bp, uint64_t *ret);

/* ---- TLB (tlb.c) --------------------------------------------------------- */

struct tm_tlbe {
    uint64_t vpage;         /* va >> shift; ~0 when invalid */
    uint64_t ctx;           /* regime, ASID and VMID */
    uint64_t stamp;
    uint8_t shift;
};

struct tm_tlb {
    struct tm_tlbe *micro[2];     /* [0] data, [1] instruction */
    unsigned micro_n;
    unsigned micro_last[2];       /* the entry that hit last */
    struct tm_tlbe *main;
    unsigned main_sets, main_ways;
    uint64_t shifts;              /* page sizes present in the main TLB */
    uint64_t *walkc;              /* walk cache: descriptor addresses */
    uint64_t *walkc_stamp;
    unsigned walkc_n;
    uint64_t clock;
};

enum tm_tlb_result { TM_TLB_MICRO = 0, TM_TLB_MAIN, TM_TLB_MISS };

int tm_tlb_init(struct tm_tlb *tlb, const struct tm_params *p);
void tm_tlb_free(struct tm_tlb *tlb);
/* Looks `va` up (micro, then main); a main hit refills the micro-TLB. */
enum tm_tlb_result tm_tlb_lookup(struct tm_tlb *tlb, uint64_t va, uint64_t ctx, bool fetch);
/* The common case of a lookup: the micro-TLB entry that hit last. */
static inline bool tm_tlb_hit_last(struct tm_tlb *t, uint64_t va, uint64_t ctx, bool fetch)
{
    struct tm_tlbe *e = &t->micro[fetch][t->micro_last[fetch]];
    if (e->vpage == va >> e->shift && e->ctx == ctx) {
        e->stamp = ++t->clock;
        return true;
    }
    return false;
}
/* After a walk: installs the translation in the main and micro TLBs. */
void tm_tlb_fill(struct tm_tlb *tlb, uint64_t va, uint64_t ctx, unsigned shift, bool fetch);
/* Walk cache: true if the descriptor at pa is held (and refreshes it). */
bool tm_walkc_hit(struct tm_tlb *tlb, uint64_t pa);
void tm_walkc_fill(struct tm_tlb *tlb, uint64_t pa);
/* TLBI: every entry, or those translating `va`. */
void tm_tlb_flush(struct tm_tlb *tlb);
void tm_tlb_flush_va(struct tm_tlb *tlb, uint64_t va);

/* ---- the core ------------------------------------------------------------ */

/* One remembered translation (a simulation aid that costs no cycles). */
struct tm_xent {
    uint64_t key;           /* va page | el << 1 | fetch */
    uint64_t pa_page;
    uint32_t gen;
    uint8_t type;           /* enum timing_mem_type */
    uint8_t vmsa;
    uint8_t mpu;
    uint8_t shift;
};
#define TM_XCACHE 256

struct tm_dent {
    uint64_t pc;
    uint32_t insn;
    struct tm_op op;
};
#define TM_DCACHE_BITS 12

#define TM_WBUF_MAX 256

struct timing_core {
    struct timing_system *sys;
    unsigned id;
    const struct tm_params *p;
    bool active;                 /* has executed something (snoops skip idle cores) */

    /* issue state */
    uint64_t now;                /* issue cycle of the current group */
    bool started;
    unsigned slots;
    bool group_closed;
    uint8_t unit_cap[TM_U_COUNT];
    uint8_t unit_used[TM_U_COUNT];
    uint64_t unit_free[TM_U_COUNT];

    /* scoreboard: ready time, the time it would have had without penalties,
     * and the category of the difference */
    uint64_t reg_ready[TM_NREGS];
    uint64_t reg_base[TM_NREGS];
    uint8_t reg_cat[TM_NREGS];

    /* front end */
    uint64_t redirect;           /* first cycle the next fetch may issue after a redirect */
    uint8_t redirect_cat;
    uint64_t fetch_ready;        /* >= redirect; the rest is I-cache misses */
    uint64_t fetch_line;         /* line of the last fetch, ~0 after a redirect */
    /* The page of the last data access [0] and fetch [1], while translation
     * state is unchanged: another access to it repeats a micro-TLB hit on
     * the most recent entry, which changes nothing, so it is skipped. */
    struct tm_last_xlat {
        uint64_t vpage, pa_page;
        uint32_t gen;
        uint8_t el, type;
    } last_xlat[2];
    uint64_t fwd;                /* extra result latency: 0, or pipe.wb_delay without forwarding */
    uint64_t expect_pc;

    /* memory */
    uint64_t loads_done;         /* completion of the last outstanding load */
    uint64_t wbuf[TM_WBUF_MAX];  /* completion times, FIFO */
    unsigned wbuf_head, wbuf_count;
    struct tm_cache l1i, l1d;
    struct tm_tlb tlb;
    struct tm_bpred bp;
    bool mpu_dirty;              /* MPU writes waiting for a synchronization */

    /* translation context for TLB tags */
    uint64_t ctx_tag;
    bool ctx_stale;
    unsigned last_el;

    struct tm_xent xcache[TM_XCACHE];
    uint32_t xgen;

    struct tm_dent *dcache;      /* 1 << TM_DCACHE_BITS entries */

    /* functions */
    uint64_t fn_lo, fn_hi;       /* range of the current function, or of the gap */
    struct timing_fn_stats *fn;  /* per function */
    struct timing_fn_stats *fn_cur; /* the current function's, NULL in a gap */
    struct timing_fn_stats fn_none; /* where a gap's figures go */
    uint64_t fn_misp_seen;       /* st.mispredicts already attributed */
    size_t nfn;
    /* the last instruction was a taken branch to call_target: the next one,
     * if it starts a function, is a call (from call_from, by link or not) */
    bool call_pending, call_link;
    uint64_t call_target;
    const struct timing_fn_stats *call_from;

    struct timing_stats st;
};

struct timing_system {
    struct timing_config cfg;
    struct timing_env env;
    unsigned ncores;
    struct timing_core **cores;
    struct tm_cache l2;
    bool has_l2;
    uint64_t *fn_start, *fn_end;
    size_t nfn;
};

/* ---- memory system (memsys.c) -------------------------------------------- */

/* A data access of `size` bytes at pa at cycle t: returns the load-to-use
 * latency (stores: 0) and in *stall the cycles the access blocks the
 * pipeline (write buffer full, coherence), and *base the latency it would
 * have had as an L1 hit. */
unsigned tm_mem_data(struct timing_core *c, uint64_t pa, unsigned size, bool write,
                     enum timing_mem_type type, uint64_t t, unsigned *stall, unsigned *base);
/* An instruction fetch of the line holding pa: cycles the fetch adds. */
unsigned tm_mem_fetch(struct timing_core *c, uint64_t pa, enum timing_mem_type type);
/* A descriptor read of a walk. */
unsigned tm_mem_walk_read(struct timing_core *c, uint64_t pa);
/* Cache maintenance by PA: cycles it blocks. */
unsigned tm_mem_dc(struct timing_core *c, uint64_t pa, enum tm_sys op, uint64_t t);
void tm_mem_ic(struct timing_core *c, uint64_t pa, enum tm_sys op);
/* Time at which the write buffer is empty. */
uint64_t tm_wbuf_drained(const struct timing_core *c);
/* Puts a write that completes `lat` cycles after t in the write buffer;
 * returns the cycles the writer stalls because it was full. */
unsigned tm_wbuf_push(struct timing_core *c, uint64_t t, unsigned lat);

/* ---- pipeline helpers (pipeline.c, events.c) ------------------------------ */

/* Blocks the pipeline for `n` cycles at the current instruction. */
static inline void tm_stall(struct timing_core *c, uint64_t n, enum timing_cpi cat)
{
    if (!n)
        return;
    c->now += n;
    c->st.cpi[cat] += n;
    c->slots = 0;
    for (int u = 0; u < TM_U_COUNT; u++)
        c->unit_used[u] = 0;
    c->group_closed = false;
}

/* A redirect (misprediction, exception, ISB): the instruction issued at
 * `from` ends its issue group, and the next one issues `penalty` cycles
 * later than it would have (from + 1). */
static inline void tm_redirect(struct timing_core *c, uint64_t from, uint64_t penalty, enum timing_cpi cat)
{
    uint64_t t = from + 1 + penalty;
    if (t > c->redirect) {
        c->redirect = t;
        c->redirect_cat = (uint8_t)cat;
    }
    if (c->fetch_ready < c->redirect)
        c->fetch_ready = c->redirect;
    c->group_closed = true;
    c->fetch_line = ~0ull;
}

/* Forgets the remembered translations (translation state changed). */
static inline void tm_xlat_forget(struct timing_core *c)
{
    c->xgen++;
    c->ctx_stale = true;
    c->fetch_line = ~0ull;
}

/* Serializing events: barriers, system register writes, maintenance,
 * exception entry and return (events.c).  `t` is the issue cycle. */
void tm_event_insn(struct timing_core *c, struct cpu *cpu, const struct tm_op *op,
                   const struct cpu_insn_record *rec);
void tm_event_exception(struct timing_core *c);

/* Translation of a data access or fetch, with the TLB model's cost charged
 * as stalls; fills *type and returns the PA. */
uint64_t tm_translate_slow(struct timing_core *c, struct cpu *cpu, uint64_t va, unsigned el, bool fetch,
                           enum timing_mem_type *type);
static inline uint64_t tm_translate(struct timing_core *c, struct cpu *cpu, uint64_t va, unsigned el,
                                    bool fetch, enum timing_mem_type *type)
{
    const struct tm_last_xlat *l = &c->last_xlat[fetch];
    if (TM_LIKELY((va & ~0xFFFull) == l->vpage && l->gen == c->xgen && l->el == el)) {
        *type = (enum timing_mem_type)l->type;
        return l->pa_page | (va & 0xFFF);
    }
    return tm_translate_slow(c, cpu, va, el, fetch, type);
}

#endif
