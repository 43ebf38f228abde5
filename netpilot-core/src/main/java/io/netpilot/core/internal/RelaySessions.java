package io.netpilot.core.internal;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's relay sessions: one per relay {@link Login} (address, credentials, host-key policy),
 * shared by every tunnel that logs in that way, so 200 tunnels through one relay hold one session
 * there (one login, one keepalive, one key exchange) and not 200. SSH multiplexes channels: the
 * tunnels' probes and relay commands run side by side on it.
 *
 * <p>A tunnel {@link #hold holds} a login while it uses it and {@link Hold#release releases} it when
 * it closes its sessions; the session closes when its last holder releases it, and {@link #close}
 * closes every one. A session is opened when a holder asks for it and there is none, or the one there
 * closed. Holders that ask while that login runs wait for the same login, and get its error when it
 * fails: concurrent callers log in once. The login runs on its own virtual thread and no lock is held
 * across it, so a relay that hangs holds up only the tunnels that wait for that login. A holder whose
 * session stopped answering {@link Hold#drop drops} it only when it is still the one there: many
 * tunnels that notice one dead session cause one new login. Commands on a shared session are limited
 * to what an OpenSSH relay allows one connection at once ({@link SharedRelayShell}).
 *
 * <p>Thread-safe: each login's state has its own lock, held only to read or swap it; a {@link Hold} is
 * guarded by its tunnel's lock.
 */
final class RelaySessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySessions.class);

    /**
     * What a relay session is shared by: the same address, the same credentials (a password only with
     * itself) and the same host-key policy, so a session opened trusting a new key is not used where
     * only a pinned one may be.
     */
    record Login(SshAddress address, Credentials credentials, HostKeyPolicy policy) {}

    private final ShellConnector connector;
    private final ConcurrentHashMap<Login, Shared> byLogin = new ConcurrentHashMap<>();
    private volatile boolean closed;

    RelaySessions(ShellConnector connector) {
        this.connector = connector;
    }

    /** Holds {@code login} for one tunnel until {@link Hold#release}; logs in only when asked for the session. */
    Hold hold(Login login) {
        while (true) {
            Shared s = byLogin.computeIfAbsent(login, Shared::new);
            s.lock.lock();
            try {
                if (!s.retired) {
                    s.users++;
                    return new Hold(s);
                }
            } finally {
                s.lock.unlock();
            }
            byLogin.remove(login, s); // its last holder is removing it right now
        }
    }

    /** Closes every session; a login that is still running closes its session when it lands. */
    @Override
    public void close() {
        closed = true;
        for (Shared s : List.copyOf(byLogin.values())) {
            Tunnel.closeQuietly(s.retire());
            byLogin.remove(s.login, s);
        }
    }

    /** One login's session, its holders and the login under way. Guarded by its lock. */
    private final class Shared {
        private final Login login;
        private final ReentrantLock lock = new ReentrantLock();
        private int users;
        private RemoteShell shell;
        private AtOnce<RemoteShell> opening;
        private boolean retired;

        Shared(Login login) {
            this.login = login;
        }

        /** The session when it is open, else the login that opens it (started now when none runs). */
        AtOnce<RemoteShell> open() {
            RemoteShell stale = null;
            AtOnce<RemoteShell> result;
            lock.lock();
            try {
                if (closed || retired) {
                    throw new NetPilotException("the agent is stopping; it logs in to relay " + login.address() + " no more");
                }
                if (shell != null && shell.isOpen()) {
                    return AtOnce.done(shell);
                }
                if (opening == null) {
                    stale = shell;
                    shell = null;
                    opening = AtOnce.start("netpilot-login-" + login.address().host(), this::logIn);
                }
                result = opening;
            } finally {
                lock.unlock();
            }
            Tunnel.closeQuietly(stale);
            return result;
        }

        private RemoteShell logIn() {
            RemoteShell opened = null;
            boolean kept = false;
            try {
                opened = new SharedRelayShell(connector.open(login.address(), login.credentials(), login.policy()));
                LOG.debug("logged in to relay {}; its tunnels share this session", login.address());
            } finally {
                lock.lock();
                try {
                    opening = null;
                    if (opened != null && !closed && !retired) {
                        shell = opened;
                        kept = true;
                    }
                } finally {
                    lock.unlock();
                }
                if (!kept) {
                    Tunnel.closeQuietly(opened); // nobody holds the login any more
                }
            }
            if (!kept) {
                throw new NetPilotException("the login to relay " + login.address()
                        + " is not wanted any more: its tunnels let go of it, or the agent is stopping");
            }
            return opened;
        }

        /** Forgets {@code dead} when it is still the session; returns whether it was. */
        boolean drop(RemoteShell dead) {
            lock.lock();
            try {
                if (shell != dead) {
                    return false;
                }
                shell = null;
            } finally {
                lock.unlock();
            }
            Tunnel.closeQuietly(dead);
            return true;
        }

        /** One holder is gone; the last one closes the session. */
        void release() {
            RemoteShell last;
            lock.lock();
            try {
                if (--users > 0) {
                    return;
                }
                last = retire();
            } finally {
                lock.unlock();
            }
            byLogin.remove(login, this);
            Tunnel.closeQuietly(last);
        }

        /** Takes no holder any more; returns the session to close. */
        private RemoteShell retire() {
            lock.lock();
            try {
                retired = true;
                RemoteShell s = shell;
                shell = null;
                return s;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * One tunnel's hold on a shared session: the session it last used, so it drops only that one.
     * Guarded by the tunnel's lock.
     */
    final class Hold {
        private final Shared shared;
        private RemoteShell used;
        private boolean released;

        private Hold(Shared shared) {
            this.shared = shared;
        }

        /**
         * The session, opened now when there is none or it closed; {@link AtOnce#join()} throws what
         * the login threw.
         */
        AtOnce<RemoteShell> opening() {
            return shared.open();
        }

        /**
         * The session, waiting for its login when one is needed.
         *
         * @throws io.netpilot.core.HostUnreachableException when the relay cannot be reached
         */
        RemoteShell session() {
            used = opening().join();
            return used;
        }

        /** The session this tunnel used stopped answering: dropped, when no other tunnel dropped it already. */
        void drop() {
            RemoteShell dead = used;
            used = null;
            if (dead != null && shared.drop(dead)) {
                LOG.info("the session to relay {} stopped answering; the next use logs in again", shared.login.address());
            }
        }

        /** This tunnel is done with it; the last holder closes the session. */
        void release() {
            if (!released) {
                released = true;
                used = null;
                shared.release();
            }
        }
    }
}
