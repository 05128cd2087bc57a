"""lwIP's MQTT client (lwIP's mqtt.c, unchanged) on finwait's TCP through
lwIP's altcp API, driven from the console's `mqtt` command, against
mosquitto in the test namespace (mosquitto 2.0 listens on loopback only
unless told: `listener 1883 192.0.2.1`, `allow_anonymous true`).
"""

import re
import subprocess
import time

import pytest

import e2e_util as eu

pytestmark = pytest.mark.needs_qemu

BROKER_PORT = 1883


def _wait_text(fw, mark: int, pattern: str, timeout: float = 10.0) -> re.Match:
    """`pattern` in what the console printed since `mark` (asynchronous
    lines may land inside another command's reply)."""
    deadline = time.monotonic() + timeout
    while True:
        m = re.search(pattern, fw.console.text_since(mark).replace("\r", ""), re.M)
        if m:
            return m
        if time.monotonic() > deadline:
            raise AssertionError(f"no {pattern!r} on the console; saw:\n"
                                 f"{fw.console.text_since(mark)[-800:]}")
        time.sleep(0.05)


def _start_broker(fw, conf) -> subprocess.Popen:
    proc = fw.popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    eu.wait_until(lambda: fw.run(["mosquitto_pub", "-h", eu.fh.PEER_IP, "-t", "probe",
                                  "-m", "x"], timeout=5).returncode == 0,
                  10, "mosquitto to listen")
    return proc


def _stop_broker(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def broker_conf(tmp_path):
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {BROKER_PORT} {eu.fh.PEER_IP}\nallow_anonymous true\n"
                    "persistence false\nuser root\n")
    return conf


@pytest.fixture
def broker(fw, broker_conf):
    proc = _start_broker(fw, broker_conf)
    try:
        yield proc
    finally:
        fw.cmd("mqtt close")
        _stop_broker(proc)


@pytest.mark.fw_timeout(60)
def test_mqtt_subscribe_and_publish_through_mosquitto(fw, broker):
    """The device connects, subscribes and gets what mosquitto_pub sends;
    mosquitto_sub gets what the device publishes; closing leaves no TCB."""
    mark = fw.console.mark()
    fw.cmd(f"mqtt connect {eu.fh.PEER_IP}")
    _wait_text(fw, mark, r"\bmqtt connected$")
    fw.cmd("mqtt sub fw/in")
    _wait_text(fw, mark, r"\bmqtt sub ok$")
    r = fw.run(["mosquitto_pub", "-h", eu.fh.PEER_IP, "-t", "fw/in", "-m", "hello device"],
               timeout=10)
    assert r.returncode == 0, r.stderr
    _wait_text(fw, mark, r"\bmqtt msg fw/in hello device$")

    sub = fw.popen(["mosquitto_sub", "-h", eu.fh.PEER_IP, "-t", "fw/out", "-C", "1", "-W", "10"],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)          # its SUBSCRIBE reaches the broker first
        fw.cmd("mqtt pub fw/out hello broker")
        out, err = sub.communicate(timeout=15)
    finally:
        if sub.poll() is None:
            sub.kill()
            sub.wait()
    assert out.strip() == "hello broker", (out, err)

    fw.cmd("mqtt close")
    _wait_text(fw, mark, r"\bmqtt closed$")
    eu.wait_until(lambda: not [t for t in eu.netstat(fw)[0]
                               if t.get("remote") == f"{eu.fh.PEER_IP}:{BROKER_PORT}"],
                  5, "the MQTT connection's TCB to go")
    assert int(fw.records("apps")["altcp"]["in_use"]) == 2   # the listeners: httpd, lwiperf


def _pools(fw) -> tuple[int, int, int]:
    st = fw.stats()
    return (int(st["heap"]["used"]), int(st["memp.ALTCP_PCB"]["used"]), int(st["tcp"]["tcb_in_use"]))


@pytest.mark.fw_timeout(240)
def test_mqtt_300_connect_close_cycles_pools_back(fw, broker):
    """300 times connect, CONNACK, close: the heap, the altcp pool and the
    TCBs are back where they were (the client itself stays on the heap
    from the first connect on, so the count starts after it)."""
    def cycle():
        mark = fw.console.mark()
        fw.cmd(f"mqtt connect {eu.fh.PEER_IP}")
        _wait_text(fw, mark, r"\bmqtt connected$")
        fw.cmd("mqtt close")

    cycle()
    eu.wait_until(lambda: _pools(fw)[2] == 0, 5, "no TCB (listeners take none)")
    base = _pools(fw)
    for _ in range(299):
        cycle()
    eu.wait_until(lambda: _pools(fw) == base, 10, f"pools back to {base} (now {_pools(fw)})")


@pytest.mark.fw_timeout(60)
def test_mqtt_broker_restart_reported_then_reconnect(fw, broker_conf):
    """The broker goes away mid-session: the client reports the
    disconnect; once the broker is back, `mqtt connect` works again."""
    proc = _start_broker(fw, broker_conf)
    try:
        mark = fw.console.mark()
        fw.cmd(f"mqtt connect {eu.fh.PEER_IP}")
        _wait_text(fw, mark, r"\bmqtt connected$")
        _stop_broker(proc)
        _wait_text(fw, mark, r"\bmqtt disconnected \d+$")
        proc = _start_broker(fw, broker_conf)
        mark = fw.console.mark()
        fw.cmd(f"mqtt connect {eu.fh.PEER_IP}")
        _wait_text(fw, mark, r"\bmqtt connected$")
        fw.cmd("mqtt sub again")
        _wait_text(fw, mark, r"\bmqtt sub ok$")
    finally:
        fw.cmd("mqtt close")
        _stop_broker(proc)

