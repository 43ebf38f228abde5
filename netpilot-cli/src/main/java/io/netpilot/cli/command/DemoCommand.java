package io.netpilot.cli.command;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotBuilder;
import io.netpilot.core.PortRange;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.SystemBinaries;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netpilot demo}: the whole lifecycle on an embedded relay and router. Written as an embedding
 * application would write it: only the front door ({@code io.netpilot.core}) and the testkit's
 * servers, printing progress to stderr and the verdict to stdout.
 */
@Command(
        name = "demo",
        description = {
            "Show the whole lifecycle on this machine, with no router of your own: start an embedded relay and",
            "an embedded router (real SSH servers on 127.0.0.1 whose commands run in real shells), connect, read",
            "the router's SSH banner through the relay port, show status, stop the agent and show that no router",
            "process is left, start it again and show the tunnel back on the same port. Uses its own temporary",
            "home unless --home is given. Exits 0 when every step worked."
        },
        footer = {"  netpilot demo", "  netpilot demo --keep-open      then try the printed ssh -p PORT line"})
final class DemoCommand extends Subcommand {
    private static final PrintStream PROGRESS = System.err;

    @Option(names = "--keep-open", description = "Leave the tunnel up at the end and wait for Ctrl-C.")
    boolean keepOpen;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("netpilot-demo-");
        try {
            return run(dir, root.home != null ? root.homePath() : dir.resolve("home"));
        } finally {
            Dirs.delete(dir);
        }
    }

    private int run(Path dir, Path home) {
        EmbeddedRouter.Flavour flavour = SystemBinaries.find("busybox").isPresent() ? EmbeddedRouter.Flavour.BUSYBOX : EmbeddedRouter.Flavour.PROCPS;
        step("starting an embedded relay and a " + flavour.name().toLowerCase() + " router on 127.0.0.1");
        try (EmbeddedRelay relay = EmbeddedRelay.start(dir.resolve("relay"));
                EmbeddedRouter router = EmbeddedRouter.start(flavour, dir.resolve("router"))) {
            done("relay " + relay.address() + ", router " + router.address());
            NetPilotBuilder agent = NetPilot.builder().home(home).noRestoreAtStart();
            int port;
            try (NetPilot netpilot = agent.start()) {
                relay.authorize(netpilot.agentPublicKey());
                router.authorize(netpilot.agentPublicKey());
                step("connecting (the embedded servers' host keys are new, so they are pinned now)");
                ConnectRequest request = ConnectRequest.of(router.address(), relay.address())
                        .withPortRange(new PortRange(47000, 47999)).withLeaseTtl(Duration.ofSeconds(30)).acceptingNewHostKeys();
                TunnelSnapshot t = netpilot.connect(request);
                port = t.port().orElseThrow();
                done(t.state().name() + " on relay port " + port);
                if (!banner(port)) {
                    return 1;
                }
                netpilot.tunnels().forEach(s -> PROGRESS.println("  " + s.id() + "  " + s.router() + "  " + s.relay().host() + ":"
                        + s.port().orElse(0) + "  " + s.state().name() + s.lastRtt().map(r -> "  rtt " + r.toMillis() + "ms").orElse("")));
                step("stopping the agent (its exit cleanup stops the router-side processes)");
                CleanupReport stopped = netpilot.stopTunnels();
                done(stopped.complete() ? "done" : "incomplete: " + stopped);
            }
            step("checking the router for leftover tunnel processes");
            if (!router.livePids().isEmpty() || relay.isListening(port)) {
                failed(router.livePids().size() + " process(es) still running: " + router.livePids() + ", relay port open: " + relay.isListening(port));
                return 1;
            }
            done("none left, relay port " + port + " closed");

            try (NetPilot netpilot = agent.shutdownHook(keepOpen).start()) {
                step("starting the agent again: it restores the wanted tunnel");
                Optional<TunnelSnapshot> back = netpilot.restore().tunnels().stream().findFirst();
                if (back.isEmpty() || back.get().port().orElse(0) != port) {
                    failed("came back on " + back.map(t -> "port " + t.port().orElse(0)).orElse("no tunnel") + " instead of port " + port);
                    return 1;
                }
                done(back.get().state().name() + " on the same port " + port);
                if (!banner(port)) {
                    return 1;
                }
                if (keepOpen) {
                    System.out.println("the tunnel stays up; try:  ssh -p " + port + " -o UserKnownHostsFile=/dev/null "
                            + router.address().user() + "@127.0.0.1   (Ctrl-C here stops it)");
                    netpilot.awaitStop();
                }
            }
            System.out.println("demo finished: connect, banner, exit cleanup, restore on the same port all worked");
            return 0;
        }
    }

    /** Reads the router's SSH banner as a plain TCP client of the relay port would. */
    private static boolean banner(int port) {
        step("reading the router's SSH banner through 127.0.0.1:" + port);
        Optional<String> banner = Loopback.sshBanner(port, Duration.ofSeconds(10));
        if (banner.isEmpty()) {
            failed("expected the router's SSH banner through port " + port + ", got nothing");
            return false;
        }
        done(banner.get());
        return true;
    }

    private static void step(String what) {
        PROGRESS.print("* " + what + " ... ");
        PROGRESS.flush();
    }

    private static void done(String detail) {
        PROGRESS.println(detail);
    }

    private static void failed(String why) {
        PROGRESS.println("FAILED: " + why);
    }
}
