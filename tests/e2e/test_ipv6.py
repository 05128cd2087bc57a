"""IPv6 below TCP: lwIP's dual stack on the firmware, Linux as the peer.

The firmware has a link-local address made from its MAC (modified EUI-64,
RFC 4291 appendix A) and the static 2001:db8::2/64; both start tentative
and become preferred after duplicate address detection (RFC 4862 5.4).
The namespace's tap is IPv4-only for every other module (its router
solicitations and MLD reports would be noise in their pcaps); the `ip6`
fixture gives it 2001:db8::1/64 for one test and takes IPv6 away again.

finwait's TCP runs over both families: a connection over IPv6 is served
like one over IPv4 (the listeners take any local address of either
family), and lwIP never answers TCP with a parameter problem.
"""

import ipaddress
import re
import socket
import time

import pytest

import e2e_util as eu
import fwharness as fh

pytestmark = pytest.mark.needs_qemu

PEER_IP6 = "2001:db8::1"
FW_IP6 = "2001:db8::2"
DAD_TIMEOUT_S = 10.0


@pytest.fixture
def ip6(fw):
    """IPv6 on the namespace's tap for this test: 2001:db8::1/64 without
    DAD (usable at once), no router solicitations; disabled again after."""
    tap = fw.ns.tap
    for key, val in (("accept_dad", 0), ("accept_ra", 0), ("router_solicitations", 0),
                     ("disable_ipv6", 0)):
        fw.run(["sysctl", "-qw", f"net.ipv6.conf.{tap}.{key}={val}"], check=True)
    fw.run(["ip", "-6", "addr", "add", f"{PEER_IP6}/64", "dev", tap, "nodad"], check=True)
    yield tap
    fw.run(["ip", "-6", "addr", "flush", "dev", tap])
    fw.run(["sysctl", "-qw", f"net.ipv6.conf.{tap}.disable_ipv6=1"])


def link_local_of(mac: str) -> ipaddress.IPv6Address:
    """fe80::/64 with the modified EUI-64 of a 48-bit MAC (RFC 4291 A)."""
    b = bytearray(int(x, 16) for x in mac.split(":"))
    b[0] ^= 0x02
    iid = bytes(b[:3]) + b"\xff\xfe" + bytes(b[3:])
    return ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid)


def ip6_records(fw) -> dict[ipaddress.IPv6Address, dict]:
    """The Ethernet interface's IPv6 address records from `ifconfig`
    (sections `en<N>.ip6.<slot>`), keyed by address."""
    out = {}
    for sec, rec in fw.records("ifconfig").items():
        if re.fullmatch(r"en\d+\.ip6\.\d+", sec):
            out[ipaddress.IPv6Address(rec["addr"])] = rec
    return out


def wait_preferred(fw, want) -> dict:
    def ready():
        recs = ip6_records(fw)
        return recs if all(recs.get(a, {}).get("state") == "preferred" for a in want) else None
    return eu.wait_until(ready, DAD_TIMEOUT_S, f"{[str(a) for a in want]} preferred "
                         f"(ifconfig: {fw.cmd('ifconfig')})", step=0.5)


def pools_used(fw) -> tuple[int, int]:
    st = fw.stats()
    return fh.record_int(st, "memp.PBUF_POOL", "used"), fh.record_int(st, "heap", "used")


def idle_pools(fw):
    """pools_used() once no pool pbuf is held (no frame in the RX queue)."""
    used = pools_used(fw)
    return used if used[0] == 0 else None


def ping6(fw, dst: str, count: int, interval: float = 0.05) -> tuple[int, int, str]:
    r = fw.run(["ping", "-6", "-n", "-q", "-c", str(count), "-i", str(interval), "-W", "1", dst],
               timeout=count * interval + 30)
    m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
    assert m, f"ping output not understood:\n{r.stdout}{r.stderr}"
    return int(m.group(1)), int(m.group(2)), r.stdout


def test_ifconfig_lists_ipv6_addresses_preferred_after_dad(fw):
    """RFC 4862 5.4: the link-local address (from the MAC) and 2001:db8::2
    are listed, and preferred once DAD is over; the interface's IPv4 line
    keeps its keys."""
    ll = link_local_of(fw.mac)
    recs = wait_preferred(fw, [ll, ipaddress.IPv6Address(FW_IP6)])
    assert recs[ll]["scope"] == "link", recs
    assert recs[ll]["addr"] == str(ll), recs   # RFC 5952 text: lowercase, "::"
    assert recs[ipaddress.IPv6Address(FW_IP6)]["scope"] == "global", recs
    for a in (ll, ipaddress.IPv6Address(FW_IP6)):
        assert recs[a]["valid_s"] == "forever" and recs[a]["pref_s"] == "forever", recs
    ifc = fw.records("ifconfig")
    en = next(rec for rec in ifc.values() if rec.get("addr") == fw.ip)
    assert en["netmask"] == "255.255.255.0" and en["mac"] == fw.mac, en
    st = fw.stats()
    for sec in ("ip6", "icmp6", "nd6", "mld6"):
        assert sec in st, f"no '{sec}:' line in stats"
    # DAD sent one neighbour solicitation per address, MLD reported the
    # solicited-node groups it needs.
    assert fh.record_int(st, "nd6", "xmit") >= 2, st["nd6"]
    assert fh.record_int(st, "mld6", "tx_report") >= 1, st["mld6"]


@pytest.mark.fw_timeout(90)
def test_ping6_global_100_and_link_local(fw, ip6):
    """RFC 4443 4.1/4.2: 100 echo requests to 2001:db8::2 at 50 ms get 100
    replies (the first after neighbour discovery through the solicited-node
    multicast group, which the MAC must pass); the link-local address
    answers too; every pbuf comes back to its pool."""
    ll = link_local_of(fw.mac)
    wait_preferred(fw, [ll, ipaddress.IPv6Address(FW_IP6)])
    # The baseline once the frames Linux sent on enabling IPv6 (its MLD
    # reports) have left the receive queue.
    base = eu.wait_until(lambda: idle_pools(fw), 5.0, "PBUF_POOL idle before the pings")
    before = fw.stats()
    sent, received, out = ping6(fw, FW_IP6, 100)
    assert (sent, received) == (100, 100), out
    sent, received, out = ping6(fw, f"{ll}%{ip6}", 20)
    assert (sent, received) == (20, 20), out
    after = fw.stats()
    grew = lambda sec, key: fh.record_int(after, sec, key) - fh.record_int(before, sec, key)
    assert grew("icmp6", "recv") >= 120 and grew("icmp6", "xmit") >= 120, after["icmp6"]
    assert grew("nd6", "recv") >= 1, after["nd6"]   # Linux's solicitation for 2001:db8::2
    for sec in ("ip6", "icmp6", "nd6"):
        assert grew(sec, "chkerr") == 0 and grew(sec, "memerr") == 0, after[sec]
    eu.wait_until(lambda: pools_used(fw) == base, 5.0,
                  f"PBUF_POOL and heap back to {base} (now {pools_used(fw)})")


def _echoed(s: socket.socket, data: bytes) -> bytes:
    """Send `data` to an echo connection, read as many bytes back, close."""
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        d = s.recv(64)
        assert d, "echo closed early"
        got += d
    s.close()
    return got


@pytest.mark.fw_timeout(60)
def test_tcp_echo_over_ipv6_ipv4_still_served(fw, ip6):
    """TCP over IPv6: echo on [2001:db8::2]:7 answers (the listener takes
    either family), counted in tcp segs_in6/segs_out6, with no ICMPv6
    parameter problem (ip6.proterr unchanged: the engine's raw PCB takes
    TCP of both families); the connection's TCB comes back; IPv4 echo
    still works beside it."""
    wait_preferred(fw, [ipaddress.IPv6Address(FW_IP6)])
    before = fw.stats()
    tcbs_before = eu.tcp_stats(fw)["tcp.tcb_in_use"]
    with eu.netns(fw.ns_name):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((FW_IP6, eu.ECHO))
    assert _echoed(s, b"hello over IPv6") == b"hello over IPv6"
    after = fw.stats()
    assert fh.record_int(after, "ip6", "proterr") == fh.record_int(before, "ip6", "proterr")
    tcp = eu.tcp_stats(fw)
    assert tcp["tcp.segs_in6"] >= 3 and tcp["tcp.segs_out6"] >= 3, tcp
    # IPv4 goes on: an echo over 192.0.2.2.
    c = eu.peer_connect(fw, eu.ECHO)
    assert _echoed(c, b"still here over IPv4") == b"still here over IPv4"
    eu.wait_until(lambda: eu.tcp_stats(fw)["tcp.tcb_in_use"] == tcbs_before, 10,
                  "the echo connections' TCBs back")


@pytest.mark.fw_timeout(90)
def test_echo_requests_from_unresolvable_sources_hold_bounded_memory(fw, ip6):
    """Echo requests from 64 on-link sources that never answer neighbour
    discovery: each reply waits for an address resolution that fails (RFC
    4861 7.2.2: three solicitations, one second apart). lwIP's neighbour
    cache (LWIP_ND6_NUM_NEIGHBORS) holds at most one packet per entry
    (LWIP_ND6_QUEUEING 0) and recycles entries, so the heap never runs out,
    everything comes back once the resolutions have failed, and Linux's
    ping6 and IPv4 echo are answered throughout."""
    from scapy.all import Ether, ICMPv6EchoRequest, IPv6
    wait_preferred(fw, [ipaddress.IPv6Address(FW_IP6)])
    sent, received, out = ping6(fw, FW_IP6, 5)   # Linux resolved both ways
    assert received == 5, out
    base = eu.wait_until(lambda: idle_pools(fw), 5.0, "PBUF_POOL idle before the flood")
    before = fw.stats()
    with eu.netns(fw.ns_name):
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eu.ETH_P_ALL))
        sock.bind((ip6, 0))
    try:
        for rnd in range(3):
            for i in range(64):
                frame = Ether(src="02:00:00:00:06:%02x" % i, dst=fw.mac) / \
                    IPv6(src=f"2001:db8::6:{i:x}", dst=FW_IP6) / \
                    ICMPv6EchoRequest(id=0x6006, seq=rnd, data=bytes(1000))
                sock.send(bytes(frame))
            time.sleep(0.2)
    finally:
        sock.close()
    during = fw.stats()
    sent, received, out = ping6(fw, FW_IP6, 20)
    assert received >= 19, out   # one may wait for the firmware to re-resolve Linux
    c = eu.peer_connect(fw, eu.ECHO)
    c.sendall(b"v4")
    assert c.recv(16) == b"v4"
    c.close()
    # The failed resolutions free their held replies within a few seconds.
    eu.wait_until(lambda: pools_used(fw) == base, 15.0,
                  f"PBUF_POOL and heap back to {base} (now {pools_used(fw)})", step=0.5)
    after = fw.stats()
    grew = lambda sec, key: fh.record_int(after, sec, key) - fh.record_int(before, sec, key)
    # The flood reached lwIP (the MAC may drop some of each burst: counted
    # in `mac:`), and more sources were solicited than the cache holds.
    assert grew("icmp6", "recv") >= 64, after["icmp6"]
    assert grew("nd6", "xmit") >= 2 * 8, after["nd6"]
    assert grew("heap", "err") == 0, after["heap"]
    assert fh.record_int(during, "heap", "used") <= 12 * 1024, during["heap"]


def test_router_advertisement_prefix_gives_slaac_address(fw):
    """RFC 4862 5.5.3: a router advertisement with an autonomous /64 prefix
    (2001:db8:1::/64, valid 300 s, preferred 200 s) gives the interface an
    address with the link-local address's interface identifier; it goes
    through DAD like the others and shows its lifetimes counting down."""
    from scapy.all import Ether, ICMPv6ND_RA, ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, IPv6
    ll = link_local_of(fw.mac)
    wait_preferred(fw, [ll])
    slaac = ipaddress.IPv6Address(int(ipaddress.IPv6Address("2001:db8:1::"))
                                  | (int(ll) & ((1 << 64) - 1)))
    router_mac = "02:00:00:00:06:01"
    ra = Ether(src=router_mac, dst="33:33:00:00:00:01") / \
        IPv6(src="fe80::6:1", dst="ff02::1", hlim=255) / \
        ICMPv6ND_RA(routerlifetime=0) / \
        ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64, L=1, A=1,
                              validlifetime=300, preferredlifetime=200) / \
        ICMPv6NDOptSrcLLAddr(lladdr=router_mac)
    with eu.netns(fw.ns_name):
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eu.ETH_P_ALL))
        sock.bind((fw.ns.tap, 0))
    try:
        sock.send(bytes(ra))
    finally:
        sock.close()
    recs = wait_preferred(fw, [slaac])
    rec = recs[slaac]
    assert rec["scope"] == "global", rec
    assert 250 <= int(rec["valid_s"]) <= 300 and 150 <= int(rec["pref_s"]) <= 200, rec
    # The static address and the link-local one are still there.
    assert {ll, ipaddress.IPv6Address(FW_IP6)} <= set(recs), recs
