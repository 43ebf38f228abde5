# Sourced by ./mvnw, ./netpilot and .ci/run: finds a JDK 21 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 21+, then Temurin 25, then any JDK under /usr/lib/jvm that is 21+.
netpilot_jdk_version() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

netpilot_pick_jdk() {
    local cand v
    for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
        v=$(netpilot_jdk_version "$cand")
        if [ -n "$v" ] && [ "$v" -ge 21 ]; then
            export JAVA_HOME="$cand"
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
    done
    echo "netpilot: no JDK 21 or newer found; install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME" >&2
    return 1
}
