/* The ELF loader.  load_elf reads a path, so each input goes to a fresh
 * temporary file that is removed again at once (libFuzzer ends without
 * running atexit handlers).  The RAM has a bank where each built-in platform
 * keeps its RAM (0 for fvp-r, 1 GiB for virt) so that well-formed seeds load. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/loader.h"
#include "sim/ram.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ram *ram;
    struct msa_error err = {0};
    if (!ram) {
        ram = ram_new();
        if (!ram || ram_add_bank(ram, 0, 64u << 20, &err) != 0 ||
            ram_add_bank(ram, UINT64_C(0x40000000), 64u << 20, &err) != 0)
            abort();
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/msasim-fuzz-elf-XXXXXX", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    FILE *f = fdopen(fd, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    struct loaded_image img;
    if (load_elf(ram, path, &img, &err) == 0)
        loaded_image_release(&img);
    unlink(path);
    return 0;
}
