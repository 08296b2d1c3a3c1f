/* Output files that are written whole or not at all.
 *
 * atomic_open() creates a temporary file next to the destination (same
 * directory, so the final rename cannot cross file systems); the caller
 * writes through the returned FILE *; atomic_commit() flushes, syncs, closes
 * and renames it over the destination, and atomic_abort() throws it away.  A
 * reader of the destination therefore sees either the previous file or the
 * complete new one, never a half-written one, even if the writer dies.  (A
 * process killed between open and commit leaves its "PATH.tmp.XXXXXX" behind.)
 *
 * The path "-" means standard output: no temporary file, commit only flushes
 * and checks for write errors, and stdout is never closed.
 *
 *     struct atomic_file af;
 *     FILE *f = atomic_open(path, &af, err);
 *     if (!f)
 *         return -1;
 *     write_things(f);
 *     return atomic_commit(&af, err);       (or atomic_abort(&af) on failure)
 */
#ifndef MSASIM_SIM_ATOMIC_FILE_H
#define MSASIM_SIM_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/error.h"

struct atomic_file {
    FILE *fp;
    char *path;     /* destination */
    char *tmp_path; /* NULL for standard output */
    bool is_stdout;
};

/* Returns the stream to write to, or NULL with `err` naming the path and the
 * system's reason.  `af` is always initialised, so atomic_abort() is safe
 * after a failed open. */
FILE *atomic_open(const char *path, struct atomic_file *af, struct msa_error *err);

/* Makes the file appear at its path.  On failure (write error, full disk,
 * rename refused) the temporary file is removed, the destination is left as
 * it was, and -1 is returned with `err` naming the path.  Either way `af` is
 * finished: a later atomic_abort() does nothing. */
int atomic_commit(struct atomic_file *af, struct msa_error *err);

/* Discards what was written; the destination is left as it was. */
void atomic_abort(struct atomic_file *af);

#endif
