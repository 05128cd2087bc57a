"""ladder: teardown pcaps built with scapy, drawn as text and SVG.

Each case is written like packetdrill: (sender, flags, seq, ack, len) with
seq/ack relative to each side's ISN; the firmware is 192.0.2.2:7 and the
peer 192.0.2.1:40000. The pcap is taken at the firmware, as QEMU's
filter-dump does.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from scapy.all import IP, TCP, Ether, Raw, wrpcap

import ladder

FW, PEER = ("192.0.2.2", 7), ("192.0.2.1", 40000)
ISN = {"fw": 1000, "peer": 5000}
TOOL = os.path.join(os.path.dirname(ladder.__file__), "ladder.py")


def packets(steps, fw=FW, peer=PEER, t0=100.0):
    pkts = []
    for n, (who, flags, seq, ack, length) in enumerate(steps):
        src, dst = (fw, peer) if who == "fw" else (peer, fw)
        other = "peer" if who == "fw" else "fw"
        p = (Ether() / IP(src=src[0], dst=dst[0]) /
             TCP(sport=src[1], dport=dst[1], flags=flags, seq=ISN[who] + seq,
                 ack=(ISN[other] + ack) if "A" in flags else 0))
        if length:
            p = p / Raw(b"x" * length)
        p.time = t0 + n * 0.001
        pkts.append(p)
    return pkts


def draw(tmp_path, steps, **kw):
    path = str(tmp_path / "c.pcap")
    wrpcap(path, packets(steps))
    return ladder.draw(path, svg=str(tmp_path / "c.svg"), text=str(tmp_path / "c.txt"), **kw)


PEER_OPENS = [("peer", "S", 0, 0, 0), ("fw", "SA", 0, 1, 0), ("peer", "A", 1, 1, 0),
              ("peer", "PA", 1, 1, 5), ("fw", "A", 1, 6, 0)]


def states_seen(lad, side):
    return [lad.initial[side]] + [st for r in lad.rows for st in r.entered[side]]


def arrows(text):
    return [re.sub(r"\s*-+\s*", " ", m.strip("<>")).strip()
            for m in re.findall(r"<-+ [^-]+ -+|-+ [^-]+ -+>", text)]


# fw closes first: FIN -> ACK -> FIN -> ACK; fw holds TIME_WAIT (RFC 9293 3.6, case 1).
def test_active_close_four_way(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [
        ("fw", "FA", 1, 6, 0), ("peer", "A", 6, 2, 0), ("peer", "FA", 6, 2, 0),
        ("fw", "A", 2, 7, 0)])
    assert lad.final == ("TIME_WAIT", "CLOSED")
    assert states_seen(lad, 0) == ["LISTEN", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
                                   "FIN_WAIT_2", "TIME_WAIT"]
    assert states_seen(lad, 1) == ["CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSE_WAIT",
                                   "LAST_ACK", "CLOSED"]
    text = (tmp_path / "c.txt").read_text()
    assert arrows(text) == ["SYN seq=0", "SYN,ACK seq=0 ack=1", "ACK seq=1 ack=1",
                            "PSH,ACK seq=1 ack=1 len=5", "ACK seq=1 ack=6",
                            "FIN,ACK seq=1 ack=6", "ACK seq=6 ack=2", "FIN,ACK seq=6 ack=2",
                            "ACK seq=2 ack=7"]
    assert "---- FIN,ACK seq=1 ack=6 ---" in text and "--->" in text
    assert "final: 192.0.2.2:7 TIME_WAIT, 192.0.2.1:40000 CLOSED" in text


# The peer closes first; fw passes CLOSE_WAIT -> LAST_ACK -> CLOSED.
def test_passive_close(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [
        ("peer", "FA", 6, 1, 0), ("fw", "A", 1, 7, 0), ("fw", "FA", 1, 7, 0),
        ("peer", "A", 7, 2, 0)])
    assert lad.final == ("CLOSED", "TIME_WAIT")
    assert states_seen(lad, 0)[-3:] == ["CLOSE_WAIT", "LAST_ACK", "CLOSED"]
    assert states_seen(lad, 1)[-3:] == ["FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"]


# Both FINs cross (RFC 9293 3.6, case 2): each ACK lacks the other's FIN,
# so both ends go FIN_WAIT_1 -> CLOSING -> TIME_WAIT.
def test_simultaneous_close(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [
        ("fw", "FA", 1, 6, 0), ("peer", "FA", 6, 1, 0), ("fw", "A", 2, 7, 0),
        ("peer", "A", 7, 2, 0)])
    assert lad.final == ("TIME_WAIT", "TIME_WAIT")
    for side in (0, 1):
        assert states_seen(lad, side)[-3:] == ["FIN_WAIT_1", "CLOSING", "TIME_WAIT"]


# RST from the peer at RCV.NXT aborts (RFC 9293 3.5.2; RFC 5961 3.2).
def test_rst_abort(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [("peer", "R", 6, 0, 0)])
    assert lad.final == ("CLOSED", "CLOSED")
    assert "RST seq=6" in (tmp_path / "c.txt").read_text()


def test_rst_away_from_rcv_nxt_does_not_close(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [("peer", "R", 100, 0, 0)])
    assert lad.final == ("ESTABLISHED", "CLOSED")
    assert "challenge ACK" in lad.rows[-1].notes[0]


# The peer's FIN carries the ACK of fw's FIN: FIN_WAIT_1 -> TIME_WAIT in one step.
def test_fin_ack_piggybacked(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [
        ("fw", "FA", 1, 6, 0), ("peer", "FA", 6, 2, 0), ("fw", "A", 2, 7, 0)])
    assert lad.final == ("TIME_WAIT", "CLOSED")
    assert states_seen(lad, 0)[-2:] == ["FIN_WAIT_1", "TIME_WAIT"]
    assert lad.rows[-2].states == ("TIME_WAIT", "LAST_ACK")


# RFC 1337: TIME_WAIT ignores RST; a retransmitted FIN restarts 2MSL (RFC 9293 3.10.7.4).
def test_time_wait_notes(tmp_path):
    lad = draw(tmp_path, PEER_OPENS + [
        ("fw", "FA", 1, 6, 0), ("peer", "FA", 6, 2, 0), ("fw", "A", 2, 7, 0),
        ("peer", "FA", 6, 2, 0), ("fw", "A", 2, 7, 0), ("peer", "R", 7, 0, 0)])
    assert lad.final == ("TIME_WAIT", "CLOSED")
    notes = [n for r in lad.rows for n in r.notes]
    assert "FIN again: 2MSL restarts" in notes
    assert "RST ignored in TIME_WAIT (RFC 1337)" in notes


def test_svg_well_formed_one_arrow_per_segment(tmp_path):
    steps = PEER_OPENS + [("fw", "FA", 1, 6, 0), ("peer", "FA", 6, 2, 0), ("fw", "A", 2, 7, 0)]
    lad = draw(tmp_path, steps)
    root = ET.parse(str(tmp_path / "c.svg")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    segs = [e for e in root.iter(ns + "line") if e.get("class") == "seg"]
    assert len(segs) == len(steps) == len(lad.rows)
    states = [e.text for e in root.iter(ns + "text") if e.get("class") == "state"]
    assert "TIME_WAIT" in states and "FIN_WAIT_1" in states and "LAST_ACK" in states
    # rightward arrows (fw -> peer) start at the left column
    assert [float(e.get("x1")) < float(e.get("x2")) for e in segs] == \
        [who == "fw" for who, *_ in steps]


def test_cli_picks_last_closed_connection_and_lists_others(tmp_path):
    first = packets(PEER_OPENS + [("peer", "FA", 6, 1, 0)], t0=1.0)
    ISN["peer"] += 1
    second = [p for p in packets(PEER_OPENS + [("fw", "FA", 1, 6, 0)], t0=2.0)]
    ISN["peer"] -= 1
    for p in second:
        p[TCP].sport, p[TCP].dport = (p[TCP].sport, 40001) if p[TCP].sport == 7 else (40001, 7)
    openonly = packets(PEER_OPENS, t0=3.0)
    for p in openonly:
        p[TCP].sport, p[TCP].dport = (p[TCP].sport, 40002) if p[TCP].sport == 7 else (40002, 7)
    path = str(tmp_path / "m.pcap")
    wrpcap(path, first + second + openonly)
    res = subprocess.run([sys.executable, TOOL, path, "--svg", str(tmp_path / "m.svg")],
                         capture_output=True, text=True, check=True)
    assert "192.0.2.1:40001" in res.stdout.splitlines()[0]
    assert res.stderr.count("also in the pcap") == 2
    assert ET.parse(str(tmp_path / "m.svg")).getroot() is not None
    res = subprocess.run([sys.executable, TOOL, path, "--conn", "192.0.2.2:7-192.0.2.1:40000",
                          "--text", str(tmp_path / "m.txt")], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout == ""
    assert "CLOSE_WAIT" in (tmp_path / "m.txt").read_text()
    res = subprocess.run([sys.executable, TOOL, path, "--conn", "192.0.2.2:7-192.0.2.1:9"],
                         capture_output=True, text=True)
    assert res.returncode == 1


def test_capture_mid_connection_starts_established(tmp_path):
    lad = draw(tmp_path, [("peer", "PA", 1, 1, 5), ("fw", "A", 1, 6, 0),
                          ("peer", "FA", 6, 1, 0), ("fw", "FA", 1, 7, 0), ("peer", "A", 7, 2, 0)])
    assert lad.initial == ("ESTABLISHED", "ESTABLISHED")
    assert lad.final == ("CLOSED", "TIME_WAIT")
