package io.netpilot.desktop.presentation;

import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One line of the tunnel table, ready to show. Immutable.
 *
 * @param id the tunnel
 * @param router the router, {@code user@host:port}
 * @param routerUser the user the router is logged in as (for the ssh command)
 * @param relayHost the relay's host
 * @param port the relay port, once there is one
 * @param state the state's text: its name, or "Restoring…" while the app restores it
 * @param health its colour and icon
 * @param since when it entered its state
 * @param rtt the last probe's round-trip time
 * @param lastError the last error or reason, when there was one
 */
public record TunnelRow(TunnelId id, String router, String routerUser, String relayHost, OptionalInt port, String state,
        Health health, Instant since, Optional<Duration> rtt, Optional<String> lastError) {
    /** The state text shown while a tunnel is being restored after the app starts. */
    public static final String RESTORING = "Restoring…";

    public TunnelRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(since, "since");
    }

    static TunnelRow of(TunnelSnapshot s, boolean restoring, Optional<String> lastError, Optional<Duration> latestRtt) {
        SshAddress r = s.router();
        return new TunnelRow(s.id(), r.toString(), r.user(), s.relay().host(), s.port(),
                restoring ? RESTORING : s.state().name(), Health.of(s.state(), restoring), s.since(), latestRtt.or(s::lastRtt),
                s.reason().or(() -> lastError));
    }

    /** {@code relay:port} as the table shows it ({@code relay:-} before a port is allocated). */
    public String relayPort() {
        return relayHost + ":" + (port.isPresent() ? String.valueOf(port.getAsInt()) : "-");
    }

    /** The command that reaches the router from the relay: {@code ssh -p PORT user@127.0.0.1}; empty without a port. */
    public Optional<String> sshCommand() {
        return port.isPresent() ? Optional.of("ssh -p " + port.getAsInt() + " " + routerUser + "@127.0.0.1") : Optional.empty();
    }

    /** How long it has been in its state, for the since/uptime column: {@code 42s}, {@code 5m12s}. */
    public String uptime(Instant now) {
        Duration d = Duration.between(since, now);
        return io.netpilot.core.Durations.human(d.isNegative() ? Duration.ZERO : d);
    }

    /** The RTT column: {@code 12 ms}, or empty. */
    public String rttText() {
        return rtt.map(d -> d.toMillis() + " ms").orElse("");
    }
}
