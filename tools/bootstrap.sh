#!/usr/bin/env bash
# Check that the Debian packages a make target needs are installed; install
# the missing ones with apt-get when root, otherwise print the one command to
# run and fail. Usage: tools/bootstrap.sh SET...   (sets: build test run bench fuzz)
set -euo pipefail

declare -A SETS=(
  [build]="make gcc libc6-dev xz-utils ca-certificates gcc-arm-none-eabi libnewlib-arm-none-eabi"
  [test]="libcmocka-dev qemu-system-arm python3 python3-pytest python3-scapy python3-labgrid iproute2 iputils-ping tcpdump procps curl mosquitto mosquitto-clients apache2-utils iperf"
  [run]="qemu-system-arm python3 python3-scapy"
  [bench]="valgrind python3-matplotlib"
  [fuzz]="clang libclang-rt-14-dev"
  [flash]="openocd gdb-multiarch"
)

want=()
for set in "$@"; do
  [ -n "${SETS[$set]+x}" ] || { echo "bootstrap: unknown set '$set'" >&2; exit 2; }
  want+=(${SETS[$set]})
done

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# de-duplicate, keep order
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
if [ "$(id -u)" -eq 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
  echo "bootstrap: run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
