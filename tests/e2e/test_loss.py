"""The data path under loss, end to end, against Linux.

* Random loss (the seeded relay, both directions, no duplication or
  reordering): a 1 MiB echo from Linux through the relay at 1 %, 5 % and
  (make soak) 10 % comes back byte for byte (sha256 and a byte-wise comparison that
  names the first difference), and the relay did lose frames. Each prints
  how long it took and the firmware's retransmission counters.
* The initial window (RFC 5681 3.1): before the first ACK from Linux that
  covers data of ours, the firmware sends at most IW = min(4 * SMSS,
  max(2 * SMSS, 4380)) bytes; 3 segments, 4380 B with SMSS 1460. Counted in
  the pcap at the firmware's NIC, so "before" is the order the NIC saw.
* SACK (RFC 2018): with one chosen data segment from the firmware lost by
  rule, Linux's ACKs after the loss carry SACK blocks (it sends them only
  when our SYN,ACK carried SACK-permitted), and no retransmission of ours
  lies entirely inside a range Linux had already SACKed (RFC 6675's "the
  sender does not resend what the receiver holds").

The pcaps are QEMU's filter-dump at the firmware's NIC (conftest); the
segments are read with their TCP options by tcp_pcap.py.
"""

from __future__ import annotations

import random
import pytest

import e2e_util as u
from tcp_pcap import SEQ_MOD, conn_segs, read_segs, retransmissions, sdiff
from test_faults import echo_conn

MIB = 1 << 20
LOSS_TIMEOUT_S = 240.0      # one 1 MiB echo behind the relay (socket timeout)
SACK_BYTES = 128 * 1024     # enough segments after the lost one to SACK
SACK_DROP_NTH = 20          # the firmware's 20th data segment: mid-transfer
IW_BYTES = 256 * 1024       # an echo long enough to fill any window


def rfc5681_iw(smss: int) -> int:
    """RFC 5681 3.1 equation (1)."""
    return min(4 * smss, max(2 * smss, 4380))


# ---------------------------------------------------------------- Linux side

def echo_through(fw, data: bytes, timeout: float = LOSS_TIMEOUT_S) -> tuple[int, float]:
    """test_faults.echo_conn (the bytes compared, Linux's FIN first); returns
    (Linux's port, seconds from connect to the last byte back)."""
    times: dict = {}
    port = echo_conn(fw, data, timeout, times)
    return abs(port), times["open"] + times["data"]


def relay_lost(fw) -> dict[str, int]:
    return {d: v["dropped_random"] + v["dropped_rule"]
            for d, v in fw.relay.stats()["directions"].items()}


# ---------------------------------------------------------------- random loss

def echo_under_loss(fw_relay, loss: int) -> None:
    fw = fw_relay(["--loss", str(loss)])
    data = random.Random(fw.relay.seed).randbytes(MIB)
    before = u.tcp_stats(fw)
    port, took = echo_through(fw, data)
    lost = relay_lost(fw)
    after = u.tcp_stats(fw)
    rtx = {k: after.get(f"tcp.{k}", 0) - before.get(f"tcp.{k}", 0)
           for k in ("retransmits", "fast_retransmits")}
    print(f"\nfinwait e2e: 1 MiB echo under {loss}% loss in {took:.1f} s "
          f"({MIB / 1024 / took:.0f} KiB/s); relay lost {lost}; firmware RTO expiries "
          f"{rtx['retransmits']}, fast retransmits {rtx['fast_retransmits']}; "
          f"relay seed={fw.relay.seed}")
    assert all(n > 0 for n in lost.values()), f"the relay lost nothing in a direction: {lost}"


# 1 % about 3 s, 5 % about 10 s today; 10 % about 28 s, so make soak runs it.
@pytest.mark.needs_qemu
@pytest.mark.fw_timeout(180)
@pytest.mark.parametrize("loss", [1, 5])
def test_echo_1mib_under_random_loss(fw_relay, loss):
    """1 MiB from Linux to echo behind `loss` % random loss in both
    directions: every byte back in order, the relay lost frames."""
    echo_under_loss(fw_relay, loss)


@pytest.mark.needs_qemu
@pytest.mark.fw_timeout(300)
def test_soak_echo_1mib_under_random_loss_10(fw_relay, request):
    """The same at 10 % loss (make soak: about 30 s today)."""
    if not request.config.getoption("--soak"):
        pytest.skip("10 % loss: make soak")
    echo_under_loss(fw_relay, 10)


# ---------------------------------------------------------------- initial window

@pytest.mark.needs_qemu
def test_initial_window_rfc5681(fw_relay):
    """Before the first ACK from Linux that covers any of our data, the
    firmware sends at most IW bytes of new data (RFC 5681 3.1 eq. 1).

    Echo has only what Linux sent, and on a clean path Linux's next
    segment acknowledges our first one at once, so the relay loses our
    first data segment: Linux's segments then keep acknowledging nothing
    of ours until we resend it, while its data (and our window updates)
    keep flowing. What the firmware sends meanwhile is bounded by its
    congestion window: IW."""
    fw = fw_relay(["--drop-rule", "dir=from_fw,payload=data,per_conn=1,nth=1"])
    data = random.Random(5681).randbytes(IW_BYTES)
    port, _ = echo_through(fw, data, timeout=60)
    assert fw.relay.rule_hits() == [1], "the rule did not lose exactly our first data segment"
    pcap = fw.stop_capture()
    segs = conn_segs(read_segs(pcap), fw.ip, u.ECHO, port)
    synack = next(s for s in segs if s.src[0] == fw.ip and s.has("S"))
    syn = next(s for s in segs if s.dst[0] == fw.ip and s.has("S"))
    smss = min(synack.mss or 536, syn.mss or 536)
    iss = synack.seq
    sent, nbytes, top = 0, 0, (iss + 1) % SEQ_MOD
    for s in segs:
        if s.src[0] == fw.ip and s.len > 0 and sdiff(s.end(), top) > 0:
            sent, nbytes = sent + 1, nbytes + sdiff(s.end(), top)
            top = s.end()
        elif s.dst[0] == fw.ip and s.has("A") and sdiff(s.ack, (iss + 1) % SEQ_MOD) > 0:
            break
    iw = rfc5681_iw(smss)
    print(f"\nfinwait e2e: before Linux's first ACK of new data the firmware sent "
          f"{sent} segments, {nbytes} B (SMSS {smss}, IW {iw} B = {iw // smss} segments)")
    # Bytes, not segments: echo's segments are as long as Linux's (730 B
    # while our window is one MSS), and a byte-counted IW fits more of them.
    assert nbytes <= iw, (
        f"{sent} segments / {nbytes} B before the first ACK, IW is {iw} B:\n"
        + u.exchange(segs[:30]))


# ---------------------------------------------------------------- SACK

@pytest.mark.needs_qemu
@pytest.mark.fw_timeout(120)
def test_sack_retransmissions_skip_sacked(fw_relay):
    """The firmware's SACK_DROP_NTH-th data segment is lost on its way to
    Linux: Linux SACKs what arrives after it, and the firmware resends the
    hole, never a segment Linux has SACKed."""
    rule = f"dir=from_fw,payload=data,per_conn=1,nth={SACK_DROP_NTH}"
    fw = fw_relay(["--drop-rule", rule])
    data = random.Random(2018).randbytes(SACK_BYTES)
    port, took = echo_through(fw, data, timeout=90)
    hits = fw.relay.rule_hits()
    pcap = fw.stop_capture()
    segs = conn_segs(read_segs(pcap), fw.ip, u.ECHO, port)
    synack = next(s for s in segs if s.src[0] == fw.ip and s.has("S"))
    ours = [s for s in segs if s.src[0] == fw.ip and s.len > 0]
    lost = ours[SACK_DROP_NTH - 1]
    acks_after = [s for s in segs if s.dst[0] == fw.ip and s.t >= lost.t and s.has("A")]
    with_sack = [s for s in acks_after if s.sacks]
    rtx = retransmissions(segs, fw.ip)
    bad = []
    for r in rtx:
        blocks = [b for s in segs if s.dst[0] == fw.ip and s.t < r.t for b in s.sacks]
        inside = [b for b in blocks if sdiff(r.seq, b[0]) >= 0 and sdiff(b[1], r.end()) >= 0]
        if inside:
            bad.append((r, inside[-1]))
    print(f"\nfinwait e2e: SACK: echo of {SACK_BYTES} B in {took:.2f} s; rule dropped "
          f"{hits}; SYN,ACK SACK-permitted={synack.sack_ok}; Linux ACKs after the loss "
          f"{len(acks_after)}, with SACK blocks {len(with_sack)}; retransmitted segments "
          f"{len(rtx)} ({sum(r.len for r in rtx)} B), inside a SACKed range {len(bad)}")
    assert hits == [1], f"the rule dropped {hits} frames, not exactly one"
    assert synack.sack_ok, "the SYN,ACK carries no SACK-permitted option (RFC 2018 2)"
    assert with_sack, "no ACK from Linux after the loss carries a SACK block"
    assert rtx, "the lost segment was never retransmitted"
    assert not bad, "retransmitted what Linux had SACKed: " + "; ".join(
        f"seq={r.seq} len={r.len} inside SACK {b}" for r, b in bad[:5])
