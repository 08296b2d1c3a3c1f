/* The two stages of an EL1&0 access on Armv8-R AArch64: EL2 sets up its
 * MPU (regions whose AP lets EL1&0 in are the guest's stage 2), sets
 * HCR_EL2.VM and RW and drops to EL1; EL1 programs its own MPU and turns
 * it on (SCTLR_EL1.M = 1), then makes one access per rule:
 *
 *   stage 1 (EL1 MPU) faults are taken to EL1: EC 0x25 from EL1, 0x24
 *     from EL0, 0x21 for a fetch; FAR_EL1 = the address;
 *   stage 2 (EL2 MPU) faults are taken to EL2: EC 0x24 (data) or 0x20
 *     (fetch) from a lower EL, DFSC/IFSC 0x0C, FAR_EL2 = the address and
 *     HPFAR_EL2 = (IPA >> 12) << 4 with IPA == VA (mpu/mpu.h default:
 *     HPFAR valid for MPU stage-2 faults);
 *   an EL2 region with AP = 0b00 (EL2 only) does not exist for EL1&0;
 *   SCTLR_EL1.BR = 1 gives EL1 (not EL0, not LDTR) the background region
 *     at stage 1, and stage 2 still applies;
 *   stage-2 execute-never is PRBAR_EL2.XN[1] (mpu/mpu.h default).
 *
 * Sources: the PMSAv8-64 reference sections 1.5, 1.8, 1.9, 2.7 and 3, and
 * mpu/mpu.h. */
#include "mpu/mpu_rt.h"

#define GUEST   0x48000000ull   /* EL2 slot 5: 64 KiB, RW for EL1&0 */
#define MISS    0x48100000ull   /* no EL2 region; EL1 RW */
#define PRIV    0x48200000ull   /* EL2 slot 6, AP = EL2 only; EL1 RW */
#define NOWHERE 0x48300000ull   /* no region in either MPU */
#define EL0_MISS 0x48400000ull  /* no EL2 region; EL1 RW for EL0 too */
#define S2_RO   0x48500000ull   /* EL2 slot 7, read-only for EL1&0; EL1 RW */
#define PAGE    0x1000ull

static struct want s2_dabt(u64 addr, unsigned wnr)
{
    return (struct want){.el = 2, .ec = EC_DABT_LOW, .fsc = FSC_PERM_L0, .wnr = wnr,
                         .far = addr, .hpfar = 1};
}

static struct want s1_dabt(u64 addr, unsigned wnr, unsigned from_el0)
{
    return (struct want){.el = 1, .ec = from_el0 ? EC_DABT_LOW : EC_DABT_CUR,
                         .fsc = FSC_PERM_L0, .wnr = wnr, .far = addr};
}

static u64 s2_probe_prbar(unsigned xn)
{
    return prbar_of((u64)__probe_start, SH_INNER, AP_RO_ALL, xn);
}

/* EL2's MPU: the image (text executable for EL1&0, read-only data, data
 * and stacks) and the guest's RAM are visible to EL1&0; the UART and PRIV
 * are EL2's own; the probe page is execute-never at stage 2. */
static void el2_setup(void)
{
    mpu_clear_from(2, 0);
    mpu_set_region(2, 0, prbar_of((u64)__text_start, SH_INNER, AP_RO_ALL, XN_EXEC),
                   prlar_of((u64)__text_end, ATTR2_NORMAL, 1));
    mpu_set_region(2, 1, prbar_of((u64)__text_end, SH_INNER, AP_RO_ALL, XN_NEVER),
                   prlar_of((u64)__rodata_end, ATTR2_NORMAL, 1));
    mpu_set_region(2, 2, prbar_of((u64)__data_start, SH_INNER, AP_RW_ALL, XN_NEVER),
                   prlar_of((u64)__data_end, ATTR2_NORMAL, 1));
    mpu_set_region_alias(2, 3, prbar_of(0x9C090000ull, SH_OUTER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(0x9C091000ull, ATTR2_DEVICE, 1));
    mpu_set_region_alias(2, 4, s2_probe_prbar(XN_NEVER),
                         prlar_of((u64)__probe_end, ATTR2_NORMAL, 1));
    mpu_set_region_alias(2, 5, prbar_of(GUEST, SH_INNER, AP_RW_ALL, XN_NEVER),
                         prlar_of(GUEST + 0x10000, ATTR2_NORMAL, 1));
    mpu_set_region_alias(2, 6, prbar_of(PRIV, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(PRIV + PAGE, ATTR2_NORMAL, 1));
    mpu_set_region_alias(2, 7, prbar_of(S2_RO, SH_INNER, AP_RO_ALL, XN_NEVER),
                         prlar_of(S2_RO + PAGE, ATTR2_NORMAL, 1));
    write_sysreg(mair_el2, XEN_MAIR_EL2);
    dsb_sy();
    write_sysreg(sctlr_el2, (read_sysreg(sctlr_el2) | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_WXN) &
                                ~SCTLR_BR);
    isb();
    note("el2: MPU on; EL2 regions: image and guest RAM for EL1&0, PRIV for EL2 only");
    try_read64(PRIV);
    expect("EL2 read of PRIV (EL2-only region)", NO_ABORT);
    try_read64(MISS);
    expect("EL2 read of MISS (no EL2 region)",
           (struct want){.el = 2, .ec = EC_DABT_CUR, .fsc = FSC_PERM_L0, .far = MISS});
}

/* EL1's MPU, programmed by EL1: the image as at EL2 (text executable at
 * EL0 too, data RW for EL0 for its stack), pieces of the guest RAM with
 * each AP, MISS and PRIV RW for EL1, the probe page executable. */
static void el1_setup(void)
{
    mpu_clear_from(1, 0);
    mpu_set_region(1, 0, prbar_of((u64)__text_start, SH_INNER, AP_RO_ALL, XN_EXEC),
                   prlar_of((u64)__text_end, ATTR1_NORMAL, 1));
    mpu_set_region(1, 1, prbar_of((u64)__text_end, SH_INNER, AP_RO_ALL, XN_NEVER),
                   prlar_of((u64)__rodata_end, ATTR1_NORMAL, 1));
    mpu_set_region(1, 2, prbar_of((u64)__data_start, SH_INNER, AP_RW_ALL, XN_NEVER),
                   prlar_of((u64)__data_end, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 3, prbar_of(GUEST, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(GUEST + PAGE, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 4, prbar_of(GUEST + PAGE, SH_INNER, AP_RO_PRIV, XN_NEVER),
                         prlar_of(GUEST + 2 * PAGE, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 5, prbar_of(GUEST + 2 * PAGE, SH_INNER, AP_RW_ALL, XN_NEVER),
                         prlar_of(GUEST + 3 * PAGE, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 6, prbar_of(MISS, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(MISS + PAGE, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 7, prbar_of(PRIV, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(PRIV + PAGE, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 8, prbar_of((u64)__probe_start, SH_INNER, AP_RO_PRIV, XN_EXEC),
                         prlar_of((u64)__probe_end, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 9, prbar_of(EL0_MISS, SH_INNER, AP_RW_ALL, XN_NEVER),
                         prlar_of(EL0_MISS + PAGE, ATTR1_NORMAL, 1));
    mpu_set_region_alias(1, 10, prbar_of(S2_RO, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(S2_RO + PAGE, ATTR1_NORMAL, 1));
    u64 bar, lar;
    mpu_get_region(1, 10, &bar, &lar);
    expect_eq("EL1 slot 10 (written by PRBAR10) PRBAR_EL1", bar,
              prbar_of(S2_RO, SH_INNER, AP_RW_PRIV, XN_NEVER));
    write_sysreg(mair_el1, ZEPHYR_MAIR_EL1);
    dsb_sy();
    write_sysreg(sctlr_el1, (read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I) &
                                ~(SCTLR_BR | SCTLR_WXN));
    isb();
    expect_eq("SCTLR_EL1 M,BR,WXN (bits 0,17,19)",
              read_sysreg(sctlr_el1) & (SCTLR_M | SCTLR_BR | SCTLR_WXN), SCTLR_M);
    expect_eq("PRENR_EL1", mpu_prenr(1), 0x7FF);
}

static void stage2_faults(void)
{
    try_read64(GUEST);
    expect("EL1 read of guest RAM (both stages allow)", NO_ABORT);
    try_write64(GUEST + 8, 1);
    expect("EL1 write of guest RAM", NO_ABORT);
    try_read64(MISS + 0x10);
    expect("EL1 read of MISS (EL1 region, no EL2 region)", s2_dabt(MISS + 0x10, 0));
    try_write64(MISS + 0x20, 1);
    expect("EL1 write of MISS", s2_dabt(MISS + 0x20, 1));
    try_read64(PRIV + 0x40);
    expect("EL1 read of PRIV (EL2 region with AP=0b00)", s2_dabt(PRIV + 0x40, 0));
    try_write64(PRIV + 0x48, 1);
    expect("EL1 write of PRIV", s2_dabt(PRIV + 0x48, 1));
    try_read64(S2_RO);
    expect("EL1 read of S2_RO (EL2 region read-only for EL1&0)", NO_ABORT);
    try_write64(S2_RO + 8, 1);
    expect("EL1 write of S2_RO", s2_dabt(S2_RO + 8, 1));
    /* stage-2 execute-never: PRBAR_EL2.XN[1] (mpu/mpu.h default) */
    try_exec((u64)probe_ret);
    expect("EL1 branch to the probe page (EL2 region XN[1]=1)",
           (struct want){.el = 2, .ec = EC_IABT_LOW, .fsc = FSC_PERM_L0,
                         .far = (u64)probe_ret, .hpfar = 1});
    hvc_set_el2_region(4, s2_probe_prbar(XN_EXEC), prlar_of((u64)__probe_end, ATTR2_NORMAL, 1));
    try_exec((u64)probe_ret);
    expect("EL1 branch to the probe page after EL2 clears XN", NO_ABORT);
}

static void stage1_faults(void)
{
    try_read64(GUEST + 0x8000);
    expect("EL1 read of guest RAM outside every EL1 region", s1_dabt(GUEST + 0x8000, 0, 0));
    try_read64(GUEST + PAGE);
    expect("EL1 read of an EL1 read-only region", NO_ABORT);
    try_write64(GUEST + PAGE + 0x10, 1);
    expect("EL1 write of an EL1 read-only region", s1_dabt(GUEST + PAGE + 0x10, 1, 0));
    try_exec((u64)data_ret);
    expect("EL1 branch into the data region (EL1 region XN)",
           (struct want){.el = 1, .ec = EC_IABT_CUR, .fsc = FSC_PERM_L0, .far = (u64)data_ret});
    try_read64(NOWHERE);
    expect("EL1 read where neither MPU has a region (stage 1 first)", s1_dabt(NOWHERE, 0, 0));
}

static void background(void)
{
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_BR);
    isb();
    expect_eq("SCTLR_EL1.BR", (read_sysreg(sctlr_el1) >> 17) & 1, 1);
    try_read64(GUEST + 0x8000);
    expect("BR=1: EL1 read outside every EL1 region", NO_ABORT);
    try_read64(NOWHERE);
    expect("BR=1: EL1 read with no EL2 region (stage 2 still applies)", s2_dabt(NOWHERE, 0));
    try_write64(NOWHERE + 8, 1);
    expect("BR=1: EL1 write with no EL2 region", s2_dabt(NOWHERE + 8, 1));
    try_read_unpriv(GUEST + 0x8000);
    expect("BR=1: LDTR outside every EL1 region (checked as EL0)", s1_dabt(GUEST + 0x8000, 0, 0));
    try_read_unpriv(GUEST + 2 * PAGE);
    expect("LDTR of an EL1 region RW at EL0", NO_ABORT);
    try_read_unpriv(GUEST);
    expect("LDTR of an EL1 region for EL1 only", s1_dabt(GUEST, 0, 0));

    try_el0(el0_read, GUEST + 0x8000);
    expect("BR=1: EL0 read outside every EL1 region", s1_dabt(GUEST + 0x8000, 0, 1));
    try_el0(el0_read, GUEST + 2 * PAGE);
    expect("EL0 read of an EL1 region RW at EL0", NO_ABORT);
    try_el0(el0_read, GUEST);
    expect("EL0 read of an EL1 region for EL1 only", s1_dabt(GUEST, 0, 1));
    try_el0(el0_write, GUEST + PAGE + 0x20);
    expect("EL0 write of an EL1 read-only region", s1_dabt(GUEST + PAGE + 0x20, 1, 1));
    try_el0(el0_read, EL0_MISS + 0x30);
    expect("EL0 read of an EL1 region with no EL2 region", s2_dabt(EL0_MISS + 0x30, 0));
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_BR);
    isb();
    try_read64(GUEST + 0x8000);
    expect("BR=0 again: EL1 read outside every EL1 region", s1_dabt(GUEST + 0x8000, 0, 0));
}

static void el1_main(void)
{
    expect_eq("CurrentEL", read_sysreg(CurrentEL), 1 << 2);
    el1_setup();
    note("el1: EL1 MPU on, EL2 MPU as stage 2");
    stage2_faults();
    stage1_faults();
    background();
    mpu_finish("mpu_el1");
}

int main(void)
{
    note("mpu_el1: EL1 MPU as stage 1, EL2 MPU as stage 2");
    el2_setup();
    write_sysreg(vtcr_el2, 0);   /* MSA = 0: EL1&0 stage 1 is the EL1 MPU */
    write_sysreg(hcr_el2, HCR_VM | HCR_RW);
    write_sysreg(sp_el1, (u64)__stack_el1_top);
    write_sysreg(elr_el2, (u64)el1_main);
    write_sysreg(spsr_el2, 0x3c5);   /* EL1h, DAIF masked */
    __asm__ volatile("isb\n eret" ::: "memory");
    return 1;
}
