/* The consistency checker: the module's table of regions against the
 * simulated EL2 MPUs, slot by slot.
 *
 * Hardware is read from the "written" copy (what MRS returns) and compared
 * with what the module believes it wrote; a slot whose written value has
 * not reached the effective copy is reported separately, because it means
 * an update ended without the ISB that makes it take effect.  The most
 * interesting finding is a slot the module thinks free while hardware still
 * enables it: a region the hypervisor forgot, still reachable (Xen's
 * PRENR-based disable of regions 32 and above is such a case). */
#include <inttypes.h>
#include <stdio.h>

#include "hv/hv_internal.h"

static uint64_t lo(uint64_t prbar) { return prbar & MPU_ADDR_MASK; }
static uint64_t hi(uint64_t prlar) { return (prlar & MPU_ADDR_MASK) | (MPU_GRANULE - 1); }

static unsigned report(void (*fn)(void *, const char *), void *ctx, const char *line)
{
    if (fn)
        fn(ctx, line);
    return 1;
}

unsigned hv_check(struct hv *hv, void (*fn)(void *ctx, const char *line), void *ctx)
{
    unsigned n = 0;
    char line[MSA_ERROR_MAX];
    for (unsigned c = 0; c < hv->ncores; c++) {
        const struct mpu *m = &hv->mpus[c].el2;
        for (unsigned s = 0; s < m->nregions; s++) {
            struct hv_shadow_slot sh = {0};
            hv->mod->shadow(hv->state, c, s, &sh);
            const struct mpu_region *w = &m->written[s], *e = &m->effective[s];
            bool hw_en = (w->prlar & MPU_PRLAR_EN) != 0;
            if (!sh.in_use && hw_en) {
                snprintf(line, sizeof line,
                         "core %u slot %u: enabled in the EL2 MPU [0x%" PRIx64 ", 0x%" PRIx64
                         "] but free in the module's table", c, s, lo(w->prbar), hi(w->prlar));
                n += report(fn, ctx, line);
            } else if (sh.in_use && sh.expect_enabled && !hw_en) {
                snprintf(line, sizeof line,
                         "core %u slot %u: in use in the module's table [0x%" PRIx64 ", 0x%" PRIx64
                         "] but disabled in the EL2 MPU", c, s, lo(sh.prbar), hi(sh.prlar));
                n += report(fn, ctx, line);
            } else if (sh.in_use && !sh.expect_enabled && hw_en) {
                snprintf(line, sizeof line,
                         "core %u slot %u: the module expects it disabled [0x%" PRIx64 ", 0x%" PRIx64
                         "] but the EL2 MPU enables it", c, s, lo(sh.prbar), hi(sh.prlar));
                n += report(fn, ctx, line);
            } else if (sh.in_use && hw_en &&
                       (w->prbar != sh.prbar ||
                        (w->prlar & ~MPU_PRLAR_EN) != (sh.prlar & ~MPU_PRLAR_EN))) {
                snprintf(line, sizeof line,
                         "core %u slot %u: the EL2 MPU holds [0x%" PRIx64 ", 0x%" PRIx64 "] "
                         "(PRBAR 0x%" PRIx64 ", PRLAR 0x%" PRIx64 ") but the module's table says "
                         "[0x%" PRIx64 ", 0x%" PRIx64 "] (PRBAR 0x%" PRIx64 ", PRLAR 0x%" PRIx64 ")",
                         c, s, lo(w->prbar), hi(w->prlar), w->prbar, w->prlar, lo(sh.prbar),
                         hi(sh.prlar), sh.prbar, sh.prlar);
                n += report(fn, ctx, line);
            }
            if (w->prbar != e->prbar || w->prlar != e->prlar) {
                snprintf(line, sizeof line,
                         "core %u slot %u: written but not yet effective (no ISB since the write)",
                         c, s);
                n += report(fn, ctx, line);
            }
        }
    }
    return n;
}
