/* Small freestanding functions for module code (which has no libc): string
 * comparison, number and range parsing, alignment.  All static inline, so a
 * module built as a shared object links against nothing. */
#ifndef MSASIM_HV_HV_LIB_H
#define MSASIM_HV_HV_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_PAGE_SHIFT 12
#define HV_PAGE_SIZE ((uint64_t)1 << HV_PAGE_SHIFT)

static inline bool hv_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* True when `s` starts with `prefix`; *rest points after it. */
static inline bool hv_starts_with(const char *s, const char *prefix, const char **rest)
{
    while (*prefix) {
        if (*s != *prefix)
            return false;
        s++;
        prefix++;
    }
    if (rest)
        *rest = s;
    return true;
}

/* Parses an unsigned number (decimal or 0x hex, optional k/M/G suffix) that
 * ends at `end` (or at the string's end when end is NULL).  Returns 0 on
 * success, -1 on anything else including overflow. */
static inline int hv_parse_u64_n(const char *s, const char *end, uint64_t *out)
{
    if (!s || s == end || !*s)
        return -1;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    uint64_t v = 0;
    bool digits = false;
    unsigned shift = 0;
    for (; *s && s != end; s++) {
        unsigned d;
        char c = *s;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else if (digits && (c == 'k' || c == 'K' || c == 'm' || c == 'M' || c == 'g' || c == 'G') &&
                 (s + 1 == end || s[1] == '\0')) {
            shift = (c == 'k' || c == 'K') ? 10 : (c == 'm' || c == 'M') ? 20 : 30;
            break;
        } else
            return -1;
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
        digits = true;
    }
    if (!digits)
        return -1;
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

static inline int hv_parse_u64(const char *s, uint64_t *out)
{
    return hv_parse_u64_n(s, NULL, out);
}

/* "BASE+SIZE" -> base, size (size > 0, no wrap). */
static inline int hv_parse_range(const char *s, uint64_t *base, uint64_t *size)
{
    const char *plus = s;
    while (*plus && *plus != '+')
        plus++;
    if (!*plus)
        return -1;
    if (hv_parse_u64_n(s, plus, base) < 0 || hv_parse_u64(plus + 1, size) < 0 || *size == 0 ||
        *base + *size < *base)
        return -1;
    return 0;
}

static inline uint64_t hv_align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
static inline uint64_t hv_align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* [a, a+as) and [b, b+bs) share a byte (sizes > 0). */
static inline bool hv_overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return as && bs && a < b + bs && b < a + as;
}

#endif
