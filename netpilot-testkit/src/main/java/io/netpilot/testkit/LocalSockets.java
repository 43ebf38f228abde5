package io.netpilot.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which process a loopback TCP connection comes from, read from Linux's {@code /proc/net/tcp*} and
 * {@code /proc/self/fd}. Stateless.
 */
final class LocalSockets {
    private LocalSockets() {}

    /**
     * Whether the client end of a connection from local port {@code clientPort} to local port
     * {@code serverPort} is a socket of this process. False where {@code /proc} cannot tell.
     */
    static boolean ownedByThisProcess(int clientPort, int serverPort) {
        String local = ":" + hex(clientPort);
        String remote = ":" + hex(serverPort);
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.strip().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                        inodes.add(f[9]);
                    }
                }
            } catch (IOException e) {
                // no such table (no IPv6): nothing found there
            }
        }
        if (inodes.isEmpty()) {
            return false;
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1));
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static String hex(int port) {
        return String.format(Locale.ROOT, "%04X", port);
    }
}
