# Guests of `msasim run --hv`: build/workloads/guests/NAME.elf (for msasim)
# and NAME.Image (the same bytes as a Linux arm64 Image, for real Xen),
# from workloads/guests/NAME.c and the guests' runtime.  They run at EL1
# and talk to the hypervisor only (hypercalls, the virtual PL011).
GUEST_DIR      := $(BUILD)/workloads/guests
GUEST_NAMES    := hello mmio memops sched grant
# The same guests linked at the second and third domain's memory, for runs
# with several guests: NAME2.elf at 0x61000000, NAME3.elf at 0x62000000.
# grant2 is the grant guest's second domain; grant_nomap2 the same without
# mapping the grant (grant_nomap.c includes grant.c).
GUEST_MULTI    := hello2 sched2 sched3 grant2 grant_nomap2
GUEST_CFLAGS   := -O2 -g -ffreestanding -nostdlib -nostartfiles -fno-pic -fno-pie -no-pie \
                  -mgeneral-regs-only -march=armv8-a -mstrict-align -Wall -Wextra -Werror \
                  -fno-stack-protector -fno-builtin -Iworkloads
GUEST_LIB_SRCS := workloads/guests/gcrt0.S workloads/guests/guest_lib.c
GUEST_LDFLAGS  := -T workloads/guests/guest.ld -Wl,--build-id=none -Wl,-z,norelro \
                  -Wl,--no-warn-rwx-segments -static
AARCH64_OBJCOPY ?= $(patsubst %gcc,%objcopy,$(AARCH64_CC))

WORKLOADS += $(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST_NAMES) $(GUEST_MULTI)) \
             $(patsubst %,$(GUEST_DIR)/%.Image,$(GUEST_NAMES))

$(GUEST_DIR)/%.elf: workloads/guests/%.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                    workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_LIB_SRCS) $<

$(GUEST_DIR)/%2.elf: workloads/guests/%.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                     workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,--defsym=GUEST_BASE=0x61000000 \
	    -o $@ $(GUEST_LIB_SRCS) $<

$(GUEST_DIR)/%3.elf: workloads/guests/%.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                     workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,--defsym=GUEST_BASE=0x62000000 \
	    -o $@ $(GUEST_LIB_SRCS) $<

$(GUEST_DIR)/grant_nomap2.elf: workloads/guests/grant.c

$(GUEST_DIR)/%.Image: $(GUEST_DIR)/%.elf
	$(AARCH64_OBJCOPY) -O binary $< $@

.PHONY: guests
guests: $(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST_NAMES) $(GUEST_MULTI)) $(patsubst %,$(GUEST_DIR)/%.Image,$(GUEST_NAMES))
