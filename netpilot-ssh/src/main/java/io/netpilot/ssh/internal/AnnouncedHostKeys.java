package io.netpilot.ssh.internal;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.sshd.client.global.OpenSshHostKeysHandler;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenSSH's {@code hostkeys-00@openssh.com}: after login, sshd announces all its host keys over the
 * session that its negotiated key already authenticated. This handler keeps them on the session (so
 * every relay key can be pinned on a router: dbclient picks its own algorithm) and pins, in the home's
 * {@code known_hosts}, each announced key of a type not yet pinned for that host. It never replaces a
 * pinned key and never pins a key marked {@code @revoked}; a changed key stays refused. Thread-safe.
 */
final class AnnouncedHostKeys extends OpenSshHostKeysHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncedHostKeys.class);
    /** The keys the server announced, once it has. */
    static final AttributeKey<List<PublicKey>> ANNOUNCED = new AttributeKey<>();

    private final KnownHostsFile file;

    AnnouncedHostKeys(KnownHostsFile file) {
        this.file = file;
    }

    @Override
    protected RequestHandler.Result handleHostKeys(Session session, Collection<? extends PublicKey> keys, boolean wantReply, Buffer buffer) {
        List<PublicKey> announced = List.copyOf(keys);
        session.setAttribute(ANNOUNCED, announced);
        if (!(session instanceof ClientSession client) || client.getConnectionContext() == null) {
            return RequestHandler.Result.ReplySuccess;
        }
        PinnedHostKeyVerifier.Attempt attempt = client.getConnectionContext().getAttribute(PinnedHostKeyVerifier.ATTEMPT);
        PublicKey negotiated = client.getServerKey();
        if (attempt == null || negotiated == null || announced.stream().noneMatch(k -> KeyUtils.compareKeys(k, negotiated))) {
            // Only a list that contains the key this session verified speaks for the pinned host.
            return RequestHandler.Result.ReplySuccess;
        }
        try {
            synchronized (file) {
                List<PublicKey> pinned = file.pinnedKeys(attempt.address);
                List<PublicKey> revoked = file.revokedKeys();
                List<PublicKey> added = new ArrayList<>();
                for (PublicKey key : announced) {
                    String type = KeyUtils.getKeyType(key);
                    boolean typePinned = pinned.stream().anyMatch(p -> type.equals(KeyUtils.getKeyType(p)));
                    boolean isRevoked = revoked.stream().anyMatch(r -> KeyUtils.compareKeys(r, key));
                    if (!typePinned && !isRevoked) {
                        file.pin(attempt.address, key);
                        pinned = new ArrayList<>(pinned);
                        pinned.add(key);
                        added.add(key);
                    }
                }
                if (!added.isEmpty()) {
                    LOG.info("pinned the other host keys {} announced by {} in {}", added.stream().map(KeyUtils::getFingerPrint)
                            .collect(Collectors.joining(", ")), KnownHostsFile.hostPattern(attempt.address), file.path());
                }
            }
        } catch (Exception e) {
            LOG.warn("could not pin the host keys announced by {}: {}", KnownHostsFile.hostPattern(attempt.address), e.toString());
        }
        return RequestHandler.Result.ReplySuccess;
    }
}
