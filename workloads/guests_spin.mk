# Two spin guests for the scheduler's timer: a long one in the first
# domain's memory and a short one in the second's.
SPIN_GUESTS := $(GUEST_DIR)/spin-long.elf $(GUEST_DIR)/spin-short.elf

$(GUEST_DIR)/spin-long.elf: workloads/guests/spin.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                            workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -DSPIN_ROUNDS=400000 -DSPIN_NAME='"long"' \
	    -o $@ $(GUEST_LIB_SRCS) $<

$(GUEST_DIR)/spin-short.elf: workloads/guests/spin.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                             workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -DSPIN_ROUNDS=40000 -DSPIN_NAME='"short"' \
	    -Wl,--defsym=GUEST_BASE=0x61000000 -o $@ $(GUEST_LIB_SRCS) $<

WORKLOADS += $(SPIN_GUESTS)
guests: $(SPIN_GUESTS)
