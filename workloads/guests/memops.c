/* memops: XENMEM_populate_physmap and XENMEM_decrease_reservation on the
 * domain's own pages, LOOPS times, then the cases that complete nothing:
 * an extent outside the domain's memory, increase_reservation (a static
 * domain has nothing beyond its banks), a reservation the hypervisor cannot
 * read (-EFAULT).  Every call reads the reservation and one extent entry
 * per extent from guest memory: 1 + NR map_domain_page calls each. */
#include "guests/guest.h"

#define HYPERVISOR_memory_op 12
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap 6
#define DOMID_SELF 0x7FF0
#define PAGE_SHIFT 12
#define LOOPS 8
#define NR 2
#define UNMAPPED 0x70000000ul

/* struct xen_memory_reservation (xen/include/public/memory.h) on arm64. */
struct reservation {
    uint64_t extent_start;   /* guest handle: xen_pfn_t[] */
    uint64_t nr_extents;     /* xen_ulong_t */
    uint32_t extent_order;
    uint32_t mem_flags;
    uint16_t domid;
};

static uint8_t pages[NR][1u << PAGE_SHIFT] __attribute__((aligned(1u << PAGE_SHIFT)));
static uint64_t gfns[NR];
static struct reservation res;

static long memory_op(unsigned cmd, uint64_t nr)
{
    res.extent_start = (uint64_t)gfns;
    res.nr_extents = nr;
    res.extent_order = 0;
    res.mem_flags = 0;
    res.domid = DOMID_SELF;
    return hypercall3(HYPERVISOR_memory_op, cmd, (unsigned long)&res, 0);
}

static void report(const char *what, long got, long want)
{
    guest_puts(what);
    guest_puts(got == want ? ": ok " : ": WRONG ");
    guest_put_hex((uint64_t)got);
    guest_puts("\n");
}

int main(void)
{
    for (int i = 0; i < NR; i++)
        gfns[i] = (uint64_t)pages[i] >> PAGE_SHIFT;
    long populated = 0, dropped = 0;
    for (int i = 0; i < LOOPS; i++) {
        populated += memory_op(XENMEM_populate_physmap, NR);
        dropped += memory_op(XENMEM_decrease_reservation, NR);
    }
    report("populate_physmap extents", populated, LOOPS * NR);
    report("decrease_reservation extents", dropped, LOOPS * NR);
    gfns[1] = UNMAPPED >> PAGE_SHIFT;   /* outside: the call stops there */
    report("populate_physmap with an extent outside", memory_op(XENMEM_populate_physmap, NR), 1);
    report("increase_reservation", memory_op(XENMEM_increase_reservation, NR), 0);
    report("reservation outside the domain",
           hypercall3(HYPERVISOR_memory_op, XENMEM_populate_physmap, UNMAPPED, 0), -14);
    return 0;
}
