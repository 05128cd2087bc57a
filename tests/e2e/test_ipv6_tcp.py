"""TCP over IPv6: finwait's engine on 2001:db8::2, Linux on 2001:db8::1
(the `ip6` fixture of test_ipv6.py gives the tap its address for one test)
and a crafted peer at 2001:db8::3 (CraftedPeer6: Scapy frames on the tap,
an address the namespace's kernel does not own, which answers the
firmware's neighbour solicitations itself, so Linux sends no RST of its
own).

The same teardown as over IPv4, checked the same way: the firmware's
`log tcp on` lines and `netstat -m` (an IPv6 endpoint prints as
`[2001:db8::1]:40000`), Linux's `ss`, the wire from the pcap. Then the
cases that are IPv6's own: the MSS from the IPv6 header's size (RFC 8200
5: 1500 - 40 - 20), an ICMPv6 packet too big (RFC 8201, RFC 4443 3.2)
lowering it in a running transfer, the IPv6 TIME_WAIT table under the
same pressure as the IPv4 one, and lwIP's applications (httpd, MQTT)
over IPv6.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import threading
import time
from typing import Optional

import pytest

import e2e_util as eu
import test_crafted as tc
from e2e_util import flags_of
from test_httpd import fsdata_file
from test_ipv6 import FW_IP6, PEER_IP6, ip6, wait_preferred  # noqa: F401 - ip6 is a fixture
from test_lwiperf import console_client
from test_mqtt import _wait_text as wait_text, sub_pub_close

pytestmark = pytest.mark.needs_qemu

SEQ_MOD = 1 << 32
MSS6 = 1500 - 40 - 20        # RFC 8200 5 / RFC 9293 3.7.1: Ethernet MTU less both headers
PTB_MTU = 1280               # IPv6's minimum link MTU (RFC 8200 5)
PTB_MSS = PTB_MTU - 40 - 20  # 1220
HTTP = 80
BROKER_PORT = 1883


# ---------------------------------------------------------------- endpoints

def endpoint(text: str) -> tuple[ipaddress._BaseAddress, int]:
    """'[2001:db8::1]:40000' or '192.0.2.1:7' -> (address, port)."""
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d+)|([0-9.]+):(\d+)", text)
    assert m, f"not an endpoint: {text!r}"
    addr = m.group(1) or m.group(3)
    return ipaddress.ip_address(addr), int(m.group(2) or m.group(4))


def ep6(addr: str, port: int) -> str:
    """How the firmware and ss print an IPv6 endpoint (RFC 5952 6)."""
    return f"[{ipaddress.IPv6Address(addr)}]:{port}"


def _is(rec: dict, key: str, addr: str, port: int) -> bool:
    v = rec.get(key)
    return v is not None and endpoint(v) == (ipaddress.ip_address(addr), port)


def tw6_for(fw, addr: str, port: int) -> Optional[dict]:
    """The `netstat -m` TIME_WAIT entry whose remote end is addr:port."""
    return next((w for w in eu.netstat(fw)[1] if _is(w, "remote", addr, port)), None)


def tcb6_for(fw, addr: str, port: int) -> Optional[dict]:
    return next((t for t in eu.netstat(fw)[0] if _is(t, "remote", addr, port)), None)


def state_log6(fw, mark: int, addr: str, port: int) -> list[tuple[str, str, str]]:
    """(from, to, reason) of the `log tcp on` lines for the remote end addr:port."""
    text = fw.console.text_since(mark).replace("\r", "")
    rx = re.compile(r"\btcb \d+ (\S+) (\w+) -> (\w+) \((\S+)\)")
    want = (ipaddress.ip_address(addr), port)
    return [m.groups()[1:] for m in rx.finditer(text) if endpoint(m.group(1)) == want]


def wait_state_log6(fw, mark: int, addr: str, port: int, frm: str, to: str,
                    timeout: float = 5.0) -> list[tuple[str, str, str]]:
    def seen():
        log = state_log6(fw, mark, addr, port)
        return log if any(f == frm and t == to for f, t, _ in log) else None
    try:
        return eu.wait_until(seen, timeout, f"{ep6(addr, port)} {frm} -> {to}")
    except AssertionError as e:
        raise AssertionError(f"{e}; saw {state_log6(fw, mark, addr, port)}") from None


def ready6(fw) -> None:
    """2001:db8::2 past DAD, so that it can be a connection's address."""
    wait_preferred(fw, [ipaddress.IPv6Address(FW_IP6)])


def connect6(fw, port: int, timeout: float = 10.0) -> socket.socket:
    with eu.netns(fw.ns_name):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((FW_IP6, port))
    return s


def listener6(fw) -> socket.socket:
    with eu.netns(fw.ns_name):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((PEER_IP6, 0))
    s.listen(4)
    s.settimeout(10)
    return s


def ipv6_segments(pcap) -> list:
    """ladder.Seg list of the pcap's TCP-over-IPv6 segments."""
    return [s for s in eu.segments(pcap) if ":" in s.src[0]]


def _pumped_echo(s: socket.socket, data: bytes) -> bytes:
    """Send `data` on a thread while reading the echo back."""
    t = threading.Thread(target=s.sendall, args=(data,))
    t.start()
    got = eu.recv_all(s, len(data))
    t.join(30)
    return got


@pytest.fixture
def logged(fw, ip6):
    """IPv6 on the tap, 2001:db8::2 preferred, state-change lines on; MSL
    back to the default afterwards."""
    ready6(fw)
    fw.cmd("log tcp on")
    yield fw
    fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")
    fw.cmd("log tcp off")


# ---------------------------------------------------------------- Linux as the peer

@pytest.mark.fw_timeout(90)
def test_echo_1mib_over_ipv6_linux_closes_first(logged, request):
    """RFC 862 echo of 1 MiB over IPv6, content compared, then Linux
    closes: finwait ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED. Both
    SYNs offer the MSS of an IPv6 segment on Ethernet (1440, RFC 9293
    3.7.1: the MTU less the fixed IPv6 and TCP headers), and no segment
    of finwait's carries more."""
    fw = logged
    data = os.urandom(1 << 20)
    mark = fw.console.mark()
    s = connect6(fw, eu.ECHO, timeout=30)
    me = s.getsockname()[1]
    t0 = time.monotonic()
    got = _pumped_echo(s, data)
    took = time.monotonic() - t0
    assert len(got) == len(data) and eu.sha(got) == eu.sha(data)
    s.close()
    log = wait_state_log6(fw, mark, PEER_IP6, me, "LAST_ACK", "CLOSED")
    assert [(f, t) for f, t, _ in log][-3:] == [
        ("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSED")], log
    assert tcb6_for(fw, PEER_IP6, me) is None, "the TCB outlived LAST_ACK"
    assert eu.ss_state(fw, ep6(PEER_IP6, me), ep6(FW_IP6, eu.ECHO)) == "TIME-WAIT", eu.ss(fw)
    print(f"\nfinwait e2e: 1 MiB echo over IPv6 in {took:.2f} s "
          f"({2 * len(data) * 8 / took / 1e6:.1f} Mbit/s both ways)")
    pcap, _ = eu.save_ladder(fw, request)
    mine = [x for x in ipv6_segments(pcap) if me in (x.src[1], x.dst[1])]
    syns = [x for x in mine if "S" in x.flags]
    assert [x.src[0] for x in syns] == [PEER_IP6, FW_IP6], eu.exchange(syns)
    assert syns[1].mss == MSS6, f"finwait's SYN-ACK offers MSS {syns[1].mss}, not {MSS6}"
    biggest = max(x.len for x in mine if x.src[0] == FW_IP6)
    assert biggest <= MSS6, f"a segment of {biggest} B over IPv6"
    fins = [x for x in mine if "F" in x.flags]
    assert [x.src[0] for x in fins] == [PEER_IP6, FW_IP6], eu.exchange(mine[-8:])
    assert "R" not in "".join(x.flags for x in mine), eu.exchange(mine[-8:])


@pytest.mark.fw_timeout(60)
def test_daytime_over_ipv6_time_wait_shown_and_ends_at_2msl(logged, request):
    """RFC 867 over IPv6: finwait writes its line and closes first; its
    end goes FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT when Linux closes, and
    `netstat -m` shows the entry ([2001:db8::1]:PORT) with its time left,
    which ends 2MSL after the FIN (MSL 500 ms)."""
    fw = logged
    fw.cmd("set msl 500")
    mark = fw.console.mark()
    s = connect6(fw, eu.DAYTIME)
    me = s.getsockname()[1]
    line = eu.recv_all(s)
    assert line.startswith(b"finwait uptime ") and line.endswith(b"\r\n"), line
    assert eu.ss_state(fw, ep6(PEER_IP6, me), ep6(FW_IP6, eu.DAYTIME)) == "CLOSE-WAIT", eu.ss(fw)
    wait_state_log6(fw, mark, PEER_IP6, me, "FIN_WAIT_1", "FIN_WAIT_2")
    s.close()
    t_close = time.monotonic()
    wait_state_log6(fw, mark, PEER_IP6, me, "FIN_WAIT_2", "TIME_WAIT")
    tw = tw6_for(fw, PEER_IP6, me)
    assert tw is not None, eu.netstat(fw)
    assert endpoint(tw["local"]) == (ipaddress.ip_address(FW_IP6), eu.DAYTIME), tw
    assert tw["remote"] == ep6(PEER_IP6, me), tw
    assert 0 < int(tw["left_ms"]) <= 1000, tw
    st = eu.tcp_stats(fw)
    assert st["tcp.tw6.in_use"] >= 1 and st["tcp.tw6.bytes_per_entry"] <= 40, st
    human = fw.cmd("netstat")
    assert re.search(rf"^TIME_WAIT .*\[{FW_IP6}\]:13\s+\[{PEER_IP6}\]:{me}\s+\d+", human,
                     re.M), human
    eu.wait_until(lambda: tw6_for(fw, PEER_IP6, me) is None, 3, "the TIME_WAIT entry to expire")
    gone = time.monotonic() - t_close
    assert 0.9 <= gone <= 2.0, f"TIME_WAIT ended {gone:.3f} s after Linux's close (2MSL 1 s)"
    print(f"\nfinwait e2e: IPv6 TIME_WAIT gone {gone * 1000:.0f} ms after Linux's FIN (2MSL 1000)")
    pcap, _ = eu.save_ladder(fw, request)
    mine = [x for x in ipv6_segments(pcap) if me in (x.src[1], x.dst[1])]
    fins = [x for x in mine if "F" in x.flags]
    assert [x.src[0] for x in fins] == [FW_IP6, PEER_IP6], eu.exchange(mine)
    assert mine[-1].src[0] == FW_IP6 and mine[-1].flags == "A", eu.exchange(mine)


@pytest.mark.fw_timeout(30)
def test_console_client_over_ipv6_active_open_and_close(logged, request):
    """`connect 2001:db8::1 PORT` against a Linux listener: finwait opens
    from 2001:db8::2 (SYN_SENT -> ESTABLISHED), data both ways, finwait
    closes first (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT) and Linux's socket
    ends CLOSED, not in TIME_WAIT; the entry expires at 2MSL."""
    fw = logged
    fw.cmd("set msl 500")
    lst = listener6(fw)
    lport = lst.getsockname()[1]
    mark = fw.console.mark()
    out = fw.cmd(f"connect {PEER_IP6} {lport}")
    m = re.search(r"^conn (\d+)$", out, re.M)
    assert m, out
    cid = m.group(1)
    a, (raddr, rport, *_) = lst.accept()
    a.settimeout(5)
    assert ipaddress.ip_address(raddr) == ipaddress.ip_address(FW_IP6), raddr
    fw.wait_for(rf"connected {cid}\b")
    a.sendall(b"hello finwait")
    fw.wait_for(rf"recv {cid} 13 hello finwait")
    fw.cmd(f"send {cid} ping from the board")
    assert eu.recv_all(a, 19) == b"ping from the board"
    conn = fw.records("conns")[f"client.{cid}"]
    assert conn["state"] == "ESTABLISHED", conn
    assert endpoint(conn["local"]) == (ipaddress.ip_address(FW_IP6), rport), conn
    assert endpoint(conn["remote"]) == (ipaddress.ip_address(PEER_IP6), lport), conn
    fw.cmd(f"close {cid}")
    assert eu.recv_all(a) == b""          # finwait's FIN
    a.close()
    wait_state_log6(fw, mark, PEER_IP6, lport, "FIN_WAIT_2", "TIME_WAIT")
    assert tw6_for(fw, PEER_IP6, lport) is not None
    eu.wait_until(lambda: eu.ss_state(fw, ep6(PEER_IP6, lport), ep6(FW_IP6, rport)) is None, 3,
                  "Linux's socket to close")
    lst.close()
    log = [(f, t) for f, t, _ in state_log6(fw, mark, PEER_IP6, lport)]
    assert log[:2] == [("CLOSED", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED")], log
    assert ("ESTABLISHED", "FIN_WAIT_1") in log and ("FIN_WAIT_1", "FIN_WAIT_2") in log, log
    eu.wait_until(lambda: tw6_for(fw, PEER_IP6, lport) is None, 3, "TIME_WAIT to expire")
    # Not unicast (RFC 4291 2.7; RFC 1122 4.2.3.10), or not an address.
    assert fw.cmd(f"connect ff02::1 {lport}").startswith("error:"), "multicast accepted"
    assert fw.cmd(f"connect :: {lport}").startswith("error:"), "the unspecified address accepted"
    assert fw.cmd("connect 2001:db8::zz 80").startswith("usage: connect")
    pcap, _ = eu.save_ladder(fw, request)
    mine = [x for x in ipv6_segments(pcap) if lport in (x.src[1], x.dst[1])]
    fins = [x for x in mine if "F" in x.flags]
    assert [x.src[0] for x in fins] == [FW_IP6, PEER_IP6], eu.exchange(mine)
    assert [x for x in mine if "S" in x.flags][0].src[0] == FW_IP6


# ---------------------------------------------------------------- crafted segments

class CraftedPeer6(eu.CraftedPeer):
    """eu.CraftedPeer over IPv6: 2001:db8::3, answering the firmware's
    neighbour solicitations for it (RFC 4861 7.2.4) instead of ARP."""

    IP = "2001:db8::3"
    MAC = "02:00:00:00:06:03"

    def _reader(self) -> None:
        from scapy.all import (TCP, Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                               IPv6)
        for data in eu._frames_in(self.sock, lambda: self._stop):
            pkt = Ether(data)
            if IPv6 not in pkt or pkt.src == self.MAC:
                continue
            if ICMPv6ND_NS in pkt and pkt[ICMPv6ND_NS].tgt == self.IP:
                self._send_raw(bytes(
                    Ether(src=self.MAC, dst=pkt.src) /
                    IPv6(src=self.IP, dst=pkt[IPv6].src, hlim=255) /
                    ICMPv6ND_NA(tgt=self.IP, R=0, S=1, O=1) /
                    ICMPv6NDOptDstLLAddr(lladdr=self.MAC)))
            elif TCP in pkt and pkt[IPv6].dst == self.IP:
                self.q.put((time.monotonic(), pkt[TCP]))

    def announce(self) -> None:
        """A neighbour solicitation for the firmware's address from ours,
        with our link-layer address (RFC 4861 7.2.3: the firmware caches it)."""
        from scapy.all import Ether, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6, in6_getnsma, \
            in6_getnsmac, inet_ntop, inet_pton
        group = in6_getnsma(inet_pton(socket.AF_INET6, FW_IP6))
        self._send_raw(bytes(
            Ether(src=self.MAC, dst=in6_getnsmac(group)) /
            IPv6(src=self.IP, dst=inet_ntop(socket.AF_INET6, group), hlim=255) /
            ICMPv6ND_NS(tgt=FW_IP6) / ICMPv6NDOptSrcLLAddr(lladdr=self.MAC)))
        time.sleep(0.05)

    def send(self, sport: int, dport: int, flags: str, seq: int, ack: int = 0,
             payload: bytes = b"", window: int = 8192, options=None) -> None:
        from scapy.all import TCP, Ether, IPv6, Raw
        pkt = Ether(src=self.MAC, dst=self.fw_mac) / IPv6(src=self.IP, dst=FW_IP6) / \
            TCP(sport=sport, dport=dport, flags=flags, seq=seq % SEQ_MOD, ack=ack % SEQ_MOD,
                window=window, options=options or [])
        if payload:
            pkt = pkt / Raw(payload)
        self._send_raw(bytes(pkt))


@pytest.fixture
def peer6(fw, ip6):
    ready6(fw)
    fw.cmd("log tcp on")
    p = CraftedPeer6(fw)
    yield p
    p.close()
    fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")
    fw.cmd("log tcp off")


# The IPv4 cases of test_crafted.py, run with the IPv6 peer: its
# segments carry the same numbers, netstat and the state log the
# bracketed endpoints, tcp.tw: counts the entries of both families.

def test_ipv6_fin_into_time_wait_reacked_2msl_restarts(fw, peer6, request):
    """Our FIN again (finwait's final ACK 'was lost'): the IPv6 TIME_WAIT
    entry ACKs it with its own numbers and restarts 2MSL (RFC 9293
    3.10.7.4, TIME-WAIT + FIN)."""
    tc.test_lost_final_ack_fin_retransmitted(fw, peer6, request)


def test_ipv6_rst_into_time_wait_ignored(fw, peer6, request):
    """RST (exact sequence number) into the IPv6 TIME_WAIT entry: ignored,
    no answer, the entry stays (RFC 1337)."""
    tc.test_rst_into_time_wait_ignored(fw, peer6, request)


def test_ipv6_syn_into_time_wait_higher_isn_new_incarnation(fw, peer6, request):
    """SYN with an ISN beyond the old connection's into the IPv6 TIME_WAIT
    entry: a new incarnation (RFC 1122 4.2.2.13, RFC 9293 3.6.1) whose
    ISN lies beyond the old SND.NXT; the entry goes once it is
    ESTABLISHED, and the new connection ends in TIME_WAIT again."""
    tc.test_syn_into_time_wait_higher_seq_new_incarnation(fw, peer6, request)


def test_ipv6_syn_into_time_wait_lower_isn_acked_not_accepted(fw, peer6, request):
    """SYN with an old sequence number into the IPv6 TIME_WAIT entry: an
    ACK with the entry's numbers (RFC 9293 3.10.7.4, RFC 5961 4.2), no
    SYN-ACK, no TCB, the entry stays."""
    tc.test_syn_into_time_wait_lower_seq_challenge_ack(fw, peer6, request)


def test_ipv6_in_window_rst_gets_challenge_ack(fw, peer6, request):
    """RST in the window but not at RCV.NXT on an IPv6 echo connection: a
    challenge ACK (RFC 5961 3.2), the connection survives and echoes; then
    an exact RST ends it."""
    tc.test_in_window_rst_gets_challenge_ack(fw, peer6, request)


# ---------------------------------------------------------------- ICMPv6 packet too big

PTB_CHUNKS = 48          # the transfer: 48 chunks of 1440 bytes, echoed
PTB_AT = 6               # the echo of this chunk is quoted by the packet too big


def _echo_chunk(c, chunk: bytes, ack: bool = True) -> list:
    """Send `chunk` as one segment; collect finwait's echo of it (ACKing
    each segment unless `ack` is false); returns the echo's segments."""
    c.send("PA", payload=chunk)
    c.snd_nxt += len(chunk)
    want = (c.rcv_nxt + len(chunk)) % SEQ_MOD
    segs = []
    while c.rcv_nxt != want:
        t = c.expect(lambda x: len(bytes(x.payload)) > 0, timeout=3.0)
        assert t is not None, f"echo stalled at {len(segs)} segments: {[len(bytes(x.payload)) for x in segs]}"
        if t.seq != c.rcv_nxt:
            continue                    # a retransmission of what we have
        segs.append(t)
        c.take(t)
        if ack:
            c.send("A")
    return segs


@pytest.mark.fw_timeout(60)
def test_icmpv6_packet_too_big_lowers_mss_of_running_transfer(fw, peer6, request):
    """An echo transfer over IPv6 from the crafted peer (48 segments of
    1440 bytes, MSS 1440 offered), each echo ACKed. The echo of chunk 6
    is not ACKed: instead a packet too big, MTU 1280, quoting that
    segment (in SND.UNA..SND.NXT, RFC 5927 4.1) comes back (RFC 4443 3.2,
    RFC 8201 4). finwait lowers the MSS to 1220 (1280 - 40 - 20; counted
    in icmp6_pmtu) and sends the segment at SND.UNA again at once, cut to
    the new size; every segment after it carries at most 1220 bytes, and
    the transfer completes with every byte echoed."""
    from scapy.all import Ether, ICMPv6PacketTooBig, IPv6, Raw, TCP
    c = tc._conn(peer6, eu.ECHO)
    peer6.send(c.sport, c.dport, "S", c.iss, options=[("MSS", MSS6)])
    sa = c.expect(lambda t: flags_of(t) == "SA")
    assert sa is not None, "no SYN-ACK"
    c.snd_nxt, c.rcv_nxt = c.iss + 1, (sa.seq + 1) % SEQ_MOD
    c.send("A")
    before = eu.tcp_stats(fw)
    data = os.urandom(PTB_CHUNKS * MSS6)
    chunks = [data[i:i + MSS6] for i in range(0, len(data), MSS6)]
    echoed, sizes_before = b"", []
    for chunk in chunks[:PTB_AT]:
        segs = _echo_chunk(c, chunk)
        sizes_before += [len(bytes(t.payload)) for t in segs]
        echoed += b"".join(bytes(t.payload) for t in segs)
    assert max(sizes_before) == MSS6, sizes_before
    # The echo of the next chunk, unACKed: quoted by the packet too big.
    c.send("PA", payload=chunks[PTB_AT])
    c.snd_nxt += MSS6
    big = c.expect(lambda t: len(bytes(t.payload)) == MSS6)
    assert big is not None, "no full-sized echo to quote"
    quoted = IPv6(src=FW_IP6, dst=peer6.IP) / TCP(bytes(big))
    peer6._send_raw(bytes(Ether(src=peer6.MAC, dst=fw.mac) / IPv6(src=peer6.IP, dst=FW_IP6) /
                          ICMPv6PacketTooBig(mtu=PTB_MTU) /
                          Raw(bytes(quoted)[:PTB_MTU - 40 - 8])))
    again = c.expect(lambda t: t.seq == big.seq and len(bytes(t.payload)) > 0)
    assert again is not None, "the segment at SND.UNA was not sent again"
    assert len(bytes(again.payload)) == PTB_MSS, f"resent with {len(bytes(again.payload))} B"
    sizes_after = [PTB_MSS]
    c.take(again)
    c.send("A")
    rest = []
    while c.rcv_nxt != (big.seq + MSS6) % SEQ_MOD:   # the rest of that echo
        t = c.expect(lambda x: len(bytes(x.payload)) > 0 and x.seq == c.rcv_nxt)
        assert t is not None, "the rest of the quoted echo did not come"
        rest.append(t)
        c.take(t)
        c.send("A")
    sizes_after += [len(bytes(t.payload)) for t in rest]
    echoed += bytes(again.payload) + b"".join(bytes(t.payload) for t in rest)
    for chunk in chunks[PTB_AT + 1:]:
        segs = _echo_chunk(c, chunk)
        sizes_after += [len(bytes(t.payload)) for t in segs]
        echoed += b"".join(bytes(t.payload) for t in segs)
    after = eu.tcp_stats(fw)
    print(f"\nfinwait e2e: echo segments before the packet too big: max {max(sizes_before)} B "
          f"({len(sizes_before)}); after it: max {max(sizes_after)} B ({len(sizes_after)})")
    assert echoed == data, "the echo is not what was sent"
    assert max(sizes_after) <= PTB_MSS, sizes_after
    assert after["tcp.icmp6_pmtu"] - before["tcp.icmp6_pmtu"] == 1, after
    assert (tcb6_for(fw, peer6.IP, c.sport) or {}).get("state") == "ESTABLISHED"
    c.send("R", ack=0)
    eu.save_ladder(fw, request)


# ---------------------------------------------------------------- lwIP's applications

def curl6(fw, tmp_path, path: str) -> tuple[int, bytes]:
    """GET http://[2001:db8::2]/path with curl in the namespace (-g: the
    brackets are the URL's, not a glob)."""
    out = tmp_path / "body"
    r = fw.run(["curl", "-g", "-s", "-S", "--max-time", "10", "-o", str(out), "-w", "%{http_code}",
                f"http://[{FW_IP6}]:{HTTP}{path}"], timeout=20)
    assert r.returncode == 0, (r.returncode, r.stderr)
    return int(r.stdout.strip()), out.read_bytes()


@pytest.mark.fw_timeout(60)
def test_httpd_over_ipv6_index_and_status_page(logged, tmp_path):
    """lwIP's httpd listens for both families (IPADDR_TYPE_ANY): curl
    -g 'http://[2001:db8::2]/' gets fsdata.c's index.html byte for byte;
    httpd closes first, so the request leaves an IPv6 TIME_WAIT entry,
    which /status.txt (fetched over IPv6 too) lists as the console does."""
    fw = logged
    _, want = fsdata_file("/index.html")
    mark = fw.console.mark()
    code, body = curl6(fw, tmp_path, "/")
    assert code == 200 and body == want, (code, len(body), len(want))
    opened = [m for m in re.finditer(r"\btcb \d+ (\S+) SYN_RCVD -> ESTABLISHED",
                                     fw.console.text_since(mark).replace("\r", ""))]
    assert opened, "no connection logged for the request"
    addr, port = endpoint(opened[-1].group(1))
    assert addr == ipaddress.ip_address(PEER_IP6), opened[-1].group(0)
    eu.wait_until(lambda: tw6_for(fw, PEER_IP6, port), 3, "the request's TIME_WAIT entry")
    code, page = curl6(fw, tmp_path, "/status.txt")
    assert code == 200, code
    text = page.decode()
    tws = [dict(kv.partition("=")[::2] for kv in line[4:].split())
           for line in text.splitlines() if line.startswith("tw: ")]
    mine = [w for w in tws if _is(w, "remote", PEER_IP6, port)]
    assert mine, f"/status.txt does not list [{PEER_IP6}]:{port} in TIME_WAIT:\n{text}"
    assert endpoint(mine[0]["local"]) == (ipaddress.ip_address(FW_IP6), HTTP), mine[0]
    assert 0 < int(mine[0]["left_ms"]) <= 2 * eu.DEFAULT_MSL_MS, mine[0]
    # IPv4 goes on beside it
    r = fw.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                f"http://{fw.ip}/"], timeout=20)
    assert r.stdout.strip() == "200", r


@pytest.fixture
def broker6(fw, ip6, tmp_path):
    """mosquitto on [2001:db8::1]:1883 (IPv6 on the tap first: the fixture
    order puts ip6 before it)."""
    ready6(fw)
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {BROKER_PORT} {PEER_IP6}\nallow_anonymous true\n"
                    "persistence false\nuser root\n")
    proc = fw.popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    try:
        eu.wait_until(lambda: fw.run(["mosquitto_pub", "-h", PEER_IP6, "-t", "probe", "-m", "x"],
                                     timeout=5).returncode == 0, 10, "mosquitto to listen")
        yield proc
    finally:
        fw.cmd("mqtt close")
        proc.terminate()
        proc.wait(5)


@pytest.mark.fw_timeout(60)
def test_mqtt_over_ipv6_subscribe_and_publish(fw, broker6):
    """`mqtt connect 2001:db8::1`: lwIP's MQTT client opens an IPv6
    connection (altcp_tcp_new_ip_type(IPADDR_TYPE_V6)) to mosquitto, from
    2001:db8::2, subscribes and gets what mosquitto_pub sends, publishes
    what mosquitto_sub gets; closing leaves no TCB (test_mqtt.py's
    exchange)."""
    sub_pub_close(fw, PEER_IP6, ep6(PEER_IP6, BROKER_PORT))


IPERF = 5001


@pytest.mark.fw_timeout(60)
def test_lwiperf_over_ipv6_both_ways(fw, ip6):
    """lwiperf over IPv6: iperf 2 (-V) in the namespace sends to the
    device's server for 3 s, then `iperf 2001:db8::1` on the console sends
    to `iperf -s -V` for lwiperf's fixed 10 s; both report a sane rate."""
    ready6(fw)
    mark = fw.console.mark()
    r = fw.run(["iperf", "-V", "-c", FW_IP6, "-p", str(IPERF), "-t", "3", "-f", "k"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"([\d.]+) Kbits/sec", r.stdout)
    assert m and float(m.group(1)) > 100, r.stdout
    rep = wait_text(fw, mark, r"iperf report type=\d+ bytes=(\d+) ms=(\d+) kbps=(\d+)")
    assert int(rep.group(1)) > 0 and int(rep.group(3)) > 100, rep.group(0)
    out = fw.cmd(f"iperf {PEER_IP6} extra")
    assert out.startswith("usage: iperf"), out
    kbps, srv_kbps = console_client(fw, PEER_IP6, "-V")
    assert f"iperf started: 10 s to [{PEER_IP6}]:{IPERF}" in fw.console.text_since(mark)
    print(f"\nlwiperf over IPv6: device {kbps} kbit/s, iperf server {srv_kbps:.0f} kbit/s")


# ---------------------------------------------------------------- TIME_WAIT pressure

PRESSURE_CONNS = 1000          # per family


def _daytime(fw, family: int, addr: str) -> bytes:
    with eu.netns(fw.ns_name):
        s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.settimeout(10)
        s.connect((addr, eu.DAYTIME))
        return eu.recv_all(s)
    finally:
        s.close()


def _pressure_both(fw, per_family: int) -> None:
    """per_family IPv6 and per_family IPv4 daytime connections, interleaved,
    with 2MSL = 60 s: more than either TIME_WAIT table holds. None is
    refused, every one leaves (or recycles) an entry, the console answers."""
    assert fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}") == f"msl={eu.DEFAULT_MSL_MS}"
    before = eu.tcp_stats(fw)
    refused = []
    t0 = time.monotonic()
    for i in range(per_family):
        for family, addr in ((socket.AF_INET6, FW_IP6), (socket.AF_INET, fw.ip)):
            try:
                line = _daytime(fw, family, addr)
            except OSError as e:
                refused.append(f"#{i} {addr}: {e}")
                continue
            if not (line.startswith(b"finwait uptime ") and line.endswith(b"\r\n")):
                refused.append(f"#{i} {addr}: line {line!r}")
        if i % 100 == 99:
            assert fw.responsive(2.0), f"console silent after {i + 1} pairs"
    took = time.monotonic() - t0
    after = eu.tcp_stats(fw)
    grew = lambda k: after[k] - before[k]   # noqa: E731
    cap4, cap6 = after["tcp.tw.capacity"], after["tcp.tw6.capacity"]
    in_use4 = after["tcp.tw.in_use"] - after["tcp.tw6.in_use"]
    print(f"\nfinwait e2e: {per_family} IPv6 + {per_family} IPv4 daytime connections in "
          f"{took:.1f} s ({2 * per_family / took:.0f}/s); TIME_WAIT: IPv4 {in_use4}/{cap4}, "
          f"IPv6 {after['tcp.tw6.in_use']}/{cap6}, recycled {grew('tcp.tw.recycled')}, "
          f"reused {grew('tcp.tw.reused')}")
    assert not refused, f"{len(refused)} of {2 * per_family} refused: {refused[:10]}"
    assert per_family > cap6, f"{per_family} connections do not overflow {cap6} IPv6 entries"
    assert grew("tcp.tw.entered") == 2 * per_family, after
    assert grew("tcp.tw6.entered") == per_family, after
    assert after["tcp.tw6.in_use"] == cap6, "the IPv6 table is not full"
    assert in_use4 <= cap4, (in_use4, cap4)
    assert grew("tcp.tw.recycled") >= 2 * per_family - cap4 - cap6 - grew("tcp.tw.reused"), after
    assert after["daytime.served"] - before["daytime.served"] == 2 * per_family
    assert after["tcp.tcb_in_use"] == before["tcp.tcb_in_use"]
    left = lambda: [x for x in eu.ss(fw) if x[2] in (ep6(FW_IP6, eu.DAYTIME),  # noqa: E731
                                                      f"{fw.ip}:{eu.DAYTIME}")]
    eu.wait_until(lambda: not left(), 10, f"Linux daytime sockets closed (left: {left()[:5]})")
    c = connect6(fw, eu.ECHO)
    c.sendall(b"after")
    assert eu.recv_all(c, 5) == b"after"
    c.close()


@pytest.mark.fw_timeout(120)
def test_time_wait_pressure_ipv6_and_ipv4_interleaved(fw, ip6):
    """1,000 IPv6 and 1,000 IPv4 daytime connections, interleaved, 2MSL
    60 s: none refused, both tables full and recycling, the console and a
    new IPv6 echo answer."""
    ready6(fw)
    _pressure_both(fw, PRESSURE_CONNS)
