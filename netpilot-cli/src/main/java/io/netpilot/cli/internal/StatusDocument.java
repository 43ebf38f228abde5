package io.netpilot.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelMetrics;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The stable JSON of {@code status --json} and {@code watch --json}. Field names
 * and meanings are a contract (docs/cli.md): add fields, never rename or remove them. Thread-safe.
 */
public final class StatusDocument {
    /** Bumped only for an incompatible change, which we avoid. */
    public static final int SCHEMA_VERSION = 1;
    public static final ObjectMapper JSON = new ObjectMapper();

    private StatusDocument() {}

    public static ObjectNode status(boolean agentRunning, List<TunnelSnapshot> tunnels, Instant now) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("schemaVersion", SCHEMA_VERSION);
        doc.put("agentRunning", agentRunning);
        ArrayNode list = doc.putArray("tunnels");
        tunnels.forEach(t -> list.add(tunnel(t, now)));
        return doc;
    }

    public static ObjectNode tunnel(TunnelSnapshot t, Instant now) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", t.id().value());
        n.put("router", t.router().toString());
        n.put("relay", t.relay().toString());
        if (t.port().isPresent()) {
            n.put("port", t.port().getAsInt());
        } else {
            n.putNull("port");
        }
        n.put("state", t.state().name());
        n.put("reason", t.reason().orElse(null));
        n.put("since", t.since().toString());
        n.put("established", t.established().map(Instant::toString).orElse(null));
        n.put("lastHeartbeat", t.lastHeartbeat().map(Instant::toString).orElse(null));
        if (t.lastRtt().isPresent()) {
            n.put("rttMillis", t.lastRtt().get().toMillis());
        } else {
            n.putNull("rttMillis");
        }
        TunnelMetrics m = t.metrics();
        metrics(n, m);
        Optional<Duration> uptime = m.uptime(now);
        if (uptime.isPresent()) {
            n.put("uptimeSeconds", uptime.get().toSeconds());
        } else {
            n.putNull("uptimeSeconds");
        }
        n.put("sinceChangeSeconds", m.sinceLastChange(now).toSeconds());
        n.put("nextAttempt", t.nextAttempt().map(Instant::toString).orElse(null));
        return n;
    }

    /** The quality fields a tunnel and a metrics event share (docs/cli.md). */
    private static void metrics(ObjectNode n, TunnelMetrics m) {
        millis(n, "rttMinMillis", m.rttMin());
        millis(n, "rttSmoothedMillis", m.rttSmoothed());
        n.put("probes", m.probesInWindow());
        n.put("probeLoss", m.loss());
        n.put("upSince", m.upSince().map(Instant::toString).orElse(null));
        n.put("reconnects", m.reconnects());
    }

    /** {@code d} in milliseconds with microsecond precision (a loopback RTT is well under one), or null. */
    private static void millis(ObjectNode n, String field, Optional<Duration> d) {
        if (d.isPresent()) {
            n.put(field, d.get().toNanos() / 1000 / 1000.0);
        } else {
            n.putNull(field);
        }
    }

    /**
     * What is known of a wanted tunnel from the state files alone (no agent running). The files do not
     * keep when the last state began, so "since" is when the tunnel was last established.
     */
    public static TunnelSnapshot fromRecord(TunnelRecord r) {
        Instant since = r.established().or(r::lastHeartbeat).orElse(Instant.EPOCH);
        return new TunnelSnapshot(r.id(), r.spec().router().address(), r.spec().relay().address(), r.state(), r.port(),
                since, r.established(), r.lastHeartbeat(), Optional.empty());
    }

    public static ObjectNode event(TunnelEvent event) {
        ObjectNode n = JSON.createObjectNode();
        n.put("tunnel", event.tunnel().value());
        n.put("at", event.at().toString());
        switch (event) {
            case TunnelEvent.StateChanged s -> {
                n.put("type", "state");
                n.put("from", s.from().name());
                n.put("to", s.to().name());
                n.put("reason", s.to().reason().orElse(null));
            }
            case TunnelEvent.Metrics m -> {
                n.put("type", "metrics");
                n.put("port", m.port());
                n.put("rttMillis", m.roundTrip().toMillis());
                metrics(n, m.metrics());
            }
            case TunnelEvent.PortChanged p -> {
                n.put("type", "port");
                n.put("oldPort", p.oldPort());
                n.put("newPort", p.newPort());
                n.put("reason", p.why());
            }
            case TunnelEvent.Error e -> {
                n.put("type", "error");
                n.put("message", e.message());
            }
        }
        return n;
    }

    /** One human line for an event, for {@code watch} without {@code --json}. */
    public static String eventLine(JsonNode e) {
        String head = e.path("at").asText() + " " + e.path("tunnel").asText() + " ";
        return head + switch (e.path("type").asText()) {
            case "state" -> e.path("from").asText() + " -> " + e.path("to").asText()
                    + (e.path("reason").isTextual() ? " (" + e.path("reason").asText() + ")" : "");
            case "metrics" -> "port " + e.path("port").asInt() + " rtt " + e.path("rttMillis").asLong() + "ms"
                    + (e.path("rttSmoothedMillis").isNumber() ? String.format(java.util.Locale.ROOT, " (min %.1f, smoothed %.1f)",
                            e.path("rttMinMillis").asDouble(), e.path("rttSmoothedMillis").asDouble()) : "")
                    + (e.path("probes").asInt() > 0 ? String.format(java.util.Locale.ROOT, " loss %.0f%%", 100 * e.path("probeLoss").asDouble()) : "");
            case "port" -> "port " + e.path("oldPort").asInt() + " -> " + e.path("newPort").asInt() + " (" + e.path("reason").asText() + ")";
            case "error" -> "error: " + e.path("message").asText();
            default -> e.toString();
        };
    }

    /** The text of {@code field}, when it is a JSON string (absent, null or another type: empty). */
    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }
}
