package io.netpilot.ssh.internal.tunnel;

import static org.awaitility.Awaitility.await;

import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.Loopback;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * A real OpenSSH relay on {@code 127.0.0.1} set up exactly as {@code docs/relay-setup.md} says: the
 * doc's account commands (section 1) and {@code sshd_config} block (section 2) are read from the doc
 * and run with two fresh, uniquely named accounts, so the doc cannot drift from what is tested. Host
 * keys of all three stock types. Needs root (to add accounts): skipped without it, failed under
 * {@code CI=true}. {@link #close()} stops sshd, ends every process of both accounts by pid and deletes
 * them. Not thread-safe.
 */
final class TwoAccountRelay implements java.io.Closeable {
    private static final Path DOC = findDoc();

    final Path dir;
    final String agent;
    final String tunnel;
    final Path agentHome;
    final int port;
    private Process sshd;

    private TwoAccountRelay(Path dir, String agent, String tunnel, Path agentHome, int port) {
        this.dir = dir;
        this.agent = agent;
        this.tunnel = tunnel;
        this.agentHome = agentHome;
        this.port = port;
    }

    private static Path findDoc() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docs/relay-setup.md"))) {
                return p.resolve("docs/relay-setup.md");
            }
        }
        throw new IllegalStateException("docs/relay-setup.md not found above " + Path.of("").toAbsolutePath());
    }

    /** The first fenced block after {@code heading} in the doc. */
    static String docBlock(String heading) throws IOException {
        String doc = Files.readString(DOC);
        int at = doc.indexOf(heading);
        Matcher m = Pattern.compile("```[a-z_]*\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        if (at < 0 || !m.find(at)) {
            throw new IllegalStateException("no code block after '" + heading + "' in " + DOC);
        }
        return m.group(1);
    }

    private String names(String text) {
        return text.replaceAll("\\bnpagent\\b", agent).replaceAll("\\btunnel\\b", tunnel);
    }

    static TwoAccountRelay start(Path dir) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            String why = "a relay with two accounts needs root to add them";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionFailedError(why + " (CI=true, so this fails instead of skipping)");
            }
            throw new TestAbortedException(why);
        }
        Path sshdBin = Binaries.require("sshd");
        Files.createDirectories(dir);
        Binaries.require("useradd");
        String suffix = Long.toString(Math.abs(new Random().nextLong()) % 2_000_000_000L, 36);
        TwoAccountRelay relay;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            relay = new TwoAccountRelay(dir, "npa" + suffix, "npt" + suffix, Path.of("/home/npa" + suffix), s.getLocalPort());
        }
        try {
            relay.run(relay.names(docBlock("## 1. Accounts and files")));
            Files.createDirectories(Path.of("/run/sshd"));
            List<String> config = new ArrayList<>(List.of("Port " + relay.port, "ListenAddress 127.0.0.1",
                    "PidFile " + dir.resolve("sshd.pid"), "UsePAM no", "PermitRootLogin no"));
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                Path key = dir.resolve("host_" + type);
                relay.run("ssh-keygen -q -t " + type + " -N '' -f " + key);
                config.add("HostKey " + key);
            }
            Path cfg = dir.resolve("sshd_config");
            Files.writeString(cfg, String.join("\n", config) + "\n" + relay.names(docBlock("## 2. sshd_config")));
            relay.sshd = new ProcessBuilder(sshdBin.toString(), "-D", "-e", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            Process p = relay.sshd;
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
                }
                return Loopback.accepting(relay.port);
            });
            return relay;
        } catch (Exception | Error e) {
            relay.close();
            throw e;
        }
    }

    /** Runs {@code script} with {@code sh -e} as root, failing on a non-zero exit. */
    String run(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-ec", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("'" + script + "' failed: " + out);
        }
        return out;
    }

    /** Lets {@code publicKeyLine} log in to the agent account. */
    void authorizeAgent(String publicKeyLine) throws IOException, InterruptedException {
        Files.writeString(agentHome.resolve(".ssh/authorized_keys"), publicKeyLine.strip() + "\n");
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("sshd.log"));
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing the test accounts " + agent + " and " + tunnel, e);
        }
    }

    private void stop() throws IOException, InterruptedException {
        if (sshd != null) {
            sshd.destroy();
            if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        }
        for (String user : List.of(tunnel, agent)) {
            // Every process of the test's own, uniquely named accounts, ended by pid.
            Process ps = new ProcessBuilder("ps", "-o", "pid=", "-u", user).start();
            for (String pid : new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")) {
                if (pid.matches("[0-9]+")) {
                    new ProcessBuilder("kill", "-KILL", pid).start().waitFor();
                }
            }
            ps.waitFor();
            new ProcessBuilder("userdel", "-r", user).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
