#!/usr/bin/python3
"""The benchmark table: merges the JSON results of sizes.py, hostbench.py
and qemubench.py (whichever exist), prints a markdown table with finwait,
lwIP and the ratio for every row, writes it with a CSV to the output
directory and draws the timer-cost curve and the close-rate rounds.

A cell that could not be measured is "n/a", never a guess. The ratio is
finwait / lwIP; "better" says which way a row wins, "winner" who won it.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
from pathlib import Path


def fmt(v) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def ratio(r):
    f, l = r.get("finwait"), r.get("lwip")
    if f is None or l is None:
        return None
    if l == 0:
        return None   # 0/0 or x/0: no ratio (the winner column still says)
    return f / l


def winner(r) -> str:
    f, l = r.get("finwait"), r.get("lwip")
    if f is None or l is None:
        return "n/a"
    if r.get("better") == "info":
        return "-"
    if f == l:
        return "tie"
    lower_wins = r.get("better", "lower") == "lower"
    return "finwait" if (f < l) == lower_wins else "lwIP"


def load(paths: list[Path]) -> tuple[list[dict], dict]:
    rows, extra = [], {}
    for p in paths:
        if not p.is_file():
            continue
        d = json.loads(p.read_text())
        if isinstance(d, list):
            rows += d
        else:
            rows += d.get("rows", [])
            extra.update({k: v for k, v in d.items() if k != "rows"})
    return rows, extra


def table(rows: list[dict]) -> str:
    out = ["| Measurement | unit | finwait | lwIP | finwait/lwIP | better | winner |",
           "|---|---|---:|---:|---:|---|---|"]
    for r in rows:
        rt = ratio(r)
        out.append(f"| {r['label']} | {r['unit']} | {fmt(r.get('finwait'))} | "
                   f"{fmt(r.get('lwip'))} | {'n/a' if rt is None else f'{rt:.3f}'} | "
                   f"{r.get('better', 'lower')} | {winner(r)} |")
    return "\n".join(out)


# The goals the benchmark work set itself, as finwait/lwIP ratios of the
# same run: one is met when every row it names is within its bound (the
# worst of them is what the table shows); a row not measured leaves it
# n/a, never met.
GOALS = [
    ("lifecycle minus harness minus checksum, x86 and Cortex-M3, 1 KiB and 64 KiB",
     ["ir_net_life-active", "ir_net_life-passive", "ir_net_life-active_65536",
      "ir_net_life-passive_65536", "m3_net_life-active", "m3_net_life-passive",
      "m3_net_life-active_65536", "m3_net_life-passive_65536"], "<=", 0.75),
    ("TCP flash with equal features, both LWIP_NOASSERT", ["flash_tcp_equal"], "<=", 0.8),
    ("timer instructions between two lifecycles", ["timer_gap_life-active", "timer_gap_life-passive"],
     "<=", 0.05),
    ("RAM per open connection of an lwIP application", ["ram_conn_app"], "<=", 1.0),
    ("RAM per TIME_WAIT connection, IPv4 and IPv6", ["ram_tw", "ram_tw6"], "<=", 1.0),
    ("TIME_WAIT connections in 16 KiB, IPv4 and IPv6", ["tw_16k", "tw6_16k"], ">=", 1.0),
]


def goals(rows: list[dict]) -> str:
    by_key = {r["key"]: r for r in rows}
    out = ["| Goal | rows | bound | worst ratio | met |", "|---|---:|---:|---:|---|"]
    for label, keys, op, bound in GOALS:
        rts = [ratio(by_key[k]) if k in by_key else None for k in keys]
        if not rts or any(rt is None for rt in rts):
            worst, met = None, "n/a"
        else:
            worst = max(rts) if op == "<=" else min(rts)
            met = "met" if (worst <= bound if op == "<=" else worst >= bound) else "missed"
        out.append(f"| {label} | {len(keys)} | {op} {bound:g} | "
                   f"{'n/a' if worst is None else f'{worst:.3f}'} | {met} |")
    return "\n".join(out)


def plots(extra: dict, out: Path) -> list[str]:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ["(matplotlib missing: no plots; tools/bootstrap.sh bench installs it)"]
    made = []
    curve = extra.get("timer_curve")
    if curve:
        fig, ax = plt.subplots(figsize=(6, 4))
        for kind, style in (("steady", "-o"), ("burst", "--s")):
            for eng, pts in curve.get(kind, {}).items():
                ks = sorted(int(k) for k in pts)
                ax.plot(ks, [max(pts[str(k)] if str(k) in pts else pts[k], 0.5) for k in ks],
                        style, label=f"{eng}, " + ("steady state" if kind == "steady" else "none due (0 drawn at 0.5)"))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("connections in TIME_WAIT")
        ax.set_ylabel("timer instructions per simulated second")
        ax.set_title("Timer cost against TIME_WAIT count (callgrind, host)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out / "timer_cost.png", dpi=120)
        plt.close(fig)
        made.append("timer_cost.png")
    rounds = extra.get("close_rate_rounds")
    if rounds:
        fig, ax = plt.subplots(figsize=(6, 4))
        for eng in ("finwait", "lwip"):
            ys = [r.get(eng) for r in rounds]
            ax.plot(range(1, len(ys) + 1), [y if y is not None else float("nan") for y in ys],
                    "-o", label=eng)
        ax.set_xlabel("round (engines alternate within a round)")
        ax.set_ylabel("daytime connections completed per second")
        ax.set_title("Close rate under TIME_WAIT pressure (QEMU, Linux peer)")
        ax.set_ylim(bottom=0)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "close_rate.png", dpi=120)
        plt.close(fig)
        made.append("close_rate.png")
    return made


def breakdown_plots(extra: dict, out: Path) -> list[str]:
    """Stacked bars per engine and lifecycle scenario: where a lifecycle's
    instructions go (the harness, lwIP's checksum, the rest: the engine with
    its memory, copies, IPv4 and hook), on x86 (callgrind) and Cortex-M3
    (QEMU), from hostbench.py's and m3bench.py's "breakdown"."""
    panels = [(k, t) for k, t in (("breakdown", "x86-64, callgrind"),
                                  ("breakdown_m3", "Cortex-M3, QEMU trace")) if extra.get(k)]
    if not panels:
        return []
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    parts = (("engine", "engine (memory, copies, IPv4, hook included)"),
             ("checksum", "lwIP checksum"), ("harness", "harness (fake NIC)"))
    made = []
    for small in (True, False):   # per-connection sizes and bulk sizes drawn apart
        fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), squeeze=False)
        for ax, (key, title) in zip(axes[0], panels):
            scen = [s for s in extra[key] if s.startswith("1 KiB") == small]
            labels, bottoms = [], []
            for s in scen:
                for eng in ("finwait", "lwip"):
                    labels.append(f"{eng}\n{s}")
                    bottoms.append(extra[key][s].get(eng, {}))
            base = [0.0] * len(labels)
            for part, name in parts:
                vals = [b.get(part, 0.0) for b in bottoms]
                ax.bar(range(len(labels)), vals, bottom=base, label=name)
                base = [x + v for x, v in zip(base, vals)]
            ax.set_xticks(range(len(labels)))
            ax.set_xticklabels(labels, fontsize=7)
            ax.set_ylabel("instructions per lifecycle")
            ax.set_ylim(0, max(base + [1.0]) * 1.35)   # room for the legend
            ax.set_title(title)
            ax.legend(fontsize=7, loc="upper left")
        fig.tight_layout()
        name = "breakdown_1k.png" if small else "breakdown_64k.png"
        fig.savefig(out / name, dpi=120)
        plt.close(fig)
        made.append(name)
    return made


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("inputs", nargs="+", type=Path)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows, extra = load(a.inputs)
    md = table(rows)
    notes = [r for r in rows if r.get("note")]
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    text = (f"finwait vs lwIP 2.1.3 TCP, `make bench`, {when}\n\n{md}\n\n"
            f"Goals (finwait/lwIP, this run):\n\n{goals(rows)}\n\nNotes:\n" +
            "\n".join(f"- {r['label']}: {r['note']}" for r in notes) + "\n")
    (out / "results.md").write_text(text)
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "measurement", "unit", "finwait", "lwip", "ratio", "better", "winner"])
        for r in rows:
            rt = ratio(r)
            w.writerow([r["key"], r["label"], r["unit"], fmt(r.get("finwait")),
                        fmt(r.get("lwip")), "n/a" if rt is None else f"{rt:.4f}",
                        r.get("better", "lower"), winner(r)])
    made = plots(extra, out) + breakdown_plots(extra, out)
    print(text)
    print(f"written: {out}/results.md {out}/results.csv " + " ".join(f"{out}/{m}" for m in made))


if __name__ == "__main__":
    main()
