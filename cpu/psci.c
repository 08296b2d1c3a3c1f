/* The EL3 firmware of profile a, emulated: SMC calls from EL1/EL2 are
 * answered here with the PSCI 1.1 functions a hypervisor or kernel needs
 * (function ID in W0, arguments in X1-X3, result in X0).  The answers are
 * those of QEMU 7.2's virt machine with virtualization=on (recorded in
 * workloads/expected/psci.txt): PSCI_VERSION 1.1, results sign-extended
 * to 64 bits even for SMC32 calls, and SMCCC_VERSION/ARCH_FEATURES not
 * supported.  CPU_ON starts another core of the cluster at EL2, as QEMU
 * does when EL2 is enabled and EL3 is not. */
#include "cpu/internal.h"

enum {
    PSCI_VERSION = 0x84000000, PSCI_CPU_SUSPEND = 0x84000001, PSCI_CPU_OFF = 0x84000002,
    PSCI_CPU_ON = 0x84000003, PSCI_AFFINITY_INFO = 0x84000004, PSCI_MIGRATE = 0x84000005,
    PSCI_MIGRATE_INFO_TYPE = 0x84000006, PSCI_MIGRATE_INFO_UP_CPU = 0x84000007,
    PSCI_SYSTEM_OFF = 0x84000008, PSCI_SYSTEM_RESET = 0x84000009, PSCI_FEATURES = 0x8400000A,
    SMCCC_VERSION = 0x80000000, SMCCC_ARCH_FEATURES = 0x80000001,
};
#define SMC64 0x40000000u

enum {
    PSCI_SUCCESS = 0, PSCI_NOT_SUPPORTED = -1, PSCI_INVALID_PARAMS = -2,
    PSCI_ALREADY_ON = -4, PSCI_INTERNAL_FAILURE = -6,
};

static struct cpu *find_core(struct cpu *c, uint64_t mpidr)
{
    struct cpu_cluster *cl = c->cluster;
    for (unsigned k = 0; k < cl->ncores; k++)
        if ((cl->cores[k]->mpidr & 0xFF00FFFFFFull) == (mpidr & 0xFF00FFFFFFull))
            return cl->cores[k];
    return NULL;
}

static bool supported(uint32_t fid)
{
    switch (fid & ~SMC64) {
    case PSCI_VERSION: case PSCI_CPU_SUSPEND: case PSCI_CPU_OFF: case PSCI_CPU_ON:
    case PSCI_AFFINITY_INFO: case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
        return true;
    default:
        return false;
    }
}

uint64_t cpu_psci_call(struct cpu *c)
{
    uint32_t fid = (uint32_t)c->r[0];
    bool smc64 = fid & SMC64;
    uint64_t a1 = c->r[1], a2 = c->r[2], a3 = c->r[3];
    if (!smc64) {
        a1 = (uint32_t)a1;
        a2 = (uint32_t)a2;
        a3 = (uint32_t)a3;
    }
    int64_t ret = PSCI_NOT_SUPPORTED;
    switch (fid & ~SMC64) {
    case PSCI_VERSION:
        ret = 0x10001;   /* 1.1 */
        break;
    case PSCI_FEATURES:
        ret = supported((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
        break;
    case PSCI_CPU_SUSPEND:
        /* Entered and left at once: the caller sees a wake-up. */
        ret = PSCI_SUCCESS;
        break;
    case PSCI_CPU_OFF:
        c->run_state = CPU_POWERED_OFF;
        cpu_stop(c, CPU_STOP_OFF);
        ret = PSCI_INTERNAL_FAILURE;   /* only seen if it ever returns */
        break;
    case PSCI_CPU_ON: {
        struct cpu *t = find_core(c, a1);
        if (!t) {
            ret = PSCI_INVALID_PARAMS;
        } else if (t->run_state != CPU_POWERED_OFF) {
            ret = PSCI_ALREADY_ON;
        } else {
            cpu_reset(t, a2);
            t->r[0] = a3;
            ret = PSCI_SUCCESS;
        }
        break;
    }
    case PSCI_AFFINITY_INFO: {
        struct cpu *t = find_core(c, a1);
        ret = !t ? PSCI_INVALID_PARAMS : t->run_state == CPU_POWERED_OFF ? 1 : 0;
        break;
    }
    case PSCI_MIGRATE_INFO_TYPE:
        ret = 2;   /* no Trusted OS */
        break;
    case PSCI_SYSTEM_OFF:
        cpu_stop(c, CPU_STOP_SYSTEM_OFF);
        ret = PSCI_SUCCESS;
        break;
    case PSCI_SYSTEM_RESET:
        cpu_stop(c, CPU_STOP_SYSTEM_RESET);
        ret = PSCI_SUCCESS;
        break;
    default:
        break;
    }
    c->r[0] = (uint64_t)ret;
    return c->r[0];
}
