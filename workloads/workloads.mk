# AArch64 bare-metal test programs: build/workloads/NAME.elf from
# workloads/NAME.c (+ NAME_asm.S when present) and the runtime in
# workloads/lib.  Each runs unchanged on QEMU's virt machine
# (-M virt,virtualization=on -cpu cortex-a57 -semihosting) and on msasim;
# workloads/expected/NAME.txt is what it prints there.
WL_DIR      := $(BUILD)/workloads
WL_NAMES    := hello arith ldst atomics exceptions psci fpmove random_dp bench_int \
               exc_vmregs exc_unmapped exc_roundtrip
WL_CFLAGS   := -O2 -g -ffreestanding -nostdlib -nostartfiles -fno-pic -fno-pie -no-pie \
               -mgeneral-regs-only -march=armv8-a+crc -mstrict-align -Wall -Wextra -Werror \
               -fno-stack-protector -fno-builtin -Iworkloads
WL_LIB_SRCS := workloads/lib/crt0.S workloads/lib/rt.c
WL_LDFLAGS  := -T workloads/lib/link.ld -Wl,--build-id=none -Wl,-z,norelro -Wl,--no-warn-rwx-segments -static

WORKLOADS += $(patsubst %,$(WL_DIR)/%.elf,$(WL_NAMES))

$(WL_DIR)/%.elf: workloads/%.c $(WL_LIB_SRCS) workloads/lib/rt.h workloads/lib/frame.h workloads/lib/link.ld \
                 $(wildcard workloads/*_asm.S)
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(WL_CFLAGS) $(WL_LDFLAGS) -o $@ $(WL_LIB_SRCS) $< \
	    $(wildcard workloads/$*_asm.S)

.PHONY: workloads
workloads: $(patsubst %,$(WL_DIR)/%.elf,$(WL_NAMES))
