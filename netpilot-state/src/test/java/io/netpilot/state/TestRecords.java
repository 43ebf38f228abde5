package io.netpilot.state;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.PortRange;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/** Records for tests. Stateless, thread-safe. */
final class TestRecords {
    static final HostKeyFingerprint KEY = new HostKeyFingerprint("SHA256:" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ");
    static final SshAddress RELAY = new SshAddress("agent", "relay.example.com", 2222);

    private TestRecords() {}

    /** A minimal requested tunnel to router {@code 10.0.x.y}. */
    static TunnelRecord requested(int n) {
        RouterEndpoint router = RouterEndpoint.of(new SshAddress("root", "10.0." + (n / 250) + "." + (n % 250 + 1), 22));
        return TunnelRecord.requested(TunnelSpec.of(router, RelayEndpoint.of(RELAY), 22));
    }

    /** A tunnel with every optional part present. */
    static TunnelRecord full(int n, int port, TunnelState state, Instant when) {
        RouterEndpoint router = new RouterEndpoint(new SshAddress("root", "router" + n + ".example.net", 2200 + n), Optional.of(KEY));
        RelayEndpoint relay = new RelayEndpoint(RELAY, "tunnel", Optional.of(KEY));
        TunnelSpec spec = new TunnelSpec(TunnelSpec.of(router, relay, 22).id(), router, relay, 22,
                new PortRange(20000, 20999), OptionalInt.of(port), Duration.ofMillis(90_500));
        return TunnelRecord.requested(spec)
                .withLaunch(port, CleanupToken.generate(router.id(), port, new SplittableRandom(n)))
                .withState(state)
                .withEstablished(when)
                .withHeartbeat(when.plusSeconds(30));
    }
}
