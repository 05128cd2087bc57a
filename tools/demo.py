#!/usr/bin/python3
"""demo: boot finwait in QEMU as `make run` does (user-mode networking,
host forwards on loopback), open one echo and one daytime connection from
this host, show the firmware's `netstat`, and draw both teardowns as ladder
diagrams from the NIC's pcap (QEMU filter-dump), then fetch finwait's
status page from lwIP's httpd (/status.txt: its TIME_WAIT count and table).

    tools/demo.py [--elf build/mps2-an385/firmware.elf] [--machine mps2-an385]
                  [--out build/demo] [-- extra QEMU args]

echo (RFC 862): this host closes first, finwait does the passive close
(CLOSE_WAIT -> LAST_ACK). daytime (RFC 867): finwait writes its line and
closes first, so it is finwait that holds TIME_WAIT, as `netstat` shows.
Writes <out>/demo.pcap, <out>/{echo,daytime}.ladder.{txt,svg} and
<out>/console.log. Needs no root: QEMU's slirp is the peer.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ladder  # noqa: E402

FW_IP = "192.0.2.2"
PROMPT = b"finwait> "
ECHO, DAYTIME, HTTP = 7, 13, 80
BOOT_TIMEOUT_S = 15.0
IO_TIMEOUT_S = 10.0
ECHO_TEXT = b"hello from the demo, finwait\r\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Console:
    """The firmware's serial console on a unix socket, read into a log."""

    def __init__(self, path, log_path):
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                raise SystemExit("demo: QEMU did not create its console socket")
            time.sleep(0.02)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.log = open(log_path, "wb")

    def until_prompt(self, timeout):
        deadline = time.monotonic() + timeout
        while PROMPT not in self.buf:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                data = None
            if not data or time.monotonic() > deadline:
                raise SystemExit("demo: no prompt from the firmware; console said:\n"
                                 + self.buf.decode("latin-1"))
            self.log.write(data)
            self.buf += data
        text, _, self.buf = self.buf.partition(PROMPT)
        return text.decode("latin-1").replace("\r", "")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r")
        out = self.until_prompt(IO_TIMEOUT_S)
        return out.split("\n", 1)[1] if "\n" in out else ""


def echo(port):
    """Send a line, read it back, close first (this host's FIN)."""
    with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT_S) as s:
        s.sendall(ECHO_TEXT)
        got = b""
        while len(got) < len(ECHO_TEXT):
            d = s.recv(4096)
            if not d:
                break
            got += d
        s.shutdown(socket.SHUT_WR)
        while s.recv(4096):
            pass
    return got


def daytime(port):
    """Read the line; finwait closes first."""
    with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT_S) as s:
        got = b""
        while True:
            d = s.recv(4096)
            if not d:
                return got
            got += d


def fw_conn(conns, fw_port):
    """The last connection in the pcap with the firmware's end on fw_port."""
    match = [c for c in conns if (FW_IP, fw_port) in (c[0].src, c[0].dst)]
    if not match:
        return None
    a, b = match[-1][0].src, match[-1][0].dst
    return "%s:%d-%s:%d" % (a + b)


def status_page(port: int) -> str:
    """finwait's status page from lwIP's httpd: its counters and tables."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/status.txt" % port, timeout=10) as r:
            return r.read().decode("ascii", "replace").rstrip()
    except OSError as e:
        return "demo: no status page (%s)" % e


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--elf", default="build/mps2-an385/firmware.elf")
    p.add_argument("--machine", default="mps2-an385")
    p.add_argument("--out", default="build/demo")
    p.add_argument("qemu_args", nargs="*", help="after --: extra QEMU arguments")
    args = p.parse_args(argv)
    if not os.path.isfile(args.elf):
        raise SystemExit("demo: no image %s (make firmware)" % args.elf)
    os.makedirs(args.out, exist_ok=True)
    pcap = os.path.abspath(os.path.join(args.out, "demo.pcap"))
    if os.path.exists(pcap):
        os.unlink(pcap)
    p_echo, p_day, p_http = free_port(), free_port(), free_port()
    tmp = tempfile.mkdtemp(prefix="finwait-demo-")
    fwd = "hostfwd=tcp:127.0.0.1:%d-%s:%d,hostfwd=tcp:127.0.0.1:%d-%s:%d,hostfwd=tcp:127.0.0.1:%d-%s:%d" % (
        p_echo, FW_IP, ECHO, p_day, FW_IP, DAYTIME, p_http, FW_IP, HTTP)
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-M", args.machine, "-nographic", "-monitor", "none",
         "-kernel", args.elf,
         "-chardev", "socket,id=con,path=%s/con.sock,server=on,wait=on" % tmp,
         "-serial", "chardev:con",
         "-netdev", "user,id=net0,net=192.0.2.0/24,host=192.0.2.1,"
                    "dhcpstart=192.0.2.100," + fwd,
         "-net", "nic,netdev=net0",
         "-object", "filter-dump,id=dump0,netdev=net0,file=" + pcap] + args.qemu_args,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        con = Console(os.path.join(tmp, "con.sock"),
                      os.path.join(args.out, "console.log"))
        banner = con.until_prompt(BOOT_TIMEOUT_S).strip()
        print(banner)
        print("\n== echo (port 7, via 127.0.0.1:%d): this host closes first" % p_echo)
        got = echo(p_echo)
        print("sent %r, got back %r" % (ECHO_TEXT, got))
        print("\n== daytime (port 13, via 127.0.0.1:%d): finwait closes first" % p_day)
        print("got %r" % daytime(p_day))
        time.sleep(0.5)   # the last ACKs
        print("\n== finwait> netstat")
        print(con.cmd("netstat"))
        print("\n== lwIP's httpd on finwait (port 80, via 127.0.0.1:%d): /status.txt" % p_http)
        print(status_page(p_http))
    finally:
        qemu.terminate()
        try:
            qemu.wait(timeout=5)
        except subprocess.TimeoutExpired:
            qemu.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    conns = ladder.split_connections(ladder.read_segments(pcap))
    for name, port in (("echo", ECHO), ("daytime", DAYTIME)):
        spec = fw_conn(conns, port)
        if spec is None:
            print("demo: no %s connection in %s" % (name, pcap), file=sys.stderr)
            return 1
        base = os.path.join(args.out, name + ".ladder")
        lad = ladder.draw(pcap, svg=base + ".svg", text=base + ".txt", conn=spec)
        print("\n== the %s teardown, as the firmware's NIC saw it (%s.svg)" % (name, base))
        sys.stdout.write(ladder.render_text(lad))
    print("\npcap: %s" % pcap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
