package io.netpilot.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds system binaries on {@code PATH} and in the usual system directories. Free of JUnit, so the
 * embedded servers (and {@code netpilot demo}) can use it outside a test; {@link Binaries#require}
 * is the test-facing check. Stateless, thread-safe.
 */
public final class SystemBinaries {
    private static final List<Path> EXTRA_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin"));

    private SystemBinaries() {}

    /**
     * The executable {@code name} if it is installed.
     *
     * @throws IllegalArgumentException when {@code name} is not a plain file name
     */
    public static Optional<Path> find(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains(File.pathSeparator)) {
            throw new IllegalArgumentException("expected a binary's file name such as 'ssh', got '" + name + "'");
        }
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        List<Path> candidates = new ArrayList<>();
        for (Path dir : dirs) {
            candidates.add(dir.resolve(name));
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }
}
