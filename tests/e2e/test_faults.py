"""Faults: the firmware behind tools/netem_relay.py.

QEMU's NIC is a `-netdev dgram` whose frames pass through the seeded relay
on their way to and from the namespace's tap (conftest's fw_relay). Every
test prints its seed; `make e2e E2E_ARGS='--seed N -k NAME'` replays it.

Random faults: 10 % loss, 5 % duplication, 5 % reordering, both directions.
Connections alternate which side closes first:

* even: Linux -> echo (7). Linux sends 64 KiB, reads it back, shuts down
  its write side (its FIN goes first), reads the firmware's FIN. finwait
  does the passive close (CLOSE_WAIT -> LAST_ACK -> CLOSED), Linux keeps
  TIME_WAIT.
* odd: the firmware's console client -> a Linux server in the namespace.
  The server sends 64 KiB, the client receives it (its `recv` lines give
  each segment's length and first bytes), sends a token back and `close`s:
  finwait's FIN goes first (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT), Linux
  does CLOSE_WAIT -> LAST_ACK -> CLOSED. Echo cannot make finwait close
  first (it closes only after the peer's FIN), hence the client.

Lost by rule (--drop-rule), one test each: the first FIN to and from the
firmware, the ACK of a FIN in each direction, the final ACK in each
direction, and a FIN retransmission in each direction. The pcap at the
firmware's NIC (filter-dump) and, for frames lost on their way to the
firmware, a tcpdump on the tap show the retransmission; the relay's
counters show the rule dropped exactly one frame.
"""

from __future__ import annotations

import json
import random
import re
import socket
import string
import threading
import time
from typing import Optional

import pytest

import e2e_util as u
import fwharness as fh

LOSS_ARGS = ["--loss", "10", "--dup", "5", "--reorder", "5"]
CONN_BYTES = 64 * 1024
QUICK_CONNS = 6             # make test: a few seconds under 10 % loss (tests/e2e/README.md)
SOAK_CONNS = 200            # make soak: the count
ECHO_WORKERS = 2            # two echo lanes: fw_tcp_write keeps a heap block for a full
                            # segment, so stalled echoes cannot starve resends (faulty_run)
KEEP_TW_MSL_MS = 1800000    # 2MSL = 1 h while the run lasts
PRINTABLE = (string.ascii_letters + string.digits).encode()
SETTLE_S = 60.0             # LAST_ACK/FIN_WAIT retransmissions under loss
CONN_TIMEOUT_S = 150.0      # one connection; the firmware backs off to 25 s and more (README)
SEND_RETRY_S = 0.05         # the console client's `send` after ERR_MEM
# The peer's RTO backoff is capped (Linux 6.15+ TCP_RTO_MAX_MS, per socket).
# The firmware has no timestamps (and before its out-of-order queue dropped
# out-of-order segments), so when a flight is lost and reordered every ACK
# covers retransmitted data only, Karn
# forbids an RTT sample, and Linux's doubled RTO (up to 120 s) never comes
# back down: a transfer stalls for minutes on one unlucky run. The cap keeps
# the test about the firmware's teardown, not about Linux's backoff.
TCP_RTO_MAX_MS = 44
PEER_RTO_MAX_MS = 1000


# ---------------------------------------------------------------- firmware side

def tcbs_busy(fw) -> list[dict]:
    return [t for t in u.netstat(fw)[0] if t.get("state") != "LISTEN"]


# Pools that follow the interface's addresses, not traffic: IPv6 joins the
# solicited-node groups of its addresses during DAD, a second or so after
# the boot that a fresh firmware's `before` may precede.
ADDRESS_POOLS = ("memp.MLD6_GROUP",)


def pools(fw) -> dict[str, int]:
    """TCBs in use and every pool's and the heap's `used`: what must come back."""
    st = fw.stats()
    out = {"tcp.tcb_in_use": fh.record_int(st, "tcp", "tcb_in_use")}
    for sec, rec in st.items():
        if sec in ADDRESS_POOLS:
            continue
        if (sec == "heap" or sec.startswith("memp.")) and "used" in rec:
            out[f"{sec}.used"] = int(rec["used"])
    return out


def wait_quiet(fw, timeout: float = SETTLE_S) -> None:
    """Until no connection TCB is left (orphans finish their retransmissions)."""
    u.wait_until(lambda: not tcbs_busy(fw), timeout,
                 f"no TCB but listeners (left: {tcbs_busy(fw)})", step=0.5)


def relay_context(fw) -> str:
    return f"relay seed={fw.relay.seed} (replay: --seed {fw.relay.seed})"


# ---------------------------------------------------------------- Linux closes first

def cap_rto(s: socket.socket) -> None:
    try:
        s.setsockopt(socket.IPPROTO_TCP, TCP_RTO_MAX_MS, PEER_RTO_MAX_MS)
    except OSError:
        pass    # older kernel: slower runs under loss, same verdicts


def echo_conn(fw, data: bytes, timeout: float = CONN_TIMEOUT_S,
              times: Optional[dict] = None) -> int:
    """Linux -> echo: send `data`, read it back, FIN first, read the
    firmware's FIN. Returns Linux's local port. `times` gets the seconds
    each phase took: open (connect), data (the echo), close (until the
    firmware's FIN)."""
    times = {} if times is None else times
    t0 = time.monotonic()
    s = u.peer_connect(fw, u.ECHO, timeout=timeout)
    times["open"] = time.monotonic() - t0
    cap_rto(s)
    try:
        port = s.getsockname()[1]
        err: list[BaseException] = []

        def sender():
            try:
                s.sendall(data)
            except OSError as e:
                err.append(e)
        t = threading.Thread(target=sender, daemon=True)
        t.start()
        got = u.recv_all(s, len(data))
        t.join(timeout)
        times["data"] = time.monotonic() - t0 - times["open"]
        assert not err, f"echo :{port}: send failed: {err[0]}"
        if got != data:
            first = next((i for i, (a, b) in enumerate(zip(got, data)) if a != b),
                         min(len(got), len(data)))
            raise AssertionError(f"echo :{port}: {len(got)} of {len(data)} bytes back, "
                                 f"first difference at offset {first} (sha256 "
                                 f"{u.sha(got)[:16]} != {u.sha(data)[:16]})")
        s.shutdown(socket.SHUT_WR)
        rest = u.recv_all(s)
        times["close"] = time.monotonic() - t0 - times["open"] - times["data"]
        assert rest == b"", f"echo :{port}: {len(rest)} bytes after the echo"
        # Linux sent the first FIN and has the firmware's: TIME_WAIT now
        # (checked here, Linux's TIME_WAIT lasts only 60 s of a long run).
        # Or no socket at all: when the relay duplicates Linux's final ACK,
        # the copy reaches finwait after its LAST_ACK -> CLOSED and gets the
        # RST RFC 9293 3.10.7.1 prescribes, and Linux (tcp_rfc1337=0, its
        # default) lets that RST end its TIME_WAIT (RFC 1337 "assassination").
        st = u.ss_state(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.ECHO}")
        assert st in ("TIME-WAIT", None), f"echo :{port}: Linux socket in {st}, not TIME-WAIT"
        return port if st else -port
    finally:
        s.close()


# ---------------------------------------------------------------- finwait closes first

class LinuxServer:
    """One listening socket in the namespace; serve() runs one connection:
    send `data`, read until the firmware's FIN, close (LAST_ACK)."""

    def __init__(self, fw) -> None:
        self.sock = u.peer_listener(fw)
        self.sock.settimeout(CONN_TIMEOUT_S)
        cap_rto(self.sock)
        self.port = self.sock.getsockname()[1]

    def serve(self, data: bytes, result: dict) -> None:
        try:
            c, addr = self.sock.accept()
            result["fw_port"] = addr[1]
            with c:
                cap_rto(c)
                c.settimeout(CONN_TIMEOUT_S)
                c.sendall(data)
                result["got"] = u.recv_all(c)
        except OSError as e:
            result["error"] = e

    def close(self) -> None:
        self.sock.close()


def client_conn(fw, server: LinuxServer, data: bytes, token: str,
                timeout: float = CONN_TIMEOUT_S, times: Optional[dict] = None) -> int:
    """The console client receives `data` from the Linux server, sends
    `token`, and closes first. Returns the firmware's local port. `times`
    gets the seconds of each phase: open (until `connected`), data (the
    last `recv`), close (until the Linux server read the token and EOF)."""
    times = {} if times is None else times
    t0 = time.monotonic()
    result: dict = {}
    t = threading.Thread(target=server.serve, args=(data, result), daemon=True)
    t.start()
    out = fw.cmd(f"connect {fh.PEER_IP} {server.port}")
    m = re.search(r"^conn (\d+)", out, re.M)
    assert m, f"connect refused: {out}"
    cid = m.group(1)
    fw.wait_for(rf"connected {cid}\b", timeout)
    times["open"] = time.monotonic() - t0
    off = 0
    rx = re.compile(rf"recv {cid} (\d+) ([^\r\n]*)\r?\n")
    while off < len(data):
        m = fw.wait_for(rx, timeout)
        n, shown = int(m.group(1)), m.group(2).encode()
        want = data[off:off + min(n, len(shown))]
        assert shown == want, (f"client {cid}: bytes at offset {off} differ: "
                               f"{shown[:32]!r} != {want[:32]!r}")
        off += n
    assert off == len(data), f"client {cid}: received {off} of {len(data)} bytes"
    times["data"] = time.monotonic() - t0 - times["open"]
    # ERR_MEM says "try again later" (fw_tcp.h): the echo lanes' send
    # queues share the PBUF_RAM heap with this one.
    deadline = time.monotonic() + timeout
    while (out := fw.cmd(f"send {cid} {token}")) == f"error: send {cid}: send queue full" \
            and time.monotonic() < deadline:
        time.sleep(SEND_RETRY_S)
    assert out == ""
    assert fw.cmd(f"close {cid}") == ""
    t.join(timeout)
    times["close"] = time.monotonic() - t0 - times["open"] - times["data"]
    assert "error" not in result, f"Linux server: {result['error']}"
    assert result.get("got") == token.encode(), (
        f"Linux server got {result.get('got')!r}, the client sent {token!r}")
    return result["fw_port"]


# ---------------------------------------------------------------- the random-fault run

def run_faulty_conns(fw, count: int, seed: int) -> dict:
    """Echo connections on ECHO_WORKERS threads, client connections on this
    one (it owns the console), all with data drawn from `seed`.

    Two echo connections stalled under loss each hold up to
    FW_TCP_SNDQ_PBUFS x MSS = 11,680 B of PBUF_RAM in their send queues,
    more than the 16 KiB heap. The engine keeps FW_TCP_HEAP_RESERVE free
    for ACKs and retransmissions (it deadlocked before that, pcap
    bug-heap-deadlock-seed2037123767.pcap) and, since two echo workers
    found the heap fragmented (seeds 428822909 and 733512419), one block
    for a full segment; the console client's `send` then meets ERR_MEM
    more often and retries it."""
    rng = random.Random(seed)
    echo_data = [rng.randbytes(CONN_BYTES) for _ in range((count + 1) // 2)]
    client_data = [bytes(rng.choice(PRINTABLE) for _ in range(CONN_BYTES))
                   for _ in range(count // 2)]
    linux_first: list[int] = []
    fw_first: list[int] = []
    errors: list[str] = []
    timing: list[dict] = []
    lock = threading.Lock()
    jobs = list(enumerate(echo_data))
    t_run = time.monotonic()

    def timed(kind: str, n: int) -> dict:
        rec = {"kind": kind, "conn": n, "start": round(time.monotonic() - t_run, 3)}
        with lock:
            timing.append(rec)
        return rec

    def echo_worker():
        while True:
            with lock:
                if not jobs or errors:
                    return
                i, data = jobs.pop(0)
            try:
                port = echo_conn(fw, data, times=timed("echo", 2 * i))
                with lock:
                    linux_first.append(port)
            except (AssertionError, OSError) as e:
                with lock:
                    errors.append(f"echo connection {2 * i}: {e}")

    workers = [threading.Thread(target=echo_worker, daemon=True) for _ in range(ECHO_WORKERS)]
    for w in workers:
        w.start()
    server = LinuxServer(fw)
    try:
        for k, data in enumerate(client_data):
            if errors:
                break
            fw_first.append(client_conn(fw, server, data, f"token-{2 * k + 1}",
                                        times=timed("client", 2 * k + 1)))
    finally:
        for w in workers:
            w.join()    # bounded by the test's fw_timeout
        server.close()
    assert not errors, "; ".join(errors)
    return {"linux_first": linux_first, "fw_first": fw_first, "server_port": server.port,
            "timing": timing}


def timing_summary(timing: list[dict]) -> str:
    """Where a run's time went: per kind of connection, the sum, median and
    worst of each phase, and how many took longer than 5 s."""
    out = []
    for kind in ("echo", "client"):
        recs = [r for r in timing if r["kind"] == kind and "close" in r]
        if not recs:
            continue
        parts = []
        for ph in ("open", "data", "close"):
            xs = sorted(r[ph] for r in recs)
            parts.append(f"{ph} sum {sum(xs):.1f} s median {xs[len(xs) // 2]:.2f} "
                         f"max {xs[-1]:.1f}")
        tot = sorted(r["open"] + r["data"] + r["close"] for r in recs)
        out.append(f"{kind} x{len(recs)}: total {sum(tot):.1f} s (median {tot[len(tot) // 2]:.2f},"
                   f" max {tot[-1]:.1f}, {sum(t > 5 for t in tot)} over 5 s); " + "; ".join(parts))
    return " | ".join(out)


def check_all_closed(fw, run: dict) -> None:
    """Both sides CLOSED; TIME_WAIT only on the side that closed first."""
    fw_ep = f"{fw.ip}"
    wait_quiet(fw)
    _, tws = u.netstat(fw)
    tw_local = {w["local"] for w in tws if w["remote"] == f"{fh.PEER_IP}:{run['server_port']}"}
    want_tw = {f"{fw_ep}:{p}" for p in run["fw_first"]}
    assert tw_local == want_tw, (f"firmware TIME_WAIT entries for its client connections: "
                                 f"missing {sorted(want_tw - tw_local)}, "
                                 f"extra {sorted(tw_local - want_tw)}")
    echo_tw = [w for w in tws if w["local"] == f"{fw_ep}:{u.ECHO}"]
    assert not echo_tw, f"TIME_WAIT on the firmware for echo (Linux closed first): {echo_tw}"

    def linux_left():
        return [(st, lo, pe) for st, lo, pe in u.ss(fw)
                if pe.startswith(f"{fw.ip}:") and st != "TIME-WAIT"]
    u.wait_until(lambda: not linux_left(), SETTLE_S,
                 f"Linux sockets CLOSED (left: {linux_left()})", step=0.5)
    socks = u.ss(fw)
    server_side = [(st, lo, pe) for st, lo, pe in socks
                   if lo == f"{fh.PEER_IP}:{run['server_port']}"]
    assert not server_side, f"Linux server sockets left (it closed second): {server_side}"


def faulty_run(fw_relay, count: int) -> None:
    fw = fw_relay(LOSS_ARGS)
    ctx = relay_context(fw)
    # 2MSL longer than the run, so every TIME_WAIT of finwait's is still there
    # to be counted at the end.
    assert fw.cmd(f"set msl {KEEP_TW_MSL_MS}") == f"msl={KEEP_TW_MSL_MS}"
    before = pools(fw)
    t0 = time.monotonic()
    took = 0.0
    try:
        run = run_faulty_conns(fw, count, fw.relay.seed)
        took = time.monotonic() - t0
        check_all_closed(fw, run)
        settled = time.monotonic() - t0 - took
        after = pools(fw)
        changed = {k: (before[k], after.get(k)) for k in before if after.get(k) != before[k]}
        assert not changed, f"pools not back to their starting use (before, after): {changed}"
        # The heap keeps one block for a full segment (README, the hostile
        # peer table): no segment of ours ever went without a buffer.
        no_buf = u.tcp_stats(fw).get("tcp.pbuf_fail")
        assert no_buf == 0, f"{no_buf} outgoing segments found no PBUF_RAM buffer"
    except AssertionError as e:
        took = took or time.monotonic() - t0
        # The firmware's view of what is stuck, while it still holds it.
        try:
            print("\nfinwait e2e: at the failure:\n" + fw.cmd("netstat -m") + "\n" +
                  fw.cmd("stats"))
        except (AssertionError, fh.HarnessError, OSError) as why:
            print(f"\nfinwait e2e: no netstat/stats at the failure: {why}")
        raise AssertionError(f"{ctx}, {took:.0f} s into the run: {e}") from None
    assassinated = sum(1 for p in run["linux_first"] if p < 0)
    st = fw.relay.stats()
    dirs = st["directions"]
    figures = " ".join(f"{d}: seen={v['seen']} lost={v['dropped_random']} "
                       f"dup={v['duplicated']} reordered={v['reordered']};"
                       for d, v in dirs.items())
    tcp = u.tcp_stats(fw)
    print(f"\nfinwait e2e: {count} connections x {CONN_BYTES} B under 10% loss, 5% dup, "
          f"5% reorder in {took:.1f} s; {ctx}; relay {figures} firmware retransmits="
          f"{tcp.get('tcp.retransmits')} drop_ooo={tcp.get('tcp.drop_ooo')} "
          f"drop_seq={tcp.get('tcp.drop_seq')} rst_closed={tcp.get('tcp.rst_closed')} "
          f"sndq_heap_reserve={tcp.get('tcp.sndq_heap_reserve')} "
          f"sndq_heap_frag={tcp.get('tcp.sndq_heap_frag')}; "
          f"Linux TIME_WAITs ended by that RST (RFC 1337): {assassinated}")
    print(f"finwait e2e: timing: connections {took:.1f} s, settling {settled:.1f} s; "
          + timing_summary(run["timing"]))
    # For make bench's soak row and for a look at single connections.
    (u.ARTIFACTS / f"faults-{count}.timing.json").write_text(json.dumps(
        {"count": count, "conn_bytes": CONN_BYTES, "seed": fw.relay.seed, "args": LOSS_ARGS,
         "connections_s": round(took, 1), "settle_s": round(settled, 1),
         "echo_workers": ECHO_WORKERS, "relay": dirs, "firmware": tcp,
         "timing": run["timing"]}, indent=1))
    assert all(v["dropped_random"] > 0 for v in dirs.values()), f"the relay lost nothing: {dirs}"


@pytest.mark.needs_qemu
@pytest.mark.fw_timeout(420)
def test_random_faults_echo_alternating_close(fw_relay, request):
    """10 % loss, 5 % dup, 5 % reorder: every connection's bytes arrive
    intact (sha256 / per-segment prefixes), every connection ends CLOSED on
    both sides with TIME_WAIT only where the close came first, and the
    firmware's TCBs, pools and heap are back at their starting use."""
    if request.config.getoption("--soak"):
        pytest.skip("make soak runs the 200-connection variant")
    faulty_run(fw_relay, request.config.getoption("--fault-conns") or QUICK_CONNS)


@pytest.mark.needs_qemu
@pytest.mark.fw_timeout(3600)
def test_soak_random_faults_200(fw_relay, request):
    """The issue's count: 200 connections (make soak)."""
    if not request.config.getoption("--soak"):
        pytest.skip("200 connections: make soak")
    faulty_run(fw_relay, request.config.getoption("--fault-conns") or SOAK_CONNS)


# ---------------------------------------------------------------- lost by rule
#
# One connection per test, a relay with no random faults and one or two
# --drop-rule terms. `pure_ack` below is "ACK, no SYN/FIN/RST, no payload".

PURE_ACK = "tcp_flags=A,tcp_noflags=SFR,payload=empty"
SMALL = b"finwait under a drop rule\n"


def fins(segs, src_ip: str) -> list:
    return [s for s in segs if s.src[0] == src_ip and s.has("F")]


def acks_of(segs, src_ip: str, fin) -> list:
    """Pure ACKs from src_ip that acknowledge `fin` (ack == its seq_end)."""
    return [s for s in segs if s.src[0] == src_ip and s.len == 0 and not s.has("F")
            and not s.has("S") and not s.has("R") and s.has("A") and s.ack == fin.seq_end()]


def echo_small(fw, hold_s: float = 0.0) -> int:
    """Linux -> echo, a few bytes back, Linux's FIN first; returns its port."""
    s = u.peer_connect(fw, u.ECHO, timeout=30)
    try:
        s.settimeout(30)
        s.sendall(SMALL)
        assert u.recv_all(s, len(SMALL)) == SMALL
        s.shutdown(socket.SHUT_WR)
        assert u.recv_all(s) == b"", "data after the echo"
        time.sleep(hold_s)
        return s.getsockname()[1]
    finally:
        s.close()


def daytime(fw, hold_s: float = 0.0) -> int:
    """Linux -> daytime: the line, finwait's FIN first, Linux closes after
    `hold_s` (so that finwait sits in FIN_WAIT_2 meanwhile)."""
    s = u.peer_connect(fw, u.DAYTIME, timeout=30)
    try:
        s.settimeout(30)
        line = u.recv_all(s)
        assert line.startswith(b"finwait uptime ") and line.endswith(b"\r\n"), line
        time.sleep(hold_s)
        return s.getsockname()[1]
    finally:
        s.close()


def linux_server_closes_first(fw) -> tuple[int, int]:
    """The console client connects to a Linux server that sends a line and
    closes first (its FIN); finwait's client sees EOF (CLOSE_WAIT) and is
    closed from the console once Linux's FIN is acknowledged (Linux in
    FIN_WAIT_2). Returns (server port, firmware port)."""
    lst = u.peer_listener(fw)
    try:
        port = lst.getsockname()[1]
        cid = re.search(r"^conn (\d+)", fw.cmd(f"connect {fh.PEER_IP} {port}"), re.M)
        assert cid, "console connect refused"
        cid = cid.group(1)
        c, addr = lst.accept()
        with c:
            fw.wait_for(rf"connected {cid}\b", 10)
            c.sendall(SMALL)
            # The line acknowledged before the FIN, so that the only pure
            # ACK after the FIN is the ACK of the FIN.
            fw.wait_for(rf"recv {cid} {len(SMALL)} ", 10)
            time.sleep(0.2)
            c.shutdown(socket.SHUT_WR)
            fw.wait_for(rf"eof {cid}\b", 10)
            local = f"{fh.PEER_IP}:{port}"
            u.wait_until(lambda: u.ss_state(fw, local, f"{fw.ip}:{addr[1]}") == "FIN-WAIT-2",
                         10, "Linux's FIN acknowledged (FIN-WAIT-2)")
            assert fw.cmd(f"close {cid}") == ""
            assert u.recv_all(c) == b"", "data from the client"
        return port, addr[1]
    finally:
        lst.close()


def settle(fw, linux_local: str, linux_peer: str, linux_state: Optional[str],
           fw_tw: bool) -> None:
    """Both ends closed: no TCB but listeners on finwait, its TIME_WAIT entry
    iff it closed first; Linux's socket gone or in TIME_WAIT."""
    wait_quiet(fw, 20)
    u.wait_until(lambda: u.ss_state(fw, linux_local, linux_peer) == linux_state, 20,
                 f"Linux {linux_local} -> {linux_peer} in {linux_state} "
                 f"(is {u.ss_state(fw, linux_local, linux_peer)})")
    if fw_tw:
        assert u.tw_for(fw, linux_local), f"no finwait TIME_WAIT for {linux_local}"
    else:
        assert not u.tw_for(fw, linux_local), f"finwait TIME_WAIT for {linux_local}"


def rule_test(fw_relay, request, rules: list[str], hits: list[int], scenario):
    """Boot behind `rules`, run `scenario(fw)` with a tcpdump on the tap too,
    check the relay dropped `hits` frames per rule, return both captures'
    segments of the connection and the scenario's result."""
    args = []
    for r in rules:
        args += ["--drop-rule", r]
    fw = fw_relay(args)
    tap = fh.TapCapture(fw.ns, fh_artifact(request, "tap.pcap")).start()
    try:
        res = scenario(fw)
        # Retransmissions end when both sides are done: no TCB on finwait,
        # nothing but TIME_WAIT on Linux. Only then stop the captures.
        wait_quiet(fw, 20)
        u.wait_until(lambda: not linux_busy(fw), 20,
                     f"Linux sockets done (left: {linux_busy(fw)})")
    finally:
        tap_pcap = tap.stop()
    got = fw.relay.rule_hits()
    assert got == hits, f"{relay_context(fw)}: rule drops {got}, expected {hits} ({rules})"
    fw_pcap, fw_segs = u.save_ladder(fw, request)
    return fw, res, fw_segs, u.segments(tap_pcap)


def linux_busy(fw) -> list:
    return [x for x in u.ss(fw) if x[2].startswith(f"{fw.ip}:") and x[0] != "TIME-WAIT"]


def fh_artifact(request, suffix: str):
    from conftest import ARTIFACTS, artifact_name
    return ARTIFACTS / f"{artifact_name(request.node.nodeid)}.{suffix}"


def same_seq(segs: list) -> bool:
    return len({s.seq for s in segs}) == 1


@pytest.mark.needs_qemu
def test_rule_first_fin_to_fw_lost(fw_relay, request):
    """Linux closes echo first; its FIN is lost once. Linux retransmits it
    (two FINs on the tap, one at the NIC) and the passive close completes:
    finwait CLOSE_WAIT -> LAST_ACK -> CLOSED, Linux TIME_WAIT."""
    fw, port, fsegs, tsegs = rule_test(fw_relay, request, ["dir=to_fw,tcp_flags=F"], [1],
                                       echo_small)
    tap_fins, nic_fins = fins(tsegs, fh.PEER_IP), fins(fsegs, fh.PEER_IP)
    assert len(tap_fins) == 2 and same_seq(tap_fins), u.exchange(tsegs)
    assert len(nic_fins) == 1 and nic_fins[0].seq == tap_fins[0].seq, u.exchange(fsegs)
    assert acks_of(fsegs, fw.ip, nic_fins[0]) or fins(fsegs, fw.ip), u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.ECHO}", "TIME-WAIT", fw_tw=False)


@pytest.mark.needs_qemu
def test_rule_first_fin_from_fw_lost(fw_relay, request):
    """daytime: finwait's FIN (with or after the line) is lost once; finwait
    retransmits it on its RTO (two FINs at the NIC, same sequence number),
    Linux then closes: finwait TIME_WAIT, Linux CLOSED."""
    fw, port, fsegs, _ = rule_test(fw_relay, request, ["dir=from_fw,tcp_flags=F"], [1],
                                   daytime)
    nic_fins = fins(fsegs, fw.ip)
    assert len(nic_fins) == 2 and same_seq(nic_fins), u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.DAYTIME}", None, fw_tw=True)


@pytest.mark.needs_qemu
def test_rule_ack_of_fin_from_fw_lost(fw_relay, request):
    """A Linux server closes first; finwait's ACK of its FIN is lost. Linux
    retransmits the FIN, finwait (CLOSE_WAIT) ACKs it again; then the
    console closes: LAST_ACK -> CLOSED, Linux TIME_WAIT."""
    rule = f"dir=from_fw,{PURE_ACK},after_fin=to_fw"
    fw, (sport, fport), fsegs, _ = rule_test(fw_relay, request, [rule], [1],
                                             linux_server_closes_first)
    lf = fins(fsegs, fh.PEER_IP)
    assert len(lf) == 2 and same_seq(lf), u.exchange(fsegs)
    assert len(acks_of(fsegs, fw.ip, lf[0])) == 2, u.exchange(fsegs)
    ff = fins(fsegs, fw.ip)
    assert len(ff) == 1 and ff[0].t > lf[1].t, u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{sport}", f"{fw.ip}:{fport}", "TIME-WAIT", fw_tw=False)


@pytest.mark.needs_qemu
def test_rule_ack_of_fin_to_fw_lost(fw_relay, request):
    """daytime, Linux closes 1.5 s after finwait's FIN; Linux's ACK of that
    FIN is lost. finwait (FIN_WAIT_1) retransmits the FIN, Linux ACKs it
    again (FIN_WAIT_2), then Linux closes: finwait TIME_WAIT, Linux CLOSED."""
    rule = f"dir=to_fw,{PURE_ACK},after_fin=from_fw"
    fw, port, fsegs, tsegs = rule_test(fw_relay, request, [rule], [1],
                                       lambda f: daytime(f, hold_s=1.5))
    ff = fins(fsegs, fw.ip)
    assert len(ff) == 2 and same_seq(ff), u.exchange(fsegs)
    assert len(acks_of(tsegs, fh.PEER_IP, ff[0])) == 2, u.exchange(tsegs)
    assert len(acks_of(fsegs, fh.PEER_IP, ff[0])) == 1, u.exchange(fsegs)
    lf = fins(fsegs, fh.PEER_IP)
    assert len(lf) == 1 and lf[0].t > ff[1].t, u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.DAYTIME}", None, fw_tw=True)


@pytest.mark.needs_qemu
def test_rule_final_ack_from_fw_lost(fw_relay, request):
    """daytime: finwait's last ACK (from TIME_WAIT, of Linux's FIN) is lost.
    Linux (LAST_ACK) retransmits its FIN; the TIME_WAIT entry ACKs it again
    (tw fin_reacked) and restarts 2MSL (RFC 9293 3.10.7.4); Linux CLOSED."""
    rule = f"dir=from_fw,{PURE_ACK},after_fin=to_fw"
    state = {}

    def scenario(fw):
        state["before"] = u.tcp_stats(fw)
        return daytime(fw)
    fw, port, fsegs, _ = rule_test(fw_relay, request, [rule], [1], scenario)
    lf = fins(fsegs, fh.PEER_IP)
    assert len(lf) == 2 and same_seq(lf), u.exchange(fsegs)
    assert len(acks_of(fsegs, fw.ip, lf[0])) == 2, u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.DAYTIME}", None, fw_tw=True)
    after = u.tcp_stats(fw)
    assert after["tcp.tw.fin_reacked"] - state["before"]["tcp.tw.fin_reacked"] == 1
    left = int(u.tw_for(fw, f"{fh.PEER_IP}:{port}")["left_ms"])
    since_fin2 = (time.time() - lf[1].t) * 1000
    # restarted at the second FIN: 2MSL minus the time since, give or take a tick
    assert abs(left - (2 * u.DEFAULT_MSL_MS - since_fin2)) < 1000, (left, since_fin2)


@pytest.mark.needs_qemu
def test_rule_final_ack_to_fw_lost(fw_relay, request):
    """Linux closes echo first; its last ACK (of finwait's FIN, from Linux's
    TIME_WAIT) is lost. finwait (LAST_ACK) retransmits the FIN, Linux ACKs
    again, finwait CLOSED; Linux TIME_WAIT."""
    rule = f"dir=to_fw,{PURE_ACK},after_fin=from_fw"
    fw, port, fsegs, tsegs = rule_test(fw_relay, request, [rule], [1], echo_small)
    ff = fins(fsegs, fw.ip)
    assert len(ff) == 2 and same_seq(ff), u.exchange(fsegs)
    assert len(acks_of(tsegs, fh.PEER_IP, ff[0])) == 2, u.exchange(tsegs)
    assert len(acks_of(fsegs, fh.PEER_IP, ff[0])) == 1, u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.ECHO}", "TIME-WAIT", fw_tw=False)


@pytest.mark.needs_qemu
def test_rule_fin_retransmission_from_fw_lost(fw_relay, request):
    """daytime: finwait's FIN and its first retransmission are lost; the
    second retransmission comes after a doubled RTO (RFC 6298 5.5) and the
    close completes: finwait TIME_WAIT, Linux CLOSED."""
    rules = ["dir=from_fw,tcp_flags=F", "dir=from_fw,tcp_flags=F,nth=2"]
    fw, port, fsegs, _ = rule_test(fw_relay, request, rules, [1, 1], daytime)
    ff = fins(fsegs, fw.ip)
    assert len(ff) == 3 and same_seq(ff), u.exchange(fsegs)
    gap1, gap2 = ff[1].t - ff[0].t, ff[2].t - ff[1].t
    assert gap2 > 1.5 * gap1, f"no backoff: {gap1:.3f} s then {gap2:.3f} s\n{u.exchange(fsegs)}"
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.DAYTIME}", None, fw_tw=True)


@pytest.mark.needs_qemu
def test_rule_fin_retransmission_to_fw_lost(fw_relay, request):
    """Linux closes echo first; its FIN and the FIN's first retransmission
    are lost (three FINs on the tap, one at the NIC); the passive close
    completes: finwait CLOSED, Linux TIME_WAIT."""
    rules = ["dir=to_fw,tcp_flags=F", "dir=to_fw,tcp_flags=F,nth=2"]
    fw, port, fsegs, tsegs = rule_test(fw_relay, request, rules, [1, 1], echo_small)
    tf_, nf = fins(tsegs, fh.PEER_IP), fins(fsegs, fh.PEER_IP)
    assert len(tf_) == 3 and same_seq(tf_), u.exchange(tsegs)
    assert len(nf) == 1 and nf[0].seq == tf_[0].seq, u.exchange(fsegs)
    settle(fw, f"{fh.PEER_IP}:{port}", f"{fw.ip}:{u.ECHO}", "TIME-WAIT", fw_tw=False)
