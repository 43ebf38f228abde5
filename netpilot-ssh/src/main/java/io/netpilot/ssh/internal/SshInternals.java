package io.netpilot.ssh.internal;

import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The one door from {@code io.netpilot.ssh}'s API into this package's package-private
 * implementations. Public only because the API package needs it; this package is not exported, so
 * no other module can reach it (and {@code NetPilotArchitecture.INTERNALS_STAY_IN_THEIR_MODULE}
 * checks that nothing outside netpilot-ssh refers to it). Stateless, thread-safe.
 */
public final class SshInternals {
    private SshInternals() {}

    /**
     * A started transport; see {@link SshTransport#start(SshSettings)}.
     *
     * @throws io.netpilot.core.NetPilotException when the client cannot start
     */
    public static SshTransport transport(SshSettings settings) {
        return new MinaSshTransport(settings);
    }

    /** The process controller for busybox and procps routers; see {@code SshProcessControllers.create()}. */
    public static RemoteProcessController processController() {
        return new SshRemoteProcessController();
    }

    /** A key installer whose dropbear directory is {@code dropbearDir}; see {@link RouterKeyInstaller#create()}. */
    public static RouterKeyInstaller keyInstaller(String dropbearDir) {
        return new ShellRouterKeyInstaller(dropbearDir);
    }

    /**
     * Loads the key pair at {@code path}, or makes an ed25519 pair there; see {@code AgentKeys.loadOrCreate}.
     *
     * @throws io.netpilot.core.InvalidInputException when the file is not a readable, unencrypted OpenSSH key
     * @throws io.netpilot.core.NetPilotException when a new key cannot be written
     */
    public static KeyPair loadOrCreateKeyPair(Path path) {
        return KeyPairFiles.loadOrCreate(path);
    }

    /** {@code key} in {@code authorized_keys} form: {@code TYPE BASE64 COMMENT}. */
    public static String publicKeyLine(PublicKey key, String comment) {
        return PublicKeyEntry.toString(key) + " " + comment;
    }

    /** {@code key}'s SHA256 fingerprint. */
    public static HostKeyFingerprint fingerprint(PublicKey key) {
        return new HostKeyFingerprint(KeyUtils.getFingerPrint(key));
    }
}
