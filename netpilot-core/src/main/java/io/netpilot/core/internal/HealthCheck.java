package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One look at one tunnel, and one repair: {@link #check} probes it end to end (renewing its router
 * lease when due) and records what it saw; {@link #repair} diagnoses a tunnel whose probes failed and
 * brings it back. When to call them is the {@link Supervisor}'s business. The caller holds the
 * tunnel's lock. Thread-safe.
 *
 * <p>A tunnel whose probe passes while the agent cannot renew its lease is {@code DEGRADED} with that
 * reason, not {@code ROUTER_UNREACHABLE}: it carries traffic. {@code ROUTER_UNREACHABLE} and
 * {@code RELAY_UNREACHABLE} mean the probe fails and that host is why.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record HealthCheck(ShellConnector connector, TunnelLauncher launcher, EndToEndProbe probe, BringUp bringUp,
        Recorder recorder, StateStore store, ManagerSettings settings) {
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);

    /** One probe (and a lease renewal when due). Returns whether the tunnel answered. */
    boolean check(Tunnel t) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        int port = rec.port().orElseThrow();
        ProbeResult result;
        boolean relayDown = false;
        try {
            RemoteShell relay = t.relay(connector);
            result = Hosts.onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
        } catch (HostUnreachableException e) {
            t.dropRelay();
            result = new ProbeResult.Unreached(e.getMessage());
            relayDown = true;
        }
        renewLeaseIfDue(t);
        Instant now = recorder.now();
        switch (result) {
            case ProbeResult.Reached reached -> {
                t.answered(reached.roundTrip());
                TunnelState next = t.leaseProblem()
                        .<TunnelState>map(p -> new TunnelState.Degraded("the agent cannot reach the router to renew its lease ("
                                + p + "); the tunnel works, but the router ends it when the lease lapses"))
                        .orElseGet(() -> reached.roundTrip().compareTo(settings.slowProbe()) > 0
                                ? new TunnelState.Degraded("probes are slow (over " + settings.slowProbe() + ")")
                                : TunnelState.UP);
                boolean changed = !rec.state().equals(next);
                if (changed || t.heartbeatDue(now, settings.heartbeatPersistInterval())) {
                    store.updateTunnel(t.id(), r -> r.withHeartbeat(now).withState(next));
                    t.heartbeatPersisted(now);
                }
                t.recorded(rec.withHeartbeat(now).withState(next));
                recorder.announce(t, next);
                recorder.emit(new TunnelEvent.Metrics(t.id(), now, port, reached.roundTrip()));
                return true;
            }
            case ProbeResult.Unreached unreached -> {
                int failures = t.probeFailed(unreached.reason());
                LOG.info("probe of {} on port {} failed ({} in a row): {}", t.id(), port, failures, unreached.reason());
                if (relayDown) {
                    recorder.transition(t, new TunnelState.RelayUnreachable("the agent cannot reach the relay: " + unreached.reason()));
                } else if (failures < settings.failuresBeforeRepair()) {
                    recorder.transition(t, new TunnelState.Degraded(failures + " of " + settings.failuresBeforeRepair()
                            + " probes failed before repair: " + unreached.reason()));
                }
                return false;
            }
        }
    }

    private void renewLeaseIfDue(Tunnel t) {
        TunnelRecord rec = t.record();
        Instant now = recorder.now();
        if (!t.leaseRenewalDue(now)) {
            return;
        }
        try {
            RemoteShell router = t.router(connector);
            Hosts.runOnRouter(rec.spec(), () -> launcher.renewLease(router, rec.token().orElseThrow(), rec.spec().leaseTtl()));
            if (t.leaseRenewed(now)) {
                LOG.info("lease of {} renewed again", t.id());
            }
        } catch (NetPilotException e) {
            LOG.warn("could not renew the lease of {}: {}", t.id(), e.getMessage());
            t.leaseRenewalFailed(e.getMessage());
        }
    }

    /**
     * Diagnoses a tunnel whose probes failed and repairs it: if the router's supervisor is alive and
     * the probe passes again, nothing is done; otherwise it is relaunched on its port (or a new one).
     *
     * @throws NetPilotException when this attempt did not bring it back
     */
    void repair(Tunnel t) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        recorder.transition(t, new TunnelState.Recovering("the end-to-end probe failed " + settings.failuresBeforeRepair()
                + " times in a row (" + t.lastProbeFailure() + "); repairing"));
        RemoteShell relay = t.relay(connector);
        RemoteShell router = t.router(connector);
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        RouterTunnelStatus status = Hosts.onRouter(spec, () -> launcher.inspect(router, token));
        if (status.alive()) {
            ProbeResult again = Hosts.onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
            if (again instanceof ProbeResult.Reached reached) {
                LOG.info("tunnel {} answers again by itself", t.id());
                recorder.up(t, reached, false);
                return;
            }
        }
        LOG.info("relaunching {} (supervisor {}, lease {} left)", t.id(), status.alive() ? "alive" : "gone", status.leaseRemaining());
        bringUp.again(t, router, relay);
    }
}
