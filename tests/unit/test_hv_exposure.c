/* The speculation-exposure tracker: its incremental counts and integrals
 * against a brute-force recount of every page after each step, over random
 * sequences of ownership changes, maps, unmaps, context changes and time. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "tests/unit/check_run.h"

#define PAGES 256
#define PG 4096ull
#define BASE 0x40000000ull

struct model {
    unsigned refs[PAGES];
    unsigned owner[PAGES];
    double pair[HV_EXPO_NOWNERS][HV_EXPO_NOWNERS];
    unsigned ctx;
    uint64_t now;
};

static bool counts(unsigned ctx, unsigned o)
{
    return o != ctx && (o < HV_MAX_DOMAINS || o == HV_EXPO_FREE);
}

static void model_advance(struct model *m, uint64_t now)
{
    uint64_t mapped[HV_EXPO_NOWNERS] = {0};
    for (unsigned p = 0; p < PAGES; p++)
        if (m->refs[p])
            mapped[m->owner[p]] += PG;
    for (unsigned o = 0; o < HV_EXPO_NOWNERS; o++)
        if (counts(m->ctx, o))
            m->pair[m->ctx][o] += (double)mapped[o] * (double)(now - m->now);
    m->now = now;
}

static void check_same(const struct hv_exposure *x, const struct model *m)
{
    uint64_t mapped[HV_EXPO_NOWNERS] = {0};
    for (unsigned p = 0; p < PAGES; p++)
        if (m->refs[p])
            mapped[m->owner[p]] += PG;
    double total = 0;
    for (unsigned o = 0; o < HV_EXPO_NOWNERS; o++) {
        ck_assert_uint_eq(hv_expo_mapped(x, o), mapped[o]);
        for (unsigned c = 0; c < HV_EXPO_NOWNERS; c++) {
            ck_assert(hv_expo_pair(x, c, o) == m->pair[c][o]);
            total += m->pair[c][o];
        }
    }
    ck_assert(hv_expo_total(x) == total);
}

static unsigned rnd(unsigned n) { return (unsigned)(rand() % (int)n); }

/* Nothing mapped, no page owned, the hypervisor's context, time 0. */
static void model_init(struct model *m)
{
    memset(m, 0, sizeof *m);
    m->ctx = HV_EXPO_XEN;
    for (unsigned p = 0; p < PAGES; p++)
        m->owner[p] = HV_EXPO_NONE;
}

START_TEST(incremental_equals_rescan)
{
    srand(1234u + (unsigned)_i);
    struct hv_exposure *x = hv_expo_new();
    ck_assert_ptr_nonnull(x);
    struct model m;
    model_init(&m);
    static const unsigned owners[] = {0, 1, 2, HV_EXPO_FREE, HV_EXPO_XEN, HV_EXPO_NONE};
    for (int step = 0; step < 2000; step++) {
        uint64_t now = m.now + rnd(50);
        unsigned a = rnd(PAGES), n = 1 + rnd(PAGES - a > 32 ? 32 : PAGES - a);
        switch (rnd(6)) {
        case 0: {
            unsigned o = owners[rnd(6)];
            model_advance(&m, now);
            for (unsigned p = a; p < a + n; p++)
                m.owner[p] = o;
            hv_expo_set_owner(x, now, BASE + a * PG, n * PG, o);
            break;
        }
        case 1:
        case 2:
            model_advance(&m, now);
            for (unsigned p = a; p < a + n; p++)
                m.refs[p]++;
            hv_expo_map(x, now, BASE + a * PG, n * PG);
            break;
        case 3:
        case 4:
            /* Unmaps of what is not mapped are ignored per page. */
            model_advance(&m, now);
            for (unsigned p = a; p < a + n; p++)
                if (m.refs[p])
                    m.refs[p]--;
            hv_expo_unmap(x, now, BASE + a * PG, n * PG);
            break;
        default: {
            unsigned c = rnd(4) == 0 ? HV_EXPO_XEN : rnd(3);
            model_advance(&m, now);
            m.ctx = c;
            hv_expo_set_context(x, now, c);
            break;
        }
        }
        check_same(x, &m);
    }
    /* Segments stay bounded by the pages (merging keeps them few). */
    ck_assert_uint_le(hv_expo_segments(x), PAGES);
    ck_assert(!hv_expo_failed(x));
    hv_expo_free(x);
}
END_TEST

/* Single pages mapped into gaps and unmapped whole (the hypervisor's
 * map_domain_page pattern) join their neighbours of the same owner with
 * one reference, and leave gaps behind them. */
START_TEST(pages_join_and_leave)
{
    struct hv_exposure *x = hv_expo_new();
    ck_assert_ptr_nonnull(x);
    hv_expo_set_owner(x, 0, BASE, 16 * PG, 1);
    hv_expo_set_owner(x, 0, BASE + 16 * PG, 16 * PG, 2);
    hv_expo_map(x, 0, BASE + 4 * PG, PG);
    hv_expo_map(x, 0, BASE + 5 * PG, PG);          /* joins on the left */
    ck_assert_uint_eq(hv_expo_segments(x), 1);
    hv_expo_map(x, 0, BASE + 3 * PG, PG);          /* joins on the right */
    ck_assert_uint_eq(hv_expo_segments(x), 1);
    hv_expo_map(x, 0, BASE + 7 * PG, PG);
    ck_assert_uint_eq(hv_expo_segments(x), 2);
    hv_expo_map(x, 0, BASE + 6 * PG, PG);          /* fills the gap: one again */
    ck_assert_uint_eq(hv_expo_segments(x), 1);
    ck_assert_uint_eq(hv_expo_mapped(x, 1), 5 * PG);
    hv_expo_map(x, 0, BASE + 16 * PG, PG);         /* touches, other owner: apart */
    hv_expo_map(x, 0, BASE + 15 * PG, PG);
    ck_assert_uint_eq(hv_expo_segments(x), 3);
    hv_expo_map(x, 0, BASE + 15 * PG, PG);         /* two references: apart too */
    hv_expo_map(x, 0, BASE + 14 * PG, PG);
    ck_assert_uint_eq(hv_expo_segments(x), 4);
    hv_expo_map(x, 0, BASE + 10 * PG, PG);
    hv_expo_unmap(x, 0, BASE + 10 * PG, PG);       /* gone whole */
    ck_assert_uint_eq(hv_expo_segments(x), 4);
    hv_expo_unmap(x, 0, BASE + 15 * PG, PG);       /* one reference left: joins */
    ck_assert_uint_eq(hv_expo_segments(x), 3);
    hv_expo_unmap(x, 0, BASE + 5 * PG, PG);        /* cut out of the middle */
    ck_assert_uint_eq(hv_expo_segments(x), 4);
    ck_assert_uint_eq(hv_expo_mapped(x, 1), 6 * PG);
    ck_assert_uint_eq(hv_expo_mapped(x, 2), PG);
    ck_assert_uint_eq(hv_expo_unmatched(x), 0);
    ck_assert(!hv_expo_failed(x));
    hv_expo_free(x);
}
END_TEST

/* Maximal runs of pages with the same reference count and owner: the
 * segments the tracker keeps, joined wherever they can be. */
static size_t model_segments(const struct model *m)
{
    size_t n = 0;
    for (unsigned p = 0; p < PAGES; p++)
        if (m->refs[p] && (p == 0 || m->refs[p - 1] != m->refs[p] ||
                           m->owner[p - 1] != m->owner[p]))
            n++;
    return n;
}

/* MPU slots reprogrammed one page at a time (unmap the old page, later
 * map a new one), as the hypervisor's temporary mappings do: the entry
 * an unmap vacates is reused by the next map when the page falls in its
 * place, and the tracker must stay as a full recount sees it, segments
 * included, whatever comes between the two. */
START_TEST(slot_reprogramming_matches_rescan)
{
    srand(99u + (unsigned)_i);
    struct hv_exposure *x = hv_expo_new();
    ck_assert_ptr_nonnull(x);
    struct model m;
    model_init(&m);
    static const unsigned owners[] = {0, 1, HV_EXPO_FREE, HV_EXPO_XEN};
    /* Owner ranges of a few pages, so that pages next to each other often
     * share an owner (and can join) and sometimes do not. */
    for (unsigned a = 0; a < PAGES; a += 4) {
        unsigned o = owners[rnd(4)];
        for (unsigned p = a; p < a + 4; p++)
            m.owner[p] = o;
        hv_expo_set_owner(x, 0, BASE + a * PG, 4 * PG, o);
    }
    enum { SLOTS = 6, WINDOW = 24 };
    int slot[SLOTS];
    for (unsigned k = 0; k < SLOTS; k++)
        slot[k] = -1;
    for (int step = 0; step < 3000; step++) {
        uint64_t now = m.now + rnd(20);
        unsigned k = rnd(SLOTS), r = rnd(16);
        model_advance(&m, now);
        if (r == 0) {                      /* ownership changes in between */
            unsigned a = rnd(WINDOW), o = owners[rnd(4)];
            m.owner[a] = o;
            hv_expo_set_owner(x, now, BASE + a * PG, PG, o);
        } else if (r == 1) {               /* and the context */
            m.ctx = rnd(2) ? HV_EXPO_XEN : rnd(2);
            hv_expo_set_context(x, now, m.ctx);
        } else if (slot[k] >= 0) {
            m.refs[slot[k]]--;
            hv_expo_unmap(x, now, BASE + (uint64_t)slot[k] * PG, PG);
            slot[k] = -1;
        } else {
            slot[k] = (int)rnd(WINDOW);
            m.refs[slot[k]]++;
            hv_expo_map(x, now, BASE + (uint64_t)slot[k] * PG, PG);
        }
        check_same(x, &m);
        ck_assert_uint_eq(hv_expo_segments(x), model_segments(&m));
    }
    ck_assert_uint_eq(hv_expo_unmatched(x), 0);
    ck_assert(!hv_expo_failed(x));
    hv_expo_free(x);
}
END_TEST

START_TEST(pairs_and_overlaps)
{
    struct hv_exposure *x = hv_expo_new();
    hv_expo_set_owner(x, 0, 0x1000, 0x4000, 0);          /* domain 0: 4 pages */
    hv_expo_set_owner(x, 0, 0x5000, 0x2000, HV_EXPO_XEN); /* xen: never counts */
    hv_expo_map(x, 0, 0x0, 0x8000);                      /* not RAM + dom0 + xen */
    hv_expo_map(x, 0, 0x2000, 0x1000);                   /* the same page twice */
    ck_assert_uint_eq(hv_expo_mapped(x, 0), 0x4000);
    ck_assert_uint_eq(hv_expo_exposed_now(x), 0x4000);
    hv_expo_advance(x, 10);
    ck_assert(hv_expo_pair(x, HV_EXPO_XEN, 0) == 0x4000 * 10.0);
    /* Running for domain 0, its own memory does not count. */
    hv_expo_set_context(x, 10, 0);
    hv_expo_advance(x, 20);
    ck_assert(hv_expo_total(x) == 0x4000 * 10.0);
    hv_expo_set_context(x, 20, HV_EXPO_XEN);
    hv_expo_unmap(x, 20, 0x0, 0x8000);
    ck_assert_uint_eq(hv_expo_mapped(x, 0), 0x1000);     /* the doubly mapped page */
    hv_expo_unmap(x, 20, 0x2000, 0x1000);
    ck_assert_uint_eq(hv_expo_mapped(x, 0), 0);
    ck_assert_uint_eq(hv_expo_segments(x), 0);
    hv_expo_free(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_exposure");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, incremental_equals_rescan, 0, 8);
    tcase_add_test(tc, pages_join_and_leave);
    tcase_add_loop_test(tc, slot_reprogramming_matches_rescan, 0, 8);
    tcase_add_test(tc, pairs_and_overlaps);
    suite_add_tcase(s, tc);
    return check_run(s);
}
