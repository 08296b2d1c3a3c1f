/* Events per second for the --time options: wall-clock time and the
 * process's CPU time side by side.  On a shared machine the wall-clock
 * rate also measures the neighbours (time spent descheduled); the CPU-time
 * rate is what the simulator itself costs. */
#ifndef MSASIM_SIM_RATE_CLOCK_H
#define MSASIM_SIM_RATE_CLOCK_H

#include <stdint.h>
#include <stdio.h>

struct rate_clock {
    double wall, cpu;   /* seconds at rate_clock_start */
};

struct rate_clock rate_clock_start(void);

/* Prints "msasim: WHAT: N events VERB in W s (CPU C s): R events/s, Q per
 * CPU second" on `out`. */
void rate_clock_report(const struct rate_clock *c, FILE *out, const char *what,
                       const char *verb, uint64_t events);

#endif
