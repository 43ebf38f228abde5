package io.netpilot.bench;

import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.StateStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Writes a NetPilot home whose {@code tunnel-state.json} holds N wanted tunnels (default 3), through the
 * state module's own store, for {@code bench/cli-startup.sh}. No network, no agent.
 *
 * <p>Usage: {@code StateFixture HOME_DIR [N]}. Not thread-safe (a main program).
 */
public final class StateFixture {
    private StateFixture() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: StateFixture HOME_DIR [N]");
            System.exit(2);
        }
        int n = args.length == 2 ? Integer.parseInt(args[1]) : 3;
        NetPilotHome home = NetPilotHome.at(Path.of(args[0]));
        SshAddress relay = SshAddress.parse("tunnel@relay.example.com");
        Instant now = Instant.now();
        try (AgentLock lock = AgentLock.acquire(home)) {
            if (!lock.isHeld()) {
                throw new IllegalStateException("could not lock " + home);
            }
            StateStore store = StateStores.open(home, Clock.systemUTC());
            for (int i = 1; i <= n; i++) {
                SshAddress router = SshAddress.parse("root@192.0.2." + i);
                TunnelSpec spec = new TunnelSpec(TunnelId.derive(router, 22, relay), RouterEndpoint.of(router),
                        new RelayEndpoint(relay, relay.user(), Optional.empty()), 22, PortRange.DEFAULT, OptionalInt.empty(),
                        TunnelSpec.DEFAULT_LEASE_TTL);
                store.saveTunnel(new TunnelRecord(spec, OptionalInt.of(20000 + i), Optional.empty(), TunnelState.UP,
                        Optional.of(now.minus(Duration.ofMinutes(i))), Optional.of(now)));
            }
        }
        System.out.println(n + " tunnel(s) written to " + home.tunnelStateFile());
    }
}
