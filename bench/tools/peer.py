#!/usr/bin/python3
"""The Linux side of the benchmarks and of the baseline's e2e test: TCP
clients for echo, discard and daytime, run inside the test namespace
(`ip netns exec NS /usr/bin/python3 bench/tools/peer.py ...`). Each prints
one JSON object on stdout.

  peer.py echo IP --bytes N        send N seeded bytes, read them back, compare
  peer.py discard IP --bytes N     send N bytes, half-close, wait for the FIN
  peer.py daytime IP [--count K]   K daytime connections, the lines they got
  peer.py closerate IP --seconds T daytime connections back to back for T s

Behind the fault relay: --rto-max-ms caps this socket's RTO backoff (Linux
6.15+ TCP_RTO_MAX_MS; ignored where missing), as tests/e2e/test_faults.py
does, and --io-timeout bounds each read.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import random
import socket
import sys
import time

CHUNK = 16384
CONNECT_TIMEOUT_S = 2.0
IO_TIMEOUT_S = 10.0
TCP_RTO_MAX_MS = 44     # linux/tcp.h (6.15+)
RTO_MAX_MS = 0          # --rto-max-ms; 0: the kernel's own backoff


def _connect(ip: str, port: int, timeout: float = CONNECT_TIMEOUT_S) -> socket.socket:
    s = socket.create_connection((ip, port), timeout=timeout)
    s.settimeout(IO_TIMEOUT_S)
    if RTO_MAX_MS:
        try:
            s.setsockopt(socket.IPPROTO_TCP, TCP_RTO_MAX_MS, RTO_MAX_MS)
        except OSError:
            pass
    return s


def _read_to_eof(s: socket.socket) -> bytes:
    parts = []
    while True:
        b = s.recv(CHUNK)
        if not b:
            return b"".join(parts)
        parts.append(b)


def echo(ip: str, port: int, nbytes: int, seed: int) -> dict:
    data = random.Random(seed).randbytes(nbytes)
    t0 = time.monotonic()
    s = _connect(ip, port)
    got = bytearray()
    sent = 0
    s.setblocking(False)
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    deadline = time.monotonic() + IO_TIMEOUT_S + nbytes / 20000
    while len(got) < nbytes:
        if time.monotonic() > deadline:
            raise TimeoutError(f"echo: {len(got)} of {nbytes} bytes back")
        for key, ev in sel.select(timeout=1.0):
            if ev & selectors.EVENT_WRITE and sent < nbytes:
                try:
                    sent += s.send(data[sent:sent + CHUNK])
                except BlockingIOError:
                    pass
                if sent == nbytes:
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    b = s.recv(CHUNK)
                except BlockingIOError:
                    continue
                if not b:
                    raise ConnectionError(f"echo: EOF after {len(got)} bytes")
                got += b
    secs = time.monotonic() - t0
    s.close()   # the client closes first: the firmware does the passive close
    ok = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    return {"ok": ok, "bytes": nbytes, "secs": secs, "kib_per_s": nbytes / 1024 / secs}


def discard(ip: str, port: int, nbytes: int, seed: int) -> dict:
    data = random.Random(seed).randbytes(nbytes)
    t0 = time.monotonic()
    s = _connect(ip, port)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    rest = _read_to_eof(s)   # the FIN comes after every byte was taken
    secs = time.monotonic() - t0
    s.close()
    return {"ok": rest == b"", "bytes": nbytes, "secs": secs,
            "kib_per_s": nbytes / 1024 / secs}


def daytime(ip: str, port: int, count: int) -> dict:
    lines = []
    for _ in range(count):
        s = _connect(ip, port)
        lines.append(_read_to_eof(s).decode("latin-1"))
        s.close()
    return {"ok": True, "lines": lines}


def closerate(ip: str, port: int, seconds: float) -> dict:
    """Daytime connections back to back: the server closes first, so every
    completed one leaves a TIME_WAIT on the firmware."""
    done = refused = reset = timeouts = other = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        try:
            s = _connect(ip, port, timeout=1.0)
            s.settimeout(2.0)
            line = _read_to_eof(s)
            s.close()
            if line:
                done += 1
            else:
                other += 1
        except ConnectionRefusedError:
            refused += 1
        except ConnectionResetError:
            reset += 1
        except (socket.timeout, TimeoutError):
            timeouts += 1
        except OSError as e:
            if e.errno == errno.ECONNREFUSED:
                refused += 1
            else:
                other += 1
    secs = time.monotonic() - t0
    return {"ok": True, "completed": done, "refused": refused, "reset": reset,
            "timeouts": timeouts, "other": other, "secs": secs, "per_s": done / secs}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["echo", "discard", "daytime", "closerate"])
    ap.add_argument("ip")
    ap.add_argument("--port", type=int)
    ap.add_argument("--bytes", type=int, default=1 << 20)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rto-max-ms", type=int, default=0)
    ap.add_argument("--io-timeout", type=float, default=10.0)
    a = ap.parse_args()
    global RTO_MAX_MS, IO_TIMEOUT_S
    RTO_MAX_MS, IO_TIMEOUT_S = a.rto_max_ms, a.io_timeout
    port = a.port or {"echo": 7, "discard": 9, "daytime": 13, "closerate": 13}[a.mode]
    try:
        if a.mode == "echo":
            r = echo(a.ip, port, a.bytes, a.seed)
        elif a.mode == "discard":
            r = discard(a.ip, port, a.bytes, a.seed)
        elif a.mode == "daytime":
            r = daytime(a.ip, port, a.count)
        else:
            r = closerate(a.ip, port, a.seconds)
    except (OSError, TimeoutError) as e:
        r = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps(r))
    return 0 if r.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
