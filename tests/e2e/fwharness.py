"""End-to-end harness: the firmware under test, its console, its network.

Two targets share one interface, `Firmware`:

* `QemuFirmware` boots build/<board>/firmware.elf in QEMU inside a network
  namespace created for the run (`Namespace`): a tap device at 192.0.2.1/24
  is the peer, the firmware is 192.0.2.2. The serial console is a unix
  socket chardev, QEMU is driven over QMP (a second unix socket), and each
  test's traffic is written to its own pcap by a `filter-dump` object added
  and removed over QMP.
* `LabgridFirmware` is a labgrid target (--lg-env): console, power,
  flashing and the interface facing the device come from the target's
  drivers and resources; with labgrid's QEMUDriver it is the QEMU above
  started by labgrid, in the same namespace. `BoardFirmware` (--target
  board) is a labgrid target made from --console and --iface: the console
  is a serial device, the peer is this host on --iface, pcaps come from
  tcpdump.

Every resource created here (namespace, tap, QEMU, tcpdump, temporary
directory) is registered with `_cleanup` so that fixture finalizers, atexit
and SIGTERM/SIGHUP all remove it; namespaces left behind by a run that was
SIGKILLed are reaped at the next start (`reap_stale_namespaces`).
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Optional

PROMPT = "finwait> "
PEER_IP = "192.0.2.1"
FW_IP = "192.0.2.2"
PREFIX_LEN = 24
QEMU_MAC = "52:54:00:12:34:56"
NS_PREFIX = "fwe2e-"
TAP_NAME = "fwtap0"
BOOT_TIMEOUT_S = 15.0
# The board this run boots, set from conftest's --machine: QEMU's -M and
# the name the banner prints (a board is named after its QEMU machine).
MACHINE = "mps2-an385"
CMD_TIMEOUT_S = 5.0
QEMU_BIN = "qemu-system-arm"
# The NIC model each machine's -net nic takes (QEMU refuses any other on a
# machine whose NIC is on chip); lan9118 on every MPS2 machine.
QEMU_NIC_MODELS = {"lm3s6965evb": "stellaris"}

MAC_RE = re.compile(r"\b((?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2})\b")


class HarnessError(Exception):
    """The harness could not do what a test asked (not a firmware verdict)."""


def connect_unix(path: str, timeout: float = 10.0) -> socket.socket:
    """A stream socket connected to `path`. QEMU creates its socket file
    (bind) a moment before it listens: a connect in between is refused,
    so a refusal is retried until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except ConnectionRefusedError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class ConsoleTimeout(AssertionError):
    """Expected console output did not arrive in time: a test failure."""


class TestTimeout(AssertionError):
    """A test ran past its time limit (conftest's per-test alarm)."""
    __test__ = False  # not a pytest test class


# ---------------------------------------------------------------- clean-up

class _Cleanup:
    """Idempotent clean-up actions, run in reverse order of registration."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._actions: dict[int, Callable[[], None]] = {}
        self._next = 0
        self._installed = False

    def add(self, fn: Callable[[], None]) -> int:
        with self._lock:
            self._next += 1
            self._actions[self._next] = fn
            return self._next

    def done(self, token: int) -> None:
        with self._lock:
            self._actions.pop(token, None)

    def run_all(self) -> None:
        with self._lock:
            actions = sorted(self._actions.items(), reverse=True)
            self._actions.clear()
        for _, fn in actions:
            try:
                fn()
            except Exception:  # noqa: BLE001 - clean-up must go on
                pass

    def install(self) -> None:
        """atexit plus SIGTERM/SIGHUP: clean up, then let pytest unwind."""
        if self._installed:
            return
        self._installed = True
        atexit.register(self.run_all)

        def on_signal(signum, _frame):
            self.run_all()
            raise KeyboardInterrupt(f"signal {signum}")

        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, on_signal)


_cleanup = _Cleanup()
install_safety_net = _cleanup.install
cleanup_all = _cleanup.run_all


def _die_with_parent() -> None:
    """preexec_fn: the child gets SIGKILL if pytest dies (PR_SET_PDEATHSIG),
    so a SIGKILLed run leaves no QEMU behind. Survives `ip netns exec`,
    which execs the command in place."""
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _reap(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """Wait for a process already asked to stop; kill it if it will not."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _sh(argv: list[str], check: bool = True, timeout: float = 20.0,
        **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise HarnessError(f"{' '.join(argv)} -> {r.returncode}: {r.stderr.strip()}")
    return r


# ---------------------------------------------------------------- prerequisites

def qemu_skip_reason(elf: Path) -> Optional[str]:
    """Why the QEMU+namespace tests cannot run here, or None when they can."""
    missing = []
    if os.geteuid() != 0:
        missing.append("not running as root (network namespaces and tap devices "
                       "need CAP_NET_ADMIN; CI runs as root)")
    if not os.path.exists("/dev/net/tun"):
        missing.append("/dev/net/tun is missing (no tun/tap support)")
    if shutil.which(QEMU_BIN) is None:
        missing.append(f"{QEMU_BIN} is not installed (make deps-test installs it)")
    if shutil.which("ip") is None:
        missing.append("iproute2 'ip' is not installed")
    if not elf.is_file():
        missing.append(f"firmware image {elf} does not exist (make firmware)")
    return "; ".join(missing) if missing else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale_namespaces() -> list[str]:
    """Delete namespaces this harness made in runs whose pytest is gone (a
    SIGKILLed run cannot clean up), with whatever still runs inside them."""
    reaped = []
    r = _sh(["ip", "netns", "list"], check=False)
    for line in r.stdout.splitlines():
        m = re.match(rf"^{re.escape(NS_PREFIX)}(\d+)\b", line)
        if not m or _pid_alive(int(m.group(1))):
            continue
        name = line.split()[0]
        _kill_ns_pids(name)
        _sh(["ip", "netns", "del", name], check=False)
        reaped.append(name)
    return reaped


def _kill_ns_pids(name: str) -> None:
    r = _sh(["ip", "netns", "pids", name], check=False)
    for pid in r.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


# ---------------------------------------------------------------- records

def parse_records(text: str) -> dict[str, dict[str, str]]:
    """Parse console output in the format of app/console.h:
    `section: k=v k=v` lines merge into result[section]; lone `k=v` lines go
    to result[""]. Other lines are ignored."""
    out: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"^([A-Za-z0-9_.]+):((?:\s+[A-Za-z0-9_.]+=\S*)+)\s*$", line)
        if m:
            sec, rest = m.group(1), m.group(2)
        elif re.match(r"^[A-Za-z0-9_.]+=\S*$", line):
            sec, rest = "", line
        else:
            continue
        d = out.setdefault(sec, {})
        for kv in rest.split():
            k, _, v = kv.partition("=")
            d[k] = v
    return out


def record_int(rec: dict[str, dict[str, str]], sec: str, key: str) -> int:
    try:
        return int(rec[sec][key])
    except KeyError as e:
        raise AssertionError(f"no '{sec}: {key}=' in the output; sections "
                             f"{sorted(rec)}") from e


# ---------------------------------------------------------------- console

class Console:
    """Reads a byte stream on a thread, logs every byte, and lets tests
    wait for patterns and run commands. Positions are offsets into the text
    received since the console was opened."""

    def __init__(self, recv: Callable[[], bytes], send: Callable[[bytes], None],
                 close: Callable[[], None], log_path: Path) -> None:
        self._recv, self._send, self._close = recv, send, close
        self._cond = threading.Condition()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._log = open(log_path, "ab", buffering=0)
        self._thread = threading.Thread(target=self._reader, daemon=True,
                                        name=f"console {log_path.name}")
        self._thread.start()

    @classmethod
    def unix(cls, path: str, log_path: Path) -> "Console":
        sock = connect_unix(path)

        def close() -> None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        return cls(lambda: sock.recv(4096), sock.sendall, close, log_path)

    @classmethod
    def serial(cls, device: str, baud: int, log_path: Path) -> "Console":
        import termios
        import tty
        fd = os.open(device, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        attrs = termios.tcgetattr(fd)
        speed = getattr(termios, f"B{baud}")
        attrs[4] = attrs[5] = speed
        # 8N1, no flow control, no modem lines (a bare USB CDC or UART)
        attrs[2] &= ~(termios.PARENB | termios.CSTOPB | termios.CSIZE
                      | getattr(termios, "CRTSCTS", 0))
        attrs[2] |= termios.CS8 | termios.CLOCAL | termios.CREAD
        attrs[0] &= ~(termios.IXON | termios.IXOFF | termios.IXANY)
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        termios.tcflush(fd, termios.TCIOFLUSH)
        closed = threading.Event()

        def recv() -> bytes:
            while not closed.is_set():
                r, _, _ = select.select([fd], [], [], 0.2)
                if r:
                    return os.read(fd, 4096)
            return b""

        def send(data: bytes) -> None:
            os.write(fd, data)

        def close() -> None:
            closed.set()
            os.close(fd)
        return cls(recv, send, close, log_path)

    def _reader(self) -> None:
        while True:
            try:
                data = self._recv()
            except OSError:
                data = b""
            if not data:
                with self._cond:
                    self._eof = True
                    self._cond.notify_all()
                return
            self._log.write(data)
            with self._cond:
                self._buf += data.decode("latin-1")
                self._cond.notify_all()

    @property
    def eof(self) -> bool:
        return self._eof

    def mark(self) -> int:
        with self._cond:
            return len(self._buf)

    def text_since(self, mark: int) -> str:
        with self._cond:
            return self._buf[mark:]

    def drain(self) -> str:
        """Skip everything received so far; returns what was skipped."""
        with self._cond:
            skipped = self._buf[self._pos:]
            self._pos = len(self._buf)
            return skipped

    def wait_for(self, pattern: str | re.Pattern, timeout: float = CMD_TIMEOUT_S,
                 flags: int = 0) -> re.Match:
        """Wait for `pattern` in output not yet consumed; consume through the
        end of the match."""
        rx = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = rx.search(self._buf, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    tail = self._buf[max(self._pos, len(self._buf) - 800):]
                    why = "console closed" if self._eof else f"{timeout:.1f} s passed"
                    raise ConsoleTimeout(f"{why} waiting for {rx.pattern!r}; "
                                         f"unconsumed output ends with:\n{tail}")
                self._cond.wait(left)

    def write(self, data: str | bytes) -> None:
        self._send(data.encode("latin-1") if isinstance(data, str) else data)

    def cmd(self, line: str, timeout: float = CMD_TIMEOUT_S) -> str:
        """Send one command line; return its output (echo and prompt removed,
        lines joined with "\\n")."""
        self.drain()
        start = self.mark()
        self.write(line + "\r")
        m = self.wait_for(r"(?:^|\n)" + re.escape(PROMPT), timeout)
        with self._cond:
            text = self._buf[start:m.start()]
        lines = text.replace("\r", "").split("\n")
        if lines and lines[0].strip() == line.strip():
            lines = lines[1:]
        return "\n".join(lines).strip("\n")

    def close(self) -> None:
        try:
            self._close()
        finally:
            self._thread.join(timeout=2)
            self._log.close()


# ---------------------------------------------------------------- QMP

class Qmp:
    """Minimal QEMU Machine Protocol client (JSON lines on a unix socket)."""

    def __init__(self, path: str, timeout: float = 10.0) -> None:
        self._sock = connect_unix(path, timeout)
        self._sock.settimeout(timeout)
        self._file = self._sock.makefile("rb")
        self.events: list[dict] = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise HarnessError(f"QMP greeting missing: {greeting}")
        self.execute("qmp_capabilities")

    def _read(self) -> dict:
        line = self._file.readline()
        if not line:
            raise HarnessError("QMP connection closed")
        return json.loads(line)

    def execute(self, command: str, **arguments) -> object:
        msg: dict = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self._sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read()
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise HarnessError(f"QMP {command}: {r['error']}")
            return r.get("return")

    def close(self) -> None:
        try:
            self._file.close()
            self._sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- namespace

class Namespace:
    """A network namespace with one tap device, the firmware's peer."""

    def __init__(self, name: str, tap: str = TAP_NAME,
                 peer: str = f"{PEER_IP}/{PREFIX_LEN}") -> None:
        self.name, self.tap, self.peer = name, tap, peer
        self._token: Optional[int] = None

    def create(self) -> "Namespace":
        self._token = _cleanup.add(self.destroy)
        _sh(["ip", "netns", "add", self.name])
        self.run(["ip", "link", "set", "lo", "up"], check=True)
        self.run(["ip", "tuntap", "add", "dev", self.tap, "mode", "tap"], check=True)
        # No IPv6 on the tap: Linux's router solicitations and MLD would
        # only be noise in the pcaps; test_ipv6.py's `ip6` fixture enables
        # it (2001:db8::1/64) for its own tests and disables it after.
        self.run(["sysctl", "-qw", f"net.ipv6.conf.{self.tap}.disable_ipv6=1"],
                 check=False)
        self.run(["ip", "addr", "add", self.peer, "dev", self.tap], check=True)
        self.run(["ip", "link", "set", self.tap, "up"], check=True)
        return self

    def argv(self, argv: list[str]) -> list[str]:
        # nsenter, not `ip netns exec`: only the network namespace is needed,
        # and `ip netns exec` remounts / and /sys, which fails where / is
        # not a mount point (a chroot such as shared/tools/fresh-chroot.sh).
        return ["nsenter", f"--net=/run/netns/{self.name}", "--"] + list(argv)

    def run(self, argv: list[str], check: bool = False, timeout: float = 60.0,
            **kw) -> subprocess.CompletedProcess:
        return _sh(self.argv(argv), check=check, timeout=timeout, **kw)

    def popen(self, argv: list[str], **kw) -> subprocess.Popen:
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.Popen(self.argv(argv), preexec_fn=_die_with_parent, **kw)

    def destroy(self) -> None:
        if self._token is None:
            return
        _kill_ns_pids(self.name)
        self.run(["ip", "link", "del", self.tap], check=False)
        _sh(["ip", "netns", "del", self.name], check=False)
        _cleanup.done(self._token)
        self._token = None


# ---------------------------------------------------------------- firmware

class Firmware:
    """What a test sees of the device under test, whichever the target."""

    target = "none"

    def __init__(self, ip: str, artifacts: Path, board: Optional[str] = None) -> None:
        self.ip = ip
        self.artifacts = artifacts
        self.board = board or MACHINE   # the name its banner prints
        self.mac: Optional[str] = None
        self.console: Optional[Console] = None
        self.boot_log = ""
        self.pcap_path: Optional[Path] = None
        self.ns_name: Optional[str] = None

    # -- console
    def cmd(self, line: str, timeout: float = CMD_TIMEOUT_S) -> str:
        assert self.console is not None, "firmware not booted"
        return self.console.cmd(line, timeout)

    def wait_for(self, pattern: str, timeout: float = CMD_TIMEOUT_S) -> re.Match:
        assert self.console is not None, "firmware not booted"
        return self.console.wait_for(pattern, timeout)

    def records(self, line: str) -> dict[str, dict[str, str]]:
        return parse_records(self.cmd(line))

    def stats(self) -> dict[str, dict[str, str]]:
        return self.records("stats")

    def responsive(self, timeout: float = 2.0) -> bool:
        """Does the console answer an empty line with a prompt?"""
        try:
            self.cmd("", timeout)
            return True
        except (ConsoleTimeout, OSError, AssertionError):
            return False

    # -- the peer's side
    def run(self, argv: list[str], timeout: float = 60.0, check: bool = False,
            **kw) -> subprocess.CompletedProcess:
        """Run a command where the firmware's peer lives (the namespace)."""
        raise NotImplementedError

    def popen(self, argv: list[str], **kw) -> subprocess.Popen:
        raise NotImplementedError

    def ping(self, count: int, interval: float = 0.2, wait_s: float = 1.0,
             size: int = 56) -> tuple[int, int, str]:
        """Ping the firmware from the peer: (transmitted, received, output)."""
        r = self.run(["ping", "-n", "-q", "-c", str(count), "-i", str(interval),
                      "-W", str(max(1, round(wait_s))), "-s", str(size), self.ip],
                     timeout=count * interval + wait_s + 30)
        m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
        if not m:
            raise HarnessError(f"ping output not understood:\n{r.stdout}{r.stderr}")
        return int(m.group(1)), int(m.group(2)), r.stdout

    def neigh(self, ip: Optional[str] = None) -> Optional[str]:
        """The peer's neighbour-cache MAC for `ip` (the firmware by default)."""
        r = self.run(["ip", "neigh", "show", ip or self.ip])
        m = re.search(r"lladdr (\S+)", r.stdout)
        return m.group(1).lower() if m else None

    def flush_neigh(self) -> None:
        self.run(["ip", "neigh", "flush", "to", self.ip])

    # -- captures and lifecycle (per target)
    def start_capture(self, path: Path) -> None:
        raise NotImplementedError

    def stop_capture(self) -> Optional[Path]:
        raise NotImplementedError

    def boot(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def alive(self) -> bool:
        raise NotImplementedError

    def await_banner(self, mark: int) -> None:
        """Wait for the first prompt after console offset `mark`; keep the
        text before it as boot_log."""
        assert self.console is not None
        m = self.console.wait_for(r"(?:^|\n)" + re.escape(PROMPT), BOOT_TIMEOUT_S)
        self.boot_log = self.console.text_since(mark)[: m.start() - mark].replace("\r", "")

    def banner_mac(self) -> Optional[str]:
        m = MAC_RE.search(self.boot_log)
        return m.group(1).lower() if m else None


class QmpCapture:
    """Per-test pcaps written by QEMU itself: a `filter-dump` object on
    netdev n0, added and removed over QMP (self.qmp)."""

    qmp: Optional[Qmp] = None
    pcap_path: Optional[Path] = None
    _filter_seq = 0
    _filter_id: Optional[str] = None

    def _qemu_running(self) -> bool:
        raise NotImplementedError

    def start_capture(self, path: Path) -> None:
        """Record the NIC's frames (both directions) into `path` until
        stop_capture(); QEMU writes the pcap itself (filter-dump)."""
        assert self.qmp is not None
        self.stop_capture()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        self._filter_seq += 1
        fid = f"dump{self._filter_seq}"
        self.qmp.execute("object-add", **{"qom-type": "filter-dump", "id": fid,
                                          "netdev": "n0", "file": str(path.resolve())})
        self._filter_id = fid
        self.pcap_path = path

    def stop_capture(self) -> Optional[Path]:
        """Close the current pcap (object-del flushes it); returns its path."""
        if self._filter_id is None:
            return None
        fid, self._filter_id = self._filter_id, None
        if self.qmp is not None and self._qemu_running():
            try:
                self.qmp.execute("object-del", id=fid)
            except (HarnessError, OSError):
                pass
        return self.pcap_path


class QemuFirmware(QmpCapture, Firmware):
    """The firmware in QEMU, attached to a tap inside `ns`."""

    target = "qemu"

    def __init__(self, ns: Namespace, elf: Path, artifacts: Path, name: str,
                 machine: Optional[str] = None, mac: str = QEMU_MAC,
                 ip: str = FW_IP, extra_args: Optional[list[str]] = None) -> None:
        super().__init__(ip, artifacts, machine)
        self.ns = ns
        self.ns_name = ns.name
        self.elf = elf
        self.name = name
        self.machine = self.board
        self.mac = mac.lower()
        self.extra_args = extra_args or []
        self.proc: Optional[subprocess.Popen] = None
        self.qmp: Optional[Qmp] = None
        self.qemu_log = artifacts / f"{name}.qemu.log"
        self.console_log = artifacts / f"{name}.console.log"
        self._tmp: Optional[str] = None
        self._token: Optional[int] = None
        self._filter_seq = 0
        self._filter_id: Optional[str] = None

    def qemu_argv(self) -> list[str]:
        assert self._tmp is not None
        return [
            QEMU_BIN, "-M", self.machine, "-kernel", str(self.elf),
            "-nographic", "-monitor", "none", "-S",
            "-chardev", f"socket,id=con,path={self._tmp}/console.sock,server=on,wait=off",
            "-serial", "chardev:con",
            "-chardev", f"socket,id=qmp,path={self._tmp}/qmp.sock,server=on,wait=off",
            "-mon", "chardev=qmp,mode=control",
            "-netdev", self.netdev_arg(),
            "-net", f"nic,netdev=n0,model={QEMU_NIC_MODELS.get(self.machine, 'lan9118')},"
                    f"macaddr={self.mac}",
        ] + self.extra_args

    def netdev_arg(self) -> str:
        """QEMU's backend for the NIC (netdev n0): the namespace's tap."""
        return f"tap,id=n0,ifname={self.ns.tap},script=no,downscript=no"

    def run(self, argv: list[str], timeout: float = 60.0, check: bool = False,
            **kw) -> subprocess.CompletedProcess:
        return self.ns.run(argv, check=check, timeout=timeout, **kw)

    def popen(self, argv: list[str], **kw) -> subprocess.Popen:
        return self.ns.popen(argv, **kw)

    def _qemu_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def alive(self) -> bool:
        return self._qemu_running() and self.console is not None and not self.console.eof

    def _wait_socket(self, path: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            if self.proc is not None and self.proc.poll() is not None:
                raise HarnessError(f"QEMU exited with {self.proc.returncode}:\n"
                                   f"{self.qemu_log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise HarnessError(f"QEMU did not create {path}")
            time.sleep(0.02)

    def boot(self, pcap: Optional[Path] = None) -> None:
        """Start QEMU paused, attach console, QMP and (optionally) a pcap,
        then run until the first prompt; the banner is kept in boot_log."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.mkdtemp(prefix=f"{self.ns.name}-")
        self._token = _cleanup.add(self.stop)
        with open(self.qemu_log, "wb") as log:
            self.proc = self.ns.popen(self.qemu_argv(), stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_socket(f"{self._tmp}/qmp.sock")
        self.qmp = Qmp(f"{self._tmp}/qmp.sock")
        self._wait_socket(f"{self._tmp}/console.sock")
        self.console = Console.unix(f"{self._tmp}/console.sock", self.console_log)
        if pcap is not None:
            self.start_capture(pcap)
        mark = self.console.mark()
        self.qmp.execute("cont")
        self.await_banner(mark)

    def reset(self) -> None:
        """Hardware reset through QEMU; waits for the new banner."""
        assert self.qmp is not None and self.console is not None
        self.console.drain()
        mark = self.console.mark()
        self.qmp.execute("system_reset")
        self.await_banner(mark)

    def stop(self) -> None:
        self.stop_capture()
        if self.qmp is not None:
            try:
                if self.proc is not None and self.proc.poll() is None:
                    self.qmp.execute("quit")
            except (HarnessError, OSError):
                pass
            self.qmp.close()
            self.qmp = None
        if self.proc is not None:
            _reap(self.proc, timeout=3)
            self.proc = None
        if self.console is not None:
            self.console.close()
            self.console = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if self._token is not None:
            _cleanup.done(self._token)
            self._token = None


class TcpdumpCapture:
    """Per-test pcaps from tcpdump on the interface facing the device
    (where no QEMU can write them): self.iface, run where self.popen runs."""

    iface: str = ""
    ip: str = FW_IP
    pcap_path: Optional[Path] = None
    _tcpdump: Optional[subprocess.Popen] = None

    def popen(self, argv: list[str], **kw) -> subprocess.Popen:
        raise NotImplementedError

    def start_capture(self, path: Path) -> None:
        self.stop_capture()
        path.parent.mkdir(parents=True, exist_ok=True)
        err_path = path.with_suffix(".tcpdump.log")
        with open(err_path, "wb") as err:
            self._tcpdump = self.popen(["tcpdump", "-i", self.iface, "--immediate-mode", "-U",
                                        "-w", str(path), f"host {self.ip} or arp"],
                                       stdout=subprocess.DEVNULL, stderr=err)
        _wait_file_text(err_path, "listening on", self._tcpdump, "tcpdump")
        err_path.unlink(missing_ok=True)
        self.pcap_path = path

    def stop_capture(self) -> Optional[Path]:
        if self._tcpdump is None:
            return None
        time.sleep(0.2)   # the last frames on their way through the ring
        self._tcpdump.terminate()
        _reap(self._tcpdump)
        self._tcpdump = None
        return self.pcap_path


# ---------------------------------------------------------------- labgrid

LG_DIR = Path(__file__).resolve().parent / "labgrid"
# Set by conftest before labgrid reads the environment file (its !template
# takes LG_* variables only): the namespace the suite creates for a QEMU
# target, and a private directory for QEMU's QMP socket.
LG_NETNS_VAR = "LG_FINWAIT_NETNS"
LG_RUN_VAR = "LG_FINWAIT_RUN"
LG_QMP_SOCK = "qmp.sock"
_lg_flashed: set[int] = set()


def lg_import_finwait():
    """tests/e2e/labgrid/lg_finwait.py, as an environment's `imports:`
    loads it (module name lg_finwait)."""
    import sys
    if "lg_finwait" not in sys.modules:
        import importlib.util
        spec = importlib.util.spec_from_file_location("lg_finwait", LG_DIR / "lg_finwait.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["lg_finwait"] = module
    return sys.modules["lg_finwait"]


def lg_host_interface(lg_target):
    """The target's NetworkInterface resource: (ifname, netns or None).
    A RemoteNetworkInterface is on its exporter's host, and the suite's
    peer-side tools (ping, sockets, tcpdump) must run where it is."""
    from labgrid.resource.base import NetworkInterface
    from labgrid.resource.remote import RemoteNetworkInterface
    found = [r for r in lg_target.resources
             if isinstance(r, (NetworkInterface, RemoteNetworkInterface))]
    if len(found) != 1:
        raise HarnessError(f"labgrid target {lg_target.name} needs exactly one network "
                           f"interface resource (FwHostInterface, USBNetworkInterface or a "
                           f"place's RemoteNetworkInterface); it has {len(found)}")
    res = found[0]
    if isinstance(res, RemoteNetworkInterface):
        here = {socket.gethostname(), socket.getfqdn()}
        if res.host not in here and res.host.split(".")[0] not in here:
            raise HarnessError(f"the board's network interface {res.ifname} is on "
                               f"{res.host}: run the suite there (tests/e2e/README.md)")
    if not res.ifname:
        raise HarnessError(f"labgrid resource {res} has no interface name (not found by udev?)")
    return res.ifname, (getattr(res, "netns", None) or None)


def lg_is_qemu(lg_target) -> bool:
    from labgrid.driver import QEMUDriver
    return any(isinstance(d, QEMUDriver) for d in lg_target.drivers)


class LabgridFirmware(QmpCapture, TcpdumpCapture, Firmware):
    """The device under test as a labgrid target: the console is its
    ConsoleProtocol driver, power its PowerProtocol driver (optional),
    flashing its BootstrapProtocol driver (optional), and the peer is this
    host on its network interface resource (FwHostInterface with an
    optional namespace, or USBNetworkInterface / RemoteNetworkInterface).

    With labgrid's QEMUDriver the QEMU environment file also gives QEMU a
    QMP socket in $LG_FINWAIT_RUN (pcaps by filter-dump, fw.qmp for the
    tests that pause the machine) and a tap in the suite's namespace;
    otherwise pcaps come from tcpdump on the interface. A board's boot is
    the console's `reboot` (a power cycle through labgrid when the console
    does not answer and the target has power control); the first boot of
    a run flashes the image when `flash` is set and the target can
    (OpenOCDDriver's load(): program, verify, reset)."""

    def __init__(self, lg_target, ip: str, artifacts: Path, name: str,
                 board: Optional[str] = None, ns: Optional[Namespace] = None,
                 flash: bool = False) -> None:
        super().__init__(ip, artifacts, board)
        self.lg = lg_target
        self.name = name
        self.is_qemu = lg_is_qemu(lg_target)
        self.target = "qemu" if self.is_qemu else "board"
        self.iface, netns = lg_host_interface(lg_target)
        if ns is None and netns:
            ns = Namespace(netns, tap=self.iface)   # the user's: never created or removed here
        self.ns = ns
        self.ns_name = ns.name if ns is not None else None
        self.flash = flash
        self.console_log = artifacts / f"{name}.console.log"
        self._console_drv = None
        self._token: Optional[int] = None
        self.qmp = None
        self._filter_seq = 0
        self._filter_id = None

    # -- the peer's side: the interface's namespace, or this host
    def run(self, argv: list[str], timeout: float = 60.0, check: bool = False,
            **kw) -> subprocess.CompletedProcess:
        if self.ns is not None:
            return self.ns.run(argv, check=check, timeout=timeout, **kw)
        return _sh(argv, check=check, timeout=timeout, **kw)

    def popen(self, argv: list[str], **kw) -> subprocess.Popen:
        if self.ns is not None:
            return self.ns.popen(argv, **kw)
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.Popen(argv, preexec_fn=_die_with_parent, **kw)

    # -- labgrid's drivers
    def _driver(self, protocol: str):
        """The target's driver for `protocol`, activated; None if it has none."""
        from labgrid.exceptions import NoDriverFoundError
        try:
            return self.lg.get_driver(protocol)
        except NoDriverFoundError:
            return None

    def _open_console(self) -> None:
        drv = self._console_drv = self._driver("ConsoleProtocol")
        if drv is None:
            raise HarnessError(f"labgrid target {self.lg.name} has no console driver")
        from pexpect import TIMEOUT
        closed = threading.Event()
        sock = getattr(drv, "_clientsocket", None) if self.is_qemu else None

        def recv_socket() -> bytes:
            # QEMUDriver: the socket labgrid accepted, read at once.
            # Its _read sleeps 10 ms before each recv; QEMU's UART sends
            # one byte per write, a unix socket charges each to QEMU's
            # send buffer at a few hundred bytes apiece, so the buffer
            # fills within a few hundred bytes, the UART backs up and the
            # firmware's console ring drops output (netstat of a full
            # TIME_WAIT table came out with holes).
            while not closed.is_set():
                r, _, _ = select.select([sock], [], [], 0.2)
                if r:
                    try:
                        return sock.recv(65536)
                    except BlockingIOError:
                        continue
            return b""

        def recv() -> bytes:
            while not closed.is_set():
                try:
                    # The driver's _read, not read(): read() is a labgrid
                    # step, and labgrid keeps one stack of running steps
                    # for the process, which a reader thread beside the
                    # test's own driver calls corrupts. size=1: return
                    # what is there as soon as a byte is (SerialDriver
                    # waits for `size` bytes or the timeout).
                    data = drv._read(size=1, timeout=0.2)
                except TIMEOUT:
                    continue
                if not data:
                    return b""   # QEMUDriver: QEMU closed the socket
                return data
            return b""

        def send(data: bytes) -> None:
            while data:
                data = data[drv.write(data):]

        self.console = Console(recv if sock is None else recv_socket, send, closed.set,
                               self.console_log)

    def _qemu_running(self) -> bool:
        drv = self._console_drv
        child = getattr(drv, "_child", None)   # QEMUDriver's Popen (labgrid 0.4.1)
        return bool(self.is_qemu and drv is not None and drv.status
                    and child is not None and child.poll() is None)

    def alive(self) -> bool:
        if self.console is None or self.console.eof:
            return False
        return self._qemu_running() if self.is_qemu else True

    def boot(self, pcap: Optional[Path] = None) -> None:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self._token = _cleanup.add(self.stop)
        if self.is_qemu:
            self._boot_qemu(pcap)
        else:
            self._boot_board(pcap)
        self.mac = self.banner_mac()
        if self.mac is None:
            for rec in parse_records(self.cmd("ifconfig")).values():
                if rec.get("addr") == self.ip:
                    self.mac = rec.get("mac")

    def _boot_qemu(self, pcap: Optional[Path]) -> None:
        """QEMUDriver.on(): QEMU starts paused, labgrid accepts its serial
        socket and continues it; the banner waits in the socket for us."""
        drv = self._driver("ConsoleProtocol")
        if drv._socket is not None:   # QEMU that never connects must not hang the run
            drv._socket.settimeout(BOOT_TIMEOUT_S)
        drv.on()
        self._open_console()
        qmp_path = os.path.join(os.environ.get(LG_RUN_VAR, ""), LG_QMP_SOCK)
        if os.environ.get(LG_RUN_VAR) and os.path.exists(qmp_path):
            self.qmp = Qmp(qmp_path)
        if pcap is not None:
            self.start_capture(pcap)
        self.await_banner(0)

    def _boot_board(self, pcap: Optional[Path]) -> None:
        self._open_console()
        if pcap is not None:
            self.start_capture(pcap)
        if self.flash and id(self.lg) not in _lg_flashed and self._driver("BootstrapProtocol"):
            self.flash_image()
            _lg_flashed.add(id(self.lg))
            return
        self.reset()

    def flash_image(self, filename: Optional[str] = None) -> None:
        """Flash through the target's BootstrapProtocol driver (the
        environment's image unless `filename`); the driver's commands
        reset the board, and the new banner lands in boot_log."""
        drv = self._driver("BootstrapProtocol")
        if drv is None:
            raise HarnessError(f"labgrid target {self.lg.name} has no flashing driver")
        assert self.console is not None
        self.console.drain()
        mark = self.console.mark()
        drv.load(filename)
        self.await_banner(mark)

    def reset(self) -> None:
        """QEMU: system_reset over QMP (a power cycle without QMP). Board:
        the console's `reboot`; a power cycle when the console does not
        answer and the target has power control."""
        assert self.console is not None
        self.console.drain()
        mark = self.console.mark()
        if self.is_qemu and self.qmp is not None:
            self.qmp.execute("system_reset")
        elif self.is_qemu:
            self.stop()
            self.boot()
            return
        elif self.responsive(CMD_TIMEOUT_S):
            self.console.drain()
            mark = self.console.mark()
            self.console.write("reboot\r")
        elif self._driver("PowerProtocol") is not None:
            self.console.drain()
            mark = self.console.mark()
            self._driver("PowerProtocol").cycle()
        else:
            raise HarnessError(f"no '{PROMPT}' prompt on the console of {self.lg.name}, "
                               f"and no power control: is the board running finwait?")
        self.await_banner(mark)

    def start_capture(self, path: Path) -> None:
        if self.qmp is not None:
            QmpCapture.start_capture(self, path)
        else:
            TcpdumpCapture.start_capture(self, path)

    def stop_capture(self) -> Optional[Path]:
        if self._filter_id is not None:
            return QmpCapture.stop_capture(self)
        return TcpdumpCapture.stop_capture(self)

    def stop(self) -> None:
        self.stop_capture()
        if self.qmp is not None:
            self.qmp.close()
            self.qmp = None
        if self.console is not None:
            self.console.close()
            self.console = None
        if self.is_qemu and self._console_drv is not None:
            self._qemu_off(self._console_drv)
        self._console_drv = None
        if self._token is not None:
            _cleanup.done(self._token)
            self._token = None

    @staticmethod
    def _qemu_off(drv) -> None:
        """QEMUDriver.off() (QMP quit); a QEMU that died or hangs is killed,
        and the driver told it is off so that on() starts a new one."""
        try:
            if drv.status:
                drv.off()
        except Exception:  # noqa: BLE001 - QEMU already gone: its QMP pipe is closed
            pass
        child = getattr(drv, "_child", None)
        if child is not None:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=5)
        drv._child = None
        drv.status = 0


class BoardFirmware(LabgridFirmware):
    """--target board: a labgrid target made here from --console and
    --iface (RawSerialPort + SerialDriver at `baud` 8N1, FwHostInterface),
    so board mode runs the same code as an environment file. No power
    control and no flashing: each boot is the console's `reboot`."""

    def __init__(self, iface: str, console_dev: str, ip: str, artifacts: Path,
                 name: str, baud: int = 115200, board: Optional[str] = None) -> None:
        from labgrid import Target
        from labgrid.driver import SerialDriver
        from labgrid.resource import RawSerialPort
        lgf = lg_import_finwait()
        lg_target = Target(f"board-{name}")
        RawSerialPort(lg_target, name=None, port=console_dev, speed=baud)
        lgf.FwHostInterface(lg_target, name=None, ifname=iface)
        SerialDriver(lg_target, name=None)
        super().__init__(lg_target, ip, artifacts, name, board=board)
        self.console_dev, self.baud = console_dev, baud

    def stop(self) -> None:
        super().stop()
        self.lg.deactivate_all_drivers()   # closes the serial port for the next boot's target


# ---------------------------------------------------------------- faults

RELAY_TOOL = Path(__file__).resolve().parents[2] / "tools" / "netem_relay.py"
RELAY_FW_LISTEN_PORT = 47001   # the relay receives QEMU's frames here (loopback of the ns)
RELAY_FW_SEND_PORT = 47002     # QEMU's -netdev dgram local port
PYTHON = "/usr/bin/python3"


def _wait_file_text(path: Path, needle: str, proc: subprocess.Popen,
                    what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text(errors="replace") if path.exists() else ""
        if needle in text:
            return
        if proc.poll() is not None:
            raise HarnessError(f"{what} exited with {proc.returncode}:\n{text}")
        if time.monotonic() > deadline:
            raise HarnessError(f"{what} did not print {needle!r} in {timeout} s:\n{text}")
        time.sleep(0.02)


class NetemRelay:
    """tools/netem_relay.py inside the namespace, between QEMU's
    `-netdev dgram` (UDP on the namespace's loopback) and the tap. Its
    output (seed, final counters) goes to <name>.relay.log."""

    def __init__(self, ns: Namespace, artifacts: Path, name: str, seed: int,
                 args: list[str]) -> None:
        self.ns, self.seed, self.args = ns, seed, list(args)
        self.log = artifacts / f"{name}.relay.log"
        self.stats_path = artifacts / f"{name}.relay.json"
        self.proc: Optional[subprocess.Popen] = None
        self._token: Optional[int] = None
        self.final: Optional[dict] = None

    def argv(self) -> list[str]:
        return [PYTHON, str(RELAY_TOOL), "--seed", str(self.seed),
                "--fw-listen", f"127.0.0.1:{RELAY_FW_LISTEN_PORT}",
                "--fw-send", f"127.0.0.1:{RELAY_FW_SEND_PORT}",
                "--tap", self.ns.tap, "--stats", str(self.stats_path)] + self.args

    def qemu_netdev(self) -> str:
        return (f"dgram,id=n0,local.type=inet,local.host=127.0.0.1,"
                f"local.port={RELAY_FW_SEND_PORT},remote.type=inet,"
                f"remote.host=127.0.0.1,remote.port={RELAY_FW_LISTEN_PORT}")

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.stats_path.unlink(missing_ok=True)
        self._token = _cleanup.add(self.stop)
        with open(self.log, "wb") as log:
            self.proc = self.ns.popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        _wait_file_text(self.log, "netem_relay: ready", self.proc, "netem_relay")

    def stats(self, timeout: float = 5.0) -> dict:
        """The relay's counters now (SIGUSR1 makes it rewrite --stats)."""
        if self.proc is None or self.proc.poll() is not None:
            if self.final is None:
                raise HarnessError("netem_relay is not running and left no counters")
            return self.final
        before = self.stats_path.stat().st_mtime_ns if self.stats_path.exists() else None
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stats_path.exists() and self.stats_path.stat().st_mtime_ns != before:
                return json.loads(self.stats_path.read_text())
            time.sleep(0.02)
        raise HarnessError("netem_relay did not write its counters on SIGUSR1")

    def stop(self) -> Optional[dict]:
        """SIGTERM; returns the final counters (also kept in .final)."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
            _reap(self.proc)
            self.proc = None
            if self.stats_path.exists():
                self.final = json.loads(self.stats_path.read_text())
        if self._token is not None:
            _cleanup.done(self._token)
            self._token = None
        return self.final

    def rule_hits(self) -> list[int]:
        """Frames dropped by each --drop-rule, in the order given."""
        return [r["dropped"] for r in self.stats()["rules"]]


class RelayedQemuFirmware(QemuFirmware):
    """The firmware in QEMU with a NetemRelay between its NIC and the tap.
    The relay starts before QEMU and stops after it; filter-dump pcaps are
    still taken at the NIC, i.e. on the firmware's side of the faults."""

    def __init__(self, ns: Namespace, elf: Path, artifacts: Path, name: str,
                 relay: NetemRelay, **kw) -> None:
        super().__init__(ns, elf, artifacts, name, **kw)
        self.relay = relay

    def netdev_arg(self) -> str:
        return self.relay.qemu_netdev()

    def boot(self, pcap: Optional[Path] = None) -> None:
        if self.relay.proc is None:
            self.relay.start()
        super().boot(pcap)

    def stop(self) -> None:
        super().stop()
        self.relay.stop()


class TapCapture:
    """tcpdump on the namespace's tap: the peer's side of the relay, where
    frames the relay drops on their way to the firmware still show."""

    def __init__(self, ns: Namespace, path: Path, bpf: str = "tcp") -> None:
        self.ns, self.path, self.bpf = ns, path, bpf
        self.proc: Optional[subprocess.Popen] = None
        self._err = path.with_suffix(".tcpdump.log")
        self._token: Optional[int] = None

    def start(self) -> "TapCapture":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        self._token = _cleanup.add(self.stop)
        with open(self._err, "wb") as err:
            # --immediate-mode: without it frames wait in the kernel's ring
            # for a block timeout, and the SIGINT at stop() discards them.
            self.proc = self.ns.popen(["tcpdump", "-i", self.ns.tap, "--immediate-mode",
                                       "-U", "-n", "-w", str(self.path), self.bpf],
                                      stdout=subprocess.DEVNULL, stderr=err)
        _wait_file_text(self._err, "listening on", self.proc, "tcpdump")
        return self

    def stop(self) -> Path:
        if self.proc is not None:
            time.sleep(0.2)   # let -U flush the last frames
            self.proc.send_signal(signal.SIGINT)
            _reap(self.proc)
            self.proc = None
            self._err.unlink(missing_ok=True)
        if self._token is not None:
            _cleanup.done(self._token)
            self._token = None
        return self.path
