#!/usr/bin/env bash
# The probe-cost benchmark (issue 11): agent CPU per end-to-end banner probe (direct-tcpip through the
# testkit's embedded relay to a banner server on 127.0.0.1), the agent in its own JVM.
#   ./mvnw -B -q package -DskipTests     (once; builds netpilot-cli/target/lib)
#   NETPILOT_PROBE_AGENT_OPTS='-XX:StartFlightRecording=filename=/tmp/probe-{label}.jfr'  (optional: extra agent JVM options)
#   bench/probe.sh [--probes 20000] [--warmup 4000] [--concurrency 50] [--rounds 2] [--mp LABEL=MODULEPATH]...
# To measure an earlier build beside this one: copy its netpilot-cli/target/lib somewhere (e.g. /tmp/base-lib)
# and pass --mp before=/tmp/base-lib --mp after="$PWD/netpilot-cli/target/lib".
set -euo pipefail
NETPILOT_BENCH_MAIN=io.netpilot.bench.ProbeCostBench exec "$(dirname "$0")/run.sh" "$@"
