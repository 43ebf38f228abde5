package io.netpilot.bench;

import io.netpilot.testkit.Dirs;
import io.netpilot.testkit.EmbeddedRelay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The probe-cost benchmark of issue 11: what one end-to-end banner probe costs the agent in CPU. The
 * testkit's {@link EmbeddedRelay} and a banner server on {@code 127.0.0.1} (it writes an OpenSSH-like
 * identification line and a key-exchange-sized packet, as a router's SSH server does, then waits for the
 * peer to close) run in this JVM; the agent ({@link ProbeCostAgent}) runs in a JVM of its own, so that
 * the CPU time it reads from {@code /proc/self/stat} is its own alone. The agent opens its relay session
 * through the ssh module's transport and probes the banner server's port through it with the product's
 * probe ({@code TunnelPlumbing.probe()}: {@code direct-tcpip} to the relay's {@code 127.0.0.1:PORT}).
 *
 * <p>Each {@code --mp LABEL=MODULEPATH} runs the agent on that module path (e.g. the jars of an earlier
 * build beside the current ones, so that both are measured in one run, on one relay, in turns);
 * without it, the current build. Usage: {@code ProbeCostBench [--probes 20000] [--warmup 4000]
 * [--concurrency 50] [--rounds 2] [--mp LABEL=PATH]...}. A main program.
 */
public final class ProbeCostBench {
    /** What the banner server writes: an identification line, then about what a KEXINIT packet weighs. */
    private static final byte[] GREETING = greeting();

    private ProbeCostBench() {}

    public static void main(String[] args) throws Exception {
        int probes = 20_000;
        int warmup = 4_000;
        int concurrency = 50;
        int rounds = 2;
        Map<String, String> paths = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--probes" -> probes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--mp" -> {
                    String[] lp = args[++i].split("=", 2);
                    paths.put(lp[0], lp[1]);
                }
                default -> {
                    System.err.println("usage: ProbeCostBench [--probes N] [--warmup N] [--concurrency N] [--rounds N] [--mp LABEL=MODULEPATH]...");
                    System.exit(2);
                }
            }
        }
        if (paths.isEmpty()) {
            paths.put("current", System.getProperty("jdk.module.path"));
        }
        System.out.printf("probe-cost bench: %d probes after %d warm-up, sequential and %d concurrent (virtual threads), %d round(s);"
                + " agent in its own JVM; JDK %s, %d cpu(s)%n", probes, warmup, concurrency, rounds, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-10s %-16s %12s %12s %12s %10s %9s %8s %12s %14s%n", "build", "mode", "cpu us/probe", "less idle", "wall us/probe",
                "rtt p50 us", "unreached", "threads", "ctxsw/probe", "load (1 min)");
        Path root = Files.createTempDirectory("netpilot-probecost-");
        try (ServerSocket banner = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
                EmbeddedRelay relay = EmbeddedRelay.start(root.resolve("relay"))) {
            Thread.ofPlatform().daemon().name("banner-server").start(() -> serve(banner));
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, String> mp : paths.entrySet()) {
                    runAgent(mp.getKey(), mp.getValue(), relay, banner.getLocalPort(), root.resolve("home-" + mp.getKey()),
                            probes, warmup, concurrency);
                }
            }
        } finally {
            Dirs.delete(root);
        }
        System.out.println("cpu: the agent JVM's utime+stime (/proc/self/stat) over the probes / probes; less idle: the same with its idle"
                + " rate (measured before, 5 s) taken off; wall: elapsed / probes; threads: the agent's live threads after the mode; ctxsw: their context switches / probes");
    }

    private static void runAgent(String label, String modulePath, EmbeddedRelay relay, int port, Path home, int probes, int warmup,
            int concurrency) throws Exception {
        String benchClasses = System.getProperty("jdk.module.path").replaceAll(".*:", "");
        String mp = modulePath.endsWith(benchClasses) ? modulePath : modulePath + ":" + benchClasses;
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", "")));
        String extra = System.getenv().getOrDefault("NETPILOT_PROBE_AGENT_OPTS", "").replace("{label}", label);
        if (!extra.isBlank()) {
            cmd.addAll(Arrays.asList(extra.trim().split("\\s+"))); // e.g. -XX:StartFlightRecording=filename=/tmp/probe-{label}.jfr
        }
        cmd.addAll(List.of("-p", mp, "-m", "io.netpilot.bench/io.netpilot.bench.ProbeCostAgent", home.toString(),
                relay.address().toString(), Integer.toString(port), Integer.toString(probes), Integer.toString(warmup),
                Integer.toString(concurrency)));
        Files.createDirectories(home);
        Process agent = new ProcessBuilder(cmd).redirectError(home.resolve("agent.err").toFile()).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter to = new PrintWriter(agent.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("KEY ")) {
                    relay.authorize(line.substring(4));
                    to.println("go");
                } else if (line.startsWith("RESULT ")) {
                    String[] f = line.split(" ");
                    System.out.printf("%-10s %-16s %12s %12s %12s %10s %9s %8s %12s %14s%n", label, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8],
                            load());
                } else if (line.equals("BYE")) {
                    break;
                } else {
                    System.out.println("    " + label + ": " + line);
                }
            }
            if (!agent.waitFor(60, TimeUnit.SECONDS)) {
                System.out.println("    " + label + ": the agent did not exit; see " + home.resolve("agent.err"));
            } else if (agent.exitValue() != 0) {
                System.out.println("    " + label + ": the agent failed (" + agent.exitValue() + "): "
                        + Files.readString(home.resolve("agent.err")).lines().limit(15).toList());
            }
        } finally {
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> greet(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Writes the greeting, then reads until the peer closes, as an SSH server waiting for a client's banner would. */
    private static void greet(Socket s) {
        try (s; OutputStream out = s.getOutputStream(); InputStream in = s.getInputStream()) {
            out.write(GREETING);
            out.flush();
            byte[] sink = new byte[1024];
            while (in.read(sink) >= 0) {
                // the probe sends nothing; wait for its close
            }
        } catch (IOException gone) {
            // the probe closed first
        }
    }

    private static byte[] greeting() {
        byte[] line = "SSH-2.0-OpenSSH_9.6p1 NetPilotBench\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(line, line.length + 1080);
        all[line.length + 3] = 0x34; // a packet length of 1076 bytes, as a KEXINIT's; the rest stays zero
        return all;
    }
}
