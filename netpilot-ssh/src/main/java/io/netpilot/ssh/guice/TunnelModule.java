package io.netpilot.ssh.guice;

import com.google.inject.AbstractModule;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.ssh.tunnel.TunnelPlumbing;
import java.util.Objects;

/**
 * Binds {@link TunnelLauncher}, {@link RelayGateway}, {@link PortAllocator} and {@link EndToEndProbe}
 * to the {@link TunnelPlumbing} implementations (stateless singletons). Immutable.
 */
// Guice is optional (requires static): a user of this module brings it, so its type need not be re-exported.
@SuppressWarnings("exports")
public final class TunnelModule extends AbstractModule {
    private final ClientKind client;

    /** Routers pick their own SSH client ({@link ClientKind#AUTO}). */
    public TunnelModule() {
        this(ClientKind.AUTO);
    }

    /**
     * Routers run {@code client}.
     *
     * @param client the router-side SSH client
     */
    public TunnelModule(ClientKind client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    protected void configure() {
        bind(TunnelLauncher.class).toInstance(TunnelPlumbing.launcher(client));
        bind(RelayGateway.class).toInstance(TunnelPlumbing.relayGateway());
        bind(PortAllocator.class).toInstance(TunnelPlumbing.portAllocator());
        bind(EndToEndProbe.class).toInstance(TunnelPlumbing.probe());
    }
}
