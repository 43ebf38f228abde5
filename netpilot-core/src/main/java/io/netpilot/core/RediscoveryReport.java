package io.netpilot.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TunnelManager#rediscover} found on one router: the tunnels it took back
 * (wanted again, in the state file, supervised) and the orphans it stopped because nothing said what
 * they were for (or left alone, see {@link Orphan}). Immutable, thread-safe.
 *
 * @param router the router
 * @param found the tunnels taken back, each with its token and how it came back
 * @param orphans the tokens that could not be described, and what stopping them did
 */
public record RediscoveryReport(SshAddress router, List<Found> found, List<Orphan> orphans) {
    public RediscoveryReport {
        Objects.requireNonNull(router, "router");
        found = List.copyOf(found);
        orphans = List.copyOf(orphans);
    }

    /** The tunnels taken back, in their states. */
    public List<TunnelSnapshot> tunnels() {
        return found.stream().map(Found::tunnel).toList();
    }

    /**
     * A tunnel taken back.
     *
     * @param token its cleanup token, unchanged
     * @param tunnel the tunnel after the restore
     * @param adopted whether its running processes were adopted (otherwise it was relaunched, or is
     *     still being repaired; its state says which)
     */
    public record Found(CleanupToken token, TunnelSnapshot tunnel, boolean adopted) {
        public Found {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(tunnel, "tunnel");
        }
    }

    /**
     * A token nothing could be rebuilt from (stopped), or one made for another address of the router
     * (left alone: nothing stopped, {@code error} says why).
     *
     * @param token its cleanup token
     * @param stopped its processes that were stopped
     * @param survivors its processes still running (left to their lease)
     * @param error why it was not (fully) stopped, if it was not
     */
    public record Orphan(CleanupToken token, List<RemoteProcess> stopped, List<RemoteProcess> survivors, Optional<String> error) {
        public Orphan {
            Objects.requireNonNull(token, "token");
            stopped = List.copyOf(stopped);
            survivors = List.copyOf(survivors);
            Objects.requireNonNull(error, "error");
        }
    }
}
