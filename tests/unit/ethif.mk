# The netif bridge (port/lwip/ethif.c) over a fake struct eth_mac_ops:
# init, RX drain into netif->input, link tracking, TX errors.
UNIT_SUITES += ethif
ethif_SRCS := tests/unit/test_ethif.c port/lwip/ethif.c
