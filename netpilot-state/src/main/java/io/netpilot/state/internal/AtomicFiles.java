package io.netpilot.state.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, atomic replacement of small files, and owner-only permissions. Public only so that the
 * API package can use it; not API. Stateless and thread-safe (concurrent writers of the same file
 * each leave a complete version; the last rename wins).
 */
public final class AtomicFiles {
    /** {@code 0600}. */
    public static final Set<PosixFilePermission> FILE_PERMISSIONS = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    /** Temp files are {@code .<name>.<random>.tmp} beside their target; never read as state. */
    static final String TEMP_SUFFIX = ".tmp";

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {}

    /**
     * Writes {@code content} to a {@code 0600} temp file beside {@code target}, forces it to disk,
     * renames it over {@code target} atomically and forces the directory, so that after a crash at
     * any moment {@code target} holds either its old or its new content.
     *
     * @throws IOException when any step fails; {@code target} is then unchanged and the temp file removed
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.getParent();
        Path tmp = createTemp(dir, "." + target.getFileName() + ".");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; put the NetPilot home on a local disk", e);
            }
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static Path createTemp(Path dir, String prefix) throws IOException {
        try {
            return Files.createTempFile(dir, prefix, TEMP_SUFFIX, PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, prefix, TEMP_SUFFIX);
        }
    }

    /** Forces a directory's entries to disk; some file systems refuse, which is not an error. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {} ({}); this file system does not support it", dir, e.toString());
        }
    }

    /** The POSIX permissions of {@code path}, or empty on a file system without them. */
    public static Optional<Set<PosixFilePermission>> posixPermissions(Path path) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(view.readAttributes().permissions());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Sets POSIX permissions where the file system has them; elsewhere does nothing. */
    public static void setPermissionsQuietly(Path path, Set<PosixFilePermission> permissions, LinkOption... how) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, how);
        if (view == null) {
            return;
        }
        try {
            view.setPermissions(permissions);
        } catch (IOException e) {
            LOG.warn("cannot restrict the permissions of {} to {} ({}); fix them by hand",
                    path, PosixFilePermissions.toString(permissions), e.toString());
        }
    }
}
