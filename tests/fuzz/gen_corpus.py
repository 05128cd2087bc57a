#!/usr/bin/python3
"""Write the seed corpus of the TCP fuzz target (tests/fuzz/corpus/).

Input format (see fuzz_tcp.c): fixture, variant, then operations. A seed
per fixture and per interesting segment or call; libFuzzer mutates from here.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
FIX = ["listen", "syn_sent", "syn_rcvd", "established", "fin_wait_1", "fin_wait_2",
       "close_wait", "closing", "last_ack", "time_wait"]
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
CONN, TW, STRANGER = 1, 8, 12   # target selectors: TCB 1, a TIME_WAIT entry, nobody


def seg(flags, target=CONN, dseq=0, dack=0, wnd=8192, ln=0, ctl=0, doff=None, opts=b""):
    b = bytes([0, target, flags, 0, dseq & 0xFF, 0, dack & 0xFF]) + struct.pack(">H", wnd)
    c = (len(opts) & 0x3F) | (0x80 if doff is not None else 0) | ctl
    b += bytes([c]) + (bytes([doff]) if doff is not None else b"") + opts
    return b + bytes([ln])


def clock(mode, n):
    return bytes([3, mode, n])


def api(call, arg=0, slot=0):
    return bytes([4 | (call << 3), slot, arg])


WRITE, CLOSE, SHUTDOWN, ABORT, RECVED, MODE = range(6)
OPS = {
    "empty": b"",
    "data": seg(ACK | PSH, ln=10),
    "fin": seg(FIN | ACK),
    "data_fin": seg(FIN | ACK | PSH, ln=20),
    "rst_exact": seg(RST | ACK),
    "rst_inwin": seg(RST, dseq=5),
    "syn": seg(SYN, dseq=3),
    "ack_future": seg(ACK, dack=50),
    "ack_old": seg(ACK, dack=0x80),
    "zero_wnd": seg(ACK, wnd=0),
    "bad_chksum": seg(ACK | PSH, ln=4, ctl=0x40),
    "bad_doff": seg(ACK, doff=3),
    "trunc_opt": seg(SYN, opts=bytes([2, 4, 5])),
    "rtx": clock(1, 30) + clock(1, 80) + clock(2, 200),
    "twomsl": clock(3, 0),
    "write_close": api(WRITE, 100) + api(CLOSE),
    "shut_tx_fin": api(SHUTDOWN, 2) + seg(FIN | ACK | PSH, ln=7),
    "refuse_fin": api(MODE, 1) + seg(ACK | PSH, ln=30) + seg(FIN | ACK, dseq=30) + api(MODE, 4),
    "abort": api(ABORT),
    "tw_fin_again": seg(FIN | ACK, target=TW, dseq=0xFF),
    "tw_new_syn": seg(SYN, target=TW, dseq=100),
    "stranger": seg(ACK, target=STRANGER) + seg(SYN, target=STRANGER),
    "connect": bytes([6, 1]) + clock(1, 20),
}
SEEDS = [(f, o) for f in range(len(FIX)) for o in ("empty", "data", "fin", "rst_exact")]
SEEDS += [(3, o) for o in OPS if o not in ("empty", "data", "fin", "rst_exact")]
SEEDS += [(9, "tw_fin_again"), (9, "tw_new_syn"), (5, "shut_tx_fin"), (4, "rtx"), (8, "rtx")]


def main():
    os.makedirs(OUT, exist_ok=True)
    for f, o in SEEDS:
        for variant in ((0, 5) if o in ("empty", "fin") else (0,)):
            name = "%s-%s-v%d" % (FIX[f], o, variant)
            with open(os.path.join(OUT, name), "wb") as fp:
                fp.write(bytes([f, variant]) + OPS[o])


if __name__ == "__main__":
    main()
