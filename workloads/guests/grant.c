/* grant: two domains share and copy pages through Xen's grant tables.
 * The same program runs as both; the one linked at 0x60000000 is domain A
 * (domid 1, the first guest), the other domain B (domid 2, grant2.elf at
 * 0x61000000).  Pages at fixed offsets of each domain's memory (past the
 * image) are what the two agree on, as a frontend and backend would
 * through xenstore.
 *
 * A places its grant-table frame (XENMEM_add_to_physmap), checks it with
 * setup_table, fills a page with a pattern, grants it writable as ref 1
 * and another read-only as ref 3 to B, then waits for B's reply and done
 * marker in the page and revokes both grants.
 *
 * B maps ref 1 at the page's own address (GNTTABOP_map_grant_ref: the
 * MPU's stage 2 maps flat), reads the pattern through the mapping, writes
 * its reply there, yields and reads again, unmaps it; copies the page with GNTTABOP_copy; writes
 * the done marker into A's page with a copy to the grant.  On the way, the
 * cases Xen refuses: a ref never granted, a bad ref, an unknown domain,
 * no map flag, a second address, a writable map of the read-only grant,
 * unmaps by a bad handle, a copy past the page end, a copy from another
 * domain's frame without a grant.
 *
 * Every line is one console_io call, prefixed with the domain's letter,
 * so that the lines of the two domains interleave but never mix.  Built
 * with GRANT_NO_MAP (grant_nomap.c), B does everything with copies and
 * maps nothing: the same run without the grant's stage-2 region. */
#include "guests/guest.h"

#define HYPERVISOR_memory_op 12
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_grant_table 1
#define DOMID_SELF 0x7FF0
#define DOMID_A 1
#define DOMID_B 2
#define DOMID_NONE 9
#define BASE_A 0x60000000ul
#define PAGE_SHIFT 12
#define PAGE 4096u

/* Offsets in each domain's 16 MiB, past the image. */
#define TABLE_OFF 0x100000ul   /* A: the grant-table frame */
#define SHARED_OFF 0x101000ul  /* A: the page granted writable (ref 1) */
#define RO_OFF 0x102000ul      /* A: the page granted read-only (ref 3) */
#define BUF_OFF 0x103000ul     /* B: where copies land */

#define REF_RW 1
#define REF_NEVER 2
#define REF_RO 3
#define WORDS 64               /* the pattern: words 0..63 */
#define REPLY_WORD 70
#define DONE_WORD 71
#define REPLY 0xB0B0CAFEu
#define DONE 0xD0D0D0D0u

struct grant_entry_v1 {
    uint16_t flags;
    uint16_t domid;
    uint32_t frame;
};
struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;
    uint32_t ref;
    uint16_t dom;
    int16_t status;
    uint32_t handle;
    uint64_t dev_bus_addr;
};
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    uint32_t handle;
    int16_t status;
};
struct gnttab_copy_ptr {
    union {
        uint32_t ref;
        uint64_t gmfn;
    } u;
    uint16_t domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
};
struct gnttab_setup_table {
    uint16_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint64_t frame_list;
};
struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};

extern char __image_start[];

static char me;                 /* 'A' or 'B' */
static unsigned failures;
static char line[160];
static unsigned len;

static void put(const char *s)
{
    while (*s && len < sizeof line - 2)
        line[len++] = *s++;
}

static void put_hex(uint64_t v)
{
    char b[19] = "0x";
    int n = 2;
    int shift = 60;
    while (shift > 0 && !((v >> shift) & 0xF))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        b[n++] = "0123456789abcdef"[(v >> shift) & 0xF];
    b[n] = 0;
    put(b);
}

static void put_dec(long v)
{
    char b[24];
    int n = 0;
    unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
    do {
        b[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        put("-");
    char r[24];
    for (int i = 0; i < n; i++)
        r[i] = b[n - 1 - i];
    r[n] = 0;
    put(r);
}

static void begin(void)
{
    len = 0;
    put("grant ");
    char who[3] = {me, ':', 0};
    put(who);
    put(" ");
}

static void end(void)
{
    line[len++] = '\n';
    line[len] = 0;
    guest_puts(line);
    len = 0;
}

static void say(const char *s)
{
    begin();
    put(s);
    end();
}

/* One result against what Xen answers. */
static void check(const char *what, long got, long want)
{
    begin();
    put(what);
    put(": ");
    put_dec(got);
    if (got == want) {
        put(" ok");
    } else {
        put(" WRONG, expected ");
        put_dec(want);
        failures++;
    }
    end();
}

/* Waiting for the other domain: a yield each time round, and a limit so
 * that a domain run without its peer stops with a message. */
#define PATIENCE 200000u
static unsigned waited;

static void yield(void)
{
    hypercall3(HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    if (++waited == PATIENCE) {
        say("gave up waiting for the other domain (run grant.elf with grant2.elf)");
        guest_shutdown(SHUTDOWN_crash);
    }
}

static long gnttab(unsigned cmd, void *op, unsigned count)
{
    return hypercall3(HYPERVISOR_grant_table_op, cmd, (unsigned long)op, count);
}

static int16_t map(uint32_t ref, uint16_t dom, uint64_t host_addr, uint32_t flags,
                   uint32_t *handle, uint64_t *dev_bus_addr)
{
    static struct gnttab_map_grant_ref op;
    op = (struct gnttab_map_grant_ref){.host_addr = host_addr, .flags = flags, .ref = ref,
                                       .dom = dom, .status = 99};
    if (gnttab(GNTTABOP_map_grant_ref, &op, 1) != 0)
        return 99;
    if (handle)
        *handle = op.handle;
    if (dev_bus_addr)
        *dev_bus_addr = op.dev_bus_addr;
    return op.status;
}

static __attribute__((unused)) int16_t unmap(uint64_t host_addr, uint32_t handle)
{
    static struct gnttab_unmap_grant_ref op;
    op = (struct gnttab_unmap_grant_ref){.host_addr = host_addr, .handle = handle, .status = 99};
    if (gnttab(GNTTABOP_unmap_grant_ref, &op, 1) != 0)
        return 99;
    return op.status;
}

static struct gnttab_copy copies[3];

static struct gnttab_copy_ptr by_ref(uint32_t ref, uint16_t dom, uint16_t offset)
{
    return (struct gnttab_copy_ptr){.u.ref = ref, .domid = dom, .offset = offset};
}

static struct gnttab_copy_ptr by_frame(uint64_t addr, uint16_t dom, uint16_t offset)
{
    return (struct gnttab_copy_ptr){.u.gmfn = addr >> PAGE_SHIFT, .domid = dom, .offset = offset};
}

static int16_t copy1(struct gnttab_copy_ptr src, struct gnttab_copy_ptr dst, uint16_t n,
                     uint16_t flags)
{
    copies[0] = (struct gnttab_copy){.source = src, .dest = dst, .len = n, .flags = flags,
                                     .status = 99};
    if (gnttab(GNTTABOP_copy, copies, 1) != 0)
        return 99;
    return copies[0].status;
}

/* ---- domain A ------------------------------------------------------------ */

static int domain_a(uint64_t base)
{
    volatile struct grant_entry_v1 *table = (volatile struct grant_entry_v1 *)(base + TABLE_OFF);
    volatile uint32_t *shared = (volatile uint32_t *)(base + SHARED_OFF);
    volatile uint32_t *ro = (volatile uint32_t *)(base + RO_OFF);
    static struct xen_add_to_physmap atp;
    atp = (struct xen_add_to_physmap){.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                      .idx = 1, .gpfn = (base + TABLE_OFF) >> PAGE_SHIFT};
    check("add_to_physmap of grant frame 1 (the table has one)",
          hypercall3(HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&atp, 0), -22);
    atp.idx = 0;
    check("add_to_physmap of the grant-table frame",
          hypercall3(HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&atp, 0), 0);
    static uint64_t frame;
    static struct gnttab_setup_table st;
    st = (struct gnttab_setup_table){.dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame};
    long rc = gnttab(GNTTABOP_setup_table, &st, 1);
    check("setup_table", rc ? rc : st.status, 0);
    check("setup_table frame is where it was placed",
          (long)(frame == (base + TABLE_OFF) >> PAGE_SHIFT), 1);

    for (unsigned i = 0; i < WORDS; i++) {
        shared[i] = 0xA5000000u | i;
        ro[i] = 0x5A000000u | i;
    }
    shared[REPLY_WORD] = 0;
    shared[DONE_WORD] = 0;
    /* Frame and domid first, then the flags (Linux's gnttab_grant_foreign_access). */
    table[REF_RO].frame = (uint32_t)((base + RO_OFF) >> PAGE_SHIFT);
    table[REF_RO].domid = DOMID_B;
    table[REF_RW].frame = (uint32_t)((base + SHARED_OFF) >> PAGE_SHIFT);
    table[REF_RW].domid = DOMID_B;
    __asm__ volatile("dmb ishst" ::: "memory");
    table[REF_RO].flags = GTF_permit_access | GTF_readonly;
    table[REF_RW].flags = GTF_permit_access;
    say("granted ref 1 (writable) and ref 3 (read-only) to domain 2");

    while (shared[REPLY_WORD] == 0)
        yield();
    begin();
    put("domain 2 wrote back ");
    put_hex(shared[REPLY_WORD]);
    end();
    while (shared[DONE_WORD] != DONE)
        yield();
    say("done marker copied in by domain 2");
    check("ref 1 flags once domain 2 is done (GTF_reading/GTF_writing clear)",
          table[REF_RW].flags, GTF_permit_access);
    check("ref 3 flags once domain 2 is done", table[REF_RO].flags,
          GTF_permit_access | GTF_readonly);
    table[REF_RW].flags = 0;
    table[REF_RO].flags = 0;
    say("grants revoked");
    return failures ? 1 : 0;
}

/* ---- domain B ------------------------------------------------------------ */

static void check_pattern(const char *what, volatile const uint32_t *p, uint32_t tag)
{
    unsigned bad = WORDS;
    for (unsigned i = 0; i < WORDS && bad == WORDS; i++)
        if (p[i] != (tag | i))
            bad = i;
    begin();
    put(what);
    if (bad == WORDS) {
        put(": pattern ok");
    } else {
        put(": pattern WRONG at word ");
        put_dec(bad);
        failures++;
    }
    end();
}

#ifndef GRANT_NO_MAP
/* Map ref 1 once A has granted it, use it, unmap it; the refusals. */
static void map_and_unmap(uint64_t shared_a, uint64_t ro_a, uint64_t base)
{
    uint32_t handle = 0, h2 = 0;
    uint64_t bus = 0;
    int16_t s;
    while ((s = map(REF_RW, DOMID_A, shared_a, GNTMAP_host_map, &handle, &bus)) ==
           GNTST_general_error)
        yield();
    check("map ref 1 of domain 1", s, GNTST_okay);
    check("dev_bus_addr is the granted page", (long)(bus == shared_a), 1);
    volatile uint32_t *shared = (volatile uint32_t *)shared_a;
    check_pattern("read through the mapping", shared, 0xA5000000u);
    shared[REPLY_WORD] = REPLY;
    /* Give the core away while the grant is mapped: sharing a core with A,
     * B comes back through a context switch that loads the grant's region
     * with its own. */
    yield();
    check_pattern("read through the mapping after a yield", shared, 0xA5000000u);

    check("map ref 1 again at another address (PMSA maps flat)",
          map(REF_RW, DOMID_A, base + SHARED_OFF, GNTMAP_host_map, 0, 0), GNTST_general_error);
    check("map read-only ref 3 writable",
          map(REF_RO, DOMID_A, ro_a, GNTMAP_host_map, 0, 0), GNTST_general_error);
    check("map read-only ref 3 read-only",
          map(REF_RO, DOMID_A, ro_a, GNTMAP_host_map | GNTMAP_readonly, &h2, 0), GNTST_okay);
    check_pattern("read through the read-only mapping", (volatile uint32_t *)ro_a, 0x5A000000u);
    check("unmap ref 3", unmap(ro_a, h2), GNTST_okay);
    check("map ref 600 (beyond the table)",
          map(600, DOMID_A, shared_a, GNTMAP_host_map, 0, 0), GNTST_bad_gntref);
    check("map from domain 9 (none)",
          map(REF_RW, DOMID_NONE, shared_a, GNTMAP_host_map, 0, 0), GNTST_bad_domain);
    check("map without GNTMAP_host_map", map(REF_RW, DOMID_A, shared_a, 0, 0, 0),
          GNTST_bad_gntref);

    check("unmap ref 1", unmap(shared_a, handle), GNTST_okay);
    check("unmap the same handle again", unmap(shared_a, handle), GNTST_bad_handle);
    check("unmap handle 999", unmap(shared_a, 999), GNTST_bad_handle);
}
#endif

static int domain_b(uint64_t base)
{
    const uint64_t shared_a = BASE_A + SHARED_OFF, ro_a = BASE_A + RO_OFF;
    volatile uint32_t *buf = (volatile uint32_t *)(base + BUF_OFF);
    /* Before or after A's table is up, ref 2 is never granted. */
    check("map ref 2, never granted", map(REF_NEVER, DOMID_A, shared_a, GNTMAP_host_map, 0, 0),
          GNTST_general_error);
#ifndef GRANT_NO_MAP
    map_and_unmap(shared_a, ro_a, base);
#else
    (void)ro_a;
    int16_t s;
    while ((s = copy1(by_ref(REF_RW, DOMID_A, 0), by_frame(base + BUF_OFF, DOMID_SELF, 0),
                      WORDS * 4, GNTCOPY_source_gref)) == GNTST_general_error)
        yield();
    buf[REPLY_WORD] = REPLY;
    check("reply copied to ref 1",
          copy1(by_frame(base + BUF_OFF, DOMID_SELF, REPLY_WORD * 4),
                by_ref(REF_RW, DOMID_A, REPLY_WORD * 4), 4, GNTCOPY_dest_gref),
          GNTST_okay);
#endif

    for (unsigned i = 0; i < 1024; i++)
        buf[i] = 0;
    check("copy 512 bytes from ref 1",
          copy1(by_ref(REF_RW, DOMID_A, 0), by_frame(base + BUF_OFF, DOMID_SELF, 0), 512,
                GNTCOPY_source_gref),
          GNTST_okay);
    check_pattern("the copy", buf, 0xA5000000u);
    check("the copy has the reply", (long)(buf[REPLY_WORD] == REPLY), 1);

    /* Three in one call: each gets its own status. */
    copies[0] = (struct gnttab_copy){.source = by_ref(REF_RW, DOMID_A, 0),
                                     .dest = by_frame(base + BUF_OFF, DOMID_SELF, 2048),
                                     .len = 256, .flags = GNTCOPY_source_gref, .status = 99};
    copies[1] = (struct gnttab_copy){.source = by_ref(REF_RW, DOMID_A, 4000),
                                     .dest = by_frame(base + BUF_OFF, DOMID_SELF, 0),
                                     .len = 200, .flags = GNTCOPY_source_gref, .status = 99};
    copies[2] = (struct gnttab_copy){.source = by_frame(shared_a, DOMID_A, 0),
                                     .dest = by_frame(base + BUF_OFF, DOMID_SELF, 0),
                                     .len = 16, .flags = 0, .status = 99};
    check("three copies in one call", gnttab(GNTTABOP_copy, copies, 3), 0);
    check("  to offset 2048", copies[0].status, GNTST_okay);
    check("  from offset 4000, 200 bytes", copies[1].status, GNTST_bad_copy_arg);
    check("  from domain 1's frame without a grant", copies[2].status,
          GNTST_permission_denied);
    check_pattern("the copy at 2048", buf + 512, 0xA5000000u);

    buf[DONE_WORD] = DONE;
    check("done marker copied to ref 1",
          copy1(by_frame(base + BUF_OFF, DOMID_SELF, DONE_WORD * 4),
                by_ref(REF_RW, DOMID_A, DONE_WORD * 4), 4, GNTCOPY_dest_gref),
          GNTST_okay);
    say(failures ? "done, with failures" : "done");
    return failures ? 1 : 0;
}

int main(void)
{
    uint64_t base = (uint64_t)(uintptr_t)__image_start;
    me = base == BASE_A ? 'A' : 'B';
    return me == 'A' ? domain_a(base) : domain_b(base);
}
