/* Numbers for people: thousands separators, a few significant digits,
 * k/M/G suffixes on chart ticks, and "-" for a figure that is absent. */
#ifndef MSASIM_SIM_REPORT_FORMAT_H
#define MSASIM_SIM_REPORT_FORMAT_H

#include <stddef.h>

#define REPORT_NUM_MAX 48

/* 1234567 -> "1,234,567"; 10.914 -> "10.91"; NAN -> "-".  Returns buf. */
const char *report_num(double v, char *buf, size_t len);
/* 1234567 -> "1.23M", 1500 -> "1.5k", 12 -> "12"; NAN -> "-". */
const char *report_si(double v, char *buf, size_t len);
/* 0.4567 -> "45.7%". */
const char *report_pct(double fraction, char *buf, size_t len);

#endif
