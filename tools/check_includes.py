#!/usr/bin/env python3
"""The tree's boundaries, checked on every #include of every tracked file.

  engine   nothing outside tcp/ includes the engine's private headers
           (tcp/src/); applications see tcp/include/ only: fw_tcp.h (the
           API) and fw_tcp_config.h (its knobs, which lwipopts.h reads). The
           host unit tests and the fuzz target (tests/unit/, tests/fuzz/)
           are white-box and exempt.
  knobs    the engine (tcp/) never includes the firmware's config.h: its
           knobs are fw_tcp_config.h, so a project of its own needs none.
  boards   board and driver code (bsp/, drivers/) knows nothing of TCP: no
           fw_tcp.h, no fw_tcp_config.h.
  drivers  drivers (drivers/) never include the application's config.h
           (their sizes come from their own header or the board fragment)
           nor a board's header (the board passes base addresses and
           clocks at init).
  portable portable code (app/, tcp/, port/, tests/target/) sees the
           hardware only through bsp/board.h and drivers/eth/eth_mac.h.

Prints one line per violation and exits 1; run from the repository root.
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
WHITE_BOX = ("tests/unit/", "tests/fuzz/")
PORTABLE = ("app/", "tcp/", "port/", "tests/target/")
HARDWARE_SEAMS = {"bsp/board.h", "drivers/eth/eth_mac.h"}


def tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "*.c", "*.h"], check=True, capture_output=True, text=True).stdout
    return out.split()


def main() -> int:
    files = tracked()
    private = {os.path.basename(f) for f in files if f.startswith("tcp/src/") and f.endswith(".h")}
    hardware = {os.path.basename(f): f for f in files
                if f.startswith(("bsp/", "drivers/")) and f.endswith(".h") and f not in HARDWARE_SEAMS}
    bad = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            base = os.path.basename(inc)
            bare = "/" not in inc
            where = f"{f}: #include \"{inc}\""
            if not f.startswith("tcp/") and not f.startswith(WHITE_BOX) and \
                    base in private and (bare or "tcp/src" in inc):
                bad.append(f"{where}: the engine's private header (use fw_tcp.h)")
            if f.startswith("tcp/") and inc == "config.h":
                bad.append(f"{where}: the engine's knobs are fw_tcp_config.h")
            if f.startswith(("bsp/", "drivers/")) and base in ("fw_tcp.h", "fw_tcp_config.h"):
                bad.append(f"{where}: board and driver code knows nothing of TCP")
            if f.startswith("drivers/") and inc == "config.h":
                bad.append(f"{where}: a driver takes its sizes from its own header or the board fragment")
            if f.startswith("drivers/") and bare and hardware.get(base, "").startswith("bsp/"):
                bad.append(f"{where}: a driver gets addresses and clocks from the board at init")
            if f.startswith(PORTABLE) and bare and base in hardware:
                bad.append(f"{where}: portable code sees the hardware only through board.h and eth_mac.h "
                           f"({hardware[base]} is board code)")
    for line in bad:
        print("check_includes: " + line)
    print(f"check_includes: {len(files)} files: {'FAILED' if bad else 'boundaries kept'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
