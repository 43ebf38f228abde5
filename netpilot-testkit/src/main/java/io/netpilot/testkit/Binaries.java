package io.netpilot.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * The real system binaries tests run ({@code ssh}, {@code autossh}, {@code dbclient}, {@code busybox},
 * {@code sshd}, {@code ssh-keygen}, {@code dropbearkey}...). A missing binary skips the test with a
 * message saying what to install; with the environment variable {@code CI=true} it fails the test
 * instead, so that a CI machine never passes by skipping. Stateless, thread-safe.
 */
public final class Binaries {
    private Binaries() {}

    /**
     * The executable {@code name}, found on {@code PATH} or in the usual system directories.
     *
     * @throws org.opentest4j.TestAbortedException when it is missing outside CI (the test is skipped)
     * @throws AssertionFailedError when it is missing and {@code CI=true}
     * @throws IllegalArgumentException when {@code name} is not a plain file name
     */
    public static Path require(String name) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = "this test needs the system binary '" + name + "', which is not installed: install it (Debian: "
                + packageOf(name) + ") or run on a machine that has it";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionFailedError(message + " (CI=true, so a missing binary fails instead of skipping)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable: Assumptions.abort returned");
    }

    /**
     * Returns when this test runs as root (to add accounts, mount namespaces), else skips it, or fails
     * it when {@code CI=true}, saying {@code why} root is needed.
     *
     * @throws org.opentest4j.TestAbortedException when not root outside CI (the test is skipped)
     * @throws AssertionFailedError when not root and {@code CI=true}
     */
    public static void requireRoot(String why) {
        if ("root".equals(System.getProperty("user.name"))) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionFailedError(why + " (CI=true, so this fails instead of skipping)");
        }
        Assumptions.abort(why);
    }

    /**
     * The executable {@code name} if it is installed; see {@link SystemBinaries#find}.
     *
     * @throws IllegalArgumentException when {@code name} is not a plain file name
     */
    public static Optional<Path> find(String name) {
        return SystemBinaries.find(name);
    }

    private static String packageOf(String name) {
        return switch (name) {
            case "ssh", "ssh-keygen" -> "apt-get install openssh-client";
            case "sshd" -> "apt-get install openssh-server";
            case "dbclient" -> "apt-get install dropbear-bin";
            case "dropbearkey" -> "apt-get install dropbear-bin";
            default -> "apt-get install " + name;
        };
    }
}
