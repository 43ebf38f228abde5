# Sourced by ./mvnw, ./netpilot and .ci/run: finds a JDK 21 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 21+, then Temurin 25, then any JDK under /usr/lib/jvm that is 21+.

# The JDK's major version: from its `release` file (no JVM start, which costs 60-140 ms), else by asking it.
netpilot_jdk_version() {
    local v=""
    [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
    if [ -z "$v" ]; then
        v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
            sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
    fi
    echo "$v"
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

# For ./mvnw: keeps the build's output NetPilot's own. Maven 3.9.16 loads jansi's native library, which
# JDK 24+ reports on stderr at every build (JEP 472) unless native access is granted; the flag exists from
# JDK 22 on and older JVMs refuse to start with it, so it is added here, per JDK, not in .mvn/jvm.config.
# It concerns Maven's own JVM only (MAVEN_OPTS), never NetPilot's.
netpilot_maven_opts() {
    local v
    v=$(netpilot_jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 22 ]; then
        case " ${MAVEN_OPTS:-} " in
            *--enable-native-access=*) ;;
            *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--enable-native-access=ALL-UNNAMED" ;;
        esac
        export MAVEN_OPTS
    fi
}
