package io.netpilot.ssh.internal;

import io.netpilot.core.HostKeyMismatchException;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostKeyUnknownException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.SshAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a server's key against the keys pinned in {@code known_hosts}: a pinned key is accepted, a
 * different key, and a key marked {@code @revoked}, are refused under every policy, an unknown key is pinned only under
 * {@link HostKeyPolicy#ACCEPT_NEW}. A refusal is recorded in the connection's {@link Attempt} so that
 * the caller throws the NetPilot exception instead of MINA's generic one. Thread-safe.
 */
final class PinnedHostKeyVerifier implements ServerKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedHostKeyVerifier.class);
    static final AttributeKey<Attempt> ATTEMPT = new AttributeKey<>();

    private final KnownHostsFile file;

    PinnedHostKeyVerifier(KnownHostsFile file) {
        this.file = file;
    }

    /** One connection attempt: where to, under which policy, and why its key was refused. */
    static final class Attempt {
        final SshAddress address;
        final HostKeyPolicy policy;
        private volatile NetPilotException refusal;

        Attempt(SshAddress address, HostKeyPolicy policy) {
            this.address = address;
            this.policy = policy;
        }

        NetPilotException refusal() {
            return refusal;
        }
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        AttributeRepository context = session.getConnectionContext();
        Attempt attempt = context == null ? null : context.getAttribute(ATTEMPT);
        if (attempt == null) {
            LOG.warn("refusing the key of {}: the session was not opened through NetPilot's transport", remote);
            return false;
        }
        String host = KnownHostsFile.hostPattern(attempt.address);
        String offered = fingerprint(key);
        try {
            synchronized (file) {
                if (file.revokedKeys().stream().anyMatch(k -> KeyUtils.compareKeys(k, key))) {
                    LOG.error("host key of {} ({}) is marked @revoked in {}; refusing", host, offered, file.path());
                    attempt.refusal = new HostKeyMismatchException(host, "no @revoked key (" + file.path() + " revokes " + offered + ")", offered);
                    return false;
                }
                List<PublicKey> pinned = file.pinnedKeys(attempt.address);
                if (pinned.stream().anyMatch(k -> KeyUtils.compareKeys(k, key))) {
                    return true;
                }
                if (!pinned.isEmpty()) {
                    String expected = pinned.stream().map(PinnedHostKeyVerifier::fingerprint).collect(Collectors.joining(", "));
                    LOG.error("host key of {} CHANGED: pinned {}, offered {}; refusing", host, expected, offered);
                    attempt.refusal = new HostKeyMismatchException(host, expected, offered);
                    return false;
                }
                if (attempt.policy == HostKeyPolicy.ACCEPT_NEW) {
                    file.pin(attempt.address, key);
                    LOG.info("pinned the host key of {} ({}) in {}", host, offered, file.path());
                    return true;
                }
                attempt.refusal = new HostKeyUnknownException(host, offered);
                return false;
            }
        } catch (IOException | RuntimeException e) {
            attempt.refusal = new NetPilotException("cannot check the host key of " + host + " against "
                    + file.path() + ": " + e.getMessage() + "; check that the file is readable and well-formed", e);
            return false;
        }
    }

    static String fingerprint(PublicKey key) {
        if (key instanceof KnownHostsFile.UnreadableKey u) {
            return "(a " + u.type() + " key this client cannot read)";
        }
        return KeyUtils.getFingerPrint(key);
    }
}
