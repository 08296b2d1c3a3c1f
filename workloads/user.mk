# Linux user-mode programs: build/workloads/user/NAME.elf from
# workloads/user/NAME.c (or, for bench_int, the bare-metal benchmark's own
# source) and the runtime in workloads/user/lib.  Static, no C library; they
# run under `msasim run --user` and qemu-aarch64 alike.
UW_DIR      := $(BUILD)/workloads/user
UW_NAMES    := syscalls segv
UW_CFLAGS   := -O2 -g -ffreestanding -nostdlib -nostartfiles -static -fno-pic -fno-pie -no-pie \
               -mgeneral-regs-only -march=armv8-a+crc -Wall -Wextra -Werror \
               -fno-stack-protector -fno-builtin -Iworkloads -Iworkloads/user \
               -Wl,--build-id=none
UW_LIB_SRCS := workloads/user/lib/start.S workloads/user/lib/urt.c
UW_LIB_DEPS := $(UW_LIB_SRCS) workloads/user/lib/urt.h workloads/lib/rt.h

WORKLOADS += $(patsubst %,$(UW_DIR)/%.elf,$(UW_NAMES)) $(UW_DIR)/bench_int.elf

$(UW_DIR)/%.elf: workloads/user/%.c $(UW_LIB_DEPS)
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(UW_CFLAGS) -o $@ $(UW_LIB_SRCS) $<

# The integer benchmark of `make bench`, the same source as the bare-metal
# build, with the user-mode runtime.
$(UW_DIR)/bench_int.elf: workloads/bench_int.c $(UW_LIB_DEPS)
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(UW_CFLAGS) -o $@ $(UW_LIB_SRCS) $<

.PHONY: user-workloads
user-workloads: $(patsubst %,$(UW_DIR)/%.elf,$(UW_NAMES)) $(UW_DIR)/bench_int.elf

# Random instruction sequences against qemu-aarch64: `make test` compares
# 2,000 (tests/cli/diff_random.sh); this target compares many more.
DIFF_LONG_COUNT ?= 50000
DIFF_LONG_SEED  ?= 2
.PHONY: diff-long
diff-long: all
	python3 tests/diff/run_random.py --count $(DIFF_LONG_COUNT) --per-elf 500 \
	    --seed $(DIFF_LONG_SEED) --msasim $(BIN) --workdir $(BUILD)/diff
