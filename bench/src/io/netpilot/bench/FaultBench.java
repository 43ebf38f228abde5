package io.netpilot.bench;

import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.RouterClient;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelState;
import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.FaultyLink;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.SystemBinaries;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The fault benchmark of issue 11: the router's path to the relay is blackholed for an outage of the
 * given length and healed, while beside NetPilot's tunnel a plain
 * {@code autossh -M 0 -o ServerAliveInterval=10 -o ServerAliveCountMax=3 -R} runs through the same
 * link. Prints, for each, the time to detect the outage (NetPilot: its state leaves UP; autossh: its
 * ssh exits) and the time from the heal until a new connection through the relay port reads the
 * router's banner. The link spares this JVM, so the agent still reaches the relay (as when only the
 * router's uplink fails). Every process it starts is ended and its temp dir removed.
 *
 * <p>Usage: {@code FaultBench [--outage SECONDS]... [--router autossh|dbclient]}. A main program.
 */
public final class FaultBench {
    private static final Duration AFTER_HEAL = Duration.ofSeconds(120);

    private FaultBench() {}

    public static void main(String[] args) throws Exception {
        List<Long> outages = new java.util.ArrayList<>();
        List<String> routers = new java.util.ArrayList<>();
        long resets = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--outage" -> outages.add(Long.parseLong(args[++i]));
                case "--router" -> routers.add(args[++i].toLowerCase(Locale.ROOT));
                case "--resets" -> resets = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: FaultBench [--outage SECONDS]... [--resets SECONDS] [--router autossh|dbclient]...");
                    System.exit(2);
                }
            }
        }
        if (resets > 0 && outages.isEmpty()) {
            outages = List.of();
        } else if (outages.isEmpty()) {
            outages = List.of(10L, 60L);
        }
        if (routers.isEmpty()) {
            routers = List.of("autossh", "dbclient");
        }
        Path autossh = SystemBinaries.find("autossh").orElseThrow(() -> new IllegalStateException("the baseline needs autossh"));
        Path keygen = SystemBinaries.find("ssh-keygen").orElseThrow(() -> new IllegalStateException("the baseline needs ssh-keygen"));
        System.out.printf("fault bench: faults of the router-relay link; JDK %s, %d cpu(s)%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        if (resets > 0) {
            System.out.printf("the link reset (RST, 1 s) and healed (2 s) again and again for %d s:%n", resets);
            System.out.printf("%-9s %7s %15s %11s %10s %16s %15s %18s%n", "router", "resets", "np client starts", "np relaunch",
                    "np reconn", "np heal->traffic", "autossh ssh starts", "autossh heal->traffic");
            for (String router : routers) {
                Path root = Files.createTempDirectory("netpilot-faultbench-");
                try {
                    long[] r = flap(router, Duration.ofSeconds(resets), autossh, keygen, root);
                    System.out.printf("%-9s %7d %15d %11d %10d %16s %15d %18s%n", router, r[0], r[1], r[2], r[3], ms(r[4]), r[5], ms(r[6]));
                } finally {
                    Dirs.delete(root);
                }
            }
        }
        if (outages.isEmpty()) {
            return;
        }
        System.out.println("blackhole of the link for each outage, then healed:");
        System.out.printf("%-10s %-9s %12s %16s %14s %18s%n", "outage s", "router", "np detect", "np heal->traffic",
                "autossh detect", "autossh heal->traffic");
        for (long outage : outages) {
            for (String router : routers) {
                Path root = Files.createTempDirectory("netpilot-faultbench-");
                try {
                    long[] r = run(router, Duration.ofSeconds(outage), autossh, keygen, root);
                    System.out.printf("%-10d %-9s %12s %16s %14s %18s%n", outage, router, ms(r[0]), ms(r[1]), ms(r[2]), ms(r[3]));
                } finally {
                    Dirs.delete(root);
                }
            }
        }
    }

    private static String ms(long v) {
        return v < 0 ? "not within" : v + " ms";
    }

    /**
     * One router and relay with the faulty link between them, an agent with one tunnel through it, and
     * autossh's tunnel beside it through the same link, both carrying the router's banner.
     */
    private record Scene(EmbeddedRouter router, FaultyLink link, NetPilot agent, TunnelId id, int npPort, int basePort, Process base) {}

    /** What runs in a {@link Scene}. */
    private interface Play {
        long[] in(Scene scene) throws Exception;
    }

    /** Sets a scene up in {@code dir}, plays {@code play} in it, then ends every process of it. */
    private static long[] staged(String routerKind, Path autossh, Path keygen, Path dir, Play play) throws Exception {
        boolean dbclient = routerKind.equals("dbclient");
        EmbeddedRouter.Flavour flavour = dbclient ? EmbeddedRouter.Flavour.BUSYBOX : EmbeddedRouter.Flavour.PROCPS;
        try (EmbeddedRelay relay = EmbeddedRelay.start(dir.resolve("relay"));
                EmbeddedRouter router = EmbeddedRouter.start(flavour, dir.resolve("router"));
                FaultyLink link = FaultyLink.sparingThisProcess(0, "127.0.0.1", relay.port())) {
            SshAddress relayAddress = new SshAddress(relay.address().user(), "127.0.0.1", link.port());
            try (NetPilot agent = NetPilot.builder().home(dir.resolve("home"))
                    .routerClient(dbclient ? RouterClient.DBCLIENT : RouterClient.AUTO).open()) {
                relay.authorize(agent.agentPublicKey());
                router.authorize(agent.agentPublicKey());
                var up = agent.connect(LifecycleBench.request(router.address(), relayAddress));
                int basePort = LifecycleBench.freePort();
                Process base = startAutossh(autossh, keygen, relay, link.port(), basePort, router.port(), dir.resolve("baseline"));
                try {
                    LifecycleBench.awaitBanner(up.port().orElseThrow());
                    LifecycleBench.awaitBanner(basePort);
                    long[] result = play.in(new Scene(router, link, agent, up.id(), up.port().orElseThrow(), basePort, base));
                    agent.disconnect(up.id());
                    return result;
                } finally {
                    base.descendants().forEach(ProcessHandle::destroyForcibly);
                    base.destroyForcibly();
                    base.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** One outage; returns {netpilot detect, netpilot heal->traffic, autossh detect, autossh heal->traffic} in ms, -1 for never. */
    private static long[] run(String routerKind, Duration outage, Path autossh, Path keygen, Path dir) throws Exception {
        return staged(routerKind, autossh, keygen, dir, scene -> {
            long baseSsh = sshChild(scene.base());
            scene.link().blackhole();
            long t0 = System.nanoTime();
            long npDetect = -1;
            long baseDetect = -1;
            long end = t0 + outage.toNanos();
            while (System.nanoTime() < end) {
                if (npDetect < 0 && !(scene.agent().manager().tunnel(scene.id()).orElseThrow().state() instanceof TunnelState.Up)) {
                    npDetect = LifecycleBench.millisSince(t0);
                }
                if (baseDetect < 0 && sshChild(scene.base()) != baseSsh) {
                    baseDetect = LifecycleBench.millisSince(t0);
                }
                Thread.sleep(20);
            }
            scene.link().heal();
            long[] traffic = untilTraffic(scene, () -> { });
            return new long[] {npDetect, traffic[0], baseDetect, traffic[1]};
        });
    }

    /** From now (a heal) until each relay port carries the banner: {NetPilot ms, autossh ms}, -1 for never; {@code meanwhile} runs each round. */
    private static long[] untilTraffic(Scene scene, Runnable meanwhile) throws InterruptedException {
        long t1 = System.nanoTime();
        long npTraffic = -1;
        long baseTraffic = -1;
        while ((npTraffic < 0 || baseTraffic < 0) && System.nanoTime() - t1 < AFTER_HEAL.toNanos()) {
            if (npTraffic < 0 && banner(scene.npPort())) {
                npTraffic = LifecycleBench.millisSince(t1);
            }
            if (baseTraffic < 0 && banner(scene.basePort())) {
                baseTraffic = LifecycleBench.millisSince(t1);
            }
            meanwhile.run();
            Thread.sleep(10);
        }
        return new long[] {npTraffic, baseTraffic};
    }

    /**
     * The link reset (every connection through it gets an RST, new ones are refused for 1 s) and healed for
     * 2 s, again and again for {@code span}, then healed for good. Returns {resets, NetPilot's router client
     * starts (ssh or dbclient processes seen on the router, polled every 20 ms), relaunches by the agent,
     * reconnects in its metrics, NetPilot heal->traffic ms, autossh's ssh starts, autossh heal->traffic ms}.
     */
    private static long[] flap(String routerKind, Duration span, Path autossh, Path keygen, Path dir) throws Exception {
        java.util.concurrent.atomic.AtomicLong relaunches = new java.util.concurrent.atomic.AtomicLong();
        return staged(routerKind, autossh, keygen, dir, scene -> {
            scene.agent().subscribe(e -> {
                if (e instanceof io.netpilot.core.TunnelEvent.StateChanged c && c.to() instanceof TunnelState.Recovering
                        && c.to().reason().orElse("").contains("relaunching")) {
                    relaunches.incrementAndGet();
                }
            });
            java.util.Set<Long> routerClients = new java.util.HashSet<>();
            clients(scene.router(), routerClients);
            int clientsBefore = routerClients.size();
            java.util.Set<Long> sshs = new java.util.HashSet<>(List.of(sshChild(scene.base())));
            long resets = 0;
            long end = System.nanoTime() + span.toNanos();
            while (true) {
                scene.link().cut();
                resets++;
                watch(scene, sshs, routerClients, Duration.ofSeconds(1));
                if (System.nanoTime() >= end) {
                    break;
                }
                scene.link().heal();
                watch(scene, sshs, routerClients, Duration.ofSeconds(2));
            }
            scene.link().heal(); // for good: the last reset's heal is the one timed
            long[] traffic = untilTraffic(scene, () -> {
                sshs.add(sshChild(scene.base()));
                clients(scene.router(), routerClients);
            });
            sshs.remove(-1L);
            long reconnects = scene.agent().manager().tunnel(scene.id()).orElseThrow().metrics().reconnects();
            return new long[] {resets, routerClients.size() - clientsBefore, relaunches.get(), reconnects, traffic[0], sshs.size() - 1,
                traffic[1]};
        });
    }

    /** Notes every ssh autossh starts and every client the router starts, for {@code span}. */
    private static void watch(Scene scene, java.util.Set<Long> seen, java.util.Set<Long> routerClients, Duration span)
            throws InterruptedException {
        long end = System.nanoTime() + span.toNanos();
        while (System.nanoTime() < end) {
            seen.add(sshChild(scene.base()));
            clients(scene.router(), routerClients);
            Thread.sleep(20);
        }
    }

    /** Notes the pid of every SSH client (ssh or dbclient) running on the router's side now. */
    private static void clients(EmbeddedRouter router, java.util.Set<Long> seen) {
        for (long pid : router.livePids()) {
            ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> Path.of(c).getFileName().toString())
                    .filter(c -> c.equals("ssh") || c.equals("dbclient")).ifPresent(c -> seen.add(pid));
        }
    }

    private static boolean banner(int port) {
        return Loopback.firstLine(port, Duration.ofMillis(500)).filter(l -> l.startsWith("SSH-2.0-")).isPresent();
    }

    /** The pid of autossh's current ssh, or -1. */
    private static long sshChild(Process autossh) {
        return autossh.children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    /** {@code autossh -M 0 -N -o ServerAliveInterval=10 -o ServerAliveCountMax=3 -R 127.0.0.1:P:127.0.0.1:T} through the link. */
    private static Process startAutossh(Path autossh, Path keygen, EmbeddedRelay relay, int linkPort, int port, int target, Path dir)
            throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve("id_ed25519");
        Process gen = new ProcessBuilder(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gen.waitFor(30, TimeUnit.SECONDS) || gen.exitValue() != 0) {
            throw new NetPilotException("ssh-keygen failed");
        }
        Files.writeString(relay.authorizedKeysFile(), Files.readString(dir.resolve("id_ed25519.pub")), StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + linkPort + " " + relay.hostPublicKey() + "\n");
        ProcessBuilder pb = new ProcessBuilder(autossh.toString(), "-M", "0", "-N", "-F", "/dev/null",
                "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=3",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key.toString(),
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "ExitOnForwardFailure=yes",
                "-p", Integer.toString(linkPort), "-R", "127.0.0.1:" + port + ":127.0.0.1:" + target,
                relay.address().user() + "@127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("autossh.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("AUTOSSH_GATETIME", "0");
        return pb.start();
    }
}
