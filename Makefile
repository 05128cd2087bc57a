# finwait: build, run and test.
#
#   make run            boot the default board's firmware in QEMU (user-mode net)
#   make test           every test: host unit tests (plain and ASan/UBSan),
#                       all boards built with -Werror, QEMU end-to-end tests
#                       (all of them on mps2-an385, the core subset on the
#                       other QEMU boards, a subset through labgrid)
#   make BOARD=x        build build/x/firmware.elf
#   make FW_TCP=lwip    the lwIP-TCP baseline, build/<board>-lwip/firmware.elf
#   make bench          finwait against lwIP's TCP (bench/bench.mk; not in test)
#   make bench-qemu     only some QEMU rows: BENCH_ONLY=httpd,iperf (bench/bench.mk)
#
# Each area keeps its own fragment: bsp/<family>/boards/<board>/board.mk
# (target flags and sources), tcp/tcp.mk (the engine), port/lwip/port.mk,
# app/app.mk, tests/unit/*.mk (one per host test suite), tests/e2e/e2e.mk.
# This file holds the rules.

BOARD   ?= mps2-an385
FW_TCP  ?= finwait
PY      := /usr/bin/python3
BUILD   := build
LWIP    := $(BUILD)/lwip/lwip-2.1.3
LWIP_STAMP := $(BUILD)/lwip/.unpacked-0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24

# A board is a folder bsp/<family>/boards/<board>/ with a board.mk; only the
# selected board's fragment is read (targets that cover every board run
# make once per board).
BOARD_MKS := $(sort $(wildcard bsp/*/boards/*/board.mk))
BOARDS    := $(notdir $(patsubst %/board.mk,%,$(BOARD_MKS)))
BOARD_DIR := $(patsubst %/board.mk,%,$(filter %/boards/$(BOARD)/board.mk,$(BOARD_MKS)))

WARN    := -Wall -Wextra -Werror -Wswitch-enum -Wshadow -Wstrict-prototypes -Wmissing-prototypes
STD     := -std=c11
# lwIP's own sources predate some of our warnings; they get the basic set.
LWIP_WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-address

CFLAGS_EXTRA ?=

.DEFAULT_GOAL := firmware
.PHONY: firmware firmware-only all-boards run demo qemu-tap test unit unit-asan tools-test e2e deps deps-test lwip clean fuzz soak bench bench-qemu flash debug help checks oot-test
.SECONDARY:

ifeq ($(BOARD_DIR),)
$(error unknown BOARD '$(BOARD)': boards are $(BOARDS))
endif
ifeq ($(filter $(FW_TCP),finwait lwip),)
$(error unknown FW_TCP '$(FW_TCP)': finwait or lwip)
endif
FW_OUT  := $(BUILD)/$(BOARD)$(if $(filter lwip,$(FW_TCP)),-lwip)

help:
	@sed -n '1,16p' Makefile

# ---------------------------------------------------------------- set-up
deps:
	@tools/bootstrap.sh build run

deps-test:
	@tools/bootstrap.sh build test

$(LWIP_STAMP):
	@tools/fetch-lwip.sh

lwip: $(LWIP_STAMP)

# lwIP core as the firmware uses it: TCP stays out, finwait's replaces it.
LWIP_CORE_SRCS := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c \
	core/timeouts.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c \
	core/ipv6/ethip6.c core/ipv6/icmp6.c core/ipv6/inet6.c core/ipv6/ip6.c \
	core/ipv6/ip6_addr.c core/ipv6/ip6_frag.c core/ipv6/mld6.c core/ipv6/nd6.c
LWIP_SRCS := $(addprefix $(LWIP)/src/,$(LWIP_CORE_SRCS))
# lwIP's altcp API and its own applications, compiled from lwIP's sources
# unchanged, in both firmwares (finwait's engine under the altcp API,
# port/lwip/altcp_fw.c, or lwIP's TCP under it, altcp_tcp.c).
LWIP_APP_SRCS := $(addprefix $(LWIP)/src/,core/altcp.c apps/http/httpd.c apps/http/fs.c apps/mqtt/mqtt.c apps/lwiperf/lwiperf.c)

# ---------------------------------------------------------------- firmware
include tcp/tcp.mk
include port/lwip/port.mk
include app/app.mk
include $(BOARD_DIR)/board.mk

LWIP_INC := $(PORT_INC) -I$(LWIP)/src/include
# Portable code sees the board interface (bsp/board.h), the MAC contract
# (drivers/eth/eth_mac.h), the application's config.h and the engine's
# public header; the board's own include paths come from its fragment.
FW_INC    := -Ibsp -Idrivers/eth -Iapp $(FW_TCP_INC) -Itests/target $(LWIP_INC)
FW_CFLAGS := $(BOARD_CPU) -Os -g3 -ffunction-sections -fdata-sections $(STD) \
	$(BOARD_INC) $(FW_INC) $(BOARD_DEFS) $(CFLAGS_EXTRA)
FW_LDFLAGS := $(BOARD_CPU) -T$(BOARD_LDSCRIPT) -Wl,--gc-sections --specs=nano.specs --specs=nosys.specs
FW_LIBS   := -Wl,--start-group -lc -lgcc -Wl,--end-group

FW_SRCS := $(FW_TCP_SRCS) $(PORT_SRCS) $(APP_SRCS) $(TARGET_TEST_SRCS)
FW_OBJS := $(patsubst %.c,$(BUILD)/$(BOARD)/obj/%.o,$(BOARD_SRCS) $(FW_SRCS)) \
	$(patsubst $(LWIP)/src/%.c,$(BUILD)/$(BOARD)/lwip/%.o,$(LWIP_SRCS) $(LWIP_APP_SRCS))

$(BUILD)/$(BOARD)/obj/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(FW_CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BUILD)/$(BOARD)/lwip/%.o: $(LWIP)/src/%.c | $(LWIP_STAMP)
	@mkdir -p $(@D)
	arm-none-eabi-gcc $(FW_CFLAGS) $(LWIP_WARN) -MMD -MP -c $< -o $@

$(BUILD)/$(BOARD)/firmware.elf: $(FW_OBJS) $(BOARD_LDSCRIPT) $(BOARD_LD_INCLUDES)
	arm-none-eabi-gcc $(FW_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(FW_OBJS) $(FW_LIBS)
	arm-none-eabi-size $@

-include $(FW_OBJS:.o=.d)

include bench/bench.mk
include bsp/flash.mk

firmware: deps lwip $(FW_OUT)/firmware.elf

# Without the package check (test and all-boards have run it).
firmware-only: $(FW_OUT)/firmware.elf

all-boards: deps lwip
	@set -e; for b in $(BOARDS); do $(MAKE) --no-print-directory BOARD=$$b firmware-only; done

# ---------------------------------------------------------------- run
QEMU_HOSTFWD := hostfwd=tcp:127.0.0.1:7007-192.0.2.2:7,hostfwd=tcp:127.0.0.1:7009-192.0.2.2:9,hostfwd=tcp:127.0.0.1:7013-192.0.2.2:13,hostfwd=tcp:127.0.0.1:7080-192.0.2.2:80
# `make run` first shows the firmware working (tools/demo.py: an echo and a
# daytime connection through QEMU's user-mode network, then both teardowns
# drawn as ladder diagrams from the NIC's pcap), then boots it again with
# the console on the terminal. `make run DEMO=0` skips the demo.
DEMO ?= 1
run: firmware
	@tools/bootstrap.sh run
ifneq ($(DEMO),0)
	@$(PY) tools/demo.py --elf $(FW_OUT)/firmware.elf --machine $(BOARD_QEMU_MACHINE) -- $(BOARD_QEMU_FLAGS) \
		|| echo "finwait: the demo failed (its console log is in build/demo/); the console follows anyway"
endif
	@echo "finwait: QEMU $(BOARD_QEMU_MACHINE); quit with Ctrl-A then X. Board ports 7/9/13/80 are on 127.0.0.1:7007/7009/7013/7080 (httpd: open http://127.0.0.1:7080/)."
	qemu-system-arm -M $(BOARD_QEMU_MACHINE) -nographic -kernel $(FW_OUT)/firmware.elf \
		-netdev user,id=net0,net=192.0.2.0/24,host=192.0.2.1,dhcpstart=192.0.2.100,$(QEMU_HOSTFWD) \
		-net nic,netdev=net0 $(BOARD_QEMU_FLAGS)

demo: firmware
	@tools/bootstrap.sh run
	@$(PY) tools/demo.py --elf $(FW_OUT)/firmware.elf --machine $(BOARD_QEMU_MACHINE) -- $(BOARD_QEMU_FLAGS)

qemu-tap: firmware
	@tools/qemu-tap.sh $(BUILD)/$(BOARD)/firmware.elf $(BOARD_QEMU_MACHINE)

# ---------------------------------------------------------------- host unit tests
HOST_CC    := gcc
# Host tests are white-box: they see the engine's private headers and the
# drivers' folders.
HOST_DRIVER_INC := -Idrivers/uart -Idrivers/uart/cmsdk -Idrivers/timer/cmsdk -Idrivers/timer/sse -Ibsp/cortex-m \
	-Idrivers/uart/stellaris -Idrivers/timer/stellaris \
	-Idrivers/eth/lan9118 -Idrivers/eth/stm32 -Idrivers/eth/stellaris -Idrivers/eth/template -Ibsp/mps2 -Ibsp/stm32f4
HOST_FLAGS := $(STD) -g -O1 -DFW_HOST_TEST $(FW_INC) $(FW_TCP_PRIV_INC) $(HOST_DRIVER_INC) -Itests/unit \
	$(CFLAGS_EXTRA)
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

UNIT_SUITES :=
include $(sort $(wildcard tests/unit/*.mk))

# $(1): variant (unit|asan), $(2): extra flags
define host_variant
$(BUILD)/host/$(1)/lwip/%.o: $(LWIP)/src/%.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	$(HOST_CC) $(HOST_FLAGS) $(2) $(LWIP_WARN) -MMD -MP -c $$< -o $$@

$(BUILD)/host/$(1)/obj/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	$(HOST_CC) $(HOST_FLAGS) $(2) $(WARN) -MMD -MP -c $$< -o $$@

# With the core's TCP hooks (LWIP_TCP=1 in lwipopts.h; finwait stands in
# for lwIP's TCP), so a suite that calls lwip_init() links, and lwIP's
# altcp API for the adapter's tests.
$(BUILD)/host/$(1)/liblwip.a: $(patsubst $(LWIP)/src/%.c,$(BUILD)/host/$(1)/lwip/%.o,$(LWIP_SRCS)) \
		$(BUILD)/host/$(1)/lwip/core/altcp.o $(BUILD)/host/$(1)/obj/port/lwip/tcp_core_fw.o
	@rm -f $$@
	ar rcs $$@ $$^

# lwIP objects depend on lwipopts.h and config.h: let an edit rebuild them
-include $(patsubst $(LWIP)/src/%.c,$(BUILD)/host/$(1)/lwip/%.d,$(LWIP_SRCS))
endef
$(eval $(call host_variant,unit,))
$(eval $(call host_variant,asan,$(ASAN_FLAGS)))

# $(1): suite, $(2): variant, $(3): extra flags
define suite_rules
$(BUILD)/host/$(2)/$(1): $(patsubst %.c,$(BUILD)/host/$(2)/obj/%.o,$($(1)_SRCS)) $(BUILD)/host/$(2)/liblwip.a
	$(HOST_CC) $(3) -o $$@ $$^ -lcmocka $($(1)_LIBS)
-include $(patsubst %.c,$(BUILD)/host/$(2)/obj/%.d,$($(1)_SRCS))
endef
$(foreach s,$(UNIT_SUITES),$(eval $(call suite_rules,$(s),unit,)))
$(foreach s,$(UNIT_SUITES),$(eval $(call suite_rules,$(s),asan,$(ASAN_FLAGS))))

unit: deps-test lwip $(addprefix $(BUILD)/host/unit/,$(UNIT_SUITES))
	@tools/run-unit.sh $(BUILD)/host/unit $(UNIT_SUITES)

unit-asan: deps-test lwip $(addprefix $(BUILD)/host/asan/,$(UNIT_SUITES))
	@tools/run-unit.sh $(BUILD)/host/asan $(UNIT_SUITES)

# ---------------------------------------------------------------- end-to-end
include tests/e2e/e2e.mk
include tests/fuzz/fuzz.mk

# ---------------------------------------------------------------- tool tests
# The fault relay and the ladder-diagram tool have their own pytest suite.
tools-test: deps-test
	@PYTHONDONTWRITEBYTECODE=1 $(PY) -m pytest -q -p no:cacheprovider tests/tools

# ---------------------------------------------------------------- out of tree
# tests/oot is an lwIP application built as README's "Use finwait in your
# own lwIP project" says, by its own Makefile from LWIP_DIR and FINWAIT_DIR
# alone: for the host (built and run: an altcp echo server and a raw
# tcp_* client over 127.0.0.1) and for Cortex-M3 (built and linked).
# Only what these command lines give reaches it: no MAKEFLAGS, and CC,
# CFLAGS and LDFLAGS set for both (this make's command-line variables are
# in the environment too).
OOT_DIRS := LWIP_DIR=$(abspath $(LWIP)) FINWAIT_DIR=$(CURDIR)
oot-test: lwip
	@env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES $(MAKE) --no-print-directory -s -C tests/oot $(OOT_DIRS) OUT=$(abspath $(BUILD))/oot/host \
		CC=$(HOST_CC) CFLAGS= LDFLAGS= run
	@env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES $(MAKE) --no-print-directory -s -C tests/oot $(OOT_DIRS) OUT=$(abspath $(BUILD))/oot/cortex-m3 \
		CC=arm-none-eabi-gcc CFLAGS='-mcpu=cortex-m3 -mthumb' LDFLAGS='--specs=nano.specs --specs=nosys.specs'
	@arm-none-eabi-size $(BUILD)/oot/cortex-m3/oot.elf

# ---------------------------------------------------------------- everything
# In CI (CI=true) a skipped end-to-end suite is a failure, never a pass.
ifneq ($(CI),)
export FINWAIT_E2E_REQUIRE := 1
endif

# The tree's boundaries: nothing outside the engine includes its private
# headers, board code knows no TCP, portable code sees only board.h and
# eth_mac.h, drivers include neither config.h nor a board's header
# (tools/check_includes.py);
# the engine defines no name of lwIP's TCP (tools/check_names.py, over both
# builds' objects); lwIP's applications compile to the same code in both.
checks: deps-test lwip
	@$(MAKE) --no-print-directory BOARD=mps2-an385 firmware-only
	@$(MAKE) --no-print-directory BOARD=mps2-an385 FW_TCP=lwip firmware-only
	$(PY) tools/check_includes.py
	$(PY) tools/check_names.py --nm arm-none-eabi-nm \
		--engine-objs $(patsubst %.c,$(BUILD)/mps2-an385/obj/%.o,$(FW_TCP_SRCS)) \
		--lwip-objs $(patsubst $(LWIP)/src/%.c,$(BUILD)/mps2-an385-lwip/lwip/%.o,$(LWIP_TCP_SRCS)) \
		--lwip-src $(LWIP)/src --public-header tcp/include/fw_tcp.h
	@# lwIP's applications are the same code on either TCP: their objects
	@# from both firmwares, debug info aside (-g3 records every macro), match.
	@set -e; for o in $(patsubst $(LWIP)/src/%.c,%.o,$(LWIP_APP_SRCS)); do \
		arm-none-eabi-objcopy --strip-debug $(BUILD)/mps2-an385/lwip/$$o $(BUILD)/mps2-an385/apps-cmp.fw.o; \
		arm-none-eabi-objcopy --strip-debug $(BUILD)/mps2-an385-lwip/lwip/$$o $(BUILD)/mps2-an385/apps-cmp.lwip.o; \
		cmp $(BUILD)/mps2-an385/apps-cmp.fw.o $(BUILD)/mps2-an385/apps-cmp.lwip.o \
			|| { echo "checks: $$o differs between FW_TCP=finwait and FW_TCP=lwip"; exit 1; }; \
	done; rm -f $(BUILD)/mps2-an385/apps-cmp.*.o; \
	echo "checks: lwIP's application objects ($(notdir $(LWIP_APP_SRCS:.c=.o))) are byte-identical in both firmwares"

# The builds run two jobs at a time (this machine has two cores: about a
# minute less from a clean tree); the tests run one at a time.
test: deps-test lwip
	$(MAKE) -j2 all-boards
	$(MAKE) checks
	$(MAKE) -j2 unit
	$(MAKE) -j2 unit-asan
	$(MAKE) oot-test
	$(MAKE) tools-test
	$(MAKE) e2e
	$(MAKE) e2e-boards
	$(MAKE) e2e-labgrid

clean:
	rm -rf $(BUILD)/host $(BUILD)/oot $(foreach b,$(BOARDS),$(BUILD)/$(b) $(BUILD)/$(b)-lwip) $(BUILD)/e2e
