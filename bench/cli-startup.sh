#!/usr/bin/env bash
# The CLI startup benchmark (issues 5 and 12): wall time of `netpilot --version` and `netpilot status` (an
# empty temp home, and a home with 3 tunnels in tunnel-state.json, no agent), a cold JVM per run, median of
# N runs (default 10), beside the baseline `java -version` with the launcher's JVM flags; each from the build
# tree (./netpilot) and from the distribution (the build's tar.gz unpacked into a temp dir, bin/netpilot).
# First runs too: the build tree's first run makes its cache; the distribution's first run after a fresh
# unpack uses the cache made at build time. Then (unless --no-experiments) `status` on the 3-tunnel home
# under each startup option on its own, to show what each gives.
#   ./mvnw -B -q install -DskipTests     (once)
#   bench/cli-startup.sh [--runs N] [--no-experiments]
# Uses hyperfine when installed (apt-get install -y hyperfine), else a bash loop over `date +%s%N`.
# Touches nothing outside a temp dir, except that ./netpilot's cache in netpilot-cli/target is made again
# (it is deleted once, to time the build tree's first run).
set -euo pipefail
runs=10
experiments=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --no-experiments) experiments=0; shift ;;
        *) echo "usage: bench/cli-startup.sh [--runs N] [--no-experiments]" >&2; exit 2 ;;
    esac
done
bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$bench_dir/.." && pwd)
. "$bench_dir/compile.sh"
java="$JAVA_HOME/bin/java"
target="$repo/netpilot-cli/target"
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k"
mp="$target/netpilot-cli.jar:$target/lib"
main="-p $mp -m io.netpilot.cli/io.netpilot.cli.Main"

work=$(mktemp -d "${TMPDIR:-/tmp}/netpilot-startup-XXXXXX")
trap 'rm -rf "$work"' EXIT
empty="$work/empty-home"
home3="$work/home-3-tunnels"
mkdir -p "$empty"
"$java" -Dlogback.configurationFile="$bench_dir/logback-bench.xml" -p "$NETPILOT_BENCH_MP" \
    -m io.netpilot.bench/io.netpilot.bench.StateFixture "$home3" 3 >/dev/null
archive=$(ls "$target"/netpilot-*-linux-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$archive" ]; then
    echo "bench: no distribution archive in $target; run: ./mvnw -B -q install -DskipTests" >&2
    exit 2
fi
# unpack DIR: a fresh copy of the distribution in DIR; prints its bin/netpilot.
unpack() { mkdir -p "$1" && tar -C "$1" -xzf "$archive" && echo "$1"/netpilot-*/bin/netpilot; }
dist=$(unpack "$work/dist")
once() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# First runs. Build tree: no cache yet, so the launcher trains one first. Distribution: a fresh unpack each.
rm -f "$target/netpilot.aot" "$target/netpilot.jsa"
tree_first=$(once "$repo/netpilot" --version)
first_runs=$(( runs < 5 ? runs : 5 ))
dist_first_version=$(for ((i = 0; i < first_runs; i++)); do once "$(unpack "$work/first-v$i")" --version; done | median)
dist_first_status=$(for ((i = 0; i < first_runs; i++)); do once "$(unpack "$work/first-s$i")" --home "$home3" status; done | median)
rm -rf "$work"/first-*

results="$work/results.tsv"
: >"$results"
# measure NAME COMMAND...: runs COMMAND (no shell) $runs times after one warm-up; appends NAME, median, min, max (ms).
measure() {
    local name="$1"; shift
    if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" "$(printf '%q ' "$@")" >/dev/null 2>&1 ||
            { echo "bench: '$*' failed" >&2; "$@" >&2; exit 1; }
        python3 - "$work/h.json" "$name" >>"$results" <<'EOF'
import json, statistics, sys
t = [x * 1000 for x in json.load(open(sys.argv[1]))["results"][0]["times"]]
print(f"{sys.argv[2]}\t{statistics.median(t):.0f}\t{min(t):.0f}\t{max(t):.0f}")
EOF
    else
        "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; "$@" >&2; exit 1; }
        local times=() i s e
        for ((i = 0; i < runs; i++)); do
            s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
            times+=($(( (e - s) / 1000000 )))
        done
        printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2); printf "%s\t%d\t%d\t%d\n", n, m, a[1], a[NR]}' >>"$results"
    fi
}
report() {
    awk -F'\t' 'NR==1 {base=$2} {printf "%-58s %7s %7s %7s %8s\n", $1, $2, $3, $4, (NR==1 ? "" : sprintf("%+d", $2-base))}' "$1"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "CLI startup: $runs cold-JVM runs each (1 warm-up), $(nproc) cpu(s), JDK $("$java" -version 2>&1 | sed -n 's/.*version "\(.*\)".*/\1/p' | head -1), $(command -v hyperfine >/dev/null && echo hyperfine || echo 'bash loop'), load before: $(load)"
measure "BASELINE java $flags -version" $java $flags -version
measure "./netpilot --version" "$repo/netpilot" --version
measure "dist bin/netpilot --version" "$dist" --version
measure "./netpilot status (empty home)" "$repo/netpilot" --home "$empty" status
measure "dist bin/netpilot status (empty home)" "$dist" --home "$empty" status
measure "./netpilot status (3 tunnels, no agent)" "$repo/netpilot" --home "$home3" status
measure "dist bin/netpilot status (3 tunnels, no agent)" "$dist" --home "$home3" status
printf '\n%-58s %7s %7s %7s %8s\n' "command (ms)" median min max "vs base"
report "$results"
echo
echo "first run, build tree: ./netpilot --version with no cache yet (it trains one): ${tree_first} ms"
echo "first run, distribution (fresh unpack each, median of $first_runs): --version ${dist_first_version} ms, status of 3 tunnels ${dist_first_status} ms"
echo "archive $(du -h "$archive" | cut -f1) ($(stat -c %s "$archive") bytes), runtime image $(du -sh "$(dirname "$dist")/../runtime" | cut -f1), install tree $(du -sh "$(dirname "$dist")/.." | cut -f1)"
echo "load after: $(load)"

[ "$experiments" = 1 ] || exit 0
# Each startup option on its own, on `status` of the 3-tunnel home; caches made here, in the temp dir.
: >"$results"
cfg="--home $home3 status"
# trained like the launcher trains its own: one `status` on a home holding tunnels (a copy, not the measured one)
train() { rm -rf "$work/train"; cp -r "$home3" "$work/train"; "$java" $flags "$1" $main --home "$work/train" status >/dev/null 2>&1; }
s=$(date +%s%N); train -XX:ArchiveClassesAtExit="$work/np.jsa"; jsa_ms=$(( ($(date +%s%N) - s) / 1000000 ))
s=$(date +%s%N); train -XX:AOTCacheOutput="$work/np.aot"; aot_ms=$(( ($(date +%s%N) - s) / 1000000 ))
measure "BASELINE java $flags -version" $java $flags -version
measure "java -m ... status: JVM defaults (no flags)" $java $main $cfg
measure "  + C1 only, SerialGC, Xss512k (launcher flags)" $java $flags $main $cfg
measure "  + launcher flags + dynamic AppCDS (.jsa)" $java $flags -XX:SharedArchiveFile="$work/np.jsa" -Xlog:cds=off $main $cfg
measure "  + launcher flags + JDK 25 AOT cache (.aot)" $java $flags -XX:AOTCache="$work/np.aot" -Xlog:aot=off -Xlog:cds=off $main $cfg
measure "  JVM defaults + AOT cache (no launcher flags)" $java -XX:AOTCache="$work/np.aot" -Xlog:aot=off -Xlog:cds=off $main $cfg
measure "./netpilot status, NETPILOT_CDS=off" env NETPILOT_CDS=off "$repo/netpilot" $cfg
measure "./netpilot status (as shipped: AOT cache)" "$repo/netpilot" $cfg
measure "JDK pick: scripts/jdk.sh (starts a JVM)" bash -c ". '$repo/scripts/jdk.sh' && netpilot_pick_jdk"
measure "dist bin/netpilot status (as shipped: build-time AOT cache)" "$dist" $cfg
measure "dist, NETPILOT_CDS=off (jlinked runtime, no CDS at all)" env NETPILOT_CDS=off "$dist" $cfg
measure "dist, cache + C2 too (JAVA_OPTS=-XX:TieredStopAtLevel=4)" env JAVA_OPTS=-XX:TieredStopAtLevel=4 "$dist" $cfg
measure "dist, NETPILOT_CDS=off + -XX:+AutoCreateSharedArchive" env NETPILOT_CDS=off \
    JAVA_OPTS="-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$work/auto.jsa -Xlog:cds=off" "$dist" $cfg
measure "dist, cache + fewer modules (--limit-modules io.netpilot.cli)" env JAVA_OPTS="--limit-modules io.netpilot.cli,java.rmi,java.security.jgss,java.management,jdk.unsupported" "$dist" $cfg
printf '\n%-58s %7s %7s %7s %8s\n' "option, status of 3 tunnels (ms)" median min max "vs base"
report "$results"
echo "first run, making the cache: AppCDS ${jsa_ms} ms, AOT cache ${aot_ms} ms (once; later runs reuse it)"
echo "load after: $(load)"
