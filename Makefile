# msasim: one entry point for building, testing, demonstrating and measuring.
#
#   make            build build/msasim and build/libmsasim.a
#   make demo       install what is missing, build, run the main job
#   make test       build and run every test
#   make bench      print the performance table
#   make install PREFIX=/usr/local
#   make SANITIZE=1 ...   the same targets under ASan + UBSan (in build/san)
#
# Each top-level folder may add rules in its own FOLDER/*.mk (generated
# sources, workloads); this file collects sources by wildcard so that adding a
# .c file needs no edit here.

.DEFAULT_GOAL := all
VERSION   := 0.1.0
PREFIX    ?= /usr/local
CC        ?= cc
AARCH64_CC ?= aarch64-linux-gnu-gcc
DTC       ?= dtc

ifeq ($(SANITIZE),1)
BUILD     ?= build/san
OPT       ?= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LD    := -fsanitize=address,undefined
else
BUILD     ?= build
OPT       ?= -O2 -g
SAN_LD    :=
endif

GEN       := $(BUILD)/gen
WARN      := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS    ?=
CPPFLAGS  += -I. -I$(GEN) -D_DEFAULT_SOURCE -DMSASIM_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) -MMD -MP $(CFLAGS)
LDLIBS    += -lfdt -lelf -lz -lm -ldl -lpthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -lpthread)

LIB_DIRS  := sim cpu cpu/timing mpu mmu hv $(wildcard hv/modules/*)
LIB_SRCS  := $(filter-out sim/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
LIB_ASM   := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.S))
GEN_SRCS  :=

LIB       := $(BUILD)/libmsasim.a
BUILTIN_DTS := $(wildcard sim/platforms/*.dts)
BUILTIN_DTB := $(patsubst sim/platforms/%.dts,$(GEN)/platform-%.dtb,$(BUILTIN_DTS))

# Folder-local rules (generated decode tables, workloads, ...).
include $(sort $(wildcard */*.mk))

LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) \
             $(patsubst %.S,$(BUILD)/obj/%.o,$(LIB_ASM)) \
             $(patsubst $(GEN)/%.c,$(BUILD)/obj/gen/%.o,$(GEN_SRCS))
BIN       := $(BUILD)/msasim

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: all deps demo test unit-tests bench install clean
all: $(BIN) $(LIB)

deps:
	@tools/install-deps.sh

$(BUILD)/obj/%.o: %.c | $(GEN_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# Built-in platforms: DTS in sim/platforms, compiled by dtc and embedded
# with .incbin, so the binary needs no file to start.
$(GEN)/platform-%.dtb: sim/platforms/%.dts
	@mkdir -p $(dir $@)
	$(DTC) -q -I dts -O dtb -o $@ $<

$(BUILD)/obj/%.o: %.S $(BUILTIN_DTB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Wa,-I$(GEN) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/sim/main.o $(LIB)
	$(CC) $(SAN_LD) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(SAN_LD) -o $@ $< $(LIB) $(CHECK_LIBS) $(LDLIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(SAN_LD) -o $@ $< $(LIB) $(LDLIBS)

unit-tests: $(UNIT_BINS)

# WORKLOADS is filled by workloads/workloads.mk (AArch64 programs).
WORKLOADS ?=
test: deps
	@$(MAKE) --no-print-directory all unit-tests $(WORKLOADS)
	@BUILD=$(BUILD) tests/run-tests.sh

demo: deps
	@$(MAKE) --no-print-directory all $(WORKLOADS)
	@BUILD=$(BUILD) tools/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS) $(WORKLOADS)
	@BUILD=$(BUILD) tools/bench.sh

# Headers an embedder or an external hypervisor module builds against.
PUBLIC_HEADERS := $(wildcard sim/msasim.h sim/error.h sim/stats.h sim/platform.h sim/machine.h \
                    sim/bus.h sim/ram.h sim/loader.h sim/symbols.h sim/json_writer.h \
                    cpu/cpu.h cpu/sysreg_list.h mpu/mpu.h mmu/mmu.h hv/hv.h hv/hal.h hv/hv_lib.h)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/msasim
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/msasim
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libmsasim.a
	for h in $(PUBLIC_HEADERS); do \
	  install -D -m 644 $$h $(DESTDIR)$(PREFIX)/include/msasim/$$h; done

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
