package io.netpilot.core.internal;

import io.netpilot.core.CleanupReport;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StateStore;
import io.netpilot.core.StopPolicy;
import io.netpilot.core.StopResult;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes down what a launch put up: the router's processes and files of a token, the relay's
 * authorization, the relay port and its lease. Stateless over its collaborators; thread-safe.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record Teardown(ShellConnector connector, RelaySessions relays, TunnelLauncher launcher, RelayGateway gateway, RouterIdentity identity,
        RemoteProcessController processes, StateStore store, StopPolicy stopPolicy, RelayRevocations revocations) {
    private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);

    /**
     * What stopping one tunnel did.
     *
     * @param entry the report line
     * @param routerClean whether the router was reached and nothing survived there
     */
    record Stopped(CleanupReport.Entry entry, boolean routerClean) {}

    /** Asks the supervisor of {@code token} to stop, stops its process trees, and removes its files when none survived. */
    StopResult stopRouterSide(RemoteShell router, CleanupToken token) {
        try {
            launcher.requestStop(router, token);
        } catch (RuntimeException e) {
            if (e instanceof HostUnreachableException) {
                throw e;
            }
            LOG.debug("stop request for {} failed ({}); stopping its processes directly", token, e.getMessage());
        }
        List<RemoteProcess> found = processes.findByToken(router, token);
        StopResult result = found.isEmpty()
                ? new StopResult(List.of(), List.of())
                : processes.stopTrees(router, found, stopPolicy);
        if (result.complete()) {
            launcher.removeFiles(router, token);
        }
        return result;
    }

    /** Stops the router side of {@code token}, removes its relay authorization and gives {@code port} back. Best effort. */
    void release(TunnelSpec spec, RemoteShell router, RemoteShell relay, int port, CleanupToken token) {
        Undo release = new Undo();
        release.push("forget the lease of port " + port, () -> store.removePortLease(spec.relay().address().hostAndPort(), port));
        release.push("release relay port " + port, () -> identity.release(spec, Optional.of(router), relay, port));
        release.push("revoke " + token, () -> gateway.revoke(relay, token));
        release.push("stop " + token + " on the router", () -> stopRouterSide(router, token));
        release.run();
    }

    /**
     * Stops the tunnel's router processes and removes its relay authorization; with {@code forget}
     * (disconnect), also ends its relay session and releases its port, or keeps the revocation pending
     * ({@link RelayRevocations#revoke}). Failures are reported in the entry, not thrown. Needs the tunnel's lock.
     */
    Stopped stop(Tunnel t, boolean forget) {
        TunnelRecord rec = t.record();
        TunnelSpec spec = rec.spec();
        List<RemoteProcess> stopped = List.of();
        List<RemoteProcess> survivors = List.of();
        List<String> errors = new ArrayList<>();
        boolean routerClean = true;
        Optional<RemoteShell> routerShell = Optional.empty();
        if (rec.token().isPresent()) {
            CleanupToken token = rec.token().get();
            try {
                RemoteShell router = t.router(connector);
                routerShell = Optional.of(router);
                StopResult r = Hosts.onRouter(spec, () -> stopRouterSide(router, token));
                stopped = r.stopped();
                survivors = r.survivors();
                routerClean = r.complete();
                if (!r.complete()) {
                    errors.add(r.survivors().size() + " process(es) of " + token + " survived; the router ends them when their lease lapses");
                }
            } catch (NetPilotException e) {
                routerClean = false;
                errors.add("router " + spec.router().address() + ": " + e.getMessage()
                        + " (its tunnel processes end by themselves when their lease lapses, within " + spec.leaseTtl() + ")");
            }
            if (forget) {
                revocations.revoke(spec, routerShell, () -> t.relay(relays), token)
                        .ifPresent(left -> errors.add("relay " + spec.relay().address() + ": " + left));
            } else {
                try {
                    RemoteShell relay = t.relay(relays);
                    Hosts.runOnRelay(spec, () -> gateway.revoke(relay, token));
                } catch (NetPilotException e) {
                    errors.add("relay " + spec.relay().address() + ": " + e.getMessage());
                }
            }
        }
        if (forget && rec.token().isEmpty() && rec.port().isPresent()) {
            try {
                store.removePortLease(spec.relay().address().hostAndPort(), rec.port().getAsInt());
            } catch (NetPilotException e) {
                errors.add("state: " + e.getMessage());
            }
        }
        Optional<String> error = errors.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", errors));
        return new Stopped(new CleanupReport.Entry(spec.router().address(), Optional.of(t.id()), stopped, survivors, error), routerClean);
    }
}
