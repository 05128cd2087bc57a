#!/usr/bin/env bash
# Boot a firmware image in QEMU attached to a tap device inside a network
# namespace, with the console on this terminal. Removes everything on exit.
#
#   tools/qemu-tap.sh ELF MACHINE
#
# Namespace `finwait`, tap `fwtap0` at 192.0.2.1/24; the board is 192.0.2.2.
# Needs root (ip netns). Quit QEMU with Ctrl-A then X.
set -eu

elf=${1:?usage: $0 ELF MACHINE}
machine=${2:?usage: $0 ELF MACHINE}
ns=finwait
tap=fwtap0
host_ip=192.0.2.1/24

if [ "$(id -u)" -ne 0 ]; then
	echo "qemu-tap: needs root to create network namespace '$ns' (try: sudo $0 $*)" >&2
	exit 1
fi
[ -f "$elf" ] || { echo "qemu-tap: no image $elf (run make first)" >&2; exit 1; }
if ip netns list | grep -qw "^$ns"; then
	echo "qemu-tap: namespace '$ns' already exists; remove it with: ip netns del $ns" >&2
	exit 1
fi

qemu_pid=
cleanup() {
	if [ -n "$qemu_pid" ]; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add "$tap" mode tap
ip -n "$ns" addr add "$host_ip" dev "$tap"
ip -n "$ns" link set "$tap" up

cat <<MSG
qemu-tap: namespace '$ns', $tap at $host_ip, board at 192.0.2.2.
qemu-tap: from another terminal:  ip netns exec $ns ping 192.0.2.2
qemu-tap:                         ip netns exec $ns bash
qemu-tap: quit QEMU with Ctrl-A then X; the namespace goes with it.
MSG

# In the background so a signal to this script reaches the trap (and the
# trap stops QEMU); stdin passed on explicitly, as a background command's
# would otherwise be /dev/null. The board's default NIC model is used.
ip netns exec "$ns" qemu-system-arm -M "$machine" -nographic -kernel "$elf" \
	-nic tap,ifname="$tap",script=no,downscript=no 0<&0 &
qemu_pid=$!
wait "$qemu_pid"
