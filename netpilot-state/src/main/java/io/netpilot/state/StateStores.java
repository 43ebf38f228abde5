package io.netpilot.state;

import io.netpilot.core.StateCorruptException;
import io.netpilot.core.StateStore;
import io.netpilot.core.UnsupportedSchemaException;
import io.netpilot.state.internal.StateBindings;
import java.time.Clock;
import java.util.Objects;

/**
 * Opens the JSON {@link StateStore} over a NetPilot home: {@code tunnel-state.json},
 * {@code port-allocations.json} and {@code router-connections.json}, each {@code 0600} with a
 * {@code "schemaVersion": 2} (version 1 files are read too). Stateless and thread-safe; the stores it returns are thread-safe.
 *
 * <p>Open one store per home per process, and only while holding the home's {@link AgentLock}
 * when writing: two stores over the same files would overwrite each other's changes.
 */
public final class StateStores {
    private StateStores() {}

    /**
     * Loads the state of {@code home}. A missing file is empty. A file that is empty, not JSON, of
     * the wrong shape or holding an invalid value is moved aside as {@code <name>.corrupt-<UTC time>},
     * logged as a warning and listed in {@link StateStore#problems()}; the store starts without it.
     *
     * @param clock stamps the names of quarantined files
     * @throws UnsupportedSchemaException when a file was written by a newer NetPilot; no file was changed
     * @throws StateCorruptException when a file cannot be read at all (permissions) or moved aside
     */
    public static StateStore open(NetPilotHome home, Clock clock) {
        return StateBindings.open(Objects.requireNonNull(home, "home"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * A read-only view of {@code home}'s state, for commands that only look ({@code status}) and may
     * run beside an agent or before one: it reads the files as {@link #open} does but never moves,
     * writes or deletes one. A file that cannot be read is left in place and listed in
     * {@link StateStore#problems()}; every change throws {@link IllegalStateException}.
     *
     * @throws UnsupportedSchemaException when a file was written by a newer NetPilot
     * @throws StateCorruptException when a file cannot be read at all (permissions)
     */
    public static StateStore view(NetPilotHome home) {
        return StateBindings.view(Objects.requireNonNull(home, "home"));
    }
}
