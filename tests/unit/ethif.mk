# The netif bridge (port/lwip/ethif.c) over a fake struct eth_mac_ops:
# init (and its check that every op is there), the driver's poll() before
# the RX drain into netif->input, rx_pending() from the driver and never
# its counters, link tracking, TX errors.
UNIT_SUITES += ethif
ethif_SRCS := tests/unit/test_ethif.c port/lwip/ethif.c
