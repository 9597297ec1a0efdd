#!/usr/bin/env bash
# JMH benchmarks of egd's kernels (GEMM shapes, every EGD variant, a training step, evaluation), then
# the limit table: each GEMM's achieved GFLOP/s as a fraction of this machine's own sgemm rate
# (peak-512, measured in the same run), and each step's floating-point work against that rate.
#
# Usage: bench/run-jmh.sh [JMH regex, default: all]   e.g. bench/run-jmh.sh GemmBench
# Output: the JMH tables, then Markdown tables; raw results in bench/target/jmh.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -f bench/target/egd-bench.jar ] || [ -n "$(find core/src/main bench/src -newer bench/target/egd-bench.jar -type f -print -quit)" ]; then
  mvn -B -q -DskipTests package -pl bench -am >/dev/null
fi
export OPENBLAS_NUM_THREADS=1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -cp "bench/target/egd-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main -rf json -rff bench/target/jmh.json "${1:-.*}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/bench/limits.py" bench/target/jmh.json
