/* The MPU register interface, from EL2 with both MPUs off (so nothing here
 * changes what an access does): MPUIR, the selector and the aliases, the
 * last implemented slot and the first one that is not, RES0 bits, and
 * PRENR as a mirror of PRLAR.EN for slots 0-31.
 *
 * Every expectation is computed from MPUIR.REGION, so the program passes
 * with any region count; tests/cli/mpu_arch.sh runs it with
 * --mpu-regions 16, 32, 255 and 256 and checks the MPUIR line. */
#include "mpu/mpu_rt.h"

#define PRBAR_RES0_KEPT 0x0000FFFFFFFFFFFFull  /* [63:48] RES0 */
#define PRLAR_RES0_KEPT 0x0000FFFFFFFFFFDFull  /* [63:48] and [5] RES0 */

static u64 test_prbar(unsigned slot)
{
    return prbar_of(0x48000000ull + slot * 0x1000ull, SH_INNER, AP_RW_ALL, XN_NEVER);
}

static u64 test_prlar(unsigned slot)
{
    return prlar_of(0x48000000ull + slot * 0x1000ull + 0x1000, ATTR2_NORMAL, 0);
}

/* Check names built at run time: cat(p, "text"), cat_dec(p, n). */
static char *cat(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    *p = 0;
    return p;
}

static char *cat_dec(char *p, unsigned v)
{
    char digits[4];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = digits[--n];
    *p = 0;
    return p;
}

/* A slot written through PRSELR + PRBAR/PRLAR reads back the same through
 * the selector; a slot that does not exist reads as zero and ignores
 * writes (mpu/mpu.h: PRSELR selecting a slot that is not implemented). */
static void slot_round_trip(unsigned el, unsigned slot, unsigned n)
{
    char name[64];
    u64 bar, lar;
    mpu_set_region(el, slot, test_prbar(slot), test_prlar(slot));
    mpu_get_region(el, slot, &bar, &lar);
    int exists = slot < n;
    char *p = cat_dec(cat(name, el == 2 ? "EL2 slot " : "EL1 slot "), slot);
    cat(p, exists ? " PRBAR read back" : " PRBAR (not implemented)");
    expect_eq(name, bar, exists ? test_prbar(slot) : 0);
    cat(p, exists ? " PRLAR read back" : " PRLAR (not implemented)");
    expect_eq(name, lar, exists ? test_prlar(slot) : 0);
    if (exists)
        mpu_set_region(el, slot, 0, 0);
}

/* PRBAR<k> with PRSELR = group reaches slot group | k, in both directions. */
static void alias_round_trip(unsigned el, unsigned group, unsigned k, unsigned n)
{
    char name[64];
    unsigned slot = group | k;
    int exists = slot < n;
    u64 bar, lar;

    mpu_set_region_alias(el, slot, test_prbar(slot), test_prlar(slot));
    mpu_get_region(el, slot, &bar, &lar);
    char *p = cat_dec(cat(cat_dec(cat(name, "EL2 PRBAR"), k), " with PRSELR="), group);
    cat(cat_dec(cat(p, ": slot "), slot), exists ? ", read back by PRSELR" : " not implemented, reads");
    expect_eq(name, bar, exists ? test_prbar(slot) : 0);

    /* the reverse: written through the selector, read through the alias */
    mpu_set_region(el, slot, test_prbar(slot) ^ 0x1000, test_prlar(slot));
    mpu_select(el, group);
    mpu_read_alias(el, k, &bar, &lar);
    cat(cat_dec(cat(name, "EL2 slot "), slot),
        exists ? " written by PRSELR, read back by its alias" : " not implemented, its alias reads");
    expect_eq(name, bar, exists ? test_prbar(slot) ^ 0x1000 : 0);
    if (exists)
        mpu_set_region(el, slot, 0, 0);
}

int main(void)
{
    u64 ir2 = mpu_mpuir(2), ir1 = mpu_mpuir(1);
    unsigned n2 = (unsigned)(ir2 & 0xFF), n1 = (unsigned)(ir1 & 0xFF);

    note("mpu_regs: MPU registers from EL2, both MPUs off");
    puts_("MPUIR_EL2.REGION=");
    put_dec(n2);
    puts_("\nMPUIR_EL1.REGION=");
    put_dec(n1);
    puts_("\n");
    verdict("MPUIR_EL2 [63:8] RES0", (ir2 >> 8) ? "non-zero" : "zero", (ir2 >> 8) == 0);
    verdict("MPUIR_EL2.REGION at least 1", n2 ? "yes" : "no", n2 >= 1);
    verdict("MPUIR_EL1.REGION at least 1", n1 ? "yes" : "no", n1 >= 1);

    /* selector */
    mpu_select(2, n2 - 1);
    expect_eq("PRSELR_EL2 read back", mpu_selected(2), n2 - 1);

    /* first slot, last implemented slot, first slot beyond */
    slot_round_trip(2, 0, n2);
    slot_round_trip(2, n2 - 1, n2);
    if (n2 < 255)
        slot_round_trip(2, n2, n2);
    else
        note("EL2 slot 255 beyond MPUIR: not checked (REGION=255 is the architectural maximum)");
    slot_round_trip(1, n1 - 1, n1);
    if (n1 < 255)
        slot_round_trip(1, n1, n1);

    /* aliases: group 0 and group 1 (slots 16-31 exist only with more than
     * 16 regions) */
    alias_round_trip(2, 0x00, 5, n2);
    alias_round_trip(2, 0x10, 3, n2);
    alias_round_trip(2, 0x00, 15, n2);

    /* RES0 bits of PRBAR/PRLAR (mpu/mpu.h keeps them zero) */
    mpu_set_region(2, 0, ~0ull, ~0ull & ~1ull);
    u64 bar, lar;
    mpu_get_region(2, 0, &bar, &lar);
    expect_eq("PRBAR_EL2 all ones reads", bar, PRBAR_RES0_KEPT);
    expect_eq("PRLAR_EL2 all ones but EN reads", lar, PRLAR_RES0_KEPT & ~1ull);
    mpu_set_region(2, 0, 0, 0);

    /* PRENR mirrors PRLAR.EN of slots 0-31; bits of slots that do not
     * exist read as zero */
    u64 mask = n2 >= 32 ? 0xFFFFFFFFull : (1ull << n2) - 1;
    unsigned top = n2 >= 32 ? 31 : n2 - 1;
    expect_eq("PRENR_EL2 with every slot disabled", mpu_prenr(2), 0);
    mpu_set_prenr(2, 0xFFFFFFFFull);
    isb();
    expect_eq("PRENR_EL2 after writing all ones", mpu_prenr(2), mask);
    mpu_get_region(2, top, &bar, &lar);
    expect_eq("PRLAR_EL2.EN of the highest PRENR slot after PRENR write", lar & 1, 1);
    mpu_get_region(2, 0, &bar, &lar);
    expect_eq("PRLAR_EL2.EN of slot 0 after PRENR write", lar & 1, 1);
    mpu_set_region(2, 0, 0, 0);   /* EN = 0 through PRLAR */
    expect_eq("PRENR_EL2 after clearing slot 0 through PRLAR", mpu_prenr(2), mask & ~1ull);
    mpu_set_region_alias(2, 2, prbar_of(0x48002000, SH_INNER, AP_RW_ALL, XN_NEVER),
                         prlar_of(0x48003000, ATTR2_NORMAL, 0));
    expect_eq("PRENR_EL2 after clearing slot 2 through PRLAR2", mpu_prenr(2), mask & ~5ull);
    mpu_set_prenr(2, 0);
    isb();
    expect_eq("PRENR_EL2 after writing zero", mpu_prenr(2), 0);
    mpu_get_region(2, top, &bar, &lar);
    expect_eq("PRLAR_EL2.EN of the highest PRENR slot after PRENR = 0", lar & 1, 0);
    if (n2 > 32) {
        /* slot 32 is out of PRENR's reach: enabling it leaves PRENR alone */
        mpu_set_region(2, 32, test_prbar(32), test_prlar(32) | 1);
        expect_eq("PRENR_EL2 with slot 32 enabled", mpu_prenr(2), 0);
        mpu_set_region(2, 32, 0, 0);
    }

    /* the EL1 MPU has its own PRENR */
    u64 mask1 = n1 >= 32 ? 0xFFFFFFFFull : (1ull << n1) - 1;
    mpu_set_prenr(1, 0xFFFFFFFFull);
    isb();
    expect_eq("PRENR_EL1 after writing all ones", mpu_prenr(1), mask1);
    expect_eq("PRENR_EL2 unchanged by PRENR_EL1", mpu_prenr(2), 0);
    mpu_set_prenr(1, 0);
    isb();
    expect_eq("PRENR_EL1 after writing zero", mpu_prenr(1), 0);

    mpu_finish("mpu_regs");
}
