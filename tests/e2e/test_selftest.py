"""The netduinoplus2 loopback teardown self-test, in QEMU.

The firmware (bsp/stm32f4/boards/netduinoplus2/board.mk builds it with FW_SELFTEST) runs
two ends of finwait's TCP over lwIP's loopback at boot and prints one line
per case, `selftest CASE: PASS detail` or `... FAIL detail`, then
`selftest: N passed, M failed` (tests/target/selftest.c). This test boots it,
reads the console and checks every line. It needs neither root nor the
network namespace: QEMU gets no network device at all, so it runs wherever
qemu-system-arm is installed.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ELF = REPO / "build" / "netduinoplus2" / "firmware.elf"
LOG = REPO / "build" / "e2e" / "test_selftest.console.log"
QEMU = "qemu-system-arm"
BOOT_LIMIT_S = 25          # the run takes ~4 s: six cases of 2MSL = 500 ms each

# In order, as tests/target/selftest.c runs them; with a fragment each detail
# must show (the firmware compares whole traces; this catches a firmware
# whose checks went vacuous).
CASES = {
    "active-close": "client=SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT",
    "passive-close": "server=SYN_RCVD>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT",
    "simultaneous-close": "FIN_WAIT_1>CLOSING>TIME_WAIT server=SYN_RCVD>ESTABLISHED>FIN_WAIT_1>CLOSING",
    "half-close": "server=SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED",
    "abort": "client=SYN_SENT>ESTABLISHED>CLOSED server=SYN_RCVD>ESTABLISHED>CLOSED",
    "timewait-expiry": "2msl=",
    # the heap is not empty: lwiperf's listener state is taken from it at
    # boot (the self-test compares the heap with the start itself)
    "resources": "time_wait=0 heap=",
}

# TIME_WAIT against the configured 2MSL, both on the guest's clock.
# Low side: RFC 9293 wants at least 2MSL; 1 ms because the firmware stamps
# the entry a SysTick after the engine's `now` at worst. High side: TIM2
# fires on time, and the main loop notices within a SysTick (1 ms); the
# rest is the QEMU vCPU thread losing the host CPU on a loaded 2-core
# machine, which guest time also counts. 50 ms (10 % of 500 ms) covers that.
TW_EARLY_MS = 1
TW_LATE_MS = 50
# The same 2MSL against the host's clock: QEMU's virtual clock follows the
# host's, so this proves the board's time base (SysTick, TIM2 at an assumed
# 1 GHz) runs at the real rate. Only a lower bound is tight: a stall in
# this reader can shorten the gap by up to HOST_SLACK_S.
HOST_SLACK_S = 0.1
HOST_LATE_S = 2.0

LINE = re.compile(r"selftest ([a-z0-9-]+): (PASS|FAIL) ?(.*)$")
SUMMARY = re.compile(r"selftest: (\d+) passed, (\d+) failed$")


def _boot(limit_s: float) -> list[tuple[float, str]]:
    """Console lines with host arrival times, up to the summary line."""
    cmd = [QEMU, "-M", "netduinoplus2", "-nographic", "-monitor", "none",
           "-kernel", str(ELF)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines: list[tuple[float, str]] = []
    buf = b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + limit_s
    try:
        while time.monotonic() < deadline:
            if not sel.select(timeout=0.05):
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            now = time.monotonic()
            buf += chunk
            *done, buf = buf.split(b"\n")
            for raw in done:
                text = raw.decode("ascii", "replace").replace("\r", "")
                lines.append((now, text))
            if any(SUMMARY.search(t) for _, t in lines):
                break
    finally:
        sel.close()
        proc.kill()
        proc.wait(timeout=10)
        LOG.parent.mkdir(parents=True, exist_ok=True)
        LOG.write_text("".join(t + "\n" for _, t in lines) + buf.decode("ascii", "replace"))
    return lines


@pytest.fixture(scope="module")
def console(request):
    if shutil.which(QEMU) is None:
        if request.config.getoption("--require-qemu"):
            pytest.fail(f"{QEMU} not installed and --require-qemu is set")
        pytest.skip(f"{QEMU} not installed")
    assert ELF.exists(), f"{ELF} missing: make BOARD=netduinoplus2 (make e2e builds it)"
    return _boot(BOOT_LIMIT_S)


@pytest.mark.fw_timeout(60)
def test_selftest_every_case_passes(console):
    texts = [t for _, t in console]
    results = [(m.group(1), m.group(2), m.group(3)) for t in texts if (m := LINE.search(t))]
    summary = [m for t in texts if (m := SUMMARY.search(t))]
    assert summary, f"no summary line within {BOOT_LIMIT_S} s; console in {LOG}"
    failed = [f"{name}: {detail}" for name, verdict, detail in results if verdict != "PASS"]
    assert not failed, "self-test cases failed:\n" + "\n".join(failed)
    assert [name for name, _, _ in results] == list(CASES), "cases run differ from the expected list"
    for name, _, detail in results:
        assert CASES[name] in detail, f"{name}: detail {detail!r} lacks {CASES[name]!r}"
    assert (int(summary[0].group(1)), int(summary[0].group(2))) == (len(CASES), 0)
    assert f"selftest: {len(CASES)} cases over 127.0.0.1:" in "\n".join(texts)
    assert "no Ethernet MAC on this board: loopback only" in texts
    errors = [t for t in texts if t.startswith("error:")]
    assert not errors, f"console errors: {errors}"


@pytest.mark.fw_timeout(60)
def test_selftest_timewait_lasts_2msl(console):
    stamped = {m.group(1): (at, m.group(3)) for at, t in console if (m := LINE.search(t))}
    assert "timewait-expiry" in stamped, f"no timewait-expiry line; console in {LOG}"
    at, detail = stamped["timewait-expiry"]
    m = re.search(r"2msl=(\d+)ms measured=(\d+)ms", detail)
    assert m, f"timewait-expiry detail {detail!r}"
    configured, measured = int(m.group(1)), int(m.group(2))
    assert configured == 500, "board.mk sets FW_SELFTEST_MSL_MS=250"
    assert configured - TW_EARLY_MS <= measured <= configured + TW_LATE_MS, \
        f"TIME_WAIT lasted {measured} ms on the guest clock, 2MSL is {configured} ms"
    # The case before it ends, then this one opens, exchanges, closes and
    # waits 2MSL: the host sees at least 2MSL between the two lines.
    prev_at, _ = stamped["abort"]
    gap = at - prev_at
    assert configured / 1000 - HOST_SLACK_S <= gap <= configured / 1000 + HOST_LATE_S, \
        f"{gap * 1000:.0f} ms of host time for a {configured} ms 2MSL: the board's clock is off"
