package io.netpilot.core.spi;

import io.netpilot.core.CleanupToken;
import java.util.List;
import java.util.Objects;

/**
 * What a relay sweep removed: key lines, session markers (their sessions end by themselves within
 * seconds, or were ended at once) and port leases of this agent that no wanted tunnel owns.
 *
 * @param keyLines tokens whose key lines were removed
 * @param sessions tokens whose relay sessions were told to end
 * @param leases ports whose leases were released
 */
public record SweepReport(List<CleanupToken> keyLines, List<CleanupToken> sessions, List<Integer> leases) {
    public SweepReport {
        keyLines = List.copyOf(Objects.requireNonNull(keyLines, "keyLines"));
        sessions = List.copyOf(Objects.requireNonNull(sessions, "sessions"));
        leases = List.copyOf(Objects.requireNonNull(leases, "leases"));
    }

    /** Whether nothing was removed. */
    public boolean isEmpty() {
        return keyLines.isEmpty() && sessions.isEmpty() && leases.isEmpty();
    }
}
