"""Where a pcap's connections spent their time, and the retransmissions
among a host's segments. Segments (with the MSS, SACK-permitted and SACK
options) come from tools/ladder.py's reader. Used by
tests/e2e/test_loss.py and bench/tools/qemubench.py, so that both count
alike."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from ladder import SEQ_MOD, Seg, read_segments as read_segs, seq_diff as sdiff  # noqa: E402,F401


def conn_segs(segs: list[Seg], ip: str, port: int, peer_port: int) -> list[Seg]:
    """The segments of one connection: (ip, port) and a peer's peer_port."""
    def mine(s):
        return ((s.src == (ip, port) and s.dst[1] == peer_port) or
                (s.dst == (ip, port) and s.src[1] == peer_port))
    return [s for s in segs if mine(s)]


def retransmissions(segs: list[Seg], ip: str) -> list[Seg]:
    """The data segments from `ip` that start below the highest sequence
    number it had already sent: retransmissions, whole or partial (one
    connection's segments)."""
    top = None
    out = []
    for s in segs:
        if s.src[0] != ip or s.len == 0:
            continue
        if top is not None and sdiff(s.seq, top) < 0:
            out.append(s)
        if top is None or sdiff(s.end(), top) > 0:
            top = s.end()
    return out


def stalls(segs: list[Seg], ip: str, min_gap: float = 0.5) -> dict:
    """Where the time of a pcap's connections went: each connection's span
    (first to last segment), and every silence of at least `min_gap` s
    inside one, charged to whoever broke it: "<ip> RTO" if that host's
    segment resent sequence space it had sent before (SYN, data, FIN),
    "peer RTO" for the other host's resends, else "other" (a host waiting
    for its application, the test's own pace). Time with no connection
    open is "between"."""
    conns: dict = {}
    for s in segs:
        key = tuple(sorted((s.src, s.dst)))
        conns.setdefault(key, []).append(s)
    spans, gaps = [], {f"{ip} RTO": [], "peer RTO": [], "other": []}
    for cs in conns.values():
        spans.append((cs[0].t, cs[-1].t))
        top: dict = {}
        prev = None
        for s in cs:
            occupies = s.len or s.has("S") or s.has("F")
            resent = occupies and s.src in top and sdiff(s.seq, top[s.src]) < 0
            if prev is not None and s.t - prev >= min_gap:
                who = (f"{ip} RTO" if s.src[0] == ip else "peer RTO") if resent else "other"
                gaps[who].append(s.t - prev)
            if occupies and (s.src not in top or sdiff(s.seq_end(), top[s.src]) > 0):
                top[s.src] = s.seq_end()
            prev = s.t
    spans.sort()
    between, reach = 0.0, None
    for a, b in spans:
        if reach is not None and a > reach:
            between += a - reach
        reach = b if reach is None else max(reach, b)
    durs = sorted(b - a for a, b in spans)
    return {"connections": len(spans), "wall_s": (spans[-1][1] - spans[0][0]) if spans else 0.0,
            "span_sum_s": sum(durs), "span_median_s": durs[len(durs) // 2] if durs else 0.0,
            "span_max_s": durs[-1] if durs else 0.0, "over_5s": sum(d > 5 for d in durs),
            "between_s": between,
            "gaps": {k: {"count": len(v), "sum_s": sum(v), "max_s": max(v, default=0.0)}
                     for k, v in gaps.items()}}


def main(argv=None) -> int:
    import argparse
    import json
    ap = argparse.ArgumentParser(description="where a pcap's connections spent their time")
    ap.add_argument("pcap", type=Path)
    ap.add_argument("--ip", default="192.0.2.2", help="the firmware's address")
    ap.add_argument("--min-gap", type=float, default=0.5, help="seconds of silence counted")
    a = ap.parse_args(argv)
    print(json.dumps(stalls(read_segs(a.pcap), a.ip, a.min_gap), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
