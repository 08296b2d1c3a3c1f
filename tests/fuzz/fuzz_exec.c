/* The core on arbitrary instruction words.  Byte 0 picks the exception
 * level (EL2, EL1 or EL0) and the profile (r on fvp-r, a on virt); byte 1
 * turns on the MPU/MMU (SCTLR.M) at EL2 and EL1 and the caches (C, I).
 * The rest are the instruction words, placed at the start of RAM and run for
 * a bounded number of instructions so every input ends in milliseconds. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_EXEC_MAX_INSNS 4096
#define FUZZ_EXEC_MAX_CODE  (64u * 1024)

#define ENC_SCTLR_EL1 CPU_SYSREG_ENC(3, 0, 1, 0, 0)
#define ENC_SCTLR_EL2 CPU_SYSREG_ENC(3, 4, 1, 0, 0)
#define ENC_HCR_EL2   CPU_SYSREG_ENC(3, 4, 1, 1, 0)
#define ENC_SPSR_EL2  CPU_SYSREG_ENC(3, 4, 4, 0, 0)
#define ENC_ELR_EL2   CPU_SYSREG_ENC(3, 4, 4, 0, 1)

#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)
#define HCR_RW  (UINT64_C(1) << 31)   /* EL1 is AArch64 */
#define SPSR_DAIF (UINT64_C(0xF) << 6)

static void discard(void *ctx, const char *bytes, size_t len)
{
}

static uint64_t sctlr_bits(unsigned sel)
{
    return (sel & 1 ? SCTLR_M : 0) | (sel & 2 ? SCTLR_C | SCTLR_I : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned el = 2 - data[0] % 3;
    bool profile_r = data[0] & 4;
    unsigned mode = data[1];
    data += 2;
    size -= 2;
    if (size > FUZZ_EXEC_MAX_CODE)
        size = FUZZ_EXEC_MAX_CODE;

    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.platform = profile_r ? "fvp-r" : "virt";
    cfg.profile = profile_r ? MACHINE_PROFILE_R : MACHINE_PROFILE_A;
    cfg.cores = 1;
    cfg.console = discard;
    struct msa_error err = {0};
    struct machine *m = NULL;
    if (machine_create(&cfg, &m, &err) != 0)
        abort();   /* the built-in platforms must always build */

    uint64_t base = m->plat->memory.items[0].base;
    if (ram_write(m->ram, base, data, size) != 0)
        abort();
    cpu_cluster_code_written(m->cluster, base, size ? size : 4);
    struct cpu *c = m->cores[0];
    cpu_reset(c, base);
    cpu_sysreg_set(c, ENC_SCTLR_EL2, sctlr_bits(mode));
    cpu_sysreg_set(c, ENC_SCTLR_EL1, sctlr_bits(mode >> 2));
    if (el < 2) {
        cpu_sysreg_set(c, ENC_HCR_EL2, HCR_RW | (mode & 0x10 ? 1 : 0));   /* VM */
        cpu_sysreg_set(c, ENC_SPSR_EL2, SPSR_DAIF | (el == 1 ? 5 : 0));   /* EL1h / EL0t */
        cpu_sysreg_set(c, ENC_ELR_EL2, base);
        cpu_eret(c);
    }
    machine_run(m, FUZZ_EXEC_MAX_INSNS, NULL, NULL);
    machine_destroy(m);
    return 0;
}
