"""The lwIP baseline firmware (make FW_TCP=lwip) passes the same
echo and daytime exchanges as finwait: the benchmarks compare against it,
and a broken baseline proves nothing.

It boots build/<machine>-lwip/firmware.elf (FINWAIT_LWIP_ELF overrides)
in its own QEMU on the suite's namespace; the Linux kernel in the namespace
is the client (bench/tools/peer.py).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import fwharness as fh

REPO = Path(__file__).resolve().parents[2]
PEER = REPO / "bench" / "tools" / "peer.py"
ARTIFACTS = REPO / "build" / "e2e"

pytestmark = pytest.mark.needs_qemu


@pytest.fixture(scope="module")
def lwip_fw(request, netns):
    elf = Path(os.environ.get("FINWAIT_LWIP_ELF",
                              REPO / "build" / f"{fh.MACHINE}-lwip" / "firmware.elf"))
    if not elf.is_file():
        pytest.fail(f"{elf} missing: make FW_TCP=lwip (make e2e builds it)")
    shared = getattr(request.session, "fw_shared", None)
    if shared is not None:
        shared.stop()   # one QEMU on the tap at a time; `fw` reboots it later
    fw = fh.QemuFirmware(netns, elf, ARTIFACTS, "test_lwip_baseline")
    request.addfinalizer(fw.stop)
    fw.boot()
    return fw


def _peer(fw, *args: str, timeout: float = 60.0) -> dict:
    r = fw.run(["/usr/bin/python3", str(PEER), *args, fw.ip], timeout=timeout)
    try:
        out = json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise AssertionError(f"peer.py {args}: {r.stdout}{r.stderr}") from None
    assert out.get("ok"), f"peer.py {args}: {out}"
    return out


def test_baseline_boots(lwip_fw):
    assert re.search(rf"^finwait .* on {re.escape(lwip_fw.board)}$", lwip_fw.boot_log, re.M), \
        lwip_fw.boot_log
    sent, received, out = lwip_fw.ping(2, wait_s=2)
    assert received == sent, out


def test_baseline_echo(lwip_fw):
    """RFC 862: 64 KiB come back unchanged; the client closes first."""
    out = _peer(lwip_fw, "echo", "--bytes", str(64 * 1024))
    assert out["bytes"] == 64 * 1024


def test_baseline_daytime(lwip_fw):
    """RFC 867: one line, then the server's FIN (it closes first), three
    times in a row (the first two sit in lwIP's TIME_WAIT meanwhile)."""
    out = _peer(lwip_fw, "daytime", "--count", "3")
    for line in out["lines"]:
        assert re.fullmatch(r"[ -~]+\r\n", line), out["lines"]


def test_baseline_discard(lwip_fw):
    """RFC 863: 64 KiB taken, nothing sent back, FIN after our half-close."""
    _peer(lwip_fw, "discard", "--bytes", str(64 * 1024))


def test_baseline_stats(lwip_fw):
    """The services counted every connection and no failure."""
    rec = lwip_fw.stats()
    assert fh.record_int(rec, "lwipsvc", "accepted") >= 5
    for k in ("echo_no_slot", "listen_err", "conn_err"):
        assert fh.record_int(rec, "lwipsvc", k) == 0, rec["lwipsvc"]


def test_baseline_httpd_under_ab(lwip_fw):
    """lwIP's httpd on lwIP's TCP under the load finwait's gets
    (test_httpd.py::test_httpd_under_load_ab): the same build of httpd."""
    import e2e_util as eu
    r = eu.ab(lwip_fw, "/", 2000, 4)
    print(f"\nlwIP baseline httpd under ab -n 2000 -c 4: {r['rate']} requests/s")
    assert r["rc"] == 0, r["text"]
    assert (r["complete"], r["failed"], r["non2xx"]) == (2000, 0, 0), r["text"]

