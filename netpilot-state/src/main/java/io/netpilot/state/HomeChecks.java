package io.netpilot.state;

import io.netpilot.core.InvalidInputException;
import io.netpilot.core.StateCorruptException;
import io.netpilot.state.internal.HomeFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Optional;

/**
 * What makes a directory safe to use as a NetPilot home: it belongs to the user running NetPilot,
 * and nothing NetPilot opens in it by name is a symbolic link or anything but a regular file. An
 * agent run by root on another user's home, with {@code agent.lock} linked to a file of root's,
 * used to empty and chmod that file. Stateless, thread-safe.
 */
final class HomeChecks {
    /** The files NetPilot opens in the home by name (agent.sock is a socket; its server checks it). */
    private static final List<String> FILES = List.of("agent.lock", "tunnel-state.json", "port-allocations.json",
            "router-connections.json", "known_hosts", "id_ed25519", "id_ed25519.pub", "config.json");

    private HomeChecks() {}

    /**
     * Refuses a home (or a link to one) owned by another user. A home that does not exist yet is made
     * by this user, so it passes.
     *
     * @throws InvalidInputException naming the owner, before anything was created or changed
     */
    static void requireOwnHome(Path root) {
        Optional<UserPrincipal> me = currentUser();
        if (me.isEmpty()) {
            return; // a file system without owners (not POSIX): nothing to compare
        }
        for (LinkOption[] how : List.of(new LinkOption[] {LinkOption.NOFOLLOW_LINKS}, new LinkOption[0])) {
            UserPrincipal owner;
            try {
                owner = Files.getOwner(root, how);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException | UnsupportedOperationException e) {
                return;
            }
            if (!owner.equals(me.get())) {
                throw new InvalidInputException("the NetPilot home " + root + (how.length == 0 && Files.isSymbolicLink(root) ? " (a link)" : "")
                        + " belongs to " + owner.getName() + ", not to you (" + me.get().getName()
                        + "); NetPilot uses only a home of its own user: run it as " + owner.getName()
                        + ", or choose your own home with --home or " + NetPilotHome.ENV_VAR + " (nothing was changed)");
            }
        }
    }

    private static Optional<UserPrincipal> currentUser() {
        try {
            return Optional.of(FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * Refuses a home where a file NetPilot opens by name, {@code logs/}, or anything in {@code logs/}
     * is a symbolic link or of the wrong kind.
     *
     * @throws StateCorruptException naming the entry, before anything was opened through it
     */
    static void requireNoLinks(Path root) {
        FILES.forEach(name -> HomeFiles.requireRegularOrMissing(root.resolve(name)));
        Path logs = root.resolve("logs");
        if (Files.isSymbolicLink(logs) || (Files.exists(logs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(logs, LinkOption.NOFOLLOW_LINKS))) {
            throw new StateCorruptException(logs + " is not a directory of its own (" + HomeFiles.notRegular(logs).orElse("a file")
                    + "); NetPilot never follows links in its home: move it away and start again (nothing was changed)");
        }
        if (!Files.isDirectory(logs, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(logs)) {
            entries.forEach(HomeFiles::requireRegularOrMissing);
        } catch (IOException e) {
            throw new StateCorruptException("cannot list " + logs + " (" + e + "); it should be a directory owned by you", e);
        }
    }
}
