/* The xen-mpu module's containment search (xm_first_touching) against the
 * slot-by-slot search Xen makes, over random tables: slots placed, removed,
 * enabled and disabled, and searched for pages and ranges, most of them in
 * free space where the search keeps a free stretch and its listed slots. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hv/modules/xen-mpu/xen_mpu.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_rng.h"

#define PG 4096ull
#define SPACE_PAGES 512   /* the addresses used: 2 MiB from BASE */
#define BASE 0x40000000ull


/* Xen's search: every slot below nslots in order, the first one in use,
 * enabled and touching [base, last]. */
static unsigned brute_force(const struct xm_state *st, const struct xm_cpu *cpu, uint64_t base,
                            uint64_t last)
{
    for (unsigned i = 0; i < st->nslots; i++) {
        const struct xm_entry *e = &cpu->map[i];
        uint64_t lo = e->prbar & MPU_ADDR_MASK;
        uint64_t hi = (e->prlar & MPU_ADDR_MASK) | (MPU_GRANULE - 1);
        if (e->in_use && (e->prlar & MPU_PRLAR_EN) && hi >= base && lo <= last)
            return i;
    }
    return st->nslots;
}

static struct xm_entry entry(uint64_t first_page, uint64_t pages, bool enabled)
{
    uint64_t base = BASE + first_page * PG, limit = base + pages * PG;
    return (struct xm_entry){
        .prbar = mpu_prbar(base, MPU_SH_INNER, MPU_AP_RW_PRIV, 2),
        .prlar = mpu_prlar(limit - 1, 0, enabled),
        .in_use = true,
    };
}

START_TEST(search_equals_slot_by_slot)
{
    static struct xm_state st;
    memset(&st, 0, sizeof st);
    st.nslots = 16 + (unsigned)_i * 16;   /* 16 .. 128 slots */
    struct xm_cpu *cpu = &st.cpu[0];
    rng_state = 0x2545F4914F6CDD1Dull + (uint64_t)_i;
    unsigned from_stretch = 0;
    for (unsigned step = 0; step < 20000; step++) {
        unsigned s = (unsigned)(rng() % st.nslots);
        switch (rng() % 8) {
        case 0:   /* a larger region, enabled or not */
            xm_put_entry(cpu, s, entry(rng() % SPACE_PAGES, 1 + rng() % 64, rng() % 4 != 0));
            break;
        case 1:
        case 2:   /* a page, as map_domain_page maps one */
            xm_put_entry(cpu, s, entry(rng() % SPACE_PAGES, 1, true));
            break;
        case 3:   /* a slot freed */
            xm_put_entry(cpu, s, (struct xm_entry){0});
            break;
        case 4:   /* enabled or disabled in place, as PRENR switching does */
            if (cpu->map[s].in_use) {
                cpu->map[s].prlar ^= MPU_PRLAR_EN;
                xm_entry_changed(cpu, s);
            }
            break;
        default: {   /* a search, mostly of one page */
            uint64_t first = rng() % SPACE_PAGES, pages = rng() % 4 ? 1 : 1 + rng() % 32;
            uint64_t base = BASE + first * PG, last = base + pages * PG - 1;
            bool stretch = cpu->gap_valid && base >= cpu->gap_lo && last <= cpu->gap_hi;
            from_stretch += stretch;
            ck_assert_uint_eq(xm_first_touching(&st, cpu, base, last),
                              brute_force(&st, cpu, base, last));
            break;
        }
        }
    }
    /* the free stretch answered a good share of the searches */
    ck_assert_uint_gt(from_stretch, 100);
}
END_TEST

/* The pattern the stretch is for: a page mapped in free space, found, and
 * removed, again and again, with the hypervisor's regions around it. */
START_TEST(transient_pages_in_free_space)
{
    static struct xm_state st;
    memset(&st, 0, sizeof st);
    st.nslots = 32;
    struct xm_cpu *cpu = &st.cpu[0];
    xm_put_entry(cpu, 0, entry(0, 16, true));
    xm_put_entry(cpu, 1, entry(400, 100, true));
    xm_put_entry(cpu, 2, entry(100, 8, false));   /* in use, disabled */
    for (unsigned p = 20; p < 380; p++) {
        uint64_t base = BASE + p * PG, last = base + PG - 1;
        ck_assert_uint_eq(xm_first_touching(&st, cpu, base, last), 32);
        xm_put_entry(cpu, 5, entry(p, 1, true));
        ck_assert_uint_eq(xm_first_touching(&st, cpu, base, last), 5);
        ck_assert_uint_eq(xm_first_touching(&st, cpu, base - PG, last), 5);
        xm_put_entry(cpu, 5, (struct xm_entry){0});
    }
    ck_assert(cpu->gap_valid);
    ck_assert_uint_eq(cpu->gap_lo, BASE + 16 * PG);
    ck_assert_uint_eq(cpu->gap_hi, BASE + 400 * PG - 1);
    /* enabling the disabled region inside the stretch lists it */
    cpu->map[2].prlar |= MPU_PRLAR_EN;
    xm_entry_changed(cpu, 2);
    ck_assert_uint_eq(xm_first_touching(&st, cpu, BASE + 104 * PG, BASE + 105 * PG - 1), 2);
    /* more live slots in the stretch than it lists: it is given up */
    for (unsigned s = 10; s < 10 + XM_GAP_INSIDE; s++)
        xm_put_entry(cpu, s, entry(200 + s, 1, true));
    ck_assert(!cpu->gap_valid);
    ck_assert_uint_eq(xm_first_touching(&st, cpu, BASE + 210 * PG, BASE + 211 * PG - 1), 10);
}
END_TEST

/* The shortcuts for a new live entry and for a freed slot keep exactly
 * what xm_put_entry keeps: two tables, one changed each way, compared
 * after every change (the free stretch included). */
START_TEST(shortcuts_keep_what_put_entry_keeps)
{
    static struct xm_state st;
    static struct xm_cpu a, b;
    memset(&st, 0, sizeof st);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    st.nslots = 64;
    rng_state = 0x9E3779B97F4A7C15ull;
    unsigned live = 0, cleared = 0;
    for (unsigned step = 0; step < 20000; step++) {
        unsigned s = (unsigned)(rng() % st.nslots);
        switch (rng() % 4) {
        case 0: {   /* a new region, as update_core makes one */
            struct xm_entry e = entry(rng() % SPACE_PAGES, rng() % 4 ? 1 : 1 + rng() % 32, true);
            xm_put_entry(&a, s, e);
            xm_put_live_entry(&b, s, e);
            live++;
            break;
        }
        case 1:     /* a slot freed, as disable_slot frees one */
            xm_put_entry(&a, s, (struct xm_entry){0});
            xm_clear_entry(&b, s);
            cleared++;
            break;
        case 2: {   /* a disabled region: the general path on both */
            struct xm_entry e = entry(rng() % SPACE_PAGES, 1 + rng() % 8, false);
            xm_put_entry(&a, s, e);
            xm_put_entry(&b, s, e);
            break;
        }
        default: {  /* a search, which measures the free stretch */
            uint64_t base = BASE + (rng() % SPACE_PAGES) * PG;
            ck_assert_uint_eq(xm_first_touching(&st, &a, base, base + PG - 1),
                              xm_first_touching(&st, &b, base, base + PG - 1));
            break;
        }
        }
        ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "tables differ after step %u", step);
    }
    ck_assert_uint_gt(live, 1000);
    ck_assert_uint_gt(cleared, 1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xm_scan");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, search_equals_slot_by_slot, 0, 8);
    tcase_add_test(tc, transient_pages_in_free_space);
    tcase_add_test(tc, shortcuts_keep_what_put_entry_keeps);
    suite_add_tcase(s, tc);
    return check_run(s);
}
