# The VMSAv8-64 architecture tests (workloads/mmu): bare-metal programs for
# the virt platform that build translation tables at EL2 and for an EL1
# guest, turn translation on and print what faults, AT and TLB maintenance
# report.  build/workloads/mmu/NAME.elf from workloads/mmu/NAME.c, the MMU
# test runtime (mmu_rt.c, mmu_rt_asm.S) and the common runtime in
# workloads/lib.  Self-contained: this file is read before workloads.mk.
MMUT_DIR     := $(BUILD)/workloads/mmu
MMUT_NAMES   := mmu_el2 mmu_guest mmu_smp mmu_r82 mmu_exposure
MMUT_ELFS    := $(patsubst %,$(MMUT_DIR)/%.elf,$(MMUT_NAMES))
MMUT_CFLAGS  := -O2 -g -ffreestanding -nostdlib -nostartfiles -fno-pic -fno-pie -no-pie \
                -mgeneral-regs-only -march=armv8-a -mstrict-align -Wall -Wextra -Werror \
                -fno-stack-protector -fno-builtin -Iworkloads
MMUT_LDFLAGS := -T workloads/lib/link.ld -Wl,--build-id=none -Wl,-z,norelro \
                -Wl,--no-warn-rwx-segments -static
MMUT_RT      := workloads/lib/crt0.S workloads/lib/rt.c workloads/mmu/mmu_rt.c \
                workloads/mmu/mmu_rt_asm.S

WORKLOADS += $(MMUT_ELFS)

$(MMUT_ELFS): $(MMUT_DIR)/%.elf: workloads/mmu/%.c $(MMUT_RT) workloads/lib/rt.h workloads/lib/frame.h \
              workloads/mmu/mmu_rt.h workloads/lib/link.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(MMUT_CFLAGS) $(MMUT_LDFLAGS) -o $@ $(MMUT_RT) $<

.PHONY: mmu-workloads
mmu-workloads: $(MMUT_ELFS)
