#!/usr/bin/env bash
# Run host unit-test suites (cmocka executables) from DIR and sum them up.
# Usage: tools/run-unit.sh DIR SUITE...
set -u
dir=$1; shift
pass=0; fail=0; bad=()
for s in "$@"; do
  out=$("$dir/$s" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -E '^\[ *(FAILED|ERROR|  PASSED  ) *\]|^\[  FAILED  \]|FAILED TESTS' || true
  # a suite may run several cmocka groups: add up every group's summary
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [ $rc -ne 0 ]; then
    bad+=("$s"); [ "${f:-0}" -eq 0 ] && fail=$((fail + 1))
    printf '%s\n' "$out" | tail -40
  fi
done
label=$(basename "$dir"); [ "$label" = unit ] || label=unit-$label
echo "$label: $pass passed, $fail failed"
[ ${#bad[@]} -eq 0 ] || { echo "failing suites: ${bad[*]}"; exit 1; }
