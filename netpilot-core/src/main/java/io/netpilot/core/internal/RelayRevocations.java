package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RevocationResult;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.SweepReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a disconnected tunnel off the relay for good, and keeps the relay free of what this agent no
 * longer wants: {@link #revoke} removes a tunnel's key line and ends its relay session, and keeps a
 * {@link PendingRevocation} in the state when the relay could not be cleaned; {@link #tidy} (agent
 * start, {@code cleanup}, and every {@code retryInterval} once {@link #start}ed) retries those and
 * sweeps each relay of this agent's lines, sessions and leases that no wanted tunnel owns. A lease is
 * given back only once nothing of its tunnel is left and nothing listens on its port. Thread-safe.
 */
final class RelayRevocations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayRevocations.class);

    /** A relay as the agent logs in to it: the address and the remembered key file. */
    private record RelayLogin(SshAddress address, Optional<Path> key) {
        static RelayLogin of(TunnelSpec spec) {
            return new RelayLogin(spec.relay().address(), spec.keys().relay());
        }
    }

    private final ShellConnector connector;
    private final RelayGateway gateway;
    private final RouterIdentity identity;
    private final StateStore store;
    private final Recorder recorder;
    private final Supplier<Set<CleanupToken>> liveTokens;
    private final ReentrantLock tidying = new ReentrantLock();
    private volatile ScheduledExecutorService timer;

    /** @param liveTokens tokens of tunnels in memory and of launches under way, which are wanted even before they are stored */
    RelayRevocations(ShellConnector connector, RelayGateway gateway, RouterIdentity identity, StateStore store,
            Recorder recorder, Supplier<Set<CleanupToken>> liveTokens) {
        this.connector = connector;
        this.gateway = gateway;
        this.identity = identity;
        this.store = store;
        this.recorder = recorder;
        this.liveTokens = liveTokens;
    }

    /**
     * Revokes {@code token} of a tunnel being disconnected: its key line goes and its relay session
     * ends; its port lease is given back once that is certain. When the relay could not be cleaned the
     * revocation is kept pending in the state.
     *
     * @param router the router's session when it could be opened (names the lease owner)
     * @param relay opens the relay's session
     * @return what is left on the relay, empty when nothing is
     */
    Optional<String> revoke(TunnelSpec spec, Optional<RemoteShell> router, Supplier<RemoteShell> relay, CleanupToken token) {
        RevocationResult result;
        RemoteShell shell = null;
        try {
            shell = relay.get();
            RemoteShell s = shell;
            result = Hosts.onRelay(spec, () -> gateway.revokeTunnel(s, token));
        } catch (NetPilotException e) {
            result = new RevocationResult.Failed(token, e.getMessage());
        }
        return finish(spec, router, shell, result);
    }

    /** Records the outcome of one attempt; returns what is left, empty when the revocation is done. */
    private Optional<String> finish(TunnelSpec spec, Optional<RemoteShell> router, RemoteShell relay, RevocationResult result) {
        CleanupToken token = result.token();
        String left = switch (result) {
            case RevocationResult.Revoked r when !r.portStillListening() -> released(spec, router, relay, token);
            case RevocationResult.Revoked r -> "relay port " + token.port() + " still listens after " + token
                    + " was revoked; its lease is kept until it is free";
            case RevocationResult.SessionLeft r -> "the router's relay session of " + token + " still runs: " + r.reason();
            case RevocationResult.Failed r -> "the relay authorization of " + token + " could not be revoked: " + r.reason();
        };
        if (left == null) {
            store.removePendingRevocation(token);
            LOG.info("revoked {} on relay {} and gave port {} back", token, spec.relay().address(), token.port());
            return Optional.empty();
        }
        PendingRevocation pending = store.pendingRevocations().stream().filter(p -> p.token().equals(token)).findFirst()
                .map(p -> p.withReason(left)).orElseGet(() -> new PendingRevocation(spec, token, left, recorder.now()));
        store.savePendingRevocation(pending);
        LOG.warn("revocation of {} is pending, retried later: {}", token, left);
        return Optional.of(left + " (kept in the agent's state and retried at its next start, on cleanup and every few minutes)");
    }

    /** Gives the port back; null when done, else what is left. */
    private String released(TunnelSpec spec, Optional<RemoteShell> router, RemoteShell relay, CleanupToken token) {
        try {
            Hosts.runOnRelay(spec, () -> identity.release(spec, router, relay, token.port()));
            store.removePortLease(spec.relay().address().hostAndPort(), token.port());
            return null;
        } catch (NetPilotException e) {
            return token + " was revoked, but the lease of relay port " + token.port() + " could not be given back: " + e.getMessage();
        }
    }

    /**
     * Retries every pending revocation, then sweeps every relay this agent uses (of wanted tunnels and
     * of pending revocations) of what no wanted tunnel owns. Failures are logged; the next tidy retries.
     *
     * @return the revocations still pending
     */
    List<PendingRevocation> tidy() {
        tidying.lock();
        try {
            Map<RelayLogin, TunnelSpec> relays = relaysInUse(); // before the retries forget their relays
            retryPending();
            sweep(relays);
            return store.pendingRevocations();
        } finally {
            tidying.unlock();
        }
    }

    private void retryPending() {
        Map<RelayLogin, List<PendingRevocation>> byRelay = new LinkedHashMap<>();
        store.pendingRevocations().forEach(p -> byRelay.computeIfAbsent(RelayLogin.of(p.spec()), k -> new ArrayList<>()).add(p));
        byRelay.forEach((login, pending) -> {
            TunnelSpec first = pending.getFirst().spec();
            try (RemoteShell relay = open(first)) {
                for (PendingRevocation p : pending) {
                    finish(p.spec(), Optional.empty(), relay, Hosts.onRelay(p.spec(), () -> gateway.revokeTunnel(relay, p.token())));
                }
            } catch (NetPilotException e) {
                LOG.warn("pending revocations on relay {} stay pending: {}", login.address(), e.getMessage());
                pending.forEach(p -> store.savePendingRevocation(p.withReason("relay " + login.address() + ": " + e.getMessage())));
            }
        });
    }

    /** The tokens a sweep keeps: stored and live tunnels', never a pending revocation's. */
    private Set<CleanupToken> wanted() {
        Set<CleanupToken> wanted = new HashSet<>(liveTokens.get());
        store.tunnels().forEach(r -> r.token().ifPresent(wanted::add));
        store.pendingRevocations().forEach(p -> wanted.remove(p.token()));
        return wanted;
    }

    /** The relays of wanted tunnels and of pending revocations, each with a spec that logs in to it. */
    private Map<RelayLogin, TunnelSpec> relaysInUse() {
        Map<RelayLogin, TunnelSpec> relays = new LinkedHashMap<>();
        store.tunnels().stream().map(TunnelRecord::spec).forEach(s -> relays.putIfAbsent(RelayLogin.of(s), s));
        store.pendingRevocations().forEach(p -> relays.putIfAbsent(RelayLogin.of(p.spec()), p.spec()));
        return relays;
    }

    private void sweep(Map<RelayLogin, TunnelSpec> relays) {
        relays.forEach((login, spec) -> {
            try (RemoteShell relay = open(spec)) {
                SweepReport report = Hosts.onRelay(spec, () -> gateway.sweep(relay, identity.agent(), wanted()));
                report.leases().forEach(port -> store.removePortLease(login.address().hostAndPort(), port));
                if (!report.isEmpty()) {
                    LOG.info("swept relay {}: key lines {}, sessions {}, leases {}", login.address(), report.keyLines(),
                            report.sessions(), report.leases());
                }
            } catch (NetPilotException e) {
                LOG.warn("could not sweep relay {}: {}", login.address(), e.getMessage());
            }
        });
    }

    private RemoteShell open(TunnelSpec spec) {
        return Hosts.onRelay(spec, () -> connector.open(spec.relay().address(), spec.keys().relayCredentials(), HostKeyPolicy.PINNED_ONLY));
    }

    /** Tidies every {@code every} from now on, on a virtual thread, until {@link #close()}. */
    synchronized void start(Duration every) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("netpilot-relay-tidy").factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                tidy();
            } catch (RuntimeException e) {
                LOG.warn("relay tidy failed; it runs again in {}: {}", every, e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
