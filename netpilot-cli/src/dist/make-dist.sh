#!/usr/bin/env bash
# Makes the NetPilot distribution; run by the build (netpilot-cli's package phase, exec-maven-plugin), so
# every `./mvnw install` or `./mvnw verify` yields it. Output, in netpilot-cli/target:
#   dist/netpilot-VERSION/                  the install tree (layout in docs/architecture.md, "Distribution")
#   netpilot-VERSION-linux-ARCH.tar.gz      that tree packed
#   jpackage/  (app image and .deb of the desktop app, when it exists and the machine can make them)
# Steps: copy the module path; ask jdeps which JDK modules the jars use; jlink exactly those into a
# runtime image; train the class cache (AOT cache on JDK 25+, AppCDS on 21-24) with that runtime on a
# home holding three tunnels; pack. Quiet unless something is skipped or wrong.
#   make-dist.sh JDK_HOME VERSION TARGET_DIR DESKTOP_MAIN
set -euo pipefail
jdk="$1" version="$2" target=$(cd "$3" && pwd) desktop_main="$4"
src=$(cd "$(dirname "$0")" && pwd)
say() { echo "netpilot dist: $*" >&2; }

java_major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release")
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=aarch64 ;; *) arch=$(uname -m) ;; esac
name="netpilot-$version"
out="$target/dist/$name"
archive="$target/$name-linux-$arch.tar.gz"
rm -rf "$target/dist" "$target/jpackage" "$target"/netpilot-*-linux-*.tar.gz
mkdir -p "$out/lib" "$out/bin" "$out/share/netpilot"

# 1. The module path: the cli jar and its runtime dependencies (copied to target/lib by the build),
#    including the desktop module (a packaging-only dependency of netpilot-cli, see its pom.xml).
cp "$target/netpilot-cli.jar" "$target"/lib/*.jar "$out/lib/"

# 2. The JDK modules those jars use. jdeps over the module path covers the explicit modules (reduced:
#    java.sql stands for java.logging and java.xml too) but not what automatic modules (sshd-osgi, Guice)
#    use, e.g. java.rmi and java.security.jgss for sshd: those jars are analysed on their own. Plus, on
#    JDK 21, jdk.crypto.ec, the EC key provider SSH needs, found only through the service loader (it is
#    part of java.base from JDK 22 on).
listing=$("$jdk/bin/java" -p "$out/lib" --list-modules)
system=$(sed -n '/ file:/!s/@.*//p' <<<"$listing")
mapfile -t automatic < <(awk '$NF == "automatic" { sub("^file://", "", $2); print $2 }' <<<"$listing")
jdeps=("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release "$java_major")
used=$("${jdeps[@]}" --module-path "$out/lib" --add-modules ALL-MODULE-PATH)
by_automatic=java.base
[ "${#automatic[@]}" -gt 0 ] && by_automatic=$("${jdeps[@]}" "${automatic[@]}")
[ "$java_major" -lt 22 ] && used="$used,jdk.crypto.ec"
jdk_only() { tr ',' '\n' | grep -xF -f <(echo "$system") | sort -u | paste -sd, -; }
modules=$(jdk_only <<<"$used,$by_automatic")
# An automatic module reads every module but makes none of them resolve: the launcher adds these itself
# (--add-modules), or sshd fails at its first connection (NoClassDefFoundError: java/rmi/ServerException).
add_modules=$(jdk_only <<<"$by_automatic")

# 3. The runtime image. zip-6: the AOT cache holds the classes a command loads, so reading compressed
#    modules costs little at startup. JDK 21-24 also need the runtime's own CDS archive under AppCDS.
cds=()
[ "$java_major" -lt 25 ] && cds=(--generate-cds-archive)
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 "${cds[@]}" --output "$out/runtime"

# 4. Launchers, and the desktop launcher only where the desktop app has its main class.
sed "s|@ADD_MODULES@|$add_modules|" "$src/share/netpilot/launch.sh" >"$out/share/netpilot/launch.sh"
cp "$src/bin/netpilot" "$out/bin/"
desktop_class="${desktop_main#*/}"
desktop_jar=$(ls "$out"/lib/netpilot-desktop-*.jar 2>/dev/null | head -1 || true)
if [ -n "$desktop_jar" ] && "$jdk/bin/jar" tf "$desktop_jar" | grep -qxF "${desktop_class//.//}.class"; then
    sed "s|@DESKTOP_MAIN@|$desktop_main|" "$src/bin/netpilot-desktop" >"$out/bin/netpilot-desktop"
    has_desktop=1
else
    has_desktop=0
fi
chmod 755 "$out"/bin/*

# 5. The class cache, trained by one `status` on a home holding three tunnels (so reading and binding the
#    state files is cached too), run through the shipped launcher with the shipped runtime. In a temp
#    dir, so nothing of it (nor a JVM crash report) lands anywhere else.
train=$(mktemp -d "${TMPDIR:-/tmp}/netpilot-train-XXXXXX")
trap 'rm -rf "$train"' EXIT
tunnel() {
    printf '{"id":"t0193%04x","router":{"user":"root","host":"192.0.2.%d","port":22,"hostKey":null},' "$1" "$1"
    printf '"relay":{"user":"tunnel","host":"relay.example.com","port":22,"tunnelUser":"tunnel","hostKey":null},"targetPort":22,'
    printf '"portRange":"20000-20999","requestedPort":null,"leaseTtlSeconds":120,"port":%d,"token":null,"state":"UP",' "$((20000 + $1))"
    printf '"reason":null,"established":"2026-01-01T00:00:00Z","lastHeartbeat":"2026-01-01T00:01:00Z"}'
}
printf '{"schemaVersion":1,"tunnels":[%s,%s,%s]}\n' "$(tunnel 1)" "$(tunnel 2)" "$(tunnel 3)" >"$train/tunnel-state.json"
# run_training STEP JVM-FLAGS: one `status` through the shipped launcher, output in $train/STEP.out|err.
run_training() {
    (cd "$train" && HOME="$train" NETPILOT_HOME="$train" NETPILOT_TRAIN="$2" JAVA_OPTS="" \
        "$out/bin/netpilot" --home "$train" status </dev/null >"$train/$1.out" 2>"$train/$1.err")
}
cache="$out/share/netpilot/netpilot"
if [ "$java_major" -ge 25 ]; then
    # Two steps, not -XX:AOTCacheOutput: that one assembles the cache in a child JVM, which lacks fd 7.
    run_training record "-XX:AOTMode=record -XX:AOTConfiguration=$train/aot.conf -Xlog:aot=off -Xlog:cds=off" &&
        run_training create "-XX:AOTMode=create -XX:AOTConfiguration=$train/aot.conf -XX:AOTCache=$cache.aot -Xlog:aot=off -Xlog:cds=off" ||
        say "could not make the AOT cache (the distribution works, only starts slower): $(cat "$train"/*.err)"
else
    run_training record "-XX:ArchiveClassesAtExit=$cache.jsa -Xlog:cds=off" ||
        say "could not make the AppCDS archive (the distribution works, only starts slower): $(cat "$train/record.err")"
fi
if [ "$(grep -c ' UP ' "$train/record.out" 2>/dev/null)" != 3 ]; then
    say "the training home was not read as three UP tunnels (state format changed? update make-dist.sh); the cache misses state reading:"
    cat "$train/record.out" "$train/record.err" >&2
fi

# 6. The archive.
tar -C "$target/dist" -czf "$archive" "$name"

# 7. The desktop app as a jpackage app image and a .deb: never fails the build, says why when skipped.
if [ "$has_desktop" = 0 ]; then
    say "no $desktop_main in the desktop module yet: no bin/netpilot-desktop, app image or .deb"
    exit 0
fi
if [ ! -x "$jdk/bin/jpackage" ]; then
    say "this JDK has no jpackage: skipping the desktop app image and .deb"
    exit 0
fi
jp=(--name netpilot-desktop --app-version "${version%%-*}" --vendor NetPilot
    --description "Keeps reverse SSH tunnels from customer routers to a cloud relay alive"
    --java-options "--add-modules $add_modules"
    --runtime-image "$out/runtime" --module-path "$out/lib" --module "$desktop_main")
if ! "$jdk/bin/jpackage" --type app-image --dest "$target/jpackage" "${jp[@]}" >"$train/jpackage.txt" 2>&1; then
    say "jpackage could not make the desktop app image (skipped): $(tail -3 "$train/jpackage.txt")"
    exit 0
fi
if ! command -v dpkg-deb >/dev/null || ! command -v fakeroot >/dev/null; then
    say "no dpkg-deb/fakeroot on this machine: skipping the .deb (apt-get install fakeroot)"
# gzip, not dpkg-deb's default xz: the same package in seconds instead of minutes (3.5 min measured here
# for xz under load); DPKG_DEB_COMPRESSOR_* need dpkg 1.21.10+, older ones ignore them.
elif ! DPKG_DEB_COMPRESSOR_TYPE=gzip DPKG_DEB_COMPRESSOR_LEVEL=6 "$jdk/bin/jpackage" --type deb --dest "$target/jpackage" --linux-shortcut --linux-menu-group Network \
        "${jp[@]}" >"$train/jpackage.txt" 2>&1; then
    say "jpackage could not make the .deb (skipped): $(tail -3 "$train/jpackage.txt")"
fi
