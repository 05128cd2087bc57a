/*
 * Ethernet netif over struct eth_mac_ops: lwIP's etharp_output builds
 * the Ethernet header and ethif_linkoutput hands the frame to the MAC;
 * received frames go from the driver's queue to ethernet_input. Knows
 * nothing of any particular MAC, and decides nothing from its counters:
 * only the operations of eth_mac.h.
 */
#include "ethif.h"

#include "config.h"
#include "eth_mac.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#define ETHIF_MTU 1500u

static err_t ethif_linkoutput(struct netif *netif, struct pbuf *p)
{
	const struct ethif *e = netif->state;

	if (e->ops->tx(p) != 0) {
		LINK_STATS_INC(link.drop);
		return ERR_IF;
	}
	LINK_STATS_INC(link.xmit);
	return ERR_OK;
}

/* Every operation of the contract is there: a driver without one fails
 * netif_add() here rather than faulting in the main loop. */
static bool ethif_ops_complete(const struct eth_mac_ops *ops)
{
	return ops != NULL && ops->init != NULL && ops->tx != NULL && ops->rx != NULL &&
	    ops->rx_pending != NULL && ops->poll != NULL && ops->link_up != NULL;
}

err_t ethif_init(struct netif *netif)
{
	struct ethif *e = netif->state;

	if (e == NULL || !ethif_ops_complete(e->ops) || e->ops->init(netif->hwaddr) != 0)
		return ERR_IF;
	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	netif->mtu = ETHIF_MTU;
	netif->output = etharp_output;
	netif->linkoutput = ethif_linkoutput;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
#if LWIP_IPV6
	/* ND6 resolves neighbours, MLD6 reports the solicited-node groups.
	 * No mld_mac_filter: every MAC driver passes all multicast (their
	 * init says why), lwIP drops the groups it has not joined. */
	netif->output_ip6 = ethip6_output;
	netif->flags |= NETIF_FLAG_MLD6;
#endif
	/* netif_add() has not linked the netif yet: set the flag directly,
	 * later changes go through netif_set_link_up/down. */
	if (e->ops->link_up())
		netif->flags |= NETIF_FLAG_LINK_UP;
	e->link_polled_ms = sys_now();
	return ERR_OK;
}

static void ethif_link_poll(struct netif *netif, struct ethif *e)
{
	uint32_t now = sys_now();

	if (now - e->link_polled_ms < ETHIF_LINK_POLL_MS)
		return;
	e->link_polled_ms = now;
	bool up = e->ops->link_up();
	if (up && !netif_is_link_up(netif))
		netif_set_link_up(netif);
	else if (!up && netif_is_link_up(netif))
		netif_set_link_down(netif);
}

unsigned ethif_poll(struct netif *netif)
{
	struct ethif *e = netif->state;
	unsigned n = 0;
	struct pbuf *p;

	/* Housekeeping first: TX reclaim gives back descriptors and pbufs the
	 * replies to these frames will want. */
	e->ops->poll();
	while (n < FW_ETH_RX_QUEUE && (p = e->ops->rx()) != NULL) {
		n++;
		LINK_STATS_INC(link.recv);
		if (netif->input(p, netif) != ERR_OK) {
			LINK_STATS_INC(link.drop);
			pbuf_free(p);
		}
	}
	ethif_link_poll(netif, e);
	return n;
}

bool ethif_rx_pending(const struct netif *netif)
{
	const struct ethif *e = netif->state;

	return e->ops->rx_pending();
}
