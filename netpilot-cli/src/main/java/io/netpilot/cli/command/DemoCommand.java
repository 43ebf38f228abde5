package io.netpilot.cli.command;

import io.netpilot.cli.internal.AgentRuntime;
import io.netpilot.cli.internal.ConnectArgs;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.StatusTable;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.SystemBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("netpilot-demo-");
        try {
            return run(dir);
        } finally {
            Dirs.delete(dir);
        }
    }

    private int run(Path dir) {
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

    /** The router's SSH banner as a plain TCP client on {@code 127.0.0.1:port} reads it. */
    static String banner(int port) {
        return Loopback.sshBanner(port, Duration.ofSeconds(10))
                .orElseThrow(() -> new NetPilotException("expected the router's SSH banner through port " + port + ", got nothing"));
    }
}
