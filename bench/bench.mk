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
