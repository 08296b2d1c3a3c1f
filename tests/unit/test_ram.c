/* Simulated RAM: lazy allocation, zero reads, copies across pages and banks,
 * bank checks, and the code-write hook the decode cache relies on. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/ram.h"
#include "tests/unit/check_run.h"

#define GiB (UINT64_C(1) << 30)
#define MiB (UINT64_C(1) << 20)

static struct ram *ram_with(uint64_t base, uint64_t size)
{
    struct ram *ram = ram_new();
    ck_assert_ptr_nonnull(ram);
    struct msa_error err = { "" };
    ck_assert_msg(ram_add_bank(ram, base, size, &err) == 0, "%s", err.msg);
    return ram;
}

START_TEST(test_lazy_allocation)
{
    struct ram *ram = ram_with(0x80000000, 4 * GiB);
    ck_assert_uint_eq(ram_pages_touched(ram), 0);
    uint64_t before = ram_bytes_allocated(ram);

    uint32_t v = 0xdeadbeef;
    ck_assert_int_eq(ram_write(ram, 0x80000000, &v, sizeof v), 0);
    ck_assert_int_eq(ram_write(ram, 0x80000000 + 2 * GiB, &v, sizeof v), 0);
    ck_assert_int_eq(ram_write(ram, 0x80000000 + 4 * GiB - 4, &v, sizeof v), 0);
    /* A second write to a touched page allocates nothing. */
    ck_assert_int_eq(ram_write(ram, 0x80000010, &v, sizeof v), 0);
    ck_assert_uint_eq(ram_pages_touched(ram), 3);

    /* Reading untouched memory allocates nothing either. */
    uint8_t buf[8192];
    ck_assert_int_eq(ram_read(ram, 0x80000000 + GiB, buf, sizeof buf), 0);
    ck_assert_uint_eq(ram_pages_touched(ram), 3);

    /* 3 pages + 3 leaf tables, nothing near the 4 GiB of the bank. */
    uint64_t grown = ram_bytes_allocated(ram) - before;
    ck_assert_uint_eq(grown, 6 * RAM_PAGE_SIZE);
    ck_assert_uint_lt(ram_bytes_allocated(ram), MiB);

    uint32_t r = 0;
    ck_assert_int_eq(ram_read(ram, 0x80000000 + 4 * GiB - 4, &r, sizeof r), 0);
    ck_assert_uint_eq(r, 0xdeadbeef);
    ram_free(ram);
}
END_TEST

START_TEST(test_zero_reads)
{
    struct ram *ram = ram_with(0x40000000, 256 * MiB);
    uint8_t *a = ram_host_ptr(ram, 0x40001008, false);
    uint8_t *b = ram_host_ptr(ram, 0x48000000, false);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    /* Both untouched: the shared zero page, at the right offset. */
    ck_assert_ptr_eq(a - 8, b);
    for (int i = 0; i < (int)RAM_PAGE_SIZE - 8; i++)
        ck_assert_uint_eq(a[i], 0);
    ck_assert_uint_eq(ram_pages_touched(ram), 0);

    /* After a write the page reads back the data, not the zero page. */
    uint8_t v = 0x5a;
    ck_assert_int_eq(ram_write(ram, 0x40001008, &v, 1), 0);
    uint8_t *c = ram_host_ptr(ram, 0x40001008, false);
    ck_assert_ptr_ne(c, a);
    ck_assert_uint_eq(*c, 0x5a);
    ck_assert_ptr_eq(ram_host_ptr(ram, 0x40001008, true), c);
    ck_assert_uint_eq(b[0], 0);
    ram_free(ram);
}
END_TEST

START_TEST(test_cross_page_copy)
{
    struct ram *ram = ram_with(0x40000000, 16 * MiB);
    enum { LEN = 10000 };
    static uint8_t in[LEN], out[LEN];
    for (int i = 0; i < LEN; i++)
        in[i] = (uint8_t)(i * 7 + 3);
    uint64_t pa = 0x40000000 + RAM_PAGE_SIZE - 6; /* 6 bytes before a page end */
    ck_assert_int_eq(ram_write(ram, pa, in, LEN), 0);
    ck_assert_uint_eq(ram_pages_touched(ram), 4);
    ck_assert_int_eq(ram_read(ram, pa, out, LEN), 0);
    ck_assert_mem_eq(in, out, LEN);
    /* Neighbours are untouched. */
    uint8_t edge[2];
    ck_assert_int_eq(ram_read(ram, pa - 1, edge, 1), 0);
    ck_assert_int_eq(ram_read(ram, pa + LEN, edge + 1, 1), 0);
    ck_assert_uint_eq(edge[0], 0);
    ck_assert_uint_eq(edge[1], 0);
    /* host_ptr is page-relative: the last byte of a page is reachable. */
    ck_assert_uint_eq(*ram_host_ptr(ram, 0x40000000 + RAM_PAGE_SIZE - 1, false),
                      in[5]);
    ram_free(ram);
}
END_TEST

START_TEST(test_adjacent_banks)
{
    struct ram *ram = ram_new();
    struct msa_error err = { "" };
    /* Added out of order; kept sorted. */
    ck_assert_int_eq(ram_add_bank(ram, 0x10100000, MiB, &err), 0);
    ck_assert_int_eq(ram_add_bank(ram, 0x10000000, MiB, &err), 0);
    ck_assert_uint_eq(ram_bank_count(ram), 2);
    uint64_t base, size;
    ck_assert_int_eq(ram_bank(ram, 0, &base, &size), 0);
    ck_assert_uint_eq(base, 0x10000000);
    ck_assert_int_eq(ram_bank(ram, 2, &base, &size), -1);
    ck_assert_uint_eq(ram_total_size(ram), 2 * MiB);

    ck_assert(ram_contains(ram, 0x100ffff0, 0x20));
    uint8_t in[32], out[32];
    memset(in, 0xc3, sizeof in);
    ck_assert_int_eq(ram_write(ram, 0x100ffff0, in, sizeof in), 0);
    ck_assert_int_eq(ram_read(ram, 0x100ffff0, out, sizeof out), 0);
    ck_assert_mem_eq(in, out, sizeof in);

    char banks[128];
    ram_format_banks(ram, banks, sizeof banks);
    ck_assert_str_eq(banks, "[0x10000000, 0x10100000), [0x10100000, 0x10200000)");
    ram_free(ram);
}
END_TEST

START_TEST(test_bank_refusals)
{
    struct ram *ram = ram_with(0x40000000, GiB);
    struct msa_error err = { "" };
    ck_assert_int_eq(ram_add_bank(ram, 0x7ff00000, 2 * MiB, &err), -1);
    ck_assert_msg(strstr(err.msg, "overlaps bank 0 [0x40000000, 0x80000000)"),
                  "%s", err.msg);
    ck_assert_int_eq(ram_add_bank(ram, 0x20000000, 0x20000001, &err), -1);
    ck_assert_msg(strstr(err.msg, "4 KiB"), "%s", err.msg);
    ck_assert_int_eq(ram_add_bank(ram, 0x20000000, 0, &err), -1);
    ck_assert_msg(strstr(err.msg, "size is 0"), "%s", err.msg);
    ck_assert_int_eq(ram_add_bank(ram, UINT64_C(0x10000000000000), MiB, &err), -1);
    ck_assert_msg(strstr(err.msg, "52-bit"), "%s", err.msg);
    /* 1 GiB already there: 1 TiB more is over the cap... */
    ck_assert_int_eq(ram_add_bank(ram, UINT64_C(1) << 41, UINT64_C(1) << 40, &err), -1);
    ck_assert_msg(strstr(err.msg, "1 TiB"), "%s", err.msg);
    /* ...but reaching exactly 1 TiB is fine, and costs no page. */
    ck_assert_int_eq(ram_add_bank(ram, UINT64_C(1) << 41,
                                  (UINT64_C(1) << 40) - GiB, &err), 0);
    ck_assert_uint_eq(ram_total_size(ram), UINT64_C(1) << 40);
    ck_assert_uint_eq(ram_pages_touched(ram), 0);
    ck_assert_uint_eq(ram_bank_count(ram), 2);
    ram_free(ram);
}
END_TEST

START_TEST(test_outside_ram)
{
    struct ram *ram = ram_with(0x40000000, MiB);
    ck_assert_ptr_null(ram_host_ptr(ram, 0x3fffffff, false));
    ck_assert_ptr_null(ram_host_ptr(ram, 0x40100000, true));
    ck_assert_ptr_null(ram_host_ptr(ram, 0, false));
    ck_assert(!ram_contains(ram, 0x400ffff0, 0x11));
    ck_assert(ram_contains(ram, 0x400ffff0, 0x10));
    ck_assert(!ram_contains(ram, UINT64_MAX, 2));

    /* A straddling write is refused whole: nothing lands in RAM. */
    uint8_t in[32];
    memset(in, 0xee, sizeof in);
    ck_assert_int_eq(ram_write(ram, 0x400ffff0, in, sizeof in), -1);
    ck_assert_uint_eq(ram_pages_touched(ram), 0);
    ck_assert_int_eq(ram_read(ram, 0x400ffff0, in, sizeof in), -1);
    ck_assert_int_eq(ram_zero(ram, 0x3ffff000, 0x2000), -1);
    ck_assert_int_eq(ram_mark_code(ram, 0x50000000), -1);
    ram_free(ram);
}
END_TEST

struct hook_log {
    int calls;
    uint64_t last_page;
};

static void record_code_write(void *ctx, uint64_t page_pa)
{
    struct hook_log *log = ctx;
    log->calls++;
    log->last_page = page_pa;
}

START_TEST(test_code_write_hook)
{
    struct ram *ram = ram_with(0x40000000, 16 * MiB);
    struct hook_log log = { 0, 0 };
    ram_set_code_write_hook(ram, record_code_write, &log);
    uint32_t insn = 0xd503201f; /* NOP */
    ck_assert_int_eq(ram_write(ram, 0x40002000, &insn, 4), 0);
    ck_assert_int_eq(log.calls, 0);

    ck_assert_int_eq(ram_mark_code(ram, 0x40002010), 0);
    ck_assert(ram_is_code(ram, 0x40002ffc));
    ck_assert(!ram_is_code(ram, 0x40003000));
    /* Reads of a code page do not notify. */
    uint32_t r;
    ck_assert_int_eq(ram_read(ram, 0x40002000, &r, 4), 0);
    ck_assert_uint_eq(r, insn);
    ck_assert_int_eq(log.calls, 0);

    /* The first write notifies once, with the page base, and clears the flag. */
    ck_assert_int_eq(ram_write(ram, 0x40002ff8, &insn, 4), 0);
    ck_assert_int_eq(log.calls, 1);
    ck_assert_uint_eq(log.last_page, 0x40002000);
    ck_assert(!ram_is_code(ram, 0x40002000));
    ck_assert_int_eq(ram_write(ram, 0x40002ff8, &insn, 4), 0);
    ck_assert_int_eq(log.calls, 1);

    /* Through host_ptr too; and a write to another page does not notify. */
    ck_assert_int_eq(ram_mark_code(ram, 0x40002000), 0);
    ck_assert_ptr_nonnull(ram_host_ptr(ram, 0x40003000, true));
    ck_assert_int_eq(log.calls, 1);
    ck_assert_ptr_nonnull(ram_host_ptr(ram, 0x40002004, true));
    ck_assert_int_eq(log.calls, 2);

    /* Flagging an untouched page allocates it, so its first write is seen;
     * its content stays zero. */
    uint64_t pages = ram_pages_touched(ram);
    ck_assert_int_eq(ram_mark_code(ram, 0x40800000), 0);
    ck_assert_uint_eq(ram_pages_touched(ram), pages + 1);
    ck_assert_uint_eq(*ram_host_ptr(ram, 0x40800000, false), 0);
    ck_assert_int_eq(ram_zero(ram, 0x40800000, 16), 0);
    ck_assert_int_eq(log.calls, 3);
    ck_assert_uint_eq(log.last_page, 0x40800000);
    ram_free(ram);
}
END_TEST

START_TEST(test_zero_range)
{
    struct ram *ram = ram_with(0x40000000, 16 * MiB);
    uint8_t in[64];
    memset(in, 0xff, sizeof in);
    ck_assert_int_eq(ram_write(ram, 0x40000fe0, in, sizeof in), 0);
    ck_assert_uint_eq(ram_pages_touched(ram), 2);
    /* Zeroing 8 MiB touches only the two pages that hold data. */
    ck_assert_int_eq(ram_zero(ram, 0x40000ff0, 8 * MiB), 0);
    ck_assert_uint_eq(ram_pages_touched(ram), 2);
    uint8_t out[64];
    ck_assert_int_eq(ram_read(ram, 0x40000fe0, out, sizeof out), 0);
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(out[i], 0xff);
    for (int i = 16; i < 64; i++)
        ck_assert_uint_eq(out[i], 0);
    ram_free(ram);
}
END_TEST

static Suite *ram_suite(void)
{
    Suite *s = suite_create("ram");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_lazy_allocation);
    tcase_add_test(tc, test_zero_reads);
    tcase_add_test(tc, test_cross_page_copy);
    tcase_add_test(tc, test_adjacent_banks);
    tcase_add_test(tc, test_bank_refusals);
    tcase_add_test(tc, test_outside_ram);
    tcase_add_test(tc, test_code_write_hook);
    tcase_add_test(tc, test_zero_range);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ram_suite());
}
