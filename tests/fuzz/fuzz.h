/* The libFuzzer entry point every target in this folder defines.  The same
 * file links either with libFuzzer (make fuzz) or with replay_main.c, which
 * feeds it the files of a corpus directory (make test). */
#ifndef MSASIM_TESTS_FUZZ_FUZZ_H
#define MSASIM_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
