#!/bin/bash
# Re-captures the fixture processes of this directory from live processes (run as root, from here).
# Each fixture is a fake proc root entry fixtures/proc/PID/{maps,smaps,smaps_rollup,status,stat,cmdline}
# plus real pmap outputs in fixtures/pmap/NAME.FLAGS.txt taken right after the files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/fixtures
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cap() { # name pid flags...
  local name=$1 pid=$2; shift 2
  mkdir -p "$out/proc/$pid"
  for f in maps smaps smaps_rollup status stat cmdline; do cat /proc/$pid/$f > "$out/proc/$pid/$f"; done
  for fl in "" "-x" "-X" "-XX" "-x -p" "-q"; do
    pmap $fl $pid > "$out/pmap/$name.$(echo "${fl:-plain}" | tr -d ' -').txt"
  done
  echo "$name $pid" >> "$out/INDEX"
}
: > "$out/INDEX"
busybox sleep 120 & cap busybox $!
mkdir "$work/py"; HOLD_SECONDS=120 python3 "$here/live/odd_mappings.py" "$work/py" 0 > "$work/py.out" &
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Xmx64m -XX:+UseSerialGC -Xint -cp "$here/../../../../../../target/test-classes" io.boxscope.mem.Sleeper 120 > "$work/jvm.out" &
mkdir "$work/tenk"; HOLD_SECONDS=120 python3 "$here/live/odd_mappings.py" "$work/tenk" 10000 > "$work/tenk.out" &
sleep 3
cap python "$(awk '{print $2}' "$work/py.out")"
cap jvm "$(awk '{print $2}' "$work/jvm.out")"
t=$(awk '{print $2}' "$work/tenk.out")
mkdir -p "$out/proc/$t"
for f in maps smaps_rollup status stat cmdline; do cat /proc/$t/$f > "$out/proc/$t/$f"; done
gzip -9 < /proc/$t/smaps > "$out/proc/$t/smaps.gz"
pmap -x $t | gzip -9 > "$out/pmap/tenk.x.txt.gz"
echo "tenk $t" >> "$out/INDEX"
