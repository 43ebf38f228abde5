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
 * The one door from {@code io.netpilot.ssh}'s API into this package. Package-private like every
 * implementation here (the architecture rules forbid public classes in {@code internal}); the API
 * package reaches it reflectively, inside this module, through {@code io.netpilot.ssh.Internals}.
 * Keep the method names unique: they are looked up by name. Stateless, thread-safe.
 */
final class SshInternals {
    private SshInternals() {}

    static SshTransport transport(SshSettings settings) {
        return new MinaSshTransport(settings);
    }

    static RemoteProcessController processController() {
        return new SshRemoteProcessController();
    }

    static RouterKeyInstaller keyInstaller(String dropbearDir) {
        return new ShellRouterKeyInstaller(dropbearDir);
    }

    static Module module(SshSettings settings) {
        return new InternalSshModule(settings);
    }

    static KeyPair loadOrCreateKeyPair(Path path) {
        return KeyPairFiles.loadOrCreate(path);
    }

    /** {@code TYPE BASE64 COMMENT}. */
    static String publicKeyLine(PublicKey key, String comment) {
        return PublicKeyEntry.toString(key) + " " + comment;
    }

    static HostKeyFingerprint fingerprint(PublicKey key) {
        return new HostKeyFingerprint(KeyUtils.getFingerPrint(key));
    }
}
