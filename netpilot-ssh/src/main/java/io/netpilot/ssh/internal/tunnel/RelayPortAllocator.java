package io.netpilot.ssh.internal.tunnel;

import static io.netpilot.core.spi.ShellQuoting.quote;

import io.netpilot.core.AgentId;
import io.netpilot.core.Forward;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.RelayLease;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.RouterId;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteShell;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PortAllocator} over lease directories on the relay:
 * {@code ${NETPILOT_RELAY_DIR:-$HOME/.netpilot-relay}/leases/<PORT>/owner} holding
 * {@code <router id> <epoch seconds> [<agent id> <router key id>]} (see {@link RelayScripts}). {@code mkdir} is atomic, so of two agents racing for a port
 * exactly one wins. Each allocation is one remote command: a fixed script with quoted arguments.
 * Stateless, thread-safe.
 */
final class RelayPortAllocator implements PortAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(RelayPortAllocator.class);
    private static final String LEASES = RelayScripts.PATHS + "mkdir -p \"$R\" 2>/dev/null; ";

    /**
     * Arguments: router id, first, last, requested port (or empty), excluded ports (space-separated),
     * agent id and router key id (both empty for an owner by router id only). Prints
     * {@code OK <port> <epoch>}; exits 3 with the reason on stderr when no port can be had. A lease
     * entry that is not a directory (nothing an agent makes) is removed; a lease directory left without
     * its owner file for a minute (a crash between the two steps) is reclaimed.
     */
    private static final String ALLOCATE = """
            RID=$1 FIRST=$2 LAST=$3 REQ=$4 EXCL=" $5 " AID=$6 KID=$7
            ME="$RID $AID $KID"
            if [ -L "$D" ] || { [ -e "$D" ] && [ ! -d "$D" ]; }; then rm -f "$D" || exit 1; fi
            mkdir -p "$D" && chmod 700 "$D" || exit 1
            LP=" "
            for h in $(awk '$4 == "0A" { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
                LP="$LP$((0x$h)) "
            done
            NOW=$(date +%s)
            reclaim() {
                e="$D/$1"
                if [ -L "$e" ] || { [ -e "$e" ] && [ ! -d "$e" ]; }; then rm -f "$e"; return; fi
                if [ -d "$e" ] && [ ! -e "$e/owner" ]; then
                    m=$(stat -c %Y "$e" 2>/dev/null || echo "$NOW")
                    [ $((NOW - m)) -ge 60 ] && { rm -f "$e/owner.tmp"; rmdir "$e" 2>/dev/null; }
                fi
                return 0
            }
            owner() { o=; a=; k=; [ -r "$D/$1/owner" ] && read -r o _ a k < "$D/$1/owner"; [ -n "$o" ] && echo "$o $a $k"; }
            found() { read -r _ t _ < "$D/$1/owner"; echo "OK $1 $t"; exit 0; }
            take() {
                mkdir "$D/$1" 2>/dev/null || return 1
                echo "$RID $(date +%s) $AID $KID" > "$D/$1/owner.tmp" && mv -f "$D/$1/owner.tmp" "$D/$1/owner" || { rm -rf "$D/$1"; return 1; }
                found "$1"
            }
            listening() { case $LP in *" $1 "*) return 0;; esac; return 1; }
            if [ -n "$REQ" ]; then
                reclaim "$REQ"
                o=$(owner "$REQ")
                [ "$o" = "$ME" ] && found "$REQ"
                if [ -n "$o" ] || [ -d "$D/$REQ" ]; then echo "relay port $REQ is leased to router ${o%% *}" >&2; exit 3; fi
                if listening "$REQ"; then echo "relay port $REQ is in use by another program" >&2; exit 3; fi
                take "$REQ"
                echo "relay port $REQ was taken by another agent just now" >&2; exit 3
            fi
            for d in "$D"/*; do
                p=${d##*/}
                case $p in ''|*[!0-9]*) continue;; esac
                reclaim "$p"
                [ "$p" -ge "$FIRST" ] && [ "$p" -le "$LAST" ] || continue
                case $EXCL in *" $p "*) continue;; esac
                [ "$(owner "$p")" = "$ME" ] && found "$p"
            done
            p=$FIRST
            while [ "$p" -le "$LAST" ]; do
                case $EXCL in *" $p "*) ;; *)
                    if [ ! -d "$D/$p" ] && ! listening "$p"; then take "$p"; fi ;;
                esac
                p=$((p + 1))
            done
            echo "no free relay port in $FIRST-$LAST" >&2
            exit 3
            """;

    @Override
    public PortLease allocate(RemoteShell relay, RouterId router, PortRange range, OptionalInt requested, Set<Integer> exclude) {
        return allocate(relay, router, "", "", range, requested, exclude);
    }

    @Override
    public PortLease allocate(RemoteShell relay, LeaseOwner owner, PortRange range, OptionalInt requested, Set<Integer> exclude) {
        return allocate(relay, owner.router(), owner.agent().value(), owner.routerKeyId(), range, requested, exclude);
    }

    private PortLease allocate(RemoteShell relay, RouterId router, String agent, String routerKey, PortRange range,
            OptionalInt requested, Set<Integer> exclude) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(requested, "requested");
        String excluded = exclude.stream().sorted().map(String::valueOf).collect(Collectors.joining(" "));
        String req = requested.isPresent() ? Integer.toString(checkPort(requested.getAsInt())) : "";
        String command = LEASES + "set -- " + String.join(" ", quote(router.value()), quote(Integer.toString(range.first())),
                quote(Integer.toString(range.last())), quote(req), quote(excluded),
                quote(agent), quote(routerKey)) + "\n" + ALLOCATE;
        CommandResult result = relay.exec(command, RelayCommands.TIMEOUT);
        if (result.exitCode() == 3) {
            throw new PortUnavailableException(result.stderr().strip() + " on " + relay.address()
                    + ": choose another port or a wider range, or release leases that are no longer used");
        }
        result.orThrow("allocating a relay port on " + relay.address());
        String[] f = result.stdout().strip().split("\\s+");
        if (f.length != 3 || !f[0].equals("OK") || !f[1].matches("[0-9]{1,5}") || !f[2].matches("[0-9]{1,18}")) {
            throw new RemoteCommandException("the relay " + relay.address() + " answered '" + result.stdout().strip()
                    + "' to a port allocation; check that its shell is POSIX sh");
        }
        PortLease lease = new PortLease(relay.address().hostAndPort(), Integer.parseInt(f[1]), router, Instant.ofEpochSecond(Long.parseLong(f[2])));
        LOG.info("router {}: relay port {} leased on {}", router, lease.port(), lease.relay());
        return lease;
    }

    /** The port, when it is one; {@link Forward} validates it with core's own message. */
    private static int checkPort(int port) {
        return new Forward(port, port).remotePort();
    }

    @Override
    public void release(RemoteShell relay, RouterId router, int port) {
        Objects.requireNonNull(router, "router");
        release(relay, router.value() + "  ", port);
    }

    @Override
    public void release(RemoteShell relay, LeaseOwner owner, int port) {
        release(relay, owner.router().value() + " " + owner.agent().value() + " " + owner.routerKeyId(), port);
    }

    private static void release(RemoteShell relay, String owner, int port) {
        checkPort(port);
        String command = LEASES + "P=" + quote(Integer.toString(port)) + "; ME=" + quote(owner) + "; o=; a=; k=; "
                + "[ -r \"$D/$P/owner\" ] && read -r o _ a k < \"$D/$P/owner\"; "
                + "if [ -n \"$o\" ] && [ \"$o $a $k\" = \"$ME\" ]; then rm -f \"$D/$P/owner\" \"$D/$P/owner.tmp\" && rmdir \"$D/$P\"; fi";
        relay.exec(command, RelayCommands.TIMEOUT).orThrow("releasing relay port " + port + " on " + relay.address());
    }

    @Override
    public List<PortLease> leases(RemoteShell relay) {
        return relayLeases(relay).stream()
                .map(l -> new PortLease(relay.address().hostAndPort(), l.port(), l.router(), l.leasedAt()))
                .toList();
    }

    @Override
    public List<RelayLease> relayLeases(RemoteShell relay) {
        String command = LEASES + "[ -d \"$D\" ] || exit 0; for d in \"$D\"/*; do "
                + "[ -f \"$d/owner\" ] && { read -r o t a k < \"$d/owner\"; echo \"${d##*/} $o $t $a $k\"; }; done; exit 0";
        String out = relay.exec(command, RelayCommands.TIMEOUT).orThrow("listing relay port leases on " + relay.address()).stdout();
        List<RelayLease> leases = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[0].matches("[0-9]{1,5}") && f[1].matches("[0-9a-f]{16}") && f[2].matches("[0-9]{1,18}")) {
                int port = Integer.parseInt(f[0]);
                boolean owned = f.length == 5 && f[3].matches("[0-9a-f]{16}") && f[4].matches("[0-9a-f]{16}");
                if (port >= 1 && port <= 65535) {
                    leases.add(new RelayLease(port, new RouterId(f[1]), Instant.ofEpochSecond(Long.parseLong(f[2])),
                            owned ? Optional.of(new AgentId(f[3])) : Optional.empty(), owned ? Optional.of(f[4]) : Optional.empty()));
                }
            }
        }
        return leases;
    }
}
