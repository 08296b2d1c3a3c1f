# The MPU architecture tests (workloads/mpu): bare-metal programs for the
# fvp-r platform that program the EL1 and EL2 MPUs and check their faults
# from inside.  build/workloads/mpu/NAME.elf from workloads/mpu/NAME.c, the
# MPU test runtime (mpu_rt.c, mpu_rt_asm.S), the common runtime in
# workloads/lib and a linker script that exports the region boundaries.
# Self-contained: this file is read before workloads.mk.
MPUT_DIR     := $(BUILD)/workloads/mpu
MPUT_NAMES   := mpu_regs mpu_el2 mpu_el1
MPUT_ELFS    := $(patsubst %,$(MPUT_DIR)/%.elf,$(MPUT_NAMES))
MPUT_CFLAGS  := -O2 -g -ffreestanding -nostdlib -nostartfiles -fno-pic -fno-pie -no-pie \
                -mgeneral-regs-only -march=armv8-a -mstrict-align -Wall -Wextra -Werror \
                -fno-stack-protector -fno-builtin -Iworkloads
MPUT_LDFLAGS := -T workloads/mpu/link.ld -Wl,--build-id=none -Wl,-z,norelro \
                -Wl,--no-warn-rwx-segments -static
MPUT_RT      := workloads/lib/crt0.S workloads/lib/rt.c workloads/mpu/mpu_rt.c \
                workloads/mpu/mpu_rt_asm.S

WORKLOADS += $(MPUT_ELFS)

$(MPUT_ELFS): $(MPUT_DIR)/%.elf: workloads/mpu/%.c $(MPUT_RT) workloads/lib/rt.h workloads/lib/frame.h \
              workloads/mpu/mpu_rt.h workloads/mpu/link.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(MPUT_CFLAGS) $(MPUT_LDFLAGS) -o $@ $(MPUT_RT) $<

.PHONY: mpu-workloads
mpu-workloads: $(MPUT_ELFS)
