# The netif bridge (lwip-port/ethif.c) over a fake struct eth_mac_ops:
# init, RX drain into netif->input, link tracking, TX errors.
UNIT_SUITES += ethif
ethif_SRCS := tests/unit/test_ethif.c lwip-port/ethif.c
