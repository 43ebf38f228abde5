package io.netpilot.bench;

import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotException;
import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.OpenSshRelay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The fleet benchmark of issue 11: one agent supervising N tunnels, one per testkit
 * {@link EmbeddedRouter} (each running the real router-side supervisor script and client), all through
 * one relay, a fresh one per size: the testkit's {@link EmbeddedRelay} in the bench's JVM, or with
 * {@code --relay openssh} a real OpenSSH {@code sshd} in its own processes ({@link OpenSshRelay}, one-account
 * layout; needs root), which takes the relay's work off the bench's JVM. The agent runs in its own JVM ({@link FleetAgent}, {@code -Xmx} as given),
 * so what is measured is its share alone: CPU time from {@code /proc/PID/stat} (utime+stime) over a
 * window after a warm-up, divided by the wall time; threads and RSS from {@code /proc/PID/status}; the
 * heap the agent reports after a full GC. Then the router-side processes of one tunnel are killed with
 * SIGKILL and the time until the agent's events say that tunnel left UP is measured. Every process it
 * starts is ended and its temp dir removed.
 *
 * <p>Usage: {@code FleetBench [--sizes 0,1,50,200] [--duration SECONDS] [--warmup SECONDS]
 * [--flavour procps|busybox] [--xmx 256m] [--faults 5] [--relay embedded|openssh] [--lease SECONDS] [--parallel N]}:
 * {@code --lease} is the tunnels' lease TTL (30 s by default, renewed every third of it), {@code --parallel}
 * how many tunnels the agent connects at a time (8). A main program.
 */
public final class FleetBench {
    private static final long CLK_TCK = 100;
    private static final Duration READY_BOUND = Duration.ofMinutes(15);
    private static final Duration DETECT_BOUND = Duration.ofSeconds(60);

    private FleetBench() {}

    private record Line(long nanos, String text) {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(0, 1, 50, 200);
        long duration = 60;
        long warmup = 15;
        String xmx = "256m";
        int faults = 5;
        EmbeddedRouter.Flavour flavour = EmbeddedRouter.Flavour.PROCPS;
        boolean openssh = false;
        long lease = 30;
        int parallel = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--duration" -> duration = Long.parseLong(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                case "--xmx" -> xmx = args[++i];
                case "--faults" -> faults = Integer.parseInt(args[++i]);
                case "--flavour" -> flavour = EmbeddedRouter.Flavour.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--relay" -> openssh = switch (args[++i]) {
                    case "openssh" -> true;
                    case "embedded" -> false;
                    default -> throw new IllegalArgumentException("--relay is embedded or openssh, not " + args[i]);
                };
                case "--lease" -> lease = Long.parseLong(args[++i]);
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: FleetBench [--sizes 0,1,50,200] [--duration S] [--warmup S] [--flavour procps|busybox] [--xmx 256m] [--faults 5] [--relay embedded|openssh] [--lease S] [--parallel N]");
                    System.exit(2);
                }
            }
        }
        System.out.printf("fleet bench: one agent (own JVM, -Xmx%s), %s routers, %s relay, lease %d s, %d connects at a time, %d s warm-up then %d s measured per size; JDK %s, %d cpu(s)%n",
                xmx, flavour.name().toLowerCase(Locale.ROOT), openssh ? "OpenSSH" : "embedded", lease, parallel, warmup, duration,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        Fleet fleet = new Fleet(Duration.ofSeconds(warmup), Duration.ofSeconds(duration), xmx, faults, lease, parallel);
        System.out.printf("%8s %10s %9s %10s %9s %9s %8s %11s %10s %7s%n", "tunnels", "connect s", "cpu %core", "heap MB", "heap/tun",
                "RSS MB", "threads", "threads/tun", "detect ms", "flaps");
        Path root = Files.createTempDirectory("netpilot-fleetbench-");
        List<EmbeddedRouter> routers = new ArrayList<>();
        try {
            double[] idle = null;
            for (int size : sizes) {
                while (routers.size() < size) {
                    routers.add(EmbeddedRouter.start(flavour, root.resolve("router" + routers.size())));
                }
                double[] r;
                // a fresh relay per size: nothing the last fleet left on the relay (a port, a session) is seen by the next
                try (BenchRelay relay = BenchRelay.start(openssh, root.resolve("relay" + size))) {
                    r = run(relay, routers.subList(0, size), root.resolve("home" + size), fleet);
                }
                if (size == 0) {
                    idle = r;
                }
                String perTunnelHeap = size == 0 || idle == null ? "-" : String.format(Locale.ROOT, "%.3f", (r[1] - idle[1]) / size);
                String perTunnelThreads = size == 0 || idle == null ? "-" : String.format(Locale.ROOT, "%.2f", (r[3] - idle[3]) / size);
                System.out.printf(Locale.ROOT, "%8d %10.1f %9.2f %10.1f %9s %9.1f %8.0f %11s %10s %7.0f%n", size, r[5] / 1000, r[0], r[1],
                        perTunnelHeap, r[2], r[3], perTunnelThreads, r[4] < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r[4]), r[6]);
            }
        } finally {
            for (EmbeddedRouter router : routers) {
                router.close();
            }
            Dirs.delete(root);
        }
        System.out.println("cpu: the agent JVM's utime+stime delta / wall over the window; heap: used after a full GC;");
        System.out.println("detect: median over the faults of SIGKILL of one tunnel's router processes -> its state leaves UP (events API); flaps: other tunnels leaving UP in the window");
    }

    /** How each size is run. */
    private record Fleet(Duration warmup, Duration window, String xmx, int faults, long leaseSeconds, int parallel) {}

    /** One fleet; returns {cpu % of a core, heap MB, RSS MB, threads, detect ms (-1 none), connect ms, flaps}. */
    private static double[] run(BenchRelay relay, List<EmbeddedRouter> routers, Path home, Fleet fleet) throws Exception {
        Duration warmup = fleet.warmup();
        Duration window = fleet.window();
        int faults = fleet.faults();
        String key;
        try (NetPilot keyMaker = NetPilot.builder().home(home).open()) {
            key = keyMaker.agentPublicKey();
        }
        relay.authorize(key);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + fleet.xmx(),
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                "-Dnetpilot.fleet.leaseSeconds=" + fleet.leaseSeconds(), "-Dnetpilot.fleet.parallel=" + fleet.parallel()));
        String extra = System.getenv().getOrDefault("NETPILOT_FLEET_AGENT_OPTS", "").replace("{size}", Integer.toString(routers.size()));
        if (!extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+"))); // e.g. -XX:StartFlightRecording=filename=/tmp/fleet-{size}.jfr
        }
        cmd.addAll(List.of("-p", System.getProperty("jdk.module.path"), "-m", "io.netpilot.bench/io.netpilot.bench.FleetAgent",
                home.toString(), relay.address()));
        for (EmbeddedRouter router : routers) {
            router.authorize(key);
            cmd.add(router.address().toString());
        }
        Process agent = new ProcessBuilder(cmd).redirectError(home.resolve("agent.err").toFile()).start();
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    lines.add(new Line(System.nanoTime(), l));
                }
            } catch (IOException e) {
                lines.add(new Line(System.nanoTime(), "EOF " + e));
            }
        });
        PrintWriter to = new PrintWriter(agent.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            Line ready = next(lines, agent, READY_BOUND, l -> l.startsWith("READY"), home);
            String idList = ready.text().split(" ")[3];
            Map<Integer, String> ids = new TreeMap<>();
            if (!idList.equals("-")) {
                for (String pair : idList.split(",")) {
                    ids.put(Integer.valueOf(pair.substring(0, pair.indexOf('='))), pair.substring(pair.indexOf('=') + 1));
                }
            }
            double connectMs = Double.parseDouble(ready.text().split(" ")[2]);
            Thread.sleep(warmup.toMillis());
            drain(lines);
            long ticks0 = cpuTicks(agent.pid());
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            long ticks1 = cpuTicks(agent.pid());
            double wallS = (System.nanoTime() - t0) / 1e9;
            double cpu = 100.0 * (ticks1 - ticks0) / CLK_TCK / wallS;
            List<Line> left = drain(lines).stream().filter(l -> l.text().startsWith("LEFT ")).toList();
            double flaps = left.size();
            left.stream().limit(3).forEach(l -> System.out.println("    flap: " + l.text()));
            double threads = status(agent.pid(), "Threads:");
            double rssMb = status(agent.pid(), "VmRSS:") / 1024;
            to.println("heap");
            String[] heap = next(lines, agent, Duration.ofSeconds(60), l -> l.startsWith("HEAP "), home).text().split(" ");
            double heapMb = Long.parseLong(heap[1]) / 1048576.0;
            double detect = detectMedian(routers, ids, lines, agent, faults, home);
            long stopAt = System.nanoTime();
            to.println("stop");
            String cleanup = next(lines, agent, Duration.ofMinutes(3), l -> l.startsWith("CLEANUP "), home).text();
            next(lines, agent, Duration.ofMinutes(1), l -> l.equals("BYE"), home);
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAt);
            agent.waitFor(30, TimeUnit.SECONDS);
            // the exit cleanup must leave nothing: no lease key line on the relay, no process on a router
            long keyLines = relay.routerKeyLines(key);
            long processes = routers.stream().mapToLong(r -> r.livePids().size()).sum();
            String[] c = cleanup.split(" ", 4);
            System.out.printf("    exit cleanup of %s tunnels: %d ms, %s entries with an error%s; left behind: %d relay key line(s), %d router process(es)%n",
                    c[1], stopMs, c[2], c.length > 3 ? " (first: " + c[3] + ")" : "", keyLines, processes);
            if (ids.size() < routers.size()) {
                System.out.printf("    only %d of %d tunnels connected (see FAILED lines); measured with those%n", ids.size(), routers.size());
            }
            return new double[] {cpu, heapMb, rssMb, threads, detect, connectMs, flaps};
        } finally {
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
            reader.join(1000);
        }
    }

    /**
     * The median over {@code faults} kills of the time from SIGKILL of a tunnel's router processes to its
     * LEFT event, -1 with no tunnels. Kill i hits tunnel i mod N, at a random phase of the probe interval;
     * a tunnel hit again is first awaited back UP.
     */
    private static double detectMedian(List<EmbeddedRouter> routers, Map<Integer, String> ids, BlockingQueue<Line> lines, Process agent,
            int faults, Path home) throws Exception {
        if (ids.isEmpty()) {
            return -1;
        }
        List<Integer> up = List.copyOf(ids.keySet());
        List<Long> times = new ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < faults; i++) {
            int k = up.get(i % up.size());
            String id = ids.get(k);
            if (i >= ids.size()) {
                next(lines, agent, READY_BOUND, l -> l.equals("BACK " + id), home);
            }
            Thread.sleep(random.nextInt(1000));
            drain(lines);
            List<Long> pids = List.copyOf(routers.get(k).livePids());
            long tk = System.nanoTime();
            pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            Line left = next(lines, agent, DETECT_BOUND, l -> l.startsWith("LEFT " + id + " "), home);
            times.add(TimeUnit.NANOSECONDS.toMillis(left.nanos() - tk));
        }
        System.out.println("    detect ms per fault: " + times);
        return LifecycleBench.median(times);
    }

    private static Line next(BlockingQueue<Line> lines, Process agent, Duration bound, Predicate<String> wanted, Path home)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Line l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null && wanted.test(l.text())) {
                return l;
            }
            if (l != null && l.text().startsWith("FAILED ")) {
                System.out.println("    " + l.text()); // a tunnel that could not connect, and why
            }
            if (l != null && skipped.size() < 20) {
                skipped.add(l.text());
            }
            if (l == null && !agent.isAlive()) {
                throw new NetPilotException("the agent exited with " + agent.exitValue() + ": " + tail(home.resolve("agent.err")));
            }
        }
        throw new NetPilotException("the agent did not answer within " + bound + " (it said " + skipped + "): " + tail(home.resolve("agent.err")));
    }

    private static String tail(Path file) throws IOException {
        String s = Files.exists(file) ? Files.readString(file) : "";
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    private static List<Line> drain(BlockingQueue<Line> lines) {
        List<Line> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    /** utime + stime of a process, in clock ticks, from /proc/PID/stat (fields 14 and 15, after the command's closing parenthesis). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A number field of /proc/PID/status (Threads: count, VmRSS: kB). */
    private static double status(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(field)) {
                return Double.parseDouble(l.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new NetPilotException("no " + field + " in /proc/" + pid + "/status");
    }
}
