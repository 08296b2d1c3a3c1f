/* Error reporting shared by every layer: a function that can fail on bad
 * input takes a `struct msa_error *` and fills it with one line that names the
 * file, node, offset or option at fault and says what was expected.  The CLI
 * prints that line as is, so messages never need re-wording further up. */
#ifndef MSASIM_SIM_ERROR_H
#define MSASIM_SIM_ERROR_H

#include <stddef.h>

#define MSA_ERROR_MAX 512

struct msa_error {
    char msg[MSA_ERROR_MAX];
};

/* printf-style; a NULL `err` is allowed and ignored.  Always returns -1 so a
 * failing function can `return msa_error_set(err, ...);`. */
int msa_error_set(struct msa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix an existing message ("FILE: " + old), used when a lower layer
 * reports a problem without knowing which file it came from. */
int msa_error_prefix(struct msa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
