#!/usr/bin/env bash
# Builds and runs the Retry Ladder benchmarks. See docs/benchmarks.md.
#
#   benchmarks/run.sh smoke [OPTIONS]   every end-to-end measurement with short steps and a small burst
#   benchmarks/run.sh full [OPTIONS]    the full end-to-end run (start it on a quiet machine)
#   benchmarks/run.sh e2e OPTIONS       the end-to-end harness with only the given options
#   benchmarks/run.sh jmh [smoke|full] [JMH OPTIONS]   the JMH benchmarks of the hot paths
#
# OPTIONS go to the harness (run with "e2e --help" to list them) and win over the preset.
# Set SKIP_BUILD=1 to use the jars already in benchmarks/target and benchmarks/spring-peer/target.
set -euo pipefail

cd "$(dirname "$0")/.."
mode="${1:-}"
shift || true

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -B -q -Pbench package -pl benchmarks,benchmarks/spring-peer -DskipTests
fi

classpath="benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*"
harness=(java -Xmx2g -cp "$classpath" io.retryladder.bench.BenchMain)

case "$mode" in
  smoke)
    exec "${harness[@]}" --label=smoke --step-seconds=10 --start-rate=100 --rate-factor=4 --max-rate=400 \
      --refine-steps=0 --burst-size=2000 --ceiling-records=50000 --drain-margin-seconds=30 --warm-up-seconds=10 \
      --max-minutes=60 "$@"
    ;;
  full)
    exec "${harness[@]}" --label=full "$@"
    ;;
  e2e)
    exec "${harness[@]}" "$@"
    ;;
  jmh)
    preset="${1:-smoke}"
    shift || true
    mkdir -p benchmarks/target
    if [[ "$preset" == "smoke" ]]; then
      settings=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    else
      settings=(-f 2 -wi 5 -w 2s -i 10 -r 2s)
    fi
    exec java -cp "$classpath" org.openjdk.jmh.Main "${settings[@]}" \
      -rf json -rff "benchmarks/target/jmh-$preset.json" "$@"
    ;;
  *)
    sed -n '2,10p' "$0"
    exit 2
    ;;
esac
