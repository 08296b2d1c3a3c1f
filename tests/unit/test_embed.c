/* The embedding API (sim/msasim.h): creating machines from options, loading
 * programs, running by budget and to events, the embedder's regions (device
 * callbacks, RAM served with and without direct pointers, the machine's UART
 * replaced), interrupts, stop requests and statistics.  Programs are
 * snippets assembled at test time with aarch64-linux-gnu-as (skipped with a
 * message when it is missing). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/msasim.h"
#include "tests/unit/test_cpu_testbench.h"
#include "tests/unit/check_run.h"

#define RAM_BASE 0x40000000ull
#define DEV_BASE 0x0A000000ull
#define EXT_SIZE 0x100000ull

/* Stack in RAM, then a semihosting exit with status ST. */
#define SET_SP "movz x9, #0x4008, lsl #16\n mov sp, x9\n"
#define EXIT_WITH(st)                                                          \
    "movz x2, #0x26\n movk x2, #0x2, lsl #16\n mov x3, #" #st "\n"            \
    "stp x2, x3, [sp, #-16]!\n mov x1, sp\n mov w0, #0x18\n hlt #0xf000\n"

/* ---- an embedder: a device and a memory, recording what they see ---------- */

struct rec {
    uint64_t addr, offset, val, cycle;
    unsigned size, core;
    bool write;
};

struct embedder {
    msasim_t *h;
    struct rec log[64];
    unsigned n;
    uint8_t *mem;               /* the memory region's bytes */
    uint64_t mem_base;
    unsigned direct_calls, debug_calls;
    bool refuse_direct;
    uint64_t stop_on_offset;    /* device write offset that requests a stop (~0: none) */
    char console[256];
    size_t console_len;
};

static int dev_access(void *ctx, const struct msasim_access *a, uint64_t *data)
{
    struct embedder *e = ctx;
    if (a->offset == 0x40)
        return MSASIM_ACCESS_DECODE_ERROR;
    if (a->offset == 0x48)
        return MSASIM_ACCESS_SLAVE_ERROR;
    if (!a->write)
        *data = 0x1122334455667788ull ^ a->offset;
    if (e->n < 64)
        e->log[e->n++] = (struct rec){a->addr, a->offset, *data, a->cycle, a->size, a->core, a->write};
    if (a->write && a->offset == e->stop_on_offset)
        msasim_request_stop(e->h);
    return MSASIM_ACCESS_OK;
}

static int mem_access(void *ctx, const struct msasim_access *a, uint64_t *data)
{
    struct embedder *e = ctx;
    if (a->write)
        memcpy(e->mem + a->offset, data, a->size);
    else
        memcpy(data, e->mem + a->offset, a->size);
    if (e->n < 64)
        e->log[e->n++] = (struct rec){a->addr, a->offset, *data, a->cycle, a->size, a->core, a->write};
    return MSASIM_ACCESS_OK;
}

static uint8_t *mem_direct(void *ctx, uint64_t addr, uint64_t *start, uint64_t *len)
{
    struct embedder *e = ctx;
    e->direct_calls++;
    if (e->refuse_direct)
        return NULL;
    *start = e->mem_base;
    *len = EXT_SIZE;
    return e->mem;
}

static size_t mem_debug(void *ctx, uint64_t addr, void *buf, size_t len, bool write)
{
    struct embedder *e = ctx;
    e->debug_calls++;
    if (write)
        memcpy(e->mem + (addr - e->mem_base), buf, len);
    else
        memcpy(buf, e->mem + (addr - e->mem_base), len);
    return len;
}

static void console(void *ctx, const char *bytes, size_t len)
{
    struct embedder *e = ctx;
    if (e->console_len + len < sizeof e->console) {
        memcpy(e->console + e->console_len, bytes, len);
        e->console_len += len;
        e->console[e->console_len] = 0;
    }
}

static struct msasim_region device_region(struct embedder *e, uint64_t base)
{
    struct msasim_region r = {.name = "dev", .base = base, .size = 0x1000, .ctx = e,
                              .access = dev_access};
    return r;
}

static struct msasim_region memory_region(struct embedder *e, bool direct)
{
    e->mem = calloc(1, EXT_SIZE);
    ck_assert_ptr_nonnull(e->mem);
    e->mem_base = RAM_BASE;
    struct msasim_region r = {.name = "ram", .base = RAM_BASE, .size = EXT_SIZE,
                              .flags = MSASIM_REGION_MEMORY, .ctx = e, .access = mem_access,
                              .direct = direct ? mem_direct : NULL, .debug = mem_debug};
    return r;
}

static msasim_t *make(struct embedder *e, const struct msasim_region *regions, unsigned n)
{
    struct msasim_options o;
    msasim_options_init(&o);
    o.platform = "virt";
    o.cores = 1;
    o.regions = regions;
    o.nregions = n;
    o.console = console;
    o.console_ctx = e;
    char err[512];
    msasim_t *h = msasim_create(&o, err, sizeof err);
    ck_assert_msg(h != NULL, "create: %s", err);
    e->h = h;
    e->stop_on_offset = ~0ull;
    return h;
}

/* Assembles `src`, writes it at RAM_BASE through the API and starts there. */
static void put_program(msasim_t *h, const char *src)
{
    size_t len;
    uint8_t *code = tb_assemble(src, &len);
    ck_assert_int_eq(msasim_write_memory(h, RAM_BASE, code, len), 0);
    free(code);
    ck_assert_int_eq(msasim_start(h, RAM_BASE), 0);
}

static struct msasim_result run(msasim_t *h, uint64_t budget)
{
    struct msasim_result r;
    ck_assert_int_eq(msasim_run(h, budget, &r), 0);
    return r;
}

#define SKIP_WITHOUT_AS()                                               \
    do {                                                                \
        if (!tb_have_as()) {                                            \
            printf("skip: aarch64-linux-gnu-as is not installed\n");    \
            return;                                                     \
        }                                                               \
    } while (0)

/* ---- creation ---------------------------------------------------------------- */

static msasim_t *try_create(const char *profile, const struct msasim_region *r, unsigned n,
                            char *err, size_t errlen)
{
    struct msasim_options o;
    msasim_options_init(&o);
    o.platform = "virt";
    o.profile = profile;
    o.regions = r;
    o.nregions = n;
    return msasim_create(&o, err, errlen);
}

START_TEST(test_create_errors)
{
    char err[512];
    struct embedder e = {0};
    ck_assert_ptr_null(try_create("x", NULL, 0, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "profile 'x'"));

    struct msasim_region two[2] = {device_region(&e, DEV_BASE), device_region(&e, DEV_BASE + 0x800)};
    two[1].name = "other";
    ck_assert_ptr_null(try_create(NULL, two, 2, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "region other overlaps region dev"));

    struct msasim_region mem = device_region(&e, RAM_BASE + 0x10);
    mem.flags = MSASIM_REGION_MEMORY;
    ck_assert_ptr_null(try_create(NULL, &mem, 1, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "4 KiB boundary"));

    struct msasim_region noacc = device_region(&e, DEV_BASE);
    noacc.access = NULL;
    ck_assert_ptr_null(try_create(NULL, &noacc, 1, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "no access callback"));

    struct msasim_options o;
    msasim_options_init(&o);
    o.platform = "no-such-platform.dtb";
    ck_assert_ptr_null(msasim_create(&o, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "no-such-platform.dtb"));

    const char *sets[] = {"l1d.size=16K", NULL};
    msasim_options_init(&o);
    o.settings = sets;
    ck_assert_ptr_null(msasim_create(&o, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "needs timing on"));

    msasim_t *h = try_create(NULL, NULL, 0, err, sizeof err);
    ck_assert_ptr_nonnull(h);
    struct msasim_result r;
    ck_assert_int_eq(msasim_run(h, 10, &r), -1);
    ck_assert_ptr_nonnull(strstr(msasim_last_error(h), "no program"));
    ck_assert_int_eq(msasim_load_program(h, "no-such-file.elf"), -1);
    ck_assert_ptr_nonnull(strstr(msasim_last_error(h), "no-such-file.elf"));
    ck_assert_int_eq(msasim_set_irq(h, 9, MSASIM_IRQ, true), -1);
    msasim_destroy(h);
    msasim_destroy(NULL);
}
END_TEST

/* ---- running -------------------------------------------------------------------- */

START_TEST(test_budget_and_exit)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    msasim_t *h = make(&e, NULL, 0);
    put_program(h, SET_SP "mov x4, #300\n"
                          "1: subs x4, x4, #1\n b.ne 1b\n" EXIT_WITH(3));
    struct msasim_result r = run(h, 100);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    ck_assert_uint_eq(r.cycles, 100);
    ck_assert_uint_eq(msasim_cycles(h), 100);
    r = run(h, 50);
    ck_assert_uint_eq(r.cycles, 50);
    ck_assert_uint_eq(msasim_insns(h, 0), 150);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 3);
    ck_assert_int_eq(msasim_exit_code(&r), 3);
    /* 3 set-up, 600 in the loop, 7 for the exit */
    ck_assert_uint_eq(msasim_cycles(h), 3 + 600 + 7);
    /* the exit is final */
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(r.cycles, 0);
    ck_assert_str_eq(msasim_stop_name(r.reason), "exit");
    msasim_destroy(h);
}
END_TEST

START_TEST(test_device_callbacks)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region d = device_region(&e, DEV_BASE);
    msasim_t *h = make(&e, &d, 1);
    put_program(h, SET_SP "movz x0, #0x0a00, lsl #16\n movz x1, #0x1234\n"
                          "str w1, [x0, #8]\n ldr x2, [x0, #0x10]\n str x2, [x0, #0x20]\n"
                          "strb w1, [x0, #0x31]\n ldrh w3, [x0, #0x32]\n" EXIT_WITH(0));
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 0);
    ck_assert_uint_eq(e.n, 5);
    const struct rec want[] = {
        {DEV_BASE + 8, 8, 0x1234, 4, 4, 0, true},
        {DEV_BASE + 0x10, 0x10, 0x1122334455667788ull ^ 0x10, 5, 8, 0, false},
        {DEV_BASE + 0x20, 0x20, 0x1122334455667788ull ^ 0x10, 6, 8, 0, true},
        {DEV_BASE + 0x31, 0x31, 0x34, 7, 1, 0, true},
        {DEV_BASE + 0x32, 0x32, 0x1122334455667788ull ^ 0x32, 8, 2, 0, false},
    };
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(e.log[i].addr, want[i].addr);
        ck_assert_uint_eq(e.log[i].offset, want[i].offset);
        ck_assert_uint_eq(e.log[i].size, want[i].size);
        ck_assert_int_eq(e.log[i].write, want[i].write);
        ck_assert_uint_eq(e.log[i].cycle, want[i].cycle);
        ck_assert_uint_eq(e.log[i].core, 0);
        if (want[i].write)
            ck_assert_uint_eq(e.log[i].val, want[i].val);
    }
    /* statistics: the region's figures next to the machine's */
    char *json = msasim_stats_json(h);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"embed.dev.writes\""));
    ck_assert_ptr_nonnull(strstr(json, "\"cpu0.insns\""));
    free(json);
    msasim_destroy(h);
}
END_TEST

/* Decode and slave errors from the embedder reach the core as external
 * aborts, told apart by ESR.EA (bit 9). */
START_TEST(test_device_errors)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region d = device_region(&e, DEV_BASE);
    msasim_t *h = make(&e, &d, 1);
    put_program(h, SET_SP "movz x0, #0x0a00, lsl #16\n adr x7, vectors\n msr vbar_el2, x7\n isb\n"
                          "ldr x1, [x0, #0x40]\n ldr x1, [x0, #0x48]\n" EXIT_WITH(0)
                          ".balign 2048\nvectors:\n .org vectors + 0x200\n"
                          "mrs x5, esr_el2\n str x5, [x0, #0x80]\n"
                          "mrs x6, elr_el2\n add x6, x6, #4\n msr elr_el2, x6\n eret\n");
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(e.n, 2);
    ck_assert_uint_eq(e.log[0].offset, 0x80);
    ck_assert_uint_eq(e.log[0].val >> 26, 0x25);           /* data abort, same EL */
    ck_assert_uint_eq(e.log[0].val & 0x3F, 0x10);          /* synchronous external abort */
    ck_assert_uint_eq((e.log[0].val >> 9) & 1, 0);         /* decode error */
    ck_assert_uint_eq((e.log[1].val >> 9) & 1, 1);         /* slave error */
    msasim_destroy(h);
}
END_TEST

START_TEST(test_request_stop)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region d = device_region(&e, DEV_BASE);
    msasim_t *h = make(&e, &d, 1);
    e.stop_on_offset = 0x8;
    put_program(h, SET_SP "movz x0, #0x0a00, lsl #16\n str x0, [x0, #8]\n"
                          "str x0, [x0, #0x10]\n" EXIT_WITH(5));
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_REQUESTED);
    ck_assert_uint_eq(msasim_cycles(h), 4);   /* stopped right after the store */
    ck_assert_uint_eq(e.n, 1);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 5);
    ck_assert_uint_eq(e.n, 2);
    /* outside a run: the next run stops at once */
    msasim_start(h, RAM_BASE);
    msasim_request_stop(h);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_REQUESTED);
    ck_assert_uint_eq(r.cycles, 0);
    msasim_destroy(h);
}
END_TEST

START_TEST(test_interrupt)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region d = device_region(&e, DEV_BASE);
    msasim_t *h = make(&e, &d, 1);
    put_program(h, SET_SP "movz x0, #0x0a00, lsl #16\n adr x7, vectors\n msr vbar_el2, x7\n"
                          "mov x8, #(1 << 4)\n msr hcr_el2, x8\n isb\n"   /* HCR_EL2.IMO */
                          "msr daifclr, #2\n wfi\n 1: b 1b\n"
                          ".balign 2048\nvectors:\n .org vectors + 0x280\n"
                          "mov x1, #0x77\n str x1, [x0, #0x90]\n" EXIT_WITH(7));
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_IDLE);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_IDLE);   /* not final: nothing changed */
    ck_assert_uint_eq(r.cycles, 0);
    ck_assert_uint_eq(e.n, 0);
    ck_assert_int_eq(msasim_set_irq(h, 0, MSASIM_IRQ, true), 0);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 7);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_uint_eq(e.log[0].offset, 0x90);
    ck_assert_uint_eq(e.log[0].val, 0x77);
    msasim_destroy(h);
}
END_TEST

/* ---- the embedder's RAM and UART --------------------------------------------- */

/* The machine's PL011 is left out where the embedder serves one. */
START_TEST(test_uart_replaced)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region d = device_region(&e, 0x09000000);
    msasim_t *h = make(&e, &d, 1);
    put_program(h, SET_SP "movz x0, #0x0900, lsl #16\n mov w1, #'A'\n str w1, [x0]\n" EXIT_WITH(0));
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(e.console_len, 0);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_uint_eq(e.log[0].addr, 0x09000000);
    ck_assert_uint_eq(e.log[0].val, 'A');
    msasim_destroy(h);

    /* without the region, the machine's own UART prints */
    struct embedder e2 = {0};
    h = make(&e2, NULL, 0);
    put_program(h, SET_SP "movz x0, #0x0900, lsl #16\n mov w1, #'A'\n str w1, [x0]\n" EXIT_WITH(0));
    run(h, 0);
    ck_assert_str_eq(e2.console, "A");
    msasim_destroy(h);
}
END_TEST

#define RAM_PROGRAM                                                                      \
    SET_SP "movz x0, #0x4000, lsl #16\n movz x1, #0xbeef\n movk x1, #0xdead, lsl #16\n" \
           "str x1, [x0, #0x1008]\n ldr x4, [x0, #0x1008]\n str x4, [x0, #0x800]\n" EXIT_WITH(0)

/* RAM served through a direct pointer: no callback per access. */
START_TEST(test_memory_direct)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region m = memory_region(&e, true);
    msasim_t *h = make(&e, &m, 1);
    put_program(h, RAM_PROGRAM);
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(e.n, 0);
    ck_assert_uint_eq(e.direct_calls, 1);
    uint64_t v;
    memcpy(&v, e.mem + 0x1008, 8);
    ck_assert_uint_eq(v, 0xdeadbeefull);
    memcpy(&v, e.mem + 0x800, 8);
    ck_assert_uint_eq(v, 0xdeadbeefull);
    /* the rest of the platform's RAM is still the machine's */
    uint64_t w = 0x55, back = 0;
    ck_assert_int_eq(msasim_write_memory(h, RAM_BASE + EXT_SIZE, &w, 8), 0);
    ck_assert_int_eq(msasim_read_memory(h, RAM_BASE + EXT_SIZE, &back, 8), 0);
    ck_assert_uint_eq(back, 0x55);

    /* a revoked pointer is asked for again */
    msasim_invalidate_direct(h, RAM_BASE, RAM_BASE + EXT_SIZE);
    msasim_start(h, RAM_BASE);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(e.direct_calls, 2);
    msasim_destroy(h);
    free(e.mem);
}
END_TEST

/* A target that refuses DMI at first and grants it later: the local copy
 * made meanwhile is written back, and the next runs use the window. */
START_TEST(test_direct_granted_later)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region m = memory_region(&e, true);
    msasim_t *h = make(&e, &m, 1);
    e.refuse_direct = true;
    put_program(h, RAM_PROGRAM);
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(e.direct_calls, 1);   /* the refusal is remembered */
    ck_assert_uint_gt(e.n, 0);
    uint64_t v;
    memcpy(&v, e.mem + 0x800, 8);            /* written back from the code page's copy */
    ck_assert_uint_eq(v, 0xdeadbeefull);

    e.refuse_direct = false;
    memset(e.mem + 0x800, 0, 8);
    memset(e.mem + 0x1008, 0, 8);
    msasim_memory_written(h, RAM_BASE + 0x800, 8);   /* under the code page's copy */
    msasim_invalidate_direct(h, RAM_BASE, RAM_BASE + 1);
    for (int round = 0; round < 2; round++) {
        e.n = 0;
        msasim_start(h, RAM_BASE);
        r = run(h, 0);
        ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
        ck_assert_uint_eq(e.n, 0);
        ck_assert_uint_eq(e.direct_calls, 2);
        memcpy(&v, e.mem + 0x1008, 8);
        ck_assert_uint_eq(v, 0xdeadbeefull);
        memcpy(&v, e.mem + 0x800, 8);
        ck_assert_uint_eq(v, 0xdeadbeefull);
    }
    msasim_destroy(h);
    free(e.mem);
}
END_TEST

/* RAM without a direct pointer: data accesses are callbacks; the code page
 * is a local copy whose changes are written back when the run returns. */
START_TEST(test_memory_by_access)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region m = memory_region(&e, false);
    msasim_t *h = make(&e, &m, 1);
    put_program(h, RAM_PROGRAM);
    e.n = 0;
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_ge(e.n, 2);
    ck_assert_uint_eq(e.log[0].addr, RAM_BASE + 0x1008);
    ck_assert_int_eq(e.log[0].write, true);
    ck_assert_uint_eq(e.log[0].val, 0xdeadbeefull);
    ck_assert_uint_eq(e.log[0].cycle, 5);
    ck_assert_uint_eq(e.log[1].addr, RAM_BASE + 0x1008);
    ck_assert_int_eq(e.log[1].write, false);
    /* the store into the code page went to the copy, then back */
    uint64_t v;
    memcpy(&v, e.mem + 0x800, 8);
    ck_assert_uint_eq(v, 0xdeadbeefull);
    for (unsigned i = 0; i < e.n; i++)
        ck_assert_uint_ne(e.log[i].addr, RAM_BASE + 0x800);

    /* another master changes the code: the next run sees the new program */
    size_t len;
    uint8_t *code = tb_assemble(SET_SP EXIT_WITH(9), &len);
    memcpy(e.mem, code, len);
    free(code);
    msasim_memory_written(h, RAM_BASE, len);
    msasim_start(h, RAM_BASE);
    r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 9);

    char *json = msasim_stats_json(h);
    ck_assert_ptr_nonnull(strstr(json, "\"embed.ram.page_copies\""));
    free(json);
    msasim_destroy(h);
    free(e.mem);
}
END_TEST

/* Exclusives need host memory in the core: without a direct pointer, the
 * page they touch becomes a local copy, and the result reaches the
 * embedder's memory when the run returns. */
START_TEST(test_exclusive_by_access)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region m = memory_region(&e, false);
    msasim_t *h = make(&e, &m, 1);
    put_program(h, SET_SP "movz x0, #0x4000, lsl #16\n add x5, x0, #0x3, lsl #12\n add x5, x5, #0x10\n mov x1, #40\n"
                          "str x1, [x5]\n"
                          "1: ldaxr x2, [x5]\n add x3, x2, #2\n stlxr w4, x3, [x5]\n cbnz w4, 1b\n"
                          "ldr x6, [x5]\n str x6, [x5, #8]\n" EXIT_WITH(0));
    e.n = 0;
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    /* the plain store before the exclusive was a callback */
    ck_assert_uint_eq(e.log[0].addr, RAM_BASE + 0x3010);
    ck_assert_uint_eq(e.log[0].val, 40);
    uint64_t v;
    memcpy(&v, e.mem + 0x3010, 8);
    ck_assert_uint_eq(v, 42);
    memcpy(&v, e.mem + 0x3018, 8);
    ck_assert_uint_eq(v, 42);
    for (unsigned i = 1; i < e.n; i++)
        ck_assert_uint_ne(e.log[i].addr & ~0xFFFull, RAM_BASE + 0x3000);
    msasim_destroy(h);
    free(e.mem);
}
END_TEST

/* An ELF loads into the embedder's memory and runs from it. */
START_TEST(test_load_elf_into_region)
{
    SKIP_WITHOUT_AS();
    if (system("command -v aarch64-linux-gnu-ld >/dev/null 2>&1") != 0) {
        printf("skip: aarch64-linux-gnu-ld is not installed\n");
        return;
    }
    const char *build = getenv("BUILD");
    char dir[256], cmd[1024], elf[300];
    snprintf(dir, sizeof dir, "%s/tmp", build && *build ? build : "build");
    mkdir(dir, 0755);
    strncat(dir, "/embed-XXXXXX", sizeof dir - strlen(dir) - 1);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cd %s && printf '%%s\\n' '.global _start' '_start:' "
             "'movz x9, #0x4008, lsl #16' 'mov sp, x9' 'adr x1, msg' 'mov w0, #4' 'hlt #0xf000' "
             "'movz x2, #0x26' 'movk x2, #0x2, lsl #16' 'mov x3, #0' 'stp x2, x3, [sp, #-16]!' "
             "'mov x1, sp' 'mov w0, #0x18' 'hlt #0xf000' 'msg: .asciz \"hi from the region\\n\"' >p.s && "
             "aarch64-linux-gnu-as -o p.o p.s && "
             "aarch64-linux-gnu-ld --no-warn-rwx-segments -N -Ttext=0x40000000 -o p.elf p.o",
             dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(elf, sizeof elf, "%s/p.elf", dir);

    for (int direct = 0; direct < 2; direct++) {
        struct embedder e = {0};
        struct msasim_region m = memory_region(&e, direct);
        msasim_t *h = make(&e, &m, 1);
        ck_assert_int_eq(msasim_load_program(h, elf), 0);
        uint32_t first;
        memcpy(&first, e.mem, 4);
        ck_assert_uint_eq(first, 0xd2a80109u);   /* movz x9, #0x4008, lsl #16 */
        struct msasim_result r = run(h, 0);
        ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
        ck_assert_str_eq(e.console, "hi from the region\n");
        msasim_destroy(h);
        free(e.mem);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- time from the cycle model ------------------------------------------------- */

static msasim_t *make_timed(struct embedder *e, const char *platform, unsigned cores,
                            const struct msasim_region *regions, unsigned n)
{
    struct msasim_options o;
    msasim_options_init(&o);
    o.platform = platform;
    o.cores = cores;
    o.timing = true;
    o.regions = regions;
    o.nregions = n;
    o.console = console;
    o.console_ctx = e;
    char err[512];
    msasim_t *h = msasim_create(&o, err, sizeof err);
    ck_assert_msg(h != NULL, "create: %s", err);
    e->h = h;
    e->stop_on_offset = ~0ull;
    return h;
}

/* A statistic of msasim_stats_json: `key` after `section` ("summary", or
 * "counters" for a counter). */
static uint64_t stat_of(msasim_t *h, const char *section, const char *key)
{
    char *json = msasim_stats_json(h);
    ck_assert_ptr_nonnull(json);
    char sec[64], k[96];
    snprintf(sec, sizeof sec, "\"%s\": {", section);
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *p = strstr(json, sec);
    ck_assert_msg(p != NULL, "no section %s", section);
    p = strstr(p, k);
    ck_assert_msg(p != NULL, "no %s in %s", key, section);
    uint64_t v = strtoull(p + strlen(k), NULL, 10);
    free(json);
    return v;
}

/* Loads from RAM (uncached at reset: each costs more than one cycle) in a
 * loop, then a semihosting exit. */
#define TIMED_LOOP                                                               \
    SET_SP "movz x0, #0x4001, lsl #16\n mov x4, #400\n"                          \
           "1: ldr x5, [x0]\n add x6, x5, x4\n subs x4, x4, #1\n b.ne 1b\n" EXIT_WITH(3)

/* With timing on msasim_run's budget is in the model's cycles: the run
 * reaches the bound and stops at the first instruction boundary past it,
 * which one instruction less would not reach. */
START_TEST(test_cycle_budget_timing)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    msasim_t *h = make_timed(&e, "virt", 1, NULL, 0);
    put_program(h, TIMED_LOOP);
    ck_assert_uint_eq(msasim_cycles(h), 0);
    struct msasim_result r = run(h, 500);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    uint64_t c1 = msasim_cycles(h), n1 = msasim_insns(h, 0);
    ck_assert_uint_ge(c1, 500);
    ck_assert_uint_eq(r.cycles, c1);
    ck_assert_uint_eq(msasim_core_cycles(h, 0), c1);
    ck_assert_uint_lt(n1, 500);                     /* cycles, not instructions */
    ck_assert_ptr_nonnull(strstr(r.message, "cycles (--max-cycles)"));

    /* the same program with one instruction less stays below the bound,
     * and with as many reaches the same count */
    struct embedder e2 = {0};
    msasim_t *h2 = make_timed(&e2, "virt", 1, NULL, 0);
    put_program(h2, TIMED_LOOP);
    ck_assert_int_eq(msasim_run_limits(h2, 0, n1 - 1, &r), 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    ck_assert_ptr_nonnull(strstr(r.message, "instructions (--max-insns)"));
    ck_assert_uint_eq(msasim_insns(h2, 0), n1 - 1);
    ck_assert_uint_lt(msasim_cycles(h2), 500);
    ck_assert_int_eq(msasim_run_limits(h2, 0, 1, &r), 0);
    ck_assert_uint_eq(msasim_cycles(h2), c1);

    /* slices: the clock only moves forward, each slice by at least its
     * budget, and by what the result says */
    uint64_t before = c1;
    unsigned slices = 0;
    do {
        r = run(h, 137);
        uint64_t now = msasim_cycles(h);
        ck_assert_uint_eq(r.cycles, now - before);
        if (r.reason == MSASIM_STOP_LIMIT)
            ck_assert_uint_ge(r.cycles, 137);
        else
            ck_assert_uint_gt(now, before);
        before = now;
        slices++;
    } while (r.reason == MSASIM_STOP_LIMIT && slices < 100000);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 3);

    /* the count is the model's: the statistics say the same, and so does a
     * run straight to the end (slicing does not change the model's time) */
    ck_assert_uint_eq(stat_of(h, "summary", "cycles"), msasim_cycles(h));
    ck_assert_uint_eq(stat_of(h, "counters", "cpu0.cycles"), msasim_cycles(h));
    r = run(h2, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(msasim_cycles(h2), msasim_cycles(h));
    ck_assert_uint_eq(msasim_insns(h2, 0), msasim_insns(h, 0));
    ck_assert_uint_gt(msasim_cycles(h), msasim_insns(h, 0));
    msasim_destroy(h);
    msasim_destroy(h2);
}
END_TEST

/* Both budgets: whichever is used up first ends the run, and says so.
 * Without timing the cycle budget is one of instructions. */
START_TEST(test_run_limits)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    msasim_t *h = make_timed(&e, "virt", 1, NULL, 0);
    put_program(h, TIMED_LOOP);
    struct msasim_result r;
    ck_assert_int_eq(msasim_run_limits(h, 100000, 50, &r), 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    ck_assert_uint_eq(msasim_insns(h, 0), 50);
    ck_assert_int_eq(msasim_run_limits(h, 100, 100000, &r), 0);
    ck_assert_ptr_nonnull(strstr(r.message, "cycles"));
    ck_assert_uint_ge(r.cycles, 100);
    ck_assert_uint_lt(msasim_insns(h, 0), 150);
    msasim_destroy(h);

    struct embedder e2 = {0};
    h = make(&e2, NULL, 0);
    put_program(h, TIMED_LOOP);
    ck_assert_int_eq(msasim_run_limits(h, 40, 60, &r), 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    ck_assert_uint_eq(r.cycles, 40);
    ck_assert_uint_eq(msasim_core_cycles(h, 0), 40);
    ck_assert_ptr_nonnull(strstr(r.message, "40 cycles"));
    ck_assert_int_eq(msasim_run_limits(h, 40, 10, &r), 0);
    ck_assert_uint_eq(r.cycles, 10);
    ck_assert_ptr_nonnull(strstr(r.message, "50 instructions"));
    ck_assert_uint_eq(msasim_core_cycles(h, 7), 0);
    msasim_destroy(h);
}
END_TEST

/* Callbacks are stamped with the model's clock: increasing, inside the
 * run, and well past the instruction count with the caches off. */
START_TEST(test_cycle_stamps_timing)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    struct msasim_region d = device_region(&e, DEV_BASE);
    msasim_t *h = make_timed(&e, "virt", 1, &d, 1);
    put_program(h, SET_SP "movz x0, #0x0a00, lsl #16\n movz x1, #0x1234\n"
                          "str w1, [x0, #8]\n ldr x2, [x0, #0x10]\n str x2, [x0, #0x20]\n"
                          "strb w1, [x0, #0x31]\n ldrh w3, [x0, #0x32]\n" EXIT_WITH(0));
    struct msasim_result r = run(h, 0);
    ck_assert_int_eq(r.reason, MSASIM_STOP_EXIT);
    ck_assert_uint_eq(e.n, 5);
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_gt(e.log[i].cycle, 4 + i);   /* the instruction index, were it instructions */
        if (i)
            ck_assert_uint_gt(e.log[i].cycle, e.log[i - 1].cycle);
        ck_assert_uint_lt(e.log[i].cycle, msasim_cycles(h));
    }
    msasim_destroy(h);
}
END_TEST

/* Several cores: every core that can run is taken to the bound; one
 * waiting in WFI stays behind and does not turn the stop into IDLE. */
START_TEST(test_cycle_budget_cores)
{
    SKIP_WITHOUT_AS();
    struct embedder e = {0};
    msasim_t *h = make_timed(&e, "fvp-r", 2, NULL, 0);
    put_program(h, "1: add x0, x0, #1\n ldr x1, [sp]\n b 1b\n");
    struct msasim_result r = run(h, 5000);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    uint64_t t = 5000;
    for (unsigned c = 0; c < 2; c++) {
        ck_assert_uint_ge(msasim_core_cycles(h, c), t);
        ck_assert_uint_lt(msasim_core_cycles(h, c), t + 1000);
    }
    uint64_t c0 = msasim_core_cycles(h, 0), c1 = msasim_core_cycles(h, 1);
    ck_assert_uint_eq(msasim_cycles(h), c0 > c1 ? c0 : c1);
    t = msasim_cycles(h) + 5000;
    r = run(h, 5000);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    for (unsigned c = 0; c < 2; c++)
        ck_assert_uint_ge(msasim_core_cycles(h, c), t);
    msasim_destroy(h);

    /* core 1 waits for an interrupt nobody raises */
    struct embedder e2 = {0};
    h = make_timed(&e2, "fvp-r", 2, NULL, 0);
    put_program(h, "mrs x1, mpidr_el1\n and x1, x1, #0xff\n cbnz x1, 2f\n"
                   "1: add x0, x0, #1\n b 1b\n 2: wfi\n b 2b\n");
    r = run(h, 3000);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    ck_assert_uint_ge(msasim_core_cycles(h, 0), 3000);
    ck_assert_uint_lt(msasim_core_cycles(h, 1), 3000);
    r = run(h, 3000);
    ck_assert_int_eq(r.reason, MSASIM_STOP_LIMIT);
    ck_assert_uint_ge(msasim_core_cycles(h, 0), 6000);
    msasim_destroy(h);
}
END_TEST

static Suite *embed_suite(void)
{
    Suite *s = suite_create("embed");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_create_errors);
    tcase_add_test(tc, test_budget_and_exit);
    tcase_add_test(tc, test_device_callbacks);
    tcase_add_test(tc, test_device_errors);
    tcase_add_test(tc, test_request_stop);
    tcase_add_test(tc, test_interrupt);
    tcase_add_test(tc, test_uart_replaced);
    tcase_add_test(tc, test_memory_direct);
    tcase_add_test(tc, test_memory_by_access);
    tcase_add_test(tc, test_direct_granted_later);
    tcase_add_test(tc, test_exclusive_by_access);
    tcase_add_test(tc, test_load_elf_into_region);
    tcase_add_test(tc, test_cycle_budget_timing);
    tcase_add_test(tc, test_run_limits);
    tcase_add_test(tc, test_cycle_stamps_timing);
    tcase_add_test(tc, test_cycle_budget_cores);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(embed_suite());
}
