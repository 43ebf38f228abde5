#!/usr/bin/env bash
# The lifecycle benchmark (issue 4): connect -> first banner, restore with adopt, clean exit -> last router
# process gone, beside a bare `ssh -N -R` baseline, over the testkit's embedded relay and router on 127.0.0.1.
# The agent comes from the front door (NetPilot.builder()), like every other caller.
#   ./mvnw -B -q install -DskipTests     (once)
#   bench/run.sh [--runs N] [--flavour busybox|procps]
set -euo pipefail
bench_dir=$(cd "$(dirname "$0")" && pwd)
. "$bench_dir/compile.sh"
# JUnit's API in the module graph: the testkit needs it only statically, but its Binaries checks (root, sshd,
# used by the OpenSSH relay) throw JUnit's exceptions, which the verifier loads with the class.
exec "$JAVA_HOME/bin/java" --add-modules org.junit.jupiter.api \
    -Dlogback.configurationFile="$bench_dir/logback-bench.xml" \
    -p "$NETPILOT_BENCH_MP" -m "io.netpilot.bench/${NETPILOT_BENCH_MAIN:-io.netpilot.bench.LifecycleBench}" "$@"
