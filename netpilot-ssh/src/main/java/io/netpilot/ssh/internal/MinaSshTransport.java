package io.netpilot.ssh.internal;

import io.netpilot.core.AuthenticationFailedException;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.AgentKeys;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SshTransport} over one started MINA {@link SshClient}. Thread-safe. */
final class MinaSshTransport implements SshTransport {
    private static final Logger LOG = LoggerFactory.getLogger(MinaSshTransport.class);

    private final SshSettings settings;
    private final SshClient client;
    private final Set<MinaRemoteShell> shells = ConcurrentHashMap.newKeySet();
    private final Object keyLock = new Object();
    private volatile AgentKeys agentKeys;
    private volatile boolean closed;

    MinaSshTransport(SshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        KnownHostsFile knownHosts = new KnownHostsFile(settings.knownHosts());
        SshClient c = SshClient.setUpDefaultClient();
        // Never the user's ~/.ssh: no config file, no default identities, our own host key check.
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        c.setFilePasswordProvider(FilePasswordProvider.EMPTY);
        c.setServerKeyVerifier(new PinnedHostKeyVerifier(knownHosts));
        c.setGlobalRequestHandlers(List.of(new AnnouncedHostKeys(knownHosts), KeepAliveHandler.INSTANCE));
        c.addSessionListener(new PinnedTypesFirst(knownHosts));
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(c, settings.connectTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(c, settings.authTimeout());
        // Commands are small request/answer exchanges: without this, Nagle's algorithm and the peer's
        // delayed ACK hold a small packet back for ~40 ms, several times per connect.
        CoreModuleProperties.TCP_NODELAY.set(c, true);
        // MINA looks these up per packet or per channel, walking from the session to the client and on to the
        // JVM's system properties when unset; set here to MINA's own defaults, each lookup ends at the client.
        // (The end-to-end probe opens a channel per tunnel every couple of seconds.)
        for (Property<?> p : List.of(CoreModuleProperties.NIO2_READ_TIMEOUT, CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT,
                CoreModuleProperties.WINDOW_SIZE, CoreModuleProperties.MAX_PACKET_SIZE, CoreModuleProperties.LIMIT_PACKET_SIZE,
                CoreModuleProperties.MAX_CONCURRENT_CHANNELS, CoreModuleProperties.CHANNEL_CLOSE_TIMEOUT)) {
            pinDefault(c, p);
        }
        if (!settings.keepaliveInterval().isZero()) {
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, settings.keepaliveInterval());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, settings.keepaliveMaxMissed());
        }
        c.start();
        this.client = c;
    }

    private static <T> void pinDefault(SshClient client, Property<T> property) {
        property.getDefault().ifPresent(value -> property.set(client, value));
    }

    @Override
    public SshSettings settings() {
        return settings;
    }

    @Override
    public AgentKeys agentKeys() {
        AgentKeys keys = agentKeys;
        if (keys == null) {
            synchronized (keyLock) {
                keys = agentKeys;
                if (keys == null) {
                    keys = AgentKeys.loadOrCreate(settings.agentKey());
                    agentKeys = keys;
                }
            }
        }
        return keys;
    }

    @Override
    public RemoteShell open(SshAddress address, Credentials credentials, HostKeyPolicy policy) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(policy, "policy");
        if (closed) {
            throw new IllegalStateException("the SSH transport is closed");
        }
        // Credentials first: a bad key file fails before anything touches the network.
        KeyPair identity = null;
        char[] password = null;
        String methods;
        switch (credentials) {
            case Credentials.AgentKey agent -> {
                AgentKeys keys = agentKeys();
                identity = keys.keyPair();
                methods = "publickey (the agent key " + keys.fingerprint() + ")";
            }
            case Credentials.KeyFile file -> {
                identity = KeyPairFiles.load(file.path());
                methods = "publickey (key file " + file.path() + ")";
            }
            case Credentials.Password pw -> {
                password = pw.secret();
                methods = "password, keyboard-interactive";
            }
        }
        PinnedHostKeyVerifier.Attempt attempt = new PinnedHostKeyVerifier.Attempt(address, policy);
        AttributeRepository context = AttributeRepository.ofKeyValuePair(PinnedHostKeyVerifier.ATTEMPT, attempt);
        ClientSession session = null;
        boolean connected = false;
        try {
            ConnectFuture connect = client.connect(address.user(), address.host(), address.port(), context, null);
            session = connect.verify(settings.connectTimeout()).getSession();
            connected = true;
            if (identity != null) {
                session.addPublicKeyIdentity(identity);
            }
            if (password != null) {
                session.addPasswordIdentity(new String(password));
            }
            AuthFuture auth = session.auth();
            auth.verify(settings.authTimeout());
            if (password != null) {
                session.removePasswordIdentity(new String(password));
            }
            MinaRemoteShell shell = new MinaRemoteShell(address, session, settings, shells::remove);
            shells.add(shell);
            LOG.debug("logged in to {}", address);
            return shell;
        } catch (IOException | RuntimeException e) {
            closeQuietly(session);
            NetPilotException refusal = attempt.refusal();
            if (refusal != null) {
                refusal.addSuppressed(e);
                throw refusal;
            }
            if (e instanceof NetPilotException npe) {
                throw npe;
            }
            throw translate(address, methods, e, connected, session);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private NetPilotException translate(
            SshAddress address, String methods, Exception e, boolean connected, ClientSession session) {
        String why = SshErrors.describe(e);
        if (!connected) {
            return new HostUnreachableException("cannot reach " + address.hostAndPort() + " (" + why
                    + "); check the host name and port, that the host is up and that its SSH server listens there", e);
        }
        if (SshErrors.isAuthRefusal(e)) {
            return new AuthenticationFailedException(address.host() + " refused the login of " + address.user()
                    + " with " + methods + "; check the user name and that the key is authorized, or the password", e);
        }
        if (SshErrors.isTimeout(e)) {
            return new HostUnreachableException(address.hostAndPort() + " did not complete the SSH login within "
                    + settings.authTimeout().plus(settings.connectTimeout()) + " (" + why
                    + "); check that the host and its network are not overloaded, then retry", e);
        }
        return new HostUnreachableException("lost the connection to " + address.hostAndPort() + " during login ("
                + why + "); check that its SSH server accepts this client (algorithms, MaxStartups) and retry", e);
    }

    private static void closeQuietly(ClientSession session) {
        if (session != null) {
            session.close(true);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (MinaRemoteShell shell : shells) {
            shell.close();
        }
        try {
            client.stop();
        } finally {
            try {
                client.close();
            } catch (IOException e) {
                LOG.debug("closing the SSH client failed", e);
            }
        }
    }

    /** For tests: how many sessions this transport holds open. */
    int openShells() {
        return shells.size();
    }

    /** For tests and the keepalive check. */
    Duration keepaliveInterval() {
        return settings.keepaliveInterval();
    }
}
