# cpu/: the A64 decoder is generated from the pattern file cpu/a64.decode.
GEN_SRCS += $(GEN)/a64_decode.c

$(GEN)/a64_decode.c: cpu/a64.decode tools/gen_decoder.py
	@mkdir -p $(dir $@)
	python3 tools/gen_decoder.py cpu/a64.decode $@ $(GEN)/a64_decode.h

$(GEN)/a64_decode.h: $(GEN)/a64_decode.c
