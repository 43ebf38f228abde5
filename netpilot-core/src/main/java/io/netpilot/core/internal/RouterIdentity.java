package io.netpilot.core.internal;

import io.netpilot.core.AgentId;
import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.LeaseOwner;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortAllocator;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router known by its pinned host key, not only by its address: who owns a relay port lease
 * ({@link LeaseOwner}: this agent and the router's key), and whether a relay port reaches that router
 * ({@link IdentityProbe}, a key exchange through the tunnel). The identity check costs the router a key
 * exchange, so it runs when a tunnel is (re)established or adopted and then every
 * {@code identityInterval}; the checks in between are the cheap {@link EndToEndProbe}. Thread-safe.
 */
final class RouterIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(RouterIdentity.class);
    /** A key exchange on a small router takes longer than a banner. */
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(5);

    private final AgentId agent;
    private final IdentityProbe identityProbe;
    private final EndToEndProbe probe;
    private final PortAllocator allocator;
    private final Duration probeTimeout;
    private final Duration identityInterval;
    private final Recorder recorder;
    private final Map<TunnelId, Instant> lastVerified = new ConcurrentHashMap<>();

    RouterIdentity(AgentId agent, IdentityProbe identityProbe, EndToEndProbe probe, PortAllocator allocator,
            Duration probeTimeout, Duration identityInterval, Recorder recorder) {
        this.agent = agent;
        this.recorder = recorder;
        this.identityProbe = identityProbe;
        this.probe = probe;
        this.allocator = allocator;
        this.probeTimeout = probeTimeout;
        this.identityInterval = identityInterval;
    }

    AgentId agent() {
        return agent;
    }

    /** The key of {@code router}'s session, which was checked against the pinned keys when it was opened. */
    static HostKeyFingerprint keyOf(RemoteShell router) {
        return HostKeyFingerprint.ofPublicKey(router.hostPublicKey());
    }

    /** {@code spec} remembering the key {@code router}'s session proved, so the tunnel is known by it without a router session. */
    static TunnelSpec pinned(TunnelSpec spec, RemoteShell router) {
        HostKeyFingerprint key = keyOf(router);
        if (spec.router().pinnedHostKey().equals(Optional.of(key))) {
            return spec;
        }
        return new TunnelSpec(spec.id(), new RouterEndpoint(spec.router().address(), Optional.of(key)), spec.relay(),
                spec.targetPort(), spec.portRange(), spec.requestedPort(), spec.leaseTtl(), spec.keys());
    }

    /** The owner of the relay lease of {@code spec}'s tunnel to the router behind {@code router}. */
    LeaseOwner owner(TunnelSpec spec, RemoteShell router) {
        return new LeaseOwner(agent, spec.router().id(), keyOf(router));
    }

    /** Leases a relay port for the router behind {@code router}, sticky to this agent and that router's key. */
    PortLease allocate(TunnelSpec spec, RemoteShell router, RemoteShell relay, PortRange range, OptionalInt requested,
            Set<Integer> exclude) {
        return allocator.allocate(relay, owner(spec, router), range, requested, exclude);
    }

    /**
     * Gives {@code port} back: as the owner (this agent, the router's key) when the key is known from
     * {@code router}'s session or from {@code spec}; as the router's address for a lease an older agent
     * made (the relay keeps an owner's lease in that case, and this agent's sweep removes it).
     */
    void release(TunnelSpec spec, Optional<RemoteShell> router, RemoteShell relay, int port) {
        Optional<HostKeyFingerprint> key = router.map(RouterIdentity::keyOf).or(() -> spec.router().pinnedHostKey());
        if (key.isPresent()) {
            allocator.release(relay, new LeaseOwner(agent, spec.router().id(), key.get()), port);
        } else {
            allocator.release(relay, spec.router().id(), port);
        }
    }

    /**
     * Whether the tunnel's target is the SSH server the agent logs in to (the same port), whose host key
     * is the pinned one; only then can a key exchange through the tunnel prove the router. A tunnel to
     * another service of the router is checked by the banner probe alone.
     */
    static boolean provable(TunnelSpec spec) {
        return spec.targetPort() == spec.router().address().port();
    }

    /**
     * Proves that relay {@code port} reaches the router whose key is {@code key}; on success the
     * tunnel's next identity check is due {@code identityInterval} from now. A tunnel that is not
     * {@link #provable} gets the banner probe.
     *
     * @throws io.netpilot.core.HostUnreachableException when the relay session is lost
     */
    ProbeResult verify(TunnelSpec spec, RemoteShell relay, int port, HostKeyFingerprint key) {
        if (!provable(spec)) {
            return probe.probe(relay, port, probeTimeout);
        }
        TunnelId id = spec.id();
        Instant now = recorder.now();
        Duration timeout = probeTimeout.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : probeTimeout;
        ProbeResult r = identityProbe.verify(relay, port, key, timeout);
        if (r instanceof ProbeResult.Reached) {
            lastVerified.put(id, now);
        } else {
            lastVerified.remove(id);
            LOG.warn("identity check of {} on relay port {} failed: {}", id, port, ((ProbeResult.Unreached) r).reason());
        }
        return r;
    }

    /**
     * As {@link #verify}, for a tunnel that was just launched: a port that answers with another router's
     * key is lost to this tunnel.
     *
     * @throws PortLostException when relay {@code port} does not reach the router behind {@code router}
     */
    void confirm(TunnelSpec spec, RemoteShell router, RemoteShell relay, int port) {
        if (verify(spec, relay, port, keyOf(router)) instanceof ProbeResult.Unreached u) {
            throw new PortLostException(port, u.reason());
        }
    }

    /**
     * The periodic look at a running tunnel: the identity check when it is due and the router's key is
     * known (from {@code spec}, else from {@code router}), else the cheap liveness probe, allowed
     * {@code timeout}.
     *
     * @param router opens the router's session when the spec does not name its key; may throw
     */
    ProbeResult check(TunnelSpec spec, RemoteShell relay, int port, Duration timeout, Supplier<RemoteShell> router) {
        Instant now = recorder.now();
        Instant last = lastVerified.get(spec.id());
        if (provable(spec) && (last == null || !now.isBefore(last.plus(identityInterval)))) {
            Optional<HostKeyFingerprint> key = spec.router().pinnedHostKey();
            if (key.isEmpty()) {
                try {
                    key = Optional.of(keyOf(router.get()));
                } catch (NetPilotException e) {
                    LOG.debug("no key to check the identity of {} with now ({}); probing only", spec.id(), e.getMessage());
                }
            }
            if (key.isPresent()) {
                return verify(spec, relay, port, key.get());
            }
        }
        return probe.probe(relay, port, timeout);
    }

    /** Forgets when {@code id} was last verified (it was disconnected). */
    void forget(TunnelId id) {
        lastVerified.remove(id);
    }
}
