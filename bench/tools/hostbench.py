#!/usr/bin/python3
"""Instruction counts of both TCP engines on the host (`make bench`).

Runs bench/host's driver (build/bench/host/<engine>/bench_host) under
`valgrind --tool=callgrind`, collecting only inside bench_rx_measured()
(segments delivered during a lifecycle, with everything the engine does in
response, lwIP's IPv4 layer included for both) and bench_tick_measured()
(timer runs in the measured window). Prints JSON: {"rows": [...],
"timer_curve": {...}} (see report.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from pathlib import Path

ENGINES = ("finwait", "lwip")
TW_COUNTS = (10, 100, 1000)


def callgrind(binary: Path, args: list[str]) -> tuple[int, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                            "--collect-atstart=no", "--toggle-collect=bench_rx_measured",
                            "--toggle-collect=bench_tick_measured", str(binary), *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{binary} {' '.join(args)} failed ({r.returncode}):\n"
                             f"{r.stdout}{r.stderr[-2000:]}")
        m = re.search(r"^totals:\s+(\d+)", out.read_text(), re.M)
        if not m:
            raise SystemExit(f"no totals in callgrind output of {binary} {args}")
        return int(m.group(1)), json.loads(r.stdout.strip().splitlines()[-1])


def row(key, label, unit, fw, lw, better="lower", note=""):
    return {"key": key, "label": label, "unit": unit, "finwait": fw, "lwip": lw,
            "better": better, "note": note}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/bench/host")
    ap.add_argument("--lifecycles", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=20)
    a = ap.parse_args()
    bins = {e: Path(a.build) / e / "bench_host" for e in ENGINES}

    life = {}
    for mode in ("life-active", "life-passive"):
        for e in ENGINES:
            ir, info = callgrind(bins[e], [mode, str(a.lifecycles)])
            n = info["lifecycles"]
            segs = info["seg_in"] + info["seg_out"]
            life[(mode, e)] = (ir / n, ir / segs, segs / n)
    rows = []
    for mode, what in (("life-active", "active close (server closes first)"),
                       ("life-passive", "passive close (peer closes first)")):
        fw, lw = life[(mode, "finwait")], life[(mode, "lwip")]
        rows.append(row(f"ir_{mode}", f"Instructions per lifecycle, {what}", "instr",
                        round(fw[0]), round(lw[0]),
                        note=f"segments per lifecycle: finwait {fw[2]:.0f}, lwIP {lw[2]:.0f}"))
        rows.append(row(f"ir_seg_{mode}", f"Instructions per segment (in+out), {what}",
                        "instr", round(fw[1]), round(lw[1])))

    curve = {"steady": {e: {} for e in ENGINES}, "burst": {e: {} for e in ENGINES}}
    for k in TW_COUNTS:
        for e in ENGINES:
            ir, info = callgrind(bins[e], ["timers", str(k), str(a.seconds)])
            curve["steady"][e][k] = ir / info["seconds"]
            ir, info = callgrind(bins[e], ["timers-burst", str(k), str(a.seconds)])
            curve["burst"][e][k] = ir / info["seconds"]
        rows.append(row(f"timer_steady_{k}", f"Timer instr per simulated s, {k} in TIME_WAIT "
                        "(steady: K/2MSL expire per s)", "instr/s",
                        round(curve["steady"]["finwait"][k]), round(curve["steady"]["lwip"][k])))
    for k in TW_COUNTS:
        rows.append(row(f"timer_idle_{k}", f"Timer instr per simulated s, {k} in TIME_WAIT "
                        "(none due)", "instr/s",
                        round(curve["burst"]["finwait"][k]), round(curve["burst"]["lwip"][k])))
    print(json.dumps({"rows": rows, "timer_curve": curve}, indent=1))


if __name__ == "__main__":
    main()
