/* Device tree blobs: platform_from_fdt, then the cross-checks and both
 * printers, since a parsed tree must also be printable. */
#include <stdio.h>

#include "sim/platform.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msa_error err = {0};
    struct platform *p = NULL;
    if (platform_from_fdt(data, size, "fuzz.dtb", &p, &err) != 0)
        return 0;
    platform_check(p, &err);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        platform_write_json(p, sink);
        platform_write_text(p, sink);
        fclose(sink);
    }
    platform_free(p);
    return 0;
}
