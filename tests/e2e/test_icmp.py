"""ICMP errors from the wire, and opens the engine must refuse.

A Scapy peer at 192.0.2.3 (e2e_util.CraftedPeer) sends ICMP destination
unreachable quoting the firmware's own segments: with the right sequence
number an open ends at once (RFC 1122 4.2.3.9), with a guessed one nothing
happens (RFC 5927 4.1), and an established connection treats even a
correct one as a soft error (RFC 5927 5.2). The console client refuses to
open toward a broadcast address (RFC 1122 4.2.3.10).
"""

import random
import re
import time

import pytest

import e2e_util as eu
from e2e_util import flags_of

pytestmark = pytest.mark.needs_qemu


@pytest.fixture
def peer(fw):
    p = eu.CraftedPeer(fw)
    yield p
    p.close()


def _icmp_unreach(peer, quoted, code=3):
    """ICMP destination unreachable (type 3) from the crafted peer quoting
    the firmware's segment `quoted` (a Scapy TCP layer it sent us): the IP
    header and the first 8 bytes of TCP (RFC 792)."""
    from scapy.all import ICMP, IP, Ether, IPerror, TCPerror
    inner = IPerror(src=peer.fw.ip, dst=peer.IP, proto=6) / TCPerror(
        sport=quoted.sport, dport=quoted.dport, seq=quoted.seq, ack=quoted.ack, flags=quoted.flags)
    frame = Ether(src=peer.MAC, dst=peer.fw_mac) / IP(src=peer.IP, dst=peer.fw.ip) / \
        ICMP(type=3, code=code) / inner
    peer._send_raw(bytes(frame))


def _connect(fw, port):
    out = fw.cmd(f"connect {eu.CraftedPeer.IP} {port}")
    m = re.search(r"^conn (\d+)$", out, re.M)
    assert m, out
    return m.group(1)


def test_port_unreachable_ends_open_at_once(fw, peer):
    """Console `connect` to the crafted peer, which answers the SYN with
    ICMP port unreachable quoting it: `err ID refused` within a second,
    not after 63 s of SYN retries; no TCB left; counted."""
    before = eu.tcp_stats(fw)
    port = random.randint(20000, 60000)
    cid = _connect(fw, port)
    syn = peer.expect(lambda t: flags_of(t) == "S" and t.dport == port, 3)
    assert syn is not None, "no SYN from the console client"
    t0 = time.monotonic()
    _icmp_unreach(peer, syn)
    fw.wait_for(rf"err {cid} refused", 5)
    assert time.monotonic() - t0 < 1.0
    after = eu.tcp_stats(fw)
    assert after["tcp.icmp_open_aborts"] - before["tcp.icmp_open_aborts"] == 1
    assert not [t for t in eu.netstat(fw)[0] if t.get("remote") == f"{eu.CraftedPeer.IP}:{port}"]


def test_forged_unreachable_with_guessed_seq_ignored(fw, peer):
    """The same message quoting a sequence number the firmware never sent
    (a blind attacker's guess): counted and ignored; the SYN is
    retransmitted and the crafted peer can still complete the open."""
    before = eu.tcp_stats(fw)
    c = eu.CraftedConn(peer, 0, random.randint(20000, 60000), iss=random.randint(1, 1 << 30))
    cid = _connect(fw, c.sport)
    syn = peer.expect(lambda t: flags_of(t) == "S" and t.dport == c.sport, 3)
    assert syn is not None
    syn.seq = (syn.seq + 100000) % (1 << 32)
    _icmp_unreach(peer, syn)
    eu.wait_until(lambda: eu.tcp_stats(fw)["tcp.icmp_bad_seq"] > before["tcp.icmp_bad_seq"], 3,
                  "the forged ICMP to be counted")
    c.accept(timeout=5)           # the retransmitted SYN, answered
    fw.wait_for(rf"connected {cid}\b", 5)
    fw.cmd(f"abort {cid}")


def test_unreachable_into_established_is_soft(fw, peer):
    """An established connection (finwait's echo) gets a correct-looking
    ICMP host unreachable: counted as soft, the echo still works."""
    before = eu.tcp_stats(fw)
    c = eu.CraftedConn(peer, eu.ECHO, random.randint(20000, 60000), iss=random.randint(1, 1 << 30))
    c.open()
    c.send("PA", payload=b"ping")
    c.snd_nxt += 4
    echo = c.expect(lambda t: bytes(t.payload) == b"ping")
    assert echo is not None, "no echo"
    c.take(echo)
    _icmp_unreach(peer, echo, code=1)
    eu.wait_until(lambda: eu.tcp_stats(fw)["tcp.icmp_soft"] > before["tcp.icmp_soft"], 3,
                  "the soft error to be counted")
    c.send("PA", payload=b"again")
    c.snd_nxt += 5
    assert c.expect(lambda t: bytes(t.payload) == b"again") is not None, "echo stopped after ICMP"
    c.send("RA")


def test_connect_to_broadcast_refused(fw):
    """RFC 1122 4.2.3.10: `connect` to the subnet broadcast or a multicast
    address prints an error and sends nothing; the client counts it."""
    before = eu.tcp_stats(fw)
    for addr in ("192.0.2.255", "255.255.255.255", "224.0.0.1"):
        out = fw.cmd(f"connect {addr} 7")
        assert f"error: {addr} is not a unicast address" in out, out
    after = eu.tcp_stats(fw)
    assert after["client.bad_addr"] - before["client.bad_addr"] == 3
    assert after["tcp.active_opens"] == before["tcp.active_opens"]
