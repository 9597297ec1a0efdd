#!/usr/bin/env bash
# Side by side, alternating, for docs/performance.md ("Sweeps on Spark"): the same 16-run sweep (mod-23, 200 epochs)
#   local   egd sweep --engine local --parallel 2 (the default command line: one JVM, a thread pool)
#   local2  egd sweep --engine spark --master local[2] (what ./egd runs: the job jar with Spark's jars; Spark in one JVM)
#   sa1     the same to a standalone cluster of 2 workers (1 core each) with spark.cores.max=1: one executor
#   sa2     the same cluster, both workers
# Usage: spark/bench/measure.sh [ROUNDS]   (needs: mvn -B -q -pl spark -am -DskipTests package)
#   EPOCHS=N (default 200) makes every run longer; CONFIGS="local local2" (default all four) leaves the cluster out.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reps="${1:-3}"
epochs="${EPOCHS:-200}"
configs="${CONFIGS:-local local2 sa1 sa2}"
job="$root/spark/target/egd-spark-job.jar"
cli="$root/cli/target/egd-cli.jar"
sparkcp="$(cat "$root/spark/target/spark-classpath.txt"):$(cat "$root/spark/target/spark-classpath-jackson.txt")"
opts="$(sed 's/--add-modules=jdk.incubator.vector//' "$root/spark/target/spark-java-opts.txt")"
work="${TMPDIR:-/tmp}/egd-spark-measure"
rm -rf "$work"; mkdir -p "$work"
export OPENBLAS_NUM_THREADS=1
cat > "$work/mod23.yaml" <<YAML
name: mod23
methods: [vanilla, egd]
seeds: 8
flags: {p: 23, epochs: $epochs, batch: 64, stop-after: -1}
threads: 1
YAML
# the cluster, started once (not timed); its stdin is a fifo held open until the end
master=""
if [[ " $configs " == *" sa"* ]]; then
  mkfifo "$work/cluster.in"
  java -cp "$job:$sparkcp" dev.egd.spark.StandaloneCluster "$work/cluster" 2 1 1g < "$work/cluster.in" > "$work/cluster.out" 2>&1 &
  cluster=$!
  exec 9> "$work/cluster.in"
  for _ in $(seq 600); do grep -q '^spark://' "$work/cluster.out" 2>/dev/null && break; sleep 0.2; done
  master="$(grep '^spark://' "$work/cluster.out")"
  trap 'exec 9>&-; wait $cluster 2>/dev/null || true' EXIT
fi

spark() { # MASTER OUT [engine-conf...]
  local m="$1" out="$2"; shift 2
  # shellcheck disable=SC2086
  java $opts -cp "$job:$sparkcp" dev.egd.cli.Main sweep "$work/mod23.yaml" --out "$out" --engine spark --master "$m" "$@" > "$out.log" 2>&1
}
run() { # NAME REP
  local out="$work/$1-$2" t0 t1 load rc=0
  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s.%N)
  case "$1" in
    local) java -jar "$cli" sweep "$work/mod23.yaml" --out "$out" --engine local --parallel 2 > "$out.log" 2>&1 ;;
    local2) spark "local[2]" "$out" ;;
    sa1) spark "$master" "$out" --engine-conf spark.cores.max=1 ;;
    sa2) spark "$master" "$out" ;;
  esac || rc=$?
  t1=$(date +%s.%N)
  printf '%s\t%s\t%.1f\t%s\t%s\t%s\n' "$1" "$2" "$(echo "$t1 - $t0" | bc)" "$load" "$(cut -d' ' -f1 /proc/loadavg)" "$rc" | tee -a "$work/times.tsv"
}
printf 'config\tround\tseconds\tload_before\tload_after\texit\n' > "$work/times.tsv"
for rep in $(seq "$reps"); do
  for c in $configs; do run "$c" "$rep"; done
done
# every configuration wrote the same metrics.csv bytes as the local engine
for c in $configs; do
  for rep in $(seq "$reps"); do
    for f in "$work"/local-1/runs/*/*/*/metrics.csv; do
      cmp -s "$f" "$work/$c-$rep/${f#"$work"/local-1/}" || echo "DIFFERENT: $c-$rep ${f#"$work"/local-1/}"
    done
  done
done
echo "median seconds:"
for c in $configs; do
  printf '  %s\t%s\n' "$c" "$(awk -v c="$c" '$1 == c {print $3}' "$work/times.tsv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
