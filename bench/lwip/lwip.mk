# The lwIP baseline firmware: the same board, main loop and lwIP core with
# lwIP's own TCP (LWIP_TCP=1) in place of finwait's engine, and the
# services on lwIP's raw API (bench/lwip/). `make FW_TCP=lwip` builds it
# for BOARD as build/<board>-lwip/firmware.elf. The engine's names are its
# own (fw_tcp_*), so main.c links against bench/lwip/lwip_shim.c here
# without any rename.

LWIP_TCP_SRCS := $(addprefix $(LWIP)/src/core/,tcp.c tcp_in.c tcp_out.c)
# lwIP's altcp over its own TCP, for the applications (LWIP_APP_SRCS).
LWIP_ALTCP_TCP_SRCS := $(LWIP)/src/core/altcp_tcp.c
# The engine, its services and anything built on its API stay out.
LWIPFW_SRCS := $(filter-out app/svc_% app/services.c app/cmd_tcp.c $(PORT_FW_TCP_SRCS),$(PORT_SRCS) $(APP_SRCS) $(TARGET_TEST_SRCS)) \
	bench/lwip/lwip_shim.c bench/lwip/lwip_services.c

# $(1): output directory, $(2): extra defines
define lwip_fw_rules
$(1)_OBJS := $$(patsubst %.c,$(1)/obj/%.o,$(BOARD_SRCS) $(LWIPFW_SRCS)) \
	$$(patsubst $(LWIP)/src/%.c,$(1)/lwip/%.o,$(LWIP_SRCS) $(LWIP_TCP_SRCS) $(LWIP_ALTCP_TCP_SRCS) $(LWIP_APP_SRCS))
$(1)_CFLAGS := $(FW_CFLAGS) -Ibench/lwip -DFW_LWIP_TCP $(2)

$(1)/obj/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $$($(1)_CFLAGS) $(WARN) -MMD -MP -c $$< -o $$@

$(1)/lwip/%.o: $(LWIP)/src/%.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $$($(1)_CFLAGS) $(LWIP_WARN) -MMD -MP -c $$< -o $$@

$(1)/firmware.elf: $$($(1)_OBJS) $(BOARD_LDSCRIPT) $(BOARD_LD_INCLUDES)
	arm-none-eabi-gcc $(FW_LDFLAGS) -Wl,-Map=$$(@:.elf=.map) -o $$@ $$($(1)_OBJS) $(FW_LIBS)
	arm-none-eabi-size $$@

-include $$($(1)_OBJS:.o=.d)
endef
$(eval $(call lwip_fw_rules,$(BUILD)/$(BOARD)-lwip,))
