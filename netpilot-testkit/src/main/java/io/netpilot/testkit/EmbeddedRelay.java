package io.netpilot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.forward.PortForwardingEventListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay on this machine, standing in for OpenSSH on a cloud VM: an SSH server on {@code 127.0.0.1}
 * (Apache MINA SSHD) for the current user, that authenticates keys from an OpenSSH-format
 * {@link #authorizedKeysFile()} (read again on every login) and honours its per-key options:
 * {@code restrict}, {@code port-forwarding}, {@code permitlisten="127.0.0.1:P"} (a key may bind only
 * its ports), {@code permitopen} and {@code command="..."} (the forced command runs instead of what the
 * client asked, in {@code /bin/sh -c}, with {@code SSH_ORIGINAL_COMMAND} set, also for a plain
 * session request such as {@code ssh -T}). Remote forwards ({@code -R}) and {@code direct-tcpip}
 * channels are allowed on loopback only. Commands of unrestricted keys run in {@code /bin/sh -c} with
 * the working directory and {@code HOME} at {@link #root()}; every process is tracked and ended by
 * {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class EmbeddedRelay extends EmbeddedSshServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRelay.class);
    private static final AttributeKey<AuthorizedKeys.Grant> GRANT = new AttributeKey<>();
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path root;
    private final Path authorizedKeys;
    /** Bound remote-forward ports and the session holding each. */
    private final Map<Integer, Session> listeners = new ConcurrentHashMap<>();

    private EmbeddedRelay(Path dir) {
        super("relay");
        this.root = Dirs.create(Objects.requireNonNull(dir, "dir").toAbsolutePath());
        Path ssh = Dirs.create(root.resolve(".ssh"));
        this.authorizedKeys = ssh.resolve("authorized_keys");
        try {
            if (!Files.exists(authorizedKeys)) {
                Files.createFile(authorizedKeys);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + authorizedKeys + ": " + e.getMessage(), e);
        }
        server.setPublickeyAuthenticator((username, key, session) -> {
            if (!user.equals(username)) {
                return false;
            }
            Optional<AuthorizedKeys.Grant> grant = AuthorizedKeys.find(authorizedKeys, key);
            grant.ifPresent(g -> session.setAttribute(GRANT, g));
            return grant.isPresent();
        });
        server.setForwardingFilter(ForwardingFilter.asForwardingFilter(
                AgentForwardingFilter.DEFAULT, X11ForwardingFilter.DEFAULT, new LoopbackFilter()));
        server.addPortForwardingEventListener(new PortForwardingEventListener() {
            @Override
            public void establishedExplicitTunnel(Session session, SshdSocketAddress local, SshdSocketAddress remote,
                    boolean localForwarding, SshdSocketAddress boundAddress, Throwable reason) {
                LOG.debug("relay forward established: local={} remote={} localForwarding={} bound={} reason={}",
                        local, remote, localForwarding, boundAddress, reason);
                if (reason == null && boundAddress != null) {
                    listeners.put(boundAddress.getPort(), session);
                }
            }

            @Override
            public void tornDownExplicitTunnel(Session session, SshdSocketAddress address, boolean localForwarding,
                    SshdSocketAddress remoteAddress, Throwable reason) {
                LOG.debug("relay forward torn down: {} localForwarding={}", address, localForwarding);
                if (address != null) {
                    listeners.remove(address.getPort(), session);
                }
            }
        });
        server.setCommandFactory((channel, command) -> command(channel, Optional.of(command)));
        server.setShellFactory(channel -> command(channel, Optional.empty()));
    }

    /**
     * Starts a relay whose account lives in {@code dir} (created if absent).
     *
     * @throws UncheckedIOException when the server cannot start
     */
    public static EmbeddedRelay start(Path dir) {
        EmbeddedRelay relay = new EmbeddedRelay(dir);
        relay.startServer();
        LOG.info("embedded relay listening on 127.0.0.1:{} ({})", relay.port(), relay.tracker.instanceId());
        return relay;
    }

    /** The account's home: commands run here, with {@code HOME} set to it. */
    public Path root() {
        return root;
    }

    /** {@code root()/.ssh/authorized_keys}, OpenSSH format, read again on every login. */
    public Path authorizedKeysFile() {
        return authorizedKeys;
    }

    /**
     * Appends {@code key} as a plain, unrestricted line (the agent's own key).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public void authorize(PublicKey key) {
        String line = HostKeys.authorizedForm(Objects.requireNonNull(key, "key")) + " netpilot-agent\n";
        try {
            Files.writeString(authorizedKeys, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + authorizedKeys + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends a public key given in {@code authorized_keys} form ({@code TYPE BASE64 [COMMENT]}), such as
     * {@code NetPilot.agentPublicKey()}, as a plain, unrestricted line.
     *
     * @param publicKeyLine the key line
     * @throws IllegalArgumentException when the line holds no readable public key
     * @throws UncheckedIOException when the file cannot be written
     */
    public void authorize(String publicKeyLine) {
        authorize(AuthorizedKeys.publicKey(publicKeyLine));
    }

    /** Whether a remote forward ({@code -R}) of some open session holds a listener on {@code 127.0.0.1:port}. */
    public boolean isListening(int port) {
        Session holder = listeners.get(port);
        return holder != null && holder.isOpen();
    }

    /**
     * How many open sessions logged in with {@code key}; for the agent's key, how many relay sessions
     * the agent holds (the routers' sessions log in with their own keys).
     */
    public int openSessionsOf(PublicKey key) {
        Objects.requireNonNull(key, "key");
        return (int) sessionsOf(key).count();
    }

    /**
     * Ends every open session that logged in with {@code key}, as a relay that drops a client's
     * connection; returns how many it ended.
     */
    public int closeSessionsOf(PublicKey key) {
        Objects.requireNonNull(key, "key");
        List<Session> ended = sessionsOf(key).toList();
        ended.forEach(s -> s.close(true));
        return ended.size();
    }

    private Stream<Session> sessionsOf(PublicKey key) {
        return server.getActiveSessions().stream()
                .filter(Session::isOpen)
                .filter(s -> {
                    AuthorizedKeys.Grant g = s.getAttribute(GRANT);
                    return g != null && KeyUtils.compareKeys(key, g.key());
                })
                .map(Session.class::cast);
    }

    private ShellCommand command(ChannelSession channel, Optional<String> requested) {
        AuthorizedKeys.Grant grant = channel.getSession().getAttribute(GRANT);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", root.toString());
        env.put("PATH", SYSTEM_PATH);
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", "/bin/sh");
        env.put("LANG", "C");
        env.put(ProcessTracker.MARKER, tracker.instanceId());
        List<String> argv = new ArrayList<>(List.of("/bin/sh"));
        Optional<String> forced = grant == null ? Optional.empty() : grant.command();
        if (forced.isPresent()) {
            requested.ifPresent(c -> env.put("SSH_ORIGINAL_COMMAND", c));
            argv.add("-c");
            argv.add(forced.get());
            LOG.debug("relay runs forced command {} instead of {}", forced.get(), requested.orElse("a shell"));
            // As OpenSSH, where a router's session is ended by killing its sshd: a forced command ended by a
            // signal ends its whole session, and with it the port forward, even when the client is long gone.
            return new ShellCommand(argv, env, root, code -> {
                if (code >= 128) {
                    LOG.info("forced command of a router's session ended by signal {}; closing the session", code - 128);
                    channel.getSession().close(true);
                }
            });
        } else if (requested.isPresent()) {
            argv.add("-c");
            argv.add(requested.get());
        }
        return new ShellCommand(argv, env, root);
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost");
    }

    /** Forwarding on loopback only, as each session's grant allows. */
    private static final class LoopbackFilter implements TcpForwardingFilter {
        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            AuthorizedKeys.Grant grant = session.getAttribute(GRANT);
            boolean ok = grant != null && isLoopback(address.getHostName()) && grant.mayListen(address.getHostName(), address.getPort());
            if (!ok) {
                LOG.info("relay refuses to listen on {} for {}", address, grant == null ? "an unknown key" : grant.line());
            }
            return ok;
        }

        @Override
        public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
            AuthorizedKeys.Grant grant = session.getAttribute(GRANT);
            if (grant == null) {
                return false;
            }
            if (type == Type.Forwarded) {
                return true;
            }
            return isLoopback(address.getHostName()) && grant.mayOpen(address.getHostName(), address.getPort());
        }
    }
}
