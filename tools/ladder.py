#!/usr/bin/python3
"""ladder: draw one TCP connection from a pcap as a ladder diagram.

    ladder.py PCAP [--conn IP:PORT-IP:PORT] [--svg OUT.svg] [--text OUT.txt]

The two hosts are columns: the firmware (192.0.2.2 or 2001:db8::2) on the
left when it takes part, else whoever sent first. Each segment is an arrow labelled with
flags, seq/ack relative to each side's ISN and the payload length; beside
each column stands the TCP state that side enters, from a small RFC 9293
state tracker run for both ends over the segments seen.

The pcap is taken at the left host (QEMU's filter-dump sits at the
firmware's NIC), so the left side sends and receives at the times shown.
The right side's receipt of a left segment is known only from its ACKs: if
its next ACK does not yet cover the segment, the two crossed on the wire
(simultaneous close, or a loss), and the right side processes it just
before it sends the first ACK that does.

Without --conn, the last connection with a FIN or RST is drawn and the
others are listed on stderr. Text goes to stdout unless --text is given.
"""

import argparse
import sys
from xml.sax.saxutils import escape

FW_IP = "192.0.2.2"
FW_IP6 = "2001:db8::2"
FW_IPS = (FW_IP, FW_IP6)
SEQ_MOD = 1 << 32
FLAG_NAMES = (("S", "SYN"), ("F", "FIN"), ("R", "RST"), ("P", "PSH"),
              ("A", "ACK"), ("U", "URG"), ("E", "ECE"), ("C", "CWR"))

LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED = "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED"
FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT = "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "TIME_WAIT"
CLOSE_WAIT, LAST_ACK, CLOSED = "CLOSE_WAIT", "LAST_ACK", "CLOSED"


def seq_diff(a, b):
    """a - b in sequence space (RFC 9293 section 3.4: arithmetic mod 2**32)."""
    d = (a - b) % SEQ_MOD
    return d - SEQ_MOD if d >= SEQ_MOD // 2 else d


class Seg:
    """One TCP segment: what the ladder draws, the options the loss
    tests look at (MSS, SACK-permitted, SACK blocks as (left, right)), and
    its payload bytes (what an application test looks for, e.g. MQTT's
    PINGREQ)."""

    def __init__(self, t, src, dst, flags, seq, ack, length, mss=None, sack_ok=False, sacks=None,
                 payload=b""):
        self.t, self.src, self.dst = t, src, dst
        self.flags, self.seq, self.ack, self.len = flags, seq, ack, length
        self.mss, self.sack_ok, self.sacks = mss, sack_ok, sacks or []
        self.payload = payload

    def has(self, letter):
        return letter in self.flags

    def end(self):
        """First sequence number after this segment's data."""
        return (self.seq + self.len) % SEQ_MOD

    def seq_end(self):
        """First sequence number after this segment (SYN and FIN count one)."""
        return (self.seq + self.len + self.has("S") + self.has("F")) % SEQ_MOD


def read_segments(path):
    from scapy.all import IP, TCP, IPv6, rdpcap     # slow import: only when reading
    segs = []
    for pkt in rdpcap(str(path)):
        if TCP not in pkt:
            continue
        tcp = pkt[TCP]
        if IP in pkt:
            ip = pkt[IP]
            length = max(0, ip.len - ip.ihl * 4 - tcp.dataofs * 4)
        elif IPv6 in pkt and pkt[IPv6].nh == 6:    # no extension headers: finwait sends none
            ip = pkt[IPv6]
            length = max(0, ip.plen - tcp.dataofs * 4)
        else:
            continue
        s = Seg(float(pkt.time), (ip.src, tcp.sport), (ip.dst, tcp.dport),
                str(tcp.flags), tcp.seq, tcp.ack, length, payload=bytes(tcp.payload)[:length])
        for name, val in tcp.options:
            if name == "MSS":
                s.mss = int(val)
            elif name == "SAckOK":
                s.sack_ok = True
            elif name == "SAck":
                vals = list(val)
                s.sacks = [(vals[i], vals[i + 1]) for i in range(0, len(vals) - 1, 2)]
        segs.append(s)
    return segs


def split_connections(segs):
    """Group by 4-tuple; a SYN after a FIN or RST starts a new connection."""
    conns, current = [], {}
    for s in segs:
        key = frozenset((s.src, s.dst))
        conn = current.get(key)
        ended = conn and any(x.has("F") or x.has("R") for x in conn)
        if conn is None or (ended and s.has("S") and not s.has("A")):
            conn = current[key] = []
            conns.append(conn)
        conn.append(s)
    return conns


def describe(conn):
    a, b = conn[0].src, conn[0].dst
    flags = "".join(sorted(set("".join(s.flags for s in conn))))
    return "%s:%d-%s:%d (%d segments, flags %s)" % (a + b + (len(conn), flags))


def parse_conn(text):
    ends = []
    for part in text.split("-"):
        host, _, port = part.rpartition(":")
        ends.append((host.strip("[]"), int(port)))
    return frozenset(ends)


def choose(conns, spec=None):
    """The connection to draw: matching --conn, else the last one that ended."""
    if spec is not None:
        match = [c for c in conns if frozenset((c[0].src, c[0].dst)) == parse_conn(spec)]
    else:
        match = [c for c in conns if any(s.has("F") or s.has("R") for s in c)] or conns
    return match[-1] if match else None


class End:
    """RFC 9293 state of one end, driven by the segments it sends and gets."""

    def __init__(self, state):
        self.state, self.isn, self.rcv_nxt, self.fin_end = state, None, None, None

    def send(self, s):
        if self.isn is None:
            self.isn = s.seq
        if s.has("R"):
            self.state = CLOSED
        elif s.has("S") and not s.has("A"):
            self.state = SYN_SENT
        elif s.has("S"):
            self.state = SYN_RCVD
        elif s.has("F") and self.fin_end is None:
            self.fin_end = s.seq_end()
            self.state = {ESTABLISHED: FIN_WAIT_1, SYN_RCVD: FIN_WAIT_1,
                          CLOSE_WAIT: LAST_ACK}.get(self.state, self.state)

    def recv(self, s):
        """Process s; return a note when the segment is not simply taken."""
        if s.has("R"):
            return self._recv_rst(s)
        if s.has("S"):
            self.rcv_nxt = (s.seq + 1) % SEQ_MOD
            self.state = {LISTEN: SYN_RCVD, CLOSED: SYN_RCVD, SYN_SENT: (
                ESTABLISHED if s.has("A") else SYN_RCVD)}.get(self.state, self.state)
            return None
        if s.has("A"):
            self._recv_ack(s.ack)
        return self._recv_text_and_fin(s)

    def _recv_rst(self, s):
        if self.state == TIME_WAIT:
            return "RST ignored in TIME_WAIT (RFC 1337)"
        if self.state == LISTEN:
            return "RST ignored in LISTEN"
        # RFC 5961 section 3.2: only a RST at exactly RCV.NXT resets.
        if self.state != SYN_SENT and self.rcv_nxt is not None and s.seq != self.rcv_nxt:
            return "RST not at RCV.NXT: challenge ACK expected"
        self.state = CLOSED
        return None

    def _recv_ack(self, ack):
        if self.state == SYN_RCVD and self.isn is not None and ack == (self.isn + 1) % SEQ_MOD:
            self.state = ESTABLISHED
        if self.fin_end is not None and seq_diff(ack, self.fin_end) >= 0:
            self.state = {FIN_WAIT_1: FIN_WAIT_2, CLOSING: TIME_WAIT,
                          LAST_ACK: CLOSED}.get(self.state, self.state)

    def _recv_text_and_fin(self, s):
        if self.rcv_nxt is None:
            self.rcv_nxt = s.seq
        end = (s.seq + s.len) % SEQ_MOD
        if seq_diff(s.seq, self.rcv_nxt) <= 0 < seq_diff(end, self.rcv_nxt):
            self.rcv_nxt = end
        if not s.has("F"):
            return None
        if end == self.rcv_nxt:
            self.rcv_nxt = (end + 1) % SEQ_MOD
            self.state = {ESTABLISHED: CLOSE_WAIT, SYN_RCVD: CLOSE_WAIT, FIN_WAIT_1: CLOSING,
                          FIN_WAIT_2: TIME_WAIT}.get(self.state, self.state)
            return None
        if (end + 1) % SEQ_MOD == self.rcv_nxt:
            return "FIN again: 2MSL restarts" if self.state == TIME_WAIT else "FIN again"
        return "FIN not at RCV.NXT: not taken"


class Row:
    def __init__(self, seg, rightward):
        self.seg, self.rightward = seg, rightward
        self.states, self.entered, self.notes = None, ([], []), []


class Ladder:
    """The rows of one connection and each side's states; left is the capture side."""

    def __init__(self, conn):
        ips = {s.src[0] for s in conn}
        first = conn[0]
        fw = ips & set(FW_IPS)
        self.left = first.src if not fw or first.src[0] in fw else first.dst
        self.right = first.dst if self.left == first.src else first.src
        opening = first.has("S") and not first.has("A")
        ends = {first.src: End(CLOSED if opening else ESTABLISHED),
                first.dst: End(LISTEN if opening else ESTABLISHED)}
        self.ends = (ends[self.left], ends[self.right])
        self.initial = tuple(e.state for e in self.ends)
        self.rows = [Row(s, s.src == self.left) for s in conn]
        self._run(self._delivery_points())
        self.final = tuple(e.state for e in self.ends)

    def _delivery_points(self):
        """For each left->right row, the row before which the right side gets it."""
        at, floor = {}, 0
        acks = [i for i, r in enumerate(self.rows) if not r.rightward and r.seg.has("A")]
        for i, r in enumerate(self.rows):
            if not r.rightward:
                continue
            later = [j for j in acks if j > i]
            covers = [j for j in later
                      if seq_diff(self.rows[j].seg.ack, r.seg.seq_end()) >= 0]
            j = i if not later or covers[:1] == later[:1] else (
                covers[0] if covers else len(self.rows))
            floor = at[i] = max(j, floor)        # the wire keeps order
        return at

    def _run(self, at):
        left, right = self.ends
        for j, row in enumerate(self.rows):
            for i in sorted(i for i, k in at.items() if k == j and i != j):
                self._note(self.rows[i], self._step(row, 1, right.recv, self.rows[i].seg),
                           "right side later: they crossed")
            s = row.seg
            src, dst = (0, 1) if row.rightward else (1, 0)
            if self.ends[dst].isn is None and s.has("A") and not s.has("S"):
                self.ends[dst].isn = s.ack      # joined mid-connection: no SYN to go by
            self._step(row, src, self.ends[src].send, s)
            if not row.rightward or at[j] == j:
                self._note(row, self._step(row, dst, self.ends[dst].recv, s))
            row.states = (left.state, right.state)
        for i in sorted(i for i, k in at.items() if k == len(self.rows)):
            self._note(self.rows[i], self._step(self.rows[-1], 1, right.recv, self.rows[i].seg),
                       "right side after the capture")

    def _step(self, row, side, handler, seg):
        """Run one end's handler; record the state it enters on this row."""
        before = self.ends[side].state
        note = handler(seg)
        if self.ends[side].state != before:
            row.entered[side].append(self.ends[side].state)
        return note

    @staticmethod
    def _note(row, note, where=None):
        if note:
            row.notes.append(note)
        elif where:
            row.notes.append("taken by the " + where)

    def label(self, row):
        s = row.seg
        src, dst = (self.ends[0], self.ends[1]) if row.rightward else (self.ends[1], self.ends[0])
        text = ",".join(name for letter, name in FLAG_NAMES if s.has(letter))
        text += " seq=%d" % seq_diff(s.seq, src.isn)
        if s.has("A") and dst.isn is not None:
            text += " ack=%d" % seq_diff(s.ack, dst.isn)
        return text + (" len=%d" % s.len if s.len else "")


def host(addr):
    return ("[%s]:%d" if ":" in addr[0] else "%s:%d") % addr


ARROW_W, STATE_W = 44, 12


def arrow(text, rightward):
    body = " %s " % text
    pad = max(4, ARROW_W - len(body) - 1)
    head, tail = "-" * (pad // 2), "-" * (pad - pad // 2)
    return head + body + tail + ">" if rightward else "<" + head + body + tail


def render_text(lad):
    t0 = lad.rows[0].seg.t
    head = "%10s  %-*s %-*s  %s"
    lines = [head % ("time", STATE_W, host(lad.left), ARROW_W, "", host(lad.right)),
             head % ("", STATE_W, lad.initial[0], ARROW_W, "", lad.initial[1])]
    for row in lad.rows:
        ls, rs = (">".join(e) for e in row.entered)
        line = "%10.6f  %-*s %s  %-*s" % (row.seg.t - t0, STATE_W, ls,
                                          arrow(lad.label(row), row.rightward), STATE_W, rs)
        if row.notes:
            line += "  (" + "; ".join(row.notes) + ")"
        lines.append(line.rstrip())
    lines.append("final: %s %s, %s %s" % (host(lad.left), lad.final[0],
                                          host(lad.right), lad.final[1]))
    return "\n".join(lines) + "\n"


SVG_LX, SVG_RX, SVG_W, ROW_H, TOP = 250, 610, 860, 36, 70
COLOURS = {"S": "#1f5fbf", "F": "#c0392b", "R": "#000000"}


def svg_text(x, y, text, anchor="start", extra=""):
    return '<text x="%d" y="%d" text-anchor="%s"%s>%s</text>' % (x, y, anchor, extra,
                                                                  escape(text))


def render_svg(lad):
    height = TOP + ROW_H * (len(lad.rows) + 1) + 20
    t0 = lad.rows[0].seg.t
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="monospace" font-size="12">' % (SVG_W, height),
           '<defs><marker id="head" markerWidth="10" markerHeight="8" refX="9" refY="4" '
           'orient="auto"><path d="M0,0 L10,4 L0,8 z"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>']
    for x, addr, state in ((SVG_LX, lad.left, lad.initial[0]), (SVG_RX, lad.right, lad.initial[1])):
        out.append(svg_text(x, 24, host(addr), "middle", ' font-weight="bold"'))
        out.append(svg_text(x, 42, state, "middle", ' class="state"'))
        out.append('<line x1="%d" y1="50" x2="%d" y2="%d" stroke="#888"/>' % (x, x, height - 10))
    for n, row in enumerate(lad.rows):
        y = TOP + ROW_H * n
        x1, x2 = (SVG_LX, SVG_RX) if row.rightward else (SVG_RX, SVG_LX)
        colour = next((c for f, c in COLOURS.items() if row.seg.has(f)), "#555")
        out.append('<line class="seg" x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                   'marker-end="url(#head)"/>' % (x1, y, x2, y + ROW_H // 2, colour))
        out.append(svg_text((SVG_LX + SVG_RX) // 2, y + 4, lad.label(row), "middle",
                            ' fill="%s"' % colour))
        out.append(svg_text(10, y + 4, "%.6f" % (row.seg.t - t0)))
        for side, x, anchor in ((0, SVG_LX - 8, "end"), (1, SVG_RX + 8, "start")):
            for k, state in enumerate(row.entered[side]):
                out.append(svg_text(x, y + ROW_H // 2 + 4 + 13 * k, state, anchor,
                                    ' class="state"'))
        if row.notes:
            out.append(svg_text((SVG_LX + SVG_RX) // 2, y + ROW_H // 2 + 14,
                                "; ".join(row.notes), "middle", ' font-style="italic"'))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def draw(pcap, svg=None, text=None, conn=None):
    """Read pcap, draw the chosen connection; return the Ladder (None if no TCP)."""
    chosen = choose(split_connections(read_segments(pcap)), conn)
    if chosen is None:
        return None
    lad = Ladder(chosen)
    for path, render in ((svg, render_svg), (text, render_text)):
        if path:
            with open(path, "w") as f:
                f.write(render(lad))
    return lad


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pcap")
    p.add_argument("--conn", metavar="IP:PORT-IP:PORT", help="the connection to draw")
    p.add_argument("--svg", metavar="OUT.svg")
    p.add_argument("--text", metavar="OUT.txt")
    args = p.parse_args(argv)
    conns = split_connections(read_segments(args.pcap))
    chosen = choose(conns, args.conn)
    if chosen is None:
        print("ladder: no such TCP connection in %s" % args.pcap, file=sys.stderr)
        return 1
    for c in conns:
        if c is not chosen:
            print("ladder: also in the pcap: " + describe(c), file=sys.stderr)
    lad = Ladder(chosen)
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(render_svg(lad))
    if args.text:
        with open(args.text, "w") as f:
            f.write(render_text(lad))
    else:
        sys.stdout.write(render_text(lad))
    return 0


if __name__ == "__main__":
    sys.exit(main())
