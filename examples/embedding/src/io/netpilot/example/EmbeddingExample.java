package io.netpilot.example;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.NetPilot;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Embeds NetPilot: starts the testkit's relay and router on 127.0.0.1, connects a tunnel, follows its
 * events, reads the router's SSH banner through the relay port, disconnects and exits with nothing
 * left running. Uses exported packages only; runs on the module path and on the plain class path.
 *
 * <p>Usage: {@code EmbeddingExample [WORK_DIR]} (a new temporary directory by default).
 */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("netpilot-example-");
        try (EmbeddedRelay relay = EmbeddedRelay.start(dir.resolve("relay"));
                EmbeddedRouter router = EmbeddedRouter.start(EmbeddedRouter.Flavour.PROCPS, dir.resolve("router"))) {
            // --8<-- [start:embedding]
            try (NetPilot netpilot = NetPilot.builder().home(dir.resolve("home")).start()) {
                relay.authorize(netpilot.agentPublicKey());   // a real relay and router: install this key once
                router.authorize(netpilot.agentPublicKey());
                try (Subscription events = netpilot.subscribe(event -> System.out.println("event: " + event))) {
                    ConnectRequest request = ConnectRequest.of(router.address(), relay.address()).acceptingNewHostKeys();
                    TunnelSnapshot tunnel = netpilot.connect(request);
                    int port = tunnel.port().orElseThrow();
                    System.out.println(tunnel.id() + " is " + netpilot.tunnels().getFirst().state().name() + " on relay port " + port);
                    System.out.println("banner: " + Loopback.sshBanner(port, Duration.ofSeconds(5)).orElse("none"));
                    netpilot.disconnect(tunnel.id());
                }
            }
            // --8<-- [end:embedding]
            System.out.println("router processes left: " + router.livePids().size());
        }
    }
}
