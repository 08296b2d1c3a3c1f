/* The hostile guests' runtime in C: the exception handler behind
 * hostile_rt.S, the random source, line output and the attack on the
 * victim domain. */
#include "guests/hostile_lib.h"

#define EC_DABT_CUR 0x25
#define EC_IABT_CUR 0x21
#define SPSR_EL1H_MASKED 0x3C5ul
#define XEN_EFAULT 14
#define GNTTABOP_copy_ 5

volatile struct hostile_exc hostile_last;
volatile unsigned hostile_ec_count[64];
volatile unsigned hostile_exceptions;

/* hostile_rt.S: the recovery point of hostile_probe, and where it lands. */
struct hostile_jmp {
    uint64_t x19_x30[12];
    uint64_t sp, armed;
};
extern struct hostile_jmp hostile_jmp;
struct hostile_jmp hostile_jmp;
extern char hostile_vectors[], hostile_probe_landing[];

/* The compiler may call these for structure copies (freestanding). */
void *memcpy(void *dst, const void *src, unsigned long n);
void *memset(void *dst, int c, unsigned long n);

void *memcpy(void *dst, const void *src, unsigned long n)
{
    char *d = dst;
    const char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, unsigned long n)
{
    char *d = dst;
    while (n--)
        *d++ = (char)c;
    return dst;
}

static volatile int skip_mode;
static volatile int in_handler;

void hostile_init(void)
{
    __asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(hostile_vectors) : "memory");
}

void hostile_set_skip(int on)
{
    skip_mode = on;
}

/* ---- output --------------------------------------------------------- */

static char line[400];
static unsigned len;

void hostile_put(const char *s)
{
    while (*s && len < sizeof line - 2)
        line[len++] = *s++;
}

void hostile_hex(uint64_t v)
{
    char b[19] = "0x";
    int n = 2, shift = 60;
    while (shift > 0 && !((v >> shift) & 0xF))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        b[n++] = "0123456789abcdef"[(v >> shift) & 0xF];
    b[n] = 0;
    hostile_put(b);
}

void hostile_dec(int64_t v)
{
    char b[24], r[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        b[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    int k = 0;
    if (v < 0)
        r[k++] = '-';
    while (n)
        r[k++] = b[--n];
    r[k] = 0;
    hostile_put(r);
}

void hostile_result(long rc)
{
    static const struct {
        long err;
        const char *name;
    } names[] = {
        {1, "-EPERM"}, {2, "-ENOENT"}, {3, "-ESRCH"}, {12, "-ENOMEM"}, {13, "-EACCES"},
        {14, "-EFAULT"}, {16, "-EBUSY"}, {22, "-EINVAL"}, {28, "-ENOSPC"}, {33, "-EDOM"},
        {34, "-ERANGE"}, {38, "-ENOSYS"}, {95, "-EOPNOTSUPP"},
    };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (rc == -names[i].err) {
            hostile_put(names[i].name);
            return;
        }
    hostile_dec(rc);
}

void hostile_end(void)
{
    line[len++] = '\n';
    line[len] = 0;
    hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, len, (unsigned long)line);
    len = 0;
}

/* ---- exceptions ------------------------------------------------------ */

void hostile_trap(struct hostile_frame *f, unsigned vector)
{
    if (in_handler) {
        /* The handler itself faulted: nothing sane is left to resume. */
        in_handler = 0;
        len = 0;
        hostile_put("unexpected nested exception: esr ");
        hostile_hex(f->esr);
        hostile_put(" elr ");
        hostile_hex(f->elr);
        hostile_end();
        guest_shutdown(SHUTDOWN_crash);
    }
    in_handler = 1;
    unsigned ec = (unsigned)(f->esr >> 26) & 63;
    hostile_last.vector = vector;
    hostile_last.esr = f->esr;
    hostile_last.far = f->far;
    hostile_last.elr = f->elr;
    hostile_exceptions++;
    if ((vector & 3) == 0)
        hostile_ec_count[ec]++;
    if ((vector & 3) != 0) {
        /* IRQ, FIQ, SError: nothing here raises them; resume. */
    } else if (hostile_jmp.armed) {
        for (unsigned i = 0; i < 12; i++)
            f->x[19 + i] = hostile_jmp.x19_x30[i];
        f->sp = hostile_jmp.sp;
        f->x[0] = 1;
        f->elr = (uint64_t)(uintptr_t)hostile_probe_landing;
        f->spsr = SPSR_EL1H_MASKED;
        hostile_jmp.armed = 0;
    } else if (skip_mode) {
        f->elr += 4;
    } else {
        len = 0;
        hostile_put("unexpected exception: esr ");
        hostile_hex(f->esr);
        hostile_put(" far ");
        hostile_hex(f->far);
        hostile_put(" elr ");
        hostile_hex(f->elr);
        hostile_end();
        guest_shutdown(SHUTDOWN_crash);
    }
    in_handler = 0;
}

/* ---- random numbers -------------------------------------------------- */

static uint64_t lcg_state = 1;

void hostile_seed(uint64_t seed)
{
    lcg_state = seed;
}

uint64_t hostile_rand(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    /* the low bits of an LCG are weak: fold the high half in */
    return lcg_state ^ (lcg_state >> 29);
}

long hostile_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4)
{
    register uint64_t x16 __asm__("x16") = nr;
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    register uint64_t x4 __asm__("x4") = a4;
    __asm__ volatile("hvc #0xEA1"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
                     : "r"(x16)
                     : "memory");
    return (long)x0;
}

/* ---- the attack on the victim ---------------------------------------- */

static void store_at(uint64_t addr)
{
    *(volatile uint64_t *)(uintptr_t)addr = 0xBAD0BAD0BAD0BAD0ull;
}

static void jump_to(uint64_t addr)
{
    ((void (*)(void))(uintptr_t)addr)();
}

/* Arguments the hypervisor reads from the attacker's own memory. */
static struct {
    uint64_t extent_start, nr_extents;
    uint32_t extent_order, mem_flags;
    uint16_t domid;
} reservation;
static struct {
    uint16_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint64_t frame_list;
} setup;
static struct {
    uint64_t src_gmfn;
    uint16_t src_domid, src_offset;
    uint32_t pad0;
    uint64_t dst_gmfn;
    uint16_t dst_domid, dst_offset;
    uint32_t pad1;
    uint16_t len, flags;
    int16_t status;
} gcopy;
static uint64_t victim_gfns[4];

unsigned hostile_attack_victim(const char *who)
{
    const uint64_t v = HOSTILE_VICTIM_BASE;
    const uint64_t own_end = HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE;
    unsigned bad = 0, aborts = 0, stores = 0;
    /* stores at the victim's image, its data and the end of its memory */
    const uint64_t targets[] = {v, v + 0x40, v + 0x1000, v + 0x8000, v + 0x10000,
                                v + HOSTILE_DOMAIN_SIZE - 8};
    for (unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        stores++;
        if (hostile_probe(store_at, targets[i]) && (hostile_last.esr >> 26) == EC_DABT_CUR &&
            hostile_last.far == targets[i])
            aborts++;
    }
    unsigned fetch = hostile_probe(jump_to, v + 0x40) &&
                     (hostile_last.esr >> 26) == EC_IABT_CUR && hostile_last.far == v + 0x40;
    bad += (stores - aborts) + !fetch;
    hostile_put(who);
    hostile_put(": victim stores aborted ");
    hostile_dec(aborts);
    hostile_put("/");
    hostile_dec(stores);
    hostile_put(", branch into it aborted ");
    hostile_dec(fetch);
    hostile_put("/1");
    hostile_end();

    /* hypercalls handed pointers into the victim, or straddling into it */
    for (unsigned i = 0; i < 4; i++)
        victim_gfns[i] = (v >> 12) + i;
    reservation.extent_start = (uint64_t)(uintptr_t)victim_gfns;
    reservation.nr_extents = 4;
    reservation.domid = 0x7FF0;
    setup.dom = 0x7FF0;
    setup.nr_frames = 1;
    setup.frame_list = v + 0x2000;
    gcopy.src_gmfn = HOSTILE_OWN_BASE >> 12;
    gcopy.src_domid = 0x7FF0;
    gcopy.dst_gmfn = v >> 12;
    gcopy.dst_domid = 2;    /* the victim's domid, by gfn, without a grant */
    gcopy.len = 64;
    const struct {
        uint64_t nr, a0, a1, a2;
        long want;
    } calls[] = {
        {HYPERVISOR_console_io, CONSOLEIO_write, 16, v, -XEN_EFAULT},
        {HYPERVISOR_console_io, CONSOLEIO_write, 32, own_end - 16, -XEN_EFAULT},
        {HYPERVISOR_xen_version, XENVER_extraversion, v + 0x100, 0, -XEN_EFAULT},
        {HYPERVISOR_xen_version, XENVER_extraversion, own_end - 8, 0, -XEN_EFAULT},
        {HYPERVISOR_sched_op, SCHEDOP_shutdown, v + 0x200, 0, -XEN_EFAULT},
        {HYPERVISOR_memory_op, 6, v + 0x300, 0, -XEN_EFAULT},
        /* populate_physmap of the victim's frames: none completes */
        {HYPERVISOR_memory_op, 6, (uint64_t)(uintptr_t)&reservation, 0, 0},
        {HYPERVISOR_grant_table_op, GNTTABOP_setup_table, v + 0x400, 1, -XEN_EFAULT},
        /* setup_table writing its frame list into the victim */
        {HYPERVISOR_grant_table_op, GNTTABOP_setup_table, (uint64_t)(uintptr_t)&setup, 1,
         -XEN_EFAULT},
        {HYPERVISOR_grant_table_op, GNTTABOP_query_size, v + 0x500, 1, -XEN_EFAULT},
        {HYPERVISOR_grant_table_op, GNTTABOP_copy, v + 0x600, 1, -XEN_EFAULT},
    };
    unsigned refused = 0, n = sizeof calls / sizeof calls[0];
    for (unsigned i = 0; i < n; i++) {
        long rc = hostile_hypercall(calls[i].nr, calls[i].a0, calls[i].a1, calls[i].a2, 0, 0);
        if (rc == calls[i].want) {
            refused++;
        } else {
            hostile_put(who);
            hostile_put(": hypercall ");
            hostile_dec((int64_t)calls[i].nr);
            hostile_put(" cmd ");
            hostile_dec((int64_t)calls[i].a0);
            hostile_put(" into the victim gave ");
            hostile_result(rc);
            hostile_put(", expected ");
            hostile_result(calls[i].want);
            hostile_end();
        }
    }
    /* a grant copy into the victim's frame without a grant: refused in
     * the element's status */
    gcopy.status = 0;
    long rc = hostile_hypercall(HYPERVISOR_grant_table_op, GNTTABOP_copy_,
                                (uint64_t)(uintptr_t)&gcopy, 1, 0, 0);
    n++;
    if (rc == 0 && gcopy.status < 0)
        refused++;
    else {
        hostile_put(who);
        hostile_put(": grant copy into the victim gave ");
        hostile_result(rc);
        hostile_put(" status ");
        hostile_dec(gcopy.status);
        hostile_end();
    }
    bad += n - refused;
    hostile_put(who);
    hostile_put(": hypercalls with pointers into the victim refused ");
    hostile_dec(refused);
    hostile_put("/");
    hostile_dec(n);
    hostile_end();
    return bad;
}
