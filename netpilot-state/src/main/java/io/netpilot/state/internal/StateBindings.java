package io.netpilot.state.internal;

import io.netpilot.core.StateStore;
import io.netpilot.state.NetPilotHome;
import java.time.Clock;

/**
 * The bridge from the API package to the package-private store. Public only because
 * {@code io.netpilot.state} needs it; not API. Stateless, thread-safe.
 */
public final class StateBindings {
    private StateBindings() {}

    /** A new store over {@code home}; see {@code StateStores.open}. */
    public static StateStore open(NetPilotHome home, Clock clock) {
        return new JsonStateStore(home, clock);
    }

    /** A read-only view of {@code home}; see {@code StateStores.view}. */
    public static StateStore view(NetPilotHome home) {
        return new JsonStateStore(home, Clock.systemUTC(), true);
    }
}
