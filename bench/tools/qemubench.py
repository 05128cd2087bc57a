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
- httpd under load: `ab -n --ab-n -c --ab-c` (HTTP/1.0: the device closes
  first, so every request leaves a TIME_WAIT on it) against each
  firmware's httpd: requests per second, failed and non-2xx requests.
  With it, how young the TIME_WAIT states recycled under that load are
  (median age at recycle), both stacks measured the same way from the
  pcap at the device's NIC (tw_recycle_ages() says how), and finwait's
  own running median (stats tcp.tw recycled_age_ms) beside it.
- iperf: Debian's iperf 2 client against each firmware's lwiperf server,
  `iperf -c -t --iperf-seconds`: the rate both ends report.
- The soak's duration: build/e2e/faults-200.timing.json, written by the
  last `make soak` (finwait only; n/a if there is none).

--only runs the listed measurements and nothing else (`make bench-qemu
BENCH_ONLY=httpd,iperf`).

A measurement that fails is reported as n/a with the reason in its note.
Writes JSON (rows + close_rate_rounds) to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


# ---------------------------------------------------------------- httpd under ab -c N

def tw_recycle_ages(segs, ip: str, port: int, capacity: int, at_syn: bool) -> list[float]:
    """Ages (s) of the TIME_WAIT states a stack recycled, replayed from the
    pcap at its NIC (the wire's clock; the device sees each segment a few
    microseconds later). Every connection to `port` closes first on the
    device (HTTP/1.0), so it enters TIME_WAIT when the client's FIN
    arrives.

    at_syn=False (finwait): the compact table holds `capacity`
    (FW_TW_ENTRIES) entries; an entry is made at each client FIN and, with
    the table full, the oldest is recycled for it (one client address:
    its own oldest, tw_victim()). Age = that FIN's time - the victim's FIN.

    at_syn=True (lwIP): TIME_WAIT stays in the connection's tcp_pcb, one of
    `capacity` (MEMP_NUM_TCP_PCB), taken at the SYN (tcp_listen_input ->
    tcp_alloc); with none free, tcp_alloc's tcp_kill_timewait() frees the
    TIME_WAIT pcb idle longest (its tmr, in 500 ms ticks: among equals the
    one entered first, as lwIP's list walk keeps). Age = the SYN's time -
    the victim's FIN. A pcb leaves only that way in a run shorter than 2MSL
    (or by an RST, which the replay honours). A SYN that finds no pcb and
    no TIME_WAIT one to free is left out: lwIP then kills a LAST_ACK or
    CLOSING pcb, or an active one of lower priority."""
    live: dict = {}           # client port -> its FIN's time; None while open (lwIP's pcbs)
    order: list = []          # client ports in TIME_WAIT, oldest first
    ages: list[float] = []

    def recycle(t: float) -> None:
        victim = order.pop(0)
        ages.append(t - live.pop(victim))

    for s in segs:
        if s.dst != (ip, port):
            continue
        cp = s.src[1]
        if not at_syn:
            if s.has("F") and cp not in live:        # a retransmitted FIN finds its entry
                if len(order) >= capacity:
                    recycle(s.t)
                live[cp] = s.t
                order.append(cp)
        elif s.has("S") and not s.has("A"):
            if cp not in live and (len(live) < capacity or order):
                if len(live) >= capacity:
                    recycle(s.t)
                live[cp] = None
        elif s.has("R"):
            if live.get(cp, 0) is None:              # RST in TIME_WAIT: ignored (RFC 1337)
                del live[cp]
        elif s.has("F") and live.get(cp, 0) is None:
            live[cp] = s.t
            order.append(cp)
    return ages


def httpd_once(ns, elf: Path, eng: str, name: str, n: int, c: int) -> dict:
    """One fresh boot, one `ab -n n -c c` under capture: its counts, rate,
    and the TIME_WAIT ages at recycle (replayed; finwait's own too)."""
    r: dict = {}
    with Boot(ns, elf, name) as fw:
        st = fw.stats()
        if eng == "finwait":
            cap, at_syn = int(st["tcp.tw"]["capacity"]), False
        else:
            cap, at_syn = int(st["memp.TCP_PCB"]["avail"]), True
        pcap = ART / f"{name}.pcap"
        fw.start_capture(pcap)
        out = fw.run(["ab", "-q", "-s", "20", "-n", str(n), "-c", str(c), f"http://{fw.ip}/"],
                     timeout=300)
        fw.stop_capture()
        for key, rx in (("complete", r"^Complete requests:\s+(\d+)$"),
                        ("failed", r"^Failed requests:\s+(\d+)$"),
                        ("non2xx", r"^Non-2xx responses:\s+(\d+)$"),
                        ("rps", r"^Requests per second:\s+([\d.]+)")):
            m = re.search(rx, out.stdout, re.M)
            r[key] = float(m.group(1)) if m else (0 if key == "non2xx" else None)
        if out.returncode != 0 or r["complete"] is None:
            raise RuntimeError(f"ab rc={out.returncode}: {(out.stdout + out.stderr)[-300:]}")
        ages = tw_recycle_ages(tcp_pcap.read_segs(pcap), fw.ip, 80, cap, at_syn)
        r["age_ms"] = None if not ages else round(statistics.median(ages) * 1000, 1)
        r["recycles"] = len(ages)
        after = fw.stats()
        if eng == "finwait":
            r["own_age_ms"] = int(after["tcp.tw"]["recycled_age_ms"])
            r["own_recycles"] = int(after["tcp.tw"]["recycled"])
        else:
            r["own_recycles"] = int(after["lwiptcp"]["memp_tcp_pcb_err"])
        r["capacity"] = cap
        pcap.unlink(missing_ok=True)
    return r


def httpd_load(ns, elfs: dict, n: int, c: int, rounds: int) -> list[dict]:
    per_round: list[dict] = []
    notes = []
    for i in range(rounds):
        rr: dict = {}
        for eng in (("finwait", "lwip") if i % 2 == 0 else ("lwip", "finwait")):
            try:
                rr[eng] = httpd_once(ns, elfs[eng], eng, f"httpd-{eng}-{i}", n, c)
            except Exception as e:  # noqa: BLE001 - report n/a, go on
                notes.append(f"{eng} round {i + 1}: n/a ({e})")
            log(f"httpd ab -n {n} -c {c} round {i + 1} {eng}: {rr.get(eng)}")
        per_round.append(rr)

    def col(eng, key):
        return [r[eng][key] for r in per_round if eng in r and r[eng].get(key) is not None]

    def cell(eng, key, nd=1):
        v = med(col(eng, key))
        return None if v is None else round(v, nd)

    def bad(eng):
        f, x = col(eng, "failed"), col(eng, "non2xx")
        return None if not f else sum(f) + sum(x)
    last = {eng: next((r[eng] for r in reversed(per_round) if eng in r), {}) for eng in ("finwait", "lwip")}
    note_rps = (f"ab -n {n} -c {c} (HTTP/1.0: the device closes first) from the namespace to each "
                f"firmware's httpd, {rounds} rounds of fresh boots alternating; per round finwait "
                f"{col('finwait', 'rps')}, lwIP {col('lwip', 'rps')}. " + " ".join(notes))
    note_age = (f"TIME_WAIT states recycled under that load, replayed from the pcap at the NIC "
                f"(qemubench.tw_recycle_ages; median of the rounds' medians): finwait's table of "
                f"{last['finwait'].get('capacity')} recycles its oldest entry for each new one "
                f"({col('finwait', 'recycles')} per round in the replay, "
                f"{col('finwait', 'own_recycles')} counted by the engine, whose own running "
                f"median said {col('finwait', 'own_age_ms')} ms against the replay's "
                f"{col('finwait', 'age_ms')}); lwIP's {last['lwip'].get('capacity')} tcp_pcbs "
                f"hold TIME_WAIT too, and a SYN that finds none free makes tcp_kill_timewait() "
                f"free the oldest ({col('lwip', 'recycles')} per round in the replay, ages "
                f"{col('lwip', 'age_ms')} ms; lwIP counts none of them: tcp_alloc() takes back "
                f"the memp error once the kill made room). Age: from the client's FIN to the "
                f"FIN (finwait) or SYN (lwIP) that took its place.")
    return [
        row("httpd_rps", f"httpd requests per second, ab -n {n} -c {c} (median of {rounds})",
            "req/s", cell("finwait", "rps"), cell("lwip", "rps"), "higher", note_rps),
        row("httpd_failed", f"httpd failed + non-2xx requests, ab -n {n} -c {c}, all rounds",
            "reqs", bad("finwait"), bad("lwip")),
        row("httpd_tw_age", f"TIME_WAIT age at recycle, median, ab -c {c}", "ms",
            cell("finwait", "age_ms"), cell("lwip", "age_ms"), "higher", note_age),
    ]


# ---------------------------------------------------------------- iperf (lwiperf server)

def iperf_once(ns, elf: Path, name: str, seconds: int) -> tuple[float, float | None]:
    """One fresh boot, one `iperf -c -t seconds`: the client's and
    lwiperf's rates, Mbit/s."""
    with Boot(ns, elf, name) as fw:
        mark = fw.console.mark()
        out = fw.run(["iperf", "-c", fw.ip, "-p", "5001", "-t", str(seconds), "-f", "k"],
                     timeout=seconds + 60)
        m = re.search(r"([\d.]+) KBytes\s+([\d.]+) Kbits/sec", out.stdout)
        if out.returncode != 0 or not m:
            raise RuntimeError(f"iperf rc={out.returncode}: {(out.stdout + out.stderr)[-300:]}")
        deadline = time.monotonic() + 10
        rep = None
        while rep is None and time.monotonic() < deadline:
            rep = re.search(r"iperf report type=\d+ bytes=\d+ ms=\d+ kbps=(\d+)",
                            fw.console.text_since(mark))
            time.sleep(0.1)
        return float(m.group(2)) / 1000, None if rep is None else int(rep.group(1)) / 1000


def iperf_tput(ns, elfs: dict, seconds: int, rounds: int) -> list[dict]:
    res: dict = {"client": {}, "device": {}}
    notes = []
    for i in range(rounds):
        for eng in (("finwait", "lwip") if i % 2 == 0 else ("lwip", "finwait")):
            try:
                cli, dev = iperf_once(ns, elfs[eng], f"iperf-{eng}-{i}", seconds)
                res["client"].setdefault(eng, []).append(round(cli, 1))
                res["device"].setdefault(eng, []).append(None if dev is None else round(dev, 1))
            except Exception as e:  # noqa: BLE001
                notes.append(f"{eng} round {i + 1}: n/a ({e})")
            log(f"iperf round {i + 1} {eng}: client {res['client'].get(eng)} "
                f"device {res['device'].get(eng)} Mbit/s")

    def cell(side, eng):
        v = med(res[side].get(eng) or [])
        return None if v is None else round(v, 1)
    note = (f"Debian's iperf 2 (-c -t {seconds}) against lwIP's lwiperf on each firmware "
            f"(finwait: lwiperf over the raw tcp_* facade), {rounds} rounds of fresh boots "
            f"alternating; client {res['client']}, lwiperf's report {res['device']}. "
            + " ".join(notes))
    return [row("iperf_client", f"iperf 2 to lwiperf, -t {seconds}, client's rate (median of {rounds})",
                "Mbit/s", cell("client", "finwait"), cell("client", "lwip"), "higher", note),
            row("iperf_device", f"iperf 2 to lwiperf, -t {seconds}, lwiperf's rate (median of {rounds})",
                "Mbit/s", cell("device", "finwait"), cell("device", "lwip"), "higher")]


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


ALL = ("msl", "tput", "tput6", "loss", "close", "httpd", "iperf")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--static", help="static.json from sizes.py (msl and close need it)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--msl-ms", type=int, default=500)
    ap.add_argument("--msl-reps", type=int, default=5)
    ap.add_argument("--tput-reps", type=int, default=2)
    ap.add_argument("--loss-levels", default="1,5", help="comma list of loss %% levels")
    ap.add_argument("--loss-reps", type=int, default=3)
    ap.add_argument("--ab-n", type=int, default=2000)
    ap.add_argument("--ab-c", type=int, default=8)
    ap.add_argument("--ab-rounds", type=int, default=3)
    ap.add_argument("--iperf-seconds", type=int, default=5)
    ap.add_argument("--iperf-rounds", type=int, default=3)
    ap.add_argument("--skip", default="", help="comma list of " + ",".join(ALL))
    ap.add_argument("--only", default="", help="comma list: run these alone (and no soak row)")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))
    skip = set(filter(None, a.skip.split(","))) | ((set(ALL) - only) if only else set())
    unknown = (only | skip) - set(ALL)
    if unknown:
        ap.error(f"unknown measurement(s) {sorted(unknown)}; known: {','.join(ALL)}")
    reason = fh.qemu_skip_reason(FW_ELF) or fh.qemu_skip_reason(LW_ELF)
    rows: list[dict] = []
    extra: dict = {}
    if reason:
        log(f"QEMU measurements skipped: {reason}")
        rows.append(row("qemu", "QEMU measurements", "-", None, None, "info", reason))
        Path(a.out).write_text(json.dumps({"rows": rows}))
        return 0

    if not {"msl", "close"} <= skip:
        if not a.static:
            ap.error("--static is needed for msl and close")
        static = {r["key"]: r for r in json.loads(Path(a.static).read_text())}
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
        if "httpd" not in skip:
            rows += httpd_load(ns, {"finwait": FW_ELF, "lwip": LW_ELF}, a.ab_n, a.ab_c,
                               a.ab_rounds)
        if "iperf" not in skip:
            rows += iperf_tput(ns, {"finwait": FW_ELF, "lwip": LW_ELF}, a.iperf_seconds,
                               a.iperf_rounds)
    finally:
        ns.destroy()
        fh.cleanup_all()
    log(f"QEMU measurements took {time.monotonic() - t0:.0f} s")
    if not only:
        rows += soak_row()
    Path(a.out).write_text(json.dumps({"rows": rows, **extra}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
