# LAN9118 driver against a fake register block (reset, ID, MAC, PHY, TX
# command words, RX into pool pbufs, exhaustion and error counting).
UNIT_SUITES += lan9118
lan9118_SRCS := tests/unit/test_lan9118.c tests/unit/fake_lan9118.c drivers/eth/lan9118/lan9118.c
