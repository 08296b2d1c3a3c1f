# GICv3 workloads (built by the pattern rule of workloads.mk).
WORKLOADS += $(BUILD)/workloads/gic_timer.elf
