"""Spoofed SYNs against a small control-block pool (RFC 4987).

200 SYNs from 50 spoofed on-link sources (192.0.2.100-149, raw frames on
the tap; nobody answers ARP for them), round-robin to daytime, echo and
discard, half of them in one burst and the rest spread over the next
seconds, while a Linux client in the namespace opens 20 daytime
connections one after another and the console opens a client connection
to Linux. Each SYN used to take a control block for 63 s (1 + 5 SYN,ACKs):
4 filled daytime's backlog, 5 the pool (8 TCBs, 3 of them listeners), and
every honest SYN and the console's connect were refused. Now the oldest
half-open connection is recycled, a recycled one's ACK still completes it
from its SYN cookie, a SYN,ACK is retried FW_SYNACK_RETRIES (2) times, and
connections the application holds are never taken.

The spoofed sources are on-link, so every SYN,ACK to them waits in an ARP
entry for a reply that never comes: one packet per entry (no
ARP_QUEUEING), at most ARP_TABLE_SIZE (64) of them for ARP_MAXPENDING
(5 s). 50 sources leave room in the table, so the honest client's entry is
never recycled for a spoofed one: it is resolved once, and no packet to it
waits for ARP (counted: ARP requests for 192.0.2.1).
"""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest

import e2e_util as u

pytestmark = pytest.mark.needs_qemu

SPOOFED = [f"192.0.2.{i}" for i in range(100, 150)]
SYNS = 200
BURST = 100               # sent at once; the rest spread over SPREAD_S
SPREAD_S = 2.0
PORTS = (u.DAYTIME, u.ECHO, u.DISCARD)
DAYTIME_CONNS = 20
LIMIT_S = 1.0             # each honest connection, SYN to the end of its line
CLIENT_GAP_S = 0.1


def _spoofed_frames(fw) -> list[bytes]:
    rnd = random.Random(4987)
    frames = []
    for n in range(SYNS):
        i = n % len(SPOOFED)
        mac = f"02:00:00:00:02:{100 + i:02x}"
        frames.append(u.tcp_frame(mac, fw.mac, SPOOFED[i], fw.ip, rnd.randint(1024, 65535),
                                  PORTS[n % len(PORTS)], rnd.randint(0, (1 << 32) - 1), 0,
                                  u.TCP_SYN, 8192, mss=1460))
    return frames


def _daytime(fw) -> tuple[float, bytes]:
    t0 = time.monotonic()
    with u.netns(fw.ns_name):
        s = socket.socket()
    try:
        s.settimeout(5)
        s.connect((fw.ip, u.DAYTIME))
        line = u.recv_all(s)
    finally:
        s.close()
    return time.monotonic() - t0, line


def _console_connect(fw) -> float:
    """The console's client opens a connection to a Linux listener: the
    firmware's own active open, with the pool under the flood."""
    lst = u.peer_listener(fw)
    try:
        t0 = time.monotonic()
        out = fw.cmd(f"connect {u.fh.PEER_IP} {lst.getsockname()[1]}")
        assert out.startswith("conn "), out
        cid = out.split()[1]
        a, _ = lst.accept()
        took = time.monotonic() - t0
        fw.cmd(f"abort {cid}")
        a.close()
        return took
    finally:
        lst.close()


def test_spoofed_syn_flood_daytime_still_served(fw_fresh):
    """200 spoofed SYNs from 50 sources: all 20 daytime connections
    complete, none in more than LIMIT_S; the console's connect works; the
    honest peer's ARP entry is never recycled for a spoofed one."""
    fw = fw_fresh
    before = u.tcp_stats(fw)
    peer = u.FramePeer(fw, {})
    frames = _spoofed_frames(fw)
    times, errors = [], []
    try:
        def flood():
            for f in frames[:BURST]:
                peer.send(f)
            gap = SPREAD_S / (SYNS - BURST)
            for f in frames[BURST:]:
                time.sleep(gap)
                peer.send(f)

        th = threading.Thread(target=flood, daemon=True, name="syn-flood")
        th.start()
        time.sleep(0.2)           # the burst has landed: backlog and pool full of half-opens
        connect_s = None
        try:
            connect_s = _console_connect(fw)
        except (OSError, AssertionError) as e:
            errors.append(f"console connect: {e}")
        for i in range(DAYTIME_CONNS):
            try:
                took, line = _daytime(fw)
                times.append(took)
                if not line.startswith(b"finwait uptime "):
                    errors.append(f"#{i}: line {line!r}")
            except OSError as e:
                errors.append(f"#{i}: {e}")
            time.sleep(CLIENT_GAP_S)
        th.join(timeout=10)
        netstat = u.netstat(fw)[0]
    finally:
        peer.close()
    after = u.tcp_stats(fw)

    def grew(k):
        return after.get(k, 0) - before.get(k, 0)

    arp = sum(peer.arp_requests.get(ip, 0) for ip in SPOOFED)
    arp_honest = peer.arp_requests.get(u.fh.PEER_IP, 0)
    half_open = sum(1 for t in netstat if t.get("state") == "SYN_RCVD")
    print(f"\nfinwait e2e: {SYNS} spoofed SYNs from {len(SPOOFED)} sources; daytime "
          f"{len(times)}/{DAYTIME_CONNS} served, slowest {max(times, default=0):.3f} s, "
          f"errors {errors}; console connect {connect_s}; "
          f"passive_opens +{grew('tcp.passive_opens')} evict_syn_rcvd +{grew('tcp.evict_syn_rcvd')} "
          f"evict_orphan +{grew('tcp.evict_orphan')} syncookies_sent +{grew('tcp.syncookies_sent')} "
          f"syncookies_ok +{grew('tcp.syncookies_ok')} syn_backlog_full +{grew('tcp.syn_backlog_full')} "
          f"syn_no_tcb +{grew('tcp.syn_no_tcb')} retransmits +{grew('tcp.retransmits')}; "
          f"half-open now {half_open}; ARP requests for spoofed sources {arp}, "
          f"for {u.fh.PEER_IP} {arp_honest}; etharp memerr +{grew('etharp.memerr')}")
    assert not errors, errors
    assert len(times) == DAYTIME_CONNS
    assert max(times) <= LIMIT_S, f"slowest daytime connection {max(times):.3f} s: {times}"
    assert connect_s is not None and connect_s <= LIMIT_S, connect_s
    assert grew("daytime.served") == DAYTIME_CONNS
    assert grew("tcp.evict_syn_rcvd") > 0
    assert grew("etharp.memerr") == 0
    assert arp_honest <= 1, f"the honest peer's ARP entry was recycled: {arp_honest} requests"
    # a spoofed SYN costs at most 1 + FW_SYNACK_RETRIES SYN,ACKs
    assert grew("tcp.retransmits") <= 2 * grew("tcp.passive_opens")
    assert fw.responsive(2.0)
