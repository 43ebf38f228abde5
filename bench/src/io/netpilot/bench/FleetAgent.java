package io.netpilot.bench;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilot;
import io.netpilot.core.PortRange;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The agent side of {@link FleetBench}, run in its own JVM so that its CPU time, threads and memory are
 * the agent's alone (the embedded relay and routers run in the bench's JVM). Opens an agent through the
 * front door on HOME, connects one tunnel per router ({@code -Dnetpilot.fleet.parallel}, 8, at a time; lease TTL
 * {@code -Dnetpilot.fleet.leaseSeconds}, 30), then supervises them until told to
 * stop. Talks on stdout/stdin, one line each:
 * {@code FAILED i why} (tunnel i could not connect), {@code READY n ms i=TUNNEL,...}, {@code BACK TUNNEL} (it came back UP), {@code LEFT TUNNEL STATE REASON} (a tunnel's state left UP, from the
 * events API), {@code HEAP used committed} (bytes, after a full GC, on {@code heap}), and on {@code stop}
 * the exit cleanup ({@link NetPilot#stopTunnels}), {@code CLEANUP entries errors [first error]}, and exit.
 *
 * <p>Usage: {@code FleetAgent HOME RELAY ROUTER...}; default settings, or a probe every
 * {@code -Dnetpilot.fleet.probeMillis} ms. A main program.
 */
public final class FleetAgent {
    private FleetAgent() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        SshAddress relay = SshAddress.parse(args[1]);
        List<SshAddress> routers = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            routers.add(SshAddress.parse(args[i]));
        }
        ManagerSettings settings = ManagerSettings.DEFAULTS;
        Long probeMillis = Long.getLong("netpilot.fleet.probeMillis"); // to tell the probes' share of the cost from the rest
        if (probeMillis != null) {
            settings = settings.withProbing(Duration.ofMillis(probeMillis), settings.probeTimeout(), settings.failuresBeforeRepair());
        }
        // the exit cleanup may take its time here: the bench's 200 routers share its two cores (a real
        // fleet's routers stop in parallel on their own CPUs), and what is measured is that it leaves nothing
        try (NetPilot agent = NetPilot.builder().home(home).settings(settings).exitCleanupBound(Duration.ofMinutes(3)).open()) {
            agent.subscribe(e -> {
                if (e instanceof TunnelEvent.StateChanged c && c.from() instanceof TunnelState.Up && !(c.to() instanceof TunnelState.Up)) {
                    say("LEFT " + c.tunnel() + " " + c.to().name() + " " + c.to().reason().orElse(""));
                } else if (e instanceof TunnelEvent.StateChanged c && !(c.from() instanceof TunnelState.Up) && c.to() instanceof TunnelState.Up) {
                    say("BACK " + c.tunnel());
                }
            });
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("netpilot.fleet.parallel", 8));
            List<Future<TunnelSnapshot>> ups = new ArrayList<>();
            for (SshAddress router : routers) {
                ups.add(pool.submit(() -> connect(agent, router, relay)));
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ups.size(); i++) {
                try {
                    ids.add(i + "=" + ups.get(i).get().id());
                } catch (ExecutionException e) {
                    say("FAILED " + i + " " + e.getCause().getMessage().replace('\n', ' '));
                }
            }
            pool.shutdown();
            say("READY " + routers.size() + " " + LifecycleBench.millisSince(t0) + " " + (ids.isEmpty() ? "-" : String.join(",", ids)));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("heap")) {
                    System.gc();
                    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    say("HEAP " + heap.getUsed() + " " + heap.getCommitted());
                } else if (line.equals("stop")) {
                    CleanupReport report = agent.stopTunnels();
                    List<String> errors = report.entries().stream().flatMap(e -> e.error().stream()).toList();
                    say("CLEANUP " + report.entries().size() + " " + errors.size() + (errors.isEmpty() ? "" : " " + errors.get(0).replace('\n', ' ')));
                    break;
                }
            }
        }
        say("BYE");
    }

    /**
     * Connects one tunnel, again (up to 3 times) when no relay port could be bound: the machine is shared,
     * and other programs may hold ports of the range.
     */
    private static TunnelSnapshot connect(NetPilot agent, SshAddress router, SshAddress relay) {
        for (int attempt = 1;; attempt++) {
            try {
                // relay ports below Linux's ephemeral range (32768-60999): the run's own hundreds of outgoing
                // connections take ephemeral ports, and a relay port among them is refused
                return agent.connect(LifecycleBench.request(router, relay).withPortRange(new PortRange(20000, 29999))
                        .withLeaseTtl(Duration.ofSeconds(Long.getLong("netpilot.fleet.leaseSeconds", 30))));
            } catch (PortUnavailableException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
