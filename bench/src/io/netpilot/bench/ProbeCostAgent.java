package io.netpilot.bench;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.tunnel.TunnelPlumbing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent side of {@link ProbeCostBench}, in its own JVM: opens its relay session through the ssh
 * module's transport (the agent key of HOME, which it prints as {@code KEY line} and then waits for a
 * {@code go} line while the bench authorizes it), warms up, measures its idle CPU rate, then runs the
 * probes sequentially, from CONCURRENCY virtual threads back to back, and a quarter as many paced (200 a
 * second over CONCURRENCY virtual threads, as in a fleet), then paced again on 50 ms ticks, each with the product's probe and a 1 s
 * timeout, and prints {@code RESULT mode rawCpuMicros cpuMicrosLessIdle wallMicros rttP50Micros unreached threads switchesPerProbe} per mode
 * (context switches of the agent's live threads),
 * then {@code BYE}.
 *
 * <p>Usage: {@code ProbeCostAgent HOME RELAY PORT PROBES WARMUP CONCURRENCY}. A main program.
 */
public final class ProbeCostAgent {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final long CLK_TCK = 100;
    private static final int PACED_RATE = 200;
    /** The tick the aligned paced run starts its probes on. */
    private static final int ALIGN_MILLIS = 50;

    private ProbeCostAgent() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        SshAddress relayAddress = SshAddress.parse(args[1]);
        int port = Integer.parseInt(args[2]);
        int probes = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        EndToEndProbe probe = TunnelPlumbing.probe();
        try (SshTransport transport = SshTransport.start(SshSettings.defaults(home.resolve("known_hosts"), home.resolve("agent_ed25519")))) {
            System.out.println("KEY " + transport.agentKeys().publicKeyLine());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("no go");
            }
            try (RemoteShell relay = transport.open(relayAddress, new Credentials.AgentKey(), HostKeyPolicy.ACCEPT_NEW)) {
                run(probe, relay, port, warmup, 1, null);
                run(probe, relay, port, warmup, concurrency, null);
                System.gc();
                Thread.sleep(2000); // the compiler threads finish what the warm-up gave them
                long idle0 = cpuTicks();
                long t0 = System.nanoTime();
                Thread.sleep(5000);
                double idleTicksPerNano = (double) (cpuTicks() - idle0) / (System.nanoTime() - t0);
                System.out.printf(Locale.ROOT, "idle cpu: %.2f %% of a core%n", idleTicksPerNano * 1e9 / CLK_TCK * 100);
                run(probe, relay, port, probes, 1, new Report("sequential", idleTicksPerNano));
                run(probe, relay, port, probes, concurrency, new Report("concurrent", idleTicksPerNano));
                paced(probe, relay, port, probes / 4, concurrency, idleTicksPerNano, 0);
                paced(probe, relay, port, probes / 4, concurrency, idleTicksPerNano, ALIGN_MILLIS);
            }
        }
        System.out.println("BYE");
    }

    private record Report(String mode, double idleTicksPerNano) {}

    private static void run(EndToEndProbe probe, RemoteShell relay, int port, int probes, int threads, Report report) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger unreached = new AtomicInteger();
        List<Long> rtts = Collections.synchronizedList(new ArrayList<>(probes));
        List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        Runnable worker = () -> {
            while (next.getAndIncrement() < probes) {
                ProbeResult r = probe.probe(relay, port, TIMEOUT);
                if (r instanceof ProbeResult.Reached reached) {
                    rtts.add(reached.roundTrip().toNanos());
                } else {
                    unreached.incrementAndGet();
                    if (reasons.size() < 3) {
                        reasons.add(((ProbeResult.Unreached) r).reason());
                    }
                }
            }
        };
        long switches0 = contextSwitches();
        long ticks0 = cpuTicks();
        long t0 = System.nanoTime();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(threads == 1 ? Thread.ofPlatform().start(worker) : Thread.ofVirtual().start(worker));
        }
        for (Thread t : started) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        long ticks = cpuTicks() - ticks0;
        long switches = contextSwitches() - switches0;
        if (report == null) {
            return;
        }
        double rawMicros = ticks * 1e6 / CLK_TCK / probes;
        double cpuMicros = (ticks - report.idleTicksPerNano() * wall) * 1e6 / CLK_TCK / probes;
        List<Long> sorted = new ArrayList<>(rtts);
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2) / 1000;
        reasons.forEach(r -> System.out.println("unreached: " + r));
        System.out.printf(Locale.ROOT, "RESULT %s %.0f %.0f %.0f %d %d %d %.1f%n", report.mode(), rawMicros, cpuMicros, wall / 1e3 / probes, p50,
                unreached.get(), Thread.activeCount(), (double) switches / probes);
    }

    /**
     * Like the fleet: CONCURRENCY virtual threads, each probing at its own even pace, together {@link #PACED_RATE}
     * probes a second, so that most probes start from an idle agent (threads parked, caches cold). With
     * {@code alignMillis}, each probe waits for the next tick of that length, so that probes due close together
     * run together (what a fleet-wide probe tick would do).
     */
    private static void paced(EndToEndProbe probe, RemoteShell relay, int port, int probes, int threads, double idleTicksPerNano,
            int alignMillis) throws Exception {
        long align = alignMillis * 1_000_000L;
        long period = 1_000_000_000L * threads / PACED_RATE;
        int each = Math.max(1, probes / threads);
        AtomicInteger unreached = new AtomicInteger();
        List<Long> rtts = Collections.synchronizedList(new ArrayList<>(probes));
        long switches0 = contextSwitches();
        long ticks0 = cpuTicks();
        long t0 = System.nanoTime();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long first = t0 + period * i / threads;
            started.add(Thread.ofVirtual().start(() -> {
                for (int k = 0; k < each; k++) {
                    long at = first + k * period;
                    if (align > 0) {
                        at = t0 + (at - t0 + align - 1) / align * align;
                    }
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(Duration.ofNanos(wait));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (probe.probe(relay, port, TIMEOUT) instanceof ProbeResult.Reached r) {
                        rtts.add(r.roundTrip().toNanos());
                    } else {
                        unreached.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        long ticks = cpuTicks() - ticks0;
        long switches = contextSwitches() - switches0;
        int done = each * threads;
        double rawMicros = ticks * 1e6 / CLK_TCK / done;
        double cpuMicros = (ticks - idleTicksPerNano * wall) * 1e6 / CLK_TCK / done;
        List<Long> sorted = new ArrayList<>(rtts);
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2) / 1000;
        System.out.printf(Locale.ROOT, "RESULT paced/%d/s%s %.0f %.0f %.0f %d %d %d %.1f%n", PACED_RATE, align > 0 ? "@" + alignMillis + "ms" : "",
                rawMicros, cpuMicros, wall / 1e3 / done, p50,
                unreached.get(), Thread.activeCount(), (double) switches / done);
    }

    /** Context switches (voluntary and not) of this JVM's live threads. */
    private static long contextSwitches() throws IOException {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.contains("ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException ended) {
                    // the thread ended
                }
            }
        }
        return sum;
    }

    /** utime + stime of this JVM, in clock ticks. */
    private static long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
