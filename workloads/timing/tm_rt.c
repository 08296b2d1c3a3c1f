/* See tm_rt.h.  Memory maps: fvp-r has RAM at [0, 2 GiB) and devices above;
 * virt has devices below 1 GiB and RAM at [1 GiB, 2 GiB). */
#include "tm_rt.h"

volatile u64 tm_sink;

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)

int tm_profile_r(void)
{
    return ((read_sysreg(id_aa64mmfr0_el1) >> 48) & 0xF) == 0xF;
}

/* PMSAv8-64 EL2 regions: PRBAR = base | SH[5:4] | AP[3:2] | XN[1:0],
 * PRLAR = limit | AttrIndx[3:1] | EN. */
static void mpu_region(unsigned n, u64 base, u64 limit_incl, unsigned sh, unsigned xn, unsigned attr)
{
    __asm__ volatile("msr S3_4_C6_C2_1, %0\n isb" ::"r"((u64)n));          /* PRSELR_EL2 */
    __asm__ volatile("msr S3_4_C6_C8_0, %0" ::"r"(base | (u64)sh << 4 | (u64)xn)); /* PRBAR_EL2 */
    __asm__ volatile("msr S3_4_C6_C8_1, %0" ::"r"((limit_incl & ~0x3Full) | (u64)attr << 1 | 1)); /* PRLAR_EL2 */
}

static void mpu_on(void)
{
    write_sysreg(mair_el2, 0x00FFull);       /* idx0 Normal WB, idx1 Device-nGnRnE */
    mpu_region(0, 0x00000000ull, 0x7FFFFFFFull, 3, 0, 0);
    mpu_region(1, 0x80000000ull, 0xFFFFFFFFull, 2, 2, 1);
    __asm__ volatile("dsb sy\n isb");
    u64 sctlr = read_sysreg(sctlr_el2);
    write_sysreg(sctlr_el2, sctlr | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}

/* Identity tables for the EL2 regime: 39-bit VA, 4 KiB granule, start at
 * level 1. */
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[TM_PAGES_SIZE >> 21][512] __attribute__((aligned(4096)));

#define D_VALID 1ull
#define D_TABLE 2ull
#define D_AF (1ull << 10)
#define D_SH_INNER (3ull << 8)
#define D_ATTR(i) ((u64)(i) << 2)
#define D_XN (1ull << 54)
#define NORMAL (D_VALID | D_AF | D_SH_INNER | D_ATTR(0))
#define DEVICE (D_VALID | D_AF | D_ATTR(1) | D_XN)

static void mmu_on(void)
{
    l1[0] = 0x00000000ull | DEVICE;                      /* devices: 1 GiB block */
    l1[1] = (u64)l2 | D_VALID | D_TABLE;                 /* RAM */
    for (u64 i = 0; i < 512; i++) {
        u64 pa = 0x40000000ull + (i << 21);
        if (pa >= TM_PAGES_BASE && pa < TM_PAGES_BASE + TM_PAGES_SIZE) {
            u64 *t = l3[(pa - TM_PAGES_BASE) >> 21];
            for (u64 j = 0; j < 512; j++)
                t[j] = (pa + (j << 12)) | NORMAL | D_TABLE;  /* page descriptor: 0b11 */
            l2[i] = (u64)t | D_VALID | D_TABLE;
        } else {
            l2[i] = pa | NORMAL;                         /* 2 MiB block */
        }
    }
    write_sysreg(mair_el2, 0x00FFull);
    /* TCR_EL2: RES1 bits 31 and 23, PS = 40 bits, SH0 inner, ORGN0/IRGN0
     * write-back allocate, TG0 4 KiB, T0SZ = 25 */
    write_sysreg(tcr_el2, (1ull << 31) | (1ull << 23) | (2ull << 16) | (3ull << 12) | (1ull << 10) |
                              (1ull << 8) | 25);
    write_sysreg(ttbr0_el2, (u64)l1);
    __asm__ volatile("dsb sy\n tlbi alle2\n dsb sy\n isb" ::: "memory");
    u64 sctlr = read_sysreg(sctlr_el2);
    write_sysreg(sctlr_el2, sctlr | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}

void tm_caches_on(void)
{
    if (tm_profile_r())
        mpu_on();
    else
        mmu_on();
}
