"""netem_relay: the fault core without sockets, then the relay over UDP and a tap."""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import uuid

import pytest

import netem_relay as nr
from netem_relay import DirFaults, DropRule, FaultCore

RELAY = os.path.join(os.path.dirname(nr.__file__), "netem_relay.py")
FW, PEER = "192.0.2.2", "192.0.2.1"


def tcp_frame(flags, src=PEER, dst=FW, sport=40000, dport=7, payload=b"", tag=0):
    """Ethernet/IPv4/TCP frame; tag goes into the IP id so frames stay distinct."""
    fl = nr.flag_mask(flags)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), tag & 0xFFFF, 0, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4, fl, 65535, 0, 0)
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp + payload


def raw_frame(tag):
    """A non-IP frame carrying a sequence number."""
    return b"\xff" * 6 + b"\x02" * 6 + b"\x88\xb5" + struct.pack("!I", tag) + b"\0" * 42


def tag_of(frame):
    return struct.unpack_from("!I", frame, 14)[0]


def run_core(core, frames, step_ms=1.0, directions=nr.DIRS):
    """Feed frames alternately per direction; return every (t, dir, delay, tag) emitted."""
    out, now = [], 0.0
    for i, fr in enumerate(frames):
        d = directions[i % len(directions)]
        now += step_ms
        out += [(now, dd, round(delay, 6), tag_of(f)) for dd, delay, f in core.expire(now)]
        out += [(now, d, round(delay, 6), tag_of(f)) for delay, f in core.process(d, fr, now)]
    now += 1e6
    out += [(now, dd, round(delay, 6), tag_of(f)) for dd, delay, f in core.expire(now)]
    return out


NOISY = DirFaults(loss=0.1, dup=0.05, reorder=0.05, reorder_frames=2, reorder_ms=3,
                  delay_ms=5, jitter_ms=4)


def test_same_seed_same_decisions_other_seed_differs():
    frames = [raw_frame(i) for i in range(3000)]
    faults = {d: NOISY for d in nr.DIRS}
    a = run_core(FaultCore(1234, faults), frames)
    b = run_core(FaultCore(1234, faults), frames)
    c = run_core(FaultCore(1235, faults), frames)
    assert a == b
    assert a != c


def test_replay_does_not_depend_on_how_directions_interleave():
    """Each direction draws from its own generator: the faults one direction
    sees are the same whatever the other direction does in between."""
    faults = {"to_fw": DirFaults(loss=0.2, dup=0.1), "from_fw": DirFaults(loss=0.2, dup=0.1)}

    def fates(pattern):
        """Per direction, how many copies of each of its frames came out."""
        core, out = FaultCore(99, faults), {d: [] for d in nr.DIRS}
        for i, d in enumerate(pattern):
            out[d].append(len(core.process(d, raw_frame(i), float(i))))
        return out

    alternating = ["to_fw", "from_fw"] * 500
    bursty = ["to_fw"] * 500 + ["from_fw"] * 500
    a, b = fates(alternating), fates(bursty)
    assert a["to_fw"] == b["to_fw"]
    assert a["from_fw"] == b["from_fw"]


@pytest.mark.parametrize("d", nr.DIRS)
def test_rates_near_configured_over_10000_frames(d):
    n = 10000
    other = "from_fw" if d == "to_fw" else "to_fw"
    core = FaultCore(7, {d: DirFaults(loss=0.10, dup=0.05, reorder=0.05)})
    out = run_core(core, [raw_frame(i) for i in range(n)], directions=(d,))
    st = core.stats[d]
    assert st["seen"] == n
    # Binomial: 4.5 standard deviations either side, so a correct core passes.
    assert abs(st["dropped_random"] - 1000) < 135
    assert abs(st["duplicated"] - 0.05 * 9000) < 95
    assert abs(st["reordered"] - 0.05 * 9000) < 95
    assert st["emitted"] == len(out) == n - st["dropped_random"] + st["duplicated"]
    assert core.stats[other]["seen"] == 0
    tags = [t for _, _, _, t in out]
    inversions = sum(1 for x, y in zip(tags, tags[1:]) if y < x)
    assert inversions >= st["reordered"] * 0.9


def test_reordered_frame_leaves_after_the_next_n_frames():
    core = FaultCore(0, {"to_fw": DirFaults(reorder=1.0, reorder_frames=2, reorder_ms=1e9)})
    first = core.process("to_fw", raw_frame(0), 0)
    assert first == []
    core.faults["to_fw"].reorder = 0.0
    got = [tag_of(f) for i in (1, 2, 3) for _, f in core.process("to_fw", raw_frame(i), i)]
    assert got == [1, 2, 0, 3]


def test_reordered_frame_leaves_after_timeout_alone():
    core = FaultCore(0, {"from_fw": DirFaults(reorder=1.0, reorder_frames=5, reorder_ms=20)})
    assert core.process("from_fw", raw_frame(9), 100) == []
    assert core.next_deadline() == 120
    assert core.expire(119) == []
    assert [(d, tag_of(f)) for d, _, f in core.expire(120)] == [("from_fw", 9)]
    assert core.next_deadline() is None


def test_delay_and_jitter_bounded_and_fifo():
    core = FaultCore(3, {"to_fw": DirFaults(delay_ms=10, jitter_ms=5)})
    release = []
    for i in range(2000):
        (delay, _), = core.process("to_fw", raw_frame(i), i * 0.5)
        release.append(i * 0.5 + delay)
        assert delay >= 5 - 1e-9
    assert release == sorted(release)
    assert core.stats["to_fw"]["delayed"] == 2000
    assert max(r - i * 0.5 for i, r in enumerate(release)) <= 15 + 0.5


# A teardown as the relay would see it: (direction, flags, payload).
EXCHANGE = [("to_fw", "S", b""), ("from_fw", "SA", b""), ("to_fw", "A", b""),
            ("to_fw", "PA", b"hello"), ("from_fw", "PA", b"hello"), ("to_fw", "A", b""),
            ("to_fw", "FA", b""), ("from_fw", "A", b""), ("from_fw", "FA", b""),
            ("to_fw", "FA", b""), ("from_fw", "A", b""), ("from_fw", "FA", b""),
            ("to_fw", "A", b"")]


def exchange_frames(conn=0):
    sport = 40000 + conn
    for i, (d, fl, pl) in enumerate(EXCHANGE):
        if d == "to_fw":
            yield d, tcp_frame(fl, PEER, FW, sport, 7, pl, tag=i)
        else:
            yield d, tcp_frame(fl, FW, PEER, 7, sport, pl, tag=i)


def dropped_indices(rules, conns=1):
    core = FaultCore(0, rules=[DropRule(r) for r in rules])
    dropped = []
    for c in range(conns):
        for i, (d, fr) in enumerate(exchange_frames(c)):
            if not core.process(d, fr, 0):
                dropped.append((c, i))
    return dropped, core


@pytest.mark.parametrize("rule, expect", [
    ("dir=to_fw,tcp_flags=F", [6]),                       # the peer's first FIN
    ("dir=to_fw,tcp_flags=F,nth=2", [9]),                 # its FIN retransmission
    ("dir=from_fw,tcp_flags=F,count=all", [8, 11]),
    ("dir=from_fw,tcp_flags=A,tcp_noflags=FSP,after_fin=to_fw", [7]),   # ACK of the FIN
    ("dir=to_fw,tcp_flags=A,tcp_noflags=F,payload=empty,after_fin=from_fw", [12]),  # final ACK
    ("payload=data,nth=2", [4]),
    ("dir=to_fw,sport=40000,tcp_flags=S", [0]),
    ("port=9", []),
    ("dir=from_fw,nth=3,count=2", [7, 8]),
])
def test_rule_drops_exactly_the_nth_match(rule, expect):
    dropped, core = dropped_indices([rule])
    assert dropped == [(0, i) for i in expect]
    assert core.report()["rules"][0]["dropped"] == len(expect)
    total = sum(core.stats[d]["dropped_rule"] for d in nr.DIRS)
    assert total == len(expect)
    assert sum(core.stats[d]["emitted"] for d in nr.DIRS) == len(EXCHANGE) - len(expect)


def test_rules_count_independently_and_per_connection():
    # Two rules on the same FINs: each counts every match, even ones another dropped.
    dropped, _ = dropped_indices(["dir=to_fw,tcp_flags=F,nth=1", "dir=to_fw,tcp_flags=F,nth=2"])
    assert dropped == [(0, 6), (0, 9)]
    dropped, _ = dropped_indices(["dir=to_fw,tcp_flags=F"], conns=3)
    assert dropped == [(0, 6)]
    dropped, _ = dropped_indices(["dir=to_fw,tcp_flags=F,per_conn=1"], conns=3)
    assert dropped == [(0, 6), (1, 6), (2, 6)]


def test_rule_drops_the_nth_data_segment_of_each_connection_in_one_direction():
    # What the e2e loss tests use: the firmware's Nth data segment of each
    # connection is lost, its retransmission (a later match) passes, and
    # neither the peer's data nor pure ACKs count.
    core = FaultCore(0, rules=[DropRule("dir=from_fw,payload=data,per_conn=1,nth=3")])
    lost = []
    for conn in range(2):
        sport = 41000 + conn
        for i in range(6):
            frames = [("to_fw", tcp_frame("PA", PEER, FW, sport, 7, b"x" * 10, tag=i)),
                      ("from_fw", tcp_frame("PA", FW, PEER, 7, sport, b"y" * 10, tag=i)),
                      ("to_fw", tcp_frame("A", PEER, FW, sport, 7, tag=i))]
            for d, fr in frames:
                if not core.process(d, fr, 0):
                    lost.append((conn, d, i))
    assert lost == [(0, "from_fw", 2), (1, "from_fw", 2)]
    assert core.report()["rules"][0] == {"rule": "dir=from_fw,payload=data,per_conn=1,nth=3",
                                         "dropped": 2, "matched": 12}


def test_rule_with_tcp_terms_ignores_non_tcp_frames():
    core = FaultCore(0, rules=[DropRule("dir=to_fw,tcp_noflags=S,count=all")])
    assert core.process("to_fw", raw_frame(1), 0)
    assert not core.process("to_fw", tcp_frame("A"), 0)
    assert core.process("to_fw", tcp_frame("A")[:30], 0)        # truncated: not TCP


@pytest.mark.parametrize("bad", ["dir=up", "tcp_flags=Q", "nth=0", "count=-1", "flags", "x=1"])
def test_bad_rules_rejected(bad):
    with pytest.raises(ValueError):
        DropRule(bad)


def test_parse_tcp_fields():
    t = nr.parse_tcp(tcp_frame("FA", sport=1234, dport=7, payload=b"abc"))
    assert (t.sport, t.dport, t.flags, t.paylen) == (1234, 7, 0x11, 3)
    assert nr.parse_tcp(raw_frame(0)) is None


# ------------------------------------------------------------ the relay as a process

def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_relay(args, netns=None):
    cmd = ([] if netns is None else ["nsenter", f"--net=/run/netns/{netns}", "--"]) + [sys.executable, RELAY]
    p = subprocess.Popen(cmd + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seed_line, ready_line = p.stdout.readline(), p.stdout.readline()
    assert seed_line.startswith("netem_relay: seed="), p.stderr.read()
    assert "ready" in ready_line
    return p


def stop_relay(p):
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    return out


def udp_sock(timeout=2.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(timeout)
    return s


def test_udp_relay_process_forwards_drops_and_writes_stats(tmp_path):
    qemu, net = udp_sock(), udp_sock()
    fw_listen, net_listen = free_udp_port(), free_udp_port()
    stats = tmp_path / "stats.json"
    p = start_relay(["--seed", "99", "--fw-listen", str(fw_listen),
                     "--fw-send", "127.0.0.1:%d" % qemu.getsockname()[1],
                     "--net-listen", str(net_listen), "--net-send", str(net.getsockname()[1]),
                     "--drop-rule", "dir=to_fw,tcp_flags=F", "--stats", str(stats)])
    try:
        for i in range(5):
            qemu.sendto(raw_frame(i), ("127.0.0.1", fw_listen))
            assert tag_of(net.recv(2048)) == i
        for fl, tag in (("A", 10), ("FA", 11), ("FA", 12)):
            net.sendto(tcp_frame(fl, tag=tag), ("127.0.0.1", net_listen))
        got = [struct.unpack_from("!H", qemu.recv(2048), 18)[0] for _ in range(2)]
        assert got == [10, 12]
    finally:
        out = stop_relay(p)
    rep = json.loads(stats.read_text())
    assert rep["seed"] == 99
    assert rep["directions"]["from_fw"]["emitted"] == 5
    assert rep["directions"]["to_fw"]["seen"] == 3
    assert rep["directions"]["to_fw"]["dropped_rule"] == 1
    assert rep["rules"] == [{"rule": "dir=to_fw,tcp_flags=F", "matched": 2, "dropped": 1}]
    assert '"dropped_rule": 1' in out


# ------------------------------------------------------------ with a real tap (root)

TAP_HELPER = r"""
import socket, struct, sys
tap, fw_listen, qemu_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
qemu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
qemu.bind(("127.0.0.1", qemu_port)); qemu.settimeout(3)
pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88B5))
pk.bind((tap, 0)); pk.settimeout(3)
frame = lambda tag: b"\xff" * 6 + b"\x02" * 6 + b"\x88\xb5" + struct.pack("!I", tag) + bytes(42)
pk.send(frame(0xAA))                       # written to the tap: the relay reads it
while True:                                # skip the kernel's own frames (IPv6 DAD, MLD)
    data = qemu.recv(2048)
    if data[12:14] == b"\x88\xb5":
        print("udp", data == frame(0xAA)); break
qemu.sendto(frame(0xBB), ("127.0.0.1", fw_listen))
while True:                                # the relay writes it: the tap receives it
    data, addr = pk.recvfrom(2048)
    if addr[2] != socket.PACKET_OUTGOING:
        print("tap", data == frame(0xBB)); break
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("ip"), reason="needs root and ip")
def test_tap_relay_in_namespace(tmp_path):
    ns, tap = "nrt" + uuid.uuid4().hex[:8], "nrt" + uuid.uuid4().hex[:8]
    run = lambda *a: subprocess.run(["nsenter", f"--net=/run/netns/{ns}", "--"] + list(a), check=True)
    subprocess.run(["ip", "netns", "add", ns], check=True)
    p = None
    try:
        run("ip", "link", "set", "lo", "up")
        run("ip", "tuntap", "add", "dev", tap, "mode", "tap")
        run("ip", "addr", "add", "192.0.2.1/24", "dev", tap)
        run("ip", "link", "set", tap, "up")
        fw_listen, qemu_port = 47001, 47002      # the namespace's loopback is ours alone
        p = start_relay(["--seed", "1", "--tap", tap, "--fw-listen", str(fw_listen),
                         "--fw-send", str(qemu_port), "--stats", str(tmp_path / "s.json")], ns)
        res = subprocess.run(["nsenter", f"--net=/run/netns/{ns}", "--", sys.executable, "-c", TAP_HELPER,
                              tap, str(fw_listen), str(qemu_port)],
                             capture_output=True, text=True, timeout=20)
        assert res.stdout.split("\n")[:2] == ["udp True", "tap True"], res.stderr
    finally:
        if p is not None:
            stop_relay(p)
        subprocess.run(["ip", "netns", "del", ns])
    rep = json.loads((tmp_path / "s.json").read_text())
    assert rep["directions"]["to_fw"]["emitted"] >= 1
    assert rep["directions"]["from_fw"]["emitted"] == 1
