package io.netpilot.state.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.netpilot.core.StateStore;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import java.time.Clock;
import java.util.Objects;

/**
 * For Guice users who wire the state themselves: binds {@link NetPilotHome} (the instance given) and
 * {@link StateStore} (the JSON store, a singleton, loaded when first injected; see
 * {@link StateStores#open} for what it throws, wrapped by Guice in a {@code ProvisionException}). The
 * store's clock is the module's own, so an application may bind its own {@link Clock} freely. Most
 * applications want {@link NetPilotGuiceModule}, which binds the front door instead. Immutable.
 */
// Guice is optional (requires static): a user of this module brings it, so its type need not be re-exported.
@SuppressWarnings("exports")
public final class StateModule extends AbstractModule {
    private final NetPilotHome home;
    private final Clock clock;

    /**
     * Bindings over {@code home} with the system clock.
     *
     * @param home the NetPilot home
     */
    public StateModule(NetPilotHome home) {
        this(home, Clock.systemUTC());
    }

    /**
     * Bindings over {@code home} with {@code clock} for the store.
     *
     * @param home the NetPilot home
     * @param clock stamps the names of files set aside
     */
    public StateModule(NetPilotHome home, Clock clock) {
        this.home = Objects.requireNonNull(home, "home");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected void configure() {
        bind(NetPilotHome.class).toInstance(home);
    }

    @Provides
    @Singleton
    StateStore store() {
        return StateStores.open(home, clock);
    }
}
