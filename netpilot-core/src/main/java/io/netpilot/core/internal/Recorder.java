package io.netpilot.core.internal;

import io.netpilot.core.NetPilotException;
import io.netpilot.core.RelayUnreachableException;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterUnreachableException;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what happened to a tunnel: first in the {@link StateStore} and in the tunnel, then as
 * {@link TunnelEvent}s, so no listener hears of a change that was not kept. Also the manager's one
 * source of time (the injected {@link Clock}). Thread-safe; the tunnel methods need its lock.
 */
final class Recorder {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    private final StateStore store;
    private final EventDispatcher events;
    private final Clock clock;

    Recorder(StateStore store, EventDispatcher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    void emit(TunnelEvent event) {
        events.emit(event);
    }

    /** Persists {@code next} (if the tunnel is stored) and announces it. */
    void transition(Tunnel t, TunnelState next) {
        if (!t.record().state().equals(next)) {
            store.updateTunnel(t.id(), r -> r.withState(next));
            t.recorded(t.record().withState(next));
        }
        announce(t, next);
    }

    /** Announces a state change when the live state differs; the caller persisted it already. */
    void announce(Tunnel t, TunnelState next) {
        Instant now = now();
        TunnelState old = t.moveTo(next, now);
        if (!old.equals(next)) {
            LOG.info("tunnel {}: {} -> {}{}", t.id(), old.name(), next.name(), next.reason().map(r -> " (" + r + ")").orElse(""));
            events.emit(new TunnelEvent.StateChanged(t.id(), now, old, next));
        }
    }

    /**
     * The tunnel was launched anew as {@code launched} (state UP, with its port and token): saves it,
     * announces UP, the move from {@code oldPort} when the port is another one, and the probe's time.
     *
     * @throws io.netpilot.core.StateCorruptException when it cannot be saved; nothing was announced
     */
    void launched(Tunnel t, TunnelRecord launched, Duration rtt, int oldPort, String why) {
        Instant now = launched.established().orElseGet(this::now);
        store.saveTunnel(launched);
        t.recorded(launched);
        t.cameUp(now, rtt);
        announce(t, TunnelState.UP);
        int port = launched.port().orElseThrow();
        if (oldPort != port) {
            events.emit(new TunnelEvent.PortChanged(t.id(), now, oldPort, port, why));
        }
        metrics(t, now, port, rtt);
    }

    /** Emits a probe's time with the tunnel's measurements. */
    void metrics(Tunnel t, Instant now, int port, Duration rtt) {
        events.emit(new TunnelEvent.Metrics(t.id(), now, port, rtt, t.metrics()));
    }

    /**
     * The tunnel answers on its port: adopted as it runs, or relaunched there ({@code relaunched}, so
     * it was established anew). Saves that, announces UP and the probe's time.
     */
    void up(Tunnel t, ProbeResult.Reached reached, boolean relaunched) {
        Instant now = now();
        TunnelRecord rec = t.record().withState(TunnelState.UP);
        TunnelRecord saved = relaunched ? rec.withEstablished(now) : rec.withHeartbeat(now);
        store.updateTunnel(t.id(), r -> saved);
        t.recorded(saved);
        t.cameUp(now, reached.roundTrip());
        announce(t, TunnelState.UP);
        metrics(t, now, saved.port().orElseThrow(), reached.roundTrip());
    }

    /** An attempt to bring the tunnel back failed with {@code e}: records the state that explains why, and the error. */
    void failed(Tunnel t, NetPilotException e) {
        failed(t, e, "");
    }

    /**
     * As {@link #failed(Tunnel, NetPilotException)}, the reason followed by {@code next} (when the next
     * attempt is due, or empty).
     */
    void failed(Tunnel t, NetPilotException e, String next) {
        TunnelState s = stateAfter(e, e.getMessage() + next);
        try {
            transition(t, s);
        } catch (NetPilotException storeFailure) {
            LOG.error("could not record the state of {}: {}", t.id(), storeFailure.getMessage());
        }
        events.emit(new TunnelEvent.Error(t.id(), now(), e.getMessage()));
    }

    /** The state a failure {@code e} leaves a tunnel in, with {@code reason}. */
    static TunnelState stateAfter(NetPilotException e, String reason) {
        if (e instanceof RouterUnreachableException) {
            return new TunnelState.RouterUnreachable(reason);
        } else if (e instanceof RelayUnreachableException) {
            return new TunnelState.RelayUnreachable(reason);
        }
        return new TunnelState.Recovering(reason);
    }

    void routerSucceeded(TunnelSpec spec) {
        Instant now = now();
        routerHistory(spec, c -> c.succeeded(now));
    }

    void routerFailed(TunnelSpec spec, String why) {
        routerHistory(spec, c -> c.failed(why));
    }

    private void routerHistory(TunnelSpec spec, UnaryOperator<RouterConnection> change) {
        try {
            store.updateRouterConnection(spec.router().address(), c -> StoredLogin.remember(c, change.apply(c), spec));
        } catch (NetPilotException e) {
            LOG.warn("could not record the connection history of {}: {}", spec.router().address(), e.getMessage());
        }
    }
}
