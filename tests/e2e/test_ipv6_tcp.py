"""TCP over IPv6 beside IPv4: a quick smoke test of the dual-stack engine.

The namespace's tap gets 2001:db8::1/64 from test_ipv6.py's `ip6`
fixture; the firmware answers on [2001:db8::2] as on 192.0.2.2 because
its listeners take any local address of either family.
"""

import ipaddress
import re
import socket
import threading
import time

import pytest

import e2e_util as eu
from test_ipv6 import FW_IP6, PEER_IP6, ip6, wait_preferred  # noqa: F401  (ip6 is a fixture)

pytestmark = pytest.mark.needs_qemu


@pytest.mark.fw_timeout(60)
def test_daytime_over_ipv6_leaves_ipv6_time_wait_entry(fw, ip6):
    """daytime (13) over IPv6: one line, then the firmware closes first,
    so its side of the connection is an IPv6 TIME_WAIT entry that
    `netstat -m` shows as [2001:db8::2]:13 -> [2001:db8::1]:port and
    tcp.tw6 counts; IPv4 daytime answers beside it."""
    wait_preferred(fw, [ipaddress.IPv6Address(FW_IP6)])
    fw.cmd("set msl 2000")
    try:
        _daytime_over_ipv6(fw)
    finally:
        fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")


def _daytime_over_ipv6(fw):
    with eu.netns(fw.ns_name):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((FW_IP6, eu.DAYTIME))
    sport = s.getsockname()[1]
    got = eu.recv_all(s)
    s.close()
    assert got.endswith(b"\r\n") and len(got) > 2, got
    remote = f"[{PEER_IP6}]:{sport}"
    tw = eu.wait_until(lambda: eu.tw_for(fw, remote), 5, f"a TIME_WAIT entry for {remote}")
    assert tw["local"] == f"[{FW_IP6}]:{eu.DAYTIME}", tw
    st = eu.tcp_stats(fw)
    assert st["tcp.tw6.entered"] >= 1 and st["tcp.tw6.in_use"] >= 1, st
    assert st["tcp.tw6.bytes_per_entry"] == 40, st
    c = eu.peer_connect(fw, eu.DAYTIME)
    assert eu.recv_all(c).endswith(b"\r\n")
    c.close()
    # 2MSL from entering: the entry goes
    eu.wait_until(lambda: eu.tw_for(fw, remote) is None, 15, f"{remote}'s entry expired")


@pytest.mark.fw_timeout(60)
def test_console_connect_over_ipv6(fw, ip6):
    """`connect 2001:db8::1 PORT` opens from the firmware's IPv6 address
    to a listener in the namespace; `send` reaches it, `conns` shows the
    bracketed endpoints, `close` ends it with the peer seeing EOF."""
    wait_preferred(fw, [ipaddress.IPv6Address(FW_IP6)])
    with eu.netns(fw.ns_name):
        srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((PEER_IP6, 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]
    result: dict = {}

    def serve():
        try:
            conn, addr = srv.accept()
            result["addr"] = addr
            conn.settimeout(10)
            result["data"] = eu.recv_all(conn)
            conn.close()
        except OSError as e:
            result["error"] = e

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    out = fw.cmd(f"connect {PEER_IP6} {port}")
    m = re.search(r"^conn (\d+)", out, re.M)
    assert m, f"connect refused: {out}"
    cid = m.group(1)
    fw.wait_for(rf"connected {cid}\b", 10)
    conns = fw.cmd("conns")
    assert f"remote=[{PEER_IP6}]:{port}" in conns and f"local=[{FW_IP6}]:" in conns, conns
    assert fw.cmd(f"send {cid} hello over six") == ""
    time.sleep(0.2)
    assert fw.cmd(f"close {cid}") == ""
    t.join(10)
    srv.close()
    assert "error" not in result, result
    assert result["addr"][0] == FW_IP6, result
    assert result["data"] == b"hello over six", result
