/* hostile_mpu: the guest's own EL1 memory controls written with random
 * values, and the hypervisor's EL2 ones attempted.
 *
 *  1. With SCTLR_EL1.M off, ROUNDS random writes (a fixed-seed LCG) to the
 *     EL1 MPU registers (PRSELR, PRBAR, PRLAR, PRBAR1-15, PRLAR1-15, PRENR)
 *     and the EL1 translation and system registers (SCTLR_EL1 with M and
 *     EE kept clear, TTBR0/1, TCR, MAIR): each either takes effect or is
 *     UNDEFINED at EL1; the instruction is skipped then.
 *  2. The EL2 registers (PRBAR, PRLAR, PRSELR, PRENR, PRBARn, HCR, VSCTLR,
 *     VTCR, SCTLR, VBAR, MPUIR): every access must be UNDEFINED at EL1.
 *  3. The EL1 MPU on: region 0 over the guest's own memory, the other
 *     regions random (anywhere but over its own memory, some over the
 *     victim's with full access), with and without the background
 *     region; loads and stores at the regions and in the victim: whatever
 *     EL1 grants, stage 2 must still refuse another domain's memory.
 *     Then the MPU off again.
 * Prints the counts (the same on every run) and attacks the victim. */
#include "guests/hostile_lib.h"

#define ROUNDS 3000
#define SEED 0x5EED0001ull
#define SCTLR_M (1ul << 0)
#define SCTLR_BR (1ul << 17)
#define SCTLR_EE (1ul << 25)
#define SCTLR_E0E (1ul << 24)
#define EC_UNKNOWN 0x00
#define EC_DABT_CUR 0x25

/* One writer per register: the encoding is part of the instruction. */
#define WRITER(fn, reg) \
    static void fn(uint64_t v) { __asm__ volatile("msr " reg ", %0\n\tisb" ::"r"(v) : "memory"); }
#define READER(fn, reg)                                   \
    static void fn(uint64_t v)                            \
    {                                                     \
        uint64_t r;                                       \
        (void)v;                                          \
        __asm__ volatile("mrs %0, " reg : "=r"(r));       \
        sink = r;                                         \
    }

static volatile uint64_t sink;

WRITER(w_prselr, "S3_0_C6_C2_1")
WRITER(w_prbar, "S3_0_C6_C8_0")
WRITER(w_prlar, "S3_0_C6_C8_1")
WRITER(w_prenr, "S3_0_C6_C1_1")
WRITER(w_prbar1, "S3_0_C6_C8_4")  WRITER(w_prlar1, "S3_0_C6_C8_5")
WRITER(w_prbar2, "S3_0_C6_C9_0")  WRITER(w_prlar2, "S3_0_C6_C9_1")
WRITER(w_prbar3, "S3_0_C6_C9_4")  WRITER(w_prlar3, "S3_0_C6_C9_5")
WRITER(w_prbar4, "S3_0_C6_C10_0") WRITER(w_prlar4, "S3_0_C6_C10_1")
WRITER(w_prbar5, "S3_0_C6_C10_4") WRITER(w_prlar5, "S3_0_C6_C10_5")
WRITER(w_prbar6, "S3_0_C6_C11_0") WRITER(w_prlar6, "S3_0_C6_C11_1")
WRITER(w_prbar7, "S3_0_C6_C11_4") WRITER(w_prlar7, "S3_0_C6_C11_5")
WRITER(w_prbar8, "S3_0_C6_C12_0") WRITER(w_prlar8, "S3_0_C6_C12_1")
WRITER(w_prbar9, "S3_0_C6_C12_4") WRITER(w_prlar9, "S3_0_C6_C12_5")
WRITER(w_prbar10, "S3_0_C6_C13_0") WRITER(w_prlar10, "S3_0_C6_C13_1")
WRITER(w_prbar11, "S3_0_C6_C13_4") WRITER(w_prlar11, "S3_0_C6_C13_5")
WRITER(w_prbar12, "S3_0_C6_C14_0") WRITER(w_prlar12, "S3_0_C6_C14_1")
WRITER(w_prbar13, "S3_0_C6_C14_4") WRITER(w_prlar13, "S3_0_C6_C14_5")
WRITER(w_prbar14, "S3_0_C6_C15_0") WRITER(w_prlar14, "S3_0_C6_C15_1")
WRITER(w_prbar15, "S3_0_C6_C15_4") WRITER(w_prlar15, "S3_0_C6_C15_5")
WRITER(w_ttbr0, "ttbr0_el1")
WRITER(w_ttbr1, "ttbr1_el1")
WRITER(w_tcr, "tcr_el1")
WRITER(w_mair, "mair_el1")
WRITER(w_sctlr, "sctlr_el1")

WRITER(w_prbar_el2, "S3_4_C6_C8_0")
WRITER(w_prlar_el2, "S3_4_C6_C8_1")
WRITER(w_prselr_el2, "S3_4_C6_C2_1")
WRITER(w_prenr_el2, "S3_4_C6_C1_1")
WRITER(w_prbar5_el2, "S3_4_C6_C10_4")
WRITER(w_hcr_el2, "hcr_el2")
WRITER(w_vsctlr_el2, "S3_4_C2_C0_0")
WRITER(w_vtcr_el2, "vtcr_el2")
WRITER(w_sctlr_el2, "sctlr_el2")
WRITER(w_vbar_el2, "vbar_el2")
READER(r_prbar_el2, "S3_4_C6_C8_0")
READER(r_prselr_el2, "S3_4_C6_C2_1")
READER(r_hcr_el2, "hcr_el2")
READER(r_mpuir_el2, "S3_4_C0_C0_4")

struct reg {
    const char *name;
    void (*fn)(uint64_t);
};

static const struct reg el1_regs[] = {
    {"PRSELR_EL1", w_prselr}, {"PRBAR_EL1", w_prbar}, {"PRLAR_EL1", w_prlar},
    {"PRENR_EL1", w_prenr},
    {"PRBAR1_EL1", w_prbar1}, {"PRLAR1_EL1", w_prlar1}, {"PRBAR2_EL1", w_prbar2},
    {"PRLAR2_EL1", w_prlar2}, {"PRBAR3_EL1", w_prbar3}, {"PRLAR3_EL1", w_prlar3},
    {"PRBAR4_EL1", w_prbar4}, {"PRLAR4_EL1", w_prlar4}, {"PRBAR5_EL1", w_prbar5},
    {"PRLAR5_EL1", w_prlar5}, {"PRBAR6_EL1", w_prbar6}, {"PRLAR6_EL1", w_prlar6},
    {"PRBAR7_EL1", w_prbar7}, {"PRLAR7_EL1", w_prlar7}, {"PRBAR8_EL1", w_prbar8},
    {"PRLAR8_EL1", w_prlar8}, {"PRBAR9_EL1", w_prbar9}, {"PRLAR9_EL1", w_prlar9},
    {"PRBAR10_EL1", w_prbar10}, {"PRLAR10_EL1", w_prlar10}, {"PRBAR11_EL1", w_prbar11},
    {"PRLAR11_EL1", w_prlar11}, {"PRBAR12_EL1", w_prbar12}, {"PRLAR12_EL1", w_prlar12},
    {"PRBAR13_EL1", w_prbar13}, {"PRLAR13_EL1", w_prlar13}, {"PRBAR14_EL1", w_prbar14},
    {"PRLAR14_EL1", w_prlar14}, {"PRBAR15_EL1", w_prbar15}, {"PRLAR15_EL1", w_prlar15},
    {"TTBR0_EL1", w_ttbr0}, {"TTBR1_EL1", w_ttbr1}, {"TCR_EL1", w_tcr}, {"MAIR_EL1", w_mair},
    {"SCTLR_EL1", w_sctlr},
};
#define NEL1 (sizeof el1_regs / sizeof el1_regs[0])

static const struct reg el2_regs[] = {
    {"msr PRBAR_EL2", w_prbar_el2}, {"msr PRLAR_EL2", w_prlar_el2},
    {"msr PRSELR_EL2", w_prselr_el2}, {"msr PRENR_EL2", w_prenr_el2},
    {"msr PRBAR5_EL2", w_prbar5_el2}, {"msr HCR_EL2", w_hcr_el2},
    {"msr VSCTLR_EL2", w_vsctlr_el2}, {"msr VTCR_EL2", w_vtcr_el2},
    {"msr SCTLR_EL2", w_sctlr_el2}, {"msr VBAR_EL2", w_vbar_el2},
    {"mrs PRBAR_EL2", r_prbar_el2}, {"mrs PRSELR_EL2", r_prselr_el2},
    {"mrs HCR_EL2", r_hcr_el2}, {"mrs MPUIR_EL2", r_mpuir_el2},
};
#define NEL2 (sizeof el2_regs / sizeof el2_regs[0])

static unsigned unexpected;
static uint64_t sctlr0;

static uint64_t read_sctlr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
    return v;
}

static unsigned el1_regions(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, S3_0_C0_C0_4" : "=r"(v));   /* MPUIR_EL1 */
    return (unsigned)(v & 0xFF);
}

/* ---- 1: random EL1 writes ------------------------------------------- */

static void random_el1_writes(void)
{
    unsigned writes[NEL1] = {0}, undef[NEL1] = {0};
    hostile_set_skip(1);
    for (unsigned i = 0; i < ROUNDS; i++) {
        unsigned r = (unsigned)(hostile_rand() % NEL1);
        uint64_t v = hostile_rand();
        if (el1_regs[r].fn == w_sctlr)
            v &= ~(SCTLR_M | SCTLR_EE | SCTLR_E0E);   /* stay running, little-endian */
        unsigned before = hostile_exceptions;
        el1_regs[r].fn(v);
        writes[r]++;
        if (hostile_exceptions != before)
            undef[r]++;
    }
    hostile_set_skip(0);
    w_sctlr(sctlr0);
    unsigned total = 0, total_undef = 0;
    for (unsigned r = 0; r < NEL1; r++) {
        total += writes[r];
        total_undef += undef[r];
        if (undef[r]) {
            hostile_put("mpu: ");
            hostile_put(el1_regs[r].name);
            hostile_put(": ");
            hostile_dec(undef[r]);
            hostile_put(" of ");
            hostile_dec(writes[r]);
            hostile_put(" writes UNDEFINED at EL1");
            hostile_end();
        }
    }
    hostile_put("mpu: random EL1 register writes ");
    hostile_dec(total);
    hostile_put(" over ");
    hostile_dec(NEL1);
    hostile_put(" registers, UNDEFINED ");
    hostile_dec(total_undef);
    hostile_end();
}

/* ---- 2: the EL2 registers -------------------------------------------- */

static void el2_attempts(void)
{
    unsigned refused = 0;
    for (unsigned r = 0; r < NEL2; r++) {
        uint64_t v = hostile_rand();
        if (hostile_probe(el2_regs[r].fn, v) && (hostile_last.esr >> 26) == EC_UNKNOWN) {
            refused++;
        } else {
            hostile_put("mpu: ");
            hostile_put(el2_regs[r].name);
            hostile_put(" at EL1 was not UNDEFINED (unexpected)");
            hostile_end();
            unexpected++;
        }
    }
    hostile_put("mpu: EL2 register accesses UNDEFINED at EL1 ");
    hostile_dec(refused);
    hostile_put("/");
    hostile_dec(NEL2);
    hostile_end();
}

/* ---- 3: the EL1 MPU on ------------------------------------------------- */

static uint64_t region_base[256];
static uint8_t region_victim[256];   /* the region lies over the victim */

static void set_region(unsigned n, uint64_t base, uint64_t limit, unsigned ap_xn, unsigned attr)
{
    w_prselr(n);
    w_prbar((base & ~0x3Ful) | (ap_xn & 0xF));          /* AP [3:2], XN [1:0] */
    w_prlar((limit & ~0x3Ful) | ((attr & 7) << 1) | 1); /* AttrIndx, EN */
}

/* A random region that does not cover the guest's own memory. */
static void random_region(unsigned n)
{
    const uint64_t own_lo = HOSTILE_OWN_BASE, own_hi = HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE;
    uint64_t base, limit;
    switch (hostile_rand() % 4) {
    case 0:   /* over the victim, fully open */
        /* a 64 KiB slot of its own, so that no two regions overlap */
        base = HOSTILE_VICTIM_BASE + n * 0x10000ul + (hostile_rand() % 8) * 0x1000;
        limit = base + 0x1000 * (1 + hostile_rand() % 8) - 1;
        set_region(n, base, limit, 1u << 2, 0);       /* EL1 RW, EL0 RW, executable */
        region_base[n] = base;
        region_victim[n] = 1;
        return;
    case 1:   /* below the guest */
        base = hostile_rand() % own_lo;
        limit = base + hostile_rand() % (own_lo - base);
        break;
    default:  /* anywhere above it, up to the top of the 48-bit space */
        base = own_hi + hostile_rand() % ((1ul << 48) - own_hi);
        limit = base + hostile_rand() % ((1ul << 48) - base);
        break;
    }
    region_victim[n] = 0;
    base &= ~0x3Ful;
    if (limit < base)
        limit = base;
    set_region(n, base, limit | 0x3F, (unsigned)hostile_rand() & 0xF,
               (unsigned)hostile_rand() & 7);
    region_base[n] = base;
}

static void load(uint64_t a) { sink = *(volatile uint64_t *)(uintptr_t)a; }
static void store(uint64_t a) { *(volatile uint64_t *)(uintptr_t)a = 0xBADBADBADBADBADBull; }

struct touches {
    unsigned done, ok, ec_dabt, stage2, other;
};

static void touch(struct touches *t, void (*fn)(uint64_t), uint64_t a)
{
    t->done++;
    if (!hostile_probe(fn, a))
        t->ok++;
    else if ((hostile_last.esr >> 26) == EC_DABT_CUR) {
        t->ec_dabt++;
        /* a synchronous external abort: stage 2 refused, the hypervisor
         * injected it; anything else is the guest's own EL1 MPU */
        t->stage2 += (hostile_last.esr & 0x3F) == 0x10;
    }
    else
        t->other++;
}

static void mpu_on(unsigned nregions, int background)
{
    /* attributes 0: Normal write-back, 1: Device-nGnRnE, the rest Normal */
    w_mair(0xFFFFFFFFFFFF00FFul);
    set_region(0, HOSTILE_OWN_BASE, HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE - 1, 0, 0);
    for (unsigned n = 1; n < nregions; n++)
        random_region(n);
    w_sctlr((sctlr0 & ~SCTLR_BR) | SCTLR_M | (background ? SCTLR_BR : 0));

    struct touches own = {0}, regions = {0}, granted = {0}, victim = {0};
    static volatile uint64_t own_word;
    touch(&own, store, (uint64_t)(uintptr_t)&own_word);
    touch(&own, load, (uint64_t)(uintptr_t)&own_word);
    for (unsigned n = 1; n < nregions; n++) {
        /* the regions EL1 opened over the victim: only stage 2 refuses */
        struct touches *t = region_victim[n] ? &granted : &regions;
        touch(t, load, region_base[n]);
        touch(t, store, region_base[n] + 8);
    }
    for (unsigned k = 0; k < 16; k++) {
        uint64_t a = HOSTILE_VICTIM_BASE + (hostile_rand() % HOSTILE_DOMAIN_SIZE & ~7ul);
        touch(&victim, store, a);
        touch(&victim, load, a);
    }
    w_sctlr(sctlr0);
    int bad = own.ok != own.done || granted.stage2 != granted.done || victim.ok || victim.other;
    unexpected += bad;
    hostile_put("mpu: EL1 MPU on, ");
    hostile_dec(nregions);
    hostile_put(background ? " regions + background" : " regions, no background");
    hostile_put(": own memory ");
    hostile_dec(own.ok);
    hostile_put("/");
    hostile_dec(own.done);
    hostile_put(" ok; at the regions ");
    hostile_dec(regions.ok);
    hostile_put(" ok, ");
    hostile_dec(regions.ec_dabt);
    hostile_put(" data aborts (");
    hostile_dec(regions.stage2);
    hostile_put(" from stage 2), ");
    hostile_dec(regions.other);
    hostile_put(" other; in the victim, granted by EL1: ");
    hostile_dec(granted.stage2);
    hostile_put("/");
    hostile_dec(granted.done);
    hostile_put(" refused by stage 2, elsewhere: ");
    hostile_dec(victim.ec_dabt);
    hostile_put("/");
    hostile_dec(victim.done);
    hostile_put(" data aborts (");
    hostile_dec(victim.stage2);
    hostile_put(" from stage 2)");
    if (bad)
        hostile_put(" (unexpected)");
    hostile_end();
}

int main(void)
{
    hostile_init();
    hostile_seed(SEED);
    sctlr0 = read_sctlr();
    unsigned n = el1_regions();
    hostile_put("mpu: EL1 MPU regions ");
    hostile_dec(n);
    hostile_end();
    random_el1_writes();
    el2_attempts();
    if (n > 256)
        n = 256;
    mpu_on(n, 1);
    mpu_on(n, 0);
    /* leave the EL1 MPU as it was found: every region off */
    for (unsigned r = 0; r < n; r++) {
        w_prselr(r);
        w_prlar(0);
    }
    if (read_sctlr() != sctlr0)
        unexpected++;
    unsigned bad = hostile_attack_victim("mpu");
    hostile_put("mpu: done, exceptions taken ");
    hostile_dec(hostile_exceptions);
    hostile_put(", unexpected answers ");
    hostile_dec(unexpected + bad);
    hostile_end();
    return 0;
}
