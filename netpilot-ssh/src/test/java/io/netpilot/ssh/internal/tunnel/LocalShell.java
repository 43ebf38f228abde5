package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A "host" that is this machine: commands run in a real {@code sh} (dash or busybox) with a private
 * environment (HOME, work dirs) and a marker variable, so that every process they start, detached or
 * not, can be found and ended. Stands in for an SSH session where the transport is not the point.
 * Thread-safe.
 */
final class LocalShell implements RemoteShell {
    static final String MARKER = "NETPILOT_TUNNEL_TEST";

    private final List<String> sh;
    private final Map<String, String> env;
    private final String hostKey;
    private final String marker;

    LocalShell(List<String> sh, Map<String, String> env, String hostKey, String marker) {
        this.sh = List.copyOf(sh);
        this.env = Map.copyOf(env);
        this.hostKey = hostKey;
        this.marker = marker;
    }

    @Override
    public SshAddress address() {
        return new SshAddress(System.getProperty("user.name"), "127.0.0.1", 22);
    }

    @Override
    public String hostPublicKey() {
        return hostKey;
    }

    @Override
    public CommandResult exec(String command, Duration timeout) {
        return exec(command, new byte[0], timeout);
    }

    @Override
    public CommandResult exec(String command, byte[] stdin, Duration timeout) {
        List<String> argv = new ArrayList<>(sh);
        argv.add("-c");
        argv.add(command);
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        e.put("LANG", "C");
        e.putAll(env);
        e.put(MARKER, marker);
        try {
            Path out = Files.createTempFile("np-out", ".txt");
            Path err = Files.createTempFile("np-err", ".txt");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
                Process p = pb.start();
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                }
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new RemoteCommandException("timed out after " + timeout + ": " + command);
                }
                return new CommandResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e2) {
            throw new UncheckedIOException(e2);
        } catch (InterruptedException e2) {
            Thread.currentThread().interrupt();
            throw new RemoteCommandException("interrupted", e2);
        }
    }

    @Override
    public RemoteConnection connectLoopback(int port, Duration timeout) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket that never connected
            }
            throw new HostUnreachableException("127.0.0.1:" + port + " refused: " + e.getMessage());
        }
        return new RemoteConnection() {
            @Override
            public InputStream input() {
                try {
                    return socket.getInputStream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public OutputStream output() {
                try {
                    return socket.getOutputStream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {}

    /** Pids of live processes whose environment carries {@code marker}. */
    static List<Long> marked(String marker) {
        byte[] needle = (MARKER + "=" + marker).getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] environ = Files.readAllBytes(d.resolve("environ"));
                    if (contains(environ, needle) && !Files.readString(d.resolve("stat")).matches("(?s).*\\) Z .*")) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** Ends every process carrying {@code marker} (KILL: tests clean up, they do not test here). */
    static void killMarked(String marker) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Long> pids = marked(marker);
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            return pids.isEmpty();
        });
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (i > 0 && hay[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (i + needle.length == hay.length || hay[i + needle.length] == 0) {
                return true;
            }
        }
        return false;
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
