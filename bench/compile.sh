#!/usr/bin/env bash
# Compiles bench/src (module io.netpilot.bench) against the netpilot command's shipped module path
# (netpilot-cli/target/netpilot-cli.jar + netpilot-cli/target/lib, which holds core, ssh, state and the
# testkit) into bench/target/classes. Sourced by run.sh and cli-startup.sh; sets NETPILOT_BENCH_MP.
set -euo pipefail
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/.." && pwd)
. "$repo/scripts/jdk.sh"
netpilot_pick_jdk
lib="$repo/netpilot-cli/target/lib"
if [ ! -d "$lib" ] || [ ! -f "$repo/netpilot-cli/target/netpilot-cli.jar" ]; then
    echo "bench: the project is not built yet; run: ./mvnw -B -q install -DskipTests" >&2
    exit 2
fi
out="$bench_dir/target/classes"
rm -rf "$out"
mkdir -p "$out"
"$JAVA_HOME/bin/javac" -Xlint:all -Werror -p "$lib" -d "$out" $(find "$bench_dir/src" -name '*.java')
NETPILOT_BENCH_MP="$lib:$out"
export NETPILOT_BENCH_MP
