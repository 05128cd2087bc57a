"""hostbench: the lifecycle minus harness minus checksum, attributed by
call arc in a callgrind output file (hostbench.cg_profile/attribute)."""
import os
import sys

sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "..", "bench", "tools")))
import hostbench  # noqa: E402

# bench_rx_measured (self 2) -> bench_rx (self 10) -> pbuf_alloc (40),
# pbuf_take (30), ip4_input (self 100) -> ip_chksum_pseudo (50, itself
# calling lwip_standard_chksum for 45) and -> tcp engine (self 200) ->
# bench_netif_output (self 5, pbuf_copy_partial 20) and -> pbuf_alloc (40:
# the engine's own, stays in; pbuf_alloc's self cost is both calls).
# Names compressed as callgrind writes them,
# a recursion suffix on one.
CG = """# callgrind format
version: 1
positions: line
events: Ir
summary: 607

fl=(1) bench_main.c
fn=(1) bench_rx_measured
10 2
cfn=(2) bench_rx
calls=1 20
10 605

fn=(2)
20 10
cfn=(3) pbuf_alloc
calls=1 30
+1 40
cfn=(4) pbuf_take
calls=1 30
+1 30
cfn=(5) ip4_input
calls=1 30
+1 525

fl=(2) pbuf.c
fn=(3)
30 80
fn=(4)
40 30
fn=(8) pbuf_copy_partial
50 20

fl=(3) ip4.c
fn=(5)
60 100
cfn=(6) ip_chksum_pseudo
calls=1 70
+1 50
cfn=(7) fw_tcp_input'2
calls=1 80
+1 375

fl=(4) inet_chksum.c
fn=(6)
70 5
cfn=(9) lwip_standard_chksum
calls=1 90
+1 45
fn=(9)
90 45

fl=(5) tcp.c
fn=(7)
80 200
cfn=(10) bench_netif_output
calls=1 100
+1 25
cfn=(3)
calls=1 30
+1 40
+1 110

fl=(1)
fn=(10)
100 5
cfn=(8)
calls=1 50
+1 20
"""


def test_harness_and_checksum_by_call_arc(tmp_path):
    p = tmp_path / "cg.out"
    p.write_text(CG)
    a = hostbench.attribute(*hostbench.cg_profile(p))
    assert a["total"] == 607   # self costs only: every instruction once
    # the fake NIC: its own code, its RX pbuf and copy-in, the copy-out;
    # the engine's own pbuf_alloc is not the harness's
    assert a["harness"] == 2 + 10 + 40 + 30 + 25
    # the checksum once, not again for the nested lwip_standard_chksum
    assert a["chksum"] == 50
