# QEMU mps2-an505: ARM AN505, a Cortex-M33 (Armv8-M mainline with the
# Security Extension; FPU unused, soft-float like every board) in ARM's IoT
# Kit. The image runs in the Secure state with the SAU off (an505.h says
# why), at the Secure aliases of its RAMs and peripherals; the IoT Kit's two
# CMSDK timers are its clock and deadline.
include bsp/mps2/family.mk
BOARD_CPU          := -mcpu=cortex-m33 -mthumb -mfloat-abi=soft
BOARD_SRCS         += bsp/mps2/an505.c bsp/mps2/an505_vectors.c $(MPS2_TIME)
BOARD_INC          += $(MPS2_TIME_INC)
BOARD_LDSCRIPT     := bsp/mps2/an505.ld
