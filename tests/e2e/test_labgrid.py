"""The labgrid path (--lg-env): the target, its console, power, flashing
and network interface come from a labgrid environment file
(tests/e2e/labgrid/). `make e2e-labgrid` runs these with the QEMU
environment; on a NUCLEO-F429ZI the same tests flash through labgrid's
OpenOCD driver. Skipped without --lg-env.
"""

import re
from pathlib import Path

import pytest

import conftest
import fwharness as fh

BUILD_RE = re.compile(r"^build (\w{3} [ \d]\d \d{4}) (\d\d:\d\d:\d\d) gcc ", re.M)
NAME_RE = re.compile(r"^finwait (\S+) on (\S+)$", re.M)


@pytest.fixture
def lg_fw(request):
    """`fw`, when it is a labgrid environment's (no boot just to skip)."""
    if not conftest.lg_env_path(request.config):
        pytest.skip("needs a labgrid environment (--lg-env)")
    return request.getfixturevalue("fw")


def _image(fw) -> Path:
    """The image the target boots: its flashing driver's `image`, or the
    QEMUDriver's `kernel`, as the environment file names them."""
    cfg = fw.lg.env.config
    drv = fw._driver("BootstrapProtocol")
    if drv is not None:
        return Path(cfg.get_image_path(drv.image))
    return Path(cfg.get_image_path(fw._driver("ConsoleProtocol").kernel))


def test_target_comes_from_labgrid(lg_fw):
    """Console and network interface are the environment's: the console is
    the target's ConsoleProtocol driver (QEMUDriver or SerialDriver), the
    peer's interface is the target's network resource, and it carries the
    peer's address where the suite runs its tools."""
    fw = lg_fw
    kinds = {type(d).__name__ for d in fw.lg.drivers}
    assert type(fw._console_drv).__name__ in kinds
    assert fw._console_drv.target is fw.lg
    out = fw.run(["ip", "-4", "-o", "addr", "show", "dev", fw.iface], check=True).stdout
    assert f"inet {fh.PEER_IP}/" in out, out
    assert fw.responsive(), "the console through labgrid does not answer"


@pytest.mark.fw_timeout(90)
def test_flash_then_boot_banner(lg_fw):
    """Flash, then boot, then read the banner: with a flashing driver
    (OpenOCDDriver: program, verify, reset) the environment's image is
    written again; on QEMU labgrid's QEMUDriver loads it at power-on, so
    the check is a power cycle. Either way the banner that follows must be
    that image's: its version, board and build date and time are strings
    in the ELF (__DATE__ and __TIME__ of app/main.c)."""
    fw = lg_fw
    if fw._driver("BootstrapProtocol") is not None:
        fw.flash_image()
    else:
        pcap = fw.pcap_path   # the test's, restarted after the power cycle
        fw.stop()
        fw.boot(pcap=pcap)
    log = fw.boot_log
    name, build = NAME_RE.search(log), BUILD_RE.search(log)
    assert name and build, f"no banner after flash and boot:\n{log}"
    assert name.group(2) == fw.board, log
    elf = _image(fw).read_bytes()
    for s in (name.group(1), build.group(1), build.group(2)):
        assert s.encode() + b"\0" in elf, f"banner field {s!r} is not in {_image(fw)}"
    assert re.search(r"^ip 192\.0\.2\.2 netmask 255\.255\.255\.0 gw 192\.0\.2\.1\s*$", log, re.M)
    sent, received, out = fw.ping(3, interval=0.2)
    assert received == 3, out
