# Benchmarks: finwait's TCP against lwIP's own TCP (issue 6).
#
#   make FW_TCP=lwip     the baseline firmware, build/<board>-lwip/firmware.elf
#   make bench           every measurement; table, CSV and plots in build/bench/
#
# Not part of `make test`, except that the e2e suite also checks the
# baseline firmware (tests/e2e/test_lwip_baseline.py): a broken baseline
# proves nothing.

include bench/lwip/lwip.mk

LWIP_BASELINE_ELF := $(BUILD)/mps2-an385-lwip/firmware.elf
e2e: $(LWIP_BASELINE_ELF)

BENCH       := $(BUILD)/bench
BENCH_BOARD := mps2-an385
BENCH_FW    := $(BUILD)/$(BENCH_BOARD)
BENCH_LW    := $(BUILD)/$(BENCH_BOARD)-lwip

# ---------------------------------------------------------------- static sizes (Cortex-M)
# Probe objects: never linked; their array sizes are the numbers (sizes.py).
$(BENCH)/probe/finwait.o: bench/probe/probe_finwait.c | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $($(BENCH_BOARD)_CFLAGS) $(WARN) -c $< -o $@

$(BENCH)/probe/lwip.o: bench/probe/probe_lwip.c | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $($(BENCH_LW)_CFLAGS) $(WARN) -c $< -o $@

BENCH_FW_TCP_OBJS := $(filter $(BENCH_FW)/obj/firmware/tcp/%,$($(BENCH_BOARD)_OBJS))
BENCH_LW_TCP_OBJS := $(patsubst $(LWIP)/src/%.c,$(BENCH_LW)/lwip/%.o,$(LWIP_TCP_SRCS))

$(BENCH)/static.json: bench/tools/sizes.py $(BENCH)/probe/finwait.o $(BENCH)/probe/lwip.o \
		$(BENCH_FW)/firmware.elf $(BENCH_LW)/firmware.elf
	$(PY) bench/tools/sizes.py --finwait-probe $(BENCH)/probe/finwait.o \
		--lwip-probe $(BENCH)/probe/lwip.o \
		--finwait-timewait-obj $(BENCH_FW)/obj/firmware/tcp/timewait.o \
		--lwip-memp-obj $(BENCH_LW)/lwip/core/memp.o \
		--finwait-tcp-objs $(BENCH_FW_TCP_OBJS) --lwip-tcp-objs $(BENCH_LW_TCP_OBJS) \
		--finwait-elf $(BENCH_FW)/firmware.elf --lwip-elf $(BENCH_LW)/firmware.elf > $@.tmp
	mv $@.tmp $@
