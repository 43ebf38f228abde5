package io.netpilot.bench;

import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotException;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.OpenSshRelay;
import io.netpilot.testkit.SystemBinaries;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The connect benchmark of issue 9: a {@code netpilot connect} typed while an agent runs (a new CLI
 * process that hands the request to the agent over its control socket), from the process's start until
 * the relay port carries the router's SSH banner; beside it, in the same run and against the same relay
 * and router, the two-hop a technician types: {@code ssh} into the router and {@code ssh -f -N -R} there,
 * from the first {@code ssh}'s start until the relay port carries the banner. Prints both per run, their
 * medians and the ratio. The routers are the testkit's embedded ones on 127.0.0.1, the relay too or a real
 * OpenSSH {@code sshd} ({@code --relay openssh}, as root); the agent is
 * the real {@code netpilot agent} started by the {@code netpilot} launcher, which every CLI call uses too.
 * A first, untimed round warms the agent (its first connect loads the classes of the connect path).
 * Every process it starts is ended and its temp dir removed (kept when {@code NETPILOT_BENCH_KEEP} is set).
 *
 * <p>Usage: {@code ConnectBench --netpilot PATH [--runs N] [--flavour busybox|procps] [--relay embedded|openssh]}.
 * Not thread-safe (a main program).
 */
public final class ConnectBench {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private ConnectBench() {}

    public static void main(String[] args) throws Exception {
        int runs = 5;
        boolean openssh = false;
        Path netpilot = null;
        EmbeddedRouter.Flavour flavour = SystemBinaries.find("busybox").isPresent() ? EmbeddedRouter.Flavour.BUSYBOX : EmbeddedRouter.Flavour.PROCPS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--netpilot" -> netpilot = Path.of(args[++i]);
                case "--flavour" -> flavour = EmbeddedRouter.Flavour.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--relay" -> openssh = switch (args[++i]) {
                    case "openssh" -> true;
                    case "embedded" -> false;
                    default -> usage();
                };
                default -> usage();
            }
        }
        if (runs < 1 || netpilot == null) {
            usage();
        }
        Path ssh = SystemBinaries.find("ssh").orElseThrow(() -> new IllegalStateException("the two-hop needs OpenSSH's ssh: apt-get install openssh-client"));
        List<Long> connects = new ArrayList<>();
        List<Long> twoHops = new ArrayList<>();
        Path root = Files.createTempDirectory("netpilot-connect-bench-");
        NetPilotHome home = NetPilotHome.at(root.resolve("home"));
        String agentKey; // made in the home by the front door, which the CLI's agent then uses
        try (NetPilot np = NetPilot.builder().home(home.root()).open()) {
            agentKey = np.agentPublicKey();
        }
        try (BenchRelay relay = BenchRelay.start(openssh, root.resolve("relay"))) {
            relay.authorize(agentKey);
            Cli cli = new Cli(netpilot, home.root(), root.resolve("cli.log"));
            cli.run(Duration.ofMinutes(3), "status"); // makes the launcher's class cache when there is none
            System.out.printf("connect bench: %d run(s) + 1 warm-up, %s relay, embedded %s routers, JDK %s, %d cpu(s), load %s%n", runs,
                    openssh ? "OpenSSH" : "embedded", flavour.name().toLowerCase(Locale.ROOT), Runtime.version(), Runtime.getRuntime().availableProcessors(), load());
            Process agent = cli.start("agent");
            try {
                awaitAgent(home.controlSocket(), agent);
                for (int i = 0; i <= runs; i++) {
                    try (EmbeddedRouter router = EmbeddedRouter.start(flavour, root.resolve("router" + i))) {
                        router.authorize(agentKey);
                        long c = connect(cli, router, relay, LifecycleBench.freePort());
                        long b = twoHop(ssh, home.agentKeyFile(), root.resolve("twohop" + i), router, relay, LifecycleBench.freePort());
                        cli.run(BOUND, "disconnect", "--all"); // the next run starts with an agent holding no tunnel
                        if (i == 0) {
                            System.out.printf("  warm-up: connect %d ms | two-hop %d ms%n", c, b);
                            continue;
                        }
                        connects.add(c);
                        twoHops.add(b);
                        System.out.printf("  run %d: connect %d ms | two-hop %d ms%n", i, c, b);
                    }
                }
            } finally {
                stop(agent);
            }
        } finally {
            if (System.getenv("NETPILOT_BENCH_KEEP") == null) {
                Dirs.delete(root);
            } else {
                System.out.println("kept " + root + " (the agent's log is in home/)");
            }
        }
        long c = median(connects);
        long b = median(twoHops);
        System.out.println();
        System.out.printf("%-52s %8s %8s %8s%n", "metric (ms, " + runs + " runs)", "median", "min", "max");
        row("netpilot connect (agent running) -> banner", connects);
        row("BASELINE two-hop ssh, ssh -f -N -R -> banner", twoHops);
        System.out.printf("ratio connect / two-hop (medians): %.2f (aim: at most 1.50)%n", (double) c / b);
    }

    private static boolean usage() {
        System.err.println("usage: ConnectBench --netpilot PATH [--runs N] [--flavour busybox|procps] [--relay embedded|openssh]");
        System.exit(2);
        return false;
    }

    /** {@code netpilot connect} with the agent running: the CLI process's start until the relay port answers. */
    private static long connect(Cli cli, EmbeddedRouter router, BenchRelay relay, int port) throws Exception {
        if (System.getenv("NETPILOT_BENCH_KEEP") != null) {
            System.out.println("    netpilot connect started at " + java.time.Instant.now() + " (to compare with the agent's log)");
        }
        long t0 = System.nanoTime();
        Process p = cli.start("connect", "--router", router.address().user() + "@127.0.0.1:" + router.port(),
                "--target-port", Integer.toString(router.port()),
                "--relay", relay.address(),
                "--port-range", port + "-" + port, "--port", Integer.toString(port), "--accept-new-host-keys");
        try {
            // the CLI may end (0) between two looks at the port, so its exit is checked after
            LifecycleBench.awaitBanner(port, null);
            long ms = LifecycleBench.millisSince(t0);
            if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new NetPilotException("netpilot connect did not end with 0; see its output in the bench's cli.log");
            }
            return ms;
        } finally {
            stop(p);
        }
    }

    /**
     * The technician's two-hop: {@code ssh} into the router, which runs {@code ssh -f -N -R} to the relay
     * (with the agent's key, pinned host keys), from the first {@code ssh}'s start until the relay port answers.
     * The router ends the backgrounded {@code ssh} when it closes.
     */
    private static long twoHop(Path ssh, Path key, Path dir, EmbeddedRouter router, BenchRelay relay, int port) throws Exception {
        Files.createDirectories(dir);
        Path routerHosts = dir.resolve("known_hosts_router");
        Path relayHosts = dir.resolve("known_hosts_relay");
        Files.writeString(routerHosts, "[127.0.0.1]:" + router.port() + " " + router.hostPublicKey() + "\n");
        Files.writeString(relayHosts, relay.knownHosts());
        String inner = String.join(" ", ssh.toString(), "-f", "-N", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-i", key.toString(), "-o", "UserKnownHostsFile=" + relayHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "ExitOnForwardFailure=yes", "-p", Integer.toString(relay.port()),
                "-R", "127.0.0.1:" + port + ":127.0.0.1:" + router.port(), relay.user() + "@127.0.0.1",
                "</dev/null", ">/dev/null", "2>&1");
        ProcessBuilder pb = new ProcessBuilder(ssh.toString(), "-T", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-i", key.toString(), "-o", "UserKnownHostsFile=" + routerHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-p", Integer.toString(router.port()), router.address().user() + "@127.0.0.1", inner)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ssh.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("HOME", dir.toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            LifecycleBench.awaitBanner(port, null);
            return LifecycleBench.millisSince(t0);
        } finally {
            stop(p);
        }
    }

    /** The {@code netpilot} launcher on one home; every call's output goes to one log file. */
    private record Cli(Path netpilot, Path home, Path log) {
        Process start(String... command) throws IOException {
            List<String> argv = new ArrayList<>(List.of(netpilot.toString(), "--home", home.toString()));
            argv.addAll(List.of(command));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("NETPILOT_HOME", home.toString());
            return pb.start();
        }

        void run(Duration bound, String... command) throws Exception {
            Process p = start(command);
            if (!p.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
                stop(p);
                throw new NetPilotException("netpilot " + String.join(" ", command) + " did not end within " + bound);
            }
        }
    }

    /** Waits until the agent answers on its control socket. */
    private static void awaitAgent(Path socket, Process agent) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new NetPilotException("the agent exited with " + agent.exitValue() + "; see the bench's cli.log");
            }
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (IOException e) {
                    // not accepting yet
                }
            }
            Thread.sleep(20);
        }
        throw new NetPilotException("the agent did not open " + socket + " within " + BOUND.toSeconds() + " s");
    }

    /** Ends {@code p} (TERM, then KILL after 20 s: the agent cleans up its routers on TERM). */
    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void row(String name, List<Long> values) {
        System.out.printf("%-52s %8d %8d %8d%n", name, median(values),
                values.stream().mapToLong(Long::longValue).min().orElse(0), values.stream().mapToLong(Long::longValue).max().orElse(0));
    }

    private static long median(List<Long> values) {
        return LifecycleBench.median(values);
    }
}
