package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Agent start: takes every wanted tunnel of the store back under supervision, adopting the ones
 * whose router processes run and answer, relaunching the others on their port. One tunnel's failure
 * is left to its supervision and does not hold up the others. Thread-safe.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record Restorer(ShellConnector connector, RelaySessions relays, TunnelLauncher launcher, RouterIdentity identity, BringUp bringUp,
        Supervisor supervisor, TunnelRegistry registry, Recorder recorder, StateStore store,
        ManagerSettings settings) {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    /** Restores every wanted tunnel that is not supervised yet, in parallel; returns when each was tried. */
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    void restoreAll() {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (TunnelRecord rec : store.tunnels()) {
                pool.submit(() -> {
                    try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", rec.id().value())) {
                        restore(rec);
                    } catch (RuntimeException e) {
                        LOG.error("restoring {} failed: {}", rec.id(), e.getMessage(), e);
                    }
                });
            }
        }
    }

    private void restore(TunnelRecord rec) {
        switch (registry.claim(rec.id(), t -> t.supervision().running(), () -> Tunnel.fromStore(rec, recorder.now()))) {
            case TunnelRegistry.Claim.Kept kept -> LOG.debug("tunnel {} is supervised already", kept.existing().id());
            case TunnelRegistry.Claim.Claimed claimed -> {
                Tunnel t = claimed.tunnel();
                try {
                    Optional<TunnelState> missingKey = StoredLogin.missingKey(rec.spec());
                    if (missingKey.isPresent()) {
                        LOG.warn("tunnel {} cannot be restored: {}", t.id(), missingKey.get().reason().orElseThrow());
                        recorder.transition(t, missingKey.get());
                    } else if (rec.token().isPresent()) {
                        adoptOrRelaunch(t);
                        supervisor.start(t);
                    } else {
                        launchFirst(t);
                    }
                } finally {
                    t.unlock();
                }
            }
        }
    }

    /** A tunnel that was wanted but never launched: launched now, or left visible as failed. */
    private void launchFirst(Tunnel t) {
        try {
            bringUp.first(t);
            supervisor.start(t);
        } catch (NetPilotException e) {
            registry.keepFailed(t);
            LOG.warn("tunnel {} was wanted but never launched, and launching it failed: {}", t.id(), e.getMessage());
        }
    }

    /**
     * Adopts the locked, launched tunnel {@code t} when its router processes run and the probe
     * passes, else relaunches it; a failure is recorded and left to supervision, which repairs it
     * after its next failed probe.
     *
     * @return whether its running processes were adopted
     */
    boolean adoptOrRelaunch(Tunnel t) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        recorder.announce(t, TunnelState.CONNECTING);
        try {
            RemoteShell relay = t.relay(relays);
            RemoteShell router = t.router(connector);
            RouterTunnelStatus status = Hosts.onRouter(spec, () -> launcher.inspect(router, token));
            if (status.alive()) {
                // adopt only what proves to be this router: its host key, through the relay port
                ProbeResult r = Hosts.onRelay(spec, () -> identity.verify(spec, relay, port, RouterIdentity.keyOf(router)));
                if (r instanceof ProbeResult.Reached reached) {
                    Hosts.runOnRouter(spec, () -> launcher.renewLease(router, token, spec.leaseTtl()));
                    LOG.info("adopted the running tunnel {} on relay port {}", t.id(), port);
                    recorder.up(t, reached, false);
                    recorder.routerSucceeded(spec);
                    return true;
                }
            }
            LOG.info("tunnel {} is not healthy (supervisor {}); relaunching it on relay port {}",
                    t.id(), status.alive() ? "alive" : "gone", port);
            bringUp.again(t, router, relay, settings.connectProbeWait());
            recorder.routerSucceeded(spec);
        } catch (NetPilotException e) {
            LOG.warn("could not restore {} now; supervision keeps trying: {}", t.id(), e.getMessage());
            t.repairAfterNextFailure(e.getMessage(), settings.failuresBeforeRepair());
            recorder.routerFailed(spec, e.getMessage());
            recorder.failed(t, e);
        }
        return false;
    }
}
