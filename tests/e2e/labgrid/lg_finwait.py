"""labgrid classes finwait's environment files import (`imports:`).

labgrid 0.4.1 (Debian bookworm's python3-labgrid) lacks three things the
e2e suite needs; each class below fills one gap and says which:

* FwHostInterface: a host network interface by name, optionally inside a
  network namespace. 0.4.1 registers no plain NetworkInterface resource
  (only USBNetworkInterface, matched by udev, and RemoteNetworkInterface);
  the QEMU target's tap lives in the namespace the suite creates, and on a
  bench the interface facing the board may be a PCIe port or sit in a
  namespace of its own.
* FwSTLink: the ST-LINK of a NUCLEO board as a USBDebugger. 0.4.1's
  USBDebugger accepts only FTDI 0403:6010 (filter_match), so OpenOCDDriver
  can never bind an ST-LINK; later labgrid releases added the ST-LINK ids.
  A subclass of USBDebugger, so OpenOCDDriver's binding takes it.
* FwOpenOCDDriver: OpenOCDDriver without 0.4.1's extra quotes around each
  `--command`. 0.4.1 passes `'init'` (quotes included) in argv without a
  shell; OpenOCD 0.12 reads that as a command named `'init` and stops
  ("invalid command name"). Quotes are needed only when the command goes
  through ssh to an exporter (a non-empty command_prefix), so that is the
  only case that gets them (shlex). Config and load_commands as upstream.

The module is loaded again by every Environment that imports it, and
labgrid's factory refuses a second registration of a name: the first
registration wins and later loads reuse its classes.
"""

from __future__ import annotations

import shlex

import attr

from labgrid.driver.openocddriver import OpenOCDDriver
from labgrid.factory import target_factory
from labgrid.resource.base import NetworkInterface
from labgrid.resource.udev import USBDebugger, USBResource
from labgrid.util.helper import processwrapper
from labgrid.util.managedfile import ManagedFile

# ST-LINK/V2, V2-1 (on NUCLEO-64/-144 boards, the F429ZI's), V3 variants.
STLINK_IDS = {("0483", "3748"), ("0483", "374b"), ("0483", "374e"),
              ("0483", "374f"), ("0483", "3753"), ("0483", "3754")}


@attr.s(eq=False)
class FwHostInterface(NetworkInterface):
    """The test host's interface facing the device under test.

    Args:
        ifname (str): the interface's name
        netns (str): optional, the network namespace (as `ip netns` names
            it, /run/netns/NAME) the interface lives in; the suite runs its
            peer-side tools there
    """
    netns = attr.ib(default=None,
                    validator=attr.validators.optional(attr.validators.instance_of(str)))

    def __attrs_post_init__(self):
        super().__attrs_post_init__()
        if not self.ifname:
            raise ValueError("FwHostInterface needs an ifname")


@attr.s(eq=False)
class FwSTLink(USBDebugger):
    """An ST-LINK debug probe, matched by udev like any USBResource
    (`match: {ID_SERIAL_SHORT: ...}` picks one of several)."""

    def filter_match(self, device):
        ids = (device.properties.get("ID_VENDOR_ID"), device.properties.get("ID_MODEL_ID"))
        if ids not in STLINK_IDS:
            return False
        return USBResource.filter_match(self, device)


def openocd_argv(prefix: list[str], tool: str, search: list[str], usb_path: str | None,
                 files: list[str], commands: list[str]) -> list[str]:
    """OpenOCD's argv: search paths, the probe's USB location (ignored by
    OpenOCD builds without `adapter usb location`), config files, commands.
    Each --command is one argv word locally; behind a prefix (ssh) it is
    quoted for the remote shell."""
    quote = shlex.quote if prefix else (lambda s: s)
    argv = list(prefix) + [tool]
    for path in search:
        argv += ["--search", path]
    if usb_path:
        argv += ["--command",
                 quote(f'if {{ [catch {{adapter usb location "{usb_path}"}}] }} '
                       f'{{ puts stderr "no adapter usb location: probe not pinned" }}')]
    for f in files:
        argv += ["--file", f]
    for c in commands:
        argv += ["--command", quote(c)]
    return argv


@attr.s(eq=False)
class FwOpenOCDDriver(OpenOCDDriver):
    """OpenOCDDriver with each command one argv word (see the module's
    docstring); load(), execute(), image, config and load_commands are
    labgrid's own."""

    def _run_commands(self, commands: list):
        files = []
        if self.interface_config:
            files.append(f"interface/{self.interface_config}")
        if self.board_config:
            files.append(f"board/{self.board_config}")
        for config in self.config:
            managed = ManagedFile(config, self.interface)
            managed.sync_to_resource()
            files.append(managed.get_remote_path())
        argv = openocd_argv(self.interface.command_prefix, self.tool, self.search,
                            self.interface.path, files, commands)
        processwrapper.check_output(argv, print_on_silent_log=True)


def _register(cls, kind: str):
    """Register once per process; return the registered class."""
    if cls.__name__ not in target_factory.all_classes:
        getattr(target_factory, f"reg_{kind}")(cls)
    return target_factory.all_classes[cls.__name__]


FwHostInterface = _register(FwHostInterface, "resource")
FwSTLink = _register(FwSTLink, "resource")
FwOpenOCDDriver = _register(FwOpenOCDDriver, "driver")
