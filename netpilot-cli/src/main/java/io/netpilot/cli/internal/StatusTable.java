package io.netpilot.cli.internal;

import io.netpilot.core.Durations;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.TunnelSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The human table of {@code status}: one line per tunnel, columns aligned, then pending revocations. Stateless. */
public final class StatusTable {
    private StatusTable() {}

    /** One line per revocation the agent still has to finish on a relay. */
    public static List<String> pending(List<PendingRevocation> pending, Instant now) {
        return pending.stream().map(p -> "pending revocation of " + p.spec().id() + " (" + p.token() + ") on relay "
                + p.spec().relay().address().hostAndPort() + " port " + p.token().port() + ", since "
                + Durations.human(Duration.between(p.since(), now).abs()) + " ago: " + p.reason()).toList();
    }

    public static List<String> render(List<TunnelSnapshot> tunnels, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "ROUTER", "RELAY:PORT", "STATE", "SINCE", "RTT", "LOSS", "UPTIME", "RECONNECTS", "LAST ERROR"});
        for (TunnelSnapshot t : tunnels) {
            rows.add(new String[] {
                t.id().value(),
                t.router().toString(),
                t.relay().host() + ":" + (t.port().isPresent() ? String.valueOf(t.port().getAsInt()) : "-"),
                t.state().name(),
                t.since().equals(Instant.EPOCH) ? "-" : Durations.human(Duration.between(t.since(), now).abs()) + " ago",
                t.lastRtt().map(d -> d.toMillis() + "ms").orElse("-"),
                t.metrics().probesInWindow() == 0 ? "-" : Math.round(100 * t.metrics().loss()) + "%",
                t.metrics().uptime(now).map(d -> Durations.human(d)).orElse("-"),
                String.valueOf(t.metrics().reconnects()),
                t.reason().orElse("-")
            });
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                sb.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
            }
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }
}
