# cpu/timing/: the core descriptions (cpu/timing/cores/*.core) are embedded
# in the binary through a generated C file.
TIMING_CORES := $(sort $(wildcard cpu/timing/cores/*.core))
GEN_SRCS += $(GEN)/timing_cores.c

$(GEN)/timing_cores.c: $(TIMING_CORES) cpu/timing/gen_cores.py
	@mkdir -p $(dir $@)
	python3 cpu/timing/gen_cores.py $@ $(TIMING_CORES)
