# hv/: the example external module, built as a shared object that
# `msasim boot --hv ./build/hv-example.so` loads, and a copy built for a
# wrong plug-in API version so that the loader's refusal can be tested.
# Freestanding module code: no sanitizers (the binary that loads it has
# them), position-independent, no library to link.
HV_SO_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -fPIC -shared -nostdlib -I. -D_DEFAULT_SOURCE
HV_SO_DEPS := hv/example/example_mm.c hv/hv.h hv/hal.h hv/hv_lib.h

$(BUILD)/hv-example.so: $(HV_SO_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(HV_SO_CFLAGS) -o $@ $<

$(BUILD)/hv-example-badver.so: $(HV_SO_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(HV_SO_CFLAGS) -DEXAMPLE_API_VERSION=999 -o $@ $<

all: $(BUILD)/hv-example.so

# The loader's unit test opens both.
$(BUILD)/tests/test_hv_module: $(BUILD)/hv-example.so $(BUILD)/hv-example-badver.so
$(BUILD)/tests/test_hv_module: CPPFLAGS += -DHV_TEST_SO_DIR='"$(BUILD)"'
