package io.netpilot.cli.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.netpilot.core.AgentId;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelManagers;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.SshModule;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.tunnel.TunnelModule;
import io.netpilot.ssh.tunnel.TunnelPlumbing;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateModule;
import java.time.Clock;

/**
 * The application's wiring: the state module over the home, the SSH module with the home's
 * known_hosts and agent key, and the tunnel manager built from what they bind. Immutable.
 */
final class NetPilotModule extends AbstractModule {
    private final NetPilotHome home;
    private final ManagerSettings settings;

    NetPilotModule(NetPilotHome home, ManagerSettings settings) {
        this.home = home;
        this.settings = settings;
    }

    @Override
    protected void configure() {
        install(new StateModule(home));
        install(new SshModule(SshSettings.defaults(home.knownHostsFile(), home.agentKeyFile())));
        install(new TunnelModule());
    }

    @Provides
    @Singleton
    TunnelManager tunnelManager(ShellConnector connector, TunnelLauncher launcher, RelayGateway gateway,
            PortAllocator allocator, EndToEndProbe probe, RemoteProcessController processes, StateStore store,
            SshTransport transport) {
        return TunnelManagers.builder()
                .connector(connector)
                .launcher(launcher)
                .relayGateway(gateway)
                .portAllocator(allocator)
                .probe(probe)
                .processes(processes)
                .store(store)
                .agentId(AgentId.of(transport.agentKeys().fingerprint().value()))
                .identityProbe(TunnelPlumbing.identityProbe())
                .clock(Clock.systemUTC())
                .settings(settings)
                .build();
    }
}
