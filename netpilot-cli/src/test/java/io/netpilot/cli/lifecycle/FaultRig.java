package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.FaultyLink;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.TestTimeouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * One supervised tunnel whose paths can be broken: the router's client reaches the relay through a
 * {@link FaultyLink} that spares the agent's own connections (or, with {@code relayLinkSpares} false,
 * faults the agent's too: the relay itself is down), and the agent may reach the router through a
 * link of its own. Records every state the tunnel went through. Not thread-safe.
 */
final class FaultRig implements AutoCloseable {
    /** Probe every second (2 s timeout), repair after 2 failures, backoff 200 ms to 2 s; ride out 20 s as in production. */
    static final ManagerSettings SETTINGS = LifecycleRig.FAST;

    final LifecycleRig rig;
    final EmbeddedRouter router;
    final FaultyLink relayLink;
    final FaultyLink routerLink;
    final EchoTarget target;
    final LifecycleRig.Agent agent;
    final TunnelId id;
    final int port;
    private final List<TunnelState> seen = new CopyOnWriteArrayList<>();
    private final Subscription subscription;

    /** A rig in {@code dir} with one tunnel up; closing it closes everything. */
    static FaultRig open(java.nio.file.Path dir, EmbeddedRouter.Flavour flavour, ClientKind client, ManagerSettings settings,
            boolean relayLinkSpares, Duration leaseTtl) throws IOException {
        LifecycleRig rig = LifecycleRig.start(dir);
        try {
            return new FaultRig(rig, flavour, client, settings, relayLinkSpares, leaseTtl);
        } catch (IOException | RuntimeException e) {
            rig.close();
            throw e;
        }
    }

    private FaultRig(LifecycleRig rig, EmbeddedRouter.Flavour flavour, ClientKind client, ManagerSettings settings,
            boolean relayLinkSpares, Duration leaseTtl) throws IOException {
        this.rig = rig;
        this.router = rig.router(flavour);
        this.relayLink = rig.closeLater(relayLinkSpares
                ? FaultyLink.sparingThisProcess(0, "127.0.0.1", rig.relay.port())
                : FaultyLink.between(0, "127.0.0.1", rig.relay.port()));
        this.routerLink = rig.closeLater(FaultyLink.between(0, "127.0.0.1", router.port()));
        this.target = rig.closeLater(EchoTarget.start());
        this.agent = rig.agent(rig.home("home"), client, settings);
        SshAddress routerAddress = new SshAddress(router.address().user(), "127.0.0.1", routerLink.port());
        SshAddress relayAddress = new SshAddress(rig.relay.address().user(), "127.0.0.1", relayLink.port());
        TunnelSpec spec = new TunnelSpec(TunnelId.derive(routerAddress, target.port(), relayAddress),
                RouterEndpoint.of(routerAddress), RelayEndpoint.of(relayAddress), target.port(), rig.range,
                OptionalInt.empty(), leaseTtl);
        this.subscription = agent.manager().subscribe(e -> {
            if (e instanceof TunnelEvent.StateChanged c) {
                seen.add(c.to());
            }
        });
        TunnelSnapshot up = agent.manager().connect(new ConnectRequest(spec, Credentials.AGENT_KEY, Credentials.AGENT_KEY,
                HostKeyPolicy.ACCEPT_NEW));
        this.id = up.id();
        this.port = up.port().orElseThrow();
    }

    /** The names of the states it went through, in order. */
    List<String> states() {
        return seen.stream().map(TunnelState::name).toList();
    }

    /** Every state it went through with its reason, for a failing assertion to tell what happened. */
    List<String> history() {
        return seen.stream().map(s -> s.name() + s.reason().map(r -> " (" + r + ")").orElse("")).toList();
    }

    TunnelSnapshot snapshot() {
        return agent.manager().tunnel(id).orElseThrow();
    }

    String token() {
        return agent.store().tunnel(id).flatMap(TunnelRecord::token).orElseThrow().value();
    }

    long supervisorPid() {
        return LifecycleRig.supervisorPid(router, token()).orElse(-1L);
    }

    /** Waits (generously) until the state satisfies {@code wanted}; returns how long that took. */
    Duration awaitState(Predicate<TunnelState> wanted, Duration atMost) {
        long start = System.nanoTime();
        await().atMost(TestTimeouts.scaled(atMost)).pollInterval(Duration.ofMillis(50))
                .until(() -> wanted.test(snapshot().state()));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Waits until the relay port carries the target's banner again; returns how long that took. */
    Duration awaitTraffic(Duration atMost) {
        long start = System.nanoTime();
        await().atMost(TestTimeouts.scaled(atMost)).pollInterval(Duration.ofMillis(50))
                .until(() -> Loopback.firstLine(port, Duration.ofSeconds(1)).filter(l -> l.startsWith("SSH-2.0-EchoTarget")).isPresent());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Nothing was lost: the tunnel is still wanted on its port, one supervisor runs it on the router
     * (its pid file names a live process, no other token there), and the relay has exactly one
     * authorization line and one lease for it.
     */
    void assertNothingLost() throws IOException {
        TunnelRecord rec = agent.store().tunnel(id).orElseThrow();
        assertThat(rec.port()).as("same port").hasValue(port);
        String token = rec.token().orElseThrow().value();
        assertThat(AdoptAfterKillIT.onlyToken(router)).as("one token on the router").map(t -> t.value()).hasValue(token);
        long pid = supervisorPid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("its supervisor %s runs", pid).hasValue(true);
        long lines = Files.readAllLines(rig.relay.authorizedKeysFile()).stream().filter(l -> l.contains(token)).count();
        assertThat(lines).as("one authorization line for %s on the relay", token).isEqualTo(1);
        assertThat(agent.store().portLeases()).as("one lease").singleElement().satisfies(l -> assertThat(l.port()).isEqualTo(port));
    }

    /** Proves nothing was lost, prints {@code report}, then disconnects and proves nothing is left. */
    void endLosingNothing(String report) throws IOException {
        assertNothingLost();
        System.out.println(report);
        disconnectLeavingNothing();
    }

    /** Disconnects, and proves nothing is left: no router process, no relay line, no lease. */
    void disconnectLeavingNothing() throws IOException {
        String token = token();
        agent.manager().disconnect(id);
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> router.livePids().isEmpty());
        assertThat(Files.readAllLines(rig.relay.authorizedKeysFile())).noneMatch(l -> l.contains(token));
        assertThat(agent.store().portLeases()).isEmpty();
        assertThat(agent.store().tunnels()).isEmpty();
    }

    /** A TCP connection through the tunnel to the echo target, greeted already. */
    Held hold() throws IOException {
        Socket s = rig.closeLater(Loopback.connect(port, Duration.ofSeconds(5)));
        s.setSoTimeout((int) TestTimeouts.scaled(Duration.ofSeconds(30)).toMillis());
        Held held = new Held(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)),
                s.getOutputStream());
        assertThat(held.in.readLine()).isEqualTo("SSH-2.0-EchoTarget");
        return held;
    }

    record Held(Socket socket, BufferedReader in, OutputStream out) {
        /** Sends a line and reads its echo. */
        String roundTrip(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return in.readLine();
        }
    }

    @Override
    public void close() {
        subscription.close();
        rig.close();
    }
}
