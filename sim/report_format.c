#include "sim/report_format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void group_thousands(const char *digits, char *buf, size_t len)
{
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        buf[o++] = digits[i];
        size_t left = n - 1 - i;
        if (left && left % 3 == 0)
            buf[o++] = ',';
    }
    buf[o] = '\0';
}

const char *report_num(double v, char *buf, size_t len)
{
    if (isnan(v) || isinf(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    char digits[REPORT_NUM_MAX], grouped[REPORT_NUM_MAX];
    if (a >= 1e15) {
        snprintf(buf, len, "%s%.3g", sign, a);
        return buf;
    }
    double whole = floor(a);
    snprintf(digits, sizeof digits, "%.0f", whole);
    group_thousands(digits, grouped, sizeof grouped);
    double frac = a - whole;
    if (frac == 0 || a >= 1e6) {
        snprintf(buf, len, "%s%s", sign, grouped);
    } else {
        /* Two decimals, or three significant digits for small values. */
        char f[REPORT_NUM_MAX];
        snprintf(f, sizeof f, a < 0.1 ? "%.3g" : "%.2f", a < 0.1 ? a : frac);
        if (a < 0.1)
            snprintf(buf, len, "%s%s", sign, f);
        else if (strncmp(f, "1.00", 4) == 0) /* 9.999 rounds up */
            report_num(v < 0 ? -(whole + 1) : whole + 1, buf, len);
        else
            snprintf(buf, len, "%s%s%s", sign, grouped, f + 1);
    }
    return buf;
}

const char *report_si(double v, char *buf, size_t len)
{
    if (isnan(v) || isinf(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    static const char *const suffix[] = {"", "k", "M", "G", "T", "P", "E"};
    double a = fabs(v);
    unsigned k = 0;
    while (a >= 1000 && k + 1 < sizeof suffix / sizeof suffix[0]) {
        a /= 1000;
        k++;
    }
    char num[REPORT_NUM_MAX];
    snprintf(num, sizeof num, "%.3g", a);
    snprintf(buf, len, "%s%s%s", v < 0 ? "-" : "", num, suffix[k]);
    return buf;
}

const char *report_pct(double fraction, char *buf, size_t len)
{
    if (isnan(fraction))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f%%", 100 * fraction);
    return buf;
}
