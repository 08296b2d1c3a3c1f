#include "sim/rate_clock.h"

#include <inttypes.h>
#include <time.h>

static double seconds_of(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct rate_clock rate_clock_start(void)
{
    return (struct rate_clock){seconds_of(CLOCK_MONOTONIC),
                               seconds_of(CLOCK_PROCESS_CPUTIME_ID)};
}

static double per_second(uint64_t n, double seconds)
{
    return seconds > 0 ? (double)n / seconds : 0.0;
}

void rate_clock_report(const struct rate_clock *c, FILE *out, const char *what,
                       const char *verb, uint64_t events)
{
    double wall = seconds_of(CLOCK_MONOTONIC) - c->wall;
    double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - c->cpu;
    fprintf(out, "msasim: %s: %" PRIu64 " events %s in %.6f s (CPU %.6f s): %.0f events/s, "
            "%.0f per CPU second\n", what, events, verb, wall, cpu, per_second(events, wall),
            per_second(events, cpu));
}
