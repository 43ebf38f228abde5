package io.netpilot.desktop.presentation;

import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.core.TunnelState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The tunnels as the main window shows them, kept live from the agent's events: the table's rows,
 * each tunnel's RTT over the last minutes and its event log, the tray's summary, and notices when a
 * tunnel drops and when it is back. Fed from NetPilot's threads; views read it from the EDT after
 * a change notice. Thread-safe.
 */
public final class TunnelsModel {
    /** How far back the RTT chart reaches. */
    public static final Duration RTT_WINDOW = Duration.ofMinutes(5);
    private static final int LOG_LINES = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** A tunnel dropped or is back: what the tray shows as a notification. */
    public record Notice(TunnelId tunnel, String title, String text, boolean dropped) {}

    /** One RTT sample for the chart. */
    public record RttSample(Instant at, Duration rtt) {}

    private final Supplier<List<TunnelSnapshot>> source;
    private final Executor refresher;
    private final Map<TunnelId, TunnelSnapshot> snapshots = new LinkedHashMap<>();
    private final Set<TunnelId> restoring = new HashSet<>();
    private final Set<TunnelId> dropped = new HashSet<>();
    private final Map<TunnelId, String> lastError = new HashMap<>();
    private final Map<TunnelId, Deque<RttSample>> rtt = new HashMap<>();
    private final Map<TunnelId, Deque<String>> log = new HashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Notice>> noticeListeners = new CopyOnWriteArrayList<>();

    /**
     * @param source the agent's tunnels now ({@code Agent::tunnels}); asked again when an event names a
     *     tunnel or a change the events alone do not describe
     * @param refresher where those reads run, so an event listener never waits for the agent (one
     *     thread keeps them in order; tests pass {@code Runnable::run})
     */
    public TunnelsModel(Supplier<List<TunnelSnapshot>> source, Executor refresher) {
        this.source = source;
        this.refresher = refresher;
    }

    /**
     * Loads the tunnels at start. When this app is the agent and restores them, each shows
     * "Restoring…" until it is UP or failed ({@link #onEvent}), or until {@link #restored()}.
     *
     * @param restoringNow whether this app is restoring them now
     */
    public void start(boolean restoringNow) {
        List<TunnelSnapshot> now = source.get();
        synchronized (this) {
            now.forEach(s -> snapshots.put(s.id(), s));
            if (restoringNow) {
                now.forEach(s -> restoring.add(s.id()));
            }
        }
        changed();
    }

    /** The restore at start has finished: every tunnel shows its real state from now on. */
    public void restored() {
        synchronized (this) {
            restoring.clear();
        }
        refresh();
    }

    /** Reads every tunnel again from the agent. */
    public void refresh() {
        List<TunnelSnapshot> now = source.get();
        synchronized (this) {
            Set<TunnelId> gone = new HashSet<>(snapshots.keySet());
            for (TunnelSnapshot s : now) {
                gone.remove(s.id());
                snapshots.put(s.id(), s);
            }
            gone.forEach(snapshots::remove);
            restoring.retainAll(snapshots.keySet());
        }
        changed();
    }

    /** Applies one of the agent's events (on NetPilot's thread; never blocks on the UI). */
    public void onEvent(TunnelEvent event) {
        Optional<Notice> notice = Optional.empty();
        boolean reread;
        synchronized (this) {
            TunnelId id = event.tunnel();
            appendLog(id, describe(event));
            reread = !snapshots.containsKey(id);
            switch (event) {
                case TunnelEvent.StateChanged c -> {
                    reread = true;
                    TunnelState to = c.to();
                    if (to.carriesTraffic() || to instanceof TunnelState.Failed) {
                        restoring.remove(id);
                    }
                    to.reason().ifPresent(r -> lastError.put(id, r));
                    if (to.carriesTraffic()) {
                        lastError.remove(id); // the log keeps it; the table shows what is wrong now
                    }
                    notice = noticeFor(id, c);
                }
                case TunnelEvent.Metrics m -> rtt.computeIfAbsent(id, k -> new ArrayDeque<>()).addLast(new RttSample(m.at(), m.roundTrip()));
                case TunnelEvent.PortChanged p -> reread = true;
                case TunnelEvent.Error e -> lastError.put(id, e.message());
            }
        }
        if (reread) {
            refresher.execute(this::refresh);
        } else {
            changed();
        }
        notice.ifPresent(n -> noticeListeners.forEach(l -> l.accept(n)));
    }

    private Optional<Notice> noticeFor(TunnelId id, TunnelEvent.StateChanged c) {
        String name = Optional.ofNullable(snapshots.get(id)).map(s -> s.router().toString()).orElse(id.toString());
        boolean stopping = c.to() instanceof TunnelState.Stopping || c.to() instanceof TunnelState.Stopped;
        if (c.from().carriesTraffic() && !c.to().carriesTraffic() && !stopping) {
            dropped.add(id);
            return Optional.of(new Notice(id, "Tunnel dropped", name + ": " + c.to(), true));
        }
        if (c.to().carriesTraffic() && dropped.remove(id)) {
            return Optional.of(new Notice(id, "Tunnel back", name + " is " + c.to().name() + " again", false));
        }
        return Optional.empty();
    }

    /** The table's rows, in the order the tunnels were first seen. */
    public synchronized List<TunnelRow> rows() {
        List<TunnelRow> out = new ArrayList<>();
        snapshots.values().forEach(s -> out.add(TunnelRow.of(s, restoring.contains(s.id()), Optional.ofNullable(lastError.get(s.id())),
                Optional.ofNullable(rtt.get(s.id())).map(Deque::peekLast).map(RttSample::rtt))));
        return out;
    }

    /** The row of {@code id}, when it is wanted. */
    public synchronized Optional<TunnelRow> row(TunnelId id) {
        return rows().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** What the tray's icon sums up: the worst health of all tunnels. */
    public synchronized Health summary() {
        return Health.worst(rows().stream().map(TunnelRow::health).toList());
    }

    /** How many tunnels hold router processes (not stopped): what quitting stops. */
    public synchronized int running() {
        return (int) snapshots.values().stream().filter(s -> !(s.state() instanceof TunnelState.Stopped)).count();
    }

    /** The RTT samples of {@code id} within {@link #RTT_WINDOW} before {@code now}, oldest first. */
    public synchronized List<RttSample> rtt(TunnelId id, Instant now) {
        Deque<RttSample> samples = rtt.getOrDefault(id, new ArrayDeque<>());
        Instant from = now.minus(RTT_WINDOW);
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(from)) {
            samples.removeFirst();
        }
        return List.copyOf(samples);
    }

    /** The event log of {@code id}, oldest first (at most the last 200 lines). */
    public synchronized List<String> log(TunnelId id) {
        return List.copyOf(log.getOrDefault(id, new ArrayDeque<>()));
    }

    /** Called after every change, on the thread that made it (views hop to the EDT). */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /** Called when a tunnel drops and when it is back. */
    public void onNotice(Consumer<Notice> listener) {
        noticeListeners.add(listener);
    }

    private void appendLog(TunnelId id, String line) {
        Deque<String> lines = log.computeIfAbsent(id, k -> new ArrayDeque<>());
        lines.addLast(line);
        while (lines.size() > LOG_LINES) {
            lines.removeFirst();
        }
    }

    /** One human line for the event log. */
    static String describe(TunnelEvent e) {
        String at = TIME.format(e.at());
        return at + "  " + switch (e) {
            case TunnelEvent.StateChanged c -> c.from().name() + " -> " + c.to();
            case TunnelEvent.Metrics m -> "rtt " + m.roundTrip().toMillis() + " ms on port " + m.port();
            case TunnelEvent.PortChanged p -> "port " + p.oldPort() + " -> " + p.newPort() + " (" + p.why() + ")";
            case TunnelEvent.Error er -> "error: " + er.message();
        };
    }

    private void changed() {
        changeListeners.forEach(Runnable::run);
    }
}
