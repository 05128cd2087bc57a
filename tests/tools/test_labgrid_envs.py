"""The labgrid environment files of tests/e2e/labgrid/ load with labgrid
(python3-labgrid, 0.4.1 on Debian bookworm) and resolve to the targets,
resources and drivers the e2e suite uses; the NUCLEO's flashing driver
builds the OpenOCD command line `make flash` runs. No hardware and no
coordinator needed: only the QEMU environment runs for real (make
e2e-labgrid), the NUCLEO ones cannot run here.
"""
import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

labgrid = pytest.importorskip("labgrid", reason="python3-labgrid is not installed "
                              "(make deps-test installs it)")
from labgrid import Environment  # noqa: E402
from labgrid.remote.config import ResourceConfig  # noqa: E402
from labgrid.remote.exporter import exports  # noqa: E402
from labgrid.resource.udev import USBDebugger  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LG = REPO / "tests" / "e2e" / "labgrid"


def _types(items):
    return {type(i).__name__: i for i in items}


def test_qemu_env_resolves(monkeypatch, tmp_path):
    """QEMUDriver on the mps2-an385 image, a tap the namespace's
    FwHostInterface names, and the QMP socket the suite looks for."""
    monkeypatch.setenv("LG_FINWAIT_NETNS", "fwe2e-1")
    monkeypatch.setenv("LG_FINWAIT_RUN", str(tmp_path))
    env = Environment(str(LG / "qemu-mps2-an385.yaml"))
    target = env.get_target("main")
    res, drv = _types(target.resources), _types(target.drivers)
    assert set(res) == {"FwHostInterface"} and set(drv) == {"QEMUDriver"}
    iface, qemu = res["FwHostInterface"], drv["QEMUDriver"]
    assert (iface.ifname, iface.netns) == ("fwtap0", "fwe2e-1")
    assert (qemu.machine, qemu.cpu, qemu.memory) == ("mps2-an385", "cortex-m3", "16M")
    elf = Path(env.config.get_image_path(qemu.kernel)).resolve()
    assert elf == REPO / "build/mps2-an385/firmware.elf"
    args = shlex.split(qemu.extra_args)
    assert f"tap,id=n0,ifname={iface.ifname},script=no,downscript=no" in args
    assert any(f"path={tmp_path}/qmp.sock," in a for a in args), args
    wrapper = Path(env.config.get_tool(qemu.qemu_bin))
    assert wrapper == LG / "qemu-in-netns" and wrapper.stat().st_mode & stat.S_IXUSR
    assert env.get_target("main") is target


def _nucleo_env(monkeypatch, name):
    monkeypatch.setenv("LG_STLINK_SERIAL", "066DFF000000000000000000")
    monkeypatch.setenv("LG_FW_IFACE", "enx001122334455")
    monkeypatch.setenv("LG_FW_NETNS", "")
    return Environment(str(LG / name))


def test_nucleo_env_resolves(monkeypatch):
    """VCP console, ST-LINK for OpenOCD, the host's interface; the image
    and OpenOCD board config are those of `make flash BOARD=nucleo-f429zi`."""
    env = _nucleo_env(monkeypatch, "nucleo-f429zi.yaml")
    target = env.get_target("main")
    res, drv = _types(target.resources), _types(target.drivers)
    assert set(res) == {"USBSerialPort", "FwSTLink", "FwHostInterface"}
    assert set(drv) == {"SerialDriver", "FwOpenOCDDriver"}
    assert drv["SerialDriver"].port is res["USBSerialPort"]
    ocd = drv["FwOpenOCDDriver"]
    assert ocd.interface is res["FwSTLink"] and isinstance(ocd.interface, USBDebugger)
    assert res["USBSerialPort"].speed == 115200
    assert res["FwHostInterface"].ifname == "enx001122334455"
    elf = Path(env.config.get_image_path(ocd.image)).resolve()
    assert elf == REPO / "build/nucleo-f429zi/firmware.elf"
    board_mk = (REPO / "bsp/stm32f4/boards/nucleo-f429zi/board.mk").read_text()
    assert re.search(rf"BOARD_OPENOCD_CFG\s*:=\s*-f board/{re.escape(ocd.board_config)}\s*$",
                     board_mk, re.M), "the env's OpenOCD board config is not board.mk's"
    flash_mk = (REPO / "bsp/flash.mk").read_text()
    cmd = ocd.load_commands[0].format(filename="$(FLASH_ELF)")
    assert f'-c "{cmd}"' in flash_mk, "the env flashes differently from make flash"


class _UsbDevice:
    """Enough of a pyudev device for USBResource: the probe's usb_device."""
    subsystem, device_type, sys_name, device_node = "usb", "usb_device", "1-4", None
    ancestors = ()
    attributes = {}

    def __init__(self, vid, pid):
        self.properties = {"ID_VENDOR_ID": vid, "ID_MODEL_ID": pid}


def test_stlink_is_a_usbdebugger_for_openocd(monkeypatch):
    """labgrid 0.4.1's USBDebugger refuses the NUCLEO's ST-LINK/V2-1
    (0483:374b); FwSTLink takes it and still refuses other probes."""
    env = _nucleo_env(monkeypatch, "nucleo-f429zi.yaml")
    stlink = _types(env.get_target("main").resources)["FwSTLink"]
    assert stlink.filter_match(_UsbDevice("0483", "374b"))
    assert not stlink.filter_match(_UsbDevice("0403", "6010"))
    assert not USBDebugger.filter_match(stlink, _UsbDevice("0483", "374b"))


def test_openocd_driver_load_runs_one_word_per_command(monkeypatch, tmp_path):
    """load() through labgrid runs OpenOCD with the USB location of the
    probe, the board config and `program FILE verify reset exit`, each
    command one argv word (a stub OpenOCD records its argv)."""
    env = _nucleo_env(monkeypatch, "nucleo-f429zi.yaml")
    target = env.get_target("main")
    ocd = target.get_driver("BootstrapProtocol", activate=False)
    ocd.interface.device, ocd.interface.avail = _UsbDevice("0483", "374b"), True
    record = tmp_path / "argv"
    stub = tmp_path / "openocd"
    stub.write_text(f"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {record}\n")
    stub.chmod(0o755)
    ocd.tool = str(stub)
    image = tmp_path / "firmware.elf"
    image.write_bytes(b"\x7fELF")
    target.activate(ocd)
    ocd.load(str(image))
    argv = record.read_text().splitlines()
    assert argv[0] == "--command" and 'adapter usb location "1-4"' in argv[1]
    assert argv[2:] == ["--file", "board/st_nucleo_f4.cfg",
                        "--command", f"program {image} verify reset exit"]


def test_openocd_argv_quotes_only_for_ssh():
    """Locally each command is one argv word; through ssh the remote
    shell splits words, so there each is quoted."""
    lgf = _lg_finwait()
    local = lgf.openocd_argv([], "openocd", [], None, ["board/x.cfg"], ["program a b", "exit"])
    assert local == ["openocd", "--file", "board/x.cfg", "--command", "program a b",
                     "--command", "exit"]
    remote = lgf.openocd_argv(["ssh", "lab"], "openocd", [], None, [], ["program a b"])
    assert remote == ["ssh", "lab", "openocd", "--command", "'program a b'"]


@pytest.mark.skipif(shutil.which("openocd") is None, reason="openocd not installed "
                    "(tools/bootstrap.sh flash installs it)")
def test_openocd_rejects_labgrid_041_quoting():
    """Why FwOpenOCDDriver exists: OpenOCD reads labgrid 0.4.1's `'cmd'`
    as a command named `'cmd`; the one-word form runs."""
    ok = subprocess.run(["openocd", "--command", "echo fw-ok", "--command", "shutdown"],
                        capture_output=True, text=True, timeout=20)
    bad = subprocess.run(["openocd", "--command", "'echo fw-ok'", "--command", "shutdown"],
                         capture_output=True, text=True, timeout=20)
    assert "fw-ok" in ok.stdout + ok.stderr
    assert "invalid command name" in bad.stdout + bad.stderr


def _lg_finwait():
    import importlib.util
    import sys
    if "lg_finwait" not in sys.modules:
        spec = importlib.util.spec_from_file_location("lg_finwait", LG / "lg_finwait.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        sys.modules["lg_finwait"] = mod
    return sys.modules["lg_finwait"]


def test_remote_env_and_exporter_config_load(monkeypatch):
    """The client side names a RemotePlace and drivers labgrid knows; the
    exporter's groups export classes the 0.4.1 exporter has. (Making the
    remote target would contact a coordinator, so it stops at the file.)"""
    monkeypatch.setenv("LG_PLACE", "nucleo-f429zi-1")
    env = Environment(str(LG / "remote-nucleo-f429zi.yaml"))
    main = env.config.get_targets()["main"]
    assert main["resources"]["RemotePlace"]["name"] == "nucleo-f429zi-1"
    for name in main["drivers"]:
        labgrid.target_factory.class_from_string(name)
    monkeypatch.setenv("STLINK_SERIAL", "066DFF000000000000000000")
    monkeypatch.setenv("FW_IFACE_PATH", "pci-0000:00:14.0-usb-0:3:1.0")
    groups = ResourceConfig(str(LG / "exporter-nucleo-f429zi.yaml")).data
    assert set(groups) == {"nucleo-f429zi-1"}
    for cls, params in groups["nucleo-f429zi-1"].items():
        assert cls in exports, f"the exporter cannot export {cls}"
        assert "066DFF" in str(params) or "pci-" in str(params)
