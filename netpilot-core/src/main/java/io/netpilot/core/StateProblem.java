package io.netpilot.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A state file that could not be read when the store opened, listed by {@link StateStore#problems()}.
 * The store starts without that file's content; the file itself is never deleted.
 *
 * @param file which of the state files it is
 * @param path where the file was found
 * @param reason why it could not be read, for example {@code it is not valid JSON: ...}
 * @param setAsideTo where it was moved so the agent can start without it; empty when the store only
 *     looks (a read-only view leaves it in place, and the next agent start moves it)
 */
public record StateProblem(StateFile file, Path path, String reason, Optional<Path> setAsideTo) {
    /** @throws InvalidInputException when the reason is blank: a problem nobody can explain helps nobody */
    public StateProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(setAsideTo, "setAsideTo");
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("a state problem with " + path + " needs a reason");
        }
    }

    /** What happened and what to do, in one sentence for a person. */
    public String message() {
        return path.getFileName() + " could not be read (" + reason + "); " + setAsideTo
                .map(dest -> "it was moved to " + dest + " and NetPilot starts without it: fix it by hand and move it back while no agent runs")
                .orElse("the next agent start sets it aside");
    }

    /** The same as {@link #message()}. */
    @Override
    public String toString() {
        return message();
    }
}
