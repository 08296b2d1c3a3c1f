# sim/systemc/: the SystemC TLM-2.0 wrapper of the embedding API
# (sim/msasim.h) and the example platform built on it, build/msasim-sc.
# C++17 against Debian's libsystemc-dev (tools/install-deps.sh installs it).
# The .cpp files live in a subfolder, so the library wildcard never sees them.
SC_CXX      ?= g++
SC_CXXFLAGS := -std=c++17 $(OPT) -Wall -Wextra -Wno-unused-parameter -Werror -I. \
               $(shell pkg-config --cflags systemc 2>/dev/null)
SC_LIBS     := $(shell pkg-config --libs systemc 2>/dev/null || echo -lsystemc)
SC_SRCS     := $(wildcard sim/systemc/*.cpp sim/systemc/example/*.cpp)
SC_HDRS     := $(wildcard sim/systemc/*.h sim/systemc/example/*.h) sim/msasim.h
SC_BIN      := $(BUILD)/msasim-sc

.PHONY: systemc
systemc: $(SC_BIN)

# ($(LIB) is set after this file is read, so the library is named here.)
$(SC_BIN): $(SC_SRCS) $(SC_HDRS) $(BUILD)/libmsasim.a
	@mkdir -p $(dir $@)
	$(SC_CXX) $(SC_CXXFLAGS) $(SAN_LD) -o $@ $(SC_SRCS) $(BUILD)/libmsasim.a $(SC_LIBS) $(LDLIBS)

# `make test` builds everything in WORKLOADS before it runs tests/cli/systemc.sh.
WORKLOADS += $(SC_BIN)
