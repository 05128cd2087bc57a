#!/usr/bin/python3
"""The QEMU half of `make bench` (as root: namespace + tap, like the e2e
suite, through tests/e2e/fwharness.py): both firmwares against the Linux
kernel in the namespace.

- 2MSL accuracy: tw_probe.py, MSL = --msl-ms (finwait: `set msl` on the
  console; lwIP: the build-time variant build/bench/fw/lwip-msl<MS>/).
- Close rate under TIME_WAIT pressure: daytime connections back to back for
  --seconds with 2MSL = 60 s, lwIP given as many PCBs as fit in the RAM
  finwait spends on connection state (TCBs + TIME_WAIT table); the two
  firmwares alternate, --rounds rounds, medians and the median ratio.
- Throughput: echo and discard of 1 MiB; echo of 1 MiB over IPv6 (and
  over IPv4 in the same boot, for the note).
- Throughput under loss: echo and discard of 1 MiB behind
  tools/netem_relay.py at --loss-levels % random loss (both directions,
  the same seeds for both firmwares), --loss-reps runs each, the median;
  at 5 % also the firmware's retransmitted segments per MiB it echoed,
  counted the same way for both in the pcap at its NIC (tests/e2e/
  tcp_pcap.py: data segments starting below the highest sequence number
  already sent). Linux's RTO backoff is capped at 1 s, as in the e2e fault
  tests.
- The soak's duration: build/e2e/faults-200.timing.json, written by the
  last `make soak` (finwait only; n/a if there is none).

A measurement that fails is reported as n/a with the reason in its note.
Writes JSON (rows + close_rate_rounds) to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
import fwharness as fh  # noqa: E402
import tcp_pcap  # noqa: E402

PEER = REPO / "bench" / "tools" / "peer.py"
PROBE = REPO / "bench" / "tools" / "tw_probe.py"
ART = REPO / "build" / "bench" / "qemu"
FW_ELF = REPO / "build" / "mps2-an385" / "firmware.elf"
LW_ELF = REPO / "build" / "mps2-an385-lwip" / "firmware.elf"
MIB = 1 << 20
SOAK_TIMING = REPO / "build" / "e2e" / "faults-200.timing.json"
LOSS_SEED = 20261201    # + level * 1000 + run: the same faults drawn for both firmwares
PEER_RTO_MAX_MS = 1000


def log(msg: str) -> None:
    print(f"qemubench: {msg}", file=sys.stderr, flush=True)


def make(*targets: str, **var: str) -> None:
    argv = ["make", "-s", *(f"{k}={v}" for k, v in var.items()), *targets]
    subprocess.run(argv, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


class Boot:
    def __init__(self, ns: fh.Namespace, elf: Path, name: str) -> None:
        self.fw = fh.QemuFirmware(ns, elf, ART, name)

    def __enter__(self) -> fh.QemuFirmware:
        self.fw.boot()
        return self.fw

    def __exit__(self, *exc) -> None:
        self.fw.stop()


def peer(fw, *args: str, timeout: float = 300, ip: str | None = None) -> dict:
    r = fw.run(["/usr/bin/python3", str(PEER), *args, ip or fw.ip], timeout=timeout)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"ok": False, "error": (r.stdout + r.stderr)[-500:]}


def row(key, label, unit, fw, lw, better="lower", note=""):
    return {"key": key, "label": label, "unit": unit, "finwait": fw, "lwip": lw,
            "better": better, "note": note}


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- 2MSL

def msl_accuracy(ns, elfs: dict, msl_ms: int, reps: int) -> list[dict]:
    res, notes = {}, []
    for eng in ("finwait", "lwip"):
        try:
            with Boot(ns, elfs[eng], f"msl-{eng}") as fw:
                if eng == "finwait":
                    out = fw.cmd(f"set msl {msl_ms}")
                    if f"msl={msl_ms}" not in out:
                        raise RuntimeError(f"`set msl` answered {out!r}")
                r = fw.run(["/usr/bin/python3", str(PROBE), fw.ip, "--reps", str(reps),
                            "--iface", ns.tap], timeout=120)
                out = json.loads(r.stdout.strip().splitlines()[-1])
                if not out.get("ok"):
                    raise RuntimeError(out.get("error"))
                res[eng] = [o - 2 * msl_ms for o in out["observed_ms"]]
        except Exception as e:  # noqa: BLE001 - report n/a, go on
            res[eng] = None
            notes.append(f"{eng}: n/a ({e})")
        log(f"2MSL error {eng}: {res[eng]}")

    def stat(eng, fn):
        return None if not res.get(eng) else round(fn(res[eng]), 1)
    note = (f"2MSL = {2 * msl_ms} ms, {reps} runs each, probes every 10 ms; "
            f"errors finwait {res.get('finwait')}, lwIP {res.get('lwip')}. " + " ".join(notes))
    return [row("msl_err_med", f"2MSL error, median (2MSL = {2 * msl_ms} ms)", "ms",
                stat("finwait", statistics.median), stat("lwip", statistics.median), note=note),
            row("msl_err_max", "2MSL error, worst |error|", "ms",
                stat("finwait", lambda v: max(abs(x) for x in v)),
                stat("lwip", lambda v: max(abs(x) for x in v)))]


# ---------------------------------------------------------------- close rate

def peak_ram(fw, eng: str, pcb_bytes: int) -> int | None:
    rec = fw.stats()
    try:
        if eng == "finwait":
            tw = rec["tcp.tw"]
            return int(tw["peak"]) * int(tw["bytes_per_entry"])
        return int(rec["lwiptcp"]["memp_tcp_pcb_max"]) * pcb_bytes
    except (KeyError, ValueError):
        return None


def close_rate(ns, elfs: dict, rounds: int, seconds: float, pcb_bytes: int,
               n_pcbs: int, fw_state_bytes: int) -> tuple[list[dict], list[dict]]:
    per_round = []
    for i in range(rounds):
        order = ("finwait", "lwip") if i % 2 == 0 else ("lwip", "finwait")
        rr: dict = {}
        for eng in order:
            try:
                with Boot(ns, elfs[eng], f"closerate-{eng}-{i}") as fw:
                    out = peer(fw, "closerate", "--seconds", str(seconds),
                               timeout=seconds + 120)
                    if not out.get("ok"):
                        raise RuntimeError(out.get("error"))
                    rr[eng] = out["per_s"]
                    rr[f"{eng}_failed"] = out["refused"] + out["reset"] + out["timeouts"] + \
                        out["other"]
                    rr[f"{eng}_peak_ram"] = peak_ram(fw, eng, pcb_bytes)
            except Exception as e:  # noqa: BLE001
                rr[eng] = None
                rr[f"{eng}_error"] = str(e)
            log(f"close rate round {i + 1} {eng}: {rr.get(eng)} /s "
                f"failed={rr.get(f'{eng}_failed')} peak_ram={rr.get(f'{eng}_peak_ram')}")
        per_round.append(rr)
    ratios = [r["finwait"] / r["lwip"] for r in per_round
              if r.get("finwait") is not None and r.get("lwip")]
    mr = med(ratios)
    errs = "; ".join(f"{k}: {v}" for r in per_round for k, v in r.items() if k.endswith("_error"))
    note = (f"{rounds} rounds x {seconds:.0f} s each, alternating; 2MSL = 60 s; RAM for "
            f"connection state {fw_state_bytes} B each (lwIP: {n_pcbs} PCBs); per-round "
            f"ratios {[round(x, 3) for x in ratios]}, median ratio "
            f"{'n/a' if mr is None else round(mr, 3)}" + (f"; errors: {errs}" if errs else ""))
    rows = [
        row("close_rate", "Daytime connections completed per second (median)", "conn/s",
            med(r.get("finwait") for r in per_round), med(r.get("lwip") for r in per_round),
            "higher", note),
        row("close_failed", f"Connections refused/reset/timed out per {seconds:.0f} s (median)",
            "conns", med(r.get("finwait_failed") for r in per_round),
            med(r.get("lwip_failed") for r in per_round)),
        row("close_peak_ram", "Peak RAM holding connections (TIME_WAIT table / PCB pool)", "B",
            med(r.get("finwait_peak_ram") for r in per_round),
            med(r.get("lwip_peak_ram") for r in per_round), "lower",
            "finwait: tw peak x bytes_per_entry; lwIP: MEMP_TCP_PCB max x element size"),
    ]
    return rows, per_round


# ---------------------------------------------------------------- throughput

def throughput(ns, elfs: dict, reps: int) -> list[dict]:
    res = {m: {} for m in ("echo", "discard")}
    for eng in ("finwait", "lwip"):
        try:
            with Boot(ns, elfs[eng], f"tput-{eng}") as fw:
                for m in res:
                    vals = []
                    for _ in range(reps):
                        out = peer(fw, m, "--bytes", str(MIB), timeout=300)
                        if not out.get("ok"):
                            raise RuntimeError(f"{m}: {out.get('error') or out}")
                        vals.append(out["kib_per_s"])
                    res[m][eng] = round(med(vals), 1)
        except Exception as e:  # noqa: BLE001
            for m in res:
                res[m].setdefault(eng, None)
            log(f"throughput {eng}: n/a ({e})")
        log(f"throughput {eng}: echo {res['echo'].get(eng)} discard "
            f"{res['discard'].get(eng)} KiB/s")
    return [row(f"tput_{m}", f"{m.capitalize()} throughput, 1 MiB (median of {reps})", "KiB/s",
                res[m].get("finwait"), res[m].get("lwip"), "higher",
                "QEMU on a shared host: compare the ratio, not the absolute value"
                if m == "echo" else "")
            for m in res]


# ---------------------------------------------------------------- throughput over IPv6

FW_IP6, PEER_IP6 = "2001:db8::2", "2001:db8::1"


def ip6_on(fw) -> None:
    """2001:db8::1/64 on the namespace's tap (as tests/e2e/test_ipv6.py's
    fixture), then wait until the firmware's 2001:db8::2 answers (DAD done)."""
    tap = fw.ns.tap
    for key, val in (("accept_dad", 0), ("accept_ra", 0), ("router_solicitations", 0),
                     ("disable_ipv6", 0)):
        fw.run(["sysctl", "-qw", f"net.ipv6.conf.{tap}.{key}={val}"], check=True)
    fw.run(["ip", "-6", "addr", "add", f"{PEER_IP6}/64", "dev", tap, "nodad"], check=True)
    deadline = time.monotonic() + 15
    while fw.run(["ping", "-6", "-n", "-q", "-c", "1", "-W", "1", FW_IP6]).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{FW_IP6} does not answer ping6")


def ip6_off(fw) -> None:
    fw.run(["ip", "-6", "addr", "flush", "dev", fw.ns.tap])
    fw.run(["sysctl", "-qw", f"net.ipv6.conf.{fw.ns.tap}.disable_ipv6=1"])


def throughput6(ns, elfs: dict, reps: int) -> list[dict]:
    """Echo of 1 MiB over IPv6 and, in the same boot, over IPv4."""
    res: dict = {6: {}, 4: {}}

    def echo(fw, fam: int, ip: str, eng: str) -> None:
        vals = []
        try:
            for _ in range(reps):
                out = peer(fw, "echo", "--bytes", str(MIB), timeout=300, ip=ip)
                if not out.get("ok"):
                    raise RuntimeError(out.get("error") or out)
                vals.append(out["kib_per_s"])
            res[fam][eng] = round(med(vals), 1)
        except Exception as e:  # noqa: BLE001
            log(f"echo over IPv{fam} {eng}: n/a ({e})")

    for eng in ("finwait", "lwip"):
        try:
            with Boot(ns, elfs[eng], f"tput6-{eng}") as fw:
                ip6_on(fw)
                try:
                    echo(fw, 6, FW_IP6, eng)
                    echo(fw, 4, fw.ip, eng)
                finally:
                    ip6_off(fw)
        except Exception as e:  # noqa: BLE001
            log(f"throughput over IPv6 {eng}: n/a ({e})")
        log(f"throughput {eng}: echo over IPv6 {res[6].get(eng)}, over IPv4 {res[4].get(eng)} KiB/s")
    return [row("tput_echo6", f"Echo throughput over IPv6, 1 MiB (median of {reps})", "KiB/s",
                res[6].get("finwait"), res[6].get("lwip"), "higher",
                f"over IPv4 in the same boots: finwait {res[4].get('finwait')}, lwIP "
                f"{res[4].get('lwip')} KiB/s; QEMU on a shared host: compare within a row")]


# ---------------------------------------------------------------- throughput under loss

class RelayBoot:
    """A firmware behind the fault relay, as conftest's fw_relay boots it."""

    def __init__(self, ns: fh.Namespace, elf: Path, name: str, seed: int,
                 args: list[str]) -> None:
        relay = fh.NetemRelay(ns, ART, name, seed, args)
        self.fw = fh.RelayedQemuFirmware(ns, elf, ART, name + ".relay", relay)

    def __enter__(self) -> fh.RelayedQemuFirmware:
        self.fw.boot()
        return self.fw

    def __exit__(self, *exc) -> None:
        self.fw.stop()


def echo_rtx(pcap: Path, ip: str) -> int:
    segs = [s for s in tcp_pcap.read_segs(pcap) if s.src[0] == ip and s.src[1] == 7
            or s.dst[0] == ip and s.dst[1] == 7]
    return len(tcp_pcap.retransmissions(segs, ip))


def loss_throughput(ns, elfs: dict, levels: list[int], reps: int) -> list[dict]:
    res: dict = {}      # (mode, level) -> {eng: [KiB/s]}; ("rtx", level) -> {eng: [n]}
    errs = []
    for eng in ("finwait", "lwip"):
        for lv in levels:
            try:
                with RelayBoot(ns, elfs[eng], f"loss{lv}-{eng}", LOSS_SEED + lv * 1000,
                               ["--loss", str(lv)]) as fw:
                    for i in range(reps):
                        for m in ("echo", "discard"):
                            pcap = ART / f"loss{lv}-{eng}-{m}{i}.pcap"
                            fw.start_capture(pcap)
                            out = peer(fw, m, "--bytes", str(MIB), "--seed", str(i),
                                       "--rto-max-ms", str(PEER_RTO_MAX_MS),
                                       "--io-timeout", "60", timeout=400)
                            fw.stop_capture()
                            if not out.get("ok"):
                                raise RuntimeError(f"{m} run {i}: {out.get('error') or out}")
                            res.setdefault((m, lv), {}).setdefault(eng, []).append(
                                out["kib_per_s"])
                            if m == "echo":
                                res.setdefault(("rtx", lv), {}).setdefault(eng, []).append(
                                    echo_rtx(pcap, fw.ip))
                            pcap.unlink(missing_ok=True)
                    lost = fw.relay.stats()["directions"]
                    log(f"loss {lv}% {eng}: echo {res[('echo', lv)][eng]} discard "
                        f"{res[('discard', lv)][eng]} KiB/s, echo retransmissions "
                        f"{res[('rtx', lv)][eng]}; relay lost "
                        f"{ {d: v['dropped_random'] for d, v in lost.items()} }")
            except Exception as e:  # noqa: BLE001 - report n/a, go on
                errs.append(f"{eng} {lv}%: {e}")
                log(f"loss {lv}% {eng}: n/a ({e})")

    def cell(key, eng, nd=1):
        v = med(res.get(key, {}).get(eng) or [])
        return None if v is None else round(v, nd)

    def runs(key):
        return ", ".join(f"{eng} {[round(x, 1) for x in res.get(key, {}).get(eng) or []]}"
                         for eng in ("finwait", "lwip"))
    note_e = "; errors: " + "; ".join(errs) if errs else ""
    rows = []
    for lv in levels:
        for m in ("echo", "discard"):
            rows.append(row(f"tput_{m}_loss{lv}",
                            f"{m.capitalize()} throughput, 1 MiB, {lv}% loss (median of {reps})",
                            "KiB/s", cell((m, lv), "finwait"), cell((m, lv), "lwip"), "higher",
                            f"relay seeds {LOSS_SEED + lv * 1000}; runs: {runs((m, lv))}" +
                            note_e))
    if 5 in levels:
        rows.append(row("rtx_per_mib_loss5", "Segments retransmitted per MiB echoed, 5% loss "
                        f"(pcap, median of {reps})", "segs", cell(("rtx", 5), "finwait"),
                        cell(("rtx", 5), "lwip"), "lower",
                        f"data segments starting below the highest sequence sent, at the "
                        f"firmware's NIC; runs: {runs(('rtx', 5))}"))
    return rows


def soak_row() -> list[dict]:
    try:
        d = json.loads(SOAK_TIMING.read_text())
        secs = round(d["connections_s"] + d["settle_s"], 1)
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(SOAK_TIMING.stat().st_mtime))
        note = (f"make soak of {when}: {d['count']} x {d['conn_bytes'] // 1024} KiB echo/client "
                f"connections behind {' '.join(d['args'])}, seed {d['seed']}: connections "
                f"{d['connections_s']} s + settling {d['settle_s']} s; the lwIP baseline "
                "does not run it")
    except (OSError, ValueError, KeyError) as e:
        secs, note = None, f"n/a: no soak timing ({SOAK_TIMING.name}: {e}); run make soak"
    return [row("soak_faults_s", "Soak: 200 faulty 64 KiB connections (make soak)", "s",
                secs, None, "lower", note)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--static", required=True, help="static.json from sizes.py")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--msl-ms", type=int, default=500)
    ap.add_argument("--msl-reps", type=int, default=5)
    ap.add_argument("--tput-reps", type=int, default=2)
    ap.add_argument("--loss-levels", default="1,5", help="comma list of loss %% levels")
    ap.add_argument("--loss-reps", type=int, default=3)
    ap.add_argument("--skip", default="", help="comma list: msl,close,tput,tput6,loss")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    reason = fh.qemu_skip_reason(FW_ELF) or fh.qemu_skip_reason(LW_ELF)
    static = {r["key"]: r for r in json.loads(Path(a.static).read_text())}
    rows: list[dict] = []
    extra: dict = {}
    if reason:
        log(f"QEMU measurements skipped: {reason}")
        rows.append(row("qemu", "QEMU measurements", "-", None, None, "info", reason))
        Path(a.out).write_text(json.dumps({"rows": rows}))
        return 0

    pcb_bytes = static["ram_tw"]["lwip"]
    tcb_bytes, tw_bytes = static["ram_conn"]["finwait"], static["ram_tw"]["finwait"]
    tcbs = int(static.get("tcb_count", {}).get("finwait") or 8)
    tw_entries = int(static.get("tw_entries", {}).get("finwait") or 256)
    fw_state = tcbs * tcb_bytes + tw_entries * tw_bytes
    n_pcbs = fw_state // pcb_bytes
    msl_elf = REPO / "build" / "bench" / "fw" / f"lwip-msl{a.msl_ms}" / "firmware.elf"
    ram_elf = REPO / "build" / "bench" / "fw" / f"lwip-pcbs{n_pcbs}" / "firmware.elf"
    make(str(msl_elf.relative_to(REPO)), BENCH_MSL_MS=str(a.msl_ms))
    make(str(ram_elf.relative_to(REPO)), BENCH_LWIP_PCBS=str(n_pcbs))

    fh.install_safety_net()
    fh.reap_stale_namespaces()
    ART.mkdir(parents=True, exist_ok=True)
    ns = fh.Namespace(f"{fh.NS_PREFIX}{os.getpid()}")
    ns.create()
    t0 = time.monotonic()
    try:
        if "msl" not in skip:
            rows += msl_accuracy(ns, {"finwait": FW_ELF, "lwip": msl_elf}, a.msl_ms, a.msl_reps)
        if "tput" not in skip:
            rows += throughput(ns, {"finwait": FW_ELF, "lwip": LW_ELF}, a.tput_reps)
        if "tput6" not in skip:
            rows += throughput6(ns, {"finwait": FW_ELF, "lwip": LW_ELF}, a.tput_reps)
        if "loss" not in skip:
            rows += loss_throughput(ns, {"finwait": FW_ELF, "lwip": LW_ELF},
                                    [int(x) for x in a.loss_levels.split(",") if x],
                                    a.loss_reps)
        if "close" not in skip:
            r, rounds = close_rate(ns, {"finwait": FW_ELF, "lwip": ram_elf}, a.rounds,
                                   a.seconds, pcb_bytes, n_pcbs, fw_state)
            rows += r
            extra["close_rate_rounds"] = rounds
    finally:
        ns.destroy()
        fh.cleanup_all()
    log(f"QEMU measurements took {time.monotonic() - t0:.0f} s")
    rows += soak_row()
    Path(a.out).write_text(json.dumps({"rows": rows, **extra}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
