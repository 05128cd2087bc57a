# `make flash` and `make debug` for boards with an OpenOCD config
# (<board>_OPENOCD_CFG). Included by the Makefile for every board; the guard keeps
# the recipes to one definition.
#
#   make flash BOARD=nucleo-f429zi            openocd: program, verify, reset
#   make flash BOARD=nucleo-f429zi STFLASH=1  st-flash (package stlink-tools)
#   make debug BOARD=nucleo-f429zi            openocd gdb server + gdb-multiarch
#   make debug BOARD=netduinoplus2 QEMU=1     QEMU gdb stub (-s -S) + gdb-multiarch
ifndef STM32F4_FLASH_MK
STM32F4_FLASH_MK := 1
OPENOCD   ?= openocd
GDB       ?= gdb-multiarch
GDB_PORT  ?= 3333
FLASH_ELF  = $(BUILD)/$(BOARD)/firmware.elf

flash: firmware
	@test -n "$(BOARD_OPENOCD_CFG)" || { echo "flash: board '$(BOARD)' cannot be flashed"; exit 1; }
ifeq ($(STFLASH),1)
	arm-none-eabi-objcopy -O binary $(FLASH_ELF) $(FLASH_ELF:.elf=.bin)
	st-flash --reset write $(FLASH_ELF:.elf=.bin) 0x08000000
else
	$(OPENOCD) $(BOARD_OPENOCD_CFG) \
		-c "program $(FLASH_ELF) verify reset exit"
endif

ifeq ($(QEMU),1)
debug: firmware
	@test -n "$(BOARD_QEMU_MACHINE)" || { echo "debug: board '$(BOARD)' has no QEMU model"; exit 1; }
	qemu-system-arm -M $(BOARD_QEMU_MACHINE) -nographic -kernel $(FLASH_ELF) \
		$(BOARD_QEMU_FLAGS) -S -gdb tcp:127.0.0.1:$(GDB_PORT) & qpid=$$!; \
	$(GDB) -q -ex "target remote 127.0.0.1:$(GDB_PORT)" $(FLASH_ELF); \
	kill $$qpid 2>/dev/null; wait $$qpid 2>/dev/null; true
else
debug: firmware
	@test -n "$(BOARD_OPENOCD_CFG)" || { echo "debug: board '$(BOARD)' has no OpenOCD config"; exit 1; }
	$(OPENOCD) $(BOARD_OPENOCD_CFG) \
		-c "gdb_port $(GDB_PORT)" -c "bindto 127.0.0.1" & opid=$$!; \
	sleep 1; \
	$(GDB) -q -ex "target extended-remote 127.0.0.1:$(GDB_PORT)" \
		-ex "monitor reset halt" -ex "load" $(FLASH_ELF); \
	kill $$opid 2>/dev/null; wait $$opid 2>/dev/null; true
endif
endif
