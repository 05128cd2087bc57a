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

# The images it boots: each board's own make run (one board.mk per make).
E2E_IMAGES = @$(MAKE) --no-print-directory BOARD=mps2-an385 firmware-only && \
	$(MAKE) --no-print-directory BOARD=mps2-an385 FW_TCP=lwip firmware-only && \
	$(MAKE) --no-print-directory BOARD=netduinoplus2 firmware-only

e2e: deps-test lwip
	$(E2E_IMAGES)
	@mkdir -p $(BUILD)/e2e
	@PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=30 $(E2E_TIMEOUT) \
		$(PY) -m pytest -q -rfEs -p no:cacheprovider -o faulthandler_timeout=150 \
		--fw-elf=$(E2E_ELF) tests/e2e $(E2E_ARGS); rc=$$?; \
	case $$rc in \
	0) ;; \
	5) echo "e2e: FAILED: pytest collected no tests in tests/e2e";; \
	124|137) echo "e2e: FAILED: timed out after $(E2E_TIMEOUT) s (pcaps and console logs in $(BUILD)/e2e/)";; \
	*) ;; \
	esac; \
	exit $$rc

# The long counts (not in `make test`): 200 faulty 64 KiB echo/client
# connections behind the netem relay (979 s in one run: the firmware's RTO
# backs off under 10 % loss), 20,000 daytime connections into the
# TIME_WAIT table, and five minutes of closed window on an echo (about
# 5 min). Replay a fault run with E2E_ARGS='--seed N'.
SOAK_TIMEOUT ?= 3600

soak: deps-test lwip
	$(E2E_IMAGES)
	@mkdir -p $(BUILD)/e2e
	@PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=30 $(SOAK_TIMEOUT) \
		$(PY) -m pytest -q -s -rfEs -p no:cacheprovider --fw-elf=$(E2E_ELF) --soak \
		-k soak tests/e2e/test_faults.py tests/e2e/test_pressure.py tests/e2e/test_liveness.py $(E2E_ARGS)
