package io.netpilot.state.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.PortLease;
import io.netpilot.core.RouterConnection;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateCorruptException;
import io.netpilot.core.StateFile;
import io.netpilot.core.StateProblem;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.UnsupportedSchemaException;
import io.netpilot.state.NetPilotHome;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StateStore} kept as three JSON files in the NetPilot home. The whole model is held in
 * memory and guarded by one lock; every mutation builds the new content, writes its file durably and
 * atomically ({@link AtomicFiles#write}), and only then publishes it, so a failed write changes
 * nothing, on disk or in memory. Thread-safe.
 */
final class JsonStateStore implements StateStore {
    /**
     * The schema this code writes. 2 added the key files a tunnel was connected with (tunnel
     * {@code router.keyFile}/{@code relay.keyFile}, router {@code routerKeyFile}/{@code relayKeyFile});
     * an older NetPilot refuses such a file cleanly instead of setting it aside. 3 added
     * {@code pendingRevocations} to {@code tunnel-state.json} (older files have none).
     */
    static final int SCHEMA_VERSION = 3;
    /** The oldest schema this code reads: version 1 files simply lack the key files (the agent's own key). */
    static final int OLDEST_SCHEMA_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(JsonStateStore.class);

    private final NetPilotHome home;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<StateProblem> problems;
    /** A view for commands that only look (status): it never moves, writes or deletes a file. */
    private final boolean readOnly;

    // Published snapshots: replaced (never mutated) under the lock, read without it.
    private volatile Map<TunnelId, TunnelRecord> tunnels;
    private volatile Map<CleanupToken, PendingRevocation> pending = Map.of();
    private volatile Map<LeaseKey, PortLease> leases;
    private volatile Map<RouterId, RouterConnection> routers;

    private record LeaseKey(String relay, int port) {}

    /** @throws UnsupportedSchemaException when a file was written by a newer NetPilot (nothing is changed) */
    @Inject
    JsonStateStore(NetPilotHome home, @StateClock Clock clock) {
        this(home, clock, false);
    }

    /** @param readOnly when true, unreadable files are reported but left in place, and every change is refused */
    JsonStateStore(NetPilotHome home, Clock clock, boolean readOnly) {
        this.readOnly = readOnly;
        this.home = Objects.requireNonNull(home, "home");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapper = JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();

        List<Path> files = List.of(home.tunnelStateFile(), home.portAllocationsFile(), home.routerConnectionsFile());
        List<RawStateFile> raws = files.stream().map(f -> RawStateFile.read(mapper, f)).toList();
        // Refuse a newer schema before quarantining anything, so a refused start changes no file.
        raws.forEach(r -> r.refuseNewerSchema(SCHEMA_VERSION));
        List<StateProblem> found = new ArrayList<>();
        this.tunnels = decode(raws.get(0), StateFile.TUNNELS, found, StateJson.TunnelFile.class, f -> {
            Map<TunnelId, TunnelRecord> t = index(f.tunnels(), StateJson::toDomain, TunnelRecord::id, "tunnel");
            this.pending = index(f.pendingRevocations(), StateJson::toDomain, PendingRevocation::token, "pending revocation");
            return t;
        });
        this.leases = decode(raws.get(1), StateFile.PORT_LEASES, found, StateJson.LeaseFile.class,
                f -> index(f.leases(), StateJson::toDomain, l -> new LeaseKey(l.relay(), l.port()), "lease"));
        this.routers = decode(raws.get(2), StateFile.ROUTER_CONNECTIONS, found, StateJson.RouterFile.class,
                f -> index(f.routers(), StateJson::toDomain, RouterConnection::router, "router"));
        this.problems = List.copyOf(found);
        if (!readOnly) {
            files.forEach(f -> SetAside.removeStaleTempFiles(f, clock));
        }
        LOG.info("state loaded from {}: {} tunnels, {} port leases, {} routers{}", home, tunnels.size(), leases.size(),
                routers.size(), problems.isEmpty() ? "" : "; " + problems.size() + " file(s) quarantined");
    }

    // ---------------------------------------------------------------- reading

    private <F, K, V> Map<K, V> decode(RawStateFile raw, StateFile kind, List<StateProblem> found, Class<F> type, Function<F, Map<K, V>> content) {
        if (raw.bytes().isEmpty()) {
            return Map.of();
        }
        String error = raw.error().orElse(null);
        if (error == null) {
            JsonNode tree = raw.tree().orElseThrow();
            JsonNode version = tree.get("schemaVersion");
            if (version == null || !version.isIntegralNumber() || version.asLong() < OLDEST_SCHEMA_VERSION
                    || version.asLong() > SCHEMA_VERSION) {
                error = "its schemaVersion is " + version + ", expected " + OLDEST_SCHEMA_VERSION + " to " + SCHEMA_VERSION;
            } else {
                try {
                    return content.apply(mapper.treeToValue(tree, type));
                } catch (JsonProcessingException e) {
                    error = "it has the wrong shape: " + RawStateFile.firstLine(e);
                } catch (InvalidInputException | IllegalArgumentException | NullPointerException e) {
                    error = "a value is not valid: " + e.getMessage();
                }
            }
        }
        StateProblem problem = new StateProblem(kind, raw.file(), error,
                readOnly ? Optional.empty() : Optional.of(SetAside.quarantine(raw.file(), error, clock)));
        if (!readOnly) {
            LOG.warn(problem.message());
        }
        found.add(problem);
        return Map.of();
    }

    private static <J, K, V> Map<K, V> index(List<J> items, Function<J, V> toDomain, Function<V, K> key, String what) {
        Map<K, V> map = new LinkedHashMap<>();
        if (items == null) {
            return map;
        }
        for (J item : items) {
            V value = toDomain.apply(item);
            if (map.putIfAbsent(key.apply(value), value) != null) {
                throw new InvalidInputException("the " + what + " " + key.apply(value) + " appears twice");
            }
        }
        return map;
    }

    // ---------------------------------------------------------------- writing

    private void write(Path file, Object content) {
        if (readOnly) {
            throw new IllegalStateException("this view of " + home + " is read-only; open the store with StateStores.open to change it");
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("NetPilot cannot serialize its own state (a bug; please report it): " + e.getMessage(), e);
        }
        try {
            byte[] withNewline = new byte[json.length + 1];
            System.arraycopy(json, 0, withNewline, 0, json.length);
            withNewline[json.length] = '\n';
            AtomicFiles.write(file, withNewline);
        } catch (IOException e) {
            throw new StateCorruptException("could not write " + file + " (" + e + "); check free space and permissions in "
                    + home + "; the previous state is intact", e);
        }
    }

    private void writeTunnels(Map<TunnelId, TunnelRecord> next) {
        writeTunnels(next, pending);
    }

    private void writeTunnels(Map<TunnelId, TunnelRecord> next, Map<CleanupToken, PendingRevocation> nextPending) {
        write(home.tunnelStateFile(), new StateJson.TunnelFile(SCHEMA_VERSION, next.values().stream().map(StateJson::toJson).toList(),
                nextPending.values().stream().map(StateJson::toJson).toList()));
        tunnels = Collections.unmodifiableMap(next);
        pending = Collections.unmodifiableMap(nextPending);
    }

    private void writeLeases(Map<LeaseKey, PortLease> next) {
        write(home.portAllocationsFile(), new StateJson.LeaseFile(SCHEMA_VERSION, next.values().stream().map(StateJson::toJson).toList()));
        leases = Collections.unmodifiableMap(next);
    }

    private void writeRouters(Map<RouterId, RouterConnection> next) {
        write(home.routerConnectionsFile(), new StateJson.RouterFile(SCHEMA_VERSION, next.values().stream().map(StateJson::toJson).toList()));
        routers = Collections.unmodifiableMap(next);
    }

    // ---------------------------------------------------------------- StateStore

    @Override
    public List<TunnelRecord> tunnels() {
        return List.copyOf(tunnels.values());
    }

    @Override
    public Optional<TunnelRecord> tunnel(TunnelId id) {
        return Optional.ofNullable(tunnels.get(id));
    }

    @Override
    public void saveTunnel(TunnelRecord record) {
        Objects.requireNonNull(record, "record");
        lock.lock();
        try {
            Map<TunnelId, TunnelRecord> next = new LinkedHashMap<>(tunnels);
            next.put(record.id(), record);
            writeTunnels(next);
            LOG.debug("[{}] saved, state {}", record.id(), record.state().name());
        } finally {
            lock.unlock();
        }
    }

    /** @throws InvalidInputException when {@code change} returns a record with another id */
    @Override
    public Optional<TunnelRecord> updateTunnel(TunnelId id, UnaryOperator<TunnelRecord> change) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(change, "change");
        return change(Map.of(id, change)).stream().findFirst();
    }

    @Override
    public void updateTunnels(Map<TunnelId, UnaryOperator<TunnelRecord>> changes) {
        change(Objects.requireNonNull(changes, "changes"));
    }

    /**
     * Applies each change to its tunnel, if it is there, in one durable write; returns the new records.
     *
     * @throws InvalidInputException when a change returns a record with another id
     */
    private List<TunnelRecord> change(Map<TunnelId, UnaryOperator<TunnelRecord>> changes) {
        lock.lock();
        try {
            Map<TunnelId, TunnelRecord> next = new LinkedHashMap<>(tunnels);
            List<TunnelRecord> updated = new ArrayList<>();
            changes.forEach((id, change) -> {
                TunnelRecord current = next.get(id);
                if (current != null) {
                    TunnelRecord record = Objects.requireNonNull(change.apply(current), "change returned null");
                    if (!record.id().equals(id)) {
                        throw new InvalidInputException("an update of tunnel " + id + " may not change its id to " + record.id());
                    }
                    next.put(id, record);
                    updated.add(record);
                }
            });
            if (!updated.isEmpty()) {
                writeTunnels(next);
            }
            return updated;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean removeTunnel(TunnelId id) {
        Objects.requireNonNull(id, "id");
        lock.lock();
        try {
            if (!tunnels.containsKey(id)) {
                return false;
            }
            Map<TunnelId, TunnelRecord> next = new LinkedHashMap<>(tunnels);
            next.remove(id);
            writeTunnels(next);
            LOG.debug("[{}] forgotten", id);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<PendingRevocation> pendingRevocations() {
        return List.copyOf(pending.values());
    }

    @Override
    public void savePendingRevocation(PendingRevocation revocation) {
        Objects.requireNonNull(revocation, "revocation");
        changePending(m -> m.put(revocation.token(), revocation) != revocation);
    }

    @Override
    public boolean removePendingRevocation(CleanupToken token) {
        Objects.requireNonNull(token, "token");
        return changePending(m -> m.remove(token) != null);
    }

    /** Applies {@code change} to a copy of the pending revocations and writes it when it says it changed something. */
    private boolean changePending(java.util.function.Predicate<Map<CleanupToken, PendingRevocation>> change) {
        lock.lock();
        try {
            Map<CleanupToken, PendingRevocation> next = new LinkedHashMap<>(pending);
            boolean changed = change.test(next);
            if (changed) {
                writeTunnels(tunnels, next);
            }
            return changed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<PortLease> portLeases() {
        return List.copyOf(leases.values());
    }

    @Override
    public void savePortLease(PortLease lease) {
        Objects.requireNonNull(lease, "lease");
        lock.lock();
        try {
            Map<LeaseKey, PortLease> next = new LinkedHashMap<>(leases);
            next.put(new LeaseKey(lease.relay(), lease.port()), lease);
            writeLeases(next);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean removePortLease(String relay, int port) {
        Objects.requireNonNull(relay, "relay");
        LeaseKey key = new LeaseKey(relay, port);
        lock.lock();
        try {
            if (!leases.containsKey(key)) {
                return false;
            }
            Map<LeaseKey, PortLease> next = new LinkedHashMap<>(leases);
            next.remove(key);
            writeLeases(next);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<RouterConnection> routerConnections() {
        return List.copyOf(routers.values());
    }

    /** @throws InvalidInputException when {@code change} returns the history of another router */
    @Override
    public RouterConnection updateRouterConnection(SshAddress address, UnaryOperator<RouterConnection> change) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(change, "change");
        RouterId id = RouterId.of(address);
        lock.lock();
        try {
            RouterConnection current = routers.getOrDefault(id, RouterConnection.firstSeen(address));
            RouterConnection updated = Objects.requireNonNull(change.apply(current), "change returned null");
            if (!updated.router().equals(id)) {
                throw new InvalidInputException("an update of router " + id + " (" + address + ") may not turn it into router " + updated.router());
            }
            Map<RouterId, RouterConnection> next = new LinkedHashMap<>(routers);
            next.put(id, updated);
            writeRouters(next);
            return updated;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StateProblem> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "JsonStateStore[" + home + "]";
    }
}
