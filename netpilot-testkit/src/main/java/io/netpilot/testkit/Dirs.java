package io.netpilot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** File-tree chores of the embedded servers, the demo and the benchmarks. Stateless, thread-safe. */
public final class Dirs {
    private Dirs() {}

    /** Deletes everything inside {@code dir}, keeping {@code dir}. Symbolic links are removed, not followed. */
    static void empty(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                if (!p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code dir} and everything inside it; a missing {@code dir} is not an error.
     *
     * @throws UncheckedIOException when something cannot be deleted
     */
    public static void delete(Path dir) {
        empty(dir);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Closes an embedded server at the end of a test, fails when a process it started outlived it,
     * and deletes its temp dir (a dir that cannot be deleted is not the test's failure).
     *
     * @throws AssertionError when a process started through {@code what} is still alive
     */
    static void closeChecked(AutoCloseable server, Supplier<Set<Long>> livePids, String what, Path dir) {
        try {
            try {
                server.close();
            } catch (Exception e) {
                throw new AssertionError("the embedded " + what + " did not close: " + e, e);
            }
            Set<Long> left = livePids.get();
            if (!left.isEmpty()) {
                throw new AssertionError("processes started through the " + what + " are still alive after it closed: " + left);
            }
        } finally {
            try {
                delete(dir);
            } catch (UncheckedIOException e) {
                // A leftover temp dir is not the test's failure.
            }
        }
    }

    static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
