package io.netpilot.bench;

import io.netpilot.core.ConnectRequest;
import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortRange;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.SystemBinaries;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle benchmark of issue 4: over the testkit's embedded relay and router on 127.0.0.1, N runs
 * of connect → first banner through the relay port, restore with adopt, and clean exit → last router
 * process gone; beside them the baseline of a bare OpenSSH {@code ssh -N -R} started by hand. Prints the
 * median, min and max of each, in milliseconds. Every process it starts is ended and its temp dir removed.
 *
 * <p>Usage: {@code LifecycleBench [--runs N] [--flavour busybox|procps]}. Not thread-safe (a main program).
 */
public final class LifecycleBench {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private LifecycleBench() {}

    public static void main(String[] args) throws Exception {
        int runs = 5;
        EmbeddedRouter.Flavour flavour = SystemBinaries.find("busybox").isPresent() ? EmbeddedRouter.Flavour.BUSYBOX : EmbeddedRouter.Flavour.PROCPS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--flavour" -> flavour = EmbeddedRouter.Flavour.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                default -> {
                    System.err.println("usage: LifecycleBench [--runs N] [--flavour busybox|procps]");
                    System.exit(2);
                }
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        Path ssh = SystemBinaries.find("ssh").orElseThrow(() -> new IllegalStateException("the baseline needs OpenSSH's ssh: apt-get install openssh-client"));
        Path keygen = SystemBinaries.find("ssh-keygen").orElseThrow(() -> new IllegalStateException("the baseline needs ssh-keygen: apt-get install openssh-client"));

        Map<String, List<Long>> results = new LinkedHashMap<>();
        for (String k : List.of("connect -> first banner", "restore (adopt)", "clean exit -> last router pid gone", "BASELINE ssh -N -R -> first banner")) {
            results.put(k, new ArrayList<>());
        }
        int adopted = 0;
        Path root = Files.createTempDirectory("netpilot-bench-");
        try {
            System.out.printf("lifecycle bench: %d run(s), %s router, JDK %s, %d cpu(s)%n", runs, flavour.name().toLowerCase(java.util.Locale.ROOT),
                    Runtime.version(), Runtime.getRuntime().availableProcessors());
            for (int i = 1; i <= runs; i++) {
                long[] r = lifecycle(flavour, root.resolve("run" + i));
                results.get("connect -> first banner").add(r[0]);
                results.get("restore (adopt)").add(r[1]);
                results.get("clean exit -> last router pid gone").add(r[2]);
                adopted += (int) r[3];
                long b = baseline(flavour, ssh, keygen, root.resolve("base" + i));
                results.get("BASELINE ssh -N -R -> first banner").add(b);
                System.out.printf("  run %d: connect %d ms, restore %d ms%s, clean exit %d ms | baseline %d ms%n",
                        i, r[0], r[1], r[3] == 1 ? " (adopted)" : " (RELAUNCHED)", r[2], b);
            }
        } finally {
            Dirs.delete(root);
        }
        System.out.println();
        System.out.printf("%-38s %8s %8s %8s%n", "metric (ms, " + runs + " runs)", "median", "min", "max");
        results.forEach((name, values) -> System.out.printf("%-38s %8d %8d %8d%n", name, median(values),
                values.stream().mapToLong(Long::longValue).min().orElse(0), values.stream().mapToLong(Long::longValue).max().orElse(0)));
        System.out.printf("restore adopted the running tunnel in %d of %d runs%n", adopted, runs);
        if (adopted != runs) {
            System.exit(1);
        }
    }

    /** One agent lifecycle on fresh servers; returns {connect ms, restore ms, clean-exit ms, 1 if adopted}. */
    private static long[] lifecycle(EmbeddedRouter.Flavour flavour, Path dir) throws Exception {
        Path home = dir.resolve("home");
        try (EmbeddedRelay relay = EmbeddedRelay.start(dir.resolve("relay"));
                EmbeddedRouter router = EmbeddedRouter.start(flavour, dir.resolve("router"))) {
            ConnectRequest request = request(router.address(), relay.address());

            long connectMs;
            int port;
            // One-shot agents through the front door: closing one keeps the router processes running.
            try (NetPilot agent = NetPilot.builder().home(home).open()) {
                relay.authorize(agent.agentPublicKey());
                router.authorize(agent.agentPublicKey());
                long t0 = System.nanoTime();
                TunnelSnapshot t = agent.connect(request);
                port = t.port().orElseThrow(() -> new NetPilotException("connect returned no port: " + t));
                awaitBanner(port);
                connectMs = millisSince(t0);
            }
            // the first agent is gone (sessions closed, lock released) but the router tunnel runs on
            if (router.livePids().isEmpty()) {
                throw new NetPilotException("no router process after the first agent closed");
            }
            String tokenBefore = token(home);

            long restoreMs;
            long cleanupMs;
            boolean adopted;
            long t0 = System.nanoTime();
            try (NetPilot agent = NetPilot.builder().home(home).open()) {
                List<TunnelSnapshot> restored = agent.manager().restore();
                restoreMs = millisSince(t0);
                TunnelSnapshot t = restored.stream().findFirst().orElseThrow(() -> new NetPilotException("nothing restored"));
                if (t.port().orElse(0) != port || !t.state().carriesTraffic()) {
                    throw new NetPilotException("restore gave " + t.state().name() + " on port " + t.port().orElse(0) + ", not UP on " + port);
                }
                // adopting keeps the running processes and so their cleanup token; a relaunch makes a new one
                adopted = token(home).equals(tokenBefore);
                awaitBanner(port);

                long t1 = System.nanoTime();
                agent.manager().cleanup(Duration.ofSeconds(20));
                await(() -> router.livePids().isEmpty(), "router processes " + router.livePids() + " to end");
                cleanupMs = millisSince(t1);
            }
            return new long[] {connectMs, restoreMs, cleanupMs, adopted ? 1 : 0};
        }
    }

    /** A bare {@code ssh -N -R 127.0.0.1:P:127.0.0.1:T}, key auth, pinned host key: start until P yields the banner. */
    private static long baseline(EmbeddedRouter.Flavour flavour, Path ssh, Path keygen, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve("id_ed25519");
        Process gen = new ProcessBuilder(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gen.waitFor(30, TimeUnit.SECONDS) || gen.exitValue() != 0) {
            gen.destroyForcibly();
            throw new NetPilotException("ssh-keygen failed");
        }
        try (EmbeddedRelay relay = EmbeddedRelay.start(dir.resolve("relay"));
                EmbeddedRouter router = EmbeddedRouter.start(flavour, dir.resolve("router"))) {
            Files.writeString(relay.authorizedKeysFile(), Files.readString(dir.resolve("id_ed25519.pub")), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + relay.port() + " " + relay.hostPublicKey() + "\n");
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(ssh.toString(), "-N", "-F", "/dev/null",
                    "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key.toString(),
                    "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                    "-o", "StrictHostKeyChecking=yes", "-o", "ExitOnForwardFailure=yes",
                    "-p", Integer.toString(relay.port()),
                    "-R", "127.0.0.1:" + port + ":127.0.0.1:" + router.port(),
                    relay.address().user() + "@127.0.0.1")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ssh.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("HOME", dir.toString());
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                awaitBanner(port, p);
                return millisSince(t0);
            } finally {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    /** The cleanup token of the one tunnel in the home's {@code tunnel-state.json}. */
    private static String token(Path home) throws IOException {
        Path state = home.resolve("tunnel-state.json");
        java.util.regex.Matcher m = TOKEN.matcher(Files.readString(state));
        if (!m.find()) {
            throw new NetPilotException("no cleanup token in " + state);
        }
        return m.group(1);
    }

    /** The router's own SSH server exposed on the relay, new host keys pinned. */
    static ConnectRequest request(SshAddress router, SshAddress relay) {
        return ConnectRequest.of(router, relay).withPortRange(new PortRange(47000, 47999)).withLeaseTtl(Duration.ofSeconds(30))
                .acceptingNewHostKeys();
    }

    static void awaitBanner(int port) throws InterruptedException {
        awaitBanner(port, null);
    }

    /** Polls {@code 127.0.0.1:port} until a plain TCP client reads {@code SSH-2.0-}. */
    static void awaitBanner(int port, Process owner) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            if (owner != null && !owner.isAlive()) {
                throw new NetPilotException("the baseline ssh exited with " + owner.exitValue() + " before port " + port + " answered");
            }
            Optional<String> line = Loopback.firstLine(port, Duration.ofSeconds(5));
            if (line.filter(l -> l.startsWith("SSH-2.0-")).isPresent()) {
                return;
            }
            last = line.orElse("nothing");
            Thread.sleep(5);
        }
        throw new NetPilotException("no SSH banner through 127.0.0.1:" + port + " within " + BOUND.toSeconds() + " s (last: " + last + ")");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new NetPilotException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
