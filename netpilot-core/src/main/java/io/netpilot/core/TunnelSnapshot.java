package io.netpilot.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What is known of one tunnel at one moment, for {@code status}, the desktop and embedding apps.
 *
 * @param id the tunnel
 * @param router the router's address
 * @param relay the relay's address
 * @param state its state (with the reason, for states that have one)
 * @param port the relay port, once allocated
 * @param since when it entered this state
 * @param established when it last came up
 * @param lastHeartbeat when a probe last succeeded
 * @param lastRtt the last probe's round-trip time
 * @param metrics the probe's measurements: RTT last/min/smoothed, loss, uptime, reconnects
 * @param nextAttempt while it is down: when the agent next tries an expensive repair (a relaunch);
 *     cheap checks go on at the probe interval and a healed link is used at once regardless
 */
public record TunnelSnapshot(
        TunnelId id,
        SshAddress router,
        SshAddress relay,
        TunnelState state,
        OptionalInt port,
        Instant since,
        Optional<Instant> established,
        Optional<Instant> lastHeartbeat,
        Optional<Duration> lastRtt,
        TunnelMetrics metrics,
        Optional<Instant> nextAttempt) {
    public TunnelSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(established, "established");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        Objects.requireNonNull(lastRtt, "lastRtt");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
    }

    /** A snapshot with nothing measured beyond {@code lastRtt}, and no repair pending. */
    public TunnelSnapshot(TunnelId id, SshAddress router, SshAddress relay, TunnelState state, OptionalInt port,
            Instant since, Optional<Instant> established, Optional<Instant> lastHeartbeat, Optional<Duration> lastRtt) {
        this(id, router, relay, state, port, since, established, lastHeartbeat, lastRtt,
                new TunnelMetrics(lastRtt, lastRtt, lastRtt, 0, 0, Optional.empty(), since, 0), Optional.empty());
    }

    /** The state's reason, for states that carry one. */
    public Optional<String> reason() {
        return state.reason();
    }

    /** For logs: {@code t1a2b3c UP root@router:22 -> relay port 20001 via tunnel@relay:22, since ..., rtt 12ms}. */
    @Override
    public String toString() {
        return id + " " + state + " " + router + " -> relay port " + (port.isPresent() ? String.valueOf(port.getAsInt()) : "none")
                + " via " + relay + ", since " + since + lastRtt.map(r -> ", rtt " + r.toMillis() + "ms").orElse("");
    }
}
