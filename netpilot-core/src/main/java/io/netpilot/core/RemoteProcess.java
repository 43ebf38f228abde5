package io.netpilot.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One process on a remote host, as read from {@code ps} (and {@code /proc/<pid>/stat} where
 * {@code ps} has no parent column).
 *
 * @param pid the process id
 * @param ppid the parent's id, 0 when unknown
 * @param user the owner, as {@code ps} shows it
 * @param commandLine the full command line
 */
public record RemoteProcess(int pid, int ppid, String user, String commandLine) {
    /** @throws InvalidInputException when a pid is not positive */
    public RemoteProcess {
        if (pid < 1) {
            throw new InvalidInputException("pid must be positive, not " + pid);
        }
        if (ppid < 0) {
            throw new InvalidInputException("ppid must not be negative, not " + ppid);
        }
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(commandLine, "commandLine");
    }

    /** The cleanup token in this process's command line, if it carries one. */
    public Optional<CleanupToken> token() {
        return CleanupToken.findIn(commandLine);
    }
}
