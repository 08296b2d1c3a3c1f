/* The MMIO bus (ordering, overlap refusal, unmapped accesses) and the PL011
 * transmit path. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bus.h"
#include "sim/dev_pl011.h"
#include "tests/unit/check_run.h"

static char captured[64];
static unsigned ncaptured;

static void capture(void *ctx, const char *bytes, unsigned len)
{
    for (unsigned i = 0; i < len && ncaptured < sizeof captured - 1; i++)
        captured[ncaptured++] = bytes[i];
}

START_TEST(devices_are_found_and_overlaps_refused)
{
    struct bus b;
    struct msa_error e = {{0}};
    struct pl011 u0, u1;
    bus_init(&b);
    pl011_init(&u0, capture, NULL);
    pl011_init(&u1, capture, NULL);
    struct mmio_device d1 = pl011_device(&u1, "uart1", 0x9C0A0000);
    struct mmio_device d0 = pl011_device(&u0, "uart0", 0x09000000);
    ck_assert_int_eq(bus_add_device(&b, &d1, &e), 0);
    ck_assert_int_eq(bus_add_device(&b, &d0, &e), 0);
    ck_assert_ptr_eq(bus_find_device(&b, 0x09000FFF)->ctx, &u0);
    ck_assert_ptr_eq(bus_find_device(&b, 0x9C0A0000)->ctx, &u1);
    ck_assert_ptr_null(bus_find_device(&b, 0x09001000));
    ck_assert_ptr_null(bus_find_device(&b, 0x08FFFFFF));
    struct mmio_device clash = pl011_device(&u1, "clash", 0x09000800);
    ck_assert_int_eq(bus_add_device(&b, &clash, &e), -1);
    ck_assert_str_eq(e.msg, "device clash at 0x9000800 overlaps device uart0 at 0x9000000");
}
END_TEST

START_TEST(unmapped_and_straddling_accesses_abort)
{
    struct bus b;
    struct msa_error e = {{0}};
    struct pl011 u;
    uint64_t v = 123;
    bus_init(&b);
    pl011_init(&u, capture, NULL);
    struct mmio_device d = pl011_device(&u, "uart0", 0x09000000);
    ck_assert_int_eq(bus_add_device(&b, &d, &e), 0);
    ck_assert_int_ne(bus_mmio_read(&b, 0x0A000000, 4, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_ne(bus_mmio_write(&b, 0x09000FFC, 8, 0), 0);
    ck_assert_uint_eq(b.unmapped_accesses, 2);
}
END_TEST

START_TEST(pl011_transmits_and_reports_fifo_state)
{
    struct bus b;
    struct msa_error e = {{0}};
    struct pl011 u;
    uint64_t v;
    bus_init(&b);
    ncaptured = 0;
    pl011_init(&u, capture, NULL);
    struct mmio_device d = pl011_device(&u, "uart0", 0x09000000);
    ck_assert_int_eq(bus_add_device(&b, &d, &e), 0);
    const char *msg = "hi\n";
    for (const char *p = msg; *p; p++)
        ck_assert_int_eq(bus_mmio_write(&b, 0x09000000, 4, (uint64_t)(unsigned char)*p | 0x100), 0);
    captured[ncaptured] = '\0';
    ck_assert_str_eq(captured, "hi\n");
    ck_assert_int_eq(bus_mmio_read(&b, 0x09000018, 4, &v), 0);
    ck_assert_uint_eq(v & 0x20, 0);   /* TXFF clear: software never waits */
    ck_assert_uint_eq(v & 0x10, 0x10); /* RXFE set: nothing to receive */
    ck_assert_int_eq(bus_mmio_write(&b, 0x09000024, 4, 0x1234567), 0);
    ck_assert_int_eq(bus_mmio_read(&b, 0x09000024, 4, &v), 0);
    ck_assert_uint_eq(v, 0x4567);
    ck_assert_int_eq(bus_mmio_read(&b, 0x09000FE0, 4, &v), 0);
    ck_assert_uint_eq(v, 0x11);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, devices_are_found_and_overlaps_refused);
    tcase_add_test(tc, unmapped_and_straddling_accesses_abort);
    tcase_add_test(tc, pl011_transmits_and_reports_fifo_state);
    suite_add_tcase(s, tc);
    return check_run(s);
}
