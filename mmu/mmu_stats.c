/* Names for the statistics the MMU keeps (struct mmu_stats), for reports
 * and tables. */
#include <string.h>

#include "mmu/mmu.h"

const char *mmu_tlb_level_name(enum mmu_tlb_level level)
{
    static const char *const names[MMU_TLB_LEVEL_COUNT] = {
        [MMU_TLB_MICRO_I] = "micro_itlb",
        [MMU_TLB_MICRO_D] = "micro_dtlb",
        [MMU_TLB_MAIN] = "main_tlb",
        [MMU_TLB_WALK] = "walk_cache",
        [MMU_TLB_IPA] = "ipa_cache",
    };
    return (unsigned)level < MMU_TLB_LEVEL_COUNT ? names[level] : "?";
}

const char *mmu_walk_kind_name(enum mmu_walk_kind kind)
{
    static const char *const names[MMU_WALK_KIND_COUNT] = {
        [MMU_WALK_S1] = "stage1",
        [MMU_WALK_S12] = "stage1+2",
        [MMU_WALK_S2] = "stage2",
    };
    return (unsigned)kind < MMU_WALK_KIND_COUNT ? names[kind] : "?";
}

const char *mmu_fault_kind_name(enum mmu_fault_kind kind)
{
    static const char *const names[MMU_FAULT_KIND_COUNT] = {
        [MMU_FAULT_NONE] = "none",
        [MMU_FAULT_ADDR_SIZE] = "address_size",
        [MMU_FAULT_TRANSLATION] = "translation",
        [MMU_FAULT_ACCESS_FLAG] = "access_flag",
        [MMU_FAULT_PERMISSION] = "permission",
        [MMU_FAULT_EXT_ABORT_WALK] = "external_abort_on_walk",
    };
    return (unsigned)kind < MMU_FAULT_KIND_COUNT ? names[kind] : "?";
}

void mmu_stats_reset(struct mmu_stats *stats)
{
    memset(stats, 0, sizeof *stats);
}
