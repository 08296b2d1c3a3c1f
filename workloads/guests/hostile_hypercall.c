/* hostile_hypercall: CALLS hypercalls with random numbers (0..63 and
 * beyond), random sub-commands and random arguments from a fixed-seed LCG,
 * weighted towards the calls the hypervisor implements (console_io,
 * sched_op, xen_version, memory_op, grant_table_op).  Pointer arguments
 * come from a pool of bad ones: 0, the hypervisor's image, the boot
 * modules, the victim domain, the end of the guest's own memory straddled,
 * the virtual UART, the top of the address space, misaligned, random; or a
 * scratch page of the guest's own filled with random bytes (so that the
 * structures the hypervisor reads hold random fields); lengths and counts
 * are small, huge, or wrap the address space.
 *
 * Every result must be a success (0 or a count) or one of Xen's error
 * codes; the guest prints a histogram of the results and of the calls
 * made.  Two calls are kept from ending the run: SCHEDOP_shutdown gets a
 * reason Xen refuses, and console writes from readable memory are left to
 * hostile_uart. */
#include "guests/hostile_lib.h"

#define CALLS 4000
#define SEED 0x4859504552ull   /* "HYPER" */
#define PAGE 4096u
#define MAX_RESULTS 32

/* The errors a guest may get from Xen (xen/include/public/errno.h). */
static const long xen_errors[] = {1, 2, 3, 7, 9, 11, 12, 13, 14, 16, 17, 19, 22, 24, 28, 33, 34,
                                  38, 61, 95, 110};

static uint8_t scratch[2 * PAGE] __attribute__((aligned(PAGE)));

static struct {
    long value;
    unsigned count;
} results[MAX_RESULTS];
static unsigned nresults, unexpected;
static unsigned per_call[6];   /* console, sched, version, memory, grant, other */

static void count_result(long rc)
{
    for (unsigned i = 0; i < nresults; i++)
        if (results[i].value == rc) {
            results[i].count++;
            return;
        }
    if (nresults < MAX_RESULTS) {
        results[nresults].value = rc;
        results[nresults].count = 1;
        nresults++;
    }
}

static int acceptable(long rc)
{
    if (rc >= 0)
        return rc <= 0xFFFFFFFFl;   /* success, a count of extents, a version */
    for (unsigned i = 0; i < sizeof xen_errors / sizeof xen_errors[0]; i++)
        if (rc == -xen_errors[i])
            return 1;
    return 0;
}

static uint64_t pick(const uint64_t *pool, unsigned n)
{
    return pool[hostile_rand() % n];
}

/* A pointer the hypervisor must refuse, or (valid) the scratch page. */
static uint64_t bad_pointer(void)
{
    const uint64_t own_end = HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE;
    const uint64_t pool[] = {
        0,
        0x200000,                              /* the hypervisor's image */
        0x200000 + (hostile_rand() % 0x100000),
        0x70000000,                            /* the boot modules */
        HOSTILE_VICTIM_BASE,
        HOSTILE_VICTIM_BASE + (hostile_rand() % HOSTILE_DOMAIN_SIZE),
        own_end - 1 - hostile_rand() % 32,     /* straddles into the victim */
        0x22000000,                            /* the vpl011 window */
        ~0ul - hostile_rand() % 64,            /* the top of the address space */
        hostile_rand(),
        hostile_rand() & 0xFFFFFFFFul,
    };
    return pick(pool, sizeof pool / sizeof pool[0]);
}

static uint64_t pointer(int allow_valid)
{
    if (allow_valid && hostile_rand() % 3 == 0) {
        uint64_t off = hostile_rand() % PAGE;
        if (hostile_rand() % 2)
            off &= ~7ul;                       /* aligned, else misaligned */
        return (uint64_t)(uintptr_t)scratch + off;
    }
    return bad_pointer();
}

static uint64_t length(void)
{
    const uint64_t pool[] = {0, 1, 7, 16, 4096, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                             1ul << 32, ~0ul, ~0ul - 15, hostile_rand()};
    return pick(pool, sizeof pool / sizeof pool[0]);
}

static uint64_t command(void)
{
    return hostile_rand() % 4 ? hostile_rand() % 12 : hostile_rand();
}

/* Random bytes where an argument points into the scratch page: the
 * structure the hypervisor reads there (64 bytes cover the largest). */
static void fill_scratch(uint64_t at)
{
    uint64_t lo = (uint64_t)(uintptr_t)scratch, hi = lo + sizeof scratch;
    if (at < lo || at >= hi)
        return;
    for (uint64_t a = at & ~7ul; a < (at & ~7ul) + 64 && a < hi; a += 8)
        *(volatile uint64_t *)(uintptr_t)a = hostile_rand();
}

static void one_call(void)
{
    static const uint64_t implemented[] = {HYPERVISOR_console_io, HYPERVISOR_sched_op,
                                           HYPERVISOR_xen_version, HYPERVISOR_memory_op,
                                           HYPERVISOR_grant_table_op};
    uint64_t nr;
    unsigned sel = (unsigned)(hostile_rand() % 10);
    if (sel < 6)
        nr = implemented[hostile_rand() % 5];
    else if (sel < 9)
        nr = hostile_rand() % 64;
    else
        nr = hostile_rand();
    uint64_t a0 = command(), a1 = pointer(1), a2 = length(), a3 = hostile_rand(),
             a4 = pointer(1);
    fill_scratch(a1);
    fill_scratch(a4);
    switch (nr) {
    case HYPERVISOR_console_io:
        per_call[0]++;
        /* console_io(cmd, count, buffer): a buffer in the guest's own
         * memory always runs past its end, so nothing is printed */
        a1 = length();
        a2 = pointer(0);
        if (a2 >= HOSTILE_OWN_BASE && a2 < HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE) {
            a2 = HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE - 1 - hostile_rand() % 32;
            a1 = 64 + hostile_rand() % 64;
        }
        break;
    case HYPERVISOR_sched_op:
        per_call[1]++;
        if (a0 == SCHEDOP_shutdown && a1 >= HOSTILE_OWN_BASE &&
            a1 + 4 <= HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE) {
            /* a reason past SHUTDOWN_MAX: -EINVAL, the domain lives on */
            uint32_t reason = 5 + (uint32_t)(hostile_rand() % 0xFFFF);
            for (unsigned b = 0; b < 4; b++)
                ((volatile uint8_t *)(uintptr_t)a1)[b] = (uint8_t)(reason >> (8 * b));
        }
        break;
    case HYPERVISOR_xen_version: per_call[2]++; break;
    case HYPERVISOR_memory_op: per_call[3]++; break;
    case HYPERVISOR_grant_table_op:
        per_call[4]++;
        /* grant_table_op(cmd, args, count): the hypervisor writes a
         * status into every element, so a count that runs past the
         * scratch page would have it overwrite the guest's own stack, as
         * the guest asked; huge counts go with refused pointers only */
        if (a1 >= (uint64_t)(uintptr_t)scratch && a1 < (uint64_t)(uintptr_t)scratch + PAGE)
            a2 = hostile_rand() % 4;
        else
            a2 = hostile_rand() % 2 ? hostile_rand() % 4 : length();
        break;
    default: per_call[5]++; break;
    }
    long rc = hostile_hypercall(nr, a0, a1, a2, a3, a4);
    count_result(rc);
    int modelled = 0;
    for (unsigned i = 0; i < sizeof implemented / sizeof implemented[0]; i++)
        modelled |= nr == implemented[i];
    /* the calls not implemented: -ENOSYS, as Xen's table answers */
    if (!acceptable(rc) || (!modelled && rc != -38)) {
        unexpected++;
        hostile_put("hypercall: unexpected result ");
        hostile_result(rc);
        hostile_put(" of hypercall ");
        hostile_hex(nr);
        hostile_put(" (");
        hostile_hex(a0);
        hostile_put(", ");
        hostile_hex(a1);
        hostile_put(", ");
        hostile_hex(a2);
        hostile_put(")");
        hostile_end();
    }
}

int main(void)
{
    hostile_init();
    hostile_seed(SEED);
    for (unsigned i = 0; i < CALLS; i++)
        one_call();
    /* the histogram, by value */
    for (unsigned i = 0; i < nresults; i++)
        for (unsigned j = i + 1; j < nresults; j++)
            if (results[j].value < results[i].value) {
                long v = results[i].value;
                unsigned c = results[i].count;
                results[i] = results[j];
                results[j].value = v;
                results[j].count = c;
            }
    static const char *const names[] = {"console_io", "sched_op", "xen_version", "memory_op",
                                        "grant_table_op", "other"};
    hostile_put("hypercall: ");
    hostile_dec(CALLS);
    hostile_put(" calls:");
    for (unsigned i = 0; i < 6; i++) {
        hostile_put(" ");
        hostile_put(names[i]);
        hostile_put(" ");
        hostile_dec(per_call[i]);
    }
    hostile_end();
    for (unsigned i = 0; i < nresults; i++) {
        hostile_put("hypercall: result ");
        hostile_result(results[i].value);
        hostile_put(": ");
        hostile_dec(results[i].count);
        hostile_end();
    }
    unsigned bad = hostile_attack_victim("hypercall");
    hostile_put("hypercall: done, exceptions taken ");
    hostile_dec(hostile_exceptions);
    hostile_put(", unexpected answers ");
    hostile_dec(unexpected + bad);
    hostile_end();
    return 0;
}
