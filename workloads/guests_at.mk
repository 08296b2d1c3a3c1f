# The hello guest linked for the domain of the shared dom0less device tree
# (static memory at 0x30000000), as an ELF and as an arm64 Image: what
# `run --hv xen-mpu --module ADDR:FILE` loads as that domain's kernel.
GUEST_AT_BASE := 0x30000000
GUEST_AT      := $(GUEST_DIR)/hello-at-$(GUEST_AT_BASE)

$(GUEST_AT).elf: workloads/guests/hello.c $(GUEST_LIB_SRCS) workloads/guests/guest.h \
                 workloads/guests/guest.ld
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,--defsym=GUEST_BASE=$(GUEST_AT_BASE) \
	    -o $@ $(GUEST_LIB_SRCS) $<

WORKLOADS += $(GUEST_AT).elf $(GUEST_AT).Image
guests: $(GUEST_AT).elf $(GUEST_AT).Image
