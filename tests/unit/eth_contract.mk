# The MAC contract (drivers/eth/eth_mac.h): one set of scenarios (init and
# the station address, rx_pending before rx, RX into pool pbufs, pool
# exhaustion, TX of a pbuf chain, TX reclaim by poll, link) run against
# the LAN9118, the STM32 ETH and the Stellaris Ethernet Controller over
# the fakes their own suites use, each through an adapter; and the template driver, compiled here so it keeps
# compiling, run as a MAC with nothing on the wire.
UNIT_SUITES += eth_contract
eth_contract_SRCS := tests/unit/test_eth_contract.c \
	tests/unit/eth_contract_lan9118.c tests/unit/fake_lan9118.c drivers/eth/lan9118/lan9118.c \
	tests/unit/eth_contract_stm32.c tests/unit/model_stm32_eth.c drivers/eth/stm32/stm32_eth.c \
	tests/unit/eth_contract_stellaris.c tests/unit/fake_stellaris_enet.c \
	drivers/eth/stellaris/stellaris_enet.c \
	drivers/eth/template/eth_template.c
