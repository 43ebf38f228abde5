#!/usr/bin/env bash
# The fleet benchmark (issue 11): one agent (its own JVM, -Xmx256m) supervising N tunnels, one per testkit
# embedded router (real supervisor script and client), through one embedded relay: the agent's CPU, heap,
# RSS and threads beside an idle agent, and the time to notice one tunnel's router processes killed.
#   ./mvnw -B -q package -DskipTests     (once; builds netpilot-cli/target/lib)
#   NETPILOT_FLEET_AGENT_OPTS='-XX:StartFlightRecording=filename=/tmp/fleet-{size}.jfr'  (optional: extra agent JVM options, {size} = N)
#   bench/fleet.sh [--sizes 0,1,50,200] [--duration 60] [--warmup 15] [--flavour procps|busybox] [--xmx 256m] [--faults 5]
set -euo pipefail
NETPILOT_BENCH_MAIN=io.netpilot.bench.FleetBench exec "$(dirname "$0")/run.sh" "$@"
