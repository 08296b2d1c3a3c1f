/* workloads/bench_int with the caches on (the MPU or MMU enabled first):
 * the figure an IPC comparison needs, since with translation off every
 * data access is Device memory. */
#include "tm_rt.h"

#define main bench_int_main
#include "../bench_int.c"
#undef main

int main(void)
{
    tm_caches_on();
    return bench_int_main();
}
