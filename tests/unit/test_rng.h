/* A small deterministic generator (xorshift64) for the randomized tests:
 * a failure reproduces run after run.  A test seeds it by assigning
 * rng_state, or by defining TEST_RNG_SEED before including this. */
#ifndef MSASIM_TESTS_UNIT_TEST_RNG_H
#define MSASIM_TESTS_UNIT_TEST_RNG_H

#include <stdint.h>

#ifndef TEST_RNG_SEED
#define TEST_RNG_SEED 0x9E3779B97F4A7C15ull
#endif

static uint64_t rng_state = TEST_RNG_SEED;

static inline uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#endif
