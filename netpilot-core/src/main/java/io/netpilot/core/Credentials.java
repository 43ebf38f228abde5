package io.netpilot.core;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the agent logs in to a host. A password is held only in memory, used once to install the
 * agent's own key, and never written anywhere.
 */
public sealed interface Credentials {
    /** The agent's own key pair from the NetPilot home ({@code id_ed25519}). */
    record AgentKey() implements Credentials {}

    /** A private key file the user gave ({@code --router-key}, {@code --relay-key}). */
    record KeyFile(Path path) implements Credentials {
        public KeyFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * A password, in memory only. Not a record on purpose: its array must not leak through
     * {@code equals}, {@code hashCode} or {@code toString}. Not thread-safe; {@link #clear()} wipes it.
     */
    final class Password implements Credentials {
        private final char[] secret;

        public Password(char[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length == 0) {
                throw new InvalidInputException("password must not be empty");
            }
            this.secret = secret.clone();
        }

        /** A copy of the secret; the caller wipes it after use. */
        public char[] secret() {
            return secret.clone();
        }

        /** Overwrites the secret held here. */
        public void clear() {
            Arrays.fill(secret, '\0');
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    Credentials AGENT_KEY = new AgentKey();
}
