package io.netpilot.state.internal;

import io.netpilot.core.StateCorruptException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * How NetPilot reads the files of its home: never through a symbolic link, only regular files, and
 * at most {@link #MAX_BYTES} of them. A FIFO would block a reader forever and a link to
 * {@code /dev/zero} would fill the heap; a link planted in a home could make a privileged agent read
 * or change a file that is not its own. Public only so that the API package can use it; not API.
 * Stateless and thread-safe.
 */
public final class HomeFiles {
    /** The largest state or configuration file read: 4 MiB, far above thousands of tunnels. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private HomeFiles() {}

    /** A regular file that holds more than {@link #MAX_BYTES}. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(Path file) {
            super(file + " is larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
        }
    }

    /**
     * What {@code path} is when it is anything but a regular file (or missing), in words:
     * "a symbolic link to ...", "a directory", "a FIFO"...; empty for a regular file or nothing.
     * Looks at the entry itself, never at what a link points to.
     */
    public static Optional<String> notRegular(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("unreadable (" + e + ")");
        }
        if (a.isRegularFile()) {
            return Optional.empty();
        }
        if (a.isSymbolicLink()) {
            String target;
            try {
                target = String.valueOf(Files.readSymbolicLink(path));
            } catch (IOException e) {
                target = "?";
            }
            return Optional.of("a symbolic link (to " + target + ")");
        }
        if (a.isDirectory()) {
            return Optional.of("a directory");
        }
        return Optional.of(kindOfOther(path));
    }

    private static String kindOfOther(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "not a regular file";
        }
    }

    /**
     * Refuses {@code path} unless it is missing or a regular file.
     *
     * @throws StateCorruptException naming what it is and what to do
     */
    public static void requireRegularOrMissing(Path path) {
        notRegular(path).ifPresent(what -> {
            throw new StateCorruptException(path + " is " + what + "; NetPilot uses only regular files in its home and never "
                    + "follows links there: move it away and start again (nothing was changed)");
        });
    }

    /**
     * The bytes of {@code file}, read without following a link; empty when it does not exist.
     *
     * @throws StateCorruptException when it is a link or not a regular file (nothing is opened then)
     * @throws TooLargeException when it holds more than {@link #MAX_BYTES}
     * @throws IOException when it cannot be read (permissions)
     */
    public static Optional<byte[]> read(Path file) throws IOException {
        requireRegularOrMissing(file);
        // O_NOFOLLOW as well: a link made between the look above and the open is refused, not followed.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(MAX_BYTES + 1L, Math.max(16, ch.size() + 1)));
            while (true) {
                if (!buf.hasRemaining()) {
                    if (buf.capacity() > MAX_BYTES) {
                        throw new TooLargeException(file);
                    }
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(MAX_BYTES + 1L, buf.capacity() * 2L));
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            return Optional.of(Arrays.copyOf(buf.array(), buf.position()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
