package io.netpilot.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cleanup did, router by router.
 *
 * @param entries one entry per tunnel (or, for a forced cleanup, per process tree found)
 */
public record CleanupReport(List<Entry> entries) {
    public CleanupReport {
        entries = List.copyOf(entries);
    }

    /** Whether every router was reached and nothing survived. */
    public boolean complete() {
        return entries.stream().allMatch(e -> e.error().isEmpty() && e.survivors().isEmpty());
    }

    /**
     * @param router the router
     * @param tunnel the tunnel, when known from state
     * @param stopped what was stopped
     * @param survivors what is still running (left to its lease)
     * @param error why the router could not be cleaned, if it could not
     */
    public record Entry(
            SshAddress router,
            Optional<TunnelId> tunnel,
            List<RemoteProcess> stopped,
            List<RemoteProcess> survivors,
            Optional<String> error) {
        public Entry {
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(tunnel, "tunnel");
            stopped = List.copyOf(stopped);
            survivors = List.copyOf(survivors);
            Objects.requireNonNull(error, "error");
        }
    }
}
