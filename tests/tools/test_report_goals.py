"""report.py's goals table: met only when every row of a goal is within
its bound, the worst ratio shown, n/a when a row was not measured."""
import os
import sys

sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "..", "bench", "tools")))
import report  # noqa: E402


def _line(text: str, goal: str) -> list[str]:
    for line in text.splitlines():
        if line.startswith(f"| {goal} |"):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"no row for {goal!r} in\n{text}")


def test_goal_met_only_when_every_row_is_within_bound():
    rows = [{"key": "timer_gap_life-active", "finwait": 4, "lwip": 100},
            {"key": "timer_gap_life-passive", "finwait": 6, "lwip": 100}]
    cells = _line(report.goals(rows), "timer instructions between two lifecycles")
    assert cells[3:] == ["0.060", "missed"]
    rows[1]["finwait"] = 5
    assert _line(report.goals(rows), "timer instructions between two lifecycles")[3:] == ["0.050", "met"]


def test_higher_is_better_goal_takes_the_smallest_ratio():
    rows = [{"key": "tw_16k", "finwait": 512, "lwip": 80}, {"key": "tw6_16k", "finwait": 60, "lwip": 69}]
    assert _line(report.goals(rows), "TIME_WAIT connections in 16 KiB, IPv4 and IPv6")[3:] == ["0.870", "missed"]


def test_goal_with_a_row_not_measured_is_na():
    rows = [{"key": "flash_tcp_equal", "finwait": None, "lwip": 13172}]
    assert _line(report.goals(rows), "TCP flash with equal features, both LWIP_NOASSERT")[3:] == ["n/a", "n/a"]
    assert _line(report.goals([]), "RAM per open connection of an lwIP application")[3:] == ["n/a", "n/a"]
