#!/usr/bin/env bash
# Runs issue-14 sweeps one run at a time (one core: the machine is shared) with a snapshot of the
# command-line jar of the current commit, so that rebuilding the checkout does not disturb them.
# Appends start/end, wall time and /proc/loadavg (every 60 s while it runs) to OUT.log.
#   bench/issue14/run-sweep.sh SPEC OUT [SPEC OUT ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# EGD_SNAPSHOT=DIR (holding egd-cli.jar, lib/ and a COMMIT file) runs that build instead of this checkout's.
if [ -n "${EGD_SNAPSHOT:-}" ]; then
  snap=$EGD_SNAPSHOT commit=$(cat "$snap/COMMIT")
else
  commit=$(git -C "$root" rev-parse --short HEAD)
  [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ] && commit="$commit-dirty"
  snap="${TMPDIR:-/tmp}/egd-snapshot-$commit"
fi
if [ ! -f "$snap/egd-cli.jar" ]; then
  (cd "$root" && mvn -B -q -o -pl cli -am package -Dmaven.test.skip=true)
  mkdir -p "$snap" && cp -r "$root/cli/target/egd-cli.jar" "$root/cli/target/lib" "$snap/" && echo "$commit" > "$snap/COMMIT"
fi
export OPENBLAS_NUM_THREADS=1
while [ $# -ge 2 ]; do
  spec=$1 out=$2; shift 2
  mkdir -p "$(dirname "$out")"
  log="$out.log"
  echo "start $(date -Is) spec $spec commit $commit OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} load $(cat /proc/loadavg)" >> "$log"
  ( while sleep 60; do echo "load $(date +%H:%M) $(cat /proc/loadavg)" >> "$log"; done ) &
  sampler=$!
  t0=$(date +%s)
  java -Degd.commit="$commit" -jar "$snap/egd-cli.jar" sweep "$spec" --out "$out" --parallel 1 --quiet >> "$log" 2>&1 || echo "sweep exit $?" >> "$log"
  kill "$sampler" 2>/dev/null || true
  echo "end $(date -Is) wall $(( $(date +%s) - t0 )) s load $(cat /proc/loadavg)" >> "$log"
done
