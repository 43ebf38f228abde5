package io.netpilot.ssh.internal.tunnel;

import static org.awaitility.Awaitility.await;

import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.Loopback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private OpenSSH {@code sshd} on {@code 127.0.0.1} with its own host key, pid file and an absolute
 * {@code authorized_keys} under {@code dir}; the machine's own sshd and {@code ~/.ssh} are never
 * touched. Sessions get {@code NETPILOT_AUTHORIZED_KEYS} and {@code NETPILOT_RELAY_DIR} pointing into
 * {@code dir}. Not thread-safe.
 */
final class PrivateSshd implements AutoCloseable {
    final Path dir;
    final int port;
    final Path authorizedKeys;
    final Path relayDir;
    final String hostKey;
    private final Process process;

    private PrivateSshd(Path dir, int port, String hostKey, Process process) {
        this.dir = dir;
        this.port = port;
        this.authorizedKeys = dir.resolve("authorized_keys");
        this.relayDir = dir.resolve("relay-state");
        this.hostKey = hostKey;
        this.process = process;
    }

    static PrivateSshd start(Path dir) throws IOException, InterruptedException {
        Path sshd = Binaries.require("sshd");
        Path keygen = Binaries.require("ssh-keygen");
        Files.createDirectories(dir);
        Files.createDirectories(Path.of("/run/sshd"));
        Path hostKey = dir.resolve("host_ed25519");
        Process kg = new ProcessBuilder(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString())
                .redirectErrorStream(true).start();
        if (kg.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + new String(kg.getInputStream().readAllBytes()));
        }
        Files.writeString(dir.resolve("authorized_keys"), "");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "UsePAM no",
                "StrictModes no",
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding yes",
                "ClientAliveInterval 5",
                "ClientAliveCountMax 3",
                "SetEnv NETPILOT_AUTHORIZED_KEYS=" + dir.resolve("authorized_keys") + " NETPILOT_RELAY_DIR=" + dir.resolve("relay-state"),
                ""));
        Process p = new ProcessBuilder(List.of(sshd.toString(), "-D", "-e", "-f", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).strip().split(" ");
        PrivateSshd server = new PrivateSshd(dir, port, pub[0] + " " + pub[1], p);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            return Loopback.accepting(port);
        });
        return server;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
