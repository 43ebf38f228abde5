package io.netpilot.core.internal;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.RouterId;
import io.netpilot.core.StateStore;
import io.netpilot.core.StopPolicy;
import io.netpilot.core.StopResult;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelState;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes tunnels down: one on disconnect (and forgets it), every wanted one at agent exit (within a
 * bound, router by router in parallel, keeping them wanted), and everything NetPilot left on a
 * router the state does not know (force cleanup). Thread-safe.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record Cleaner(ShellConnector connector, TunnelLauncher launcher, RemoteProcessController processes,
        Teardown teardown, TunnelRegistry registry, Recorder recorder, StateStore store, StopPolicy stopPolicy) {
    private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);

    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    CleanupReport disconnect(TunnelId id) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", id.value())) {
            Tunnel t = registry.get(id).orElseGet(() -> Tunnel.fromStore(store.tunnel(id).orElseThrow(() -> new TunnelNotFoundException(
                    "no wanted tunnel has the id " + id + "; `netpilot status` lists the tunnels")), recorder.now()));
            t.supervision().stop();
            t.lock();
            try {
                recorder.transition(t, TunnelState.STOPPING);
                Teardown.Stopped s = teardown.stop(t, true);
                store.removeTunnel(id);
                registry.release(t);
                t.closeSessions();
                recorder.announce(t, TunnelState.STOPPED);
                LOG.info("disconnected {}{}", id, s.entry().error().map(e -> " with problems: " + e).orElse(""));
                return new CleanupReport(List.of(s.entry()));
            } finally {
                t.unlock();
            }
        }
    }

    /**
     * Stops the router processes of every wanted tunnel, read from the store, router by router in
     * parallel; a router that has not answered within {@code bound} is left to the leases of its
     * tunnels. The tunnels stay wanted, in state STOPPED (or ROUTER_UNREACHABLE).
     */
    CleanupReport cleanup(Duration bound) {
        List<TunnelRecord> wanted = store.tunnels();
        registry.all().forEach(t -> t.supervision().requestStop());
        Map<RouterId, List<TunnelRecord>> byRouter = wanted.stream()
                .collect(Collectors.groupingBy(r -> r.spec().router().id(), LinkedHashMap::new, Collectors.toList()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<CleanupReport.Entry> entries = new ArrayList<>();
        try {
            Map<RouterId, CompletableFuture<List<CleanupReport.Entry>>> futures = new LinkedHashMap<>();
            byRouter.forEach((rid, records) -> futures.put(rid, CompletableFuture.supplyAsync(() -> cleanRouter(records), pool)));
            String late = awaitAll(futures.values(), bound);
            // Read each router's outcome before the late ones are interrupted, so they are reported as late.
            futures.forEach((rid, outcome) -> {
                if (outcome.state() == Future.State.SUCCESS) {
                    entries.addAll(outcome.resultNow());
                } else {
                    String why = outcome.state() == Future.State.FAILED ? failure(outcome.exceptionNow()) : late;
                    byRouter.get(rid).forEach(r -> entries.add(unreached(r, why)));
                }
            });
        } finally {
            pool.shutdownNow();
        }
        CleanupReport report = new CleanupReport(entries);
        LOG.info("cleanup of {} tunnel(s) on {} router(s) done{}", wanted.size(), byRouter.size(),
                report.complete() ? "" : "; some were left to their leases");
        return report;
    }

    /** Waits until every one of {@code futures} is done or {@code bound} has passed; returns what to say of the late ones. */
    private static String awaitAll(Collection<? extends CompletableFuture<?>> futures, Duration bound) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the caller reads each one's outcome
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "was not waited for: the cleanup was interrupted";
        }
        return "did not answer within the cleanup bound of " + bound;
    }

    private static String failure(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }

    private static CleanupReport.Entry unreached(TunnelRecord r, String why) {
        return new CleanupReport.Entry(r.spec().router().address(), Optional.of(r.id()), List.of(), List.of(),
                Optional.of("router " + r.spec().router().address() + " " + why
                        + "; its tunnel processes end by themselves when their lease lapses, within " + r.spec().leaseTtl()));
    }

    /** Stops the tunnels of one router one after another, logging in once; ends when interrupted. */
    @SuppressWarnings("try") // the MDC entry is the resource; the body never names it
    private List<CleanupReport.Entry> cleanRouter(List<TunnelRecord> records) {
        List<CleanupReport.Entry> entries = new ArrayList<>();
        Tunnel previous = null;
        List<Tunnel> transients = new ArrayList<>();
        try {
            for (TunnelRecord rec : records) {
                Optional<Tunnel> live = registry.get(rec.id());
                Tunnel t = live.orElseGet(() -> Tunnel.fromStore(rec, recorder.now()));
                t.supervision().awaitEnd();
                t.lockInterruptibly();
                try (MDC.MDCCloseable ignored = MDC.putCloseable("tunnel", rec.id().value())) {
                    if (live.isEmpty()) {
                        transients.add(t);
                        if (previous != null) {
                            t.shareSessionsOf(previous);
                        }
                        t.recorded(rec);
                    }
                    recorder.transition(t, TunnelState.STOPPING);
                    Teardown.Stopped s = teardown.stop(t, false);
                    entries.add(s.entry());
                    recorder.transition(t, s.routerClean() ? TunnelState.STOPPED
                            : new TunnelState.RouterUnreachable(s.entry().error().orElse("not cleaned")));
                    previous = t;
                } catch (NetPilotException e) {
                    entries.add(unreached(rec, "could not be cleaned: " + e.getMessage()));
                } finally {
                    t.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetPilotException("cleanup was interrupted", e);
        } finally {
            for (Tunnel t : transients) { // they share one router session: closed once, again harmlessly
                t.lock();
                try {
                    t.closeSessions();
                } finally {
                    t.unlock();
                }
            }
        }
        return entries;
    }

    CleanupReport forceCleanup(RouterEndpoint router, Credentials credentials, OptionalInt port) {
        RemoteShell shell;
        try {
            shell = connector.open(router.address(), credentials, HostKeyPolicy.PINNED_ONLY);
        } catch (HostUnreachableException e) {
            throw Hosts.routerUnreachable(router.address(), e);
        }
        try {
            Set<CleanupToken> tokens = new LinkedHashSet<>(launcher.tokens(shell));
            for (RemoteProcess p : processes.processes(shell)) {
                p.token().ifPresent(tokens::add);
            }
            if (port.isPresent()) {
                tokens.removeIf(tk -> tk.port() != port.getAsInt());
            }
            List<CleanupReport.Entry> entries = new ArrayList<>();
            Set<Integer> stoppedPids = new HashSet<>();
            for (CleanupToken token : tokens) {
                try {
                    StopResult r = teardown.stopRouterSide(shell, token);
                    r.stopped().forEach(p -> stoppedPids.add(p.pid()));
                    entries.add(new CleanupReport.Entry(router.address(), Optional.empty(), r.stopped(), r.survivors(),
                            Optional.empty()));
                } catch (NetPilotException e) {
                    entries.add(new CleanupReport.Entry(router.address(), Optional.empty(), List.of(), List.of(),
                            Optional.of("could not stop " + token + ": " + e.getMessage())));
                }
            }
            if (port.isPresent()) {
                List<RemoteProcess> legacy = processes.findByForwardPort(shell, port.getAsInt()).stream()
                        .filter(p -> !stoppedPids.contains(p.pid()))
                        .toList();
                if (!legacy.isEmpty()) {
                    StopResult r = processes.stopTrees(shell, legacy, stopPolicy);
                    entries.add(new CleanupReport.Entry(router.address(), Optional.empty(), r.stopped(), r.survivors(),
                            Optional.empty()));
                }
            }
            LOG.info("force cleanup of {} stopped {} tunnel(s)", router.address(), entries.size());
            return new CleanupReport(entries);
        } catch (HostUnreachableException e) {
            throw Hosts.routerUnreachable(router.address(), e);
        } finally {
            Tunnel.closeQuietly(shell);
        }
    }
}
