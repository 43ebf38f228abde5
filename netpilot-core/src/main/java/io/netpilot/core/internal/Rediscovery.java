package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortRange;
import io.netpilot.core.RediscoveryReport;
import io.netpilot.core.RelayEndpoint;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.StateStore;
import io.netpilot.core.StopResult;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.DiscoveredTunnel;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes back the tunnels a router still runs that the state does not know (see
 * {@link io.netpilot.core.TunnelManager#rediscover}): each token the router names and no wanted
 * tunnel holds is described, made wanted again and restored, or stopped as an orphan. Thread-safe.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record Rediscovery(ShellConnector connector, TunnelLauncher launcher, Teardown teardown, Restorer restorer,
        Supervisor supervisor, TunnelRegistry registry, Recorder recorder, StateStore store) {
    private static final Logger LOG = LoggerFactory.getLogger(Rediscovery.class);

    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    RediscoveryReport rediscover(RouterEndpoint router, Credentials credentials) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(credentials, "credentials");
        RemoteShell shell;
        try {
            shell = connector.open(router.address(), credentials, HostKeyPolicy.PINNED_ONLY);
        } catch (HostUnreachableException e) {
            throw Hosts.routerUnreachable(router.address(), e);
        }
        List<RediscoveryReport.Found> found = new ArrayList<>();
        List<RediscoveryReport.Orphan> orphans = new ArrayList<>();
        try {
            List<CleanupToken> tokens = Hosts.onRouter(router.address(), () -> launcher.tokens(shell));
            for (CleanupToken token : tokens) {
                if (wantedTokens().contains(token)) {
                    continue;
                }
                try (MDC.MDCCloseable ignored = MDC.putCloseable("token", token.value())) {
                    if (!token.belongsTo(router.id())) {
                        String why = "its token names another address of this router than " + router.address()
                                + ", so another agent may own it; left alone (`netpilot clean --force` on that router stops it)";
                        LOG.warn("{}: {}", token, why);
                        orphans.add(new RediscoveryReport.Orphan(token, List.of(), List.of(), Optional.of(why)));
                        continue;
                    }
                    Optional<TunnelRecord> rebuilt = Hosts.onRouter(router.address(), () -> launcher.describe(shell, token))
                            .flatMap(d -> rebuild(router, d))
                            .map(rec -> StoredLogin.withRememberedKeys(rec, store, credentials));
                    Optional<RediscoveryReport.Found> back = rebuilt.flatMap(rec -> takeBack(rec, credentials));
                    if (back.isPresent()) {
                        found.add(back.get());
                    } else {
                        orphans.add(stopOrphan(router, shell, token, rebuilt.isPresent()
                                ? "another tunnel with the same router, target and relay is already wanted"
                                : "the router has no valid launch plan for it"));
                    }
                }
            }
        } finally {
            Tunnel.closeQuietly(shell);
        }
        LOG.info("rediscovery on {}: {} tunnel(s) taken back, {} orphan(s) stopped", router.address(), found.size(), orphans.size());
        return new RediscoveryReport(router.address(), found, orphans);
    }

    private Set<CleanupToken> wantedTokens() {
        Set<CleanupToken> wanted = new HashSet<>(registry.tokens());
        store.tunnels().forEach(r -> r.token().ifPresent(wanted::add));
        return wanted;
    }

    /** The wanted tunnel {@code d} describes, reached at {@code router}; empty when the parts do not make a valid spec. */
    private Optional<TunnelRecord> rebuild(RouterEndpoint router, DiscoveredTunnel d) {
        try {
            RelayEndpoint relay = new RelayEndpoint(d.relay(), d.relay().user(), Optional.empty());
            int target = d.forward().targetPort();
            TunnelSpec spec = new TunnelSpec(TunnelId.derive(router.address(), target, d.relay()), router, relay, target,
                    PortRange.DEFAULT, OptionalInt.empty(), d.leaseTtl());
            return Optional.of(new TunnelRecord(spec, OptionalInt.of(d.token().port()), Optional.of(d.token()),
                    TunnelState.STOPPED, Optional.empty(), Optional.empty()));
        } catch (NetPilotException e) {
            LOG.warn("the launch plan of {} does not make a valid tunnel: {}", d.token(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Makes {@code rec} wanted again and restores it; empty (nothing changed) when its id is already
     * wanted, so the caller stops this one as a duplicate.
     */
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    private Optional<RediscoveryReport.Found> takeBack(TunnelRecord rec, Credentials credentials) {
        Optional<TunnelRecord> wanted = store.tunnel(rec.id());
        if (wanted.isPresent()) {
            LOG.warn("{} would be tunnel {}, which is already wanted with token {}; stopping it as a duplicate",
                    rec.token().orElseThrow(), rec.id(), wanted.flatMap(TunnelRecord::token).map(Object::toString).orElse("none"));
            return Optional.empty();
        }
        return switch (registry.claim(rec.id(), existing -> true, () -> Tunnel.rediscovered(rec, credentials, recorder.now()))) {
            case TunnelRegistry.Claim.Kept kept -> Optional.empty();
            case TunnelRegistry.Claim.Claimed claimed -> {
                Tunnel t = claimed.tunnel();
                try {
                    store.saveTunnel(rec);
                    LOG.info("rediscovered {} as tunnel {} on relay port {}; restoring it", rec.token().orElseThrow(), rec.id(), rec.port().getAsInt());
                    boolean adopted;
                    try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", rec.id().value())) {
                        adopted = restorer.adoptOrRelaunch(t);
                    }
                    supervisor.start(t);
                    yield Optional.of(new RediscoveryReport.Found(rec.token().orElseThrow(), t.snapshot(), adopted));
                } catch (RuntimeException e) {
                    registry.release(t);
                    throw e;
                } finally {
                    t.unlock();
                }
            }
        };
    }

    private RediscoveryReport.Orphan stopOrphan(RouterEndpoint router, RemoteShell shell, CleanupToken token, String why) {
        LOG.warn("stopping {} on {}: {}", token, router.address(), why);
        try {
            StopResult r = Hosts.onRouter(router.address(), () -> teardown.stopRouterSide(shell, token));
            return new RediscoveryReport.Orphan(token, r.stopped(), r.survivors(), r.complete() ? Optional.empty()
                    : Optional.of(r.survivors().size() + " process(es) survived; the router ends them when their lease lapses"));
        } catch (NetPilotException e) {
            return new RediscoveryReport.Orphan(token, List.of(), List.of(), Optional.of("could not stop it (" + why + "): "
                    + e.getMessage() + "; `netpilot clean --force` tries again, and its lease ends it"));
        }
    }
}
