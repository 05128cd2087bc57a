#!/usr/bin/python3
"""netem_relay: a seeded userspace fault injector between QEMU and a tap.

The kernel on the test machines has no sch_netem, so frames between the
firmware's NIC and the Linux peer pass through this relay instead:

    QEMU  -netdev dgram,id=n0,local.type=inet,local.host=127.0.0.1,
          local.port=FW_SEND_PORT,remote.type=inet,remote.host=127.0.0.1,
          remote.port=FW_LISTEN_PORT
      <-- one UDP datagram per Ethernet frame -->  netem_relay
      <-- /dev/net/tun (IFF_TAP|IFF_NO_PI) -->     tap in the namespace

Directions: "to_fw" (tap -> QEMU) and "from_fw" (QEMU -> tap). Each has
its own loss %, duplication %, reordering % and delay + jitter. Every random
choice comes from a random.Random of its direction, both derived from the
seed, and each frame always consumes the same four draws, so a run replays
exactly given the same frames in each direction, however QEMU's timing
interleaves the two directions.
The seed is printed at start.

Per frame, in order: drop rules (below); random loss; random duplication
(the copy leaves right behind the original); random reordering (the frame
is held back and released right after the next N frames of its direction,
or after D ms, whichever comes first); delay = fixed + uniform(-jitter,
+jitter), never earlier than the frame before it in the same direction, so
only the reorder knob reorders.

Drop rules ("lose exactly the segments that matter"): --drop-rule takes a
comma-separated list of key=value terms, all of which must hold:

    dir=to_fw|from_fw        direction (default: both)
    tcp_flags=FA             TCP with all of these flags set
    tcp_noflags=S            TCP with none of these flags set
                             (flag letters: F S R P A U E C)
    sport=N  dport=N  port=N TCP source / destination / either port
    payload=empty|data       TCP payload length zero / non-zero
    after_fin=to_fw|from_fw|any
                             only once a FIN has passed the relay (dropped or
                             not) in that direction, earlier than this frame
    per_conn=1               nth, count and after_fin apply per TCP
                             connection (4-tuple) instead of globally
    nth=N                    the first matching frame to drop (default 1)
    count=N|all              how many matches to drop from nth on (default 1)

Any tcp_/port/payload/after_fin term makes the rule match TCP frames only.
Every rule counts its own matches over every frame, whatever other rules
do, and a frame is dropped if any rule drops it. Examples:

    dir=to_fw,tcp_flags=F                 the first FIN sent to the firmware
    dir=from_fw,tcp_flags=F,nth=2         the firmware's first FIN retransmit
    dir=from_fw,tcp_flags=A,tcp_noflags=F,payload=empty,after_fin=to_fw
                                          the firmware's ACK of the peer's FIN
    dir=to_fw,tcp_flags=F,per_conn=1,count=all
                                          every FIN to the firmware, each conn
    dir=from_fw,payload=data,per_conn=1,nth=20
                                          the firmware's 20th data segment of
                                          each connection (its resend passes)

Counters (per direction, and per rule) are printed on SIGTERM/SIGINT and
written as JSON to --stats then, and on SIGUSR1. Exit status 0 on SIGTERM.
"""

import argparse
import fcntl
import heapq
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

DIRS = ("to_fw", "from_fw")
TCP_FLAG_BITS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08,
                 "A": 0x10, "U": 0x20, "E": 0x40, "C": 0x80}
ETH_HDR_LEN = 14
ETHERTYPE_IPV4 = 0x0800
IPPROTO_TCP = 6
TUNSETIFF = 0x400454CA      # _IOW('T', 202, int), linux/if_tun.h
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
MAX_FRAME = 65536


class TcpInfo:
    """The few TCP fields the rules look at, parsed with struct."""
    __slots__ = ("src", "dst", "sport", "dport", "flags", "paylen")

    def __init__(self, src, dst, sport, dport, flags, paylen):
        self.src, self.dst, self.sport, self.dport = src, dst, sport, dport
        self.flags, self.paylen = flags, paylen

    def conn_key(self):
        a, b = (self.src, self.sport), (self.dst, self.dport)
        return (a, b) if a <= b else (b, a)


def parse_tcp(frame):
    """TcpInfo for an Ethernet/IPv4/TCP frame, None for anything else."""
    if len(frame) < ETH_HDR_LEN + 20:
        return None
    if struct.unpack_from("!H", frame, 12)[0] != ETHERTYPE_IPV4:
        return None
    vihl, tot_len, frag, proto = struct.unpack_from("!BxHxxHxB", frame, ETH_HDR_LEN)
    ihl = (vihl & 0x0F) * 4
    # Only first fragments carry the TCP header; later ones are not TCP to us.
    if vihl >> 4 != 4 or ihl < 20 or proto != IPPROTO_TCP or frag & 0x1FFF:
        return None
    tcp_off = ETH_HDR_LEN + ihl
    if len(frame) < tcp_off + 20 or tot_len < ihl + 20:
        return None
    src, dst = struct.unpack_from("!4s4s", frame, ETH_HDR_LEN + 12)
    sport, dport, doff, flags = struct.unpack_from("!HH8xBB", frame, tcp_off)
    hlen = (doff >> 4) * 4
    if hlen < 20:
        return None
    return TcpInfo(src, dst, sport, dport, flags, max(0, tot_len - ihl - hlen))


def flag_mask(letters):
    try:
        return sum(TCP_FLAG_BITS[c] for c in set(letters.upper()))
    except KeyError as e:
        raise ValueError("unknown TCP flag letter %s (use %s)"
                         % (e, "".join(TCP_FLAG_BITS))) from None


class DropRule:
    """One --drop-rule; see the module docstring for the language."""

    def __init__(self, text):
        self.text = text
        self.dir, self.need, self.refuse = None, 0, 0
        self.sport = self.dport = self.port = self.payload = self.after_fin = None
        self.per_conn, self.nth, self.count = False, 1, 1
        self.tcp_only = False
        for term in filter(None, text.split(",")):
            key, sep, val = term.partition("=")
            if not sep:
                raise ValueError("rule term %r is not key=value" % term)
            self._set(key.strip(), val.strip())
        self.matched = {}       # scope key -> matches so far
        self.fin_seen = {}      # scope key -> set of directions with a FIN seen
        self.hits = 0           # frames this rule dropped

    def _set(self, key, val):
        if key == "dir" and val in DIRS:
            self.dir = val
        elif key == "tcp_flags":
            self.need = flag_mask(val)
        elif key == "tcp_noflags":
            self.refuse = flag_mask(val)
        elif key in ("sport", "dport", "port"):
            setattr(self, key, int(val))
        elif key == "payload" and val in ("empty", "data"):
            self.payload = val
        elif key == "after_fin" and val in DIRS + ("any",):
            self.after_fin = val
        elif key == "per_conn" and val in ("0", "1"):
            self.per_conn = val == "1"
        elif key == "nth" and int(val) >= 1:
            self.nth = int(val)
        elif key == "count" and (val == "all" or int(val) >= 1):
            self.count = None if val == "all" else int(val)
        else:
            raise ValueError("bad rule term %s=%s" % (key, val))
        if key not in ("dir", "nth", "count", "per_conn"):
            self.tcp_only = True

    def _matches(self, direction, tcp, scope):
        if self.dir is not None and direction != self.dir:
            return False
        if tcp is None:
            return not self.tcp_only
        if tcp.flags & self.need != self.need or tcp.flags & self.refuse:
            return False
        if self.sport is not None and tcp.sport != self.sport:
            return False
        if self.dport is not None and tcp.dport != self.dport:
            return False
        if self.port is not None and self.port not in (tcp.sport, tcp.dport):
            return False
        if self.payload is not None and (tcp.paylen == 0) != (self.payload == "empty"):
            return False
        if self.after_fin is not None:
            seen = self.fin_seen.get(scope, ())
            return bool(seen) if self.after_fin == "any" else self.after_fin in seen
        return True

    def judge(self, direction, tcp):
        """True if this frame is to be dropped; also counts the match."""
        scope = tcp.conn_key() if (self.per_conn and tcp is not None) else None
        hit = self._matches(direction, tcp, scope)
        if tcp is not None and tcp.flags & TCP_FLAG_BITS["F"]:
            self.fin_seen.setdefault(scope, set()).add(direction)
        if not hit:
            return False
        n = self.matched[scope] = self.matched.get(scope, 0) + 1
        drop = n >= self.nth and (self.count is None or n < self.nth + self.count)
        self.hits += drop
        return drop


class DirFaults:
    """Random fault settings for one direction."""

    def __init__(self, loss=0.0, dup=0.0, reorder=0.0, reorder_frames=1,
                 reorder_ms=50.0, delay_ms=0.0, jitter_ms=0.0):
        self.loss, self.dup, self.reorder = loss, dup, reorder
        self.reorder_frames, self.reorder_ms = reorder_frames, reorder_ms
        self.delay_ms, self.jitter_ms = delay_ms, jitter_ms


class FaultCore:
    """The fault logic, free of sockets: frames in, (delay, frame) out.

    process(direction, frame, now_ms) returns the frames to emit now, each
    as (delay_ms, frame); expire(now_ms) returns held-back frames whose
    reorder timeout has passed. Time is passed in so tests need no clock.
    """

    def __init__(self, seed, faults=None, rules=()):
        # One generator per direction: replay must not depend on how the
        # two directions happen to interleave.
        self.rng = {d: random.Random(f"{seed}:{d}") for d in DIRS}
        self.faults = {d: (faults or {}).get(d) or DirFaults() for d in DIRS}
        self.rules = list(rules)
        self.held = {d: [] for d in DIRS}       # [frames_left, deadline, frame]
        self.last_release = {d: 0.0 for d in DIRS}
        self.stats = {d: dict.fromkeys(("seen", "emitted", "dropped_rule", "dropped_random",
                                        "duplicated", "reordered", "delayed"), 0)
                      for d in DIRS}

    def _count(self, direction, name):
        self.stats[direction][name] += 1

    def process(self, direction, frame, now_ms):
        f, st = self.faults[direction], self.stats[direction]
        st["seen"] += 1
        # Four draws per frame whatever happens, so one knob does not shift
        # the random sequence the others see.
        r_loss, r_dup, r_reo, r_jit = (self.rng[direction].random() for _ in range(4))
        tcp = parse_tcp(frame)
        if any([rule.judge(direction, tcp) for rule in self.rules]):
            self._count(direction, "dropped_rule")
            return self._release_held(direction, now_ms, [])
        if r_loss < f.loss:
            self._count(direction, "dropped_random")
            return self._release_held(direction, now_ms, [])
        out = [frame]
        if r_dup < f.dup:
            self._count(direction, "duplicated")
            out.append(frame)
        if r_reo < f.reorder:
            self._count(direction, "reordered")
            self.held[direction].append([f.reorder_frames, now_ms + f.reorder_ms, frame])
            out.pop(0)
            return self._release_held(direction, now_ms, out, r_jit, skip_last=True)
        return self._release_held(direction, now_ms, out, r_jit)

    def _release_held(self, direction, now_ms, out, r_jit=0.5, skip_last=False):
        """Count frames passing held ones; a held frame leaves after N."""
        passing = len(out)
        if passing:
            keep = []
            held = self.held[direction]
            for i, h in enumerate(held):
                if skip_last and i == len(held) - 1:
                    keep.append(h)
                    continue
                h[0] -= passing
                (out.append(h[2]) if h[0] <= 0 else keep.append(h))
            self.held[direction] = keep
        self.stats[direction]["emitted"] += len(out)
        return [(self._delay(direction, now_ms, r_jit), fr) for fr in out]

    def _delay(self, direction, now_ms, r_jit):
        f = self.faults[direction]
        if f.delay_ms <= 0 and f.jitter_ms <= 0:
            return 0.0
        d = max(0.0, f.delay_ms + (2 * r_jit - 1) * f.jitter_ms)
        # Keep FIFO order within the direction: jitter alone never reorders.
        release = max(now_ms + d, self.last_release[direction])
        self.last_release[direction] = release
        self._count(direction, "delayed")
        return release - now_ms

    def expire(self, now_ms):
        """Held frames whose reorder timeout passed: [(direction, delay, frame)]."""
        out = []
        for d in DIRS:
            due = [h for h in self.held[d] if h[1] <= now_ms]
            self.held[d] = [h for h in self.held[d] if h[1] > now_ms]
            self.stats[d]["emitted"] += len(due)
            out += [(d, self._delay(d, now_ms, 0.5), h[2]) for h in due]
        return out

    def next_deadline(self):
        return min((h[1] for d in DIRS for h in self.held[d]), default=None)

    def report(self):
        return {"directions": self.stats,
                "rules": [{"rule": r.text, "dropped": r.hits,
                           "matched": sum(r.matched.values())} for r in self.rules]}


class UdpEnd:
    """QEMU's side: one datagram per frame, on loopback."""

    def __init__(self, listen, send):
        self.peer = send
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(listen)
        self.sock.setblocking(False)

    def fileno(self):
        return self.sock.fileno()

    def recv(self):
        return self.sock.recv(MAX_FRAME)

    def send(self, frame):
        self.sock.sendto(frame, self.peer)

    def describe(self):
        return "udp %s:%d -> %s:%d" % (self.sock.getsockname() + self.peer)


class TapEnd:
    """The Linux side: an existing tap opened by name, one read per frame."""

    def __init__(self, name):
        self.name = name
        self.fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        ifr = struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI)
        fcntl.ioctl(self.fd, TUNSETIFF, ifr)

    def fileno(self):
        return self.fd

    def recv(self):
        return os.read(self.fd, MAX_FRAME)

    def send(self, frame):
        os.write(self.fd, frame)

    def describe(self):
        return "tap " + self.name


class Relay:
    """Moves frames between the two ends through a FaultCore."""

    READ_BURST = 64     # frames read per wake-up per end, so neither starves

    def __init__(self, core, fw_end, net_end, stats_path=None, seed=None):
        self.core, self.stats_path, self.seed = core, stats_path, seed
        self.src = {"from_fw": fw_end, "to_fw": net_end}
        self.dst = {"from_fw": net_end, "to_fw": fw_end}
        self.queue = []         # (release_ms, order, direction, frame)
        self.order = 0
        self.io = {"send_errors": 0, "recv_errors": 0}
        self.stop = False
        self.dump_requested = False

    @staticmethod
    def now_ms():
        return time.monotonic() * 1000.0

    def _emit(self, direction, decisions, now):
        for delay, frame in decisions:
            if delay <= 0 and not self.queue:
                self._send(direction, frame)
            else:
                self.order += 1
                heapq.heappush(self.queue, (now + delay, self.order, direction, frame))

    def _send(self, direction, frame):
        try:
            self.dst[direction].send(frame)
        except OSError:
            # QEMU not listening yet, or the tap down: the frame is lost.
            self.io["send_errors"] += 1

    def _pump(self, direction):
        for _ in range(self.READ_BURST):
            try:
                frame = self.src[direction].recv()
            except BlockingIOError:
                return
            except OSError:
                self.io["recv_errors"] += 1
                return
            now = self.now_ms()
            self._emit(direction, self.core.process(direction, frame, now), now)

    def _timeout(self, now):
        times = [t for t in (self.core.next_deadline(),
                             self.queue[0][0] if self.queue else None) if t is not None]
        return max(0.0, (min(times) - now) / 1000.0) if times else None

    def run(self, wake_fd):
        by_fd = {end.fileno(): d for d, end in self.src.items()}
        while not self.stop:
            now = self.now_ms()
            for direction, delay, frame in self.core.expire(now):
                self._emit(direction, [(delay, frame)], now)
            while self.queue and self.queue[0][0] <= now:
                _, _, direction, frame = heapq.heappop(self.queue)
                self._send(direction, frame)
            ready, _, _ = select.select(list(by_fd) + [wake_fd], [], [], self._timeout(now))
            for fd in ready:
                if fd == wake_fd:
                    os.read(wake_fd, 512)
                else:
                    self._pump(by_fd[fd])
            if self.dump_requested:
                self.dump_requested = False
                self.write_stats()

    def report(self):
        rep = self.core.report()
        rep.update(seed=self.seed, io=self.io, pending=len(self.queue) + sum(
            len(h) for h in self.core.held.values()))
        return rep

    def write_stats(self):
        if self.stats_path:
            tmp = self.stats_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.report(), f, indent=1, sort_keys=True)
            os.replace(tmp, self.stats_path)


KNOBS = (("loss", "loss", float, "PCT", "lose PCT%% of frames"),
         ("dup", "dup", float, "PCT", "duplicate PCT%% of frames"),
         ("reorder", "reorder", float, "PCT", "hold back PCT%% of frames ..."),
         ("reorder-frames", "reorder_frames", int, "N", "... until N more passed (1)"),
         ("reorder-ms", "reorder_ms", float, "MS", "... or for MS ms (50)"),
         ("delay", "delay_ms", float, "MS", "delay every frame by MS ms"),
         ("jitter", "jitter_ms", float, "MS", "plus or minus up to MS ms"))
PERCENT = ("loss", "dup", "reorder")


def hostport(text):
    host, _, port = text.rpartition(":")
    return (host or "127.0.0.1", int(port))


def rule_arg(text):
    try:
        return DropRule(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Seeded fault injector between QEMU (-netdev dgram) and a tap.",
        epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, help="random seed (default: fresh, printed)")
    p.add_argument("--fw-listen", type=hostport, required=True, metavar="[HOST:]PORT",
                   help="receive QEMU's frames here (QEMU's remote.port)")
    p.add_argument("--fw-send", type=hostport, required=True, metavar="[HOST:]PORT",
                   help="send frames to QEMU here (QEMU's local.port)")
    net = p.add_mutually_exclusive_group(required=True)
    net.add_argument("--tap", metavar="NAME", help="existing tap device of the peer side")
    net.add_argument("--net-listen", type=hostport, metavar="[HOST:]PORT",
                     help="instead of a tap: a UDP peer (needs --net-send)")
    p.add_argument("--net-send", type=hostport, metavar="[HOST:]PORT")
    p.add_argument("--drop-rule", action="append", default=[], type=rule_arg,
                   metavar="RULE", help="drop matching frames (see below); repeatable")
    p.add_argument("--stats", metavar="FILE", help="write counters as JSON here on exit/SIGUSR1")
    for flag, dest, kind, meta, text in KNOBS:
        p.add_argument("--" + flag, dest=dest, type=kind, metavar=meta,
                       help=text + ", both directions")
        for d in DIRS:
            p.add_argument("--%s-%s" % (d.replace("_", "-"), flag), dest=d + "." + dest,
                           type=kind, metavar=meta, help="the same, %s only" % d)
    args = p.parse_args(argv)
    if args.net_listen and not args.net_send:
        p.error("--net-listen needs --net-send")
    return args


def faults_from_args(args):
    faults = {}
    for d in DIRS:
        kw = {}
        for _, dest, _, _, _ in KNOBS:
            val = getattr(args, d + "." + dest)
            val = getattr(args, dest) if val is None else val
            if val is not None:
                kw[dest] = val / 100.0 if dest in PERCENT else val
        faults[d] = DirFaults(**kw)
    return faults


def main(argv=None):
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    print("netem_relay: seed=%d" % seed, flush=True)
    core = FaultCore(seed, faults_from_args(args), args.drop_rule)
    fw = UdpEnd(args.fw_listen, args.fw_send)
    net = TapEnd(args.tap) if args.tap else UdpEnd(args.net_listen, args.net_send)
    relay = Relay(core, fw, net, args.stats, seed)

    rfd, wfd = os.pipe()
    os.set_blocking(wfd, False)
    signal.set_wakeup_fd(wfd)

    def on_stop(signum, _frame):
        relay.stop = True

    def on_dump(signum, _frame):
        relay.dump_requested = True
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGUSR1, on_dump)
    print("netem_relay: ready, %s <-> %s" % (fw.describe(), net.describe()), flush=True)
    relay.run(rfd)
    relay.write_stats()
    print("netem_relay: " + json.dumps(relay.report(), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
