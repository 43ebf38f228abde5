package io.netpilot.ssh;

import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.ssh.internal.SshInternals;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Objects;

/**
 * The agent's own key pair, kept in the NetPilot home: an ed25519 private key in OpenSSH format
 * (file mode 0600) with its {@code .pub} beside it. Immutable and thread-safe.
 */
public final class AgentKeys {
    private final Path path;
    private final KeyPair keyPair;
    private final String publicKeyLine;
    private final HostKeyFingerprint fingerprint;

    private AgentKeys(Path path, KeyPair keyPair, String publicKeyLine, HostKeyFingerprint fingerprint) {
        this.path = path;
        this.keyPair = keyPair;
        this.publicKeyLine = publicKeyLine;
        this.fingerprint = fingerprint;
    }

    /**
     * Loads the key pair at {@code privateKey}, or makes a new ed25519 pair there (and its
     * {@code .pub}) when the file does not exist. Safe to call concurrently for the same path.
     *
     * @throws io.netpilot.core.InvalidInputException when the file exists but is not a readable,
     *     unencrypted OpenSSH private key
     * @throws io.netpilot.core.NetPilotException when a new key cannot be written
     */
    public static AgentKeys loadOrCreate(Path privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        KeyPair pair = SshInternals.loadOrCreateKeyPair(privateKey);
        return new AgentKeys(privateKey, pair, SshInternals.publicKeyLine(pair.getPublic(), "netpilot-agent"),
                SshInternals.fingerprint(pair.getPublic()));
    }

    /** The private key file. */
    public Path path() {
        return path;
    }

    /** The key pair, for authentication. */
    public KeyPair keyPair() {
        return keyPair;
    }

    /** The public key in {@code authorized_keys} form: {@code ssh-ed25519 AAAA... netpilot-agent}. */
    public String publicKeyLine() {
        return publicKeyLine;
    }

    /** The public key's SHA256 fingerprint. */
    public HostKeyFingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "AgentKeys[" + path + ", " + fingerprint + "]";
    }
}
