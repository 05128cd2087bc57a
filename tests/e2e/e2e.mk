# End-to-end tests: the firmware in QEMU, a network namespace with a tap
# device as its peer (tests/e2e/conftest.py says what runs where).
#
#   make e2e                         the whole suite, on mps2-an385
#   make e2e E2E_ARGS='-k ping -x'   a subset, any pytest options
#   make e2e E2E_ARGS=--keep-artifacts   keep every test's pcap in build/e2e/
#   make e2e-boards                  the core subset (-m core) on every other
#                                    QEMU board, one pytest per board
#   make e2e-mps2-an505              the core subset on one board (any of
#                                    E2E_BOARDS; E2E_ARGS apply too)
#   make e2e-labgrid                 the labgrid subset (-m lgsubset) through
#                                    labgrid's QEMUDriver (in `make test`)
#   make e2e-nucleo-f429zi           a NUCLEO-F429ZI through labgrid: flash,
#                                    then the core and labgrid subsets
#                                    (README: Hardware in the loop with labgrid)
#
# Skipped, with a loud banner, when not root or without /dev/net/tun or
# qemu-system-arm; FINWAIT_E2E_REQUIRE=1 turns that into an error (for CI).
# The run as a whole is bounded by E2E_TIMEOUT seconds (SIGTERM: the harness
# removes its namespace and QEMU, then pytest reports), each test by its own
# limit (120 s unless marked fw_timeout).

E2E_TIMEOUT ?= 600
E2E_ARGS    ?=
E2E_ELF     := $(BUILD)/mps2-an385/firmware.elf
# test_selftest.py boots this one itself (no network, no root needed).
E2E_SELFTEST_ELF := $(BUILD)/netduinoplus2/firmware.elf

# The images it boots: each board's own make run (one board.mk per make).
E2E_IMAGES = @$(MAKE) --no-print-directory BOARD=mps2-an385 firmware-only && \
	$(MAKE) --no-print-directory BOARD=mps2-an385 FW_TCP=lwip firmware-only && \
	$(MAKE) --no-print-directory BOARD=netduinoplus2 firmware-only

# $(1): pytest's arguments, $(2): the run's time limit in seconds.
e2e_pytest = PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=30 $(2) \
	$(PY) -m pytest -q -rfEs -p no:cacheprovider -o faulthandler_timeout=150 \
	$(1); rc=$$?; \
	case $$rc in \
	0) ;; \
	5) echo "e2e: FAILED: pytest collected no tests in tests/e2e";; \
	124|137) echo "e2e: FAILED: timed out after $(2) s (pcaps and console logs in $(BUILD)/e2e/)";; \
	*) ;; \
	esac; \
	exit $$rc

e2e: deps-test lwip
	$(E2E_IMAGES)
	@mkdir -p $(BUILD)/e2e
	@$(call e2e_pytest,--fw-elf=$(E2E_ELF) tests/e2e $(E2E_ARGS),$(E2E_TIMEOUT))

# The other QEMU boards run the core subset (conftest.CORE_TESTS: boot,
# console, ping, the Linux-peer and crafted teardowns, 2MSL, TIME_WAIT
# pressure), each board in its own pytest and one board at a time: the
# timing-sensitive tests want the 2-core machine to themselves. A board's
# run takes about 25 s; E2E_BOARD_TIMEOUT bounds it.
E2E_CORE_BOARDS   := mps2-an386 mps2-an500 mps2-an505 mps3-an547 lm3s6965evb
E2E_BOARDS        := mps2-an385 $(E2E_CORE_BOARDS)
E2E_BOARD_TIMEOUT ?= 240
.PHONY: e2e-boards $(addprefix e2e-,$(E2E_BOARDS))

$(addprefix e2e-,$(E2E_BOARDS)): e2e-%: deps-test lwip
	@$(MAKE) --no-print-directory BOARD=$* firmware-only
	@mkdir -p $(BUILD)/e2e
	@echo "e2e: $*: the core subset"
	@$(call e2e_pytest,--machine=$* -m core tests/e2e $(E2E_ARGS),$(E2E_BOARD_TIMEOUT))

# Every board runs even when one fails; the summary names the failures.
e2e-boards: deps-test lwip
	@failed=; for b in $(E2E_CORE_BOARDS); do \
		$(MAKE) --no-print-directory e2e-$$b || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "e2e-boards: FAILED on:$$failed"; exit 1; fi; \
	echo "e2e-boards: no failures on $(E2E_CORE_BOARDS) (each run says passed or skipped)"

# The suite as a labgrid client (tests/e2e/labgrid/): the QEMU environment
# runs the labgrid subset (conftest.LABGRID_TESTS) on every `make test`,
# 17-20 s on the 2-core machine; E2E_LG_TIMEOUT bounds it.
E2E_LG_ENV     := tests/e2e/labgrid/qemu-mps2-an385.yaml
E2E_LG_TIMEOUT ?= 180
.PHONY: e2e-labgrid e2e-nucleo-f429zi

e2e-labgrid: deps-test lwip
	@$(MAKE) --no-print-directory BOARD=mps2-an385 firmware-only
	@mkdir -p $(BUILD)/e2e
	@echo "e2e: labgrid: $(E2E_LG_ENV), the labgrid subset"
	@$(call e2e_pytest,--lg-env $(E2E_LG_ENV) -m lgsubset tests/e2e $(E2E_ARGS),$(E2E_LG_TIMEOUT))

# A real board, flashed through labgrid at the first boot: the core subset
# and the labgrid one (flash-then-boot). LG_ENV_NUCLEO picks the local or
# the remote environment; the LG_* variables they read are in the README.
LG_ENV_NUCLEO ?= tests/e2e/labgrid/nucleo-f429zi.yaml

e2e-nucleo-f429zi: deps-test lwip
	@$(MAKE) --no-print-directory BOARD=nucleo-f429zi firmware-only
	@mkdir -p $(BUILD)/e2e
	@$(call e2e_pytest,--lg-env $(LG_ENV_NUCLEO) --machine nucleo-f429zi \
		-m "core or lgsubset" tests/e2e $(E2E_ARGS),$(E2E_TIMEOUT))

# The long counts (not in `make test`): 200 faulty 64 KiB echo/client
# connections behind the netem relay (152 s on 2026-12-01 with two echo lanes
# and congestion control/SACK; 230 s and 294 s with one lane; 979-1,426 s
# before the out-of-order queue: tests/e2e/README.md says where the time
# went), a 1 MiB echo under 10 % loss and 20,000 daytime connections into
# the TIME_WAIT table. Replay a fault run with E2E_ARGS='--seed N'.
SOAK_TIMEOUT ?= 3600

soak: deps-test lwip
	$(E2E_IMAGES)
	@mkdir -p $(BUILD)/e2e
	@PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=30 $(SOAK_TIMEOUT) \
		$(PY) -m pytest -q -s -rfEs -p no:cacheprovider --fw-elf=$(E2E_ELF) --soak \
		-k soak tests/e2e/test_faults.py tests/e2e/test_loss.py \
		tests/e2e/test_pressure.py $(E2E_ARGS)
