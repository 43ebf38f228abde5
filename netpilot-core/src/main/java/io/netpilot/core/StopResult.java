package io.netpilot.core;

import java.util.List;

/**
 * What a staged stop achieved.
 *
 * @param stopped the processes that are gone
 * @param survivors the processes still running after every attempt
 */
public record StopResult(List<RemoteProcess> stopped, List<RemoteProcess> survivors) {
    public StopResult {
        stopped = List.copyOf(stopped);
        survivors = List.copyOf(survivors);
    }

    /** Whether nothing survived. */
    public boolean complete() {
        return survivors.isEmpty();
    }
}
