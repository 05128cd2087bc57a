"""Linux's TCP as finwait's peer: Python sockets in the
test namespace against the firmware's echo (7), daytime (13) and console
client; each teardown drawn as a ladder in build/e2e/<test>.ladder.{txt,svg}.

States are read from both sides: the firmware's `log tcp on` lines and
`netstat -m`, Linux's `ss -tan` in the namespace; the wire from the pcap.
"""

import os
import re
import socket
import struct
import threading
import time

import pytest

import e2e_util as eu

pytestmark = pytest.mark.needs_qemu


@pytest.fixture(autouse=True)
def logged(fw):
    """State-change lines on; MSL back to the default afterwards."""
    fw.cmd("log tcp on")
    yield fw
    fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")
    fw.cmd("log tcp off")


def _local(s):
    a = s.getsockname()
    return f"{a[0]}:{a[1]}"


def _pumped_echo(s, data, shut_wr=False):
    """Send `data` on a thread while reading the echo; returns the echo."""
    def writer():
        s.sendall(data)
        if shut_wr:
            s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=writer)
    t.start()
    got = eu.recv_all(s, None if shut_wr else len(data))
    t.join(30)
    return got


@pytest.mark.fw_timeout(90)
def test_echo_1mib_linux_closes_first(fw, request):
    """RFC 862 echo of 1 MiB, then Linux closes: finwait's passive close
    ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED, Linux in TIME_WAIT."""
    data = os.urandom(1 << 20)
    mark = fw.console.mark()
    s = eu.peer_connect(fw, eu.ECHO)
    s.settimeout(30)
    me = _local(s)
    got = _pumped_echo(s, data)
    assert len(got) == len(data) and eu.sha(got) == eu.sha(data)
    s.close()
    log = eu.wait_state_log(fw, mark, me, "LAST_ACK", "CLOSED")
    path = [(f, t) for f, t, _ in log]
    assert path[-3:] == [("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"),
                         ("LAST_ACK", "CLOSED")], log
    assert eu.tcb_for(fw, me) is None, "the TCB outlived LAST_ACK"
    assert eu.ss_state(fw, me, f"{fw.ip}:{eu.ECHO}") == "TIME-WAIT", eu.ss(fw)
    pcap, segs = eu.save_ladder(fw, request, f"{me}-{fw.ip}:{eu.ECHO}")
    mine = [x for x in segs if me in (f"{x.src[0]}:{x.src[1]}", f"{x.dst[0]}:{x.dst[1]}")]
    fins = [x for x in mine if "F" in x.flags]
    assert [x.src[0] for x in fins] == [eu.fh.PEER_IP, fw.ip], eu.exchange(mine[-8:])
    assert "R" not in "".join(x.flags for x in mine), eu.exchange(mine[-8:])


@pytest.mark.fw_timeout(60)
def test_daytime_finwait_holds_time_wait(fw, request):
    """RFC 867: finwait writes a line and closes first; Linux sits in
    CLOSE_WAIT until it closes (LAST_ACK), finwait holds TIME_WAIT, which
    netstat shows with its time left and which ends at 2MSL (MSL 500 ms)."""
    fw.cmd("set msl 500")
    mark = fw.console.mark()
    s = eu.peer_connect(fw, eu.DAYTIME)
    me = _local(s)
    line = eu.recv_all(s)
    assert line.startswith(b"finwait uptime ") and line.endswith(b"\r\n"), line
    # Linux got our FIN: its end is in CLOSE_WAIT, ours in FIN_WAIT_2.
    assert eu.ss_state(fw, me, f"{fw.ip}:{eu.DAYTIME}") == "CLOSE-WAIT", eu.ss(fw)
    eu.wait_state_log(fw, mark, me, "FIN_WAIT_1", "FIN_WAIT_2")
    # With the VM paused nothing answers Linux's FIN, so its LAST_ACK holds
    # long enough for ss to see it.
    fw.qmp.execute("stop")
    try:
        s.close()
        t_close = time.monotonic()
        last = eu.wait_until(lambda: eu.ss_state(fw, me, f"{fw.ip}:{eu.DAYTIME}"), 2, "ss")
    finally:
        fw.qmp.execute("cont")
    assert last == "LAST-ACK", eu.ss(fw)
    eu.wait_state_log(fw, mark, me, "FIN_WAIT_2", "TIME_WAIT")
    tw = eu.tw_for(fw, me)
    assert tw is not None, eu.netstat(fw)
    left = int(tw["left_ms"])
    assert 0 < left <= 1000, tw
    eu.wait_until(lambda: eu.ss_state(fw, me, f"{fw.ip}:{eu.DAYTIME}") is None, 3,
                  "Linux's LAST_ACK to end")
    eu.wait_until(lambda: eu.tw_for(fw, me) is None, 3, "the TIME_WAIT entry to expire")
    gone_after = time.monotonic() - t_close
    assert gone_after >= 0.9, f"TIME_WAIT ended {gone_after:.3f} s after the close (< 2MSL)"
    pcap, segs = eu.save_ladder(fw, request, f"{me}-{fw.ip}:{eu.DAYTIME}")
    mine = [x for x in segs if x.src[1] == int(me.split(':')[1]) or x.dst[1] == int(me.split(':')[1])]
    fins = [x for x in mine if "F" in x.flags]
    assert [x.src[0] for x in fins] == [fw.ip, eu.fh.PEER_IP], eu.exchange(mine)
    assert mine[-1].src[0] == fw.ip and mine[-1].flags == "A", eu.exchange(mine)


@pytest.mark.fw_timeout(60)
def test_half_close_echo_keeps_sending(fw, request):
    """Linux shutdown(SHUT_WR) right after 256 KiB: finwait is in CLOSE_WAIT
    while its echo is still going out (RFC 9293 3.6: a half-closed
    connection carries data the other way), then LAST_ACK -> CLOSED."""
    data = os.urandom(256 << 10)
    mark = fw.console.mark()
    s = eu.peer_connect(fw, eu.ECHO)
    s.settimeout(30)
    me = _local(s)
    got = _pumped_echo(s, data, shut_wr=True)
    assert len(got) == len(data) and eu.sha(got) == eu.sha(data)
    eu.wait_state_log(fw, mark, me, "CLOSE_WAIT", "LAST_ACK")
    s.close()
    eu.wait_state_log(fw, mark, me, "LAST_ACK", "CLOSED")
    pcap, segs = eu.save_ladder(fw, request, f"{me}-{fw.ip}:{eu.ECHO}")
    port = int(me.split(':')[1])
    mine = [x for x in segs if port in (x.src[1], x.dst[1])]
    peer_fin = next(i for i, x in enumerate(mine) if "F" in x.flags and x.src[0] != fw.ip)
    after = [x for x in mine[peer_fin + 1:] if x.src[0] == fw.ip and x.len > 0]
    assert after, "no echo data left finwait after the peer's FIN:\n" + eu.exchange(mine[-10:])


@pytest.mark.fw_timeout(30)
def test_linger_zero_rst_from_linux(fw, request):
    """SO_LINGER {1, 0}: Linux's close sends RST; finwait's TCB goes at once
    (RFC 9293 3.10.7.4, in-window exact RST) and the RST is counted."""
    before = eu.tcp_stats(fw)
    mark = fw.console.mark()
    s = eu.peer_connect(fw, eu.ECHO)
    s.settimeout(5)
    me = _local(s)
    s.sendall(b"abc")
    assert eu.recv_all(s, 3) == b"abc"
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    eu.wait_state_log(fw, mark, me, "ESTABLISHED", "CLOSED")
    assert eu.tcb_for(fw, me) is None and eu.tw_for(fw, me) is None
    after = eu.tcp_stats(fw)
    assert after["tcp.rst_rcvd"] - before["tcp.rst_rcvd"] == 1, after
    assert after["echo.reset"] - before["echo.reset"] == 1, after
    pcap, segs = eu.save_ladder(fw, request, f"{me}-{fw.ip}:{eu.ECHO}")
    port = int(me.split(':')[1])
    mine = [x for x in segs if port in (x.src[1], x.dst[1])]
    assert "R" in mine[-1].flags and mine[-1].src[0] == eu.fh.PEER_IP, eu.exchange(mine)


@pytest.mark.fw_timeout(30)
def test_finwait_active_open_and_close(fw, request):
    """Console client against a Linux listener: finwait opens (SYN_SENT ->
    ESTABLISHED), data both ways, finwait closes first (FIN_WAIT_1 ->
    FIN_WAIT_2 -> TIME_WAIT) and Linux's socket ends CLOSED, not in
    TIME_WAIT."""
    fw.cmd("set msl 500")
    lst = eu.peer_listener(fw)
    lport = lst.getsockname()[1]
    remote = f"{eu.fh.PEER_IP}:{lport}"
    mark = fw.console.mark()
    out = fw.cmd(f"connect {eu.fh.PEER_IP} {lport}")
    m = re.search(r"^conn (\d+)$", out, re.M)
    assert m, out
    cid = m.group(1)
    a, _ = lst.accept()
    a.settimeout(5)
    fw.wait_for(rf"connected {cid}\b")
    a.sendall(b"hello finwait")
    fw.wait_for(rf"recv {cid} 13 hello finwait")
    fw.cmd(f"send {cid} ping from the board")
    assert eu.recv_all(a, 19) == b"ping from the board"
    conns = fw.records("conns")
    assert conns[f"client.{cid}"]["state"] == "ESTABLISHED", conns
    mine_fw = conns[f"client.{cid}"]["local"]
    fw.cmd(f"close {cid}")
    assert eu.recv_all(a) == b""          # finwait's FIN
    a.close()
    eu.wait_state_log(fw, mark, remote, "FIN_WAIT_2", "TIME_WAIT")
    assert eu.tw_for(fw, remote) is not None
    eu.wait_until(lambda: eu.ss_state(fw, remote, mine_fw) is None, 3,
                  "Linux's socket to close")
    lst.close()
    log = [(f, t) for f, t, _ in eu.state_log(fw, mark, remote)]
    assert log[:2] == [("CLOSED", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED")], log
    assert ("ESTABLISHED", "FIN_WAIT_1") in log and ("FIN_WAIT_1", "FIN_WAIT_2") in log, log
    eu.wait_until(lambda: eu.tw_for(fw, remote) is None, 3, "TIME_WAIT to expire")
    pcap, segs = eu.save_ladder(fw, request)
    mine = [x for x in segs if lport in (x.src[1], x.dst[1])]
    fins = [x for x in mine if "F" in x.flags]
    assert [x.src[0] for x in fins] == [fw.ip, eu.fh.PEER_IP], eu.exchange(mine)
    assert [x for x in mine if "S" in x.flags][0].src[0] == fw.ip


@pytest.mark.fw_timeout(60)
def test_discard_256k_then_close(fw, request):
    """RFC 863 discard: 256 KiB swallowed with the window kept open, nothing
    sent back; Linux's FIN is answered with finwait's (passive close)."""
    data = os.urandom(256 << 10)
    before = eu.tcp_stats(fw)
    mark = fw.console.mark()
    s = eu.peer_connect(fw, eu.DISCARD)
    s.settimeout(30)
    me = _local(s)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    assert eu.recv_all(s) == b""
    s.close()
    eu.wait_state_log(fw, mark, me, "LAST_ACK", "CLOSED")
    after = eu.tcp_stats(fw)
    assert after["discard.bytes"] - before["discard.bytes"] == len(data)
    assert after["discard.closed"] - before["discard.closed"] == 1
    assert after["tcp.drop_rcvq_full"] == before["tcp.drop_rcvq_full"], after
    eu.save_ladder(fw, request, f"{me}-{fw.ip}:{eu.DISCARD}")


@pytest.mark.fw_timeout(30)
def test_echo_table_full_is_refused_and_counted(fw):
    """One connection more than FW_SVC_ECHO_CONNS: accept_cb refuses it, the
    engine resets it (Linux sees ECONNRESET), both counters move; the
    others still echo."""
    before = eu.tcp_stats(fw)
    limit = int(fw.records("stats")["echo"]["max"])
    socks = [eu.peer_connect(fw, eu.ECHO) for _ in range(limit)]
    try:
        for i, s in enumerate(socks):
            s.settimeout(5)
            s.sendall(b"x%d" % i)
            assert eu.recv_all(s, len(b"x%d" % i)) == b"x%d" % i
        # The engine resets the connection right after the handshake; the
        # RST can reach Linux before connect() has returned, so the reset
        # may surface there or on the first send/recv.
        extra = None
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            extra = eu.peer_connect(fw, eu.ECHO)
            extra.settimeout(5)
            extra.sendall(b"y")
            extra.recv(1)
            extra.sendall(b"y")
        if extra is not None:
            extra.close()
        after = eu.tcp_stats(fw)
        assert after["echo.refused"] - before["echo.refused"] == 1, after
        assert after["tcp.accept_refused"] - before["tcp.accept_refused"] == 1, after
        socks[0].sendall(b"still")
        assert eu.recv_all(socks[0], 5) == b"still"
    finally:
        for s in socks:
            s.close()
    eu.wait_until(lambda: int(fw.records("stats")["echo"]["open"]) == 0, 5,
                  "every echo slot to be free")


def _client_open(fw, lst):
    """`connect` to the Linux listener: (id, accepted Linux socket, remote)."""
    lport = lst.getsockname()[1]
    out = fw.cmd(f"connect {eu.fh.PEER_IP} {lport}")
    m = re.search(r"^conn (\d+)$", out, re.M)
    assert m, out
    a, _ = lst.accept()
    a.settimeout(5)
    fw.wait_for(rf"connected {m.group(1)}\b")
    return m.group(1), a, f"{eu.fh.PEER_IP}:{lport}"


@pytest.mark.fw_timeout(30)
def test_client_shutdown_keeps_receiving(fw, request):
    """`shutdown ID`: finwait's FIN, then FIN_WAIT_2 still takes Linux's
    data (RFC 9293 3.6 half-close); Linux's FIN: `eof`, TIME_WAIT and
    `closed ID` (a normal end, not an error)."""
    fw.cmd("set msl 500")
    lst = eu.peer_listener(fw)
    mark = fw.console.mark()
    cid, a, remote = _client_open(fw, lst)
    fw.cmd(f"shutdown {cid}")
    assert eu.recv_all(a) == b""                   # finwait's FIN
    eu.wait_state_log(fw, mark, remote, "FIN_WAIT_1", "FIN_WAIT_2")
    a.sendall(b"after your FIN")
    fw.wait_for(rf"recv {cid} 14 after your FIN")
    assert fw.records("conns")[f"client.{cid}"]["state"] == "FIN_WAIT_2"
    a.close()
    fw.wait_for(rf"eof {cid}\b")
    fw.wait_for(rf"closed {cid}\b")
    eu.wait_state_log(fw, mark, remote, "FIN_WAIT_2", "TIME_WAIT")
    assert f"client.{cid}" not in fw.records("conns")
    lst.close()
    eu.save_ladder(fw, request)


@pytest.mark.fw_timeout(30)
def test_client_abort_sends_rst(fw, request):
    """`abort ID`: RST at once (RFC 9293 3.10.5 ABORT), no TIME_WAIT;
    Linux's next read fails with ECONNRESET."""
    lst = eu.peer_listener(fw)
    mark = fw.console.mark()
    cid, a, remote = _client_open(fw, lst)
    fw.cmd(f"abort {cid}")
    with pytest.raises(ConnectionResetError):
        a.recv(1)
    a.close()
    lst.close()
    assert eu.tcb_for(fw, remote) is None and eu.tw_for(fw, remote) is None
    assert ("ESTABLISHED", "CLOSED") in [(f, t) for f, t, _ in eu.state_log(fw, mark, remote)]
    _, segs = eu.save_ladder(fw, request)
    assert segs[-1].src[0] == fw.ip and "R" in segs[-1].flags, eu.exchange(segs)


@pytest.mark.fw_timeout(30)
def test_client_table_full_and_bad_arguments(fw):
    """FW_SVC_CLIENT_CONNS connections, then one more: refused with an
    error and counted; wrong arguments print usage; unknown IDs an error."""
    lst = eu.peer_listener(fw)
    before = eu.tcp_stats(fw)
    limit = int(fw.records("conns")["clients"]["max"])
    opened = [_client_open(fw, lst) for _ in range(limit)]
    try:
        out = fw.cmd(f"connect {eu.fh.PEER_IP} {lst.getsockname()[1]}")
        assert out.startswith("error: all"), out
        assert eu.tcp_stats(fw)["client.table_full"] - before["client.table_full"] == 1
        assert fw.records("conns")["clients"]["used"] == str(limit)
    finally:
        for cid, a, _ in opened:
            fw.cmd(f"abort {cid}")
            a.close()
        lst.close()
    assert fw.cmd("connect 192.0.2.1").startswith("usage: connect")
    assert fw.cmd("connect 192.0.2.1 0").startswith("usage: connect")
    assert fw.cmd("connect 192.0.2.x 80").startswith("usage: connect")
    assert fw.cmd("send 0").startswith("usage: send")
    assert fw.cmd("close 9") == "error: no client connection '9'"
    assert fw.records("conns")["clients"]["used"] == "0"
