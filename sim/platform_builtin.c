/* The device trees built into the binary (sim/builtin_platforms.S embeds the
 * DTBs that dtc makes from sim/platforms/NAME.dts). */
#include "sim/platform.h"

#include <string.h>

extern const unsigned char msasim_platform_virt_dtb_start[];
extern const unsigned char msasim_platform_virt_dtb_end[];
extern const unsigned char msasim_platform_fvp_r_dtb_start[];
extern const unsigned char msasim_platform_fvp_r_dtb_end[];

static const struct {
    const char *name;
    const unsigned char *start;
    const unsigned char *end;
} builtins[] = {
    { "virt", msasim_platform_virt_dtb_start, msasim_platform_virt_dtb_end },
    { "fvp-r", msasim_platform_fvp_r_dtb_start, msasim_platform_fvp_r_dtb_end },
};

const void *platform_builtin_dtb(const char *name, size_t *size)
{
    for (size_t i = 0; name && i < sizeof builtins / sizeof builtins[0]; i++) {
        if (strcmp(name, builtins[i].name) == 0) {
            if (size)
                *size = (size_t)(builtins[i].end - builtins[i].start);
            return builtins[i].start;
        }
    }
    return NULL;
}

const char *platform_builtin_name(size_t i)
{
    return i < sizeof builtins / sizeof builtins[0] ? builtins[i].name : NULL;
}
