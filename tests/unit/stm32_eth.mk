# STM32F4 ETH MAC+DMA driver against a simulated DMA engine (descriptor
# rings walked as the hardware does) and an MDIO PHY model, with the host
# lwIP core's pbuf pools.
UNIT_SUITES += stm32_eth
stm32_eth_SRCS := tests/unit/test_stm32_eth.c tests/unit/model_stm32_eth.c drivers/eth/stm32/stm32_eth.c
