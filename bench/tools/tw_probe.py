#!/usr/bin/python3
"""2MSL measured on the wire (run inside the test namespace, as root).

One daytime connection (the firmware closes first and ends in TIME_WAIT),
then a 1-byte segment on the same 4-tuple every --interval ms: in TIME_WAIT
both stacks answer it with an ACK (RFC 9293 3.10.7.4: unacceptable, and it
does not restart 2MSL as a FIN would); once the entry is gone the listener
on port 13 answers with RST. Expiry is taken midway between the last probe
answered by ACK and the first answered by RST, counted from the
firmware's ACK of our FIN (the moment it entered TIME_WAIT).
Prints JSON: {"ok": ..., "observed_ms": [...]}.
"""

from __future__ import annotations

import argparse
import json
import socket
import time

from scapy.all import IP, TCP, AsyncSniffer, conf  # noqa: E402

PORT = 13


def one(ip: str, iface: str, interval: float, limit: float) -> float:
    got: list = []   # AsyncSniffer's own results appear only when it stops
    sniff = AsyncSniffer(iface=iface, filter=f"tcp and host {ip} and port {PORT}",
                         prn=got.append, store=False)
    sniff.start()
    time.sleep(0.2)
    s = socket.create_connection((ip, PORT), timeout=3)
    lport = s.getsockname()[1]
    while s.recv(4096):
        pass
    s.close()
    time.sleep(0.2)
    # our FIN and the firmware's ACK of it
    ours = [p for p in got if p[IP].src != ip and p[TCP].sport == lport]
    fin = [p for p in ours if p[TCP].flags & 0x01]
    if not fin:
        raise RuntimeError("our FIN not seen")
    fin_seq = fin[0][TCP].seq
    theirs = [p for p in got if p[IP].src == ip and p[TCP].dport == lport]
    acks = [p for p in theirs if p[TCP].ack == fin_seq + 1]
    fw_fin = [p for p in theirs if p[TCP].flags & 0x01]
    if not acks or not fw_fin:
        raise RuntimeError("firmware's FIN or final ACK not seen")
    t_enter = float(acks[0].time)
    rcv = fw_fin[0][TCP].seq + 1
    sock = conf.L3socket()
    last_ack_t = None
    seen = len(got)
    while time.time() - t_enter < limit:
        t = time.time()
        sock.send(IP(dst=ip) / TCP(sport=lport, dport=PORT, flags="PA", seq=fin_seq + 1,
                                    ack=rcv) / b"x")
        time.sleep(interval)
        new = [p for p in got[seen:]
               if p[IP].src == ip and p[TCP].dport == lport]
        seen = len(got)
        if any(p[TCP].flags & 0x04 for p in new):
            sniff.stop()
            sock.close()
            if last_ack_t is None:
                raise RuntimeError("RST at the first probe: not in TIME_WAIT")
            return ((last_ack_t + t) / 2 - t_enter) * 1000
        if any(p[TCP].flags & 0x10 for p in new):
            last_ack_t = t
    sniff.stop()
    sock.close()
    raise RuntimeError(f"no RST within {limit} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("ip")
    ap.add_argument("--iface", default="fwtap0")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--interval-ms", type=float, default=10)
    ap.add_argument("--limit-s", type=float, default=10)
    a = ap.parse_args()
    conf.verb = 0
    obs = []
    try:
        for _ in range(a.reps):
            obs.append(one(a.ip, a.iface, a.interval_ms / 1000, a.limit_s))
        r = {"ok": True, "observed_ms": obs}
    except (RuntimeError, OSError) as e:
        r = {"ok": False, "error": str(e), "observed_ms": obs}
    print(json.dumps(r))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
