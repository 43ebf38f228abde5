package io.netpilot.cli.command;

import io.netpilot.cli.internal.AgentRuntime;
import io.netpilot.cli.internal.ConnectArgs;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.StatusTable;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.SystemBinaries;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code netpilot demo}: the whole lifecycle on an embedded relay and router. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Show the whole lifecycle on this machine, with no router of your own: start an embedded relay and",
            "an embedded router (real SSH servers on 127.0.0.1 whose commands run in real shells), connect, read",
            "the router's SSH banner through the relay port, show status, stop the agent and show that no router",
            "process is left, start it again and show the tunnel back on the same port. Uses its own temporary",
            "home unless --home is given. Exits 0 when every step worked."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  netpilot demo", "  netpilot demo --keep-open      then try the printed ssh -p PORT line"})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    NetPilotCommand root;

    @Option(names = "--keep-open", description = "Leave the tunnel up at the end and wait for Ctrl-C.")
    boolean keepOpen;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("netpilot-demo-");
        try {
            return run(dir);
        } finally {
            deleteTree(dir);
        }
    }

    private int run(Path dir) throws Exception {
        var console = root.console;
        NetPilotHome home = root.home != null ? root.openHome() : NetPilotHome.at(dir.resolve("home"));
        EmbeddedRouter.Flavour flavour = SystemBinaries.find("busybox").isPresent() ? EmbeddedRouter.Flavour.BUSYBOX : EmbeddedRouter.Flavour.PROCPS;

        var step = console.step("starting an embedded relay and a " + flavour.name().toLowerCase() + " router on 127.0.0.1");
        try (EmbeddedRelay relay = EmbeddedRelay.start(dir.resolve("relay"));
                EmbeddedRouter router = EmbeddedRouter.start(flavour, dir.resolve("router"))) {
            AgentKeys keys = AgentKeys.loadOrCreate(home.agentKeyFile());
            relay.authorize(keys.keyPair().getPublic());
            router.authorize(keys.keyPair().getPublic());
            step.done("relay " + relay.address() + ", router " + router.address());

            ConnectArgs args = ConnectArgs.parse(router.address().toString(), router.port(), relay.address().toString(),
                    Optional.empty(), Optional.of("47000-47999"), Optional.empty(), Duration.ofSeconds(30),
                    Optional.empty(), Optional.empty(), true);
            int port;
            try (AgentRuntime agent = AgentRuntime.open(home, console, Duration.ofSeconds(30))) {
                step = console.step("connecting (the embedded servers' host keys are new, so they are pinned now)");
                TunnelSnapshot t = agent.manager().connect(args.request());
                port = t.port().orElseThrow();
                step.done(t.state().name() + " on relay port " + port);

                step = console.step("reading the router's SSH banner through 127.0.0.1:" + port);
                step.done(banner(port));

                StatusTable.render(agent.manager().tunnels(), Instant.now()).forEach(console::println);

                step = console.step("stopping the agent (its exit cleanup stops the router-side processes)");
                agent.cleanupOnExit();
                step.done();
            }
            step = console.step("checking the router for leftover tunnel processes");
            if (!router.livePids().isEmpty()) {
                step.failed(router.livePids().size() + " process(es) still running: " + router.livePids());
                return ExitCode.FAILED;
            }
            if (relay.isListening(port)) {
                step.failed("relay port " + port + " is still open");
                return ExitCode.FAILED;
            }
            step.done("none left, relay port " + port + " closed");

            try (AgentRuntime agent = AgentRuntime.open(home, console, Duration.ofSeconds(30))) {
                step = console.step("starting the agent again: it restores the wanted tunnel");
                List<TunnelSnapshot> restored = agent.restore();
                TunnelSnapshot t = restored.stream().findFirst().orElseThrow(() -> new NetPilotException("nothing was restored"));
                if (t.port().orElse(0) != port) {
                    step.failed("came back on port " + t.port().orElse(0) + " instead of " + port);
                    return ExitCode.FAILED;
                }
                step.done(t.state().name() + " on the same port " + port);
                step = console.step("reading the banner again through 127.0.0.1:" + port);
                step.done(banner(port));

                if (keepOpen) {
                    console.println("the tunnel stays up; try:  ssh -p " + port + " -o UserKnownHostsFile=/dev/null "
                            + router.address().user() + "@127.0.0.1   (Ctrl-C here stops it)");
                    agent.serveUntilStopped();
                } else {
                    agent.cleanupOnExit();
                }
            }
            console.println("demo finished: connect, banner, exit cleanup, restore on the same port all worked");
            return ExitCode.OK;
        }
    }

    /** Reads the first line a plain TCP client gets from {@code 127.0.0.1:port}: the router's SSH banner. */
    static String banner(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (line == null || !line.startsWith("SSH-2.0-")) {
                throw new NetPilotException("expected an SSH banner through port " + port + ", got " + line);
            }
            return line;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
