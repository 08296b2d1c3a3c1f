/* The EL2 MPU seen from EL2: Xen-style boot regions (text read-only and
 * executable, read-only data, read-write data execute-never, the UART as a
 * Device region), SCTLR_EL2.M = 1 with BR = 0 and WXN = 1, then one access
 * per rule of the PMSAv8-64 lookup, each with the abort it must take:
 *
 *   no region matches (BR = 0)         Permission fault, level 0 (DFSC 0x0C)
 *   write to a read-only region        the same, WnR = 1
 *   fetch from an execute-never region IFSC 0x0C, FAR = the branch target
 *   two enabled regions match          fault, whatever their permissions
 *   LIMIT is inclusive (last byte = LIMIT:0x3F)
 *   BR = 1: unmatched EL2 accesses use the background map, matched ones
 *           keep their region's permissions, overlaps still fault
 *   WXN = 1: a writable region is not executable
 *   PRENR_EL2 and PRLAR_EL2.EN are two views of one bit (slots 0-31)
 *   a region write takes effect at the next context synchronization.
 *
 * Aborts from EL2 are taken to EL2: EC 0x25 (data) or 0x21 (instruction),
 * FAR_EL2 = the address.  Sources: the PMSAv8-64 reference sections 1.4,
 * 1.5, 1.8 and 1.9 and the decisions documented in mpu/mpu.h. */
#include "mpu/mpu_rt.h"

/* Test areas: RAM that no boot region covers. */
#define OUTSIDE   0x48000000ull   /* never covered */
#define OVERLAP_A 0x48100000ull   /* slot 4 [A, A+0x1000), slot 5 [A+0x800, A+0x1800) */
#define EDGE_B    0x48200000ull   /* slot 6 [B, B+0x1040) */
#define PRENR_C   0x48300000ull   /* slot 17 [C, C+0x1000), enabled through PRENR */
#define NOSYNC_E  0x48400000ull   /* slot 9 [E, E+0x1000), written without ISB */
#define UART0     0x9C090000ull   /* PL011 UARTDR at offset 0 */

/* first in rodata (link.ld), so its address is fixed */
static const u64 ro_word __attribute__((section(".rodata.first"), used)) = 0x0123456789abcdefull;

static struct want dabt(u64 addr, unsigned wnr)
{
    return (struct want){.el = 2, .ec = EC_DABT_CUR, .fsc = FSC_PERM_L0, .wnr = wnr, .far = addr};
}

static struct want iabt(u64 addr)
{
    return (struct want){.el = 2, .ec = EC_IABT_CUR, .fsc = FSC_PERM_L0, .far = addr};
}

static void set_sctlr_bits(u64 set, u64 clear)
{
    write_sysreg(sctlr_el2, (read_sysreg(sctlr_el2) | set) & ~clear);
    isb();
}

/* Xen's boot regions (arm64/mpu/head.S): slots 0-2 through PRSELR +
 * PRBAR/PRLAR, the UART (slot 3) through PRBAR3/PRLAR3, every other slot
 * cleared, then MAIR_EL2 and SCTLR_EL2. */
struct boot_region {
    unsigned slot;
    u64 prbar, prlar;
};

static void boot(void)
{
    const struct boot_region r[4] = {
        {0, prbar_of((u64)__text_start, SH_INNER, AP_RO_PRIV, XN_EXEC),
         prlar_of((u64)__text_end, ATTR2_NORMAL, 1)},
        {1, prbar_of((u64)__text_end, SH_INNER, AP_RO_PRIV, XN_NEVER),
         prlar_of((u64)__rodata_end, ATTR2_NORMAL, 1)},
        {2, prbar_of((u64)__data_start, SH_INNER, AP_RW_PRIV, XN_NEVER),
         prlar_of((u64)__data_end, ATTR2_NORMAL, 1)},
        {3, prbar_of(UART0, SH_OUTER, AP_RW_PRIV, XN_NEVER),
         prlar_of(UART0 + 0x1000, ATTR2_DEVICE, 1)},
    };
    mpu_clear_from(2, 0);
    for (unsigned i = 0; i < 3; i++)
        mpu_set_region(2, r[i].slot, r[i].prbar, r[i].prlar);
    mpu_set_region_alias(2, r[3].slot, r[3].prbar, r[3].prlar);

    /* read back through the other access path */
    u64 bar, lar;
    mpu_select(2, 0);
    mpu_read_alias(2, 1, &bar, &lar);
    expect_eq("slot 1 (rodata, written by PRSELR) PRBAR1", bar, r[1].prbar);
    expect_eq("slot 1 (rodata, written by PRSELR) PRLAR1", lar, r[1].prlar);
    mpu_read_alias(2, 2, &bar, &lar);
    expect_eq("slot 2 (data, written by PRSELR) PRBAR2", bar, r[2].prbar);
    mpu_get_region(2, 3, &bar, &lar);
    expect_eq("slot 3 (uart, written by PRBAR3) PRBAR", bar, r[3].prbar);
    expect_eq("slot 3 (uart, written by PRLAR3) PRLAR", lar, r[3].prlar);

    write_sysreg(mair_el2, XEN_MAIR_EL2);
    dsb_sy();
    set_sctlr_bits(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_WXN, SCTLR_BR);
    u64 sctlr = read_sysreg(sctlr_el2);
    expect_eq("SCTLR_EL2 M,BR,WXN (bits 0,17,19)", sctlr & (SCTLR_M | SCTLR_BR | SCTLR_WXN),
              SCTLR_M | SCTLR_WXN);
    expect_eq("PRENR_EL2 with the boot regions", mpu_prenr(2), 0xF);
}

static void uart_region(void)
{
    u64 bar, lar;
    mpu_get_region(2, 3, &bar, &lar);
    unsigned idx = (unsigned)((lar >> 1) & 7);
    expect_eq("uart region attribute MAIR_EL2[AttrIndx] (Device-nGnRE)",
              (read_sysreg(mair_el2) >> (8 * idx)) & 0xFF, 0x04);
    static const char msg[] = "uart: written through the device region\n";
    unsigned aborts = 0;
    for (const char *p = msg; *p; p++) {
        try_write32(UART0, (u64)(unsigned char)*p);
        aborts += (unsigned)fault_seen.count;
    }
    verdict("uart stores", aborts ? "aborted" : "no abort", aborts == 0);
}

static void basic_faults(void)
{
    try_read64((u64)&ro_word);
    expect("read of rodata (read-only region)", NO_ABORT);
    try_read64(OUTSIDE);
    expect("read outside every region", dabt(OUTSIDE, 0));
    try_write64(OUTSIDE + 8, 0);
    expect("write outside every region", dabt(OUTSIDE + 8, 1));
    try_write64((u64)&ro_word, 0);
    expect("write to rodata (read-only region)", dabt((u64)&ro_word, 1));
    try_write64((u64)__text_start + 0x40, 0);
    expect("write to text (read-only region)", dabt((u64)__text_start + 0x40, 1));
    try_read64(UART0 + 0x1000);
    expect("read just above the uart region", dabt(UART0 + 0x1000, 0));
    try_exec((u64)data_ret);
    expect("branch into the data region (XN)", iabt((u64)data_ret));
    try_exec((u64)probe_ret);
    expect("branch to the probe page (no region)", iabt((u64)probe_ret));
}

static void overlap(void)
{
    u64 a = OVERLAP_A;
    mpu_set_region(2, 4, prbar_of(a, SH_INNER, AP_RW_PRIV, XN_NEVER),
                   prlar_of(a + 0x1000, ATTR2_NORMAL, 1));
    mpu_set_region_alias(2, 5, prbar_of(a + 0x800, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(a + 0x1800, ATTR2_NORMAL, 1));
    try_read64(a + 0x100);
    expect("overlap: read in slot 4 only", NO_ABORT);
    try_read64(a + 0x900);
    expect("overlap: read where slots 4 and 5 both match", dabt(a + 0x900, 0));
    try_write64(a + 0xFF8, 1);
    expect("overlap: write at the last word of slot 4 (in slot 5 too)", dabt(a + 0xFF8, 1));
    try_read64(a + 0x1100);
    expect("overlap: read in slot 5 only", NO_ABORT);
    mpu_set_region_alias(2, 5, 0, 0);
    try_read64(a + 0x900);
    expect("overlap: same read after slot 5 is disabled", NO_ABORT);
}

static void limit_edge(void)
{
    u64 b = EDGE_B, end = EDGE_B + 0x1040;
    mpu_set_region(2, 6, prbar_of(b, SH_INNER, AP_RW_PRIV, XN_NEVER),
                   prlar_of(end, ATTR2_NORMAL, 1));
    u64 bar, lar;
    mpu_get_region(2, 6, &bar, &lar);
    expect_eq("slot 6 PRLAR.LIMIT (end - 1, bits [47:6])", lar & 0x0000FFFFFFFFFFC0ull,
              b + 0x1000);
    try_read8(b);
    expect("limit: first byte of slot 6", NO_ABORT);
    try_read8(end - 1);
    expect("limit: last byte of slot 6 (LIMIT:0x3F)", NO_ABORT);
    try_read64(end - 8);
    expect("limit: last doubleword of slot 6", NO_ABORT);
    try_read8(end);
    expect("limit: first byte after slot 6", dabt(end, 0));
    try_write8(end, 0);
    expect("limit: write to the first byte after slot 6", dabt(end, 1));
    try_read8(b - 1);
    expect("limit: last byte before slot 6", dabt(b - 1, 0));
    /* Unaligned doublewords (SCTLR_EL2.A = 0) across a 64-byte granule:
     * inside the region they pass; across its end the bytes beyond it
     * fault.  Which byte FAR names is left open: any byte of the access. */
    try_read64(b + 0x3C);
    expect("limit: unaligned doubleword across a granule inside slot 6", NO_ABORT);
    struct want cross = dabt(end - 4, 0);
    cross.far_last = end + 3;
    try_read64(end - 4);
    expect("limit: unaligned doubleword read across the end of slot 6", cross);
    cross.wnr = 1;
    try_write64(end - 4, 0);
    expect("limit: unaligned doubleword write across the end of slot 6", cross);
}

static void background(void)
{
    set_sctlr_bits(SCTLR_BR, 0);
    expect_eq("SCTLR_EL2.BR", (read_sysreg(sctlr_el2) >> 17) & 1, 1);
    try_read64(OUTSIDE);
    expect("BR=1: read outside every region", NO_ABORT);
    try_write64(OUTSIDE + 8, 0x5a);
    expect("BR=1: write outside every region", NO_ABORT);
    try_write64((u64)&ro_word, 0);
    expect("BR=1: write to rodata (a region matches: its AP applies)", dabt((u64)&ro_word, 1));
    mpu_set_region_alias(2, 5, prbar_of(OVERLAP_A + 0x800, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(OVERLAP_A + 0x1800, ATTR2_NORMAL, 1));
    try_read64(OVERLAP_A + 0x900);
    expect("BR=1: read where two regions match", dabt(OVERLAP_A + 0x900, 0));
    mpu_set_region_alias(2, 5, 0, 0);
    /* mpu/mpu.h: the background map is writable, so WXN makes it XN */
    try_exec((u64)probe_ret);
    expect("BR=1, WXN=1: branch into the background map", iabt((u64)probe_ret));
    set_sctlr_bits(0, SCTLR_BR);
    try_read64(OUTSIDE);
    expect("BR=0 again: read outside every region", dabt(OUTSIDE, 0));
}

static void wxn(void)
{
    u64 p = (u64)__probe_start, pe = (u64)__probe_end;
    mpu_set_region(2, 7, prbar_of(p, SH_INNER, AP_RW_PRIV, XN_EXEC),
                   prlar_of(pe, ATTR2_NORMAL, 1));
    try_exec((u64)probe_ret);
    expect("WXN=1: branch into a writable region with XN=0", iabt((u64)probe_ret));
    set_sctlr_bits(0, SCTLR_WXN);
    try_exec((u64)probe_ret);
    expect("WXN=0: branch into the same region", NO_ABORT);
    set_sctlr_bits(SCTLR_WXN, 0);
    mpu_set_region(2, 7, prbar_of(p, SH_INNER, AP_RO_PRIV, XN_EXEC),
                   prlar_of(pe, ATTR2_NORMAL, 1));
    try_exec((u64)probe_ret);
    expect("WXN=1: branch into the region made read-only", NO_ABORT);
    mpu_set_region(2, 7, prbar_of(p, SH_INNER, AP_RO_PRIV, XN_NEVER),
                   prlar_of(pe, ATTR2_NORMAL, 1));
    try_exec((u64)probe_ret);
    expect("branch into the region made read-only, XN[1]=1", iabt((u64)probe_ret));
    try_read64((u64)probe_ret);
    expect("read of the same region", NO_ABORT);
}

static void prenr(void)
{
    u64 c = PRENR_C;
    /* slot 17 through the second group of aliases, disabled */
    mpu_set_region_alias(2, 17, prbar_of(c, SH_INNER, AP_RW_PRIV, XN_NEVER),
                         prlar_of(c + 0x1000, ATTR2_NORMAL, 0));
    u64 before = mpu_prenr(2);
    /* enabled now: 0-3 boot, 4 (overlap), 6 (edge), 7 (probe page) */
    expect_eq("PRENR_EL2 before", before, 0xDF);
    try_read64(c);
    expect("PRENR: read in slot 17 while disabled", dabt(c, 0));

    mpu_set_prenr(2, before | (1u << 17));
    isb();
    u64 bar, lar;
    mpu_get_region(2, 17, &bar, &lar);
    expect_eq("PRENR bit 17 set: PRLAR.EN of slot 17", lar & 1, 1);
    try_read64(c);
    expect("PRENR bit 17 set: read in slot 17", NO_ABORT);

    mpu_select(2, 17);
    MSR(PRLAR_EL2_R, lar & ~1ull);
    dsb_sy();
    isb();
    expect_eq("PRLAR.EN of slot 17 cleared: PRENR_EL2", mpu_prenr(2), before);
    try_read64(c);
    expect("PRLAR.EN of slot 17 cleared: read in slot 17", dabt(c, 0));

    mpu_set_prenr(2, before & ~(1u << 6));
    isb();
    mpu_get_region(2, 6, &bar, &lar);
    expect_eq("PRENR bit 6 cleared: PRLAR.EN of slot 6", lar & 1, 0);
    try_read8(EDGE_B);
    expect("PRENR bit 6 cleared: read in slot 6", dabt(EDGE_B, 0));
    mpu_set_prenr(2, before);
    isb();
    try_read8(EDGE_B);
    expect("PRENR bit 6 set again: read in slot 6", NO_ABORT);
}

/* A region write followed by an access with no context synchronization in
 * between.  The architecture only guarantees the new regions after DSB and
 * ISB: before that the access may see either the old or the new regions,
 * so both outcomes pass.  msasim applies the write at the next context
 * synchronization (so the access sees the old regions) and counts the
 * access as stale in the MPU statistics. */
static void no_isb(void)
{
    u64 e = NOSYNC_E;
    u64 bar = prbar_of(e, SH_INNER, AP_RW_PRIV, XN_NEVER);
    u64 lar = prlar_of(e + 0x1000, ATTR2_NORMAL, 1);
    u64 v;
    mpu_select(2, 9);

    probe_begin();
    __asm__ volatile("msr " PRBAR_EL2_R ", %1\n"
                     "msr " PRLAR_EL2_R ", %2\n"
                     "ldr %0, [%3]\n"
                     : "=&r"(v)
                     : "r"(bar), "r"(lar), "r"(e)
                     : "memory");
    probe_end();
    verdict("slot 9 enabled, no ISB: read in slot 9",
            fault_seen.count ? "aborted (old regions)" : "no abort (new regions)", 1);
    isb();
    try_read64(e);
    expect("slot 9 enabled, after ISB: read in slot 9", NO_ABORT);

    probe_begin();
    __asm__ volatile("msr " PRLAR_EL2_R ", %1\n"
                     "ldr %0, [%2]\n"
                     : "=&r"(v)
                     : "r"(lar & ~1ull), "r"(e)
                     : "memory");
    probe_end();
    verdict("slot 9 disabled, no ISB: read in slot 9",
            fault_seen.count ? "aborted (new regions)" : "no abort (old regions)", 1);
    isb();
    try_read64(e);
    expect("slot 9 disabled, after ISB: read in slot 9", dabt(e, 0));
    (void)v;
}

int main(void)
{
    unsigned n = (unsigned)(mpu_mpuir(2) & 0xFF);
    if (n < 20) {
        note("mpu_el2 needs at least 20 EL2 MPU regions");
        rt_exit(1);
    }
    note("mpu_el2: the EL2 MPU seen from EL2, Xen-style boot regions");
    boot();
    note("el2: MPU on, Xen boot regions: text RO, rodata RO XN, data RW XN, uart device");
    uart_region();
    basic_faults();
    overlap();
    limit_edge();
    background();
    wxn();
    prenr();
    no_isb();
    mpu_finish("mpu_el2");
}
