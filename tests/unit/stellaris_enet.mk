# Stellaris (LM3S6965) Ethernet Controller driver against a fake register
# block: bring-up order, MII and the PHY (and QEMU's PHY-less model), the
# TX FIFO's length-first words, RX out of the FIFO at every word phase,
# bad and impossible lengths, queue and pool exhaustion, error counting.
UNIT_SUITES += stellaris_enet
stellaris_enet_SRCS := tests/unit/test_stellaris_enet.c tests/unit/fake_stellaris_enet.c \
	drivers/eth/stellaris/stellaris_enet.c
