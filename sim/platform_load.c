/* Where a platform comes from: a built-in name, a DTB file, or a DTS file
 * that dtc compiles.  DTB and DTS are told apart by the FDT magic, never by
 * the file name. */
#include "sim/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A DTS is text: a NUL in its first bytes means a binary file that is not a
 * device tree, and dtc would only print noise about it. */
#define TEXT_PROBE_BYTES 4096

static int read_file(const char *path, unsigned char **buf, size_t *len, struct msa_error *err)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return msa_error_set(err, "%s: cannot open platform file: %s%s", path, strerror(errno),
                             errno == ENOENT ? " (built-in platforms: virt, fvp-r)" : "");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return msa_error_set(err, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > PLATFORM_MAX_DTB_SIZE) {
        close(fd);
        return msa_error_set(err, "%s: %" PRIu64 " bytes, more than the %u MiB a device tree may take",
                             path, (uint64_t)st.st_size, PLATFORM_MAX_DTB_SIZE >> 20);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *data = malloc(size ? size : 1);
    if (!data) {
        close(fd);
        return msa_error_set(err, "%s: out of memory reading %zu bytes", path, size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, data + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : 0;
            free(data);
            close(fd);
            return msa_error_set(err, "%s: read failed after %zu of %zu bytes%s%s", path, got, size,
                                 e ? ": " : "", e ? strerror(e) : "");
        }
        got += (size_t)n;
    }
    close(fd);
    *buf = data;
    *len = size;
    return 0;
}

/* The line of dtc's stderr worth showing: the first that says "rror",
 * else the first non-empty one; control characters are replaced so the
 * message stays on one line. */
static void first_error_line(FILE *f, char *out, size_t outlen)
{
    char line[MSA_ERROR_MAX];
    out[0] = '\0';
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (!out[0] || strstr(line, "rror")) {
            size_t n = strnlen(line, outlen - 1);
            memcpy(out, line, n);
            out[n] = '\0';
            if (strstr(line, "rror"))
                break;
        }
    }
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
            *c = '?';
}

/* Runs `dtc -I dts -O dtb PATH`, collecting the blob from its stdout and its
 * complaints in an anonymous temporary file (no deadlock on a full pipe). */
static int compile_dts(const char *path, unsigned char **blob, size_t *blob_len, struct msa_error *err)
{
    const char *dtc = getenv("MSASIM_DTC");
    if (!dtc || !*dtc)
        dtc = "dtc";
    *blob = NULL;
    *blob_len = 0;

    FILE *errf = tmpfile();
    if (!errf)
        return msa_error_set(err, "%s: cannot create a temporary file for dtc: %s", path, strerror(errno));
    int out[2];
    if (pipe(out) != 0) {
        fclose(errf);
        return msa_error_set(err, "%s: pipe for dtc failed: %s", path, strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        fclose(errf);
        return msa_error_set(err, "%s: fork for dtc failed: %s", path, strerror(errno));
    }
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(fileno(errf), STDERR_FILENO);
        close(out[0]);
        close(out[1]);
        char *const argv[] = { (char *)dtc, "-q", "-I", "dts", "-O", "dtb", "--", (char *)path, NULL };
        execvp(dtc, argv);
        _exit(127);
    }
    close(out[1]);

    size_t cap = 64 * 1024, len = 0;
    unsigned char *buf = malloc(cap);
    bool too_big = false, oom = buf == NULL;
    for (;;) {
        if (!oom && !too_big && len == cap) {
            if (cap >= PLATFORM_MAX_DTB_SIZE) {
                too_big = true;
            } else {
                unsigned char *g = realloc(buf, cap * 2);
                if (g) {
                    buf = g;
                    cap *= 2;
                } else {
                    oom = true;
                }
            }
        }
        if (oom || too_big)
            break;
        ssize_t n = read(out[0], buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    if (oom || too_big)
        kill(pid, SIGKILL);
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;

    int rc = 0;
    if (oom) {
        rc = msa_error_set(err, "%s: out of memory collecting dtc output", path);
    } else if (too_big) {
        rc = msa_error_set(err, "%s: dtc output exceeds the %u MiB a device tree may take",
                           path, PLATFORM_MAX_DTB_SIZE >> 20);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        rc = msa_error_set(err, "%s: not a DTB, and %s could not be run to compile it as DTS "
                           "(install device-tree-compiler or set MSASIM_DTC)", path, dtc);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char line[MSA_ERROR_MAX / 2];
        first_error_line(errf, line, sizeof line);
        rc = msa_error_set(err, "%s: not a DTB and not a DTS that dtc accepts: %s", path,
                           line[0] ? line : "dtc failed without a message");
    }
    fclose(errf);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *blob = buf;
    *blob_len = len;
    return 0;
}

static int load_file(const char *path, struct platform **out, struct msa_error *err)
{
    unsigned char *data;
    size_t len;
    if (read_file(path, &data, &len, err) < 0)
        return -1;
    if (len == 0) {
        free(data);
        return msa_error_set(err, "%s: empty file, expected a DTB or DTS", path);
    }
    if (len >= 4 && fdt_magic(data) == FDT_MAGIC) {
        int rc = platform_from_fdt(data, len, path, out, err);
        free(data);
        return rc;
    }
    size_t probe = len < TEXT_PROBE_BYTES ? len : TEXT_PROBE_BYTES;
    if (memchr(data, '\0', probe)) {
        uint32_t magic = 0;
        if (len >= 4)
            magic = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
        free(data);
        return msa_error_set(err, "%s: not a DTB (magic 0x%08" PRIx32 ", expected 0x%08x) "
                             "and not DTS text", path, magic, FDT_MAGIC);
    }
    free(data);

    unsigned char *blob;
    size_t blob_len;
    if (compile_dts(path, &blob, &blob_len, err) < 0)
        return -1;
    int rc = platform_from_fdt(blob, blob_len, path, out, err);
    free(blob);
    return rc;
}

int platform_load(const char *name_or_path, struct platform **out, struct msa_error *err)
{
    *out = NULL;
    if (!name_or_path || !*name_or_path)
        return msa_error_set(err, "platform: no name or file given (built-ins: virt, fvp-r)");
    size_t size;
    const void *dtb = platform_builtin_dtb(name_or_path, &size);
    if (dtb)
        return platform_from_fdt(dtb, size, name_or_path, out, err);
    return load_file(name_or_path, out, err);
}
