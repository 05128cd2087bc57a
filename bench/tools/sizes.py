#!/usr/bin/python3
"""Static sizes on Cortex-M for `make bench`: RAM per TIME_WAIT connection
(IPv4 and IPv6) and how many fit in 16 KiB, flash of the TCP code and of
each firmware, and what the dual stack costs each firmware.

RAM per TIME_WAIT connection comes from the pool definitions as linked:
finwait keeps TIME_WAIT in its compact table (timewait.c's tw_tab, with its
hash heads tw_bucket and class records tw_cls, divided by FW_TW_ENTRIES:
what tw_bytes_per_entry() returns on the target); lwIP keeps a full struct tcp_pcb on its
tcp_tw_pcbs list, so one element of the MEMP_TCP_PCB pool. Counts come from
the probe objects (bench/probe/), whose array sizes are the quantities.

Prints a JSON list of rows (see bench/tools/report.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess

RAM_BUDGET = 16 * 1024


def symbol_sizes(obj: str) -> dict[str, int]:
    out = subprocess.run(["arm-none-eabi-nm", "-S", obj], check=True,
                         capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4:
            sizes[f[3]] = int(f[1], 16)
    return sizes


def text_data(paths: list[str]) -> int:
    out = subprocess.run(["arm-none-eabi-size", "-B", "-t", *paths], check=True,
                         capture_output=True, text=True).stdout
    total = out.strip().splitlines()[-1].split()
    return int(total[0]) + int(total[1])


def ram(paths: list[str]) -> int:
    out = subprocess.run(["arm-none-eabi-size", "-B", *paths], check=True,
                         capture_output=True, text=True).stdout
    f = out.strip().splitlines()[-1].split()
    return int(f[1]) + int(f[2])


def row(key, label, unit, fw, lw, better, note=""):
    return {"key": key, "label": label, "unit": unit, "finwait": fw, "lwip": lw,
            "better": better, "note": note}


# finwait's engine has no run-time assertions (no LWIP_ASSERT, no assert():
# only _Static_assert), so the flash rows compare it with lwIP's TCP built
# with LWIP_NOASSERT; lwIP's asserts-on size (the baseline firmware's own
# objects) is only quoted in the note, as no finwait build matches it.
FLASH_BASE_OPTS = ("TCP_QUEUE_OOSEQ=1 (unbounded), LWIP_TCP_SACK_OUT=0, LWIP_TCP_KEEPALIVE=0, "
                   "LWIP_WND_SCALE=0, LWIP_TCP_TIMESTAMPS=0")
FLASH_EQUAL_OPTS = ("TCP_QUEUE_OOSEQ=1 with TCP_OOSEQ_MAX_PBUFS=FW_TCP_OOQ_SEGS, "
                    "LWIP_TCP_SACK_OUT=1 with LWIP_TCP_MAX_SACK_NUM=FW_TCP_SACK_RANGES (4), "
                    "LWIP_TCP_KEEPALIVE=1, LWIP_WND_SCALE=0, LWIP_TCP_TIMESTAMPS=0")
# The RAM-per-connection rows: lwIP's struct tcp_pcb with those options
# (finwait has an out-of-order queue, SACK both ways and keepalive, neither
# window scaling nor timestamps), dual stack as both firmwares
# (bench/probe/lwip-equal.o).
PCB_EQUAL_OPTS = FLASH_EQUAL_OPTS + ", LWIP_IPV4=1, LWIP_IPV6=1"


def flash_rows(a) -> list[dict]:
    fw = text_data(a.finwait_tcp_objs)
    asserts_on = text_data(a.lwip_tcp_objs)
    common = ("-Os objects, text+data: finwait tcp/src/*.o (no run-time assertions) vs lwIP "
              "core/tcp.c, tcp_in.c, tcp_out.c built for this row under build/bench/flash/")
    return [
        row("flash_tcp_noassert", "Flash, TCP code, lwIP LWIP_NOASSERT, baseline options", "B",
            fw, text_data(a.lwip_tcp_objs_noassert), "lower",
            f"{common}noassert/ with LWIP_NOASSERT and the baseline's options ({FLASH_BASE_OPTS}); "
            f"lwIP with its assertions on, as the baseline firmware links it: {asserts_on} B"),
        row("flash_tcp_equal", "Flash, TCP code, lwIP LWIP_NOASSERT, finwait's features on", "B",
            fw, text_data(a.lwip_tcp_objs_equal), "lower",
            f"{common}equal/ with LWIP_NOASSERT and {FLASH_EQUAL_OPTS} "
            "(bench/lwip/flash/lwipopts.h)"),
    ]


def dual_stack_rows(a, tw6_entries: int, tw6_bytes: int) -> list[dict]:
    """What IPv6 costs each firmware: the dual stack (the default build)
    against its FW_IPV6=0 build, same board and sources."""
    fw6, lw6 = text_data([a.finwait_elf]), text_data([a.lwip_elf])
    fw4, lw4 = text_data([a.finwait_ipv4_elf]), text_data([a.lwip_ipv4_elf])
    rfw6, rlw6 = ram([a.finwait_elf]), ram([a.lwip_elf])
    rfw4, rlw4 = ram([a.finwait_ipv4_elf]), ram([a.lwip_ipv4_elf])
    return [
        row("flash_fw_ipv4", "Flash, whole firmware, IPv4 only (FW_IPV6=0)", "B", fw4, lw4, "lower",
            "build/bench/fw/{finwait,lwip}-ipv4/firmware.elf, text+data"),
        row("flash_ipv6_cost", "Flash IPv6 adds (dual stack - IPv4 only)", "B", fw6 - fw4, lw6 - lw4,
            "lower", f"finwait {fw6} - {fw4} B; lwIP {lw6} - {lw4} B: lwIP's IPv6 layers (ND, "
            "MLD, ICMPv6) in both, and each TCP over IPv6"),
        row("ram_fw_ipv4", "RAM, whole firmware, IPv4 only (FW_IPV6=0)", "B", rfw4, rlw4, "lower",
            "data+bss"),
        row("ram_ipv6_cost", "RAM IPv6 adds (dual stack - IPv4 only)", "B", rfw6 - rfw4,
            rlw6 - rlw4, "lower", f"finwait {rfw6} - {rfw4} B, its {tw6_entries}-entry IPv6 TIME_WAIT "
            f"table ({tw6_bytes} B) included; lwIP {rlw6} - {rlw4} B (data+bss; its PCBs hold "
            "either family)"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--finwait-probe", required=True)
    ap.add_argument("--finwait-probe6", required=True)
    ap.add_argument("--lwip-probe", required=True)
    ap.add_argument("--lwip-equal-probe", required=True)
    ap.add_argument("--finwait-timewait-obj", required=True)
    ap.add_argument("--finwait-tcb-obj", required=True)
    ap.add_argument("--lwip-memp-obj", required=True)
    ap.add_argument("--finwait-altcp-obj", required=True)
    ap.add_argument("--finwait-tcp-objs", nargs="+", required=True)
    ap.add_argument("--lwip-tcp-objs", nargs="+", required=True)
    ap.add_argument("--lwip-tcp-objs-noassert", nargs="+", required=True)
    ap.add_argument("--lwip-tcp-objs-equal", nargs="+", required=True)
    ap.add_argument("--finwait-elf", required=True)
    ap.add_argument("--lwip-elf", required=True)
    ap.add_argument("--finwait-ipv4-elf", required=True)
    ap.add_argument("--lwip-ipv4-elf", required=True)
    a = ap.parse_args()

    fp = symbol_sizes(a.finwait_probe)
    lp = symbol_sizes(a.lwip_probe)
    # sizeof(struct tcp_pcb), 4-aligned as in its pool (LWIP_MEM_ALIGN_SIZE)
    lw_pcb_equal = -(-symbol_sizes(a.lwip_equal_probe)["bench_sizeof_tcp_pcb"] // 4) * 4
    tw_syms = symbol_sizes(a.finwait_timewait_obj)
    tw_tab = sum(tw_syms.get(s, 0) for s in ("tw_tab", "tw_bucket", "tw_cls"))
    tw_entries = fp["bench_fw_tw_entries"]
    # sizeof(struct fw_tcp_conn) from the engine's own pool: the struct is
    # private to the engine, the probe cannot name it.
    sizeof_tcb = symbol_sizes(a.finwait_tcb_obj)["tcb_pool"] // fp["bench_fw_tcb_count"]
    fw_tw = -(-tw_tab // tw_entries)   # ceil, as tw_bytes_per_entry()
    # IPv6 entries: a table of their own with its own hash heads and
    # classes (tw_bytes_per_entry6()), in the dual-stack build
    tw6_tab = sum(tw_syms.get(s, 0) for s in ("tw6_tab", "tw6_bucket", "tw6_cls"))
    tw6_entries = symbol_sizes(a.finwait_probe6)["bench_fw_tw6_entries"]
    fw_tw6 = -(-tw6_tab // tw6_entries)
    pool = symbol_sizes(a.lwip_memp_obj)["memp_memory_TCP_PCB_base"]
    n_pcb = lp["bench_memp_num_tcp_pcb"]
    lw_tw = pool // n_pcb              # the pool's alignment slack is < one element
    # lwIP's applications: finwait's altcp layer adds an altcp_pcb and its
    # record (afw_pool / MEMP_NUM_ALTCP_PCB) to the TCB; over lwIP's TCP,
    # altcp_tcp.c adds the same altcp_pcb to the tcp_pcb.
    altcp = fp["bench_sizeof_altcp_pcb"]
    afw_rec = symbol_sizes(a.finwait_altcp_obj)["afw_pool"] // fp["bench_memp_num_altcp_pcb"]
    rows = [
        row("ram_tw", "RAM per TIME_WAIT connection (Cortex-M)", "B", fw_tw, lw_tw, "lower",
            f"finwait tw_tab+tw_bucket+tw_cls {tw_tab} B / {tw_entries}; lwIP MEMP_TCP_PCB element "
            f"(sizeof(struct tcp_pcb) = {lp['bench_sizeof_tcp_pcb']})"),
        row("tw_16k", "TIME_WAIT connections in 16 KiB", "conns",
            RAM_BUDGET // fw_tw, RAM_BUDGET // lw_tw, "higher"),
        row("ram_tw6", "RAM per IPv6 TIME_WAIT connection (Cortex-M)", "B", fw_tw6, lw_pcb_equal,
            "lower", f"finwait tw6_tab+tw6_bucket+tw6_cls {tw6_tab} B / {tw6_entries} (FW_TW6_ENTRIES); "
            f"lwIP's dual-stack struct tcp_pcb with finwait's features ({PCB_EQUAL_OPTS}), as in "
            f"ram_conn: one pcb holds either family (the baseline firmware's pcb is {lw_tw} B)"),
        row("tw6_16k", "IPv6 TIME_WAIT connections in 16 KiB", "conns",
            RAM_BUDGET // fw_tw6, RAM_BUDGET // lw_pcb_equal, "higher"),
        row("ram_conn", "RAM per open connection (TCB / tcp_pcb, lwIP with finwait's features)", "B",
            sizeof_tcb, lw_pcb_equal, "lower",
            f"struct fw_tcp_conn vs struct tcp_pcb built with {PCB_EQUAL_OPTS}; "
            f"the baseline firmware's pcb (SACK out off) is {lw_tw} B; buffers not included"),
        row("ram_conn_app", "RAM per open connection of an lwIP app (altcp, lwIP with finwait's features)",
            "B", sizeof_tcb + altcp + afw_rec, lw_pcb_equal + altcp, "lower",
            f"TCB {sizeof_tcb} + altcp_pcb {altcp} + record {afw_rec} vs tcp_pcb {lw_pcb_equal} "
            f"({PCB_EQUAL_OPTS}) + altcp_pcb {altcp}; buffers not included"),
        *flash_rows(a),
        row("flash_fw", "Flash, whole firmware (text+data)", "B",
            text_data([a.finwait_elf]), text_data([a.lwip_elf]), "lower",
            "same board, main loop and lwIP core; services and console included"),
        row("tcb_count", "Full control blocks, default build (TCBs / PCBs)", "count",
            fp["bench_fw_tcb_count"], n_pcb, "info",
            "connections only on both sides: finwait's listeners are entries in their own table (FW_TCP_LISTENERS), lwIP's in its tcp_pcb_listen pool"),
        row("tw_entries", "TIME_WAIT capacity, default build", "conns", tw_entries, n_pcb,
            "higher", "lwIP holds TIME_WAIT in the same PCB pool as open connections"),
        row("ram_fw", "RAM, whole firmware (data+bss)", "B",
            ram([a.finwait_elf]), ram([a.lwip_elf]), "lower",
            f"finwait includes {tw_entries} TIME_WAIT entries, lwIP {n_pcb} PCBs"),
        *dual_stack_rows(a, tw6_entries, tw6_tab),
    ]
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
