package io.netpilot.state.smoke;

import com.google.inject.Guice;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.guice.StateModule;
import io.netpilot.state.StateStores;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Child process of {@code ModulePathSmokeTest}, run from the class path (so in a package of its own,
 * not split with the module): uses the lock, the Guice module and the store the way an application
 * would, then prints the module the store came from and {@code OK}.
 */
public final class ModuleSmokeMain {
    private ModuleSmokeMain() {}

    public static void main(String[] args) {
        NetPilotHome home = NetPilotHome.at(Path.of(args[0]));
        try (AgentLock lock = AgentLock.acquire(home)) {
            StateStore store = Guice.createInjector(new StateModule(home)).getInstance(StateStore.class);
            store.saveTunnel(TunnelRecord.requested(TunnelSpec.of(RouterEndpoint.of(SshAddress.parse("root@192.168.1.1")),
                    RelayEndpoint.of(SshAddress.parse("tunnel@relay.example.com")), 22)));
            StateStore again = StateStores.open(home, Clock.systemUTC());
            if (!again.tunnels().equals(store.tunnels()) || again.tunnels().size() != 1 || !lock.isHeld()) {
                throw new AssertionError("state did not round-trip: " + again.tunnels());
            }
            System.out.println("MODULE " + StateStores.class.getModule().getName());
            System.out.println("OK");
        }
    }
}
