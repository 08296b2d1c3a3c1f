/* Speculation exposure: the bytes of memory the hypervisor's address space
 * maps readable at EL2, by the owner of the physical memory under them,
 * integrated over the model's cycle clock.
 *
 * Two sorted tables of disjoint physical ranges:
 *   - owners: who owns each range (a domain, the hypervisor, free RAM;
 *     anything not listed is not RAM and never counts);
 *   - segments: what is mapped, with a reference count (the same page can
 *     be mapped twice: directmap and mapcache, or two cores' MPUs).  A
 *     segment never spans two owners.
 * A map or unmap touches only the segments in its range, and the bytes
 * that go from 0 to 1 reference (or back) move the per-owner mapped-bytes
 * counts.  Nothing ever rescans the whole map.
 *
 * Pairs: while EL2 runs on behalf of context C (a domain, or the
 * hypervisor itself), the bytes of every other domain, and of free RAM
 * (free pages hold what their last owner left and are handed out next),
 * count as C's exposure to that owner.  The hypervisor's own memory never
 * counts. */
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"

struct expo_seg {
    uint64_t base, end;           /* [base, end) */
    uint32_t refs;
    uint16_t owner;
};

struct expo_own {
    uint64_t base, end;
    uint16_t owner;
};

struct hv_exposure {
    struct expo_seg *seg;
    size_t nseg, capseg;
    struct expo_own *own;
    size_t nown, capown;
    uint64_t mapped[HV_EXPO_NOWNERS];
    uint64_t mapped_owners;       /* bit o set when mapped[o] is not 0 */
    double pair[HV_EXPO_NOWNERS][HV_EXPO_NOWNERS];   /* [context][owner] */
    double total;
    unsigned ctx;
    uint64_t last;
    uint64_t unmatched;           /* bytes unmapped that were not mapped */
    bool oom;
    /* Where the last map or unmap began in seg[]: a page unmapped where it
     * was mapped, or the next one beside it, is found there again. */
    size_t last_at;
    /* The owner range the last map looked up: the next page is usually in
     * the same one. */
    size_t own_at;
    /* A segment the last unmap removed is left in seg[] as a dead entry
     * (counted in nseg) until the next change: an MPU slot that is
     * reprogrammed unmaps its old page and maps the new one, which
     * usually takes exactly that place, so the entries around it need
     * not move down and back up.  NO_HOLE when there is none. */
    size_t hole;
};

#define NO_HOLE ((size_t)-1)

struct hv_exposure *hv_expo_new(void)
{
    struct hv_exposure *x = calloc(1, sizeof *x);
    if (x) {
        x->ctx = HV_EXPO_XEN;
        x->hole = NO_HOLE;
    }
    return x;
}

void hv_expo_free(struct hv_exposure *x)
{
    if (!x)
        return;
    free(x->seg);
    free(x->own);
    free(x);
}

_Static_assert(HV_EXPO_NOWNERS <= 64, "mapped_owners has a bit per owner");
_Static_assert(HV_EXPO_FREE == HV_MAX_DOMAINS && HV_MAX_DOMAINS < 63,
               "the owners that count are bits 0 to HV_MAX_DOMAINS");

static void mapped_add(struct hv_exposure *x, unsigned o, uint64_t bytes)
{
    x->mapped[o] += bytes;
    x->mapped_owners |= 1ull << o;
}

static void mapped_sub(struct hv_exposure *x, unsigned o, uint64_t bytes)
{
    x->mapped[o] -= bytes;
    if (!x->mapped[o])
        x->mapped_owners &= ~(1ull << o);
}

static bool counts(const struct hv_exposure *x, unsigned owner)
{
    return owner != x->ctx && (owner < HV_MAX_DOMAINS || owner == HV_EXPO_FREE);
}

void hv_expo_advance(struct hv_exposure *x, uint64_t now)
{
    if (now <= x->last) {
        x->last = now > x->last ? now : x->last;
        return;
    }
    double dt = (double)(now - x->last);
    x->last = now;
    /* Owners in increasing order, as a full loop would visit them, so the
     * sums come out the same to the last bit; those that count for the
     * context (counts()) are the domains and free RAM, less the context. */
    const uint64_t counting = ((1ull << HV_MAX_DOMAINS) - 1) | (1ull << HV_EXPO_FREE);
    uint64_t ctx_bit = x->ctx < 64 ? 1ull << x->ctx : 0;
    for (uint64_t bits = x->mapped_owners & counting & ~ctx_bit; bits; bits &= bits - 1) {
        unsigned o = (unsigned)__builtin_ctzll(bits);
        double bc = (double)x->mapped[o] * dt;
        x->pair[x->ctx][o] += bc;
        x->total += bc;
    }
}

void hv_expo_set_context(struct hv_exposure *x, uint64_t now, unsigned ctx)
{
    hv_expo_advance(x, now);
    if (ctx < HV_EXPO_NOWNERS)
        x->ctx = ctx;
}

unsigned hv_expo_context(const struct hv_exposure *x) { return x->ctx; }

/* ---- Sorted-array helpers ------------------------------------------------ */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* First segment at or after `from` whose end is above `addr`. */
static size_t seg_find_from(const struct hv_exposure *x, size_t from, uint64_t addr)
{
    size_t lo = from, hi = x->nseg;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->seg[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First segment whose end is above `addr`. */
static size_t seg_find(const struct hv_exposure *x, uint64_t addr)
{
    return seg_find_from(x, 0, addr);
}

/* seg_find when the answer is probably `hint` (the caller knows where it
 * just worked): segments are disjoint and sorted, so their ends increase
 * and two compares confirm the hint; otherwise the search decides. */
static size_t seg_find_near(const struct hv_exposure *x, size_t hint, uint64_t addr)
{
    if (hint <= x->nseg && (hint == 0 || x->seg[hint - 1].end <= addr) &&
        (hint == x->nseg || x->seg[hint].end > addr))
        return hint;
    return seg_find(x, addr);
}

static void seg_shift_up(struct expo_seg *s, size_t n)
{
    memmove(s + 1, s, n * sizeof *s);
}

static void seg_shift_down(struct expo_seg *s, size_t n)
{
    memmove(s, s + 1, n * sizeof *s);
}

/* Removes the dead entry the last unmap left, if any: every path but
 * map_into_hole sees a table without one. */
static void hole_close(struct hv_exposure *x)
{
    if (x->hole == NO_HOLE)
        return;
    seg_shift_down(&x->seg[x->hole], x->nseg - x->hole - 1);
    x->nseg--;
    x->hole = NO_HOLE;
}

static bool seg_insert(struct hv_exposure *x, size_t at, struct expo_seg s)
{
    if (x->nseg >= x->capseg &&
        !grow((void **)&x->seg, &x->capseg, x->nseg + 1, sizeof *x->seg)) {
        x->oom = true;
        return false;
    }
    seg_shift_up(&x->seg[at], x->nseg - at);
    x->seg[at] = s;
    x->nseg++;
    return true;
}

/* seg_find_from(x, from, addr) when the answer is probably `hint`: two
 * compares confirm it (ends increase), otherwise the search decides. */
static size_t seg_find_from_near(const struct hv_exposure *x, size_t from, size_t hint,
                                 uint64_t addr)
{
    if (hint >= from && hint <= x->nseg && (hint == from || x->seg[hint - 1].end <= addr) &&
        (hint == x->nseg || x->seg[hint].end > addr))
        return hint;
    return seg_find_from(x, from, addr);
}

/* Cut the segment that holds `addr` strictly inside it in two; the search
 * starts at segment `from` (below it, every segment ends at or before
 * `addr`) and tries `hint` first.  Returns seg_find(addr) as it is
 * afterwards. */
static size_t seg_split_near(struct hv_exposure *x, size_t from, size_t hint, uint64_t addr)
{
    size_t i = seg_find_from_near(x, from, hint, addr);
    if (i < x->nseg && x->seg[i].base < addr) {
        struct expo_seg hi = x->seg[i];
        hi.base = addr;
        x->seg[i].end = addr;
        seg_insert(x, i + 1, hi);
        return i + 1;
    }
    return i;
}

static void seg_split(struct hv_exposure *x, uint64_t addr)
{
    seg_split_near(x, 0, 0, addr);
}

/* Join segment i with its right neighbour when they are one range. */
static void seg_merge_right(struct hv_exposure *x, size_t i)
{
    if (i + 1 >= x->nseg)
        return;
    struct expo_seg *a = &x->seg[i], *b = &x->seg[i + 1];
    if (a->end == b->base && a->refs == b->refs && a->owner == b->owner) {
        a->end = b->end;
        seg_shift_down(b, x->nseg - i - 2);
        x->nseg--;
    }
}

/* Joins what an update of [base, end) may have left cut at its two ends.
 * `at_base` and `at_end` are where seg_find(base) and seg_find(end)
 * probably are (hints: checked before use). */
static void seg_merge_near(struct hv_exposure *x, uint64_t base, uint64_t end, size_t at_base,
                           size_t at_end)
{
    size_t i = seg_find_near(x, at_end, end);
    if (i > 0)
        seg_merge_right(x, i - 1);
    i = seg_find_near(x, at_base, base);
    if (i > 0)
        seg_merge_right(x, i - 1);
}

static void seg_merge_around(struct hv_exposure *x, uint64_t base, uint64_t end)
{
    seg_merge_near(x, base, end, 0, 0);
}

/* First owner range whose end is above `addr`. */
static size_t own_find(const struct hv_exposure *x, uint64_t addr)
{
    size_t lo = 0, hi = x->nown;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->own[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* own_find when the answer is probably `hint`: owner ranges are disjoint
 * and sorted, so their ends increase and two compares confirm it. */
static size_t own_find_near(const struct hv_exposure *x, size_t hint, uint64_t addr)
{
    if (hint < x->nown && x->own[hint].end > addr && (hint == 0 || x->own[hint - 1].end <= addr))
        return hint;
    return own_find(x, addr);
}

/* The owner of `addr` and where that owner's run ends (at most `limit`). */
static unsigned owner_run(struct hv_exposure *x, uint64_t addr, uint64_t limit,
                          uint64_t *run_end)
{
    size_t i = x->own_at = own_find_near(x, x->own_at, addr);
    if (i < x->nown && x->own[i].base <= addr) {
        *run_end = x->own[i].end < limit ? x->own[i].end : limit;
        return x->own[i].owner;
    }
    *run_end = (i < x->nown && x->own[i].base < limit) ? x->own[i].base : limit;
    return HV_EXPO_NONE;
}

/* ---- Map, unmap, ownership ------------------------------------------------ */

/* Whether a neighbour that touches a new one-reference segment of owner
 * `o` is one range with it. */
static inline bool joinable(const struct expo_seg *s, unsigned o)
{
    return s->refs == 1 && s->owner == o;
}

/* The usual map (a page the hypervisor maps for a moment): [base, end)
 * lies in one gap between mapped segments and under one owner.  It becomes
 * one segment, joined to a neighbour that touches it with the same owner
 * and one reference, as the general path would leave it.  False, with
 * nothing changed, when the range is not like that. */
static bool map_in_gap(struct hv_exposure *x, uint64_t base, uint64_t end)
{
    size_t i = seg_find_near(x, x->last_at, base);
    if (i < x->nseg && x->seg[i].base < end)
        return false;
    uint64_t run_end;
    unsigned o = owner_run(x, base, end, &run_end);
    if (run_end != end)
        return false;
    struct expo_seg *l = i > 0 ? &x->seg[i - 1] : NULL, *r = i < x->nseg ? &x->seg[i] : NULL;
    bool join_l = l && l->end == base && joinable(l, o);
    bool join_r = r && r->base == end && joinable(r, o);
    if (join_l && join_r) {
        l->end = r->end;
        seg_shift_down(r, x->nseg - i - 1);
        x->nseg--;
    } else if (join_l) {
        l->end = end;
    } else if (join_r) {
        r->base = base;
    } else if (!seg_insert(x, i, (struct expo_seg){base, end, 1, (uint16_t)o})) {
        return true;   /* out of memory: noted, as on the general path */
    }
    x->last_at = i;
    mapped_add(x, o, end - base);
    return true;
}

/* The usual map after such an unmap: [base, end) lies between the
 * neighbours of the dead entry, under one owner, and touches neither
 * neighbour with the same owner and one reference (no join).  It takes
 * the dead entry's place: the table ends up as map_in_gap would leave it
 * after the entry was removed.  False, with nothing changed, otherwise. */
static bool map_into_hole(struct hv_exposure *x, uint64_t base, uint64_t end)
{
    size_t h = x->hole;
    if (h == NO_HOLE)
        return false;
    const struct expo_seg *l = h > 0 ? &x->seg[h - 1] : NULL;
    const struct expo_seg *r = h + 1 < x->nseg ? &x->seg[h + 1] : NULL;
    if ((l && l->end > base) || (r && r->base < end))
        return false;
    uint64_t run_end;
    unsigned o = owner_run(x, base, end, &run_end);
    if (run_end != end || (l && l->end == base && joinable(l, o)) ||
        (r && r->base == end && joinable(r, o)))
        return false;
    x->seg[h] = (struct expo_seg){base, end, 1, (uint16_t)o};
    x->hole = NO_HOLE;
    x->last_at = h;
    mapped_add(x, o, end - base);
    return true;
}

/* The usual unmap: [base, end) is exactly one segment with one reference.
 * It goes (left dead in place, see `hole`); its neighbours cannot touch
 * across the gap it leaves, so nothing joins.  False, with nothing
 * changed, otherwise.  The table has no dead entry on entry. */
static bool unmap_whole_segment(struct hv_exposure *x, uint64_t base, uint64_t end)
{
    /* A segment that starts at `base` is the one seg_find(base) finds
     * (segments are disjoint and sorted); it is usually where the last
     * change was. */
    size_t i = x->last_at;
    if (i >= x->nseg || x->seg[i].base != base)
        i = seg_find_near(x, i, base);
    if (i >= x->nseg)
        return false;
    struct expo_seg *s = &x->seg[i];
    if (s->base != base || s->end != end || s->refs != 1)
        return false;
    mapped_sub(x, s->owner, end - base);
    x->hole = i;
    x->last_at = i;
    return true;
}

/* Any map: the table has no dead entry. */
static __attribute__((noinline)) void map_general(struct hv_exposure *x, uint64_t base,
                                                  uint64_t end)
{
    /* Splitting at `end` (above `base`) moves nothing before the segment
     * found for `base`; a page usually lies within that one segment or
     * gap, so `end` is looked for there first. */
    size_t i = seg_split_near(x, 0, x->last_at, base), first = i;
    x->last_at = first;
    seg_split_near(x, i, i, end);
    uint64_t pos = base;
    while (pos < end) {
        if (i < x->nseg && x->seg[i].base == pos) {
            x->seg[i].refs++;
            pos = x->seg[i].end;
            i++;
            continue;
        }
        uint64_t gap_end = (i < x->nseg && x->seg[i].base < end) ? x->seg[i].base : end;
        while (pos < gap_end) {
            uint64_t run_end;
            unsigned o = owner_run(x, pos, gap_end, &run_end);
            if (!seg_insert(x, i, (struct expo_seg){pos, run_end, 1, (uint16_t)o}))
                return;
            mapped_add(x, o, run_end - pos);
            pos = run_end;
            i++;
        }
    }
    /* [base, end) is now segments first .. i - 1 */
    seg_merge_near(x, base, end, first, i);
}

/* Any unmap: the table has no dead entry. */
static __attribute__((noinline)) void unmap_general(struct hv_exposure *x, uint64_t base,
                                                    uint64_t end)
{
    uint64_t size = end - base;
    size_t i = seg_split_near(x, 0, x->last_at, base), first = i, w = i;

    x->last_at = first;
    seg_split_near(x, i, i, end);
    uint64_t covered = 0;
    for (; i < x->nseg && x->seg[i].base < end; i++) {
        struct expo_seg s = x->seg[i];
        covered += s.end - s.base;
        if (--s.refs == 0) {
            mapped_sub(x, s.owner, s.end - s.base);
            continue;    /* dropped: not copied down */
        }
        x->seg[w++] = s;
    }
    if (w < i) {
        memmove(&x->seg[w], &x->seg[i], (x->nseg - i) * sizeof *x->seg);
        x->nseg -= i - w;
    }
    x->unmatched += size - covered;
    /* What is left of [base, end) is segments first .. w - 1. */
    seg_merge_near(x, base, end, first, w);
}

/* The usual cases are tried first, in line; the general paths are
 * functions of their own so that these stay light. */
void hv_expo_map(struct hv_exposure *x, uint64_t now, uint64_t base, uint64_t size)
{
    uint64_t end = base + size;
    if (!size || end < base)
        return;
    hv_expo_advance(x, now);
    if (map_into_hole(x, base, end))
        return;
    hole_close(x);
    if (!map_in_gap(x, base, end))
        map_general(x, base, end);
}

void hv_expo_unmap(struct hv_exposure *x, uint64_t now, uint64_t base, uint64_t size)
{
    uint64_t end = base + size;
    if (!size || end < base)
        return;
    hv_expo_advance(x, now);
    hole_close(x);
    if (!unmap_whole_segment(x, base, end))
        unmap_general(x, base, end);
}

void hv_expo_set_owner(struct hv_exposure *x, uint64_t now, uint64_t base, uint64_t size,
                       unsigned owner)
{
    uint64_t end = base + size;
    if (!size || end < base || owner >= HV_EXPO_NOWNERS)
        return;
    hv_expo_advance(x, now);
    hole_close(x);
    /* The owner table: cut what overlaps, then insert the new range. */
    if (!grow((void **)&x->own, &x->capown, x->nown + 2, sizeof *x->own)) {
        x->oom = true;
        return;
    }
    size_t i = own_find(x, base);
    if (i < x->nown && x->own[i].base < base && x->own[i].end > end) {
        /* Strictly inside one range: keep its two ends. */
        struct expo_own hi = x->own[i];
        hi.base = end;
        x->own[i].end = base;
        memmove(&x->own[i + 3], &x->own[i + 1], (x->nown - i - 1) * sizeof *x->own);
        x->own[i + 1] = (struct expo_own){base, end, (uint16_t)owner};
        x->own[i + 2] = hi;
        x->nown += 2;
    } else {
        if (i < x->nown && x->own[i].base < base) {
            x->own[i].end = base;
            i++;
        }
        size_t j = i;
        while (j < x->nown && x->own[j].end <= end)
            j++;
        if (j < x->nown && x->own[j].base < end)
            x->own[j].base = end;
        /* Replace own[i, j) by the new range. */
        memmove(&x->own[i + 1], &x->own[j], (x->nown - j) * sizeof *x->own);
        x->nown = x->nown - (j - i) + 1;
        x->own[i] = (struct expo_own){base, end, (uint16_t)owner};
    }
    /* Mapped bytes in the range change owner. */
    seg_split(x, base);
    seg_split(x, end);
    for (size_t k = seg_find(x, base); k < x->nseg && x->seg[k].base < end; k++) {
        struct expo_seg *s = &x->seg[k];
        mapped_sub(x, s->owner, s->end - s->base);
        mapped_add(x, owner, s->end - s->base);
        s->owner = (uint16_t)owner;
    }
    seg_merge_around(x, base, end);
}

/* ---- Figures ----------------------------------------------------------------- */

uint64_t hv_expo_mapped(const struct hv_exposure *x, unsigned owner)
{
    return owner < HV_EXPO_NOWNERS ? x->mapped[owner] : 0;
}

/* Bytes that count as exposure for the current context right now. */
uint64_t hv_expo_exposed_now(const struct hv_exposure *x)
{
    uint64_t n = 0;
    for (unsigned o = 0; o < HV_EXPO_NOWNERS; o++)
        if (counts(x, o))
            n += x->mapped[o];
    return n;
}

double hv_expo_pair(const struct hv_exposure *x, unsigned ctx, unsigned owner)
{
    return ctx < HV_EXPO_NOWNERS && owner < HV_EXPO_NOWNERS ? x->pair[ctx][owner] : 0;
}

double hv_expo_total(const struct hv_exposure *x) { return x->total; }
uint64_t hv_expo_unmatched(const struct hv_exposure *x) { return x->unmatched; }
size_t hv_expo_segments(const struct hv_exposure *x)
{
    return x->nseg - (x->hole != NO_HOLE);
}
bool hv_expo_failed(const struct hv_exposure *x) { return x->oom; }
