# End-to-end tests: the firmware in QEMU, a network namespace with a tap
# device as its peer (tests/e2e/conftest.py says what runs where).
#
#   make e2e                         the whole suite
#   make e2e E2E_ARGS='-k ping -x'   a subset, any pytest options
#   make e2e E2E_ARGS=--keep-artifacts   keep every test's pcap in build/e2e/
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

# A second MAC family: the core of the suite again on QEMU lm3s6965evb
# (the Stellaris Ethernet Controller), in a pytest run of its own after
# the first: boot, banner, ARP, ping, console, reboot, echo and daytime
# with Linux, a crafted SYN into TIME_WAIT, 2MSL on the wire (~20 s).
# E2E_ARGS applies to it too; E2E_LM3S=0 leaves it out.
E2E_LM3S      ?= 1
E2E_LM3S_TIMEOUT ?= 180
E2E_LM3S_ELF  := $(BUILD)/lm3s6965evb/firmware.elf
E2E_LM3S_TESTS := tests/e2e/test_foundation.py \
	tests/e2e/test_linux_peer.py::test_echo_1mib_linux_closes_first \
	tests/e2e/test_linux_peer.py::test_daytime_finwait_holds_time_wait \
	tests/e2e/test_crafted.py::test_syn_into_time_wait_higher_seq_new_incarnation \
	tests/e2e/test_2msl.py

# The images it boots: each board's own make run (one board.mk per make).
E2E_IMAGES = @$(MAKE) --no-print-directory BOARD=mps2-an385 firmware-only && \
	$(MAKE) --no-print-directory BOARD=mps2-an385 FW_TCP=lwip firmware-only && \
	$(MAKE) --no-print-directory BOARD=netduinoplus2 firmware-only && \
	$(MAKE) --no-print-directory BOARD=lm3s6965evb firmware-only

# $(1): time limit (s), $(2): pytest arguments
E2E_PYTEST = PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=30 $(1) \
	$(PY) -m pytest -q -rfEs -p no:cacheprovider -o faulthandler_timeout=150 $(2)
# $(1): which run, $(2): its time limit; says what a failing $$rc means
E2E_VERDICT = case $$rc in \
	0) ;; \
	5) echo "e2e: FAILED: pytest collected no tests for $(1)";; \
	124|137) echo "e2e: FAILED: $(1) timed out after $(2) s (pcaps and console logs in $(BUILD)/e2e/)";; \
	*) ;; \
	esac

e2e: deps-test lwip
	$(E2E_IMAGES)
	@mkdir -p $(BUILD)/e2e
	@$(call E2E_PYTEST,$(E2E_TIMEOUT),--fw-elf=$(E2E_ELF) tests/e2e $(E2E_ARGS)); rc=$$?; \
	$(call E2E_VERDICT,tests/e2e,$(E2E_TIMEOUT)); first=$$rc; \
	if [ "$(E2E_LM3S)" != 0 ]; then \
		echo "e2e: the core subset on lm3s6965evb (Stellaris Ethernet)"; \
		$(call E2E_PYTEST,$(E2E_LM3S_TIMEOUT),--fw-elf=$(E2E_LM3S_ELF) --machine lm3s6965evb \
			$(E2E_LM3S_TESTS) $(E2E_ARGS)); rc=$$?; \
		if [ $$rc = 5 ] && [ -n "$(E2E_ARGS)" ]; then rc=0; fi; \
		$(call E2E_VERDICT,the lm3s6965evb subset,$(E2E_LM3S_TIMEOUT)); \
	else rc=0; fi; \
	[ $$first = 0 ] || exit $$first; exit $$rc

# The long counts (not in `make test`): 200 faulty 64 KiB echo/client
# connections behind the netem relay (979 s in one run: the firmware's RTO
# backs off under 10 % loss), 20,000 daytime connections into the
# TIME_WAIT table, the 30 s zero-window 1-byte flood against echo, and
# five minutes of closed window on an echo (about 5 min). Replay a fault
# run with E2E_ARGS='--seed N'.
SOAK_TIMEOUT ?= 3600

soak: deps-test lwip
	$(E2E_IMAGES)
	@mkdir -p $(BUILD)/e2e
	@PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=30 $(SOAK_TIMEOUT) \
		$(PY) -m pytest -q -s -rfEs -p no:cacheprovider --fw-elf=$(E2E_ELF) --soak \
		-k soak tests/e2e/test_faults.py tests/e2e/test_pressure.py tests/e2e/test_rx_flood.py \
		tests/e2e/test_liveness.py $(E2E_ARGS)
