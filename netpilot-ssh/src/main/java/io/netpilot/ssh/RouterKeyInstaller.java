package io.netpilot.ssh;

import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.internal.SshInternals;

/**
 * Installs the agent's public key on a router, so that later logins need no password: for root on a
 * dropbear router in {@code /etc/dropbear/authorized_keys}, otherwise in
 * {@code $HOME/.ssh/authorized_keys} (directory 0700, file 0600). Idempotent: a key already present
 * (whatever its comment) is not added again. Stateless and thread-safe.
 */
public interface RouterKeyInstaller {
    /** The installer for real routers (dropbear's directory is {@code /etc/dropbear}). */
    static RouterKeyInstaller create() {
        return SshInternals.keyInstaller("/etc/dropbear");
    }

    /**
     * Adds {@code publicKeyLine} ({@code TYPE BASE64 [COMMENT]}) to the login user's authorized keys.
     *
     * @return whether the key was added (false when it was already there)
     * @throws io.netpilot.core.InvalidInputException when the line is not a public key line
     * @throws io.netpilot.core.RemoteCommandException when the router could not write the file
     */
    boolean install(RemoteShell router, String publicKeyLine);
}
