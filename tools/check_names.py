#!/usr/bin/env python3
"""The engine's names never meet lwIP's TCP names.

lwIP's core calls tcp_init(), tcp_input(), tcp_tmr() ... when it is built
with LWIP_TCP=1; an engine that defined any name of lwIP's TCP would bind
those calls to itself with the wrong arguments, or fail to link beside it.

Checks, failing with one line per offending name:
  1. every symbol the engine's objects define (nm) starts with one of the
     engine's prefixes;
  2. no symbol they define, and no name the public header defines (macro,
     function, type, tag, enum constant), is a name lwIP 2.1.3's TCP
     defines: the symbols of lwIP's tcp*.c objects and the names declared
     in include/lwip/tcp.h, tcpbase.h, priv/tcp_priv.h and prot/tcp.h.

Usage: check_names.py --nm NM --engine-objs O... --lwip-objs O...
                      --lwip-src DIR --public-header H [--cc CC -I...]
"""
import argparse
import re
import subprocess
import sys

ENGINE_PREFIXES = ("fw_tcp_", "FW_TCP_", "tcb_", "tw_", "seg_", "isn_", "stats_", "rx_", "cc_", "sack_", "lsn_")
LWIP_TCP_HEADERS = ("lwip/tcp.h", "lwip/tcpbase.h", "lwip/priv/tcp_priv.h", "lwip/prot/tcp.h")
IDENT = r"[A-Za-z_]\w*"


def defined_symbols(nm: str, objs: list[str], globals_only: bool) -> set[str]:
    """Symbols the objects define; with globals_only, only those the linker
    sees across objects (upper-case nm types)."""
    out = subprocess.run([nm, "--defined-only", *objs], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        f = line.split()
        # "addr type name"; skip section symbols and debug entries
        if len(f) != 3 or f[2].startswith(".") or f[1] in "Nn":
            continue
        if globals_only and not f[1].isupper():
            continue
        names.add(f[2].split(".")[0])   # gcc's foo.constprop.0 / foo.part.0
    return names


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def declared_names(text: str, uses_too: bool) -> set[str]:
    """File-scope names a header defines: macros, tags (with uses_too, also
    tags it only mentions), typedefs, enum constants, declared functions."""
    t = strip_comments(text)
    names = set(re.findall(rf"^\s*#\s*define\s+({IDENT})", t, flags=re.M))
    tag = rf"\b(?:struct|union|enum)\s+({IDENT})" + ("" if uses_too else r"\s*[{{;]")
    names |= set(re.findall(tag, t))
    names |= set(re.findall(rf"\bextern\b[^;(]*?\b({IDENT})\s*(?:\[[^]]*\])?\s*;", t))   # variables
    names |= set(re.findall(rf"\btypedef\b[^;]*?\(\s*\*\s*({IDENT})\s*\)", t))   # typedef r (*name)(...)
    names |= set(re.findall(rf"\btypedef\b[^;(]*?\b({IDENT})\s*;", t))          # typedef x name;
    names |= set(re.findall(rf"}}\s*({IDENT})\s*;", t))                           # typedef struct {..} name;
    for body in re.findall(r"\benum\b[^{;]*{([^}]*)}", t):
        names |= set(re.findall(rf"(?:^|,)\s*({IDENT})", body))
    t_no_pp = re.sub(r"^\s*#.*$", " ", t, flags=re.M)
    names |= set(re.findall(rf"\b({IDENT})\s*\((?!\s*\*)[^;{{]*\)\s*;", t_no_pp))   # prototypes
    return names - {"if", "while", "for", "return", "sizeof", "defined"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--engine-objs", nargs="+", required=True)
    ap.add_argument("--lwip-objs", nargs="+", required=True)
    ap.add_argument("--lwip-src", required=True, help="lwIP's src/ directory")
    ap.add_argument("--public-header", required=True)
    a = ap.parse_args()

    engine = defined_symbols(a.nm, a.engine_objs, globals_only=True)
    lwip = defined_symbols(a.nm, a.lwip_objs, globals_only=False)
    for h in LWIP_TCP_HEADERS:
        with open(f"{a.lwip_src}/include/{h}", encoding="utf-8") as f:
            lwip |= declared_names(f.read(), uses_too=True)
    with open(a.public_header, encoding="utf-8") as f:
        public = declared_names(f.read(), uses_too=False)
    if not engine or len(lwip) < 100:
        print(f"check_names: found {len(engine)} engine and {len(lwip)} lwIP names: wrong inputs?")
        return 2

    bad = []
    for name in sorted(engine):
        if not name.startswith(ENGINE_PREFIXES):
            bad.append(f"engine symbol {name}: not under an engine prefix {', '.join(ENGINE_PREFIXES)}")
    for name in sorted((engine | public) & lwip):
        bad.append(f"{name}: defined by finwait's engine and by lwIP's TCP")
    for name in sorted(public):
        if not name.startswith(("fw_tcp_", "FW_TCP_", "FW_TCP")):
            bad.append(f"public header name {name}: not under fw_tcp_/FW_TCP_")
    for line in bad:
        print("check_names: " + line)
    print(f"check_names: {len(engine)} engine symbols, {len(public)} public-header names, "
          f"{len(lwip)} lwIP TCP names: {'FAILED' if bad else 'no clash'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
