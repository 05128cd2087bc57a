"""qemubench.tw_recycle_ages: the TIME_WAIT ages at recycle replayed from a
pcap, for a table filled at the client's FIN (finwait) and for a pcb pool
taken at the SYN (lwIP). Segments are ladder.Seg, as the pcap reader makes
them; the device is 192.0.2.2:80, clients 192.0.2.1:<port>."""
import os
import sys

sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "..", "bench", "tools")))
import qemubench  # noqa: E402
from ladder import Seg  # noqa: E402

DEV = ("192.0.2.2", 80)


def seg(t, port, flags):
    return Seg(t, ("192.0.2.1", port), DEV, flags, 0, 0, 0)


def conn(t, port):
    """One HTTP/1.0 request as the device sees the client's side: SYN at
    t, request, the client's FIN 10 ms later (after the device's)."""
    return [seg(t, port, "S"), seg(t + 0.001, port, "PA"), seg(t + 0.010, port, "FA")]


def test_table_recycles_oldest_at_each_fin():
    segs = [s for i in range(6) for s in conn(i * 0.1, 1000 + i)]
    segs.insert(4, seg(0.015, 1000, "FA"))          # a retransmitted FIN: no new entry
    ages = qemubench.tw_recycle_ages(segs, DEV[0], DEV[1], 4, at_syn=False)
    assert [round(a, 3) for a in ages] == [0.4, 0.4]   # entries 5 and 6 recycle 1 and 2


def test_pool_recycles_oldest_time_wait_at_syn():
    # three pcbs; the third SYN finds them taken but the first in TIME_WAIT
    segs = conn(0.0, 1000) + conn(0.001, 1001) + [seg(0.002, 1002, "S")] + \
        [seg(0.050, 1003, "S"), seg(0.060, 1003, "R")] + [seg(0.070, 1004, "S")]
    segs.sort(key=lambda s: s.t)
    ages = qemubench.tw_recycle_ages(segs, DEV[0], DEV[1], 3, at_syn=True)
    # :1003 recycles :1000 (FIN at 0.010); its RST frees its pcb, so :1004
    # finds a free one; nothing else is recycled
    assert [round(a, 3) for a in ages] == [0.04]


def test_pool_without_time_wait_leaves_the_syn_out():
    segs = [seg(0.0, 1000, "S"), seg(0.001, 1001, "S"), seg(0.002, 1002, "S")]
    assert qemubench.tw_recycle_ages(segs, DEV[0], DEV[1], 2, at_syn=True) == []
