package io.netpilot.state;

import io.netpilot.core.AgentAlreadyRunningException;
import io.netpilot.core.StateCorruptException;
import io.netpilot.state.internal.AtomicFiles;
import io.netpilot.state.internal.HomeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-agent lock of a NetPilot home: an exclusive OS file lock on {@code agent.lock}, which
 * holds the owner's pid. The OS releases it when the process dies in any way ({@code kill -9}
 * included), so a stale lock never blocks the next agent. Use with try-with-resources.
 *
 * <p>Thread-safe. Within one JVM a home can be locked once at a time; a second
 * {@link #acquire} fails like one from another process. The process that holds the lock must not
 * open {@code agent.lock} by any other means (POSIX would drop the lock when that descriptor is
 * closed): use {@link #recordedPid}, which knows.
 */
public final class AgentLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLock.class);
    /**
     * Lock files held by this JVM, by real path. POSIX drops all of a process's locks on a file when
     * the process closes ANY descriptor of it, so this JVM must never open a held lock file again:
     * a second {@link #acquire} is refused from this map, and {@link #recordedPid} reads through the
     * holder's own channel.
     */
    private static final Map<Path, AgentLock> HELD = new ConcurrentHashMap<>();

    /** Marks a lock file while {@link #acquire} is taking it. */
    private static final AgentLock PENDING = new AgentLock(null, null, null, null, -1);

    private final NetPilotHome home;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final long pid;
    private boolean closed;

    private AgentLock(NetPilotHome home, Path file, FileChannel channel, FileLock lock, long pid) {
        this.home = home;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.pid = pid;
    }

    /**
     * Takes the lock of {@code home} at once (never waits) and writes this process's pid into
     * {@code agent.lock}.
     *
     * @throws AgentAlreadyRunningException when another process, or this one, holds it; it names
     *     the holder's pid as read from the file (-1 when unreadable)
     * @throws StateCorruptException when the lock file cannot be opened or written
     */
    public static AgentLock acquire(NetPilotHome home) {
        Path file = lockKey(home);
        long self = ProcessHandle.current().pid();
        if (HELD.putIfAbsent(file, PENDING) != null) {
            AgentAlreadyRunningException e = new AgentAlreadyRunningException(home.toString(), self);
            e.initCause(new OverlappingFileLockException());
            throw e;
        }
        FileChannel channel = null;
        boolean taken = false;
        try {
            // Never through a link: a link planted here would have this agent empty and chmod another file.
            HomeFiles.requireRegularOrMissing(file);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            AtomicFiles.setPermissionsQuietly(file, AtomicFiles.FILE_PERMISSIONS, LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Only reachable when this JVM locked the file behind our back (not through AgentLock).
                AgentAlreadyRunningException refused = new AgentAlreadyRunningException(home.toString(), self);
                refused.initCause(e);
                throw refused;
            }
            if (lock == null) {
                long owner = readPid(channel);
                throw new AgentAlreadyRunningException(home.toString(), owner);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            LOG.info("agent lock of {} taken by pid {}", home, self);
            AgentLock held = new AgentLock(home, file, channel, lock, self);
            HELD.put(file, held);
            taken = true;
            return held;
        } catch (IOException e) {
            throw new StateCorruptException("cannot lock " + file + " (" + e + "); check that the NetPilot home is yours and writable", e);
        } finally {
            if (!taken) {
                if (channel != null) {
                    closeQuietly(channel);
                }
                HELD.remove(file);
            }
        }
    }

    /**
     * The pid written in {@code home}'s lock file, if any. This does not say whether that process still
     * holds the lock; {@link #acquire} does.
     */
    public static OptionalLong recordedPid(NetPilotHome home) {
        AgentLock held = HELD.get(lockKey(home));
        if (held == PENDING) {
            return OptionalLong.empty(); // being taken by this JVM right now; opening the file could drop it
        }
        if (held != null) {
            synchronized (held) {
                long pid = held.closed ? -1 : readPid(held.channel);
                return pid < 0 ? OptionalLong.empty() : OptionalLong.of(pid);
            }
        }
        try {
            String text = HomeFiles.read(home.lockFile()).map(b -> new String(b, StandardCharsets.US_ASCII)).orElse("").strip();
            return text.matches("\\d{1,19}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException | NumberFormatException | StateCorruptException e) {
            return OptionalLong.empty();
        }
    }

    private static Path lockKey(NetPilotHome home) {
        try {
            return home.root().toRealPath().resolve(home.lockFile().getFileName());
        } catch (IOException e) {
            return home.lockFile();
        }
    }

    private static long readPid(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            channel.read(buf, 0);
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,19}") ? Long.parseLong(text) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The home this lock guards. */
    public NetPilotHome home() {
        return home;
    }

    /** The pid of this process, as written in the lock file. */
    public long pid() {
        return pid;
    }

    /** Whether this holder still holds the lock. */
    public synchronized boolean isHeld() {
        return !closed && lock.isValid();
    }

    /** Clears the pid and releases the lock; the file stays (removing it would race the next agent). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing the lock of {}: {}", home, e.toString());
        } finally {
            closeQuietly(channel);
            HELD.remove(file);
            LOG.info("agent lock of {} released", home);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a lock channel: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "AgentLock[" + home + ", pid " + pid + (isHeld() ? "" : ", released") + "]";
    }
}
