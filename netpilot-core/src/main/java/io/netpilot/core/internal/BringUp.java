package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a tunnel up and records it: the first time (with undo of everything on failure), and again
 * after it failed (on its port, or on another when that port is lost). The caller holds the tunnel's
 * lock. Thread-safe.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record BringUp(ShellConnector connector, RelaySessions relays, TunnelLauncher launcher, TunnelStarter starter,
        Teardown teardown, TunnelRegistry registry, Recorder recorder) {
    private static final Logger LOG = LoggerFactory.getLogger(BringUp.class);

    /**
     * Brings a never-launched tunnel up and saves it; on failure undoes everything, gives up its
     * registry slot, records it as failed and throws.
     *
     * @return the tunnel, UP
     */
    TunnelSnapshot first(Tunnel t) {
        TunnelSpec spec = t.spec();
        if (t.state() instanceof TunnelState.Connecting) {
            // a fresh request starts as CONNECTING; say that it left STOPPED (nothing ran)
            recorder.emit(new TunnelEvent.StateChanged(t.id(), recorder.now(), TunnelState.STOPPED, TunnelState.CONNECTING));
        } else {
            recorder.transition(t, TunnelState.CONNECTING);
        }
        Undo undo = new Undo();
        AtOnce<String> routerKey = AtOnce.done("");
        long t0 = System.nanoTime();
        try {
            // independent steps at once: both logins, then the router's key beside the relay port's lease
            t.openBoth(connector, relays);
            RemoteShell router = t.router(connector);
            RemoteShell relay = t.relay(relays);
            LOG.debug("connect of {}: logged in to router and relay after {} ms", t.id(), Timing.since(t0));
            routerKey = AtOnce.start("netpilot-router-key-" + t.id(), () -> Hosts.onRouter(spec, () -> launcher.ensureRouterKey(router)));
            TunnelStarter.Started s = starter.onFreePort(spec, router, relay, routerKey::join, spec.requestedPort(),
                    starter.portsOfOtherTunnels(spec), undo);
            Instant now = recorder.now();
            // remembered with its router's host key, so its lease owner and identity are known without a router session
            TunnelRecord up = new TunnelRecord(RouterIdentity.pinned(spec, router), OptionalInt.of(s.port()), Optional.of(s.token()),
                    TunnelState.UP, Optional.of(now), Optional.of(now));
            recorder.launched(t, up, s.rtt(), s.firstPort(), s.why());
            undo.clear();
            recorder.routerSucceeded(spec);
            LOG.info("tunnel {} is up on relay port {} (token {}) after {} ms", t.id(), s.port(), s.token(), Timing.since(t0));
            return t.snapshot();
        } catch (RuntimeException e) {
            NetPilotException failure = asNetPilot(e, "connect of " + t.id());
            LOG.warn("connect of {} failed, undoing what it started: {}", t.id(), failure.getMessage());
            routerKey.settle();
            undo.run();
            t.closeSessions();
            registry.release(t);
            recorder.routerFailed(spec, failure.getMessage());
            recorder.emit(new TunnelEvent.Error(t.id(), recorder.now(), failure.getMessage()));
            recorder.announce(t, new TunnelState.Failed(failure.getMessage()));
            throw failure;
        }
    }

    /**
     * Relaunches a launched tunnel on its port with its token (waiting up to {@code wait} for the
     * probe), or moves it to a new port when that one is lost (and was not asked for), and saves it UP.
     *
     * @throws NotAnsweringYetException when it was relaunched and runs but does not answer yet (kept)
     * @throws NetPilotException when this attempt did not bring it back; what it started is undone
     */
    void again(Tunnel t, RemoteShell router, RemoteShell relay, java.time.Duration wait) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        CleanupToken token = rec.token().orElseThrow();
        int port = rec.port().orElseThrow();
        String routerKey = Hosts.onRouter(spec, () -> launcher.ensureRouterKey(router));
        try {
            ProbeResult.Reached reached = starter.onSamePort(spec, router, relay, () -> routerKey, port, token, wait);
            recorder.up(t, reached, true);
        } catch (PortLostException lost) {
            if (spec.requestedPort().isPresent()) {
                throw new PortUnavailableException("relay port " + port + " was asked for but is lost: " + lost.getMessage()
                        + ". Disconnect and connect again with another --port, or without --port.");
            }
            LOG.warn("relay port {} of {} is lost ({}); moving to another port", port, t.id(), lost.getMessage());
            teardown.release(spec, router, relay, port, token);
            Set<Integer> excluded = starter.portsOfOtherTunnels(spec);
            excluded.add(port);
            Undo undo = new Undo();
            try {
                TunnelStarter.Started s = starter.onFreePort(spec, router, relay, () -> routerKey, OptionalInt.empty(), excluded, undo);
                TunnelRecord moved = t.record().withLaunch(s.port(), s.token()).withState(TunnelState.UP)
                        .withEstablished(recorder.now());
                recorder.launched(t, moved, s.rtt(), port, "relay port " + port + " was lost: " + lost.getMessage());
                undo.clear();
            } catch (RuntimeException e) {
                undo.run();
                throw e;
            }
        }
    }

    private static NetPilotException asNetPilot(RuntimeException e, String what) {
        if (e instanceof NetPilotException n) {
            return n;
        }
        return new NetPilotException("unexpected failure during " + what + ": " + e
                + "; this is a bug, please report it with the agent's log", e);
    }
}
