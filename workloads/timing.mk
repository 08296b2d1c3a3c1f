# Timing microbenchmarks (workloads/timing/): build/workloads/timing/NAME.elf
# from workloads/timing/NAME.c with the runtime of workloads/lib and
# workloads/timing/tm_rt.c.  tests/cli/timing_micro.sh checks their cycles
# against the core descriptions; tools/bench-timing.sh runs tm_bench_int.
# (This file is read before workloads.mk, so it names its own paths and
# uses WL_CFLAGS/WL_LDFLAGS only in recipes.)
TM_WL_DIR   := $(BUILD)/workloads/timing
TM_WL_NAMES := tm_latency tm_chase tm_branch tm_mpu tm_tlb tm_bench_int
TM_WL_DEPS  := workloads/timing/tm_rt.c workloads/timing/tm_rt.h workloads/lib/crt0.S \
               workloads/lib/rt.c workloads/lib/rt.h workloads/lib/frame.h workloads/lib/link.ld

WORKLOADS += $(patsubst %,$(TM_WL_DIR)/%.elf,$(TM_WL_NAMES))

$(TM_WL_DIR)/%.elf: workloads/timing/%.c $(TM_WL_DEPS)
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(WL_CFLAGS) $(WL_LDFLAGS) -o $@ workloads/lib/crt0.S workloads/lib/rt.c \
	    workloads/timing/tm_rt.c $<

$(TM_WL_DIR)/tm_bench_int.elf: workloads/bench_int.c
