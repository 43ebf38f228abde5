package io.netpilot.ssh;

import io.netpilot.core.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the agent's SSH client behaves. Immutable and thread-safe.
 *
 * @param knownHosts the OpenSSH {@code known_hosts} file where host keys are pinned (created on first pin)
 * @param agentKey the agent's private key file ({@code id_ed25519}); made on first use
 * @param connectTimeout how long a TCP connect plus key exchange may take
 * @param authTimeout how long authentication may take
 * @param commandTimeout the default bound for a remote command when a caller has none
 * @param keepaliveInterval how often an idle session is probed; zero turns keepalives off
 * @param keepaliveMaxMissed how many unanswered keepalives close the session
 * @param outputLimit the most bytes of stdout, and of stderr, a command may produce
 */
public record SshSettings(
        Path knownHosts,
        Path agentKey,
        Duration connectTimeout,
        Duration authTimeout,
        Duration commandTimeout,
        Duration keepaliveInterval,
        int keepaliveMaxMissed,
        int outputLimit) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_KEEPALIVE_MAX_MISSED = 3;
    /** 1 MiB. */
    public static final int DEFAULT_OUTPUT_LIMIT = 1 << 20;

    /** @throws InvalidInputException when a duration is not positive or a bound is out of range */
    public SshSettings {
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(agentKey, "agentKey");
        positive("connect timeout", connectTimeout);
        positive("auth timeout", authTimeout);
        positive("command timeout", commandTimeout);
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        if (keepaliveInterval.isNegative()) {
            throw new InvalidInputException("keepalive interval must not be negative, not " + keepaliveInterval);
        }
        if (keepaliveMaxMissed < 1) {
            throw new InvalidInputException("keepaliveMaxMissed must be at least 1, not " + keepaliveMaxMissed);
        }
        if (outputLimit < 1024) {
            throw new InvalidInputException("output limit must be at least 1024 bytes, not " + outputLimit);
        }
    }

    /** The defaults, with the two files of a NetPilot home. */
    public static SshSettings defaults(Path knownHosts, Path agentKey) {
        return builder(knownHosts, agentKey).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder(Path knownHosts, Path agentKey) {
        return new Builder(knownHosts, agentKey);
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new InvalidInputException(what + " must be positive, not " + d);
        }
    }

    /** Builds {@link SshSettings}; not thread-safe. */
    public static final class Builder {
        private final Path knownHosts;
        private final Path agentKey;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration keepaliveInterval = DEFAULT_KEEPALIVE_INTERVAL;
        private int keepaliveMaxMissed = DEFAULT_KEEPALIVE_MAX_MISSED;
        private int outputLimit = DEFAULT_OUTPUT_LIMIT;

        private Builder(Path knownHosts, Path agentKey) {
            this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts");
            this.agentKey = Objects.requireNonNull(agentKey, "agentKey");
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder authTimeout(Duration value) {
            authTimeout = value;
            return this;
        }

        public Builder commandTimeout(Duration value) {
            commandTimeout = value;
            return this;
        }

        public Builder keepaliveInterval(Duration value) {
            keepaliveInterval = value;
            return this;
        }

        public Builder keepaliveMaxMissed(int value) {
            keepaliveMaxMissed = value;
            return this;
        }

        public Builder outputLimit(int bytes) {
            outputLimit = bytes;
            return this;
        }

        /** @throws InvalidInputException when a value is out of range */
        public SshSettings build() {
            return new SshSettings(knownHosts, agentKey, connectTimeout, authTimeout, commandTimeout,
                    keepaliveInterval, keepaliveMaxMissed, outputLimit);
        }
    }
}
