package io.netpilot.ssh.tunnel;

import com.google.inject.AbstractModule;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.TunnelLauncher;
import java.util.Objects;

/**
 * Binds {@link TunnelLauncher}, {@link RelayGateway}, {@link PortAllocator} and {@link EndToEndProbe}
 * to the {@link TunnelPlumbing} implementations (stateless singletons). Immutable.
 */
public final class TunnelModule extends AbstractModule {
    private final ClientKind client;

    /** Routers pick their own SSH client. */
    public TunnelModule() {
        this(ClientKind.AUTO);
    }

    /** Routers run {@code client}. */
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
