#!/usr/bin/env bash
# The connect benchmark (issue 9): `netpilot connect` typed while an agent runs, from the CLI process's
# start until the relay port carries the router's SSH banner, beside the two-hop a technician types
# (ssh into the router, `ssh -f -N -R` there) in the same run; prints both, their medians and the ratio.
# Over the testkit's embedded relay and routers on 127.0.0.1; the agent and the CLI are the real
# `netpilot` launcher of this checkout.
#   ./mvnw -B -q package -DskipTests     (once; netpilot-cli/target/lib must hold the jars)
#   bench/connect.sh [--runs N] [--flavour busybox|procps] [--relay embedded|openssh]   (openssh: as root)
set -euo pipefail
bench_dir=$(cd "$(dirname "$0")" && pwd)
. "$bench_dir/compile.sh"
# The testkit's OpenSSH relay names opentest4j's exceptions (JUnit's, optional for the testkit): put them
# on the module path from the local Maven repository when they are there.
extra=()
ot4j=$(ls "$HOME"/.m2/repository/org/opentest4j/opentest4j/*/opentest4j-*.jar 2>/dev/null | grep -v sources | tail -1 || true)
if [ -n "$ot4j" ]; then
    NETPILOT_BENCH_MP="$NETPILOT_BENCH_MP:$ot4j"
    extra=(--add-modules org.opentest4j)
fi
exec "$JAVA_HOME/bin/java" -Dguice_bytecode_gen_option=DISABLED \
    -Dlogback.configurationFile="$bench_dir/logback-bench.xml" "${extra[@]}" \
    -p "$NETPILOT_BENCH_MP" -m io.netpilot.bench/io.netpilot.bench.ConnectBench --netpilot "$bench_dir/../netpilot" "$@"
