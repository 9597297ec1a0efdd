#!/usr/bin/env bash
# Side by side, alternating, for spark/MEASUREMENTS.md: the same 16-run sweep (mod-23, 200 epochs)
#   pool    the local engine: egd sweep --parallel 2 (one JVM, a thread pool)
#   local2  spark-submit --master local[2] (Spark in one JVM)
#   sa1     spark-submit to a standalone cluster of 2 workers (1 core each) with spark.cores.max=1: one executor
#   sa2     the same cluster, both workers
# Usage: spark/bench/measure.sh [REPEATS]   (needs: mvn -B -q -pl spark -am -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reps="${1:-3}"
job="$root/spark/target/egd-spark-job.jar"
cli="$root/cli/target/egd-cli.jar"
sparkcp="$(cat "$root/spark/target/spark-classpath.txt"):$(cat "$root/spark/target/spark-classpath-jackson.txt")"
work="${TMPDIR:-/tmp}/egd-spark-measure"
rm -rf "$work"; mkdir -p "$work"
export OPENBLAS_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1
cat > "$work/mod23.yaml" <<'YAML'
name: mod23
methods: [vanilla, egd]
seeds: 8
flags: {p: 23, epochs: 200, batch: 64, stop-after: -1}
threads: 1
YAML
opts="$(java -cp "$job:$sparkcp" dev.egd.spark.StandaloneCluster --java-opts)"
# the cluster, started once (not timed); its stdin is a fifo held open until the end
mkfifo "$work/cluster.in"
java -cp "$job:$sparkcp" dev.egd.spark.StandaloneCluster "$work/cluster" 2 1 1g < "$work/cluster.in" > "$work/cluster.out" 2>&1 &
cluster=$!
exec 9> "$work/cluster.in"
for _ in $(seq 600); do grep -q '^spark://' "$work/cluster.out" 2>/dev/null && break; sleep 0.2; done
master="$(grep '^spark://' "$work/cluster.out")"
trap 'exec 9>&-; wait $cluster 2>/dev/null || true' EXIT

submit() { # MASTER OUT [conf...]
  local m="$1" out="$2"; shift 2
  java $opts -cp "$sparkcp" org.apache.spark.deploy.SparkSubmit --master "$m" --conf spark.ui.enabled=false "$@" \
    "$job" "$work/mod23.yaml" --out "$out" --quiet > "$out.log" 2>&1
}
run() { # NAME REP
  local out="$work/$1-$2" t0 t1
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s.%N)
  local rc=0
  case "$1" in
    pool) java -jar "$cli" sweep "$work/mod23.yaml" --out "$out" --parallel 2 --quiet > "$out.log" 2>&1 ;;
    local2) submit "local[2]" "$out" ;;
    sa1) submit "$master" "$out" --conf spark.cores.max=1 ;;
    sa2) submit "$master" "$out" ;;
  esac || rc=$?
  t1=$(date +%s.%N)
  printf '%s\t%s\t%.1f\t%s\t%s\n' "$1" "$2" "$(echo "$t1 - $t0" | bc)" "$load" "$rc" | tee -a "$work/times.tsv"
}
printf 'config\trep\tseconds\tload1\texit\n' > "$work/times.tsv"
for rep in $(seq "$reps"); do
  for c in pool local2 sa1 sa2; do run "$c" "$rep"; done
done
# every configuration wrote the same metrics.csv bytes as the thread pool
for c in local2 sa1 sa2; do
  for rep in $(seq "$reps"); do
    diff -rq --exclude='*.png' --exclude='timing.csv' --exclude='summary.json' --exclude='.egd-run.lock' --exclude='checkpoint.bin' \
      "$work/pool-1/runs" "$work/$c-$rep/runs" > /dev/null || echo "DIFFERENT: $c-$rep"
  done
done
echo "median seconds:"
for c in pool local2 sa1 sa2; do
  printf '  %s\t%s\n' "$c" "$(awk -v c="$c" '$1 == c {print $3}' "$work/times.tsv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
