# The lwIP baseline firmware (issue 6): the same board, main loop and lwIP
# core with lwIP's own TCP (LWIP_TCP=1) in place of finwait's engine, and
# the services on lwIP's raw API (bench/lwip/). Built for every board as
# build/<board>-lwip/firmware.elf; `make FW_TCP=lwip` builds it for BOARD.
#
# main.c is compiled with three -D renames (only here, only main.c): its
# calls tcp_init(now, key), tcp_timers(), tcp_next_deadline() would
# otherwise meet lwIP's own tcp_init(void). bench/lwip/lwip_shim.c says more.

LWIP_TCP_SRCS := $(addprefix $(LWIP)/src/core/,tcp.c tcp_in.c tcp_out.c)
# The engine, its services and anything built on its API stay out.
LWIPFW_SRCS := $(filter-out firmware/tcp/% firmware/svc_% firmware/services.c firmware/cmd_tcp.c,\
	$(FW_SRCS)) \
	bench/lwip/lwip_shim.c bench/lwip/lwip_services.c
LWIPFW_MAIN_RENAMES := -Dtcp_init=fw_tcp_init -Dtcp_timers=fw_tcp_timers \
	-Dtcp_next_deadline=fw_tcp_next_deadline

# $(1): board, $(2): output directory, $(3): extra defines
define lwip_fw_rules
$(2)_OBJS := $$(patsubst %.c,$(2)/obj/%.o,$$($(1)_SRCS) $(LWIPFW_SRCS)) \
	$$(patsubst $(LWIP)/src/%.c,$(2)/lwip/%.o,$(LWIP_SRCS) $(LWIP_TCP_SRCS))
$(2)_CFLAGS := $$($(1)_CFLAGS) -Ibench/lwip -DFW_LWIP_TCP $(3)

$(2)/obj/firmware/main.o: $(2)_CFLAGS += $(LWIPFW_MAIN_RENAMES)

$(2)/obj/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $$($(2)_CFLAGS) $(WARN) -MMD -MP -c $$< -o $$@

$(2)/lwip/%.o: $(LWIP)/src/%.c | $(LWIP_STAMP)
	@mkdir -p $$(@D)
	arm-none-eabi-gcc $$($(2)_CFLAGS) $(LWIP_WARN) -MMD -MP -c $$< -o $$@

$(2)/firmware.elf: $$($(2)_OBJS) $$($(1)_LDSCRIPT)
	arm-none-eabi-gcc $$($(1)_CPU) -T$$($(1)_LDSCRIPT) -Wl,--gc-sections -Wl,-Map=$$(@:.elf=.map) \
		--specs=nano.specs --specs=nosys.specs -o $$@ $$($(2)_OBJS) -Wl,--start-group -lc -lgcc -Wl,--end-group
	arm-none-eabi-size $$@

-include $$($(2)_OBJS:.o=.d)
endef
$(foreach b,$(BOARDS),$(eval $(call lwip_fw_rules,$(b),$(BUILD)/$(b)-lwip,)))
