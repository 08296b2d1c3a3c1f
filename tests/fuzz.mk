# Fuzz targets (tests/fuzz/fuzz_*.c), each built two ways from one file:
#
#   make fuzz [FUZZ_SECONDS=60]   libFuzzer + ASan + UBSan under clang: runs
#                                 every target for FUZZ_SECONDS on its seed
#                                 corpus and keeps crashing inputs in
#                                 tests/fuzz/regressions/<target>/
#   $(BUILD)/fuzz-replay/fuzz_X   a plain driver (replay_main.c) that feeds
#                                 corpus files to the target; make test runs it
#                                 over the corpora and the regressions
#
# The libFuzzer build compiles the library again with clang and coverage
# instrumentation, in build/fuzz, so the normal gcc build is left alone; the
# assembly (the embedded device trees) is taken from the normal build.

FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = -std=c11 -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) $(WARN) -MMD -MP
FUZZ_LIB_OBJS = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRCS)) \
                $(patsubst %.S,build/obj/%.o,$(LIB_ASM)) \
                $(patsubst $(GEN)/%.c,$(FUZZ_DIR)/obj/gen/%.o,$(GEN_SRCS))
FUZZ_BINS    := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
REPLAY_BINS  := $(patsubst %,$(BUILD)/fuzz-replay/fuzz_%,$(FUZZ_NAMES))

.PHONY: fuzz fuzz-build fuzz-replay

$(FUZZ_DIR)/obj/%.o: %.c | $(GEN_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/libmsasim.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libmsasim.a
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libmsasim.a $(LDLIBS)

# (LIB is defined after the folder .mk files are read, hence the spelled-out path.)
$(BUILD)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h $(BUILD)/libmsasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(SAN_LD) -o $@ $< tests/fuzz/replay_main.c $(BUILD)/libmsasim.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz-replay: $(REPLAY_BINS)

# Each target gets a scratch copy of its seeds as the working corpus, so new
# inputs libFuzzer finds do not pile up in the repository.
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_DIR)/work/$$t tests/fuzz/regressions/$$t; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
	    $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
	        -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=tests/fuzz/regressions/$$t/ \
	        $(FUZZ_DIR)/work/$$t tests/fuzz/corpus/$$t; \
	done

-include $(shell find $(FUZZ_DIR) -name '*.d' 2>/dev/null)
