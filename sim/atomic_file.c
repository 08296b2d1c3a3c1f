#include "sim/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char TMP_SUFFIX[] = ".tmp.XXXXXX";

static void reset(struct atomic_file *af)
{
    free(af->path);
    free(af->tmp_path);
    memset(af, 0, sizeof *af);
}

/* mkstemp creates files with mode 0600; a finished output file should get
 * the mode any other new file would (0666 minus the umask).  The umask is
 * read from /proc where possible because setting it to read it back is not
 * safe while other threads create files. */
static mode_t new_file_mode(void)
{
    mode_t mask = 022;
    bool found = false;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned m;
            if (sscanf(line, "Umask: %o", &m) == 1) {
                mask = (mode_t)m;
                found = true;
                break;
            }
        }
        fclose(f);
    }
    if (!found) {
        mask = umask(022);
        umask(mask);
    }
    return 0666 & ~mask;
}

FILE *atomic_open(const char *path, struct atomic_file *af, struct msa_error *err)
{
    memset(af, 0, sizeof *af);
    if (!path || !*path) {
        msa_error_set(err, "output file: expected a path, found an empty name");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        af->is_stdout = true;
        af->fp = stdout;
        return stdout;
    }
    size_t n = strlen(path);
    af->path = strdup(path);
    af->tmp_path = malloc(n + sizeof TMP_SUFFIX);
    if (!af->path || !af->tmp_path) {
        reset(af);
        msa_error_set(err, "%s: cannot create: out of memory", path);
        return NULL;
    }
    memcpy(af->tmp_path, path, n);
    memcpy(af->tmp_path + n, TMP_SUFFIX, sizeof TMP_SUFFIX);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        int e = errno;
        reset(af);
        msa_error_set(err, "%s: cannot create: %s", path, strerror(e));
        return NULL;
    }
    if (fchmod(fd, new_file_mode()) != 0 || !(af->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(af->tmp_path);
        reset(af);
        msa_error_set(err, "%s: cannot create: %s", path, strerror(e));
        return NULL;
    }
    return af->fp;
}

/* The rename is only durable once the directory entry is on disk too; this
 * is best effort because some file systems refuse fsync on directories. */
static void sync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static int commit_stdout(struct atomic_file *af, struct msa_error *err)
{
    errno = 0;
    bool failed = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    reset(af);
    if (failed)
        return msa_error_set(err, "standard output: cannot write: %s",
                             e ? strerror(e) : "an earlier write failed");
    return 0;
}

int atomic_commit(struct atomic_file *af, struct msa_error *err)
{
    if (af->is_stdout)
        return commit_stdout(af, err);
    if (!af->fp)
        return msa_error_set(err, "%s: cannot write: the file is not open",
                             af->path ? af->path : "output file");
    const char *what = "cannot write";
    int e = 0;
    errno = 0;
    if (fflush(af->fp) != 0 || ferror(af->fp)) {
        e = errno;
    } else if (fsync(fileno(af->fp)) != 0) {
        e = errno;
    }
    bool failed = e != 0 || ferror(af->fp);
    if (fclose(af->fp) != 0 && !failed) {
        e = errno;
        failed = true;
    }
    af->fp = NULL;
    if (!failed && rename(af->tmp_path, af->path) != 0) {
        e = errno;
        failed = true;
        what = "cannot replace";
    }
    if (failed) {
        unlink(af->tmp_path);
        msa_error_set(err, "%s: %s: %s", af->path, what,
                      e ? strerror(e) : "an earlier write failed");
        reset(af);
        return -1;
    }
    sync_parent_dir(af->path);
    reset(af);
    return 0;
}

void atomic_abort(struct atomic_file *af)
{
    if (af->is_stdout) {
        fflush(stdout);
    } else {
        if (af->fp)
            fclose(af->fp);
        if (af->tmp_path)
            unlink(af->tmp_path);
    }
    reset(af);
}
