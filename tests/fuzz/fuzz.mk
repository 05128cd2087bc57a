# libFuzzer campaign over the TCP engine (tests/fuzz/fuzz_tcp.c).
#   make fuzz [FUZZ_SECONDS=60]   run it; crashes land in build/fuzz/crashes/
# The committed seeds (tests/fuzz/corpus/) also run in `make unit` as the
# fuzz_replay suite (tests/unit/fuzz_replay.mk), built with gcc.
FUZZ_SECONDS ?= 60
FUZZ_OUT   := $(BUILD)/fuzz
FUZZ_CC    := clang
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS  := tests/fuzz/fuzz_tcp.c $(FW_TCP_SRCS) port/lwip/tcp_core_fw.c
FUZZ_OBJS  := $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(FUZZ_SRCS))
FUZZ_LWIP_OBJS := $(patsubst $(LWIP)/src/%.c,$(FUZZ_OUT)/lwip/%.o,$(LWIP_SRCS))

$(FUZZ_OUT)/obj/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HOST_FLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(WARN) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/lwip/%.o: $(LWIP)/src/%.c | $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HOST_FLAGS) $(FUZZ_SAN) $(LWIP_WARN) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/fuzz_tcp: $(FUZZ_OBJS) $(FUZZ_LWIP_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_LWIP_OBJS:.o=.d)

fuzz:
	@tools/bootstrap.sh build fuzz
	@$(MAKE) --no-print-directory lwip $(FUZZ_OUT)/fuzz_tcp
	@mkdir -p $(FUZZ_OUT)/corpus $(FUZZ_OUT)/crashes && touch $(FUZZ_OUT)/.run-start
	$(FUZZ_OUT)/fuzz_tcp -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_OUT)/crashes/ $(FUZZ_OUT)/corpus tests/fuzz/corpus; rc=$$?; \
	new=$$(find $(FUZZ_OUT)/crashes -type f -newer $(FUZZ_OUT)/.run-start); \
	echo "fuzz: exit $$rc, $$(echo $$new | wc -w) new crash file(s) in $(FUZZ_OUT)/crashes/ $$new"; \
	echo "fuzz: reproduce with $(FUZZ_OUT)/fuzz_tcp FILE; keep the fixed ones in tests/fuzz/corpus/"; \
	[ $$rc -eq 0 ] && [ -z "$$new" ]
