package io.netpilot.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OpenSSH relay on {@code 127.0.0.1} with real, uniquely named accounts and host keys of all
 * three stock types. {@link #start} sets it up exactly as {@code docs/relay-setup.md} says: the doc's
 * account commands (section 1) and {@code sshd_config} block (section 2) are read from the doc, so the
 * doc cannot drift from what is tested. {@link #oneAccount} is the earlier layout: one account for the
 * agent and the routers, its own {@code ~/.ssh/authorized_keys}, no {@code Match} block. Needs root (to
 * add accounts): skipped without it, failed under {@code CI=true}. {@link #close()} stops sshd, ends
 * every process of the accounts by pid and deletes them (a leak fails). Not thread-safe.
 */
public final class OpenSshRelay implements java.io.Closeable {
    private static final Path DOC = findDoc();

    public final Path dir;
    public final String agent;
    public final String tunnel;
    public final Path agentHome;
    public final int port;
    private Process sshd;

    private OpenSshRelay(Path dir, String agent, String tunnel, Path agentHome, int port) {
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
    public static String docBlock(String heading) throws IOException {
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

    public static OpenSshRelay start(Path dir) throws Exception {
        return start(dir, true);
    }

    public static OpenSshRelay oneAccount(Path dir) throws Exception {
        return start(dir, false);
    }

    /** Whether this is the documented two-account layout. */
    public boolean hardened() {
        return !agent.equals(tunnel);
    }

    /** The file the tunnel account's keys are in. */
    public Path keysFile() {
        return hardened() ? agentHome.resolve(".netpilot-relay/router_keys") : agentHome.resolve(".ssh/authorized_keys");
    }

    private static OpenSshRelay start(Path dir, boolean hardened) throws Exception {
        Binaries.requireRoot("a relay with two accounts needs root to add them");
        Binaries.require("sshd");
        Files.createDirectories(dir);
        Binaries.require("useradd");
        String suffix = Long.toString(Math.abs(new Random().nextLong()) % 2_000_000_000L, 36);
        OpenSshRelay relay;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String agent = (hardened ? "npa" : "npo") + suffix;
            relay = new OpenSshRelay(dir, agent, hardened ? "npt" + suffix : agent, Path.of("/home/" + agent), s.getLocalPort());
        }
        try {
            relay.run(hardened ? relay.names(docBlock("## 1. Accounts and files"))
                    : "useradd --create-home --shell /bin/sh " + relay.agent + "; usermod -p '*' " + relay.agent
                            + "; install -d -m 700 -o " + relay.agent + " -g " + relay.agent + " " + relay.agentHome + "/.ssh");
            Files.createDirectories(Path.of("/run/sshd"));
            List<String> config = new ArrayList<>(List.of("Port " + relay.port, "ListenAddress 127.0.0.1",
                    "PidFile " + dir.resolve("sshd.pid"), "UsePAM no", "PermitRootLogin no"));
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                Path key = dir.resolve("host_" + type);
                relay.run("ssh-keygen -q -t " + type + " -N '' -f " + key);
                config.add("HostKey " + key);
            }
            Files.writeString(relay.config(), String.join("\n", config) + "\n"
                    + (hardened ? relay.names(docBlock("## 2. sshd_config")) : "ClientAliveInterval 5\nClientAliveCountMax 3\n"));
            relay.launch();
            return relay;
        } catch (Exception | Error e) {
            relay.close();
            throw e;
        }
    }

    private Path config() {
        return dir.resolve("sshd_config");
    }

    /** Starts sshd in the foreground and returns once it listens. */
    private void launch() throws IOException, InterruptedException {
        sshd = new ProcessBuilder(Binaries.require("sshd").toString(), "-D", "-e", "-f", config().toString())
                .redirectErrorStream(true).start();
        awaitListening(Duration.ofSeconds(10));
    }

    /**
     * The relay restarted as a reboot or a crash restarts it: sshd and every session it serves are killed
     * (SIGKILL, so no session says goodbye), then sshd starts again on the same port with the same host
     * keys, accounts and files. The routers' clients and the agent must come back by themselves.
     */
    public void restart() throws IOException, InterruptedException {
        List<ProcessHandle> sessions = sshd.descendants().toList();
        sessions.forEach(ProcessHandle::destroyForcibly);
        sshd.destroyForcibly();
        if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("sshd " + sshd.pid() + " did not end on SIGKILL");
        }
        killEveryProcessOfTheAccounts();
        launch();
    }

    /** Copies sshd's log to {@code sshd.log} (appending, across restarts) and returns once it says it listens (or fails saying why). */
    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Process p = sshd;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    Writer log = Files.newBufferedWriter(dir.resolve("sshd.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.write(line + "\n");
                    log.flush();
                    if (line.startsWith("Server listening on 127.0.0.1 port " + port)) {
                        listening.complete(null);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IOException("sshd exited: " + logQuietly()));
        });
        try {
            listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("sshd did not listen on 127.0.0.1:" + port + " within " + timeout + ": " + logQuietly(), e);
        }
    }

    private String logQuietly() {
        try {
            return log();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Runs {@code script} with {@code sh -e} as root, failing on a non-zero exit. */
    public String run(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-ec", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("'" + script + "' failed: " + out);
        }
        return out;
    }

    /** Lets {@code publicKeyLine} log in to the agent account. */
    public void authorizeAgent(String publicKeyLine) throws IOException, InterruptedException {
        Files.writeString(agentHome.resolve(".ssh/authorized_keys"), publicKeyLine.strip() + "\n");
        run("chown " + agent + ": " + agentHome.resolve(".ssh/authorized_keys") + "; chmod 600 " + agentHome.resolve(".ssh/authorized_keys"));
    }

    public String log() throws IOException {
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
        killEveryProcessOfTheAccounts();
        for (String user : new java.util.LinkedHashSet<>(List.of(tunnel, agent))) {
            // -f because the killed sessions may linger as zombies (PID 1 here does not reap), which userdel counts as users
            new ProcessBuilder("userdel", "-f", "-r", user).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
            Process left = new ProcessBuilder("getent", "passwd", user).start();
            if (left.waitFor() == 0) {
                throw new IOException("the test account " + user + " could not be deleted: remove it with userdel -f -r " + user);
            }
        }
    }

    /** Ends every process of the test's own, uniquely named accounts, by pid (SIGKILL). */
    private void killEveryProcessOfTheAccounts() throws IOException, InterruptedException {
        for (String user : new java.util.LinkedHashSet<>(List.of(tunnel, agent))) {
            Process ps = new ProcessBuilder("ps", "-o", "pid=", "-u", user).start();
            for (String pid : new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")) {
                if (pid.matches("[0-9]+")) {
                    new ProcessBuilder("kill", "-KILL", pid).start().waitFor();
                }
            }
            ps.waitFor();
        }
    }
}
