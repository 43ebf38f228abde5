package io.netpilot.state.internal;

import io.netpilot.core.StateCorruptException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store sets aside at start: state files it cannot read (moved, never deleted) and temp
 * files a crashed writer left behind. Stateless, thread-safe.
 */
final class SetAside {
    /** Temp files left by a crash are removed at start once they are this old (a live writer's are younger). */
    static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);

    /** The store's logger: these lines are part of the store's account of its start. */
    private static final Logger LOG = LoggerFactory.getLogger(JsonStateStore.class);
    private static final DateTimeFormatter QUARANTINE_STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private SetAside() {}

    /**
     * Moves {@code file}, found unreadable because {@code why}, to {@code <name>.corrupt-<UTC time>}
     * beside it (never over an earlier copy), and returns where it went.
     *
     * @throws StateCorruptException when it cannot be moved
     */
    static Path quarantine(Path file, String why, Clock clock) {
        String stamp = QUARANTINE_STAMP.format(clock.instant());
        Path dest = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
        for (int n = 1; ; n++) {
            try {
                // Not ATOMIC_MOVE: on POSIX that is rename(2), which silently replaces an earlier
                // quarantined copy. Without options the JDK refuses an existing target; within one
                // directory the rename itself is still atomic.
                Files.move(file, dest);
                break;
            } catch (FileAlreadyExistsException e) {
                dest = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + n);
            } catch (IOException e) {
                throw new StateCorruptException(file + " cannot be read (" + why + ") and could not be moved aside (" + e
                        + "); move it away by hand, then start again", e);
            }
            if (n > 1000) {
                throw new StateCorruptException("too many quarantined copies of " + file + "; remove old " + file.getFileName() + ".corrupt-* files");
            }
        }
        AtomicFiles.forceDirectory(file.getParent());
        return dest;
    }

    /** Removes the temp files of {@code file} that a crashed writer left (older than {@link #STALE_TEMP_AGE}). */
    static void removeStaleTempFiles(Path file, Clock clock) {
        Instant cutoff = clock.instant().minus(STALE_TEMP_AGE);
        String glob = "." + file.getFileName() + ".*" + AtomicFiles.TEMP_SUFFIX;
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(file.getParent(), glob)) {
            for (Path tmp : stale) {
                if (Files.getLastModifiedTime(tmp).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(tmp);
                    LOG.info("removed {}, left by an interrupted write (it was never the state)", tmp);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not look for stale temp files beside {}: {}", file, e.toString());
        }
    }
}
