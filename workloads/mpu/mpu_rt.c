/* Shared runtime of the MPU architecture tests (see mpu_rt.h). */
#include "mpu/mpu_rt.h"

u64 probe_ldr64(u64 addr);
u64 probe_ldrb(u64 addr);
u64 probe_ldtr(u64 addr);
void probe_str64(u64 addr, u64 val);
void probe_str32(u64 addr, u64 val);
void probe_strb(u64 addr, u64 val);
void probe_blr(u64 target);
u64 run_el0(void (*entry)(void), u64 arg, u64 sp_el0);
extern char el0_return[];

/* A freestanding compiler may still call these (struct copies). */
void *memcpy(void *dst, const void *src, unsigned long n);
void *memset(void *dst, int c, unsigned long n);

void *memcpy(void *dst, const void *src, unsigned long n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, unsigned long n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

/* ---- register access --------------------------------------------------- */

u64 mpu_mpuir(unsigned el)
{
    return el == 2 ? MRS(MPUIR_EL2_R) : MRS(MPUIR_EL1_R);
}

u64 mpu_prenr(unsigned el)
{
    return el == 2 ? MRS(PRENR_EL2_R) : MRS(PRENR_EL1_R);
}

void mpu_set_prenr(unsigned el, u64 v)
{
    if (el == 2)
        MSR(PRENR_EL2_R, v);
    else
        MSR(PRENR_EL1_R, v);
}

void mpu_select(unsigned el, unsigned slot)
{
    if (el == 2)
        MSR(PRSELR_EL2_R, slot);
    else
        MSR(PRSELR_EL1_R, slot);
    isb();   /* the selector must be synchronized before PRBAR/PRLAR use it */
}

u64 mpu_selected(unsigned el)
{
    return el == 2 ? MRS(PRSELR_EL2_R) : MRS(PRSELR_EL1_R);
}

/* Region writes come in an order that never leaves an enabled slot with
 * the new base and the old limit: PRBAR first when the new value enables
 * the slot (Xen), PRLAR first when it disables it (Zephyr).  Nothing
 * depends on it before the ISB, but an access in between (the fetch of the
 * second MSR) would otherwise see a transient overlap in the written state,
 * which msasim counts as stale. */
void mpu_write_selected(unsigned el, u64 prbar, u64 prlar)
{
    int lar_first = !(prlar & 1);
    if (el == 2) {
        if (lar_first)
            MSR(PRLAR_EL2_R, prlar);
        MSR(PRBAR_EL2_R, prbar);
        if (!lar_first)
            MSR(PRLAR_EL2_R, prlar);
    } else {
        if (lar_first)
            MSR(PRLAR_EL1_R, prlar);
        MSR(PRBAR_EL1_R, prbar);
        if (!lar_first)
            MSR(PRLAR_EL1_R, prlar);
    }
}

void mpu_read_selected(unsigned el, u64 *prbar, u64 *prlar)
{
    if (el == 2) {
        *prbar = MRS(PRBAR_EL2_R);
        *prlar = MRS(PRLAR_EL2_R);
    } else {
        *prbar = MRS(PRBAR_EL1_R);
        *prlar = MRS(PRLAR_EL1_R);
    }
}

/* PRBAR<n> is C6, C(8 + n/2), op2 4*(n%2); PRLAR<n> is op2 + 1. */
#define ALIASES(X)                                                                 \
    X(1, 8, 4, 5) X(2, 9, 0, 1) X(3, 9, 4, 5) X(4, 10, 0, 1) X(5, 10, 4, 5)        \
    X(6, 11, 0, 1) X(7, 11, 4, 5) X(8, 12, 0, 1) X(9, 12, 4, 5) X(10, 13, 0, 1)    \
    X(11, 13, 4, 5) X(12, 14, 0, 1) X(13, 14, 4, 5) X(14, 15, 0, 1) X(15, 15, 4, 5)

#define ALIAS_WRITE(n, crm, ob, ol)                                                \
    case n:                                                                        \
        if (el == 2) {                                                             \
            if (lar_first)                                                         \
                MSR("S3_4_C6_C" #crm "_" #ol, prlar);                              \
            MSR("S3_4_C6_C" #crm "_" #ob, prbar);                                  \
            if (!lar_first)                                                        \
                MSR("S3_4_C6_C" #crm "_" #ol, prlar);                              \
        } else {                                                                   \
            if (lar_first)                                                         \
                MSR("S3_0_C6_C" #crm "_" #ol, prlar);                              \
            MSR("S3_0_C6_C" #crm "_" #ob, prbar);                                  \
            if (!lar_first)                                                        \
                MSR("S3_0_C6_C" #crm "_" #ol, prlar);                              \
        }                                                                          \
        break;

#define ALIAS_READ(n, crm, ob, ol)                                                 \
    case n:                                                                        \
        if (el == 2) {                                                             \
            *prbar = MRS("S3_4_C6_C" #crm "_" #ob);                                \
            *prlar = MRS("S3_4_C6_C" #crm "_" #ol);                                \
        } else {                                                                   \
            *prbar = MRS("S3_0_C6_C" #crm "_" #ob);                                \
            *prlar = MRS("S3_0_C6_C" #crm "_" #ol);                                \
        }                                                                          \
        break;

void mpu_write_alias(unsigned el, unsigned n, u64 prbar, u64 prlar)
{
    int lar_first = !(prlar & 1);   /* as in mpu_write_selected */
    switch (n) {
    case 0:
        mpu_write_selected(el, prbar, prlar);
        break;
    ALIASES(ALIAS_WRITE)
    default:
        break;
    }
}

void mpu_read_alias(unsigned el, unsigned n, u64 *prbar, u64 *prlar)
{
    switch (n) {
    case 0:
        mpu_read_selected(el, prbar, prlar);
        break;
    ALIASES(ALIAS_READ)
    default:
        *prbar = *prlar = ~0ull;
        break;
    }
}

void mpu_set_region(unsigned el, unsigned slot, u64 prbar, u64 prlar)
{
    mpu_select(el, slot);
    mpu_write_selected(el, prbar, prlar);
    dsb_sy();
    isb();
}

void mpu_set_region_alias(unsigned el, unsigned slot, u64 prbar, u64 prlar)
{
    mpu_select(el, slot & 0xF0);
    mpu_write_alias(el, slot & 15, prbar, prlar);
    dsb_sy();
    isb();
}

void mpu_get_region(unsigned el, unsigned slot, u64 *prbar, u64 *prlar)
{
    mpu_select(el, slot);
    mpu_read_selected(el, prbar, prlar);
}

void mpu_clear_from(unsigned el, unsigned first)
{
    unsigned n = (unsigned)(mpu_mpuir(el) & 0xFF);
    for (unsigned slot = first; slot < n; slot++) {
        if (slot == first || (slot & 15) == 0)
            mpu_select(el, slot & 0xF0);
        mpu_write_alias(el, slot & 15, 0, 0);
    }
    dsb_sy();
    isb();
}

/* ---- probes and abort handlers ----------------------------------------- */

volatile struct fault_rec fault_seen;
static volatile int armed;

void probe_begin(void)
{
    fault_seen.count = 0;
    fault_seen.el = 0;
    fault_seen.esr = fault_seen.far = fault_seen.hpfar = fault_seen.elr = 0;
    armed = 1;
    __asm__ volatile("" ::: "memory");
}

void probe_end(void)
{
    __asm__ volatile("" ::: "memory");
    armed = 0;
}

u64 try_read64(u64 addr)
{
    probe_begin();
    u64 v = probe_ldr64(addr);
    probe_end();
    return v;
}

u64 try_read8(u64 addr)
{
    probe_begin();
    u64 v = probe_ldrb(addr);
    probe_end();
    return v;
}

u64 try_read_unpriv(u64 addr)
{
    probe_begin();
    u64 v = probe_ldtr(addr);
    probe_end();
    return v;
}

void try_write64(u64 addr, u64 val)
{
    probe_begin();
    probe_str64(addr, val);
    probe_end();
}

void try_write32(u64 addr, u64 val)
{
    probe_begin();
    probe_str32(addr, val);
    probe_end();
}

void try_write8(u64 addr, u64 val)
{
    probe_begin();
    probe_strb(addr, val);
    probe_end();
}

void try_exec(u64 target)
{
    probe_begin();
    probe_blr(target);
    probe_end();
}

u64 try_el0(void (*entry)(void), u64 arg)
{
    probe_begin();
    u64 v = run_el0(entry, arg, (u64)__stack_el0_top);
    probe_end();
    return v;
}

void hvc_set_el2_region(unsigned slot, u64 prbar, u64 prlar)
{
    register u64 x0 __asm__("x0") = slot;
    register u64 x1 __asm__("x1") = prbar;
    register u64 x2 __asm__("x2") = prlar;
    __asm__ volatile("hvc #1" : "+r"(x0) : "r"(x1), "r"(x2) : "memory");
}

static int is_abort(unsigned ec)
{
    return ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == EC_DABT_LOW || ec == EC_DABT_CUR;
}

/* Step over the aborted access: a data abort resumes after the load or
 * store; an instruction abort (of a probe's BLR) resumes at the caller. */
static u64 resume_pc(const struct frame *f, unsigned ec, u64 elr)
{
    return (ec == EC_IABT_LOW || ec == EC_IABT_CUR) ? f->x[30] : elr + 4;
}

static void record(unsigned el, u64 esr, u64 far, u64 hpfar, u64 elr)
{
    fault_seen.count++;
    fault_seen.el = el;
    fault_seen.esr = esr;
    fault_seen.far = far;
    fault_seen.hpfar = hpfar;
    fault_seen.elr = elr;
}

static void unexpected(const char *el, u64 idx, u64 esr, u64 elr, u64 far)
{
    puts_("unexpected exception taken to ");
    puts_(el);
    puts_(": vector=");
    put_hx(idx);
    puts_(" esr=");
    put_hx(esr);
    puts_(" elr=");
    put_hx(elr);
    puts_(" far=");
    put_hx(far);
    puts_("\n");
    rt_exit(1);
}

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2);
    unsigned ec = (unsigned)(esr >> 26);
    if ((idx & 3) == 0) {
        if (ec == 0x16 && (esr & 0xFFFF) == 1) {
            /* HVC #1: program an EL2 slot for EL1 code; ERET synchronizes */
            MSR(PRSELR_EL2_R, f->x[0]);
            isb();
            MSR(PRBAR_EL2_R, f->x[1]);
            MSR(PRLAR_EL2_R, f->x[2]);
            dsb_sy();
            return;
        }
        if (armed && is_abort(ec)) {
            record(2, esr, read_sysreg(far_el2), read_sysreg(hpfar_el2), elr);
            write_sysreg(elr_el2, resume_pc(f, ec, elr));
            return;
        }
    }
    unexpected("EL2", idx, esr, elr, read_sysreg(far_el2));
}

void exc_el1(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1);
    unsigned ec = (unsigned)(esr >> 26);
    if ((idx & 3) == 0) {
        if (idx == 8 && ec == 0x15) {
            /* SVC from the EL0 code of a probe: back to run_el0's caller */
            write_sysreg(elr_el1, (u64)el0_return);
            write_sysreg(spsr_el1, 0x3c5);
            return;
        }
        if (armed && is_abort(ec)) {
            record(1, esr, read_sysreg(far_el1), 0, elr);
            write_sysreg(elr_el1, resume_pc(f, ec, elr));
            return;
        }
    }
    unexpected("EL1", idx, esr, elr, read_sysreg(far_el1));
}

/* ---- verdicts ------------------------------------------------------------ */

static unsigned nchecks, nfailed;

static void put_hexw(u64 v, int min_digits)
{
    char buf[20];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v || n < min_digits);
    char out[24];
    int k = 0;
    out[k++] = '0';
    out[k++] = 'x';
    while (n)
        out[k++] = buf[--n];
    out[k] = 0;
    puts_(out);
}

void put_hx(u64 v)
{
    put_hexw(v, 1);
}

static void put_abort(unsigned el, unsigned ec, unsigned fsc, unsigned wnr, u64 far, u64 far_last,
                      int hpfar, u64 hpfar_val)
{
    puts_("abort to EL");
    put_dec(el);
    puts_(" ec=");
    put_hexw(ec, 2);
    puts_(ec == EC_IABT_LOW || ec == EC_IABT_CUR ? " ifsc=" : " dfsc=");
    put_hexw(fsc, 2);
    if (ec == EC_DABT_LOW || ec == EC_DABT_CUR) {
        puts_(" wnr=");
        put_dec(wnr);
    }
    if (far_last) {
        puts_(" far in [");
        put_hx(far);
        puts_(", ");
        put_hx(far_last);
        puts_("]");
    } else {
        puts_(" far=");
        put_hx(far);
    }
    if (hpfar) {
        puts_(" hpfar=");
        put_hx(hpfar_val);
    }
}

static void tally(int pass)
{
    nchecks++;
    if (!pass)
        nfailed++;
    puts_(pass ? " - PASS\n" : " - FAIL");
}

int expect(const char *name, struct want w)
{
    struct fault_rec s = fault_seen;
    unsigned ec = (unsigned)(s.esr >> 26), fsc = (unsigned)(s.esr & 0x3F);
    unsigned wnr = (unsigned)((s.esr >> 6) & 1);
    /* HPFAR is shown for aborts from a lower EL taken to EL2 (stage 2). */
    int show_hpfar = s.el == 2 && (ec == EC_DABT_LOW || ec == EC_IABT_LOW);
    puts_(name);
    puts_(": ");
    int pass;
    if (!s.count) {
        puts_("no abort");
        pass = w.el == 0;
    } else {
        put_abort((unsigned)s.el, ec, fsc, wnr, s.far, 0, show_hpfar, s.hpfar);
        if (s.count > 1) {
            puts_(" aborts=");
            put_dec((s64)s.count);
        }
        int data = w.ec == EC_DABT_LOW || w.ec == EC_DABT_CUR;
        pass = s.count == 1 && w.el != 0 && s.el == w.el && ec == w.ec && fsc == w.fsc &&
               (!data || wnr == w.wnr) &&
               (w.far_last ? s.far >= w.far && s.far <= w.far_last : s.far == w.far) &&
               (!w.hpfar || s.hpfar == ((w.far >> 12) << 4));
    }
    tally(pass);
    if (!pass) {
        puts_(" (expected ");
        if (!w.el)
            puts_("no abort");
        else
            put_abort(w.el, w.ec, w.fsc, w.wnr, w.far, w.far_last, w.hpfar, (w.far >> 12) << 4);
        puts_(")\n");
    }
    return pass;
}

int expect_eq(const char *name, u64 got, u64 want)
{
    puts_(name);
    puts_(": ");
    put_hx(got);
    int pass = got == want;
    tally(pass);
    if (!pass) {
        puts_(" (expected ");
        put_hx(want);
        puts_(")\n");
    }
    return pass;
}

int verdict(const char *name, const char *observed, int pass)
{
    puts_(name);
    puts_(": ");
    puts_(observed);
    tally(pass);
    if (!pass)
        puts_("\n");
    return pass;
}

void note(const char *text)
{
    puts_(text);
    puts_("\n");
}

void mpu_finish(const char *program)
{
    puts_(program);
    puts_(": ");
    put_dec(nchecks);
    puts_(" checks, ");
    put_dec(nfailed);
    puts_(" failed\n");
    rt_exit(nfailed ? 1 : 0);
}
