/* hostile_vectors: every kind of synchronous exception an EL1 guest can
 * cause, one after the other, each inside a probe that comes back:
 * supervisor, hypervisor and secure monitor calls with odd immediates and
 * function ids, breakpoints and halts, undefined instructions, EL2-only
 * system registers, loads, stores and branches outside the domain (the
 * hypervisor's image, its vector table, the boot modules, the top of the
 * address space, the virtual UART at offsets it does not decode),
 * misaligned PC and SP, an illegal exception return, trapped WFI/WFE.
 * For each it prints what came back (the syndrome's EC at EL1, or what
 * the call returned) and "unexpected" where that is not what Xen on
 * Armv8-R gives a guest; then it attacks the victim domain and powers
 * off. */
#include "guests/hostile_lib.h"

/* The probes share one signature; most ignore their argument. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define ANSWER_EC 0        /* an exception with this EC is expected */
#define ANSWER_X0 1        /* the instruction returns; x0 is expected */

#define XEN_TEXT 0x00200000ul    /* where Xen's image starts on fvp-r */
#define MODULES 0x70000000ul     /* the guests' boot modules */
#define VPL011 0x22000000ul
#define PSCI_VERSION 0x84000000ul
#define PSCI_1_1 0x10001ul
#define SMCCC_UNKNOWN 0xC2FFFF00ul
#define NOT_SUPPORTED (~0ul)
#define XEN_ENOSYS 38

static volatile uint64_t result_x0;
static volatile uint64_t scratch;
static unsigned unexpected;

/* ---- the probes: one offending instruction each -------------------- */

static void do_svc(uint64_t a) { __asm__ volatile("svc #0x42" ::: "memory"); }
static void do_brk(uint64_t a) { __asm__ volatile("brk #0x7" ::: "memory"); }
static void do_udf(uint64_t a) { __asm__ volatile(".inst 0x00000000" ::: "memory"); }
static void do_hlt(uint64_t a) { __asm__ volatile("hlt #0x1" ::: "memory"); }

/* HLT #0xF000 is the semihosting call of a debugger; with no debugger
 * attached it is UNDEFINED.  SYS_WRITE0 (4) of a string. */
static void do_semihost(uint64_t a)
{
    register uint64_t x0 __asm__("x0") = 4;
    register uint64_t x1 __asm__("x1") = a;
    __asm__ volatile("hlt #0xF000" : "+r"(x0) : "r"(x1) : "memory");
}

#define HVC_PROBE(name, imm)                                                                  \
    static void name(uint64_t a)                                                              \
    {                                                                                         \
        register uint64_t x0 __asm__("x0") = a;                                               \
        register uint64_t x16 __asm__("x16") = 17;                                            \
        __asm__ volatile("hvc #" #imm : "+r"(x0) : "r"(x16) : "memory");                     \
        result_x0 = x0;                                                                       \
    }
HVC_PROBE(do_hvc0, 0)
HVC_PROBE(do_hvc1, 1)
HVC_PROBE(do_hvc_ea0, 0xEA0)
HVC_PROBE(do_hvc_ffff, 0xFFFF)

#define SMC_PROBE(name, imm)                                                                  \
    static void name(uint64_t a)                                                              \
    {                                                                                         \
        register uint64_t x0 __asm__("x0") = a;                                               \
        __asm__ volatile("smc #" #imm : "+r"(x0)::"memory");                                  \
        result_x0 = x0;                                                                       \
    }
SMC_PROBE(do_smc0, 0)
SMC_PROBE(do_smc1, 1)

static void rd_hcr(uint64_t a) { uint64_t v; __asm__ volatile("mrs %0, hcr_el2" : "=r"(v)); scratch = v; }
static void wr_hcr(uint64_t a) { __asm__ volatile("msr hcr_el2, %0" ::"r"(a)); }
static void rd_vbar2(uint64_t a) { uint64_t v; __asm__ volatile("mrs %0, vbar_el2" : "=r"(v)); scratch = v; }
static void wr_vbar2(uint64_t a) { __asm__ volatile("msr vbar_el2, %0" ::"r"(a)); }
static void rd_esr2(uint64_t a) { uint64_t v; __asm__ volatile("mrs %0, esr_el2" : "=r"(v)); scratch = v; }
static void wr_sctlr2(uint64_t a) { __asm__ volatile("msr sctlr_el2, %0" ::"r"(a)); }
static void wr_vsctlr(uint64_t a) { __asm__ volatile("msr S3_4_C2_C0_0, %0" ::"r"(a)); }
static void rd_prbar2(uint64_t a) { uint64_t v; __asm__ volatile("mrs %0, S3_4_C6_C8_0" : "=r"(v)); scratch = v; }
static void wr_prlar2(uint64_t a) { __asm__ volatile("msr S3_4_C6_C8_1, %0" ::"r"(a)); }
static void rd_sp_el2(uint64_t a) { uint64_t v; __asm__ volatile("mrs %0, S3_6_C4_C1_0" : "=r"(v)); scratch = v; }
static void do_tlbi_el2(uint64_t a) { __asm__ volatile("tlbi alle2" ::: "memory"); }
static void do_at_s1e2r(uint64_t a) { __asm__ volatile("at s1e2r, %0" ::"r"(a)); }

static void load(uint64_t a) { scratch = *(volatile uint64_t *)(uintptr_t)a; }
static void store(uint64_t a) { *(volatile uint64_t *)(uintptr_t)a = 0x5A5A5A5A5A5A5A5Aull; }
static void store32(uint64_t a) { *(volatile uint32_t *)(uintptr_t)a = 0x41; }
static void load_pair(uint64_t a)
{
    uint64_t x, y;
    __asm__ volatile("ldp %0, %1, [%2]" : "=r"(x), "=r"(y) : "r"(a) : "memory");
    scratch = x ^ y;
}
static void branch(uint64_t a) { ((void (*)(void))(uintptr_t)a)(); }

/* SP misaligned, then used for a load, with SCTLR_EL1.SA set. */
static void bad_sp(uint64_t a)
{
    __asm__ volatile("mrs x9, sctlr_el1\n\t"
                     "orr x9, x9, #8\n\t"
                     "msr sctlr_el1, x9\n\t"
                     "isb\n\t"
                     "mov x10, sp\n\t"
                     "sub x11, x10, #36\n\t"
                     "mov sp, x11\n\t"
                     "ldr x12, [sp]\n\t"
                     "mov sp, x10\n\t" ::: "x9", "x10", "x11", "x12", "memory");
}

/* ERET to EL2h from EL1: an illegal exception return, PSTATE.IL set. */
static void illegal_eret(uint64_t a)
{
    __asm__ volatile("adr x9, 1f\n\t"
                     "msr elr_el1, x9\n\t"
                     "mov x9, #0x3C9\n\t"
                     "msr spsr_el1, x9\n\t"
                     "eret\n"
                     "1:\tnop\n\t" ::: "x9", "memory");
}

/* FP with CPACR_EL1.FPEN = 0: trapped to EL1. */
static void fp_disabled(uint64_t a)
{
    __asm__ volatile("mrs x9, cpacr_el1\n\t"
                     "bic x9, x9, #(3 << 20)\n\t"
                     "msr cpacr_el1, x9\n\t"
                     "isb\n\t"
                     ".inst 0x9e670000\n\t"      /* fmov d0, x0 */
                     ::: "x9", "memory");
}

static void do_wfi(uint64_t a) { __asm__ volatile("wfi" ::: "memory"); }
static void do_wfe(uint64_t a) { __asm__ volatile("wfe" ::: "memory"); }

/* ---- the table -------------------------------------------------------- */

struct kind {
    const char *name;
    void (*fn)(uint64_t);
    uint64_t arg;
    int answer;        /* ANSWER_EC or ANSWER_X0 */
    uint64_t want;     /* the EC, or x0 */
};

static const char semihost_msg[] = "semihosting reached the host\n";

static const struct kind kinds[] = {
    {"svc #0x42", do_svc, 0, ANSWER_EC, 0x15},
    {"brk #7", do_brk, 0, ANSWER_EC, 0x3C},
    {"udf", do_udf, 0, ANSWER_EC, 0x00},
    {"hlt #1", do_hlt, 0, ANSWER_EC, 0x00},
    {"hlt #0xf000 (semihosting write0)", do_semihost, 0, ANSWER_EC, 0x00},
    {"hvc #0 PSCI_VERSION", do_hvc0, PSCI_VERSION, ANSWER_X0, PSCI_1_1},
    {"hvc #0 unknown SMCCC function", do_hvc0, SMCCC_UNKNOWN, ANSWER_X0, NOT_SUPPORTED},
    {"hvc #1", do_hvc1, 0, ANSWER_EC, 0x00},
    {"hvc #0xea0", do_hvc_ea0, 0, ANSWER_EC, 0x00},
    {"hvc #0xffff", do_hvc_ffff, 0, ANSWER_EC, 0x00},
    {"smc #0 PSCI_VERSION", do_smc0, PSCI_VERSION, ANSWER_X0, PSCI_1_1},
    {"smc #0 unknown SMCCC function", do_smc0, SMCCC_UNKNOWN, ANSWER_X0, NOT_SUPPORTED},
    {"smc #1 PSCI_VERSION", do_smc1, PSCI_VERSION, ANSWER_EC, 0x00},
    {"mrs hcr_el2", rd_hcr, 0, ANSWER_EC, 0x00},
    {"msr hcr_el2", wr_hcr, 0, ANSWER_EC, 0x00},
    {"mrs vbar_el2", rd_vbar2, 0, ANSWER_EC, 0x00},
    {"msr vbar_el2", wr_vbar2, 0x60000000, ANSWER_EC, 0x00},
    {"mrs esr_el2", rd_esr2, 0, ANSWER_EC, 0x00},
    {"msr sctlr_el2", wr_sctlr2, 0, ANSWER_EC, 0x00},
    {"msr vsctlr_el2", wr_vsctlr, 0, ANSWER_EC, 0x00},
    {"mrs prbar_el2", rd_prbar2, 0, ANSWER_EC, 0x00},
    {"msr prlar_el2", wr_prlar2, 0xFFFFFFC1, ANSWER_EC, 0x00},
    {"mrs sp_el2", rd_sp_el2, 0, ANSWER_EC, 0x00},
    {"tlbi alle2", do_tlbi_el2, 0, ANSWER_EC, 0x00},
    {"at s1e2r", do_at_s1e2r, 0x200000, ANSWER_EC, 0x00},
    {"load from the hypervisor's image", load, XEN_TEXT, ANSWER_EC, 0x25},
    {"store to the hypervisor's image", store, XEN_TEXT + 0x1000, ANSWER_EC, 0x25},
    {"load from address 0", load, 0, ANSWER_EC, 0x25},
    {"store to the boot modules", store, MODULES, ANSWER_EC, 0x25},
    {"load from the top of the address space", load, ~7ul, ANSWER_EC, 0x25},
    {"store to the GIC distributor", store32, 0xAF000000ul, ANSWER_EC, 0x25},
    {"store to the physical UART", store32, 0x9C090000ul, ANSWER_EC, 0x25},
    {"store to the vpl011 at an undecoded offset", store32, VPL011 + 0x100, ANSWER_EC, 0x25},
    {"load pair from the vpl011 (no syndrome)", load_pair, VPL011, ANSWER_EC, 0x25},
    {"load past the vpl011 window", load, VPL011 + 0x1000, ANSWER_EC, 0x25},
    {"branch to the hypervisor's image", branch, XEN_TEXT, ANSWER_EC, 0x21},
    {"branch to the boot modules", branch, MODULES, ANSWER_EC, 0x21},
    {"branch to the vpl011", branch, VPL011, ANSWER_EC, 0x21},
    {"branch to the top of the address space", branch, ~3ul, ANSWER_EC, 0x21},
    {"branch to a misaligned PC", branch, HOSTILE_OWN_BASE + 0x102, ANSWER_EC, 0x22},
    {"load through a misaligned SP", bad_sp, 0, ANSWER_EC, 0x26},
    {"illegal exception return to EL2", illegal_eret, 0, ANSWER_EC, 0x0E},
    {"FP with CPACR_EL1.FPEN = 0", fp_disabled, 0, ANSWER_EC, 0x07},
    {"wfi", do_wfi, 0, ANSWER_X0, 0},
    {"wfe", do_wfe, 0, ANSWER_X0, 0},
};

static void report(const struct kind *k, int trapped)
{
    hostile_put("vectors: ");
    hostile_put(k->name);
    hostile_put(": ");
    int ok;
    if (trapped) {
        unsigned ec = (unsigned)(hostile_last.esr >> 26);
        hostile_put("exception EC ");
        hostile_hex(ec);
        hostile_put(" ESR ");
        hostile_hex(hostile_last.esr);
        hostile_put(" vector ");
        hostile_hex(hostile_last.vector * 0x80u);
        ok = k->answer == ANSWER_EC && ec == k->want;
    } else {
        hostile_put("returned");
        if (k->answer == ANSWER_X0 && k->fn != do_wfi && k->fn != do_wfe) {
            hostile_put(" x0 ");
            hostile_hex(result_x0);
        }
        ok = k->answer == ANSWER_X0 && (k->fn == do_wfi || k->fn == do_wfe ||
                                        result_x0 == k->want);
    }
    if (!ok) {
        hostile_put(" (unexpected: Xen gives ");
        if (k->answer == ANSWER_EC) {
            hostile_put("EC ");
            hostile_hex(k->want);
        } else {
            hostile_put("x0 ");
            hostile_hex(k->want);
        }
        hostile_put(")");
        unexpected++;
    }
    hostile_end();
}

/* Branches to each of the 16 entries of a vector table where Xen's
 * could be (VBAR_EL2 is not readable from EL1): every one must come back
 * as an instruction abort at the address. */
static void hypervisor_vectors(void)
{
    unsigned aborted = 0;
    for (unsigned i = 0; i < 16; i++) {
        uint64_t at = XEN_TEXT + 0x800 + 0x80ul * i;
        if (hostile_probe(branch, at) && (hostile_last.esr >> 26) == 0x21 &&
            hostile_last.far == at)
            aborted++;
    }
    hostile_put("vectors: branches to the 16 entries of the hypervisor's vector table aborted ");
    hostile_dec(aborted);
    hostile_put("/16");
    if (aborted != 16) {
        hostile_put(" (unexpected)");
        unexpected++;
    }
    hostile_end();
}

int main(void)
{
    hostile_init();
    for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const struct kind *k = &kinds[i];
        result_x0 = 0xDEAD;
        uint64_t arg = k->fn == do_semihost ? (uint64_t)(uintptr_t)semihost_msg : k->arg;
        int trapped = hostile_probe(k->fn, arg);
        report(k, trapped);
    }
    hypervisor_vectors();
    unsigned bad = hostile_attack_victim("vectors");
    hostile_put("vectors: done, exceptions taken ");
    hostile_dec(hostile_exceptions);
    hostile_put(", unexpected answers ");
    hostile_dec(unexpected + bad);
    hostile_end();
    return 0;
}
