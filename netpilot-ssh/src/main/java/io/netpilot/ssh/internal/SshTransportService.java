package io.netpilot.ssh.internal;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.Transport;
import io.netpilot.core.spi.TransportService;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.ssh.tunnel.TunnelPlumbing;

/**
 * The MINA SSHD {@link TransportService} that {@code netpilot-ssh} provides to the front door
 * (module descriptor and {@code META-INF/services}). Public with a no-argument constructor only
 * because {@link java.util.ServiceLoader} needs that; this package is not exported. Stateless,
 * thread-safe.
 */
public final class SshTransportService implements TransportService {
    private static final RemoteProcessController PROCESSES = SshInternals.processController();

    /** Made by {@link java.util.ServiceLoader}. */
    public SshTransportService() {}

    @Override
    public Transport start(Options options) {
        SshTransport ssh = SshTransport.start(SshSettings.defaults(options.knownHosts(), options.agentKey()));
        return new MinaTransport(ssh, TunnelPlumbing.launcher(ClientKind.valueOf(options.routerClient().name())),
                TunnelPlumbing.relayGateway(), TunnelPlumbing.portAllocator(), TunnelPlumbing.probe(),
                TunnelPlumbing.identityProbe(), PROCESSES);
    }

    /**
     * One transport: the SSH client (its {@code connector}) with the shared stateless plumbing around it;
     * the components are the {@link Transport} accessors.
     */
    private record MinaTransport(SshTransport connector, TunnelLauncher launcher, RelayGateway relayGateway,
            PortAllocator portAllocator, EndToEndProbe probe, IdentityProbe identityProbe, RemoteProcessController processes)
            implements Transport {
        @Override
        public String agentPublicKey() {
            return connector.agentKeys().publicKeyLine();
        }

        @Override
        public void installAgentKey(SshAddress router, Credentials.Password password, HostKeyPolicy policy) {
            try (RemoteShell shell = connector.open(router, password, policy)) {
                RouterKeyInstaller.create().install(shell, agentPublicKey());
            }
        }

        @Override
        public void close() {
            connector.close();
        }
    }
}
