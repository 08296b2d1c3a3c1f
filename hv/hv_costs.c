/* Cycle costs of hardware operations.
 *
 * No latency of an MPU register write, barrier or cache maintenance
 * operation on a Cortex-R82 is published (reference notes, section 7), so
 * the defaults are assumptions for an 8-stage in-order pipeline, chosen so
 * that their ratios are plausible: an ISB refills the pipeline, a DSB SY
 * waits for outstanding accesses, an MSR to a system register serialises
 * briefly.  They hold until the timing model (cpu/timing) supplies measured
 * figures; every one is settable with --hv-opt cost.NAME=CYCLES. */
#include <stddef.h>
#include <string.h>

#include "hv/hv.h"
#include "hv/hv_lib.h"

static const struct {
    const char *name;
    size_t offset;
    uint64_t defval;
} cost_table[] = {
    {"msr_mpu", offsetof(struct hv_costs, msr_mpu), 2},
    {"mrs_mpu", offsetof(struct hv_costs, mrs_mpu), 1},
    {"msr_sysreg", offsetof(struct hv_costs, msr_sysreg), 2},
    {"isb", offsetof(struct hv_costs, isb), 12},
    {"dsb", offsetof(struct hv_costs, dsb), 8},
    {"tlbi", offsetof(struct hv_costs, tlbi), 4},
    {"dc_line", offsetof(struct hv_costs, dc_line), 4},
    {"ic_all", offsetof(struct hv_costs, ic_all), 32},
    {"copy_line", offsetof(struct hv_costs, copy_line), 8},
    {"zero_line", offsetof(struct hv_costs, zero_line), 4},
    {"sw_step", offsetof(struct hv_costs, sw_step), 1},
};

#define NCOSTS (sizeof cost_table / sizeof cost_table[0])

void hv_costs_default(struct hv_costs *c)
{
    for (size_t i = 0; i < NCOSTS; i++)
        *(uint64_t *)(void *)((char *)c + cost_table[i].offset) = cost_table[i].defval;
}

const char *hv_cost_name(size_t i)
{
    return i < NCOSTS ? cost_table[i].name : NULL;
}

int hv_costs_set(struct hv_costs *c, const char *name, const char *value, struct msa_error *err)
{
    for (size_t i = 0; i < NCOSTS; i++) {
        if (strcmp(cost_table[i].name, name) != 0)
            continue;
        uint64_t v;
        if (hv_parse_u64(value, &v) < 0 || v > 1000000)
            return msa_error_set(err, "--hv-opt cost.%s=%s: expected a cycle count from 0 to 1000000",
                                 name, value);
        *(uint64_t *)(void *)((char *)c + cost_table[i].offset) = v;
        return 0;
    }
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < NCOSTS && used < sizeof names; i++) {
        size_t n = strlen(cost_table[i].name);
        if (used + n + 2 >= sizeof names)
            break;
        if (i)
            names[used++] = ',';
        memcpy(names + used, cost_table[i].name, n + 1);
        used += n;
    }
    return msa_error_set(err, "--hv-opt cost.%s: unknown cost: expected one of %s", name, names);
}
