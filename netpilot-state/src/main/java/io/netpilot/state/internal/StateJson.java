package io.netpilot.state.internal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.LoginKeys;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The JSON shape of the state files, as DTO records, and their mapping to and from core's records.
 * Reading rebuilds every value through core's validating constructors, so a hand-edited bad value
 * fails here with an {@link InvalidInputException} naming the field. Stateless, thread-safe.
 */
final class StateJson {
    private StateJson() {}

    /** {@code pendingRevocations} (schema 3): absent in older files, which have none. */
    @JsonPropertyOrder({"schemaVersion", "tunnels", "pendingRevocations"})
    record TunnelFile(Integer schemaVersion, List<TunnelJson> tunnels, List<PendingJson> pendingRevocations) {}

    /** A revocation {@code disconnect} could not finish (schema 3): the tunnel as it was, and what is left. */
    @JsonPropertyOrder({"token", "reason", "since", "tunnel"})
    record PendingJson(String token, String reason, String since, TunnelJson tunnel) {}

    @JsonPropertyOrder({"id", "router", "relay", "targetPort", "portRange", "requestedPort", "leaseTtlSeconds",
        "port", "token", "state", "reason", "established", "lastHeartbeat"})
    record TunnelJson(
            String id,
            RouterJson router,
            RelayJson relay,
            Integer targetPort,
            String portRange,
            Integer requestedPort,
            BigDecimal leaseTtlSeconds,
            Integer port,
            String token,
            String state,
            String reason,
            String established,
            String lastHeartbeat) {}

    /** {@code keyFile} (schema 2): the private key file given at connect, absent for the agent's own key. */
    @JsonPropertyOrder({"user", "host", "port", "hostKey", "keyFile"})
    record RouterJson(String user, String host, Integer port, String hostKey, String keyFile) {}

    /** {@code keyFile} (schema 2): the private key file given at connect, absent for the agent's own key. */
    @JsonPropertyOrder({"user", "host", "port", "tunnelUser", "hostKey", "keyFile"})
    record RelayJson(String user, String host, Integer port, String tunnelUser, String hostKey, String keyFile) {}

    @JsonPropertyOrder({"schemaVersion", "leases"})
    record LeaseFile(Integer schemaVersion, List<LeaseJson> leases) {}

    @JsonPropertyOrder({"relay", "port", "router", "leasedAt"})
    record LeaseJson(String relay, Integer port, String router, String leasedAt) {}

    @JsonPropertyOrder({"schemaVersion", "routers"})
    record RouterFile(Integer schemaVersion, List<RouterConnectionJson> routers) {}

    /** {@code routerKeyFile}, {@code relayKeyFile} (schema 2): the key files of the router's last tunnel that came up. */
    @JsonPropertyOrder({"router", "address", "lastConnected", "successes", "failures", "lastError", "routerKeyFile", "relayKeyFile"})
    record RouterConnectionJson(String router, String address, String lastConnected, Long successes, Long failures, String lastError,
            String routerKeyFile, String relayKeyFile) {}

    // ---- domain -> JSON

    static TunnelJson toJson(TunnelRecord r) {
        TunnelSpec s = r.spec();
        SshAddress ra = s.router().address();
        SshAddress la = s.relay().address();
        return new TunnelJson(
                s.id().value(),
                new RouterJson(ra.user(), ra.host(), ra.port(), s.router().pinnedHostKey().map(HostKeyFingerprint::value).orElse(null),
                        path(s.keys().router())),
                new RelayJson(la.user(), la.host(), la.port(), s.relay().tunnelUser(),
                        s.relay().pinnedHostKey().map(HostKeyFingerprint::value).orElse(null), path(s.keys().relay())),
                s.targetPort(),
                s.portRange().toString(),
                boxed(s.requestedPort()),
                seconds(s.leaseTtl()),
                boxed(r.port()),
                r.token().map(CleanupToken::value).orElse(null),
                r.state().name(),
                r.state().reason().orElse(null),
                r.established().map(Instant::toString).orElse(null),
                r.lastHeartbeat().map(Instant::toString).orElse(null));
    }

    static PendingJson toJson(PendingRevocation p) {
        TunnelRecord asLaunched = new TunnelRecord(p.spec(), OptionalInt.of(p.token().port()), Optional.of(p.token()),
                TunnelState.STOPPED, Optional.empty(), Optional.empty());
        return new PendingJson(p.token().value(), p.reason(), p.since().toString(), toJson(asLaunched));
    }

    static PendingRevocation toDomain(PendingJson j) {
        require(j, "pending revocation");
        String where = "pending revocation " + j.token();
        CleanupToken token = new CleanupToken(require(j.token(), "pending revocation token"));
        TunnelRecord tunnel = toDomain(require(j.tunnel(), where + ": tunnel"));
        if (!tunnel.token().equals(Optional.of(token))) {
            throw new InvalidInputException(where + ": its tunnel names another token");
        }
        return new PendingRevocation(tunnel.spec(), token, require(j.reason(), where + ": reason"),
                instant(require(j.since(), where + ": since"), where + ": since").orElseThrow());
    }

    static LeaseJson toJson(PortLease l) {
        return new LeaseJson(l.relay(), l.port(), l.router().value(), l.leasedAt().toString());
    }

    static RouterConnectionJson toJson(RouterConnection c) {
        return new RouterConnectionJson(c.router().value(), c.address().toString(),
                c.lastConnected().map(Instant::toString).orElse(null), c.successes(), c.failures(), c.lastError().orElse(null),
                path(c.keys().router()), path(c.keys().relay()));
    }

    // ---- JSON -> domain (validating)

    static TunnelRecord toDomain(TunnelJson j) {
        require(j, "tunnel");
        String where = "tunnel " + j.id();
        RouterJson rj = require(j.router(), where + ": router");
        RelayJson lj = require(j.relay(), where + ": relay");
        RouterEndpoint router = new RouterEndpoint(
                new SshAddress(require(rj.user(), where + ": router.user"), require(rj.host(), where + ": router.host"),
                        require(rj.port(), where + ": router.port")),
                Optional.ofNullable(rj.hostKey()).map(HostKeyFingerprint::new));
        RelayEndpoint relay = new RelayEndpoint(
                new SshAddress(require(lj.user(), where + ": relay.user"), require(lj.host(), where + ": relay.host"),
                        require(lj.port(), where + ": relay.port")),
                require(lj.tunnelUser(), where + ": relay.tunnelUser"),
                Optional.ofNullable(lj.hostKey()).map(HostKeyFingerprint::new));
        TunnelSpec spec = new TunnelSpec(
                new TunnelId(require(j.id(), "tunnel id")),
                router,
                relay,
                require(j.targetPort(), where + ": targetPort"),
                PortRange.parse(require(j.portRange(), where + ": portRange")),
                optionalInt(j.requestedPort()),
                duration(require(j.leaseTtlSeconds(), where + ": leaseTtlSeconds"), where),
                keys(rj.keyFile(), lj.keyFile()));
        return new TunnelRecord(
                spec,
                optionalInt(j.port()),
                Optional.ofNullable(j.token()).map(CleanupToken::new),
                TunnelState.of(require(j.state(), where + ": state"), Optional.ofNullable(j.reason())),
                instant(j.established(), where + ": established"),
                instant(j.lastHeartbeat(), where + ": lastHeartbeat"));
    }

    static PortLease toDomain(LeaseJson j) {
        require(j, "lease");
        String where = "lease of port " + j.port() + " on " + j.relay();
        SshAddress.parse("relay@" + require(j.relay(), where + ": relay")); // validates host[:port]
        return new PortLease(j.relay(), require(j.port(), where + ": port"), new RouterId(require(j.router(), where + ": router")),
                instant(require(j.leasedAt(), where + ": leasedAt"), where + ": leasedAt").orElseThrow());
    }

    static RouterConnection toDomain(RouterConnectionJson j) {
        require(j, "router");
        String where = "router " + j.router();
        return new RouterConnection(
                new RouterId(require(j.router(), "router id")),
                SshAddress.parse(require(j.address(), where + ": address")),
                instant(j.lastConnected(), where + ": lastConnected"),
                require(j.successes(), where + ": successes"),
                require(j.failures(), where + ": failures"),
                Optional.ofNullable(j.lastError()),
                keys(j.routerKeyFile(), j.relayKeyFile()));
    }

    private static String path(Optional<Path> file) {
        return file.map(Path::toString).orElse(null);
    }

    /** Absent in schema 1 files: the agent's own key. */
    private static LoginKeys keys(String routerKeyFile, String relayKeyFile) {
        return new LoginKeys(filePath(routerKeyFile), filePath(relayKeyFile));
    }

    private static Optional<Path> filePath(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            throw new InvalidInputException("key file " + text + " is not a valid path");
        }
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new InvalidInputException(what + " is missing");
        }
        return value;
    }

    private static Integer boxed(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static OptionalInt optionalInt(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static BigDecimal seconds(Duration d) {
        BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    private static Duration duration(BigDecimal seconds, String where) {
        try {
            return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
        } catch (ArithmeticException e) {
            throw new InvalidInputException(where + ": leaseTtlSeconds " + seconds + " is not a whole number of nanoseconds in range");
        }
    }

    private static Optional<Instant> instant(String text, String what) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(what + " is not an ISO-8601 UTC time such as 2026-01-31T12:00:00Z: " + text);
        }
    }
}
