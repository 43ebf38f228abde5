package io.netpilot.state.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.netpilot.core.Agent;
import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotBuilder;
import io.netpilot.core.TunnelManager;
import java.util.Objects;

/**
 * Binds the front door for Guice users: {@link NetPilot} (started from the builder given, once, when
 * first injected), {@link Agent} to it, and {@link TunnelManager} to its manager. The application closes the {@link NetPilot} at exit (that runs its documented
 * shutdown order). It lives here, not in core (which sees no Guice), and not in netpilot-ssh (the
 * front door finds the SSH side as a service); this is the one Guice module most applications need.
 *
 * <p>Guice 7 would define classes through {@code sun.misc.Unsafe}, which JDK 23+ warns about on
 * stderr; NetPilot uses no method interception, so loading this class sets
 * {@code guice_bytecode_gen_option=DISABLED} unless the application chose a value. Immutable.
 */
// Guice is optional (requires static): a user of this module brings it, so its type need not be re-exported.
@SuppressWarnings("exports")
public final class NetPilotGuiceModule extends AbstractModule {
    static {
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
    }

    private final NetPilotBuilder builder;
    private final boolean start;

    private NetPilotGuiceModule(NetPilotBuilder builder, boolean start) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.start = start;
    }

    /**
     * Binds the whole agent: {@link NetPilotBuilder#start()}.
     *
     * @param builder the configured builder
     * @return the module
     */
    public static NetPilotGuiceModule starting(NetPilotBuilder builder) {
        return new NetPilotGuiceModule(builder, true);
    }

    /**
     * Binds a manager over the home for one-shot work: {@link NetPilotBuilder#open()}.
     *
     * @param builder the configured builder
     * @return the module
     */
    public static NetPilotGuiceModule opening(NetPilotBuilder builder) {
        return new NetPilotGuiceModule(builder, false);
    }

    @Override
    protected void configure() {
        bind(Agent.class).to(NetPilot.class);
    }

    @Provides
    @Singleton
    NetPilot netPilot() {
        return start ? builder.start() : builder.open();
    }

    @Provides
    TunnelManager manager(NetPilot netPilot) {
        return netPilot.manager();
    }
}
