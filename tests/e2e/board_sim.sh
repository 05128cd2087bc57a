#!/usr/bin/env bash
# Run the e2e suite in board mode against QEMU posing as a board: the
# serial console on a pty, the NIC on a tap in a namespace of its own with
# the host side at 192.0.2.1/24, pytest inside that namespace with
#   --target board --iface fwtap0 --console /dev/pts/N
# exactly as on the bench with a real board (tests/e2e/README.md). Checks
# the board-mode harness (serial console, tcpdump, reboot, needs_qemu skips)
# without hardware. Root only; everything is removed on exit.
#
#   tests/e2e/board_sim.sh [ELF] [pytest args...]
set -eu

elf=${1:-build/mps2-an385/firmware.elf}
[ $# -gt 0 ] && shift
ns=fwboard-$$
tap=fwtap0
[ "$(id -u)" -eq 0 ] || { echo "board_sim: needs root (ip netns)" >&2; exit 1; }
[ -f "$elf" ] || { echo "board_sim: no image $elf (make firmware)" >&2; exit 1; }

qemu_pid=
log=$(mktemp)
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add "$tap" mode tap
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
ip -n "$ns" addr add 192.0.2.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up

ip netns exec "$ns" qemu-system-arm -M mps2-an385 -kernel "$elf" -nographic \
	-monitor none -serial pty \
	-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
	-net nic,netdev=n0,model=lan9118 >"$log" 2>&1 &
qemu_pid=$!
pty=
for _ in $(seq 100); do
	pty=$(sed -n 's/.*char device redirected to \(\/dev\/pts\/[0-9]*\).*/\1/p' "$log")
	[ -n "$pty" ] && break
	sleep 0.05
done
[ -n "$pty" ] || { echo "board_sim: QEMU gave no pty:" >&2; cat "$log" >&2; exit 1; }
echo "board_sim: console $pty, iface $tap in namespace $ns"

ip netns exec "$ns" env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -rfEs \
	-p no:cacheprovider tests/e2e --target board --iface "$tap" --console "$pty" "$@"
