"""pytest glue for finwait's end-to-end tests.

Fixtures
  netns   (session)  the network namespace with the tap at 192.0.2.1/24
  fw      (function) the booted firmware (`fwharness.Firmware`); one QEMU is
                     shared by the tests of a module and rebooted when a test
                     left it dead or deaf; each test gets its own pcap
  fw_fresh (function) a firmware booted for this test alone
  fw_relay (function) factory: fw_relay(relay_args) boots a firmware for this
                     test alone behind tools/netem_relay.py (seeded faults);
                     the returned firmware has .relay (fwharness.NetemRelay)

Options
  --lg-env ENV.yaml       labgrid: the target, its console, power, flashing and
                          network interface come from this environment file
                          (labgrid's pytest plugin option; tests/e2e/labgrid/)
  --lg-no-flash           labgrid: do not flash the image at the first boot
  --target qemu|board     where the firmware runs (default qemu); board is a
                          labgrid target made from --console and --iface
  --iface IFACE           board: the host interface facing the board
  --console DEV           board: the console serial device (/dev/ttyACM0)
  --ip ADDR               the firmware's address (default 192.0.2.2)
  --machine BOARD         the board: QEMU's -M machine and the name the
                          banner prints (default mps2-an385)
  --fw-elf PATH           qemu: the image (default build/BOARD/firmware.elf)
  --keep-artifacts        keep the pcaps of passing tests too
  --seed N                fault relay: replay a run with its seed
  --soak                  the long counts (200 faulty echoes, 2,000 TIME_WAITs)
  --fault-conns N         the random-fault run with N connections instead of
                          6 (200 with --soak), e.g. to time a shorter soak
  --require-qemu          error out instead of skipping when QEMU/namespace
                          tests cannot run (also FINWAIT_E2E_REQUIRE=1)

Markers
  needs_qemu              needs QEMU or the tap (skipped with --target board)
  fw_timeout(seconds)     per-test time limit (default 120 s)
  core                    the subset every board runs (CORE_TESTS below;
                          select it with -m core)
  lgsubset                what `make e2e-labgrid` runs through labgrid's
                          QEMUDriver (LABGRID_TESTS below; -m lgsubset)

Artifacts (build/e2e/)
  <module>.console.log    everything the console printed, all boots
  <module>.qemu.log       QEMU's own output of the last boot
  <test>.pcap             the test's frames: kept when the test fails (or
                          with --keep-artifacts), deleted when it passes
  <test>.console.log      the console during a failing test
  <module>.boot.pcap      frames during boot, kept when a test of the module fails
  <test>.fresh.*.log      console and QEMU logs of a firmware booted by fw_fresh
  <test>.relay.{log,json} the fault relay's seed and counters (fw_relay)
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

import fwharness as fh

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "build" / "e2e"
DEFAULT_TEST_TIMEOUT_S = 120
SKIP_BANNER = "E2E NAMESPACE/QEMU TESTS SKIPPED"

# The core subset (-m core): what `make test` runs on every board besides
# mps2-an385, which runs everything. A board brings its own startup and
# vector table, console UART and its interrupts, LAN9118 address and line,
# clock and deadline timer, and reset; the engine above them is the same
# code on every board. So the subset is what touches those, each once, end
# to end: boot and banner, ARP, ping with the counters and pool checks, the
# console during a ping flood, `reboot` (SYSRESETREQ); a 1 MiB echo
# (Linux closes first) and the daytime and client teardowns (finwait
# closes first); the TIME_WAIT cases that lean on the deadline timer
# (lost final ACK, RST ignored, SYN makes a new incarnation); 2MSL measured
# on the wire; 2,000 connections against the TIME_WAIT table; ping6, whose
# neighbour discovery needs the MAC driver to pass multicast; TCP over IPv6
# once each way (daytime into the IPv6 TIME_WAIT table, the console client's
# active open from the address the board selected). Left out:
# engine cases that no board code changes (the other crafted segments,
# ICMP, the relay's fault rules and random faults, the lwIP baseline, user
# networking), which mps2-an385's full run covers.
CORE_TESTS = (
    "test_foundation.py::test_boot_banner",
    "test_foundation.py::test_banner_mac_is_the_one_qemu_gave",
    "test_foundation.py::test_arp_resolution",
    "test_foundation.py::test_ping_100_and_counters",
    "test_foundation.py::test_console_answers_while_traffic_flows",
    "test_foundation.py::test_help_lists_commands",
    "test_foundation.py::test_ifconfig",
    "test_foundation.py::test_reboot_command",
    "test_linux_peer.py::test_echo_1mib_linux_closes_first",
    "test_linux_peer.py::test_daytime_finwait_holds_time_wait",
    "test_linux_peer.py::test_finwait_active_open_and_close",
    "test_crafted.py::test_lost_final_ack_fin_retransmitted",
    "test_crafted.py::test_rst_into_time_wait_ignored",
    "test_crafted.py::test_syn_into_time_wait_higher_seq_new_incarnation",
    "test_2msl.py::test_2msl_on_the_wire",
    "test_pressure.py::test_time_wait_pressure",
    "test_ipv6.py::test_ping6_global_100_and_link_local",
    "test_ipv6_tcp.py::test_daytime_over_ipv6_time_wait_shown_and_ends_at_2msl",
    "test_ipv6_tcp.py::test_console_client_over_ipv6_active_open_and_close",
)

# The labgrid subset (-m lgsubset): `make e2e-labgrid` runs it through
# labgrid's QEMUDriver (tests/e2e/labgrid/qemu-mps2-an385.yaml) in `make
# test`, so that the labgrid path (console, power, network interface from
# the environment, pcaps, reboot) is tested on every commit: flash-then-
# boot, the banner, ping with the counters, a 1 MiB echo and the daytime
# TIME_WAIT case, 2MSL on the wire, and a full TIME_WAIT table listed on
# the console (a 256-line netstat: the console path through labgrid must
# keep up with QEMU's UART, or the firmware's console ring drops output).
# The rest of the suite runs over labgrid as well (make e2e
# E2E_ARGS='--lg-env ...').
LABGRID_TESTS = (
    "test_labgrid.py::test_flash_then_boot_banner",
    "test_labgrid.py::test_target_comes_from_labgrid",
    "test_foundation.py::test_boot_banner",
    "test_foundation.py::test_ping_100_and_counters",
    "test_foundation.py::test_reboot_command",
    "test_linux_peer.py::test_echo_1mib_linux_closes_first",
    "test_linux_peer.py::test_daytime_finwait_holds_time_wait",
    "test_2msl.py::test_2msl_on_the_wire",
    "test_crafted.py::test_time_wait_flood_spares_another_address",
)


def lg_env_path(config):
    """The labgrid environment file of this run (--lg-env or LG_ENV), or
    None. The option is labgrid's pytest plugin's (python3-labgrid)."""
    return getattr(config.option, "lg_env", None) or os.environ.get("LG_ENV") or None


def lg_kind(config):
    """'qemu' when the environment's main target has a QEMUDriver, else
    'board'; None without an environment. Read from the file, before any
    target is made (collection and the skip checks need it)."""
    env = getattr(config, "_labgrid_env", None)
    if env is None:
        return None
    drivers = env.config.get_targets().get("main", {}).get("drivers", {})
    names = [d if isinstance(d, str) else next(iter(d)) for d in drivers] \
        if isinstance(drivers, list) else list(drivers)
    return "qemu" if "QEMUDriver" in names else "board"


def target_kind(config) -> str:
    """What the firmware runs on: 'qemu' (our QEMU, or labgrid's QEMUDriver
    with the suite's namespace) or 'board' (no QEMU, no tap, no relay)."""
    return lg_kind(config) or config.getoption("--target")


def pytest_addoption(parser):
    g = parser.getgroup("finwait", "finwait end-to-end")
    g.addoption("--target", choices=["qemu", "board"], default="qemu",
                help="run against QEMU (default) or a real board")
    g.addoption("--iface", default=None, help="board: host interface facing the board")
    g.addoption("--console", default=None, help="board: console serial device")
    g.addoption("--ip", default=fh.FW_IP, help="the firmware's IPv4 address")
    g.addoption("--machine", default=fh.MACHINE,
                help="the board: QEMU's -M machine and the name the banner prints")
    g.addoption("--fw-elf", default=None,
                help="qemu: firmware image (default build/MACHINE/firmware.elf)")
    g.addoption("--keep-artifacts", action="store_true",
                help="keep pcaps of passing tests too")
    g.addoption("--seed", type=int, default=None,
                help="fault relay: replay with this seed (default: a fresh one per "
                     "test, printed with the test's output)")
    g.addoption("--fault-conns", type=int, default=None,
                help="random-fault run: N connections instead of 6 (200 with --soak)")
    g.addoption("--soak", action="store_true",
                help="run the long fault and TIME_WAIT-pressure counts (make soak)")
    g.addoption("--lg-no-flash", action="store_true",
                help="labgrid: do not flash the environment's image at the first boot")
    g.addoption("--require-qemu", action="store_true",
                default=os.environ.get("FINWAIT_E2E_REQUIRE") == "1",
                help="fail instead of skipping when QEMU tests cannot run")


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_qemu: needs QEMU or the tap "
                            "(skipped with --target board)")
    config.addinivalue_line("markers", "fw_timeout(seconds): per-test time limit")
    config.addinivalue_line("markers", "core: the subset every board runs (conftest.CORE_TESTS)")
    config.addinivalue_line("markers", "lgsubset: the labgrid subset of make e2e-labgrid "
                            "(conftest.LABGRID_TESTS)")
    fh.MACHINE = config.getoption("--machine")
    if config.getoption("--fw-elf") is None:
        config.option.fw_elf = str(REPO / "build" / fh.MACHINE / "firmware.elf")
    fh.install_safety_net()
    config.fw_skip_reason = None
    target = config.getoption("--target")
    if lg_env_path(config):
        _lg_configure(config)
    elif target == "qemu":
        reason = fh.qemu_skip_reason(Path(config.getoption("--fw-elf")))
        if reason and config.getoption("--require-qemu"):
            raise pytest.UsageError(f"{SKIP_BANNER} but --require-qemu is set: {reason}")
        config.fw_skip_reason = reason
    elif not (config.getoption("--iface") and config.getoption("--console")):
        raise pytest.UsageError("--target board needs --iface IFACE and --console DEV")


def _lg_configure(config) -> None:
    """Before labgrid's plugin reads the environment (its pytest_configure
    runs last): the namespace name and run directory its !template
    variables name. The prerequisites are checked in pytest_sessionstart,
    when the file's targets are known."""
    if config.getoption("--target") == "board":
        raise pytest.UsageError("--lg-env and --target board: pick one (the environment "
                                "file describes the board)")
    os.environ[fh.LG_NETNS_VAR] = f"{fh.NS_PREFIX}{os.getpid()}"
    run_dir = tempfile.mkdtemp(prefix="fwlg-")
    os.environ[fh.LG_RUN_VAR] = run_dir
    config.add_cleanup(lambda: shutil.rmtree(run_dir, ignore_errors=True))


def _lg_skip_reason(config):
    """QEMUDriver targets need what our own QEMU needs; the image is the
    environment's."""
    env = config._labgrid_env
    if lg_kind(config) != "qemu":
        return None
    try:
        elf = Path(env.config.get_image_path("firmware"))
    except KeyError:
        elf = Path(config.getoption("--fw-elf"))
    return fh.qemu_skip_reason(elf)


def pytest_report_header(config):
    lg = f" labgrid={lg_env_path(config)}" if lg_env_path(config) else ""
    lines = [f"finwait e2e: target={target_kind(config)}{lg} "
             f"machine={fh.MACHINE} ip={config.getoption('--ip')} artifacts={ARTIFACTS}"]
    if config.fw_skip_reason:
        lines.append(f"!!! {SKIP_BANNER}: {config.fw_skip_reason}")
    return lines


def pytest_sessionstart(session):
    if lg_env_path(session.config):
        reason = _lg_skip_reason(session.config)
        if reason and session.config.getoption("--require-qemu"):
            raise pytest.UsageError(f"{SKIP_BANNER} but --require-qemu is set: {reason}")
        session.config.fw_skip_reason = reason
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
    except OSError:
        if not session.config.fw_skip_reason:
            raise
    if target_kind(session.config) == "qemu" and not session.config.fw_skip_reason:
        reaped = fh.reap_stale_namespaces()
        if reaped:
            print(f"\nfinwait e2e: removed namespaces of dead runs: {' '.join(reaped)}")


def _uses_firmware(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"fw", "fw_fresh", "netns"}) or item.get_closest_marker("needs_qemu")


def _mark_core(items, names=CORE_TESTS, mark="core", listname="CORE_TESTS") -> None:
    """Mark CORE_TESTS `core` (LABGRID_TESTS `lgsubset`); a listed test
    that a collected module no longer has is an error, so that a rename
    cannot shrink the subset."""
    by_name = {f"{item.path.name}::{item.name}": item for item in items}
    modules = {item.path.name for item in items}
    for name in names:
        if name in by_name:
            by_name[name].add_marker(getattr(pytest.mark, mark))
        elif name.partition("::")[0] in modules:
            raise pytest.UsageError(f"conftest.{listname} names {name}, which does not exist")


def pytest_collection_modifyitems(config, items):
    target = target_kind(config)
    _mark_core(items)
    _mark_core(items, LABGRID_TESTS, "lgsubset", "LABGRID_TESTS")
    for item in items:
        if target == "board" and item.get_closest_marker("needs_qemu"):
            item.add_marker(pytest.mark.skip(reason="needs QEMU (running with --target board)"))
        elif target == "qemu" and config.fw_skip_reason and _uses_firmware(item):
            item.add_marker(pytest.mark.skip(reason=f"{SKIP_BANNER}: {config.fw_skip_reason}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if target_kind(config) == "qemu" and config.fw_skip_reason:
        n = len(terminalreporter.stats.get("skipped", []))
        tr = terminalreporter
        tr.write_sep("!", SKIP_BANNER, red=True, bold=True)
        tr.write_line(f"{n} end-to-end test(s) did NOT run: {config.fw_skip_reason}",
                      red=True, bold=True)
        tr.write_line("Run as root on a machine with /dev/net/tun and qemu-system-arm "
                      "(CI does) to run them.", red=True, bold=True)
        tr.write_sep("!", red=True, bold=True)


# ---------------------------------------------------------------- outcomes and time limit

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
    if rep.failed:
        item.session.fw_failed = getattr(item.session, "fw_failed", set())
        item.session.fw_failed.add(item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    mark = item.get_closest_marker("fw_timeout")
    limit = float(mark.args[0]) if mark else DEFAULT_TEST_TIMEOUT_S

    def on_alarm(_signum, _frame):
        raise fh.TestTimeout(f"test ran longer than {limit:.0f} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _passed(item) -> bool:
    """Setup and call both reported and passed (or skipped); an interrupted
    test (the run timed out) has no call report and counts as not passed."""
    reps = [getattr(item, f"rep_{w}", None) for w in ("setup", "call")]
    return all(r is not None and (r.passed or r.skipped) for r in reps)


def artifact_name(nodeid: str) -> str:
    """tests/e2e/test_x.py::test_y[a-b] -> test_x.test_y_a-b_"""
    path, _, rest = nodeid.partition("::")
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{Path(path).stem}.{rest}")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def netns(request):
    if target_kind(request.config) != "qemu":
        pytest.skip("no namespace with --target board")
    ns = fh.Namespace(f"{fh.NS_PREFIX}{os.getpid()}")
    if lg_env_path(request.config):
        # the environment's QEMU starts in it (LG_FINWAIT_NETNS), with the
        # tap its FwHostInterface names
        ns.tap = fh.lg_host_interface(request.getfixturevalue("target"))[0]
    request.addfinalizer(ns.destroy)
    ns.create()
    return ns


def _new_firmware(request, name: str) -> fh.Firmware:
    cfg = request.config
    if lg_env_path(cfg):
        lg_target = request.getfixturevalue("target")   # labgrid's plugin: target main
        ns = request.getfixturevalue("netns") if target_kind(cfg) == "qemu" else None
        return fh.LabgridFirmware(lg_target, cfg.getoption("--ip"), ARTIFACTS, name,
                                  board=cfg.getoption("--machine"), ns=ns,
                                  flash=not cfg.getoption("--lg-no-flash"))
    if cfg.getoption("--target") == "board":
        return fh.BoardFirmware(cfg.getoption("--iface"), cfg.getoption("--console"),
                                cfg.getoption("--ip"), ARTIFACTS, name,
                                board=cfg.getoption("--machine"))
    ns = request.getfixturevalue("netns")
    return fh.QemuFirmware(ns, Path(cfg.getoption("--fw-elf")), ARTIFACTS, name,
                           ip=cfg.getoption("--ip"))


@pytest.fixture(scope="module")
def fw_module(request):
    """One firmware for a module's tests; `fw` is what tests use."""
    name = Path(request.node.nodeid).stem
    fw = _new_firmware(request, name)
    request.session.fw_shared = fw
    boot_pcap = ARTIFACTS / f"{name}.boot.pcap"
    request.addfinalizer(fw.stop)
    fw.boot(pcap=boot_pcap)
    fw.stop_capture()
    yield fw
    failed = getattr(request.session, "fw_failed", set())
    module_failed = any(n.startswith(request.node.nodeid) for n in failed)
    if not module_failed and not request.config.getoption("--keep-artifacts"):
        boot_pcap.unlink(missing_ok=True)


def _per_test_artifacts(request, fw: fh.Firmware):
    """Own pcap and console slice for the running test; kept if it fails."""
    base = artifact_name(request.node.nodeid)
    pcap = ARTIFACTS / f"{base}.pcap"
    fw.start_capture(pcap)
    mark = fw.console.mark() if fw.console else 0
    yield fw
    fw.stop_capture()
    if not _passed(request.node):
        if fw.console is not None:
            (ARTIFACTS / f"{base}.console.log").write_text(fw.console.text_since(mark))
        print(f"\nfinwait e2e: kept {pcap.relative_to(REPO)} and its console log")
    elif not request.config.getoption("--keep-artifacts"):
        pcap.unlink(missing_ok=True)


@pytest.fixture
def fw(request, fw_module):
    """The module's firmware, rebooted first if a previous test left it
    dead or unresponsive, so that tests stay independent."""
    if not fw_module.alive() or not fw_module.responsive():
        fw_module.stop()
        fw_module.boot()
    yield from _per_test_artifacts(request, fw_module)


@pytest.fixture
def fw_fresh(request):
    """A firmware booted for this test alone (for tests that reset or break
    it). The tap takes one QEMU at a time (and a serial console one
    reader), so the module's shared firmware is stopped first; `fw` boots
    it again for the next test that wants it."""
    shared = getattr(request.session, "fw_shared", None)
    if shared is not None:
        shared.stop()
    fw = _new_firmware(request, artifact_name(request.node.nodeid) + ".fresh")
    request.addfinalizer(fw.stop)
    fw.boot()
    yield from _per_test_artifacts(request, fw)


@pytest.fixture
def fw_relay(request):
    """Factory: fw_relay(["--loss", "10", ...]) boots a firmware for this
    test alone behind the fault relay, inside the namespace, and returns it
    (with the relay as .relay, its seed as .relay.seed). The seed is
    --seed or a fresh one; it is printed, so a failing run replays with
    `--seed N`. The tap takes one user at a time: the shared firmware is
    stopped first, as fw_fresh does."""
    if request.config.getoption("--target") != "qemu" or lg_env_path(request.config):
        pytest.skip("the fault relay needs the suite's own QEMU (not --target board, "
                    "not --lg-env)")
    shared = getattr(request.session, "fw_shared", None)
    if shared is not None:
        shared.stop()
    ns = request.getfixturevalue("netns")
    base = artifact_name(request.node.nodeid)
    booted = []

    def boot(relay_args):
        assert not booted, "fw_relay boots one firmware per test"
        seed = request.config.getoption("--seed")
        if seed is None:
            seed = random.SystemRandom().randrange(1 << 31)
        print(f"\nfinwait e2e: relay seed={seed} (replay: --seed {seed})")
        relay = fh.NetemRelay(ns, ARTIFACTS, base, seed, relay_args)
        fw = fh.RelayedQemuFirmware(ns, Path(request.config.getoption("--fw-elf")),
                                    ARTIFACTS, base + ".relay", relay,
                                    ip=request.config.getoption("--ip"))
        request.addfinalizer(fw.stop)
        fw.boot()
        gen = _per_test_artifacts(request, fw)
        next(gen)
        booted.append((fw, gen))
        return fw

    yield boot
    for fw, gen in booted:
        next(gen, None)
        fw.stop()
        if _passed(request.node) and not request.config.getoption("--keep-artifacts"):
            fw.relay.log.unlink(missing_ok=True)
            fw.relay.stats_path.unlink(missing_ok=True)
