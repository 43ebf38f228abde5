package io.netpilot.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and ends every process an embedded server started, including detached descendants whose
 * parent is gone ({@code setsid}, {@code nohup}): each command gets the environment variable
 * {@value #MARKER}{@code =<instance id>}, every descendant inherits it, and {@code /proc/<pid>/environ}
 * shows it. Zombies are not counted (they have no environment left, and they run nothing).
 * Thread-safe.
 */
final class ProcessTracker {
    /** The environment variable that marks a process as started by one embedded server. */
    static final String MARKER = "NETPILOT_TESTKIT_INSTANCE";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessTracker.class);
    private static final Path PROC = Path.of("/proc");

    private final String instanceId;
    private final byte[] needle;

    ProcessTracker(String instanceId) {
        this.instanceId = instanceId;
        this.needle = (MARKER + "=" + instanceId).getBytes(StandardCharsets.UTF_8);
    }

    String instanceId() {
        return instanceId;
    }

    /** The pids of live (non-zombie) processes that carry this instance's marker. */
    Set<Long> livePids() {
        Set<Long> pids = new TreeSet<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid != self && carriesMarker(entry) && !isZombie(entry)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc (the testkit needs Linux /proc): " + e.getMessage(), e);
        }
        return pids;
    }

    /**
     * Ends every marked process: TERM, a grace period, then KILL, in rounds until none is left or
     * {@code deadline} passes (a supervisor may fork while it is being stopped).
     *
     * @return the pids still alive at the end (empty on success)
     */
    Set<Long> killAll(Duration grace, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        Set<Long> live = livePids();
        if (live.isEmpty()) {
            return live;
        }
        LOG.debug("ending {} process(es) of {}: {}", live.size(), instanceId, live);
        signal(live, false);
        waitUntilGone(grace);
        live = livePids();
        while (!live.isEmpty() && System.nanoTime() < end) {
            signal(live, true);
            waitUntilGone(Duration.ofMillis(200));
            live = livePids();
        }
        if (!live.isEmpty()) {
            LOG.warn("processes of {} survived KILL: {}", instanceId, live);
        }
        return live;
    }

    private void waitUntilGone(Duration max) {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end && !livePids().isEmpty()) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static void signal(Set<Long> pids, boolean kill) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (kill) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            });
        }
    }

    private boolean carriesMarker(Path procEntry) {
        byte[] env;
        try {
            env = Files.readAllBytes(procEntry.resolve("environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or not ours to read
        }
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == needle.length && regionEquals(env, start)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private boolean regionEquals(byte[] env, int start) {
        for (int j = 0; j < needle.length; j++) {
            if (env[start + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZombie(Path procEntry) {
        try {
            String stat = Files.readString(procEntry.resolve("stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z' || stat.charAt(close + 2) == 'X';
        } catch (IOException e) {
            return true; // gone
        }
    }
}
