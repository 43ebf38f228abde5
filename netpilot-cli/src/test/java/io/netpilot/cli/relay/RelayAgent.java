package io.netpilot.cli.relay;

import io.netpilot.core.AgentId;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotBuilder;
import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelManager;
import io.netpilot.core.TunnelManagers;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.OpenSshRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One run of an agent over a home through the front door ({@link NetPilotBuilder#open()}: the lock, the
 * JSON state store, the SSH transport, the agent id from its key, the identity probe), with test-sized
 * timings and nothing restored or served by itself. Closing it is an agent that stops without cleaning
 * up (its router processes run on under their leases). Not thread-safe.
 */
final class RelayAgent implements AutoCloseable {
    static final ManagerSettings FAST = ManagerSettings.DEFAULTS
            .withProbing(Duration.ofSeconds(1), Duration.ofSeconds(3), 2)
            .withBackoff(Duration.ofMillis(300), Duration.ofSeconds(3), 0.1)
            .withConnectWait(Duration.ofSeconds(30), Duration.ofMillis(300));

    private final NetPilotBuilder builder;
    private final NetPilot netpilot;
    final TunnelManager manager;
    final AgentId id;
    private SshTransport ownClient;

    private RelayAgent(Path dir, Duration identityInterval) {
        this.builder = NetPilot.builder().home(dir).settings(FAST).identityCheckInterval(identityInterval);
        this.netpilot = builder.open();
        this.manager = netpilot.manager();
        this.id = netpilot.agentId();
    }

    /** An agent over the home in {@code dir}; its key may log in to the agent account of {@code relay}. */
    static RelayAgent start(Path dir, OpenSshRelay relay) throws Exception {
        return start(dir, relay, TunnelManagers.DEFAULT_IDENTITY_CHECK_INTERVAL);
    }

    static RelayAgent start(Path dir, OpenSshRelay relay, Duration identityInterval) throws Exception {
        NetPilotHome home = NetPilotHome.at(dir);
        // added to the agent account's keys, so several agents (homes) can share the relay
        Path keys = relay.agentHome.resolve(".ssh/authorized_keys");
        String line = AgentKeys.loadOrCreate(home.agentKeyFile()).publicKeyLine().strip() + "\n";
        Files.writeString(keys, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        relay.run("chown " + relay.agent + ": " + keys + "; chmod 600 " + keys);
        return new RelayAgent(dir, identityInterval);
    }

    String publicKeyLine() {
        return netpilot.agentPublicKey();
    }

    /** The home's state as its files hold it now (every change is written before it is told). */
    StateStore state() {
        return builder.readState();
    }

    /**
     * A login to {@code address} with this agent's key and the host keys it pinned, on an SSH client of
     * the test's own beside the agent's.
     */
    RemoteShell openAsAgent(SshAddress address) {
        if (ownClient == null) {
            NetPilotHome home = NetPilotHome.at(netpilot.home());
            ownClient = SshTransport.start(SshSettings.defaults(home.knownHostsFile(), home.agentKeyFile()));
        }
        return ownClient.open(address, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY);
    }

    /**
     * Ten relay ports of block {@code n} (0 to 3), one block per test that leases: below Linux's ephemeral
     * range (32768-60999), so no outgoing connection of the machine holds one, and apart for each test JVM.
     */
    static PortRange ports(int n) {
        int base = 23000 + n * 1000 + (int) (ProcessHandle.current().pid() % 50) * 20;
        return new PortRange(base, base + 9);
    }

    /** A tunnel to {@code router}'s own SSH server through {@code relay}'s two accounts, pinning new host keys. */
    static ConnectRequest request(DbclientRouter router, OpenSshRelay relay, PortRange range) {
        SshAddress agentAccount = new SshAddress(relay.agent, "127.0.0.1", relay.port);
        TunnelSpec spec = new TunnelSpec(TunnelId.derive(router.address(), router.port, agentAccount), RouterEndpoint.of(router.address()),
                new RelayEndpoint(agentAccount, relay.tunnel, Optional.empty()), router.port, range, OptionalInt.empty(),
                Duration.ofSeconds(30));
        return new ConnectRequest(spec, Credentials.AGENT_KEY, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    /** Closes the agent without its exit cleanup (an agent made by {@code open()} leaves router processes running). */
    @Override
    public void close() {
        if (ownClient != null) {
            ownClient.close();
            ownClient = null;
        }
        netpilot.close();
    }
}
