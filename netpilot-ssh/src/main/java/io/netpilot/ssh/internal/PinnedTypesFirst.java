package io.netpilot.ssh.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers first the host key algorithms of the keys pinned for the host, as OpenSSH's client does: a
 * server with several host keys (ed25519, ecdsa and rsa on a stock install) then proves one that is
 * pinned, instead of the client's own first choice reading as a changed key. Other algorithms stay
 * offered after them, so an unknown host still negotiates. Thread-safe.
 */
final class PinnedTypesFirst implements SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedTypesFirst.class);

    private final KnownHostsFile file;

    PinnedTypesFirst(KnownHostsFile file) {
        this.file = file;
    }

    @Override
    public void sessionCreated(Session session) {
        if (!(session instanceof ClientSession client) || client.getConnectionContext() == null) {
            return;
        }
        PinnedHostKeyVerifier.Attempt attempt = client.getConnectionContext().getAttribute(PinnedHostKeyVerifier.ATTEMPT);
        if (attempt == null) {
            return;
        }
        try {
            Set<String> types = file.pinnedKeys(attempt.address).stream().map(KeyUtils::getKeyType).collect(Collectors.toSet());
            if (types.isEmpty()) {
                return;
            }
            List<NamedFactory<Signature>> first = new ArrayList<>();
            List<NamedFactory<Signature>> rest = new ArrayList<>();
            for (NamedFactory<Signature> f : client.getSignatureFactories()) {
                (types.stream().anyMatch(t -> signs(t, f.getName())) ? first : rest).add(f);
            }
            first.addAll(rest);
            client.setSignatureFactories(first);
        } catch (Exception e) {
            LOG.debug("could not order host key algorithms for {}: {}", attempt.address, e.toString());
        }
    }

    /** Whether signature algorithm {@code algorithm} proves a key of type {@code keyType}. */
    static boolean signs(String keyType, String algorithm) {
        if ("ssh-rsa".equals(keyType)) {
            return algorithm.equals("ssh-rsa") || algorithm.startsWith("rsa-sha2-");
        }
        return algorithm.equals(keyType);
    }
}
