"""lwIP's lwiperf (lwIP's lwiperf.c, unchanged, on lwIP's raw TCP API:
port/lwip/tcp_fw.c over the altcp layer over finwait) as the iperf 2
server on port 5001, with Debian's iperf 2 in the namespace as the client.
"""

import re
import socket
import struct
import subprocess
import time

import pytest

import e2e_util as eu

pytestmark = pytest.mark.needs_qemu

IPERF = 5001
REPORT_RE = r"iperf report type=(\d+) bytes=(\d+) ms=(\d+) kbps=(\d+)"
# lwiperf.h's enum lwiperf_report_type
DONE_SERVER, ABORTED_REMOTE = 0, 5


def _pools(fw) -> tuple[int, int, int]:
    st = fw.stats()
    return (int(st["heap"]["used"]), int(st["memp.ALTCP_PCB"]["used"]), int(st["tcp"]["tcb_in_use"]))


def _wait_report(fw, mark: int, timeout: float = 10.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while True:
        rep = re.search(REPORT_RE, fw.console.text_since(mark))
        if rep or time.monotonic() > deadline:
            assert rep, fw.console.text_since(mark)[-500:]
            return rep
        time.sleep(0.1)


@pytest.mark.fw_timeout(60)
def test_lwiperf_server_against_iperf2_client(fw):
    """iperf -c device -t 5: completes, a sane rate on both ends, and the
    device's report counts what the client sent."""
    mark = fw.console.mark()
    r = fw.run(["iperf", "-c", fw.ip, "-p", str(IPERF), "-t", "5", "-f", "k"], timeout=40)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"([\d.]+) KBytes\s+([\d.]+) Kbits/sec", r.stdout)
    assert m, r.stdout
    client_kbps = float(m.group(2))
    assert client_kbps > 100, r.stdout
    deadline = time.monotonic() + 10
    while True:
        rep = re.search(r"iperf report type=\d+ bytes=(\d+) ms=(\d+) kbps=(\d+)",
                        fw.console.text_since(mark))
        if rep or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rep, fw.console.text_since(mark)[-500:]
    bytes_, ms, kbps = (int(x) for x in rep.groups())
    assert bytes_ > 0 and 4000 <= ms <= 8000 and kbps > 100, rep.group(0)
    print(f"\nlwiperf: client {client_kbps:.0f} kbit/s, device {kbps} kbit/s over {ms} ms")
    eu.wait_until(lambda: int(fw.records("apps")["altcp"]["in_use"]) == 2, 5,
                  "only the listeners' altcp connections (httpd, lwiperf)")


def console_client(fw, server_ip: str, *iperf_opts: str) -> tuple[int, float]:
    """`iperf SERVER_IP` on the console against `iperf -s` bound to it in
    the namespace: lwIP's fixed 10 s, both ends report a sane rate;
    returns (device kbit/s, server kbit/s)."""
    srv = fw.popen(["iperf", "-s", *iperf_opts, "-B", server_ip, "-p", str(IPERF), "-f", "k"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(0.5)
        mark = fw.console.mark()
        out = fw.cmd(f"iperf {server_ip}")
        assert "iperf started" in out, out
        deadline = time.monotonic() + 25
        rep = None
        while rep is None and time.monotonic() < deadline:
            rep = re.search(r"iperf report type=\d+ bytes=(\d+) ms=(\d+) kbps=(\d+)",
                            fw.console.text_since(mark))
            time.sleep(0.2)
        assert rep, fw.console.text_since(mark)[-500:]
        bytes_, ms, kbps = (int(x) for x in rep.groups())
        assert bytes_ > 0 and 9000 <= ms <= 12000 and kbps > 100, rep.group(0)
    finally:
        srv.terminate()
        text = srv.communicate(timeout=10)[0]
    m = re.search(r"([\d.]+) KBytes\s+([\d.]+) Kbits/sec", text)
    assert m and float(m.group(2)) > 100, text
    return kbps, float(m.group(2))


@pytest.mark.fw_timeout(60)
def test_lwiperf_client_from_the_console_to_iperf2_server(fw):
    """`iperf IP` on the console: lwiperf sends to `iperf -s` in the
    namespace for its fixed 10 s; both ends report a sane rate."""
    kbps, srv_kbps = console_client(fw, eu.fh.PEER_IP)
    print(f"\nlwiperf client: device {kbps} kbit/s, iperf server {srv_kbps:.0f} kbit/s")


@pytest.mark.fw_timeout(60)
def test_lwiperf_peer_reset_mid_test_then_served_again(fw):
    """A client speaking iperf 2 (its 24-byte header: no dual test, 5 s)
    sends for a second, then resets (close with SO_LINGER 0: RST).
    lwiperf reports the test aborted by the remote end (type 5) from its
    err callback, which calls tcp_close() on the pcb the stack has already
    freed (lwiperf 2.1.3): the raw facade takes it as a no-op. The next
    `iperf -c` is served as before (type 0, a sane rate), and the heap,
    the altcp pool and the TCBs are back where they were."""
    base = _pools(fw)
    resets = eu.tcp_stats(fw)["tcp.resets"]
    mark = fw.console.mark()
    s = eu.peer_connect(fw, IPERF)
    try:
        # iperf 2's client header: flags, threads, port, buffer length,
        # window/bandwidth, amount (negative: hundredths of a second)
        s.sendall(struct.pack("!iiiiii", 0, 1, IPERF, 0, 0, -500))
        chunk = b"0123456789" * 146
        sent, end = 0, time.monotonic() + 1.0
        while time.monotonic() < end:
            s.sendall(chunk)
            sent += len(chunk)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        s.close()
    rep = _wait_report(fw, mark)
    assert int(rep.group(1)) == ABORTED_REMOTE, rep.group(0)
    assert 0 < int(rep.group(2)) <= sent + 24, (rep.group(0), sent)
    assert eu.tcp_stats(fw)["tcp.resets"] == resets + 1
    eu.wait_until(lambda: _pools(fw) == base, 5, f"heap, altcp pool and TCBs back to {base}")

    mark = fw.console.mark()
    r = fw.run(["iperf", "-c", fw.ip, "-p", str(IPERF), "-t", "2", "-f", "k"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"([\d.]+) KBytes\s+([\d.]+) Kbits/sec", r.stdout)
    assert m and float(m.group(2)) > 100, r.stdout
    rep = _wait_report(fw, mark)
    assert int(rep.group(1)) == DONE_SERVER and int(rep.group(4)) > 100, rep.group(0)
    eu.wait_until(lambda: _pools(fw) == base, 5, f"heap, altcp pool and TCBs back to {base}")
    print(f"\nlwiperf: reset after {sent} bytes reported as aborted; the next run "
          f"{rep.group(4)} kbit/s; pools back to {base}")
