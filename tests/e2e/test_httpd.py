"""lwIP's own httpd (lwIP's httpd.c and its built-in fsdata.c pages, not
one line changed) on finwait's TCP through lwIP's altcp API
(port/lwip/altcp_fw.c), port 80, with curl in the test namespace as the
client.

What each page should be comes from lwIP's fsdata.c itself: every file
there is its name, then the HTTP header makefsdata wrote, then the body.
httpd speaks HTTP/1.0 and closes first after every response, so every
request leaves a TIME_WAIT entry on the device, the compact one.
"""

import os
import re
import signal
import subprocess
import time

import pytest

import e2e_util as eu
import fwharness as fh

pytestmark = pytest.mark.needs_qemu

HTTP = 80
FSDATA = eu.REPO / "build" / "lwip" / "lwip-2.1.3" / "src" / "apps" / "http" / "fsdata.c"


def fsdata_file(name: str) -> tuple[bytes, bytes]:
    """(header, body) of `name` ("/index.html") as fsdata.c holds it."""
    text = FSDATA.read_text()
    var = "data_" + re.sub(r"[^A-Za-z0-9]", "_", name)
    m = re.search(rf"\b{var}\[\][^{{]*{{(.*?)}};", text, re.S)
    assert m, f"{var} not in {FSDATA}"
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    data = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{2})", body))
    nul = data.index(b"\0")
    assert data[:nul].decode() == name
    # the name is padded to its alignment with NULs (FSDATA_FILE_ALIGNMENT)
    rest = data[nul:].lstrip(b"\0")
    header, sep, payload = rest.partition(b"\r\n\r\n")
    assert sep, f"{name}: no header in fsdata.c"
    return header + sep, payload


def curl(fw, tmp_path, path: str, *extra: str) -> tuple[int, bytes]:
    """GET http://device/path with curl in the namespace: (status, body)."""
    out = tmp_path / "body"
    r = fw.run(["curl", "-s", "-S", "--max-time", "10", "-o", str(out), "-w", "%{http_code}",
                *extra, f"http://{fw.ip}:{HTTP}{path}"], timeout=20)
    assert r.returncode == 0, (r.returncode, r.stderr)
    return int(r.stdout.strip()), out.read_bytes()


def test_httpd_index_is_fsdata_index_html(fw, tmp_path):
    """GET / returns fsdata.c's index.html, byte for byte, status 200."""
    _, want = fsdata_file("/index.html")
    code, body = curl(fw, tmp_path, "/")
    assert code == 200
    assert body == want, (len(body), len(want))


def test_httpd_missing_page_is_404_html(fw, tmp_path):
    """A page that does not exist gets fsdata.c's 404.html, status 404."""
    _, want = fsdata_file("/404.html")
    code, body = curl(fw, tmp_path, "/no/such/page.html")
    assert code == 404
    assert body == want


def test_httpd_device_closes_first_into_time_wait(fw):
    """HTTP/1.0: the device closes first, so the TIME_WAIT entry is the
    device's (netstat -m), and nothing else of the connection is left:
    no TCB, no altcp connection (only httpd's listener)."""
    s = eu.peer_connect(fw, HTTP)
    me = "%s:%d" % s.getsockname()
    try:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        s.settimeout(10)
        reply = eu.recv_all(s)      # until the device's FIN
    finally:
        s.close()
    assert reply.startswith(b"HTTP/1.0 200 OK"), reply[:64]
    tw = eu.wait_until(lambda: eu.tw_for(fw, me), 5, f"a TIME_WAIT entry for {me}")
    assert tw.get("local") == f"{fw.ip}:{HTTP}", tw
    assert eu.tcb_for(fw, me) is None, "a TCB outlived the close"
    altcp = fw.records("apps")["altcp"]
    assert int(altcp["in_use"]) == 2, altcp   # the listeners: httpd, lwiperf


@pytest.mark.fw_timeout(60)
def test_httpd_idle_connection_closed_by_its_poll(fw):
    """A client that sends nothing: httpd counts HTTPD_MAX_RETRIES (4) polls
    of HTTPD_POLL_INTERVAL (4 slow-timer ticks of 500 ms), then closes,
    about 8 s after the accept. Without the altcp layer's poll tick it
    would wait forever."""
    s = eu.peer_connect(fw, HTTP)
    me = "%s:%d" % s.getsockname()
    t0 = time.monotonic()
    try:
        s.settimeout(20)
        assert s.recv(100) == b""          # the device's FIN, no data
        waited = time.monotonic() - t0
    finally:
        s.close()
    assert 6.0 <= waited <= 12.0, waited
    eu.wait_until(lambda: eu.tw_for(fw, me), 5, f"the device's TIME_WAIT for {me}")


def test_httpd_same_client_port_five_times(fw, tmp_path):
    """curl --local-port P five times in a row: each SYN lands on the
    device's TIME_WAIT entry of the connection before and opens a new
    incarnation (RFC 1122 4.2.2.13), so all five get the page."""
    port = 40000 + os.getpid() % 20000
    _, want = fsdata_file("/index.html")
    before = eu.tcp_stats(fw)
    for i in range(5):
        code, body = curl(fw, tmp_path, "/", "--local-port", str(port))
        assert (code, body == want) == (200, True), f"request {i}: {code}"
    after = eu.tcp_stats(fw)
    assert after["tcp.tw.reused"] - before["tcp.tw.reused"] == 4, after


@pytest.mark.fw_timeout(300)
def test_httpd_under_load_ab(fw):
    """ab -n 2000 -c 8, HTTP/1.0 (ab's default): every request answered
    with 200, each connection closed first by the device (TIME_WAIT
    entered once per request, no orphan reset for room or past
    orphan-max), and the device answers ping throughout.

    Eight at once fit because listeners take no TCB (a table of their
    own): the nine TCBs are all connections, and orphan-max (TCB count - 1)
    lets every request's orphan (httpd closed, the client's FIN not yet
    in) finish. When listeners held TCBs (five of ten), -c 8 made ab give
    up after 1667 requests with 639 orphans reset for room."""
    n, c = 2000, 8
    before = eu.tcp_stats(fw)
    pinger = fw.popen(["ping", "-n", "-q", "-i", "0.2", "-W", "2", fw.ip],
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        r = eu.ab(fw, "/", n, c)
    finally:
        pinger.send_signal(signal.SIGINT)
        ping_out = pinger.communicate(timeout=10)[0]
    after = eu.tcp_stats(fw)
    moved = {k: after[k] - before.get(k, 0) for k in after
             if k.split(".")[-1] in ("orphan_limit_resets", "evict_orphan", "evict_syn_rcvd",
                                     "syn_no_tcb", "syn_backlog_full", "entered", "recycled")}
    print(f"\nhttpd under ab -n {n} -c {c}: {r['rate']} requests/s; {moved}")
    assert r["rc"] == 0, r["text"]
    assert (r["complete"], r["failed"], r["non2xx"]) == (n, 0, 0), r["text"]
    assert moved["tcp.tw.entered"] == n, moved
    assert moved["tcp.orphan_limit_resets"] == 0 and moved["tcp.evict_orphan"] == 0, moved
    m = re.search(r"(\d+) packets transmitted, (\d+) received", ping_out)
    assert m and int(m.group(1)) > 0 and int(m.group(2)) >= int(m.group(1)) - 1, ping_out
    altcp = fw.records("apps")["altcp"]
    assert int(altcp["in_use"]) == 2, altcp     # the listeners (httpd, lwiperf): nothing leaked


def test_httpd_status_page_matches_the_console(fw, tmp_path):
    """/status.txt, finwait's page for httpd: key=value records that parse,
    and its TIME_WAIT count is the console's (`stats` tcp.tw in_use, the
    count netstat lists), less the status request's own connection, which
    enters TIME_WAIT after the page was made (unless the table is full).
    Retried when an entry expires in between."""
    for _ in range(3):
        code, body = curl(fw, tmp_path, "/status.txt")
        in_use = eu.tcp_stats(fw)["tcp.tw.in_use"]
        assert code == 200, code
        recs = fh.parse_records(body.decode())
        tw, cap = int(recs["tcp"]["time_wait"]), int(recs["tcp"]["tw_capacity"])
        listed = sum(1 for line in body.decode().splitlines() if line.startswith("tw: "))
        shown = recs["tw.listed"]
        assert listed == int(shown["shown"]), body
        assert int(shown["shown"]) + int(shown["more"]) == tw, recs
        if min(tw + 1, cap) == in_use:
            break
    else:
        raise AssertionError(f"status says {tw} in TIME_WAIT, the console {in_use}")
    assert any(line.startswith("tcb: ") and "state=LISTEN" in line and f":{HTTP} " in line
               for line in body.decode().splitlines()), body
