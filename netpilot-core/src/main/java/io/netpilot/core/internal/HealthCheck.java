package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One look at one tunnel, and one repair: {@link #check} probes it end to end (renewing its router
 * lease when due) and records what it saw; {@link #diagnose} looks cheaply at a tunnel whose probes
 * failed, right before anything is done; {@link #repair} does the expensive part. When to call them is the {@link Supervisor}'s business. The caller holds the
 * tunnel's lock. Thread-safe.
 *
 * <p>A tunnel whose probe passes while the agent cannot renew its lease is {@code DEGRADED} with that
 * reason, not {@code ROUTER_UNREACHABLE}: it carries traffic. {@code ROUTER_UNREACHABLE} and
 * {@code RELAY_UNREACHABLE} mean the probe fails and that host is why.
 *
 * <p>A check is the cheap liveness probe, or every few minutes (and until it passes again) the identity
 * check that the port reaches this router's host key ({@link RouterIdentity#check}); a port that answers
 * with another router's key counts as a failed probe, with that reason, so the tunnel is not {@code UP}.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record HealthCheck(ShellConnector connector, RelaySessions relays, TunnelLauncher launcher, RelayGateway gateway,
        RouterIdentity identity, BringUp bringUp, Recorder recorder, StateStore store, Heartbeats heartbeats, ManagerSettings settings) {
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);

    /**
     * One probe, allowed {@code timeout} (an identity check, when due, takes its own), and a lease
     * renewal when due. Returns whether the tunnel answered.
     */
    boolean check(Tunnel t, Duration timeout) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        int port = rec.port().orElseThrow();
        ProbeResult result;
        boolean relayDown = false;
        try {
            RemoteShell relay = t.relay(relays);
            result = Hosts.onRelay(spec, () -> identity.check(spec, relay, port, timeout, () -> t.router(connector)));
        } catch (HostUnreachableException e) {
            t.dropRelay();
            result = new ProbeResult.Unreached(e.getMessage());
            relayDown = true;
        }
        boolean supervised = renewLeaseIfDue(t);
        Instant now = recorder.now();
        switch (result) {
            case ProbeResult.Reached reached -> {
                t.answered(now, reached.roundTrip());
                TunnelState next = t.leaseProblem()
                        .<TunnelState>map(p -> new TunnelState.Degraded("the agent cannot reach the router to renew its lease ("
                                + p + "); the tunnel works, but the router ends it when the lease lapses"))
                        .orElseGet(() -> reached.roundTrip().compareTo(settings.slowProbe()) > 0
                                ? new TunnelState.Degraded("probes are slow (over " + settings.slowProbe() + ")")
                                : TunnelState.UP);
                if (!rec.state().equals(next)) {
                    store.updateTunnel(t.id(), r -> r.withHeartbeat(now).withState(next));
                    heartbeats.written(t.id());
                } else {
                    heartbeats.passed(t.id(), now); // written with the fleet's, not a file write per tunnel
                    heartbeats.writeIfDue(now);
                }
                t.recorded(rec.withHeartbeat(now).withState(next));
                recorder.announce(t, next);
                recorder.metrics(t, now, port, reached.roundTrip());
                if (!supervised) {
                    // its client carries traffic, but nothing would restart it, and nothing ends it with the lease
                    t.supervisorLost("the router's supervisor is gone; its client runs unsupervised", settings.failuresBeforeRepair());
                    return false;
                }
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

    /**
     * Renews the lease when due, and then reads whether the router's supervisor still runs. Returns
     * false only when it was read to be gone.
     */
    private boolean renewLeaseIfDue(Tunnel t) {
        TunnelRecord rec = t.record();
        Instant now = recorder.now();
        if (!t.leaseRenewalDue(now)) {
            return true;
        }
        try {
            RemoteShell router = t.router(connector);
            CleanupToken token = rec.token().orElseThrow();
            Hosts.runOnRouter(rec.spec(), () -> launcher.renewLease(router, token, rec.spec().leaseTtl()));
            if (t.leaseRenewed(now)) {
                LOG.info("lease of {} renewed again", t.id());
            }
            return Hosts.onRouter(rec.spec(), () -> launcher.inspect(router, token)).alive();
        } catch (NetPilotException e) {
            if (t.supervision().stopRequested()) {
                return true; // interrupted by a disconnect or the agent's exit: not a renewal problem
            }
            LOG.warn("could not renew the lease of {}: {}", t.id(), e.getMessage());
            t.leaseRenewalFailed(e.getMessage());
            return true;
        }
    }

    /** What {@link #diagnose} found. */
    enum Diagnosis {
        /** The probe passes again: recorded UP. */
        HEALED,
        /** The router's supervisor runs and reconnects by itself: nothing to do but keep checking. */
        RIDING_OUT,
        /** The supervisor runs but the relay port is held without traffic past the ride-out window: a stale session. */
        STALE_LISTENER,
        /** The router's supervisor is gone (or a retry asks for it): relaunch. */
        RELAUNCH
    }

    /**
     * The cheap look at a tunnel whose probes failed, right before anything is done about it: opens
     * the sessions again if needed, reads the router's status of the token and probes once more.
     * {@code urgent} (a retry asked for by hand) skips the ride-out window and relaunches a running
     * supervisor that does not answer.
     *
     * @throws RouterUnreachableException or RelayUnreachableException when the agent cannot reach that host
     */
    Diagnosis diagnose(Tunnel t, boolean urgent) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        RemoteShell relay = t.relay(relays);
        RemoteShell router = t.router(connector);
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        RouterTunnelStatus status = Hosts.onRouter(spec, () -> launcher.inspect(router, token));
        if (!status.alive()) {
            return Diagnosis.RELAUNCH;
        }
        if (answersNow(t, spec, relay, router, port)) {
            return Diagnosis.HEALED;
        }
        long seconds = t.failingFor().toSeconds();
        if (!urgent && t.failingFor().compareTo(settings.rideOut()) < 0) {
            recorder.transition(t, new TunnelState.Degraded("probes have failed for " + seconds + " s ("
                    + t.lastProbeFailure() + "); the router's supervisor runs and reconnects by itself"));
            return Diagnosis.RIDING_OUT;
        }
        if (Hosts.onRelay(spec, () -> gateway.isListening(relay, port))) {
            return Diagnosis.STALE_LISTENER;
        }
        if (urgent) {
            return Diagnosis.RELAUNCH;
        }
        recorder.transition(t, new TunnelState.Recovering("probes have failed for " + seconds + " s ("
                + t.lastProbeFailure() + "); the router's supervisor runs and keeps trying to reach the relay"));
        return Diagnosis.RIDING_OUT;
    }

    /**
     * The expensive repair of what {@code found} says is broken: a stale relay session is ended (the
     * router's supervisor then binds the port again by itself), a gone supervisor relaunched on its
     * port (or a new one). A relaunch that runs but does not answer yet is kept.
     *
     * @throws NetPilotException when this attempt did not bring it back
     */
    void repair(Tunnel t, Diagnosis found) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        RemoteShell relay = t.relay(relays);
        RemoteShell router = t.router(connector);
        if (found == Diagnosis.STALE_LISTENER) {
            recorder.transition(t, new TunnelState.Recovering("relay port " + port + " is held but carries nothing ("
                    + t.lastProbeFailure() + "); ending the stale relay session"));
            if (Hosts.onRelay(spec, () -> gateway.endSession(relay, token))) {
                LOG.info("ended the stale relay session of {} on port {}; its supervisor binds it again", t.id(), port);
                return;
            }
            // No session of this token is there to end: the stale one ended by itself, or the supervisor's
            // new client is binding the port right now. Look again before relaunching what may work.
            if (answersNow(t, spec, relay, router, port)) {
                return;
            }
            if (!Hosts.onRelay(spec, () -> gateway.isListening(relay, port))) {
                LOG.info("the stale relay session of {} on port {} ended by itself; its supervisor binds it again", t.id(), port);
                return;
            }
        } else {
            recorder.transition(t, new TunnelState.Recovering("the tunnel does not answer ("
                    + t.lastProbeFailure() + "); relaunching its router side"));
        }
        LOG.info("relaunching {} on relay port {}", t.id(), port);
        bringUp.again(t, router, relay, repairWait());
    }

    /** Probes {@code t} once more, patiently, right before acting on it; when it answers, records it UP and returns true. */
    private boolean answersNow(Tunnel t, TunnelSpec spec, RemoteShell relay, RemoteShell router, int port) {
        ProbeResult again = Hosts.onRelay(spec, () -> identity.check(spec, relay, port, settings.probeTimeout(), () -> router));
        if (again instanceof ProbeResult.Reached reached) {
            LOG.info("tunnel {} answers again by itself", t.id());
            recorder.up(t, reached, false);
            return true;
        }
        return false;
    }

    /** How long a relaunch waits for its probe: short, since a relaunch that runs is kept and checked on. */
    private Duration repairWait() {
        Duration wait = settings.probeInterval().multipliedBy(2).plus(settings.probeTimeout());
        return wait.compareTo(settings.connectProbeWait()) < 0 ? wait : settings.connectProbeWait();
    }
}
