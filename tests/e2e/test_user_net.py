"""QEMU's user-mode network (slirp, a BSD-derived TCP) as finwait's peer:
the echo and daytime exchanges of test_linux_peer.py, through host forwards on 127.0.0.1 as `make run` users reach the board.

No namespace here: QEMU runs in the host's network namespace with its own
`-netdev user` (net 192.0.2.0/24, as in the Makefile's run target) and
forwards from free loopback ports, so runs never clash. The firmware-side
pcap comes from the same filter-dump as the tap tests.
"""

import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

import e2e_util as eu
import fwharness as fh

pytestmark = pytest.mark.needs_qemu


class _HostSide:
    """Stands in for fwharness.Namespace: QEMU runs in the host's namespace."""

    tap = None

    def __init__(self) -> None:
        self.name = f"fwuser-{os.getpid()}"

    def popen(self, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.Popen(argv, preexec_fn=fh._die_with_parent, **kw)

    def run(self, argv, check=False, timeout=60.0, **kw):
        return fh._sh(argv, check=check, timeout=timeout, **kw)


class UserNetFirmware(fh.QemuFirmware):
    """The firmware with `-netdev user` and host forwards {guest: host}."""

    def __init__(self, elf: Path, name: str, fwd: dict[int, int]) -> None:
        super().__init__(_HostSide(), elf, eu.ARTIFACTS, name)
        self.ns_name = None
        self.fwd = fwd

    def qemu_argv(self) -> list[str]:
        argv = super().qemu_argv()
        hostfwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-{self.ip}:{g}"
                           for g, h in self.fwd.items())
        i = argv.index("-netdev")
        argv[i + 1] = ("user,id=n0,net=192.0.2.0/24,host=192.0.2.1,"
                       f"dhcpstart=192.0.2.100,{hostfwd}")
        return argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ufw(request):
    if request.config.getoption("--target") != "qemu":
        pytest.skip("user-mode networking needs QEMU")
    fwd = {eu.ECHO: _free_port(), eu.DAYTIME: _free_port()}
    fw = UserNetFirmware(Path(request.config.getoption("--fw-elf")), "test_user_net", fwd)
    request.addfinalizer(fw.stop)
    fw.boot()
    fw.cmd("log tcp on")
    return fw


@pytest.fixture
def ufw_pcap(request, ufw):
    """Per-test pcap, kept only when the test fails (as conftest does)."""
    pcap = eu.ARTIFACTS / f"test_user_net.{request.node.name}.pcap"
    ufw.start_capture(pcap)
    yield ufw
    ufw.stop_capture()
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed and not request.config.getoption("--keep-artifacts"):
        pcap.unlink(missing_ok=True)
    ufw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")


def _remote_of(ufw, mark, frm, to, timeout=5.0):
    """The remote end (slirp's side) of the connection that logged frm -> to."""
    rx = re.compile(rf"\btcb \d+ (\S+) {frm} -> {to} ")
    deadline = time.monotonic() + timeout
    while True:
        m = rx.search(ufw.console.text_since(mark))
        if m:
            return m.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no {frm} -> {to} logged:\n{ufw.console.text_since(mark)}")
        time.sleep(0.05)


@pytest.mark.fw_timeout(90)
def test_echo_1mib_through_hostfwd(ufw_pcap, request):
    """1 MiB through slirp's forward; the host closes first, so finwait
    does the passive close (CLOSE_WAIT -> LAST_ACK -> CLOSED)."""
    fw = ufw_pcap
    data = os.urandom(1 << 20)
    mark = fw.console.mark()
    s = socket.create_connection(("127.0.0.1", fw.fwd[eu.ECHO]), timeout=30)
    t = threading.Thread(target=s.sendall, args=(data,))
    t.start()
    got = eu.recv_all(s, len(data))
    t.join(30)
    assert len(got) == len(data) and eu.sha(got) == eu.sha(data)
    s.close()
    remote = _remote_of(fw, mark, "ESTABLISHED", "CLOSE_WAIT")
    log = eu.wait_state_log(fw, mark, remote, "LAST_ACK", "CLOSED")
    assert [(f, to) for f, to, _ in log][-3:] == [
        ("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSED")], log
    assert eu.tcb_for(fw, remote) is None
    _, segs = eu.save_ladder(fw, request, f"{remote}-{fw.ip}:{eu.ECHO}")
    mine = [x for x in segs if f"{x.src[0]}:{x.src[1]}" == remote
            or f"{x.dst[0]}:{x.dst[1]}" == remote]
    assert [x.src[0] == fw.ip for x in mine if "F" in x.flags] == [False, True], \
        eu.exchange(mine[-8:])
    assert not any("R" in x.flags for x in mine), eu.exchange(mine[-8:])


@pytest.mark.fw_timeout(30)
def test_daytime_through_hostfwd(ufw_pcap, request):
    """finwait closes first (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT), slirp
    follows when the host socket closes; the entry ends at 2MSL = 1 s."""
    fw = ufw_pcap
    fw.cmd("set msl 500")
    mark = fw.console.mark()
    s = socket.create_connection(("127.0.0.1", fw.fwd[eu.DAYTIME]), timeout=5)
    line = eu.recv_all(s)
    assert line.startswith(b"finwait uptime ") and line.endswith(b"\r\n"), line
    s.close()
    remote = _remote_of(fw, mark, "FIN_WAIT_2", "TIME_WAIT")
    tw = eu.tw_for(fw, remote)
    assert tw is not None and 0 < int(tw["left_ms"]) <= 1000, eu.netstat(fw)
    eu.wait_until(lambda: eu.tw_for(fw, remote) is None, 3, "TIME_WAIT to expire")
    log = [(f, to) for f, to, _ in eu.state_log(fw, mark, remote)]
    assert ("ESTABLISHED", "FIN_WAIT_1") in log and ("FIN_WAIT_1", "FIN_WAIT_2") in log, log
    _, segs = eu.save_ladder(fw, request, f"{remote}-{fw.ip}:{eu.DAYTIME}")
    mine = [x for x in segs if f"{x.src[0]}:{x.src[1]}" == remote
            or f"{x.dst[0]}:{x.dst[1]}" == remote]
    assert [x.src[0] == fw.ip for x in mine if "F" in x.flags] == [True, False], \
        eu.exchange(mine)
