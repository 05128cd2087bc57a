"""Helpers for the real-peer end-to-end tests: run sockets inside
the test namespace, read `netstat -m`, `ss` and the state log, draw ladders
of pcaps, and a crafted peer (Scapy frames on the tap) for the segments no
real stack would send.

The crafted peer is 192.0.2.3 with a locally administered MAC, an address
the namespace's kernel does not own: it answers the firmware's ARP itself,
and the kernel drops the firmware's replies to it as PACKET_OTHERHOST, so
no RST from Linux gets in the way (no iptables needed).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import queue
import re
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Optional

import fwharness as fh

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "build" / "e2e"
sys.path.insert(0, str(REPO / "tools"))
import ladder  # noqa: E402

CLONE_NEWNET = 0x40000000
DEFAULT_MSL_MS = 30000
ECHO, DISCARD, DAYTIME = 7, 9, 13

# ---------------------------------------------------------------- namespace

_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def netns(name: Optional[str]):
    """Run the body with this thread in namespace `name` (sockets created
    there stay in it); a no-op for None (a real board: the host is the peer)."""
    if name is None:
        yield
        return
    back = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns({name})")
        try:
            yield
        finally:
            if _libc.setns(back, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(target)
        os.close(back)


def peer_socket(fw, *args) -> socket.socket:
    """A socket in the firmware's peer namespace."""
    with netns(fw.ns_name):
        return socket.socket(*args) if args else socket.socket()


def peer_connect(fw, port: int, timeout: float = 10.0) -> socket.socket:
    with netns(fw.ns_name):
        return socket.create_connection((fw.ip, port), timeout=timeout)


def peer_listener(fw, port: int = 0) -> socket.socket:
    with netns(fw.ns_name):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((fh.PEER_IP, port))
        s.listen(4)
        s.settimeout(10)
        return s


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recv_all(s: socket.socket, limit: Optional[int] = None) -> bytes:
    """Read until EOF (or `limit` bytes)."""
    out = bytearray()
    while limit is None or len(out) < limit:
        d = s.recv(1 << 16)
        if not d:
            break
        out += d
    return bytes(out)


# ---------------------------------------------------------------- firmware state

def netstat(fw) -> tuple[list[dict], list[dict]]:
    """`netstat -m`: (TCBs, TIME_WAIT entries), each a list of key=value dicts."""
    tcbs, tws = [], []
    for line in fw.cmd("netstat -m").splitlines():
        m = re.match(r"^(tcb|tw):\s+(.*)$", line.strip())
        if m:
            d = dict(kv.partition("=")[::2] for kv in m.group(2).split())
            (tcbs if m.group(1) == "tcb" else tws).append(d)
    return tcbs, tws


def tcb_for(fw, remote: str) -> Optional[dict]:
    return next((t for t in netstat(fw)[0] if t.get("remote") == remote), None)


def tw_for(fw, remote: str, local: Optional[str] = None) -> Optional[dict]:
    return next((w for w in netstat(fw)[1] if w.get("remote") == remote
                 and (local is None or w.get("local") == local)), None)


def tcp_stats(fw) -> dict[str, int]:
    """`stats` sections tcp:, tcp.tw: and the services', as ints."""
    out: dict[str, int] = {}
    for sec, rec in fw.stats().items():
        for k, v in rec.items():
            if v.lstrip("-").isdigit():
                out[f"{sec}.{k}"] = int(v)
    return out


def state_log(fw, mark: int, remote: str) -> list[tuple[str, str, str]]:
    """(from, to, reason) of the `log tcp on` lines for `remote` since `mark`."""
    text = fw.console.text_since(mark).replace("\r", "")
    # not anchored: an asynchronous line may follow the prompt on its line
    rx = re.compile(rf"\btcb \d+ {re.escape(remote)} (\w+) -> (\w+) \((\S+)\)")
    return [m.groups() for m in rx.finditer(text)]


def wait_state_log(fw, mark: int, remote: str, frm: str, to: str,
                   timeout: float = 5.0) -> list[tuple[str, str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        log = state_log(fw, mark, remote)
        if any(f == frm and t == to for f, t, _ in log):
            return log
        if time.monotonic() > deadline:
            raise AssertionError(f"no '{remote} {frm} -> {to}' logged; saw {log}")
        time.sleep(0.05)


def wait_until(pred: Callable[[], object], timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out ({timeout} s) waiting for {what}")
        time.sleep(step)


def ss(fw) -> list[tuple[str, str, str]]:
    """(state, local, peer) of every TCP socket on the peer side."""
    r = fw.run(["ss", "-tanH"])
    out = []
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) >= 5:
            out.append((f[0], f[3], f[4]))
    return out


def ss_state(fw, local: str, peer: str) -> Optional[str]:
    return next((st for st, lo, pe in ss(fw) if lo == local and pe == peer), None)


# ---------------------------------------------------------------- pcaps and ladders

def segments(pcap: Path, port: Optional[int] = None) -> list:
    """ladder.Seg list of the pcap (optionally of one peer port)."""
    segs = ladder.read_segments(str(pcap))
    if port is None:
        return segs
    return [s for s in segs if port in (s.src[1], s.dst[1])]


def exchange(segs) -> str:
    """packetdrill-like dump for failure messages."""
    if not segs:
        return "(no segments)"
    t0 = segs[0].t
    return "\n".join(f"{(s.t - t0) * 1000:9.3f} ms {s.src[0]}:{s.src[1]} > "
                     f"{s.dst[0]}:{s.dst[1]} {s.flags:<3} seq={s.seq} ack={s.ack} len={s.len}"
                     for s in segs)


def save_ladder(fw, request, conn: Optional[str] = None) -> tuple[Path, list]:
    """Close the test's pcap (the fixture keeps it if the test fails) and
    draw the connection (`conn` "ip:port-ip:port", else the last one that
    ended) as build/e2e/<test>.ladder.{txt,svg}. Returns (pcap, segments)."""
    pcap = fw.stop_capture()
    assert pcap is not None and pcap.exists(), "no pcap for this test"
    base = pcap.parent / (pcap.stem + ".ladder")
    lad = ladder.draw(str(pcap), svg=str(base) + ".svg", text=str(base) + ".txt", conn=conn)
    assert lad is not None, f"no TCP connection in {pcap}"
    return pcap, ladder.read_segments(str(pcap))


# ---------------------------------------------------------------- crafted peer

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def _frames_in(sock: socket.socket, stopped: Callable[[], bool]):
    """Frames that arrive on the raw socket (not our own), until `stopped`
    or the socket is closed."""
    while not stopped():
        try:
            data, addr = sock.recvfrom(2048)
        except socket.timeout:
            continue
        except OSError:
            return
        if addr[2] != PACKET_OUTGOING:
            yield data


class CraftedPeer:
    """A TCP peer made of Scapy frames on the tap, at an address the kernel
    does not own. Frames from the firmware to it are queued for expect()."""

    IP = "192.0.2.3"
    MAC = "02:00:00:00:02:03"

    def __init__(self, fw, iface: Optional[str] = None) -> None:
        from scapy.all import ARP, IP, TCP, Ether  # noqa: F401 - slow import, once
        self.fw = fw
        self.fw_mac = fw.mac
        self.iface = iface or fw.ns.tap
        with netns(fw.ns_name):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            self.sock.bind((self.iface, 0))
        self.sock.settimeout(0.2)
        self.q: "queue.Queue" = queue.Queue()
        self._stop = False
        self._t = threading.Thread(target=self._reader, daemon=True, name="crafted-peer")
        self._t.start()
        self.announce()

    # -- frames
    def _reader(self) -> None:
        from scapy.all import ARP, IP, TCP, Ether
        for data in _frames_in(self.sock, lambda: self._stop):
            pkt = Ether(data)
            if ARP in pkt and pkt[ARP].op == 1 and pkt[ARP].pdst == self.IP:
                self._send_raw(bytes(Ether(src=self.MAC, dst=pkt.src) /
                                     ARP(op=2, hwsrc=self.MAC, psrc=self.IP,
                                         hwdst=pkt[ARP].hwsrc, pdst=pkt[ARP].psrc)))
            elif IP in pkt and TCP in pkt and pkt[IP].dst == self.IP:
                self.q.put((time.monotonic(), pkt[TCP]))

    def _send_raw(self, frame: bytes) -> None:
        self.sock.send(frame)

    def announce(self) -> None:
        """An ARP request for the firmware from us: lwIP learns our MAC
        (RFC 826: the target updates its table from the request)."""
        from scapy.all import ARP, Ether
        self._send_raw(bytes(Ether(src=self.MAC, dst="ff:ff:ff:ff:ff:ff") /
                             ARP(op=1, hwsrc=self.MAC, psrc=self.IP, pdst=self.fw.ip)))
        time.sleep(0.05)

    def send(self, sport: int, dport: int, flags: str, seq: int, ack: int = 0,
             payload: bytes = b"", window: int = 8192, options=None) -> None:
        from scapy.all import IP, TCP, Ether, Raw
        tcp = TCP(sport=sport, dport=dport, flags=flags, seq=seq % (1 << 32),
                  ack=ack % (1 << 32), window=window, options=options or [])
        pkt = Ether(src=self.MAC, dst=self.fw_mac) / IP(src=self.IP, dst=self.fw.ip) / tcp
        if payload:
            pkt = pkt / Raw(payload)
        self._send_raw(bytes(pkt))

    def expect(self, pred: Callable = lambda t: True, timeout: float = 2.0):
        """The next segment from the firmware matching `pred` (others are
        skipped), or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                _, t = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if pred(t):
                return t

    def nothing(self, timeout: float = 0.5) -> list:
        """Everything the firmware sent us within `timeout` (expected: [])."""
        got = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.q.get(timeout=left)[1])
            except queue.Empty:
                break
        return got

    def drain(self) -> None:
        while not self.q.empty():
            self.q.get_nowait()

    def close(self) -> None:
        self._stop = True
        self._t.join(timeout=1)
        self.sock.close()


def flags_of(t) -> str:
    return str(t.flags)


class CraftedConn:
    """One crafted connection: our sequence numbers and the firmware's."""

    def __init__(self, peer: CraftedPeer, dport: int, sport: int, iss: int = 1000) -> None:
        self.peer, self.dport, self.sport = peer, dport, sport
        self.iss = iss
        self.snd_nxt = iss      # ours
        self.rcv_nxt = 0        # the firmware's next sequence number
        self.irs = 0

    @property
    def remote(self) -> str:
        """Our end as netstat prints it (an IPv6 peer in brackets)."""
        ip = self.peer.IP
        return f"[{ip}]:{self.sport}" if ":" in ip else f"{ip}:{self.sport}"

    def mine(self, t) -> bool:
        return t.sport == self.dport and t.dport == self.sport

    def send(self, flags: str, seq: Optional[int] = None, ack: Optional[int] = None,
             payload: bytes = b"", window: int = 8192) -> None:
        self.peer.send(self.sport, self.dport, flags,
                       self.snd_nxt if seq is None else seq,
                       self.rcv_nxt if ack is None else ack, payload, window)

    def expect(self, pred: Callable = lambda t: True, timeout: float = 2.0):
        return self.peer.expect(lambda t: self.mine(t) and pred(t), timeout)

    def open(self) -> None:
        """SYN -> SYN-ACK -> ACK (RFC 9293 3.5)."""
        self.send("S", seq=self.iss, ack=0)
        sa = self.expect(lambda t: flags_of(t) == "SA")
        assert sa is not None, f"no SYN-ACK from port {self.dport}"
        assert sa.ack == (self.iss + 1) % (1 << 32)
        self.snd_nxt = self.iss + 1
        self.irs = sa.seq
        self.rcv_nxt = (sa.seq + 1) % (1 << 32)
        self.send("A")

    def accept(self, timeout: float = 3.0) -> None:
        """The firmware's SYN to us (console `connect`): SYN-ACK, its ACK."""
        syn = self.peer.expect(lambda t: flags_of(t) == "S" and t.dport == self.sport, timeout)
        assert syn is not None, f"no SYN to port {self.sport}"
        self.dport = syn.sport
        self.irs = syn.seq
        self.rcv_nxt = (syn.seq + 1) % (1 << 32)
        self.send("SA", seq=self.iss)
        self.snd_nxt = self.iss + 1
        ack = self.expect(lambda t: "A" in flags_of(t))
        assert ack is not None and ack.ack == self.snd_nxt % (1 << 32), "no ACK of our SYN-ACK"

    def take(self, t) -> None:
        """Account the firmware's segment `t` (payload and FIN) in rcv_nxt."""
        n = len(bytes(t.payload)) + (1 if "F" in flags_of(t) else 0)
        self.rcv_nxt = (t.seq + n) % (1 << 32)

    def read_until_fin(self, timeout: float = 3.0) -> bytes:
        """ACK the firmware's data until its FIN; the FIN is not ACKed."""
        data = b""
        deadline = time.monotonic() + timeout
        while True:
            t = self.expect(lambda x: len(bytes(x.payload)) > 0 or "F" in flags_of(x),
                            deadline - time.monotonic())
            assert t is not None, f"no FIN from port {self.dport}; got {data!r}"
            if t.seq == self.rcv_nxt:
                data += bytes(t.payload)
                self.take(t)
            if "F" in flags_of(t):
                return data
            self.send("A")


# ---------------------------------------------------------------- raw frames (floods)

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
ETH_P_IP, ETH_P_ARP = 0x0800, 0x0806


def _mac_bytes(mac: str) -> bytes:
    return bytes(int(b, 16) for b in mac.split(":"))


def _csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_frame(src_mac: str, dst_mac: str, src_ip: str, dst_ip: str, sport: int, dport: int,
              seq: int, ack: int, flags: int, window: int, payload: bytes = b"",
              mss: Optional[int] = None) -> bytes:
    """One Ethernet/IPv4/TCP frame, checksums included, built without Scapy
    (fast enough to flood from Python)."""
    opts = struct.pack("!BBH", 2, 4, mss) if mss else b""
    src, dst = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq % (1 << 32), ack % (1 << 32),
                      (5 + len(opts) // 4) << 4, flags, window, 0, 0) + opts + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", _csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
    return _mac_bytes(dst_mac) + _mac_bytes(src_mac) + struct.pack("!H", ETH_P_IP) + ip + tcp


class FramePeer:
    """Raw frames on the tap from the namespace, for floods: sends what it
    is given and answers ARP for the addresses in `answer` (others, spoofed
    ones, stay unresolved). With capture on it keeps (src_ip, TCP header
    fields) of the firmware's segments to those addresses; ARP requests the
    firmware sends are counted per target address. Parsing is struct-only,
    so a flood's replies cost little CPU."""

    def __init__(self, fw, answer: dict[str, str]) -> None:
        self.fw = fw
        self.answer = {socket.inet_aton(ip): _mac_bytes(mac) for ip, mac in answer.items()}
        self.fw_mac = _mac_bytes(fw.mac)
        with netns(fw.ns_name):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            self.sock.bind((fw.ns.tap, 0))
        self.sock.settimeout(0.2)
        self.capture = False
        self.segs: "queue.Queue" = queue.Queue()
        self.arp_requests: dict[str, int] = {}
        self._stop = False
        self._t = threading.Thread(target=self._reader, daemon=True, name="frame-peer")
        self._t.start()

    def _reader(self) -> None:
        for data in _frames_in(self.sock, lambda: self._stop):
            if data[6:12] != self.fw_mac:
                continue
            etype = struct.unpack("!H", data[12:14])[0]
            if etype == ETH_P_ARP and data[20:22] == b"\x00\x01":
                target = data[38:42]
                ip = socket.inet_ntoa(target)
                self.arp_requests[ip] = self.arp_requests.get(ip, 0) + 1
                mac = self.answer.get(target)
                if mac:
                    reply = (data[6:12] + mac + struct.pack("!H", ETH_P_ARP) +
                             struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 2) + mac + target +
                             data[22:28] + data[28:32])
                    self.sock.send(reply)
            elif etype == ETH_P_IP and self.capture and data[23] == 6 and data[30:34] in self.answer:
                ihl = (data[14] & 0x0F) * 4
                t = data[14 + ihl:]
                sport, dport, seq, ack, _off, flags, wnd = struct.unpack("!HHIIBBH", t[:16])
                self.segs.put((dport, sport, seq, ack, flags, wnd))

    def send(self, frame: bytes) -> None:
        self.sock.send(frame)

    def announce(self, ip: str) -> None:
        """A gratuitous ARP request for the firmware from `ip` (one we answer
        for): lwIP learns the address (RFC 826)."""
        mac = self.answer[socket.inet_aton(ip)]
        frame = (b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP) +
                 struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 1) + mac + socket.inet_aton(ip) +
                 b"\0" * 6 + socket.inet_aton(self.fw.ip))
        self.sock.send(frame)

    def expect(self, pred: Callable, timeout: float = 2.0):
        """The next captured (dport, sport, seq, ack, flags, wnd) matching `pred`."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                seg = self.segs.get(timeout=left)
            except queue.Empty:
                return None
            if pred(seg):
                return seg
        return None

    def close(self) -> None:
        self._stop = True
        self._t.join(timeout=1)
        self.sock.close()


# ---------------------------------------------------------------- HTTP load

def ab(fw, path: str, n: int, c: int, port: int = 80) -> dict:
    """ApacheBench (HTTP/1.0) from the namespace: its counts and rate."""
    r = fw.run(["ab", "-q", "-s", "20", "-n", str(n), "-c", str(c), f"http://{fw.ip}:{port}{path}"],
               timeout=240)
    out = {"rc": r.returncode, "text": r.stdout + r.stderr}
    for key, rx in (("complete", r"^Complete requests:\s+(\d+)$"), ("failed", r"^Failed requests:\s+(\d+)$"),
                    ("non2xx", r"^Non-2xx responses:\s+(\d+)$"), ("rate", r"^Requests per second:\s+([\d.]+)")):
        m = re.search(rx, r.stdout, re.M)
        out[key] = float(m.group(1)) if m else (0 if key == "non2xx" else None)
    return out

