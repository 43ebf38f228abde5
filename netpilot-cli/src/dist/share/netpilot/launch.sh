# Sourced by bin/netpilot and bin/netpilot-desktop with NETPILOT_INSTALL_DIR set (bash).
#
# The class cache made at build time (share/netpilot/NAME.aot on JDK 25+, NAME.jsa on 21-24) records the
# module path it was made with, as a string. So that it stays valid wherever the archive is unpacked, the
# module path is named through a file descriptor: fd 7 is opened on the install dir, and the JVM is given
# /proc/self/fd/7/lib, the same string in every install. (A plain absolute path would make the JVM
# ignore the cache after a move: ~600 ms instead of ~170 ms for `status`.) Where /proc is missing the real
# path is used and the command only starts slower.

# netpilot_launch NAME MODULE/MAIN ARGS...
netpilot_launch() {
    local name="$1" main="$2" dir="$NETPILOT_INSTALL_DIR" mp cache
    shift 2
    local java="$dir/runtime/bin/java"
    if [ ! -x "$java" ]; then
        echo "$name: the bundled runtime is missing: $java (unpack the whole archive)" >&2
        exit 2
    fi
    if { exec 7<"$dir"; } 2>/dev/null && [ -d /proc/self/fd/7/lib ]; then
        mp=/proc/self/fd/7/lib
    else
        mp="$dir/lib"
    fi
    # Short-lived commands start fast and stay small: C1 only, the serial GC, small thread stacks.
    # The class cache was made with exactly these flags (flags that change the heap layout void it).
    # The desktop app runs for hours, so it keeps both JIT compilers and default stacks.
    local jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k)
    [ "$name" = netpilot ] || jvm=(-XX:+UseSerialGC)
    if [ -n "${NETPILOT_TRAIN:-}" ]; then
        # Only for the build (netpilot-cli/src/dist/make-dist.sh): the flags that record or make the cache.
        read -r -a train <<<"$NETPILOT_TRAIN"
        jvm+=("${train[@]}")
    elif [ "${NETPILOT_CDS:-on}" != off ]; then
        cache="$dir/share/netpilot/$name"
        # A stale or unreadable cache is ignored by the JVM (its messages are off), so the command still runs.
        if [ -s "$cache.aot" ]; then
            jvm+=(-XX:AOTCache="$cache.aot" -Xlog:aot=off -Xlog:cds=off)
        elif [ -s "$cache.jsa" ]; then
            jvm+=(-XX:SharedArchiveFile="$cache.jsa" -Xlog:cds=off)
        fi
    fi
    # JAVA_OPTS last, so they win; split on spaces like every Java launcher script does.
    # shellcheck disable=SC2206
    local user_opts=(${JAVA_OPTS:-})
    # What `autostart install` and a detached agent start: always the command launcher of this install.
    export NETPILOT_LAUNCHER="$dir/bin/netpilot"
    # The JDK modules that only automatic modules (sshd, Guice) use: nothing else makes them resolve.
    exec "$java" "${jvm[@]}" "${user_opts[@]}" --add-modules @ADD_MODULES@ -p "$mp" -m "$main" "$@"
}
