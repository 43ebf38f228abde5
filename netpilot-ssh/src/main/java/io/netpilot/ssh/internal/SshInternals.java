package io.netpilot.ssh.internal;

import com.google.inject.Module;
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
 * The one door from {@code io.netpilot.ssh}'s API into this package. Public only because Java has no
 * "friend" packages; the package is not exported, so nothing outside this module can use it.
 * Stateless, thread-safe.
 */
public final class SshInternals {
    private SshInternals() {}

    public static SshTransport transport(SshSettings settings) {
        return new MinaSshTransport(settings);
    }

    public static RemoteProcessController processController() {
        return new SshRemoteProcessController();
    }

    public static RouterKeyInstaller keyInstaller(String dropbearDir) {
        return new ShellRouterKeyInstaller(dropbearDir);
    }

    public static Module module(SshSettings settings) {
        return new InternalSshModule(settings);
    }

    public static KeyPair loadOrCreateKeyPair(Path path) {
        return KeyPairFiles.loadOrCreate(path);
    }

    /** {@code TYPE BASE64 COMMENT}. */
    public static String publicKeyLine(PublicKey key, String comment) {
        return PublicKeyEntry.toString(key) + " " + comment;
    }

    public static HostKeyFingerprint fingerprint(PublicKey key) {
        return new HostKeyFingerprint(KeyUtils.getFingerPrint(key));
    }
}
