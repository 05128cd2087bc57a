"""Crafted segments on the tap: the corner cases of
teardown that no well-behaved stack sends on cue, from a Scapy peer at
192.0.2.3 (e2e_util.CraftedPeer: an address the namespace's kernel does not
own, so Linux sends no RST of its own).

Each test puts the exchange it scripts in its docstring; the ladders go to
build/e2e/<test>.ladder.{txt,svg}. test_ipv6_tcp.py runs the TIME_WAIT and
challenge-ACK cases again with its IPv6 crafted peer.
"""

import random
import re
import socket
import time

import pytest

import e2e_util as eu
from e2e_util import flags_of

pytestmark = pytest.mark.needs_qemu

SEQ_MOD = 1 << 32
FAR = 1 << 20          # well beyond any window finwait offers (FW_TCP_WND)


@pytest.fixture
def peer(fw):
    fw.cmd("log tcp on")
    p = eu.CraftedPeer(fw)
    yield p
    p.close()
    fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")
    fw.cmd("log tcp off")


def _conn(peer, dport):
    return eu.CraftedConn(peer, dport, random.randint(20000, 60000),
                          iss=random.randint(1 << 20, 1 << 30))


def _into_time_wait(fw, peer):
    """Daytime from a crafted client: SYN, SYN-ACK, ACK; finwait sends its
    line and FIN; we answer FIN+ACK (acking its FIN); finwait's ACK of our
    FIN leaves it in TIME_WAIT (RFC 9293 3.10.7.4, FIN_WAIT_1/2 + FIN)."""
    c = _conn(peer, eu.DAYTIME)
    c.open()
    line = c.read_until_fin()
    assert line.startswith(b"finwait uptime "), line
    c.send("FA")
    c.snd_nxt += 1
    last = c.expect(lambda t: flags_of(t) == "A" and t.ack == c.snd_nxt % SEQ_MOD)
    assert last is not None, "finwait did not ACK our FIN"
    tw = eu.tw_for(fw, c.remote)
    assert tw is not None, eu.netstat(fw)
    return c, tw


def test_lost_final_ack_fin_retransmitted(fw, peer, request):
    """Our FIN again (finwait's final ACK 'was lost'): TIME_WAIT ACKs it
    again and restarts 2MSL (RFC 9293 3.10.7.4, TIME-WAIT + FIN)."""
    fw.cmd("set msl 2000")
    c, tw = _into_time_wait(fw, peer)
    before = eu.tcp_stats(fw)
    time.sleep(1.5)
    left1 = int(eu.tw_for(fw, c.remote)["left_ms"])
    assert left1 <= 4000 - 1400, left1
    c.send("FA", seq=c.snd_nxt - 1)
    again = c.expect(lambda t: "A" in flags_of(t))
    assert again is not None and flags_of(again) == "A", "no ACK for the retransmitted FIN"
    assert again.ack == c.snd_nxt % SEQ_MOD and again.seq == c.rcv_nxt
    left2 = int(eu.tw_for(fw, c.remote)["left_ms"])
    assert left2 >= 4000 - 200 and left2 > left1 + 1000, (left1, left2)
    after = eu.tcp_stats(fw)
    assert after["tcp.tw.fin_reacked"] - before["tcp.tw.fin_reacked"] == 1
    eu.save_ladder(fw, request)


def test_rst_into_time_wait_ignored(fw, peer, request):
    """RST (exact sequence number) into TIME_WAIT: ignored, no answer, the
    entry stays (RFC 1337 'TIME-WAIT assassination', fix F1)."""
    fw.cmd("set msl 2000")
    c, tw = _into_time_wait(fw, peer)
    before = eu.tcp_stats(fw)
    c.send("R", ack=0)
    assert peer.nothing(0.3) == []
    assert eu.tw_for(fw, c.remote) is not None
    after = eu.tcp_stats(fw)
    assert after["tcp.tw.rst_ignored"] - before["tcp.tw.rst_ignored"] == 1
    eu.save_ladder(fw, request)


def test_syn_into_time_wait_higher_seq_new_incarnation(fw, peer, request):
    """SYN with a sequence number beyond the old connection's into TIME_WAIT:
    a new incarnation (RFC 1122 4.2.2.13) whose ISN lies beyond the old
    connection's last sequence number; the entry goes when the new
    incarnation is ESTABLISHED (until then it may still turn out an old
    duplicate, RFC 9293 3.6.1)."""
    fw.cmd("set msl 2000")
    c, tw = _into_time_wait(fw, peer)
    before = eu.tcp_stats(fw)
    old_fw_nxt = c.rcv_nxt
    iss = (c.snd_nxt + 100000) % SEQ_MOD
    c.send("S", seq=iss, ack=0)
    sa = c.expect(lambda t: "S" in flags_of(t))
    assert sa is not None and flags_of(sa) == "SA", "no SYN-ACK for the new incarnation"
    assert sa.ack == (iss + 1) % SEQ_MOD
    assert 0 < (sa.seq - old_fw_nxt) % SEQ_MOD < (1 << 31), \
        f"new ISN {sa.seq} not beyond the old SND.NXT {old_fw_nxt}"
    # The new connection works: daytime line, then the same teardown.
    c.snd_nxt, c.rcv_nxt = iss + 1, (sa.seq + 1) % SEQ_MOD
    c.send("A")
    assert c.read_until_fin().startswith(b"finwait uptime ")
    assert eu.tw_for(fw, c.remote) is None
    after = eu.tcp_stats(fw)
    assert after["tcp.tw.reused"] - before["tcp.tw.reused"] == 1
    c.send("FA")
    c.snd_nxt += 1
    assert c.expect(lambda t: t.ack == c.snd_nxt % SEQ_MOD) is not None
    assert eu.tw_for(fw, c.remote) is not None
    eu.save_ladder(fw, request)


def test_syn_into_time_wait_lower_seq_challenge_ack(fw, peer, request):
    """SYN with an old sequence number into TIME_WAIT: an ACK with the
    entry's numbers (RFC 9293 3.10.7.4 / RFC 5961 4.2), no SYN-ACK, the
    entry stays."""
    fw.cmd("set msl 2000")
    c, tw = _into_time_wait(fw, peer)
    c.send("S", seq=c.snd_nxt - 5000, ack=0)
    ack = c.expect(lambda t: True)
    assert ack is not None and flags_of(ack) == "A", ack
    assert ack.ack == c.snd_nxt % SEQ_MOD and ack.seq == c.rcv_nxt
    assert not [t for t in peer.nothing(0.3) if "S" in flags_of(t)], "a SYN-ACK for the old SYN"
    assert eu.tw_for(fw, c.remote) is not None
    assert eu.tcb_for(fw, c.remote) is None, "a TCB for the old SYN"
    eu.save_ladder(fw, request)


def _echo_open(fw, peer):
    c = _conn(peer, eu.ECHO)
    c.open()
    assert eu.wait_until(lambda: (eu.tcb_for(fw, c.remote) or {}).get("state") == "ESTABLISHED",
                         2, "ESTABLISHED")
    return c


def _echo_roundtrip(c, data):
    c.send("PA", payload=data)
    c.snd_nxt += len(data)
    got = c.expect(lambda t: len(bytes(t.payload)) > 0)
    assert got is not None and bytes(got.payload) == data, got
    c.take(got)
    c.send("A")


def _echo_passive_close(fw, c, mark):
    """Our FIN; finwait (CLOSE_WAIT) answers with its FIN (LAST_ACK); our
    ACK closes it."""
    c.send("FA")
    c.snd_nxt += 1
    fin = c.expect(lambda t: "F" in flags_of(t))
    assert fin is not None, "echo did not close after our FIN"
    c.take(fin)
    c.send("A")
    eu.wait_state_log(fw, mark, c.remote, "LAST_ACK", "CLOSED")


def test_in_window_rst_gets_challenge_ack(fw, peer, request):
    """RST in the window but not at RCV.NXT: challenge ACK (RFC 5961 3.2),
    the connection survives and echoes; then an exact RST ends it."""
    c = _echo_open(fw, peer)
    before = eu.tcp_stats(fw)
    c.send("R", seq=c.snd_nxt + 100, ack=0)
    ch = c.expect(lambda t: True)
    assert ch is not None and flags_of(ch) == "A", ch
    assert ch.ack == c.snd_nxt % SEQ_MOD
    assert eu.tcb_for(fw, c.remote)["state"] == "ESTABLISHED"
    _echo_roundtrip(c, b"still here")
    mid = eu.tcp_stats(fw)
    assert mid["tcp.challenge_acks"] - before["tcp.challenge_acks"] == 1
    assert mid["tcp.rst_rcvd"] == before["tcp.rst_rcvd"]
    c.send("R", ack=0)
    eu.wait_until(lambda: eu.tcb_for(fw, c.remote) is None, 2, "the exact RST to reset")
    assert eu.tcp_stats(fw)["tcp.rst_rcvd"] - before["tcp.rst_rcvd"] == 1
    eu.save_ladder(fw, request)


def test_fin_out_of_window(fw, peer, request):
    """FIN far beyond the window: not acceptable, so an ACK with the
    unchanged RCV.NXT and no state change (RFC 9293 3.10.7.4, first
    check); the real FIN later closes normally."""
    mark = fw.console.mark()
    c = _echo_open(fw, peer)
    before = eu.tcp_stats(fw)
    c.send("FA", seq=c.snd_nxt + FAR)
    ack = c.expect(lambda t: True)
    assert ack is not None and flags_of(ack) == "A" and ack.ack == c.snd_nxt % SEQ_MOD, ack
    assert eu.tcb_for(fw, c.remote)["state"] == "ESTABLISHED"
    assert eu.tcp_stats(fw)["tcp.drop_seq"] - before["tcp.drop_seq"] == 1
    _echo_passive_close(fw, c, mark)
    eu.save_ladder(fw, request)


def test_reordered_and_duplicate_fins(fw, peer, request):
    """FIN before the data it follows (reordered): dropped as out of order
    with a duplicate ACK; the data, then the FIN again: CLOSE_WAIT; finwait
    echoes and sends its FIN (LAST_ACK); our FIN once more (duplicate):
    ACKed, still LAST_ACK; our ACK: CLOSED."""
    mark = fw.console.mark()
    c = _echo_open(fw, peer)
    data = b"abc"
    c.send("FA", seq=c.snd_nxt + len(data))
    dup = c.expect(lambda t: True)
    assert dup is not None and flags_of(dup) == "A" and dup.ack == c.snd_nxt % SEQ_MOD, dup
    assert eu.tcb_for(fw, c.remote)["state"] == "ESTABLISHED"
    _echo_roundtrip(c, data)
    assert eu.tcb_for(fw, c.remote)["state"] == "ESTABLISHED"
    c.send("FA")
    c.snd_nxt += 1
    fin = c.expect(lambda t: "F" in flags_of(t))
    assert fin is not None and fin.ack == c.snd_nxt % SEQ_MOD, "no FIN after our FIN"
    c.take(fin)
    eu.wait_state_log(fw, mark, c.remote, "CLOSE_WAIT", "LAST_ACK")
    c.send("FA", seq=c.snd_nxt - 1, ack=c.rcv_nxt - 1)   # our FIN, duplicated
    again = c.expect(lambda t: True)
    assert again is not None and "A" in flags_of(again) and again.ack == c.snd_nxt % SEQ_MOD
    assert eu.tcb_for(fw, c.remote)["state"] == "LAST_ACK"
    c.send("A")
    eu.wait_state_log(fw, mark, c.remote, "LAST_ACK", "CLOSED")
    log = [(f, t) for f, t, _ in eu.state_log(fw, mark, c.remote)]
    assert log.count(("ESTABLISHED", "CLOSE_WAIT")) == 1, log
    eu.save_ladder(fw, request)


def test_simultaneous_close(fw, peer, request):
    """finwait opens to the crafted peer (console client) and closes; the
    peer's FIN crosses finwait's (it does not ACK it): FIN_WAIT_1 ->
    CLOSING on our FIN, then TIME_WAIT on the ACK of its FIN (RFC 9293
    3.6, figure 13)."""
    fw.cmd("set msl 1000")
    mark = fw.console.mark()
    c = eu.CraftedConn(peer, 0, random.randint(20000, 60000), iss=random.randint(1, 1 << 30))
    out = fw.cmd(f"connect {eu.CraftedPeer.IP} {c.sport}")
    m = re.search(r"^conn (\d+)$", out, re.M)
    assert m, out
    c.accept()
    remote = f"{eu.CraftedPeer.IP}:{c.sport}"
    fw.wait_for(rf"connected {m.group(1)}\b")
    fw.cmd(f"close {m.group(1)}")
    fwfin = c.expect(lambda t: "F" in flags_of(t))
    assert fwfin is not None, "no FIN after `close`"
    # Our FIN, sent 'before' finwait's arrived: it does not ACK that FIN.
    c.send("FA", ack=fwfin.seq)
    c.snd_nxt += 1
    ack = c.expect(lambda t: t.ack == c.snd_nxt % SEQ_MOD)
    assert ack is not None, "finwait did not ACK our crossing FIN"
    eu.wait_state_log(fw, mark, remote, "FIN_WAIT_1", "CLOSING")
    c.take(fwfin)
    c.send("A")
    eu.wait_state_log(fw, mark, remote, "CLOSING", "TIME_WAIT")
    assert eu.tw_for(fw, remote) is not None
    eu.wait_until(lambda: eu.tw_for(fw, remote) is None, 4, "TIME_WAIT to expire")
    eu.save_ladder(fw, request)


# ---------------------------------------------------------------- hostile peers

PROBES = 20            # the attacker's in-window RSTs per measurement


def _tap_socket(fw):
    """A packet socket on the tap in the namespace: every frame either way."""
    with eu.netns(fw.ns_name):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eu.ETH_P_ALL))
        s.bind((fw.ns.tap, 0))
    s.settimeout(0.2)
    return s


def _syn_seq(sock, sport, timeout=3.0):
    """The sequence number of the SYN from `sport` seen on the tap."""
    from scapy.all import TCP, Ether
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = sock.recv(2048)
        except socket.timeout:
            continue
        pkt = Ether(data)
        if TCP in pkt and pkt[TCP].sport == sport and flags_of(pkt[TCP]) == "S":
            return pkt[TCP].seq
    raise AssertionError(f"no SYN from port {sport} on the tap")


def _frame(fw, src_mac, src_ip, sport, dport, flags, seq):
    from scapy.all import IP, TCP, Ether
    return bytes(Ether(src=src_mac, dst=fw.mac) / IP(src=src_ip, dst=fw.ip) /
                 TCP(sport=sport, dport=dport, flags=flags, seq=seq % SEQ_MOD, window=0))


def _linux_echo(fw, data=b"honest client"):
    """An honest Linux client is served: an echo round trip on a new connection."""
    with eu.peer_connect(fw, eu.ECHO) as s:
        s.sendall(data)
        got = b""
        while len(got) < len(data):
            d = s.recv(4096)
            assert d, "echo closed early"
            got += d
        assert got == data


def _linux_daytime(fw):
    with eu.peer_connect(fw, eu.DAYTIME) as s:
        assert eu.recv_all(s).startswith(b"finwait uptime ")


@pytest.mark.fw_timeout(60)
def test_challenge_ack_count_independent_of_victim(fw, peer, request):
    """CVE-2016-5696, the off-path experiment: a Linux client (192.0.2.1)
    holds an echo connection, the victim; the attacker (192.0.2.3) knows
    its 4-tuple and RCV.NXT and spoofs an RST into it, either in the window
    (finwait answers the victim with a challenge ACK, RFC 5961 3.2) or far
    outside it (dropped), then sends 20 in-window RSTs on its own discard
    connection at once and counts the challenge ACKs it gets. With one
    global count per second (10 then), the in-window guess showed as one
    ACK fewer; per connection (RFC 5961 7, FW_OOW_ACK_INTERVAL_MS) the
    attacker's count is the same either way. The victim and a new Linux
    client are served throughout."""
    tap = _tap_socket(fw)
    try:
        victim = eu.peer_connect(fw, eu.ECHO)
        vport = victim.getsockname()[1]
        visn = _syn_seq(tap, vport)
    finally:
        tap.close()
    victim.settimeout(5)
    victim.sendall(b"victim")
    assert victim.recv(64) == b"victim"
    victim_rcv = visn + 1 + len(b"victim")          # finwait's RCV.NXT for the victim
    att = _conn(peer, eu.DISCARD)
    att.open()
    eu.wait_until(lambda: (eu.tcb_for(fw, att.remote) or {}).get("state") == "ESTABLISHED",
                  2, "the attacker's connection ESTABLISHED")
    tap_mac = ":".join(f"{b:02x}" for b in peer.sock.getsockname()[4][:6])
    probe = _frame(fw, eu.CraftedPeer.MAC, eu.CraftedPeer.IP, att.sport, eu.DISCARD, "R",
                   att.snd_nxt + 100)
    before = eu.tcp_stats(fw)
    counts = {"out": [], "in": []}
    for _ in range(3):
        for where, off in (("out", FAR), ("in", 100)):
            time.sleep(1.1)                           # a fresh second, a fresh interval
            peer.drain()
            peer._send_raw(_frame(fw, tap_mac, eu.fh.PEER_IP, vport, eu.ECHO, "R",
                                  victim_rcv + off))
            for _ in range(PROBES):
                peer._send_raw(probe)
            got = [t for t in peer.nothing(0.6) if att.mine(t) and flags_of(t) == "A"]
            counts[where].append(len(got))
    after = eu.tcp_stats(fw)
    print(f"\nfinwait e2e: attacker's challenge ACKs for {PROBES} RSTs, victim guess out of "
          f"window {counts['out']}, in window {counts['in']}")
    victim.sendall(b"still here")
    assert victim.recv(64) == b"still here"
    victim.close()
    _linux_daytime(fw)
    assert counts["out"] == counts["in"], counts
    assert min(counts["out"]) >= 1
    # the victim did get its three challenge ACKs
    assert after["tcp.challenge_acks"] - before["tcp.challenge_acks"] == \
        sum(counts["out"]) + sum(counts["in"]) + 3
    assert eu.tcb_for(fw, att.remote)["state"] == "ESTABLISHED"
    att.send("R", ack=0)
    eu.save_ladder(fw, request, conn=f"{eu.CraftedPeer.IP}:{att.sport}-{fw.ip}:{eu.DISCARD}")


@pytest.mark.fw_timeout(60)
def test_syn_into_time_wait_on_full_backlog_keeps_entry(fw, peer, request):
    """A SYN beyond the old RCV.NXT into TIME_WAIT while daytime's backlog
    is full (four half-open SYNs): the oldest half-open connection is
    recycled for it (RFC 4987 3.5), and its ISN still lies beyond the old
    SND.NXT (RFC 1122 4.2.2.13, RFC 9293 3.6.1 MAY-2 (1)); the entry stays
    until the new incarnation is ESTABLISHED. A Linux echo client is served
    meanwhile. (A SYN that finds no control block at all is dropped with
    the floor kept: unit test time_wait_syn_dropped_on_full_pool_keeps_floor.)"""
    c, tw = _into_time_wait(fw, peer)
    old_fw_nxt = c.rcv_nxt
    half = [_conn(peer, eu.DAYTIME) for _ in range(4)]
    iss = (c.snd_nxt + 100000) % SEQ_MOD
    try:
        for h in half:
            h.send("S", seq=h.iss, ack=0)
            assert h.expect(lambda t: flags_of(t) == "SA") is not None
        before = eu.tcp_stats(fw)
        c.send("S", seq=iss, ack=0)
        sa = c.expect(lambda t: flags_of(t) == "SA")
        assert sa is not None, "no SYN-ACK: the full backlog did not recycle a half-open connection"
        assert eu.tcp_stats(fw)["tcp.evict_syn_rcvd"] - before["tcp.evict_syn_rcvd"] == 1
        assert eu.tw_for(fw, c.remote) is not None, "the entry went before the new incarnation was ESTABLISHED"
        _linux_echo(fw)
    finally:
        for h in half:                   # the half-open ones go: RST at their RCV.NXT
            h.send("R", seq=h.iss + 1, ack=0)
    gap = (sa.seq - old_fw_nxt) % SEQ_MOD
    print(f"\nfinwait e2e: new ISN {gap} beyond the old SND.NXT")
    assert 65535 < gap < (1 << 31), f"new ISN {sa.seq}, old SND.NXT {old_fw_nxt}"
    c.snd_nxt, c.rcv_nxt = iss + 1, (sa.seq + 1) % SEQ_MOD
    c.send("A")
    assert c.read_until_fin().startswith(b"finwait uptime ")
    c.send("FA")
    c.snd_nxt += 1
    assert c.expect(lambda t: t.ack == c.snd_nxt % SEQ_MOD) is not None
    eu.save_ladder(fw, request, conn=f"{c.remote}-{fw.ip}:{eu.DAYTIME}")


@pytest.mark.fw_timeout(60)
def test_syn_into_time_wait_without_listener_acked(fw, peer, request):
    """finwait's own active open (console client) ends in TIME_WAIT on an
    ephemeral port; a SYN beyond the old RCV.NXT to that port finds no
    listener, so it is an ordinary SYN in TIME-WAIT (RFC 9293 3.10.7.4
    fourth check, RFC 5961 4.2): an ACK with the old numbers, and the entry
    stays (an RST would end it). A Linux daytime client is served."""
    fw.cmd("set msl 5000")
    c = eu.CraftedConn(peer, 0, random.randint(20000, 60000), iss=random.randint(1, 1 << 30))
    out = fw.cmd(f"connect {eu.CraftedPeer.IP} {c.sport}")
    m = re.search(r"^conn (\d+)$", out, re.M)
    assert m, out
    c.accept()
    fw.wait_for(rf"connected {m.group(1)}\b")
    fw.cmd(f"close {m.group(1)}")
    fwfin = c.expect(lambda t: "F" in flags_of(t))
    assert fwfin is not None, "no FIN after `close`"
    c.take(fwfin)
    c.send("FA")
    c.snd_nxt += 1
    assert c.expect(lambda t: t.ack == c.snd_nxt % SEQ_MOD) is not None
    remote = f"{eu.CraftedPeer.IP}:{c.sport}"
    eu.wait_until(lambda: eu.tw_for(fw, remote), 2, "TIME_WAIT on the client's port")
    c.send("S", seq=c.snd_nxt + 100000, ack=0)
    got = c.expect(lambda t: True)
    assert got is not None, "no answer to the SYN"
    assert flags_of(got) == "A", f"{flags_of(got)} instead of an ACK"
    assert got.seq == c.rcv_nxt and got.ack == c.snd_nxt % SEQ_MOD
    assert eu.tw_for(fw, remote) is not None
    _linux_daytime(fw)
    eu.save_ladder(fw, request, conn=f"{remote}-{fw.ip}:{c.dport}")


@pytest.mark.fw_timeout(60)
def test_old_duplicate_syn_into_time_wait_returns_to_time_wait(fw, peer, request):
    """A SYN beyond the old RCV.NXT reopens from TIME_WAIT, but it was an
    old duplicate: the peer answers finwait's SYN-ACK with an RST. The new
    incarnation goes and TIME_WAIT goes on, with its old numbers and its old
    deadline (RFC 9293 3.6.1 MAY-2 (2)). A Linux daytime client is served."""
    c, tw = _into_time_wait(fw, peer)
    left0 = int(tw["left_ms"])
    before = eu.tcp_stats(fw)
    c.send("S", seq=c.snd_nxt + 100000, ack=0)
    sa = c.expect(lambda t: flags_of(t) == "SA")
    assert sa is not None, "no SYN-ACK"
    c.send("R", seq=sa.ack, ack=0)
    eu.wait_until(lambda: eu.tcb_for(fw, c.remote) is None, 2, "the SYN_RCVD child to go")
    tw2 = eu.tw_for(fw, c.remote)
    assert tw2 is not None, "TIME_WAIT not resumed after the old duplicate"
    assert int(tw2["left_ms"]) <= left0, (left0, tw2)
    assert eu.tcp_stats(fw)["tcp.tw_reopen_resumed"] - before["tcp.tw_reopen_resumed"] == 1
    c.send("PA", seq=c.snd_nxt - 20, payload=b"stale")
    old = c.expect(lambda t: True)
    assert old is not None and flags_of(old) == "A", old
    assert old.seq == c.rcv_nxt and old.ack == c.snd_nxt % SEQ_MOD
    _linux_daytime(fw)
    eu.save_ladder(fw, request, conn=f"{c.remote}-{fw.ip}:{eu.DAYTIME}")


@pytest.mark.fw_timeout(90)
def test_time_wait_flood_spares_another_address(fw, peer, request):
    """Fair recycling: a Linux client at 192.0.2.1 fills the TIME_WAIT
    table with daytime connections, 192.0.2.3 leaves three connections in
    TIME_WAIT (each takes the slot of an entry of the heavier 192.0.2.1),
    then 192.0.2.1 closes more connections than the table holds. The
    table recycles 192.0.2.1's own entries; 192.0.2.3's survive. Every
    Linux connection is served. (The table keeps its fairness per hash
    class of addresses, keyed at boot: when 192.0.2.1 and 192.0.2.3 share
    one, 1 boot in FW_TW_ENTRIES/2, they share a FIFO and the test skips.)"""
    cap = eu.tcp_stats(fw)["tcp.tw.capacity"]
    t0 = time.monotonic()
    for _ in range(cap + 10):
        _linux_daytime(fw)
    before = eu.tcp_stats(fw)
    mine = [_into_time_wait(fw, peer)[0] for _ in range(3)]
    mid = eu.tcp_stats(fw)
    for _ in range(cap + 50):
        _linux_daytime(fw)
    took = time.monotonic() - t0
    after = eu.tcp_stats(fw)
    alive = sum(1 for c in mine if eu.tw_for(fw, c.remote) is not None)
    print(f"\nfinwait e2e: {2 * cap + 60} Linux daytime connections in {took:.1f} s; "
          f"192.0.2.3's TIME_WAIT entries left: {alive} of 3; recycled "
          f"{after['tcp.tw.recycled'] - before['tcp.tw.recycled']}")
    assert after["tcp.tw.in_use"] == cap
    heavier = "tcp.tw_recycled_heavier"
    if heavier in mid and mid[heavier] == before[heavier]:
        pytest.skip("192.0.2.1 and 192.0.2.3 share a TIME_WAIT hash class this boot")
    assert alive == 3
