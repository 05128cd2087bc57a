# Benchmarks: finwait's TCP against lwIP's own TCP.
#
#   make FW_TCP=lwip     the baseline firmware, build/<board>-lwip/firmware.elf
#   make bench           every measurement; table, CSV and plots in build/bench/
#   make bench-qemu BENCH_ONLY=httpd,iperf   only those QEMU rows (build/bench/subset/)
#
# Not part of `make test`, except that the e2e suite also checks the
# baseline firmware (tests/e2e/test_lwip_baseline.py): a broken baseline
# proves nothing.

include bench/lwip/lwip.mk

BENCH       := $(BUILD)/bench
BENCH_BOARD := mps2-an385
BENCH_FW    := $(BUILD)/$(BENCH_BOARD)
BENCH_LW    := $(BUILD)/$(BENCH_BOARD)-lwip

# ---------------------------------------------------------------- static sizes (Cortex-M)
# Probe objects: never linked; their array sizes are the numbers (sizes.py).
# The TCP flash rows compare IPv4-only builds of both; the RAM-per-
# connection rows take lwIP's dual-stack tcp_pcb (lwip-equal.o below: the
# firmware is dual stack, and finwait's tuple holds IPv6 addresses too),
# and so does the IPv6 TIME_WAIT row, against finwait's IPv6 entry; the
# whole-firmware and QEMU rows compare the two dual-stack firmwares (the
# ipv4 rows their FW_IPV6=0 builds).
BENCH_IPV4 := -DFW_IPV6=0

$(BENCH)/probe/finwait.o: bench/probe/probe_finwait.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(FW_CFLAGS) $(BENCH_IPV4) $(WARN) -MMD -MP -c $< -o $@

# the dual-stack build's counts (FW_TW6_ENTRIES)
$(BENCH)/probe/finwait6.o: bench/probe/probe_finwait6.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(FW_CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BENCH)/probe/lwip.o: bench/probe/probe_lwip.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $($(BENCH_LW)_CFLAGS) $(BENCH_IPV4) $(WARN) -MMD -MP -c $< -o $@

# lwIP's tcp_pcb with the options that match finwait's features (an
# out-of-order queue, SACK blocks out with LWIP_TCP_MAX_SACK_NUM =
# FW_TCP_SACK_RANGES, keepalive; no window scaling, no timestamps:
# bench/lwip/flash/lwipopts.h) and dual stack, as both firmwares are: the
# RAM-per-connection rows compare a TCB with this.
$(BENCH)/probe/lwip-equal.o: bench/probe/probe_lwip.c bench/lwip/flash/lwipopts.h bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc -Ibench/lwip/flash $($(BENCH_LW)_CFLAGS) -DBENCH_LWIP_EQUAL_FEATURES $(WARN) -MMD -MP -c $< -o $@

# the probes read struct sizes from headers: rebuild when one changes
-include $(BENCH)/probe/finwait.d $(BENCH)/probe/finwait6.d $(BENCH)/probe/lwip.d \
	$(BENCH)/probe/lwip-equal.d

BENCH_FW_TCP_OBJS := $(patsubst %.c,$(BENCH_FW)/obj/%.o,$(FW_TCP_SRCS))
BENCH_LW_TCP_OBJS := $(patsubst $(LWIP)/src/%.c,$(BENCH_LW)/lwip/%.o,$(LWIP_TCP_SRCS))

# lwIP's TCP objects for the flash rows, built for the comparison only
# (never linked): as a release build (LWIP_NOASSERT; finwait's engine has
# no run-time assertions) with the baseline's options, and with lwIP's
# switches for the features finwait has (bench/lwip/flash/lwipopts.h).
BENCH_FLASH_VARIANTS := noassert equal
BENCH_FLASH_noassert_DEFS := -DLWIP_NOASSERT $(BENCH_IPV4)
BENCH_FLASH_equal_DEFS := -DLWIP_NOASSERT -DBENCH_LWIP_EQUAL_FEATURES $(BENCH_IPV4)

# $(1): variant
define bench_flash_rules
BENCH_FLASH_$(1)_OBJS := $$(patsubst $(LWIP)/src/%.c,$(BENCH)/flash/$(1)/%.o,$(LWIP_TCP_SRCS))

$(BENCH)/flash/$(1)/%.o: $(LWIP)/src/%.c bench/lwip/flash/lwipopts.h bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc -Ibench/lwip/flash $$($(BENCH_LW)_CFLAGS) $$(BENCH_FLASH_$(1)_DEFS) \
		$(LWIP_WARN) -MMD -MP -c $$< -o $$@

-include $$(BENCH_FLASH_$(1)_OBJS:.o=.d)
endef
$(foreach v,$(BENCH_FLASH_VARIANTS),$(eval $(call bench_flash_rules,$(v))))

# IPv4-only builds of both firmwares (FW_IPV6=0), for what the dual stack
# costs each in flash and RAM: the same board and sources as
# $(BENCH_FW) and $(BENCH_LW), only the define differs.
BENCH_FW4 := $(BENCH)/fw/finwait-ipv4
BENCH_LW4 := $(BENCH)/fw/lwip-ipv4

# $(1): output directory, $(2): extra defines (finwait's firmware, as the
# Makefile builds it into build/<board>/)
define bench_finwait_fw_rules
$(1)_OBJS := $$(patsubst %.c,$(1)/obj/%.o,$(BOARD_SRCS) $(FW_SRCS)) \
	$$(patsubst $(LWIP)/src/%.c,$(1)/lwip/%.o,$(LWIP_SRCS) $(LWIP_APP_SRCS))

$(1)/obj/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $(FW_CFLAGS) $(2) $(WARN) -MMD -MP -c $$< -o $$@

$(1)/lwip/%.o: $(LWIP)/src/%.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $(FW_CFLAGS) $(2) $(LWIP_WARN) -MMD -MP -c $$< -o $$@

$(1)/firmware.elf: $$($(1)_OBJS) $(BOARD_LDSCRIPT) $(BOARD_LD_INCLUDES)
	arm-none-eabi-gcc $(FW_LDFLAGS) -o $$@ $$($(1)_OBJS) $(FW_LIBS)

-include $$($(1)_OBJS:.o=.d)
endef
ifeq ($(BOARD),$(BENCH_BOARD))
$(eval $(call bench_finwait_fw_rules,$(BENCH_FW4),$(BENCH_IPV4)))
$(eval $(call lwip_fw_rules,$(BENCH_LW4),$(BENCH_IPV4)))
endif

$(BENCH)/static.json: bench/tools/sizes.py $(BENCH)/probe/finwait.o $(BENCH)/probe/finwait6.o \
		$(BENCH)/probe/lwip.o $(BENCH)/probe/lwip-equal.o \
		$(foreach v,$(BENCH_FLASH_VARIANTS),$(BENCH_FLASH_$(v)_OBJS)) \
		$(BENCH_FW)/firmware.elf $(BENCH_LW)/firmware.elf $(BENCH_FW4)/firmware.elf \
		$(BENCH_LW4)/firmware.elf
	$(PY) bench/tools/sizes.py --finwait-probe $(BENCH)/probe/finwait.o \
		--finwait-probe6 $(BENCH)/probe/finwait6.o \
		--lwip-probe $(BENCH)/probe/lwip.o --lwip-equal-probe $(BENCH)/probe/lwip-equal.o \
		--finwait-timewait-obj $(BENCH_FW)/obj/tcp/src/timewait.o \
		--finwait-tcb-obj $(BENCH_FW)/obj/tcp/src/tcb.o \
		--lwip-memp-obj $(BENCH_LW)/lwip/core/memp.o \
		--finwait-altcp-obj $(BENCH_FW)/obj/port/lwip/altcp_fw.o \
		--finwait-tcp-objs $(BENCH_FW_TCP_OBJS) --lwip-tcp-objs $(BENCH_LW_TCP_OBJS) \
		$(foreach v,$(BENCH_FLASH_VARIANTS),--lwip-tcp-objs-$(v) $(BENCH_FLASH_$(v)_OBJS)) \
		--finwait-elf $(BENCH_FW)/firmware.elf --lwip-elf $(BENCH_LW)/firmware.elf \
		--finwait-ipv4-elf $(BENCH_FW4)/firmware.elf --lwip-ipv4-elf $(BENCH_LW4)/firmware.elf > $@.tmp
	mv $@.tmp $@

# ---------------------------------------------------------------- host builds (callgrind)
# Both engines with the same compiler, flags and lwIP core; pools big enough
# for 1,000 connections in TIME_WAIT (finwait's table, lwIP's PCB pool).
# lwIP with LWIP_NOASSERT, as for the flash rows: finwait's engine has no
# run-time assertions, so lwIP's TCP is counted as a release build too.
BENCH_TW_MAX    := 1200
BENCH_HOST_FLAGS := $(STD) -O2 -g -DFW_HOST_TEST $(FW_INC) -Ibench/host -DLWIP_NOASSERT $(BENCH_IPV4) \
	-DFW_TW_ENTRIES=$(BENCH_TW_MAX) -DFW_LWIP_TCP_PCBS=$(BENCH_TW_MAX)
BENCH_HOST_finwait_SRCS := bench/host/bench_main.c bench/host/eng_finwait.c \
	$(FW_TCP_SRCS) port/lwip/tcp_core_fw.c $(LWIP_SRCS)
BENCH_HOST_lwip_SRCS := bench/host/bench_main.c bench/host/eng_lwip.c \
	$(LWIP_SRCS) $(LWIP_TCP_SRCS)
BENCH_HOST_finwait_DEFS :=
BENCH_HOST_lwip_DEFS := -DFW_LWIP_TCP

# The objects depend on this file: its flags (LWIP_NOASSERT) are part of
# what they measure.
# $(1): engine (finwait|lwip)
define bench_host_rules
BENCH_HOST_$(1)_OBJS := $$(patsubst %.c,$(BENCH)/host/$(1)/%.o,$$(patsubst $(LWIP)/src/%,lwip/%,$$(BENCH_HOST_$(1)_SRCS)))

$(BENCH)/host/$(1)/lwip/%.o: $(LWIP)/src/%.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	$$(HOST_CC) $(BENCH_HOST_FLAGS) $$(BENCH_HOST_$(1)_DEFS) $(LWIP_WARN) -MMD -MP -c $$< -o $$@

$(BENCH)/host/$(1)/%.o: %.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	$$(HOST_CC) $(BENCH_HOST_FLAGS) $$(BENCH_HOST_$(1)_DEFS) $(WARN) -MMD -MP -c $$< -o $$@

$(BENCH)/host/$(1)/bench_host: $$(BENCH_HOST_$(1)_OBJS)
	$$(HOST_CC) -o $$@ $$^

-include $$(BENCH_HOST_$(1)_OBJS:.o=.d)
endef
$(foreach e,finwait lwip,$(eval $(call bench_host_rules,$(e))))

$(BENCH)/host.json: bench/tools/hostbench.py $(BENCH)/host/finwait/bench_host $(BENCH)/host/lwip/bench_host
	$(PY) bench/tools/hostbench.py --build $(BENCH)/host > $@.tmp
	mv $@.tmp $@

# ---------------------------------------------------------------- QEMU variants of the baseline
# lwIP's TIME_WAIT length is a build-time constant (2 * TCP_MSL): a short
# one for the 2MSL accuracy run (finwait sets its MSL from the console).
BENCH_MSL_MS ?= 500
$(eval $(call lwip_fw_rules,$(BENCH)/fw/lwip-msl$(BENCH_MSL_MS),-DFW_MSL_MS=$(BENCH_MSL_MS)))
# The close-rate run gives lwIP as many PCBs as fit in the RAM finwait
# spends on connection state; qemubench.py computes the count from
# static.json and builds $(BENCH)/fw/lwip-pcbs<N>/ with BENCH_LWIP_PCBS=<N>.
ifdef BENCH_LWIP_PCBS
$(eval $(call lwip_fw_rules,$(BENCH)/fw/lwip-pcbs$(BENCH_LWIP_PCBS),-DFW_LWIP_TCP_PCBS=$(BENCH_LWIP_PCBS)))
endif

# ---------------------------------------------------------------- make bench
BENCH_ROUNDS  ?= 3
BENCH_SECONDS ?= 60
# Under loss: 1 MiB echo/discard behind tools/netem_relay.py at each level
# (random loss %, both directions), BENCH_LOSS_REPS runs each; the soak row
# reads build/e2e/faults-200.timing.json, which `make soak` writes.
BENCH_LOSS_LEVELS ?= 1,5
BENCH_LOSS_REPS   ?= 3
BENCH_QEMU_ARGS ?=

bench:
ifneq ($(BOARD),$(BENCH_BOARD))
	@echo "bench: runs on BOARD=$(BENCH_BOARD) only (QEMU with a network)"; exit 1
endif
	@tools/bootstrap.sh build test bench
	$(MAKE) lwip
	$(MAKE) $(BENCH_FW)/firmware.elf $(BENCH_LW)/firmware.elf $(BENCH)/static.json $(BENCH)/host.json \
		$(BENCH)/m3.json
	@rm -f $(BENCH)/qemu.json
	-$(PY) bench/tools/qemubench.py --static $(BENCH)/static.json --out $(BENCH)/qemu.json \
		--rounds $(BENCH_ROUNDS) --seconds $(BENCH_SECONDS) \
		--loss-levels $(BENCH_LOSS_LEVELS) --loss-reps $(BENCH_LOSS_REPS) $(BENCH_QEMU_ARGS)
	$(PY) bench/tools/report.py --out $(BENCH) $(BENCH)/static.json $(BENCH)/host.json $(BENCH)/m3.json \
		$(BENCH)/qemu.json

# ---------------------------------------------------------------- a subset of the QEMU rows
# make bench-qemu BENCH_ONLY=httpd,iperf: those measurements alone (any of
# qemubench.py's msl,tput,loss,close,httpd,iperf), both firmwares built
# first; the table goes to build/bench/subset/ (results.md), not over the
# full run's.
BENCH_ONLY ?= httpd,iperf
BENCH_SUBSET := $(BENCH)/subset
bench_comma := ,
BENCH_ONLY_STATIC := $(if $(filter msl close,$(subst $(bench_comma), ,$(BENCH_ONLY))),$(BENCH)/static.json)

bench-qemu:
ifneq ($(BOARD),$(BENCH_BOARD))
	@echo "bench-qemu: runs on BOARD=$(BENCH_BOARD) only (QEMU with a network)"; exit 1
endif
	@tools/bootstrap.sh build test bench
	$(MAKE) lwip
	$(MAKE) $(BENCH_FW)/firmware.elf $(BENCH_LW)/firmware.elf $(BENCH_ONLY_STATIC)
	@mkdir -p $(BENCH_SUBSET)
	$(PY) bench/tools/qemubench.py --only $(BENCH_ONLY) --out $(BENCH_SUBSET)/qemu.json \
		$(if $(BENCH_ONLY_STATIC),--static $(BENCH_ONLY_STATIC)) \
		--rounds $(BENCH_ROUNDS) --seconds $(BENCH_SECONDS) \
		--loss-levels $(BENCH_LOSS_LEVELS) --loss-reps $(BENCH_LOSS_REPS) $(BENCH_QEMU_ARGS)
	$(PY) bench/tools/report.py --out $(BENCH_SUBSET) $(BENCH_SUBSET)/qemu.json

# ---------------------------------------------------------------- Cortex-M3 builds (QEMU trace)
# The host driver as a bare-metal mps2-an385 image per engine
# (bench/m3/bench_m3.c: arguments and output over semihosting), built
# with the firmware's flags (-Os, Cortex-M3) and the host bench's pool
# sizes (LWIP_NOASSERT as on the host); bench/tools/m3bench.py counts its
# instructions in QEMU.
BENCH_M3_FLAGS := $(FW_CFLAGS) -Ibench/host -DBENCH_TARGET -DLWIP_NOASSERT $(BENCH_IPV4) \
	-DFW_TW_ENTRIES=$(BENCH_TW_MAX) -DFW_LWIP_TCP_PCBS=$(BENCH_TW_MAX)
BENCH_M3_COMMON := $(filter-out bench/host/eng_%,$(BOARD_SRCS) bench/m3/bench_m3.c)
BENCH_M3_finwait_SRCS := $(BENCH_M3_COMMON) $(BENCH_HOST_finwait_SRCS)
BENCH_M3_lwip_SRCS := $(BENCH_M3_COMMON) $(BENCH_HOST_lwip_SRCS)

# $(1): engine (finwait|lwip)
define bench_m3_rules
BENCH_M3_$(1)_OBJS := $$(patsubst %.c,$(BENCH)/m3/$(1)/%.o,$$(patsubst $(LWIP)/src/%,lwip/%,$$(BENCH_M3_$(1)_SRCS)))

$(BENCH)/m3/$(1)/lwip/%.o: $(LWIP)/src/%.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $(BENCH_M3_FLAGS) $$(BENCH_HOST_$(1)_DEFS) $(LWIP_WARN) -MMD -MP -c $$< -o $$@

$(BENCH)/m3/$(1)/%.o: %.c bench/bench.mk | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $(BENCH_M3_FLAGS) $$(BENCH_HOST_$(1)_DEFS) $(WARN) -MMD -MP -c $$< -o $$@

$(BENCH)/m3/$(1)/bench_m3.elf: $$(BENCH_M3_$(1)_OBJS) $(BOARD_LDSCRIPT) $(BOARD_LD_INCLUDES)
	arm-none-eabi-gcc $(FW_LDFLAGS) -o $$@ $$(BENCH_M3_$(1)_OBJS) $(FW_LIBS)

-include $$(BENCH_M3_$(1)_OBJS:.o=.d)
endef
ifeq ($(BOARD),$(BENCH_BOARD))
$(foreach e,finwait lwip,$(eval $(call bench_m3_rules,$(e))))
endif

BENCH_M3_LIFECYCLES ?= 20
$(BENCH)/m3.json: bench/tools/m3bench.py $(BENCH)/m3/finwait/bench_m3.elf $(BENCH)/m3/lwip/bench_m3.elf
	nice -n 10 $(PY) bench/tools/m3bench.py --build $(BENCH)/m3 --lifecycles $(BENCH_M3_LIFECYCLES) > $@.tmp
	mv $@.tmp $@
