#!/usr/bin/python3
"""Cortex-M3 instruction counts of the host benchmark's lifecycles (`make bench`).

Runs build/bench/m3/<engine>/bench_m3.elf (bench/m3/: bench/host's driver
as a bare-metal mps2-an385 image, arguments over semihosting) in QEMU with
one instruction per translation block and every block's execution logged
(-singlestep -d exec,nochain), read through a FIFO, so every executed
instruction's address is seen once. Counted: the instructions between an
entry into bench_rx_measured() and the return to its caller, the same
window callgrind collects on the host (the window opens once per segment
delivered: the count of windows is checked against the driver's seg_in).

Inside the window a shadow call stack (BL/BLX push the return address;
reaching it pops; a branch to a function's entry from another function is a
tail call and relabels the frame) attributes each instruction as on the
host: the harness (bench_rx_measured/bench_rx themselves, their calls to
pbuf_alloc and pbuf_take, every call to bench_netif_output), lwIP's
checksum (calls into inet_chksum.c from outside it) or the engine.

Prints JSON: {"rows": [...]} (see report.py).
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

# the same attribution as on the host
from hostbench import CHKSUM_FNS, HARNESS_RX_CALLEES, HARNESS_SELF, HARNESS_TX, row

ENGINES = ("finwait", "lwip")
QEMU = ["qemu-system-arm", "-M", "mps2-an385", "-nographic", "-monitor", "none",
        "-serial", "none", "-singlestep", "-d", "exec,nochain"]
ROOT = "bench_rx_measured"
TIMEOUT_S = 900


class Image:
    """Functions and instruction lengths/mnemonics of an ELF (objdump -d)."""

    def __init__(self, elf: Path):
        out = subprocess.run(["arm-none-eabi-nm", "-S", "--defined-only", str(elf)], check=True,
                             capture_output=True, text=True).stdout
        self.entry: dict[int, str] = {}
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in "tTwW":
                self.entry[int(f[0], 16) & ~1] = f[3]
        self.starts = sorted(self.entry)
        self.insn: dict[int, tuple[int, str]] = {}
        dis = subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], check=True,
                             capture_output=True, text=True).stdout
        pat = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f]{4})( [0-9a-f]{4})?\s*\t(\S+)")
        for line in dis.splitlines():
            m = pat.match(line)
            if m:
                self.insn[int(m.group(1), 16)] = (4 if m.group(3) else 2, m.group(4))

    def func(self, pc: int) -> str:
        i = bisect.bisect_right(self.starts, pc) - 1
        return self.entry[self.starts[i]] if i >= 0 else "?"


def trace(elf: Path, args: list[str]) -> tuple[dict, dict]:
    img = Image(elf)
    root = next(a for a, n in img.entry.items() if n == ROOT)
    counts = {"total": 0, "harness": 0, "chksum": 0, "windows": 0, "tail_calls": 0}
    with tempfile.TemporaryDirectory() as tmp:
        fifo = Path(tmp) / "trace"
        os.mkfifo(fifo)
        semi = "enable=on,target=native," + ",".join(f"arg={a}" for a in ["bench_m3", *args])
        q = subprocess.Popen([*QEMU, "-kernel", str(elf), "-semihosting-config", semi,
                              "-D", str(fifo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        stack: list[list] = []   # [return address, function, kind]
        prev_pc, prev_len, prev_mn = 0, 2, ""
        with open(fifo) as log:
            for line in log:
                if not line.startswith("Trace"):
                    continue
                pc = int(line.split("/", 2)[1], 16)
                if stack:
                    if pc == stack[-1][0]:
                        stack.pop()
                        if not stack:
                            counts["windows"] += 1
                    if stack:
                        name = img.entry.get(pc)
                        top = stack[-1]
                        if prev_mn in ("bl", "blx"):
                            kind = top[2]
                            if kind == "engine" and name is not None:
                                if name in CHKSUM_FNS or name == HARNESS_TX or (
                                        name in HARNESS_RX_CALLEES and top[1] in HARNESS_SELF):
                                    kind = "chksum" if name in CHKSUM_FNS else "harness"
                            stack.append([prev_pc + prev_len, name or img.func(pc), kind])
                        elif name is not None and img.func(prev_pc) != name:
                            counts["tail_calls"] += 1   # a branch into another function
                            top[1] = name
                            if top[2] == "engine" and (name in CHKSUM_FNS or name == HARNESS_TX):
                                top[2] = "chksum" if name in CHKSUM_FNS else "harness"
                        top = stack[-1]
                        counts["total"] += 1
                        if top[2] != "engine":
                            counts[top[2]] += 1
                        elif top[1] in HARNESS_SELF:
                            counts["harness"] += 1
                elif pc == root:
                    stack.append([prev_pc + prev_len, ROOT, "engine"])
                    counts["total"] += 1
                    counts["harness"] += 1
                prev_pc = pc
                prev_len, prev_mn = img.insn.get(pc, (2, ""))
        try:
            out, err = q.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            q.kill()
            raise SystemExit(f"{elf} {args}: QEMU did not finish")
    out += err   # QEMU writes the semihosting console to either, by version
    lines = [ln for ln in out.strip().splitlines() if ln.startswith("{")]
    if q.returncode != 0 or not lines or "bench_m3: failed" in out:
        raise SystemExit(f"{elf} {args} failed ({q.returncode}):\n{out[-2000:]}")
    info = json.loads(lines[-1])
    if counts["windows"] != info["seg_in"]:
        raise SystemExit(f"{elf} {args}: {counts['windows']} windows for {info['seg_in']} segments")
    return counts, info


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/bench/m3")
    ap.add_argument("--lifecycles", type=int, default=20)
    a = ap.parse_args()
    rows = []
    breakdown = {}   # as hostbench.py's, for report.py's stacked bars
    for size, size_label in ((1024, "1 KiB"), (65536, "64 KiB")):
        n = a.lifecycles if size <= 1024 else max(a.lifecycles // 5, 2)
        for mode, what in (("life-active", "active close"), ("life-passive", "passive close")):
            res = {}
            for e in ENGINES:
                c, info = trace(Path(a.build) / e / "bench_m3.elf", [mode, str(n), str(size)])
                k = info["lifecycles"]
                if k != n:
                    raise SystemExit(f"{e} {mode} {size}: {k} of {n} lifecycles completed")
                res[e] = {x: c[x] / k for x in ("total", "harness", "chksum")}
                res[e]["tail"] = c["tail_calls"]
            fw, lw = res["finwait"], res["lwip"]
            breakdown[f"{size_label}, {what}"] = {
                e: {"harness": r["harness"], "checksum": r["chksum"],
                    "engine": r["total"] - r["harness"] - r["chksum"]} for e, r in res.items()}
            sfx = "" if size == 1024 else f"_{size}"
            rows.append(row(f"m3_{mode}{sfx}", f"Cortex-M3 instructions per lifecycle, {what}, "
                            f"{size_label} each way", "instr", round(fw["total"]),
                            round(lw["total"]),
                            note=f"QEMU mps2-an385, every executed instruction inside "
                                 f"bench_rx_measured (bench/tools/m3bench.py); -Os as the "
                                 f"firmware; {n} lifecycles"))
            rows.append(row(f"m3_net_{mode}{sfx}", f"Cortex-M3 instructions per lifecycle minus "
                            f"harness minus checksum, {what}, {size_label} each way", "instr",
                            round(fw["total"] - fw["harness"] - fw["chksum"]),
                            round(lw["total"] - lw["harness"] - lw["chksum"]),
                            note=f"attributed as on the host by a shadow call stack; per "
                                 f"lifecycle, harness finwait {fw['harness']:.0f} / lwIP "
                                 f"{lw['harness']:.0f}, checksum finwait {fw['chksum']:.0f} / "
                                 f"lwIP {lw['chksum']:.0f}"))
    print(json.dumps({"rows": rows, "breakdown_m3": breakdown}, indent=1))


if __name__ == "__main__":
    main()
