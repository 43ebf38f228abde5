package io.netpilot.ssh;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import java.nio.file.Path;
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

    /**
     * Logs in to {@code router} once with a password and installs the agent's key (from {@code agentKey},
     * made when missing) there, pinning host keys in {@code knownHosts}. Needs no lock on the home, so it
     * works beside a running agent: what the CLI's {@code connect} and the desktop do before they hand a
     * request to another process's agent (a password never crosses the control socket).
     *
     * @throws io.netpilot.core.NetPilotException (or a subclass naming the step) when the login or the install failed
     */
    static void installAgentKey(Path knownHosts, Path agentKey, SshAddress router, Credentials.Password password, HostKeyPolicy policy) {
        try (SshTransport transport = SshTransport.start(SshSettings.defaults(knownHosts, agentKey));
                RemoteShell shell = transport.open(router, password, policy)) {
            create().install(shell, transport.agentKeys().publicKeyLine());
        }
    }
}
