#!/usr/bin/env bash
# The fault benchmark (issue 11): a blackhole of the router-relay link for each --outage SECONDS
# (default 10 and 60), NetPilot's tunnel beside autossh -M 0 -o ServerAliveInterval=10
# -o ServerAliveCountMax=3 through the same link: time to detect, time from the heal to traffic.
#   ./mvnw -B -q package -DskipTests     (once; builds netpilot-cli/target/lib)
#   bench/fault.sh [--outage 10] [--outage 60] [--outage 300] [--resets 60] [--router autossh|dbclient]
# --resets S: the link reset (RST) for 1 s and healed for 2 s, again and again for S seconds: how often each
# side started its client, how often the agent relaunched, and the time from the last heal to traffic.
set -euo pipefail
NETPILOT_BENCH_MAIN=io.netpilot.bench.FaultBench exec "$(dirname "$0")/run.sh" "$@"
