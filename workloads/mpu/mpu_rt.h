/* Shared runtime of the MPU architecture tests (PMSAv8-64, Armv8-R AArch64):
 * MPU register access at EL1 and EL2 (by generic S3_<op1>_C<n>_C<m>_<op2>
 * names, so any assembler takes them), region values, the probes that make
 * one access and catch its abort, and the verdicts.
 *
 * Every check prints what the program observed and PASS or FAIL, computed
 * here against the value the architecture (or a documented decision of the
 * model, mpu/mpu.h) requires; mpu_finish() exits non-zero when one failed. */
#ifndef WORKLOADS_MPU_RT_H
#define WORKLOADS_MPU_RT_H

#include "lib/rt.h"

/* ---- system registers (reference: PMSAv8-64 register table) ---------- */

#define MPUIR_EL1_R  "S3_0_C0_C0_4"
#define MPUIR_EL2_R  "S3_4_C0_C0_4"
#define PRENR_EL1_R  "S3_0_C6_C1_1"
#define PRENR_EL2_R  "S3_4_C6_C1_1"
#define PRSELR_EL1_R "S3_0_C6_C2_1"
#define PRSELR_EL2_R "S3_4_C6_C2_1"
#define PRBAR_EL1_R  "S3_0_C6_C8_0"
#define PRBAR_EL2_R  "S3_4_C6_C8_0"
#define PRLAR_EL1_R  "S3_0_C6_C8_1"
#define PRLAR_EL2_R  "S3_4_C6_C8_1"

#define MRS(name) ({ u64 v_; __asm__ volatile("mrs %0, " name : "=r"(v_)); v_; })
#define MSR(name, v) __asm__ volatile("msr " name ", %0" ::"r"((u64)(v)) : "memory")
#define dsb_sy() __asm__ volatile("dsb sy" ::: "memory")

/* SCTLR_ELx bits */
#define SCTLR_M   (1ull << 0)
#define SCTLR_C   (1ull << 2)
#define SCTLR_I   (1ull << 12)
#define SCTLR_BR  (1ull << 17)
#define SCTLR_WXN (1ull << 19)

/* HCR_EL2 bits */
#define HCR_VM (1ull << 0)
#define HCR_RW (1ull << 31)

/* PRBAR: SH [5:4], AP [3:2], XN [1:0] */
#define SH_NON   0u
#define SH_OUTER 2u
#define SH_INNER 3u
#define AP_RW_PRIV 0u   /* EL1 MPU: EL1 RW, EL0 none; EL2 MPU: EL2 RW, EL1&0 none */
#define AP_RW_ALL  1u
#define AP_RO_PRIV 2u
#define AP_RO_ALL  3u
#define XN_EXEC  0u
#define XN_NEVER 2u     /* XN[1] */

/* MAIR attribute indexes: Xen's MAIR_EL2 (idx 4 Device-nGnRE, idx 7
 * Normal write-back) and Zephyr's MAIR_EL1 (idx 0 Device-nGnRnE, idx 2
 * Normal write-back). */
#define XEN_MAIR_EL2   0xFF000004EEAA4400ull
#define ATTR2_NORMAL   7u
#define ATTR2_DEVICE   4u
#define ZEPHYR_MAIR_EL1 0x44FFAA00ull
#define ATTR1_NORMAL   2u

/* Region values for [base, end): BASE = base[47:6], LIMIT = (end - 1)[47:6]
 * (the limit is inclusive: the MPU appends 0x3F). */
static inline u64 prbar_of(u64 base, unsigned sh, unsigned ap, unsigned xn)
{
    return (base & 0x0000FFFFFFFFFFC0ull) | (sh & 3) << 4 | (ap & 3) << 2 | (xn & 3);
}

static inline u64 prlar_of(u64 end, unsigned attrindx, int en)
{
    return ((end - 1) & 0x0000FFFFFFFFFFC0ull) | (attrindx & 7) << 1 | (en ? 1 : 0);
}

/* MPU of EL `el` (1 or 2). */
u64 mpu_mpuir(unsigned el);
u64 mpu_prenr(unsigned el);
void mpu_set_prenr(unsigned el, u64 v);
void mpu_select(unsigned el, unsigned slot);         /* PRSELR, then ISB */
u64 mpu_selected(unsigned el);                       /* PRSELR read */
void mpu_write_selected(unsigned el, u64 prbar, u64 prlar);  /* PRBAR, PRLAR */
void mpu_read_selected(unsigned el, u64 *prbar, u64 *prlar);
/* PRBAR<n>/PRLAR<n>, n = 1..15: slot {PRSELR[7:4], n} */
void mpu_write_alias(unsigned el, unsigned n, u64 prbar, u64 prlar);
void mpu_read_alias(unsigned el, unsigned n, u64 *prbar, u64 *prlar);

/* Program one slot as Xen and Bao do: PRSELR = slot, ISB, PRBAR, PRLAR,
 * DSB SY, ISB. */
void mpu_set_region(unsigned el, unsigned slot, u64 prbar, u64 prlar);
/* The same through the aliases: PRSELR = slot & 0xF0, ISB, PRBAR<n> and
 * PRLAR<n> (n = slot & 15; n = 0 is PRBAR/PRLAR), DSB SY, ISB. */
void mpu_set_region_alias(unsigned el, unsigned slot, u64 prbar, u64 prlar);
/* Read one slot back through the selector. */
void mpu_get_region(unsigned el, unsigned slot, u64 *prbar, u64 *prlar);
/* Disable slots [first, MPUIR) (Xen's zero_mpu), 16 at a time. */
void mpu_clear_from(unsigned el, unsigned first);

/* ---- probes -------------------------------------------------------------- */

/* What the last abort taken by a probe looked like. */
struct fault_rec {
    u64 count;      /* aborts taken since the probe started */
    u64 el;         /* EL it was taken to */
    u64 esr, far, hpfar, elr;
};
extern volatile struct fault_rec fault_seen;

/* One access each, with its abort caught and stepped over.  The reads
 * return the value read (meaningless after an abort). */
u64 try_read64(u64 addr);
u64 try_read8(u64 addr);
u64 try_read_unpriv(u64 addr);      /* LDTR: checked as an EL0 access at EL1 */
void try_write64(u64 addr, u64 val);
void try_write8(u64 addr, u64 val);
void try_write32(u64 addr, u64 val);
void try_exec(u64 target);          /* BLR to a RET */
/* EL1 only: run `entry` at EL0 with x0 = arg on the EL0 stack; it ends with
 * SVC #0, which returns here with EL0's x0. */
u64 try_el0(void (*entry)(void), u64 arg);
/* Start and end a probe made by hand (code that must not call out). */
void probe_begin(void);
void probe_end(void);

/* Code in the probe page (own region in each program), in the data region
 * (never executable there) and for EL0. */
extern char probe_ret[], data_ret[];
extern void el0_read(void);         /* x0 = address */
extern void el0_write(void);
extern char __text_start[], __text_end[], __rodata_end[], __data_start[], __data_end[];
extern char __probe_start[], __probe_end[];
extern char __stack_el0_top[], __stack_el1_top[];

/* EL2 service for EL1 code: HVC #1 with x0 = slot, x1 = PRBAR, x2 = PRLAR
 * programs an EL2 MPU slot (the ERET synchronizes). */
void hvc_set_el2_region(unsigned slot, u64 prbar, u64 prlar);

/* ---- verdicts -------------------------------------------------------------- */

/* The abort a check expects; el = 0: no abort. */
struct want {
    unsigned el;        /* EL the abort is taken to */
    unsigned ec;        /* ESR.EC */
    unsigned fsc;       /* ESR.ISS DFSC/IFSC */
    unsigned wnr;       /* ESR.ISS WnR (data aborts) */
    u64 far;            /* FAR_ELx */
    u64 far_last;       /* if not 0: FAR may be any address in [far, far_last] */
    int hpfar;          /* also HPFAR_EL2 = (far >> 12) << 4 (stage 2, PMSA: IPA == VA) */
};

#define NO_ABORT ((struct want){0})
#define EC_IABT_LOW 0x20u
#define EC_IABT_CUR 0x21u
#define EC_DABT_LOW 0x24u
#define EC_DABT_CUR 0x25u
#define FSC_PERM_L0 0x0Cu   /* every MPU fault: Permission, level 0 */

/* Compare fault_seen with `w`, print "name: observed - PASS|FAIL". */
int expect(const char *name, struct want w);
/* A value check: "name: 0x.. - PASS|FAIL". */
int expect_eq(const char *name, u64 got, u64 want);
/* A check with a verdict made by the caller. */
int verdict(const char *name, const char *observed, int pass);
/* A line of information (no verdict). */
void note(const char *text);
void put_hx(u64 v);                 /* 0x with no leading zeros */
/* "NAME: N checks, N failed", then exit 0 or 1 through semihosting. */
void mpu_finish(const char *program) __attribute__((noreturn));

#endif
