#!/usr/bin/python3
"""Instruction counts of both TCP engines on the host (`make bench`).

Runs bench/host's driver (build/bench/host/<engine>/bench_host) under
`valgrind --tool=callgrind`, collecting only inside bench_rx_measured()
(segments delivered during a lifecycle, with everything the engine does in
response, lwIP's IPv4 layer included for both) and/or bench_tick_measured()
(timer runs in the measured window). Lifecycles at 1 KiB and 64 KiB each
way, against empty tables and against 256 in TIME_WAIT + 6 open; each
also minus the harness and the checksum (attribute()); the timers in the
idle time between two lifecycles; the timer curve against the TIME_WAIT
count. Prints JSON: {"rows": [...], "timer_curve": {...}} (see report.py).
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


# ------------------------------------------------------------ call-chain attribution
# The harness: the fake NIC's receive path (bench_rx: a PBUF_POOL pbuf
# allocated and the frame copied in, as a driver would) and its transmit
# path (bench_netif_output: the frame copied out). Freeing the received
# pbuf stays with the engine, which decides when it is done with it.
HARNESS_SELF = ("bench_rx_measured", "bench_rx")
HARNESS_RX_CALLEES = ("pbuf_alloc", "pbuf_take")
HARNESS_TX = "bench_netif_output"
# lwIP's Internet checksum (inet_chksum.c): both engines sum the same bytes
# with this code. lwIP's inline IP header checksum on output
# (CHECKSUM_GEN_IP_INLINE in ip4_output_if) is not a call: it stays in.
CHKSUM_FNS = ("lwip_standard_chksum", "inet_chksum", "inet_chksum_pbuf", "inet_chksum_pseudo",
              "inet_chksum_pseudo_partial", "ip_chksum_pseudo", "ip_chksum_pseudo_partial",
              "inet_cksum_pseudo_base", "inet_cksum_pseudo_partial_base", "lwip_chksum_copy")


def fn_base(name: str) -> str:
    """callgrind's name without its recursion ('2) or clone (.isra.0) suffix."""
    return re.split(r"['.]", name, maxsplit=1)[0]


def cg_profile(path: Path) -> tuple[dict, dict]:
    """Self cost per function and inclusive cost per call arc (caller,
    callee) from a callgrind output file (events: Ir only)."""
    names: dict[str, str] = {}
    self_ir: dict[str, int] = {}
    arcs: dict[tuple[str, str], int] = {}
    fn = cfn = None
    in_call = False

    def name(v: str) -> str:
        m = re.match(r"\((\d+)\)(?: (.*))?$", v)
        if not m:
            return v
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names[m.group(1)]

    for line in path.read_text().splitlines():
        if line.startswith("fn="):
            fn, in_call = fn_base(name(line[3:])), False
        elif line.startswith("cfn="):
            cfn = fn_base(name(line[4:]))
        elif line.startswith("calls="):
            in_call = True
        elif line[:1].isdigit() or line[:1] in "+-*":
            f = line.split()
            if len(f) < 2 or fn is None:
                continue
            ir = int(f[1])
            if in_call:
                arcs[(fn, cfn)] = arcs.get((fn, cfn), 0) + ir
                in_call = False
            else:
                self_ir[fn] = self_ir.get(fn, 0) + ir
    return self_ir, arcs


def attribute(self_ir: dict, arcs: dict) -> dict:
    """Instructions of the harness and of the checksum, by call chain."""
    harness = sum(self_ir.get(f, 0) for f in HARNESS_SELF)
    harness += sum(ir for (a, b), ir in arcs.items()
                   if a in HARNESS_SELF and b in HARNESS_RX_CALLEES)
    harness += sum(ir for (a, b), ir in arcs.items() if b == HARNESS_TX and a != HARNESS_TX)
    chksum = sum(ir for (a, b), ir in arcs.items() if b in CHKSUM_FNS and a not in CHKSUM_FNS)
    return {"total": sum(self_ir.values()), "harness": harness, "chksum": chksum}


def callgrind(binary: Path, args: list[str], profile: bool = False,
              toggles: tuple = ("bench_rx_measured", "bench_tick_measured")) -> tuple[int, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                            "--collect-atstart=no", *(f"--toggle-collect={t}" for t in toggles),
                            str(binary), *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{binary} {' '.join(args)} failed ({r.returncode}):\n"
                             f"{r.stdout}{r.stderr[-2000:]}")
        m = re.search(r"^totals:\s+(\d+)", out.read_text(), re.M)
        if not m:
            raise SystemExit(f"no totals in callgrind output of {binary} {args}")
        info = json.loads(r.stdout.strip().splitlines()[-1])
        if profile:
            info["attrib"] = attribute(*cg_profile(out))
            if info["attrib"]["total"] != int(m.group(1)):
                raise SystemExit(f"callgrind self costs do not add up to its totals: {binary} {args}")
        return int(m.group(1)), info


def row(key, label, unit, fw, lw, better="lower", note=""):
    return {"key": key, "label": label, "unit": unit, "finwait": fw, "lwip": lw,
            "better": better, "note": note}


SIZES = ((1024, "1 KiB"), (65536, "64 KiB"))
MODES = (("life-active", "active close (server closes first)"),
         ("life-passive", "passive close (peer closes first)"))
BUSY_NOTE = ("256 connections in TIME_WAIT and 6 other connections open (idle, ESTABLISHED) when "
             "each measured lifecycle starts, the same for both engines (lwIP's TIME_WAIT pcbs on "
             "tcp_tw_pcbs): one connection enters TIME_WAIT every 2MSL/256 and the oldest expires "
             "(bench_main.c run_busy)")
NET_NOTE = ("the lifecycle's instructions minus the harness and minus lwIP's checksum, attributed "
            "by call arc in callgrind's output (collected inside bench_rx_measured only): harness = "
            "self cost of bench_rx_measured and bench_rx plus the inclusive cost of their calls to "
            "pbuf_alloc and pbuf_take (the fake NIC's PBUF_POOL pbuf and copy-in) plus the "
            "inclusive cost of every call to bench_netif_output (the copy-out); checksum = the "
            "inclusive cost of every call into inet_chksum.c (" + ", ".join(CHKSUM_FNS[:6]) +
            ", ...) from outside it. Freeing the received pbuf, the engine's own pbufs and copies, "
            "lwIP's IPv4 input and output (with its inline IP header checksum) and the raw-PCB "
            "hook stay in")


def lifecycle_rows(bins: dict, lifecycles: int, breakdown: dict) -> list[dict]:
    """The lifecycle rows; `breakdown` gets, per empty-table scenario and
    engine, the instructions per lifecycle in harness, checksum and the
    rest (report.py's stacked bars)."""
    rows = []
    for busy in (False, True):
        for size, size_label in SIZES:
            # the 64 KiB lifecycles carry ~12 times the segments: fewer of them
            n = lifecycles if size <= 1024 else max(lifecycles // 4, 10)
            for mode, what in MODES:
                res = {}
                for e in ENGINES:
                    args = [mode, str(n), str(size)] + (["busy"] if busy else [])
                    ir, info = callgrind(bins[e], args, profile=True,
                                         toggles=("bench_rx_measured",))
                    at = info["attrib"]
                    k = info["lifecycles"]
                    if k != n:
                        raise SystemExit(f"{bins[e]} {args}: {k} of {n} lifecycles completed")
                    segs = info["seg_in"] + info["seg_out"]
                    res[e] = {"ir": ir / k, "seg": ir / segs, "segs": segs / k,
                              "harness": at["harness"] / k, "chksum": at["chksum"] / k,
                              "tw": (info["tw_min"], info["tw_max"])}
                fw, lw = res["finwait"], res["lwip"]
                if not busy:
                    breakdown[f"{size_label}, {what.split(' (')[0]}"] = {
                        e: {"harness": r["harness"], "checksum": r["chksum"],
                            "engine": r["ir"] - r["harness"] - r["chksum"]}
                        for e, r in res.items()}
                base = size == 1024 and not busy
                suffix = "" if base else f"_{size}" + ("_busy" if busy else "")
                where = f"{what}, {size_label} each way" + (
                    ", 256 in TIME_WAIT + 6 open" if busy else "")
                note = (f"segments per lifecycle: finwait {fw['segs']:.0f}, lwIP {lw['segs']:.0f}; "
                        f"{n} lifecycles")
                if busy:
                    note += (f"; {BUSY_NOTE}; TIME_WAIT count met: finwait {fw['tw'][0]}-"
                             f"{fw['tw'][1]}, lwIP {lw['tw'][0]}-{lw['tw'][1]}")
                rows.append(row(f"ir_{mode}{suffix}", f"Instructions per lifecycle, {where}",
                                "instr", round(fw["ir"]), round(lw["ir"]), note=note))
                net_note = (f"{NET_NOTE if base and mode == 'life-active' else 'as the first such row'}; "
                            f"per lifecycle, harness finwait {fw['harness']:.0f} / lwIP "
                            f"{lw['harness']:.0f}, checksum finwait {fw['chksum']:.0f} / lwIP "
                            f"{lw['chksum']:.0f}")
                rows.append(row(f"ir_net_{mode}{suffix}",
                                f"Instructions per lifecycle minus harness minus checksum, {where}",
                                "instr", round(fw["ir"] - fw["harness"] - fw["chksum"]),
                                round(lw["ir"] - lw["harness"] - lw["chksum"]), note=net_note))
                if base:
                    rows.append(row(f"ir_seg_{mode}", f"Instructions per segment (in+out), {what}",
                                    "instr", round(fw["seg"]), round(lw["seg"])))
    return rows


def gap_rows(bins: dict, lifecycles: int) -> list[dict]:
    """The timers between two lifecycles: the clock runs 2MSL + 1 s with
    nothing arriving (lwIP's tcp_tmr every 250 ms, finwait's fw_tcp_timers
    when a deadline is due), collected inside bench_tick_measured only."""
    rows = []
    for mode, what in MODES:
        per = {}
        gap_ms = 0
        for e in ENGINES:
            ir, info = callgrind(bins[e], [mode, str(lifecycles)],
                                 toggles=("bench_tick_measured",))
            per[e] = ir / info["lifecycles"]
            gap_ms = info["gap_ms"]
        article = "an" if mode == "life-active" else "a"
        rows.append(row(f"timer_gap_{mode}", f"Timer instructions between two lifecycles "
                        f"({gap_ms / 1000:.0f} simulated s idle), after {article} "
                        f"{what.split(' (')[0]}", "instr",
                        round(per["finwait"]), round(per["lwip"]),
                        note=f"the clock runs 2MSL + 1 s after each 1 KiB lifecycle, the engine's "
                             "timers called when due (lwIP: tcp_tmr every TCP_TMR_INTERVAL, "
                             "250 ms; finwait: fw_tcp_timers at its next deadline), "
                             "TIME_WAIT expiry included; mean over "
                             f"{lifecycles} gaps"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/bench/host")
    ap.add_argument("--lifecycles", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=20)
    a = ap.parse_args()
    bins = {e: Path(a.build) / e / "bench_host" for e in ENGINES}

    breakdown: dict = {}
    rows = lifecycle_rows(bins, a.lifecycles, breakdown)
    rows += gap_rows(bins, a.lifecycles)

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
    print(json.dumps({"rows": rows, "timer_curve": curve, "breakdown": breakdown}, indent=1))


if __name__ == "__main__":
    main()
