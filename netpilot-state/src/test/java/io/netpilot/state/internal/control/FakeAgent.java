package io.netpilot.state.internal.control;

import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelEventListener;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory agent for the control channel's tests: what it is asked, it remembers. Thread-safe. */
final class FakeAgent implements Agent {
    static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");

    final Map<TunnelId, TunnelSnapshot> tunnels = new ConcurrentHashMap<>();
    final List<ConnectRequest> connects = new CopyOnWriteArrayList<>();
    final List<TunnelEventListener> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final List<TunnelId> retries = new CopyOnWriteArrayList<>();

    @Override
    public TunnelSnapshot connect(ConnectRequest request) {
        calls.incrementAndGet();
        if (request.routerCredentials() instanceof Credentials.KeyFile k && k.path().toString().contains("bad")) {
            throw new InvalidInputException("--router-key " + k.path() + " is not a readable file");
        }
        connects.add(request);
        TunnelSnapshot t = new TunnelSnapshot(request.spec().id(), request.spec().router().address(), request.spec().relay().address(),
                new TunnelState.Up(), OptionalInt.of(20001), T0, Optional.of(T0), Optional.empty(), Optional.of(Duration.ofMillis(12)));
        tunnels.put(t.id(), t);
        return t;
    }

    @Override
    public void retry(TunnelId id) {
        calls.incrementAndGet();
        if (!tunnels.containsKey(id)) {
            throw new TunnelNotFoundException("no supervised tunnel " + id);
        }
        retries.add(id);
    }

    @Override
    public CleanupReport disconnect(TunnelId id) {
        calls.incrementAndGet();
        TunnelSnapshot t = tunnels.remove(id);
        if (t == null) {
            throw new TunnelNotFoundException("no tunnel " + id + " is wanted");
        }
        return new CleanupReport(List.of(new CleanupReport.Entry(t.router(), Optional.of(id),
                List.of(new RemoteProcess(4242, 1, "root", "sh netpilot-tunnel-v1.sh np_x")), List.of(), Optional.empty())));
    }

    @Override
    public List<TunnelSnapshot> tunnels() {
        calls.incrementAndGet();
        return List.copyOf(tunnels.values());
    }

    @Override
    public Subscription subscribe(TunnelEventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void emit(TunnelEvent event) {
        listeners.forEach(l -> l.onEvent(event));
    }

    @Override
    public boolean attached() {
        return false;
    }

    @Override
    public void close() {}
}
