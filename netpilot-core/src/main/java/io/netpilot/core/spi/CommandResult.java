package io.netpilot.core.spi;

import io.netpilot.core.RemoteCommandException;
import java.util.Objects;

/**
 * How a remote command ended.
 *
 * @param exitCode its exit status
 * @param stdout what it wrote to standard output (bounded)
 * @param stderr what it wrote to standard error (bounded)
 */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * This result, when the command succeeded.
     *
     * @throws RemoteCommandException naming {@code what} and the command's error output otherwise
     */
    public CommandResult orThrow(String what) {
        if (!succeeded()) {
            String detail = stderr.isBlank() ? stdout.strip() : stderr.strip();
            if (detail.length() > 500) {
                detail = detail.substring(0, 500) + "...";
            }
            throw new RemoteCommandException(what + " failed (exit " + exitCode + ")" + (detail.isEmpty() ? "" : ": " + detail));
        }
        return this;
    }
}
