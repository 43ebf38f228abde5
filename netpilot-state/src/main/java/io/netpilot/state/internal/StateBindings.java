package io.netpilot.state.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Singleton;
import io.netpilot.core.StateStore;
import io.netpilot.state.NetPilotHome;
import java.time.Clock;
import java.util.Objects;

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

    /** Binds {@link NetPilotHome}, the store's own clock and {@link StateStore} (a singleton). */
    public static Module module(NetPilotHome home, Clock clock) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(clock, "clock");
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(NetPilotHome.class).toInstance(home);
                bind(Clock.class).annotatedWith(StateClock.class).toInstance(clock);
                bind(StateStore.class).to(JsonStateStore.class).in(Singleton.class);
            }
        };
    }
}
