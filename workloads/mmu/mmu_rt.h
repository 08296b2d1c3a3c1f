/* Runtime of the VMSAv8-64 test programs: translation tables built in
 * memory, the maintenance instructions as macros, entry to an EL1 guest
 * and back, and exception handlers that print what a fault reports.
 *
 * Every table here uses the 4 KiB granule and a 39-bit input address
 * (TxSZ = 25), so a walk starts at level 1 with a single 512-entry table
 * whatever the regime: EL2 stage 1, EL1&0 stage 1 and stage 2 (VTCR_EL2.SL0
 * = 1).  Tables come from a pool in the program's BSS, which every program
 * maps flat, so a table's address is the same in every address space. */
#ifndef WORKLOADS_MMU_RT_H
#define WORKLOADS_MMU_RT_H

#include "lib/rt.h"

/* ---- descriptor bits -------------------------------------------------- */

#define D_VALID     (1ull << 0)
#define D_TABLE     (1ull << 1)      /* table at L1/L2, page at L3 */
#define D_AF        (1ull << 10)
#define D_SH_INNER  (3ull << 8)
#define D_SH_OUTER  (2ull << 8)
#define D_CONTIG    (1ull << 52)

/* stage 1 */
#define S1_ATTR(i)  ((u64)(i) << 2)  /* MAIR index */
#define S1_AP_EL0   (1ull << 6)
#define S1_AP_RO    (1ull << 7)
#define S1_NG       (1ull << 11)
#define S1_PXN      (1ull << 53)
#define S1_XN       (1ull << 54)     /* UXN; XN in the EL2 regime */

/* stage 2 */
#define S2_MEMATTR(m) ((u64)(m) << 2)
#define S2_AP_R     (1ull << 6)
#define S2_AP_W     (1ull << 7)
#define S2_XN       (1ull << 54)

/* MAIR: index 0 Normal Write-Back, index 1 Device-nGnRE */
#define MAIR_VALUE  0x04FFull
#define ATTR_NORMAL 0
#define ATTR_DEVICE 1

/* Usual leaf attributes. */
#define S1_RAM      (S1_ATTR(ATTR_NORMAL) | D_SH_INNER | D_AF)
/* Device memory is outer shareable whatever the descriptor says, and
 * PAR_EL1.SH reports 0b10 for it; QEMU 7.2 reports the descriptor's field,
 * so the descriptor says it too. */
#define S1_DEV      (S1_ATTR(ATTR_DEVICE) | D_SH_OUTER | D_AF | S1_XN | S1_PXN)
#define S2_RAM      (S2_MEMATTR(0xF) | D_SH_INNER | D_AF | S2_AP_R | S2_AP_W)

/* ---- control register values -------------------------------------------- */

/* TCR_EL2: T0SZ 25, WB WA walks, inner shareable, 4K, PS 40 bits, RES1 31/23 */
#define TCR_EL2_VALUE ((1ull << 31) | (1ull << 23) | (2ull << 16) | (3ull << 12) | (1ull << 10) | \
                       (1ull << 8) | 25)
/* TCR_EL1: T0SZ 25 as above, TTBR1 walks disabled (EPD1), IPS 40 bits */
#define TCR_EL1_VALUE ((2ull << 32) | (1ull << 23) | (3ull << 12) | (1ull << 10) | (1ull << 8) | 25)
/* VTCR_EL2: T0SZ 25, SL0 1 (start at level 1), 4K, PS 40 bits, RES1 31 */
#define VTCR_VALUE    ((1ull << 31) | (2ull << 16) | (3ull << 12) | (1ull << 10) | (1ull << 8) | \
                       (1ull << 6) | 25)

#define SCTLR_M     (1ull << 0)
#define SCTLR_C     (1ull << 2)
#define SCTLR_I     (1ull << 12)
#define SCTLR_EL2_RES1 0x30C50830ull
#define SCTLR_EL1_RES1 0x30D00800ull

#define HCR_VM      (1ull << 0)
#define HCR_RW      (1ull << 31)

/* ---- instructions ---------------------------------------------------------- */

#define dsb(opt)        __asm__ volatile("dsb " #opt ::: "memory")
#define tlbi(op, x)     __asm__ volatile("tlbi " #op ", %0" ::"r"((u64)(x)) : "memory")
#define tlbi_all(op)    __asm__ volatile("tlbi " #op ::: "memory")
#define at(op, va)      __asm__ volatile("at " #op ", %0" ::"r"((u64)(va)) : "memory")

/* AT, then PAR_EL1 (after the ISB the architecture asks for). */
#define at_par(op, va) ({ at(op, va); isb(); read_sysreg(par_el1); })

static inline u64 read64(u64 va)
{
    return *(volatile u64 *)va;
}

static inline void write64(u64 va, u64 v)
{
    *(volatile u64 *)va = v;
}

/* ---- tables ---------------------------------------------------------------------- */

/* A zeroed 4 KiB table from the pool (exit(1) when it is empty). */
u64 *pt_alloc(void);
/* The descriptor slot for `va` at `level` (1..3) below `root`, creating
 * the tables above it. */
u64 *pt_slot(u64 *root, u64 va, int level);
/* Maps `va` to `oa` with a block (level 1 or 2) or a page (level 3);
 * `attrs` are the leaf attributes (AF, AP, attribute index, XN ...). */
void pt_map(u64 *root, u64 va, u64 oa, int level, u64 attrs);
/* Flat map [base, base + size) with 2 MiB blocks. */
void pt_map_blocks(u64 *root, u64 base, u64 size, u64 attrs);

/* ---- probes (mmu_rt_asm.S): one access each ------------------------------ */

/* The loaded value, or `va` itself when the load aborted. */
u64 probe_read(u64 va);
void probe_write(u64 va, u64 value);
/* Calls the RET at `va`: 1 when it ran, 0 when the fetch aborted. */
u64 probe_exec(u64 va);

/* ---- running an EL1 guest ------------------------------------------------------- */

/* Runs fn(arg) at EL1h (DAIF masked) on the stack `sp_el1`, and returns
 * its result when it is done.  The guest comes back with HVC #0xfff, which
 * the EL2 handler below turns into the return (mmu_rt_asm.S). */
u64 run_el1(u64 (*fn)(u64), u64 arg, u64 sp_el1);
extern char el1_return[];
extern char __stack_el1_top[];

/* PSCI CPU_ON (SMC) of the core with affinity `mpidr` at secondary_entry,
 * which sets the stack to `stack_top` and the vectors, then calls the
 * program's secondary_main().  Returns the PSCI status. */
s64 start_core(u64 mpidr, u64 stack_top);
void secondary_entry(void);
void secondary_main(void);

/* Writes a RET at `pa` (a code page for the execute-never tests) and makes
 * it visible to instruction fetches. */
void put_ret(u64 pa);

/* ---- reporting --------------------------------------------------------------------- */

/* Prints one line per exception taken: "el2 ec=.. esr=.. far=.. [hpfar=..]".
 * HPFAR_EL2 is printed where the architecture defines it: a stage-2
 * Translation, Access flag or Address size fault, or S1PTW. */
void report_exc(unsigned el, u64 esr, u64 far, u64 hpfar);
/* "NAME par=0x..." */
void report_par(const char *name, u64 par);
/* Prints "NAME\n" and then whatever the test causes. */
void step(const char *name);

/* Exceptions the handlers took since the counter was last read (tests
 * that expect none print it). */
extern volatile unsigned exc_count;

#endif
