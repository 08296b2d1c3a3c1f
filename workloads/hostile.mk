# Hostile guests of `msasim run --hv` (tests/cli/hostile.sh): each runs as
# the first domain (0x60000000) beside the well-behaved victim, linked at
# the second domain's base (0x61000000).  They share the guests' runtime
# and flags (workloads/guests.mk) and add the recovering one of
# hostile_rt.S and hostile_lib.c.
HOSTILE_NAMES := hostile_vectors hostile_mpu hostile_hypercall hostile_uart hostile_el1loop
HOSTILE_SRCS  := workloads/guests/hostile_rt.S workloads/guests/hostile_lib.c
HOSTILE_DEPS  := $(GUEST_LIB_SRCS) $(HOSTILE_SRCS) workloads/lib/frame.h workloads/guests/guest.h \
                 workloads/guests/hostile_lib.h workloads/guests/guest.ld

WORKLOADS += $(patsubst %,$(GUEST_DIR)/%.elf,$(HOSTILE_NAMES) victim)

$(patsubst %,$(GUEST_DIR)/%.elf,$(HOSTILE_NAMES)): $(GUEST_DIR)/%.elf: workloads/guests/%.c \
                                                   $(HOSTILE_DEPS)
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_LIB_SRCS) $(HOSTILE_SRCS) $<

$(GUEST_DIR)/victim.elf: workloads/guests/victim.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                         workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,--defsym=GUEST_BASE=0x61000000 \
	    -o $@ $(GUEST_LIB_SRCS) $<

.PHONY: hostile-guests
hostile-guests: $(patsubst %,$(GUEST_DIR)/%.elf,$(HOSTILE_NAMES) victim)
