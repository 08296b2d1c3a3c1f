/* Exception round trips with the state a handler must give back: SVC, HVC
 * and UDF taken at EL2, then from EL1, then from EL0 (to EL1, and to EL2
 * with HCR_EL2.TGE).  Each handler prints ESR/ELR/SPSR and the vector it
 * came through and returns a value in x0; after the return the caller
 * prints x0, whether x1-x7 survived, and NZCV/DAIF restored from SPSR.
 * QEMU's output is the reference. */
#include "lib/rt.h"

extern char __stack_el1_top[], __stack_el0_top[];

#define HCR_RW  (1ull << 31)
#define HCR_TGE (1ull << 27)

static void report(const char *who, u64 idx, u64 esr, u64 elr, u64 spsr)
{
    puts_(who);
    puts_(" vec=");
    put_dec((s64)idx);
    puts_(" ec=");
    put_hex(esr >> 26);
    puts_(" esr=");
    put_hex(esr);
    puts_(" elr=");
    put_hex(elr);
    puts_(" spsr=");
    put_hex(spsr);
    puts_("\n");
}

static void el2_final(void);
static void el0_tge(void);

/* Handlers answer with x0 = 0x1000 * EL + the immediate (SVC/HVC) or
 * 0xdead (UDF), and step over an UDF. */
static void answer(struct frame *f, unsigned el, u64 esr, u64 elr, void (*set_elr)(u64))
{
    unsigned ec = (unsigned)(esr >> 26);
    if (ec == 0x00) {
        f->x[0] = 0xdead;
        set_elr(elr + 4);
    } else {
        f->x[0] = 0x1000u * el + (esr & 0xffff);
    }
}

static void set_elr2(u64 v) { write_sysreg(elr_el2, v); }
static void set_elr1(u64 v) { write_sysreg(elr_el1, v); }

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2);
    report("el2", idx, esr, elr, read_sysreg(spsr_el2));
    unsigned ec = (unsigned)(esr >> 26), imm = (unsigned)(esr & 0xffff);
    if (ec == 0x16 && imm == 0x30) {
        /* from EL1: run EL0 with TGE, so its exceptions come here */
        write_sysreg(hcr_el2, HCR_RW | HCR_TGE);
        write_sysreg(sp_el0, (u64)__stack_el0_top);
        write_sysreg(elr_el2, (u64)el0_tge);
        write_sysreg(spsr_el2, 0x40000000);   /* EL0t, Z set */
        return;
    }
    if (ec == 0x15 && imm == 0xfff) {
        write_sysreg(hcr_el2, HCR_RW);
        write_sysreg(elr_el2, (u64)el2_final);
        write_sysreg(spsr_el2, 0x3c9);
        return;
    }
    answer(f, 2, esr, elr, set_elr2);
}

void exc_el1(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1);
    report("el1", idx, esr, elr, read_sysreg(spsr_el1));
    if ((esr >> 26) == 0x15 && (esr & 0xffff) == 0xf0)
        __asm__ volatile("hvc #0x30");   /* EL2 goes on at EL0 with TGE; no return */
    answer(f, 1, esr, elr, set_elr1);
}

/* What a round trip left behind; recorded in memory (EL0 cannot print:
 * semihosting is for EL1 and EL2) and printed at the end. */
struct result {
    const char *label;
    u64 x0, kept, nzcv;
};
static struct result results[32];
static unsigned nresults;

/* Runs `insn` with x1-x7 holding known values and NZCV = 0x9 (N, V);
 * records x0 afterwards, whether x1-x7 survived, and NZCV. */
#define ROUND_TRIP(name, insn)                                                               \
    do {                                                                                     \
        register u64 r0 __asm__("x0") = 0;                                                   \
        register u64 r1 __asm__("x1") = 0x11, r2 __asm__("x2") = 0x22;                       \
        register u64 r3 __asm__("x3") = 0x33, r4 __asm__("x4") = 0x44;                       \
        register u64 r5 __asm__("x5") = 0x55, r6 __asm__("x6") = 0x66;                       \
        register u64 r7 __asm__("x7") = 0x77;                                                \
        u64 nzcv_;                                                                           \
        __asm__ volatile("msr nzcv, %9\n" insn "\nmrs %8, nzcv"                              \
                         : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5),       \
                           "+r"(r6), "+r"(r7), "=&r"(nzcv_)                                  \
                         : "r"(0x90000000ull)                                                \
                         : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",      \
                           "x17", "x18", "x30", "memory");                                   \
        struct result *res_ = &results[nresults++ & 31];                                    \
        res_->label = name;                                                                  \
        res_->x0 = r0;                                                                       \
        res_->kept = r1 == 0x11 && r2 == 0x22 && r3 == 0x33 && r4 == 0x44 && r5 == 0x55 &&   \
                     r6 == 0x66 && r7 == 0x77;                                               \
        res_->nzcv = nzcv_;                                                                  \
    } while (0)

static void print_results(void)
{
    for (unsigned k = 0; k < nresults && k < 32; k++) {
        puts_(results[k].label);
        puts_(": x0=");
        put_hex(results[k].x0);
        puts_(results[k].kept ? " x1-x7 kept" : " x1-x7 CHANGED");
        puts_(" nzcv=");
        put_hex(results[k].nzcv);
        puts_("\n");
    }
}

static void __attribute__((noinline)) el0_tge(void)
{
    ROUND_TRIP("el0/tge svc", "svc #0x40");
    ROUND_TRIP("el0/tge udf", "udf #0x41");
    __asm__ volatile("svc #0xfff");
    for (;;)
        ;
}

static void __attribute__((noinline)) el0_main(void)
{
    ROUND_TRIP("el0 svc", "svc #0x20");
    ROUND_TRIP("el0 hvc", "hvc #0x21");      /* UNDEFINED at EL0 */
    ROUND_TRIP("el0 udf", "udf #0x22");
    __asm__ volatile("svc #0xf0");          /* EL1 asks EL2 for TGE */
    for (;;)
        ;
}

static void __attribute__((noinline)) el1_main(void)
{
    u64 nzcv = read_sysreg(nzcv), daif = read_sysreg(daif);
    put_kv("el1 entry nzcv", nzcv);
    put_kv("el1 entry daif", daif);
    put_kv("el1 currentel", read_sysreg(CurrentEL));
    put_kv("el1 spsel", read_sysreg(spsel));
    ROUND_TRIP("el1 svc", "svc #0x10");
    ROUND_TRIP("el1 hvc", "hvc #0x11");
    ROUND_TRIP("el1 udf", "udf #0x12");
    __asm__ volatile("msr daifset, #3");
    ROUND_TRIP("el1 svc, IRQ+FIQ masked", "svc #0x13");
    put_kv("el1 daif after", read_sysreg(daif));
    __asm__ volatile("msr daifclr, #3");
    puts_("el1: to el0\n");
    write_sysreg(sp_el0, (u64)__stack_el0_top);
    write_sysreg(elr_el1, (u64)el0_main);
    write_sysreg(spsr_el1, 0x80000000);     /* EL0t, N set, nothing masked */
    __asm__ volatile("eret");
}

static void el2_final(void)
{
    put_kv("el2 currentel", read_sysreg(CurrentEL));
    print_results();
    puts_("exc_roundtrip: done\n");
    rt_exit(0);
}

int main(void)
{
    ROUND_TRIP("el2 hvc", "hvc #0x1");
    ROUND_TRIP("el2 svc", "svc #0x2");
    ROUND_TRIP("el2 udf", "udf #0x3");
    puts_("el2: to el1\n");
    write_sysreg(hcr_el2, HCR_RW);
    write_sysreg(sp_el1, (u64)__stack_el1_top);
    write_sysreg(elr_el2, (u64)el1_main);
    write_sysreg(spsr_el2, 0x60000045);     /* EL1h, Z C set, FIQ masked */
    __asm__ volatile("eret");
    return 1;
}
