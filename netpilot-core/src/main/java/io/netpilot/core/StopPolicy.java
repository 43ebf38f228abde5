package io.netpilot.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard to stop a process tree: TERM to every process, wait up to {@code grace}, KILL what is
 * left, verify, and repeat up to {@code attempts} times.
 *
 * @param grace how long processes get to exit after TERM
 * @param attempts how many TERM/KILL rounds, at least 1
 */
public record StopPolicy(Duration grace, int attempts) {
    public static final StopPolicy DEFAULT = new StopPolicy(Duration.ofSeconds(2), 3);

    public StopPolicy {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative() || attempts < 1) {
            throw new InvalidInputException("stop policy needs a non-negative grace and at least one attempt");
        }
    }
}
