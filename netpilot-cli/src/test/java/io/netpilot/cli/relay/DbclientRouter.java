package io.netpilot.cli.relay;

import static org.awaitility.Awaitility.await;

import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.SshAddress;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.Loopback;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An OpenWrt-like router on this machine: a real {@code dropbear} whose logins see only dbclient as an
 * SSH client (ssh and autossh are bind-mounted over by {@code /dev/null}), busybox as {@code sh} and
 * {@code ps}, and a {@code /tmp} of its own, all in a private mount namespace ({@code unshare -m}), so
 * nothing outside changes. root logs in with the agent's key only. Its host key is a fresh ed25519 one,
 * so two of them on the same port are two routers. {@link #stopServer()} ends dropbear alone (the tunnel
 * processes it started keep running, as on a router whose SSH server restarts); {@link #close()} ends
 * every process of its namespace by pid. Needs root; not thread-safe.
 */
final class DbclientRouter implements AutoCloseable {
    final Path dir;
    final int port;
    final String hostKeyLine;
    private final Process dropbear;
    private final String namespace;

    private DbclientRouter(Path dir, int port, String hostKeyLine, Process dropbear, String namespace) {
        this.dir = dir;
        this.port = port;
        this.hostKeyLine = hostKeyLine;
        this.dropbear = dropbear;
        this.namespace = namespace;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A router on {@code 127.0.0.1:port} that lets {@code agentKeyLine} log in as root. */
    static DbclientRouter start(Path dir, int port, String agentKeyLine) throws Exception {
        Binaries.requireRoot("a dropbear router in its own mount namespace needs root");
        Path dropbearBin = Binaries.require("dropbear");
        Binaries.require("dbclient");
        Path busybox = Binaries.require("busybox");
        Path unshare = Binaries.require("unshare");
        Path root = Files.createDirectories(dir.resolve("root/.ssh")).getParent();
        Files.createDirectories(dir.resolve("tmp"));
        run(List.of("chmod", "700", root.toString(), root.resolve(".ssh").toString()));
        String keygen = run(List.of(Binaries.require("dropbearkey").toString(), "-t", "ed25519", "-f", root.resolve("hostkey").toString()));
        String hostKey = keygen.lines().filter(l -> l.startsWith("ssh-ed25519 ")).findFirst().orElseThrow().strip();
        Files.writeString(root.resolve(".ssh/authorized_keys"), agentKeyLine.strip() + "\n");
        run(List.of("chmod", "600", root.resolve(".ssh/authorized_keys").toString()));
        // root's login shell is /bin/sh (busybox below), as on OpenWrt
        Files.writeString(dir.resolve("passwd"), Files.readString(Path.of("/etc/passwd"))
                .replaceAll("(?m)^(root:[^\\n]*):/bin/bash$", "$1:/bin/sh"));
        StringBuilder mounts = new StringBuilder();
        for (String hidden : List.of("/usr/bin/ssh", "/usr/bin/autossh", "/usr/lib/autossh/autossh")) {
            if (Files.exists(Path.of(hidden))) {
                mounts.append("mount --bind /dev/null ").append(hidden).append(" && ");
            }
        }
        mounts.append("mount --bind ").append(busybox).append(" /usr/bin/ps && ")
                .append("mount --bind ").append(busybox).append(" ").append(Path.of("/bin/sh").toRealPath()).append(" && ")
                .append("mount --bind ").append(dir.resolve("passwd")).append(" /etc/passwd && ")
                .append("mount --bind ").append(root).append(" /root && ")
                .append("mount --bind ").append(dir.resolve("tmp")).append(" /tmp && ")
                .append("exec ").append(dropbearBin).append(" -F -E -s -r /root/hostkey -p 127.0.0.1:").append(port);
        Process p = new ProcessBuilder(unshare.toString(), "-m", "--propagation", "private", "sh", "-c", mounts.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dropbear.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive() || Loopback.accepting(port));
        if (!p.isAlive()) {
            throw new IOException("dropbear did not listen on 127.0.0.1:" + port + ": " + Files.readString(dir.resolve("dropbear.log")));
        }
        return new DbclientRouter(dir, port, hostKey, p, Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/mnt")).toString());
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }

    SshAddress address() {
        return new SshAddress("root", "127.0.0.1", port);
    }

    HostKeyFingerprint hostKey() {
        return HostKeyFingerprint.ofPublicKey(hostKeyLine);
    }

    /** What the router keeps in its {@code /tmp/netpilot} (its own {@code /tmp}). */
    Path workDir() {
        return dir.resolve("tmp/netpilot");
    }

    /** The pid the router's supervisor of {@code token} wrote, when it did. */
    Optional<String> supervisorPid(String token) throws IOException {
        Path pid = workDir().resolve(token + ".pid");
        return Files.exists(pid) ? Optional.of(Files.readString(pid).strip()) : Optional.empty();
    }

    /** Ends dropbear only; what its sessions started keeps running in the namespace. */
    void stopServer() throws InterruptedException {
        dropbear.destroy();
        if (!dropbear.waitFor(5, TimeUnit.SECONDS)) {
            dropbear.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The pids of every process in this router's mount namespace. */
    List<Long> processes() throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return namespace.equals(Files.readSymbolicLink(p.resolve("ns/mnt")).toString());
                } catch (IOException gone) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stopServer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the router on port " + port, e);
        }
        for (int round = 0; round < 3; round++) {
            List<Long> left = processes();
            if (left.isEmpty()) {
                return;
            }
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> h).join());
            }
        }
    }
}
