package io.netpilot.state;

import com.google.inject.AbstractModule;
import io.netpilot.core.StateStore;
import io.netpilot.state.internal.StateBindings;
import java.time.Clock;
import java.util.Objects;

/**
 * Guice bindings of this module: {@link NetPilotHome} (the instance given) and {@link StateStore}
 * (the JSON store, a singleton, loaded when first injected; see {@link StateStores#open} for what
 * it throws, wrapped by Guice in a {@code ProvisionException}). The store's clock is bound under a
 * private qualifier, so an application may bind its own {@link Clock} freely.
 *
 * <p>Immutable and thread-safe.
 */
public final class StateModule extends AbstractModule {
    private final NetPilotHome home;
    private final Clock clock;

    /** Bindings over {@code home} with the system clock. */
    public StateModule(NetPilotHome home) {
        this(home, Clock.systemUTC());
    }

    /** Bindings over {@code home} with {@code clock} for the store. */
    public StateModule(NetPilotHome home, Clock clock) {
        this.home = Objects.requireNonNull(home, "home");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected void configure() {
        install(StateBindings.module(home, clock));
    }
}
