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
import tcp_pcap

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


def _assert_published(fw, topic: str, text: str, host: str = eu.fh.PEER_IP) -> None:
    """`mqtt pub TOPIC TEXT` on the console reaches a mosquitto_sub."""
    sub = fw.popen(["mosquitto_sub", "-h", host, "-t", topic, "-C", "1", "-W", "10"],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)          # its SUBSCRIBE reaches the broker first
        fw.cmd(f"mqtt pub {topic} {text}")
        out, err = sub.communicate(timeout=15)
    finally:
        if sub.poll() is None:
            sub.kill()
            sub.wait()
    assert out.strip() == text, (out, err)


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


def sub_pub_close(fw, host: str, remote: str) -> None:
    """Connect to the broker at `host`, subscribe and get what
    mosquitto_pub sends, publish what mosquitto_sub gets, close; the
    connection's TCB (remote end `remote` in netstat) goes."""
    mark = fw.console.mark()
    fw.cmd(f"mqtt connect {host}")
    _wait_text(fw, mark, r"\bmqtt connected$")
    assert [t for t in eu.netstat(fw)[0] if t.get("remote") == remote], eu.netstat(fw)
    fw.cmd("mqtt sub fw/in")
    _wait_text(fw, mark, r"\bmqtt sub ok$")
    r = fw.run(["mosquitto_pub", "-h", host, "-t", "fw/in", "-m", "hello device"], timeout=10)
    assert r.returncode == 0, r.stderr
    _wait_text(fw, mark, r"\bmqtt msg fw/in hello device$")

    _assert_published(fw, "fw/out", "hello broker", host)

    fw.cmd("mqtt close")
    _wait_text(fw, mark, r"\bmqtt closed$")
    eu.wait_until(lambda: not [t for t in eu.netstat(fw)[0] if t.get("remote") == remote],
                  5, "the MQTT connection's TCB to go")
    assert int(fw.records("apps")["altcp"]["in_use"]) == 2   # the listeners: httpd, lwiperf


@pytest.mark.fw_timeout(60)
def test_mqtt_subscribe_and_publish_through_mosquitto(fw, broker):
    """The device connects, subscribes and gets what mosquitto_pub sends;
    mosquitto_sub gets what the device publishes; closing leaves no TCB."""
    sub_pub_close(fw, eu.fh.PEER_IP, f"{eu.fh.PEER_IP}:{BROKER_PORT}")


# MQTT 3.1.1 2.2, 3.12, 3.13: PINGREQ and PINGRESP are a fixed header alone.
PINGREQ, PINGRESP = b"\xc0\x00", b"\xd0\x00"
# lwIP's client counts keep-alive in its 5 s timer's ticks and sends a
# PINGREQ on the tick after keep-alive seconds have passed idle: every
# 15 s with the firmware's 10 s (FW_MQTT_KEEPALIVE_S).
KEEPALIVE_S, MQTT_TICK_S = 10, 5


@pytest.mark.fw_timeout(60)
def test_mqtt_keepalive_pingreq_on_the_wire(fw, broker):
    """An idle MQTT connection stays up by keep-alive (MQTT 3.1.1 3.1.2.10):
    the pcap at the device's NIC shows a PINGREQ from the device after
    keep-alive seconds without traffic, no later than one timer tick more,
    each answered by the broker's PINGRESP, and the client still works
    afterwards (a publish reaches a subscriber)."""
    mark = fw.console.mark()
    fw.cmd(f"mqtt connect {eu.fh.PEER_IP}")
    _wait_text(fw, mark, r"\bmqtt connected$")
    time.sleep(KEEPALIVE_S + 2 * MQTT_TICK_S + 1)
    pcap = fw.stop_capture()
    segs = [sg for sg in tcp_pcap.read_segs(pcap)
            if BROKER_PORT in (sg.src[1], sg.dst[1]) and sg.payload]
    to_broker = [sg for sg in segs if sg.dst == (eu.fh.PEER_IP, BROKER_PORT)]
    pings = [sg for sg in to_broker if sg.payload == PINGREQ]
    assert pings, f"no PINGREQ in {len(to_broker)} segments to the broker"
    idle_from = max(sg.t for sg in to_broker if sg.t < pings[0].t)    # the last before it
    idle = pings[0].t - idle_from
    # the pcap's clock is the host's: QEMU's guest clock lags it by a few
    # percent on a loaded host
    assert KEEPALIVE_S - 0.5 <= idle <= (KEEPALIVE_S + MQTT_TICK_S) * 1.1, \
        f"first PINGREQ {idle:.2f} s after the last message to the broker"
    for p in pings:
        assert any(sg.payload == PINGRESP and sg.src[1] == BROKER_PORT and 0 <= sg.t - p.t < 1.0
                   for sg in segs), f"PINGREQ at {p.t:.2f} got no PINGRESP"
    assert "mqtt disconnected" not in fw.console.text_since(mark)
    _assert_published(fw, "fw/alive", "still here")
    print(f"\nmqtt keep-alive {KEEPALIVE_S} s: {len(pings)} PINGREQ, the first "
          f"{idle:.2f} s after the last message")


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

