"""2MSL measured on the wire.

MSL is set to 500 ms from the console (2MSL = 1000 ms). A crafted daytime
client (e2e_util.CraftedPeer) puts finwait into TIME_WAIT with its FIN+ACK;
then it probes every PROBE_MS (FINE_PROBE_MS from 60 ms before the
expected expiry) with a bare ACK carrying an old sequence
number. Such a segment is unacceptable in TIME_WAIT, which answers with an
ACK (RFC 9293 3.10.7.4, first check) and, unlike a retransmitted FIN, does
not restart 2MSL; once the entry is gone the connection is CLOSED and the
same probe gets an RST (RFC 9293 3.10.7.1).

Measured from the pcap (QEMU's filter-dump at finwait's NIC, so arrival
times are finwait's):
  t_enter   the arrival of our FIN+ACK that moved finwait into TIME_WAIT;
  t_expire  the arrival of the first probe answered with RST.
The error is t_expire - t_enter - 2MSL. The probe before it (answered with
ACK) bounds the expiry from below, so the expiry lies in
[last ACKed probe, first RSTed probe]; the report prints both.

Bounds, and why: finwait's clock has 1 ms resolution and it handles the
FIN a little after the frame is captured, so an expiry can look up to a
tick early (-5 ms allows the tick plus the capture/handling order); late
means the probe period plus the host scheduling QEMU's vCPU
and our prober (a busy 2-core CI box: tens of ms), so +100 ms.
"""

import random
import time

import pytest

import e2e_util as eu
from e2e_util import flags_of

pytestmark = pytest.mark.needs_qemu

MSL_MS = 500
TWO_MSL_S = 2 * MSL_MS / 1000
PROBE_MS = 20
FINE_PROBE_MS = 2        # near the expected expiry, to sharpen the measurement
FINE_FROM_S = TWO_MSL_S - 0.06
EARLY_LIMIT_MS = -5
LATE_LIMIT_MS = 100


@pytest.fixture
def peer(fw):
    fw.cmd(f"set msl {MSL_MS}")
    p = eu.CraftedPeer(fw)
    yield p
    p.close()
    fw.cmd(f"set msl {eu.DEFAULT_MSL_MS}")


def _answers(segs, sport, probe_seq):
    """[(probe arrival, answer flags)] from the pcap, in order."""
    out, probe = [], None
    for s in segs:
        if s.src == (eu.CraftedPeer.IP, sport) and s.flags == "A" and s.seq == probe_seq:
            probe = s
        elif s.dst == (eu.CraftedPeer.IP, sport) and probe is not None:
            out.append((probe.t, "R" if "R" in s.flags else s.flags))
            probe = None
    return out


@pytest.mark.fw_timeout(30)
def test_2msl_on_the_wire(fw, peer, request):
    c = eu.CraftedConn(peer, eu.DAYTIME, random.randint(20000, 60000),
                       iss=random.randint(1 << 20, 1 << 30))
    c.open()
    assert c.read_until_fin().startswith(b"finwait uptime ")
    c.send("FA")
    c.snd_nxt += 1
    assert c.expect(lambda t: flags_of(t) == "A" and t.ack == c.snd_nxt) is not None
    start = time.monotonic()
    old = c.snd_nxt - 1000     # long acknowledged: outside RCV.NXT (window 0)
    rsts = 0
    while time.monotonic() - start < TWO_MSL_S + 1.5 and rsts < 3:
        fine = time.monotonic() - start >= FINE_FROM_S
        period = (FINE_PROBE_MS if fine else PROBE_MS) / 1000
        c.send("A", seq=old)
        a = c.expect(lambda t: True, timeout=period)
        if a is not None and "R" in flags_of(a):
            rsts += 1
        time.sleep(period)
    pcap, segs = eu.save_ladder(fw, request)
    mine = [s for s in segs if c.sport in (s.src[1], s.dst[1])]
    enter = next(s for s in mine if s.src[0] == eu.CraftedPeer.IP and "F" in s.flags)
    answers = _answers(mine, c.sport, old % (1 << 32))
    assert answers and answers[0][1] == "A", eu.exchange(mine[:20])
    first_rst = next((i for i, (_, f) in enumerate(answers) if f == "R"), None)
    assert first_rst is not None, "TIME_WAIT never ended:\n" + eu.exchange(mine[-10:])
    assert all(f == "A" for _, f in answers[:first_rst])
    assert all(f == "R" for _, f in answers[first_rst:]), "an ACK after an RST: " \
        "TIME_WAIT came back?\n" + eu.exchange(mine[-10:])
    lo = (answers[first_rst - 1][0] - enter.t) * 1000
    hi = (answers[first_rst][0] - enter.t) * 1000
    two_msl = TWO_MSL_S * 1000
    err = hi - two_msl
    print(f"\n2MSL on the wire: MSL={MSL_MS} ms, 2MSL={two_msl:.0f} ms; TIME_WAIT ended "
          f"between {lo:.1f} and {hi:.1f} ms after the FIN that began it "
          f"({len(answers)} probes, every {FINE_PROBE_MS} ms near 2MSL); error {err:+.1f} ms "
          f"(last ACKed probe {lo - two_msl:+.1f} ms) [bounds {EARLY_LIMIT_MS}..+{LATE_LIMIT_MS}]")
    (eu.ARTIFACTS / "2msl.txt").write_text(
        f"msl_ms={MSL_MS} two_msl_ms={two_msl:.0f} ended_after_ms={lo:.1f}..{hi:.1f} "
        f"error_ms={err:+.1f} probe_ms={FINE_PROBE_MS}\n")
    assert EARLY_LIMIT_MS <= err <= LATE_LIMIT_MS, f"2MSL error {err:+.1f} ms"
    assert lo - two_msl <= LATE_LIMIT_MS
