package io.netpilot.state.internal.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelMetrics;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Core's values as the control channel carries them: flat records of strings and numbers, each with
 * its conversion both ways. A value read back is validated by core's own constructors. Thread-safe.
 */
public final class Wire {
    /** The mapper every line goes through; absent values are left out. */
    static final ObjectMapper JSON = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Wire() {}

    /** A {@link TunnelSnapshot}; {@code metrics} and {@code nextAttempt} are absent from an older agent. */
    public record TunnelDto(String id, String router, String relay, Integer port, String state, String reason, String since,
            String established, String lastHeartbeat, Long rttMillis, MetricsDto metrics, String nextAttempt) {
        static TunnelDto of(TunnelSnapshot t) {
            return new TunnelDto(t.id().value(), t.router().toString(), t.relay().toString(),
                    t.port().isPresent() ? t.port().getAsInt() : null, t.state().name(), t.reason().orElse(null),
                    t.since().toString(), t.established().map(Instant::toString).orElse(null),
                    t.lastHeartbeat().map(Instant::toString).orElse(null), t.lastRtt().map(Duration::toMillis).orElse(null),
                    MetricsDto.of(t.metrics()), t.nextAttempt().map(Instant::toString).orElse(null));
        }

        TunnelSnapshot toSnapshot() {
            Instant from = Instant.parse(since);
            Optional<Duration> rtt = Optional.ofNullable(rttMillis).map(Duration::ofMillis);
            return new TunnelSnapshot(new TunnelId(id), SshAddress.parse(router), SshAddress.parse(relay),
                    TunnelState.of(state, Optional.ofNullable(reason)), port == null ? OptionalInt.empty() : OptionalInt.of(port),
                    from, Optional.ofNullable(established).map(Instant::parse),
                    Optional.ofNullable(lastHeartbeat).map(Instant::parse), rtt,
                    metrics == null ? new TunnelMetrics(rtt, rtt, rtt, 0, 0, Optional.empty(), from, 0) : metrics.toMetrics(),
                    Optional.ofNullable(nextAttempt).map(Instant::parse));
        }
    }

    /** A {@link TunnelMetrics}; durations in milliseconds (RTTs in microseconds too, as loopback RTTs are below one). */
    public record MetricsDto(Long rttLastMicros, Long rttMinMicros, Long rttSmoothedMicros, int probes, int probesLost,
            String upSince, String lastChange, int reconnects) {
        static MetricsDto of(TunnelMetrics m) {
            return new MetricsDto(micros(m.rttLast()), micros(m.rttMin()), micros(m.rttSmoothed()), m.probesInWindow(),
                    m.probesLost(), m.upSince().map(Instant::toString).orElse(null), m.lastChange().toString(), m.reconnects());
        }

        TunnelMetrics toMetrics() {
            return new TunnelMetrics(duration(rttLastMicros), duration(rttMinMicros), duration(rttSmoothedMicros), probes, probesLost,
                    Optional.ofNullable(upSince).map(Instant::parse), Instant.parse(lastChange), reconnects);
        }

        private static Long micros(Optional<Duration> d) {
            return d.map(x -> x.toNanos() / 1000).orElse(null);
        }

        private static Optional<Duration> duration(Long micros) {
            return Optional.ofNullable(micros).map(m -> Duration.ofNanos(m * 1000));
        }
    }

    /** A {@link TunnelEvent}; {@code type} is {@code state}, {@code metrics}, {@code port} or {@code error}. */
    public record EventDto(String type, String tunnel, String at, String from, String fromReason, String to, String reason,
            Integer port, Long rttMillis, Integer oldPort, Integer newPort, String message, MetricsDto metrics) {
        static EventDto of(TunnelEvent event) {
            String id = event.tunnel().value();
            String at = event.at().toString();
            return switch (event) {
                case TunnelEvent.StateChanged s -> new EventDto("state", id, at, s.from().name(), s.from().reason().orElse(null),
                        s.to().name(), s.to().reason().orElse(null), null, null, null, null, null, null);
                case TunnelEvent.Metrics m -> new EventDto("metrics", id, at, null, null, null, null, m.port(),
                        m.roundTrip().toMillis(), null, null, null, MetricsDto.of(m.metrics()));
                case TunnelEvent.PortChanged p -> new EventDto("port", id, at, null, null, null, p.why(), null, null,
                        p.oldPort(), p.newPort(), null, null);
                case TunnelEvent.Error e -> new EventDto("error", id, at, null, null, null, null, null, null, null, null, e.message(),
                        null);
            };
        }

        TunnelEvent toEvent() {
            TunnelId id = new TunnelId(tunnel);
            Instant when = Instant.parse(at);
            return switch (type) {
                case "state" -> new TunnelEvent.StateChanged(id, when, TunnelState.of(from, Optional.ofNullable(fromReason)),
                        TunnelState.of(to, Optional.ofNullable(reason)));
                case "metrics" -> metrics == null ? new TunnelEvent.Metrics(id, when, port, Duration.ofMillis(rttMillis))
                        : new TunnelEvent.Metrics(id, when, port, Duration.ofMillis(rttMillis), metrics.toMetrics());
                case "port" -> new TunnelEvent.PortChanged(id, when, oldPort, newPort, reason);
                case "error" -> new TunnelEvent.Error(id, when, message);
                default -> throw new InvalidInputException("unknown event type '" + type + "'");
            };
        }
    }

    /** A {@link ConnectRequest} whose credentials are the agent key or key files (never a password). */
    public record ConnectDto(String id, String router, String routerHostKey, String relay, String tunnelUser, String relayHostKey,
            int targetPort, String portRange, Integer port, String leaseTtl, String routerKey, String relayKey,
            boolean acceptNewHostKeys) {
        static ConnectDto of(ConnectRequest r) {
            TunnelSpec s = r.spec();
            return new ConnectDto(s.id().value(), s.router().address().toString(),
                    s.router().pinnedHostKey().map(HostKeyFingerprint::value).orElse(null), s.relay().address().toString(),
                    s.relay().tunnelUser(), s.relay().pinnedHostKey().map(HostKeyFingerprint::value).orElse(null), s.targetPort(),
                    s.portRange().toString(), s.requestedPort().isPresent() ? s.requestedPort().getAsInt() : null,
                    s.leaseTtl().toString(), keyFile(r.routerCredentials(), "router"), keyFile(r.relayCredentials(), "relay"),
                    r.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW);
        }

        ConnectRequest toRequest() {
            TunnelSpec spec = new TunnelSpec(new TunnelId(id),
                    new RouterEndpoint(SshAddress.parse(router), Optional.ofNullable(routerHostKey).map(HostKeyFingerprint::new)),
                    new RelayEndpoint(SshAddress.parse(relay), tunnelUser, Optional.ofNullable(relayHostKey).map(HostKeyFingerprint::new)),
                    targetPort, PortRange.parse(portRange), port == null ? OptionalInt.empty() : OptionalInt.of(port),
                    Duration.parse(leaseTtl));
            return new ConnectRequest(spec, credentials(routerKey), credentials(relayKey),
                    acceptNewHostKeys ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.PINNED_ONLY);
        }

        private static String keyFile(Credentials c, String side) {
            return switch (c) {
                case Credentials.AgentKey k -> null;
                case Credentials.KeyFile f -> f.path().toAbsolutePath().toString();
                case Credentials.Password p -> throw new InvalidInputException("a " + side
                        + " password cannot be sent to another process's agent: install the agent's key with it first");
            };
        }

        private static Credentials credentials(String keyFile) {
            return keyFile == null ? Credentials.AGENT_KEY : new Credentials.KeyFile(Path.of(keyFile));
        }
    }

    /** A {@link RemoteProcess}. */
    public record ProcessDto(int pid, int ppid, String user, String commandLine) {
        static ProcessDto of(RemoteProcess p) {
            return new ProcessDto(p.pid(), p.ppid(), p.user(), p.commandLine());
        }

        RemoteProcess toProcess() {
            return new RemoteProcess(pid, ppid, user, commandLine);
        }
    }

    /** One {@link CleanupReport.Entry}. */
    public record EntryDto(String router, String tunnel, List<ProcessDto> stopped, List<ProcessDto> survivors, String error) {
        static List<EntryDto> of(CleanupReport report) {
            return report.entries().stream().map(e -> new EntryDto(e.router().toString(), e.tunnel().map(TunnelId::value).orElse(null),
                    e.stopped().stream().map(ProcessDto::of).toList(), e.survivors().stream().map(ProcessDto::of).toList(),
                    e.error().orElse(null))).toList();
        }

        static CleanupReport toReport(List<EntryDto> entries) {
            return new CleanupReport(entries.stream().map(e -> new CleanupReport.Entry(SshAddress.parse(e.router()),
                    Optional.ofNullable(e.tunnel()).map(TunnelId::new), e.stopped().stream().map(ProcessDto::toProcess).toList(),
                    e.survivors().stream().map(ProcessDto::toProcess).toList(), Optional.ofNullable(e.error()))).toList());
        }
    }
}
