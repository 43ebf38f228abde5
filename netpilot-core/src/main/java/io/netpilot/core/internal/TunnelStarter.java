package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Forward;
import io.netpilot.core.ManagerSettings;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortUnavailableException;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelRecord;
import io.netpilot.core.TunnelSpec;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.TunnelLauncher;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one tunnel's router side against the relay and waits until it carries traffic: leases a
 * relay port, authorizes the router's key there, launches the router-side supervisor and polls the
 * end-to-end probe, then proves the port reaches this router (its host key, {@link RouterIdentity}). Each step that stays is pushed onto the caller's {@link Undo}; a port the relay
 * will not let the router listen on is given back and another one tried (bounded). Knows nothing of
 * the tunnel's state or events. Thread-safe.
 *
 * <p>A record only to hold its collaborators, not a value.
 */
record TunnelStarter(TunnelLauncher launcher, RelayGateway gateway, RouterIdentity identity, EndToEndProbe probe,
        StateStore store, ManagerSettings settings, Teardown teardown, Tokens tokens) {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelStarter.class);
    /** A line the router's supervisor script logged itself: {@code 2026-11-30T06:36:23+0000 [13833] ...}. */
    private static final Pattern SUPERVISOR_LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+ \\[\\d+\\] ");
    /** What OpenSSH, dropbear and autossh log when the relay refuses the {@code -R} listener. */
    private static final Pattern BIND_FAILURE = Pattern.compile(
            "(?i)(remote port forwarding failed|address already in use|cannot listen to port|port forwarding failed"
                    + "|remote tcp forward request failed)"); // the last is dbclient's
    /** How often the router's log is read for a bind failure while the probe is polled. */
    private static final Duration INSPECT_EVERY = Duration.ofSeconds(1);
    /** The pause between connect probes at first, while a tunnel usually comes up. */
    private static final long SOON_PAUSE_MS = 15;
    /** How long connect probes are that frequent before they are {@link ManagerSettings#connectProbePoll()} apart. */
    private static final long SOON_FOR_MS = 2000;
    /** How many times the relay is asked whether a stale session let go of its port. */
    private static final int PORT_FREED_POLLS = 8;

    /**
     * A started tunnel.
     *
     * @param port the relay port it listens on
     * @param token its cleanup token
     * @param rtt the round-trip time of the probe that passed
     * @param firstPort the port tried first (another one when that was lost)
     * @param why why the first port was given up, when it was
     */
    record Started(int port, CleanupToken token, Duration rtt, int firstPort, String why) {}

    /**
     * Leases a port ({@code requested}, or any free one not in {@code excluded}), launches on it and
     * waits for the probe; when the port turns out to be held by someone else, undoes that attempt
     * and tries another, adding the lost one to {@code excluded}.
     *
     * @throws PortUnavailableException when the requested port, or every port tried, was lost
     */
    Started onFreePort(TunnelSpec spec, RemoteShell router, RemoteShell relay, Supplier<String> routerKey,
            OptionalInt requested, Set<Integer> excluded, Undo undo) {
        RouterId rid = spec.router().id();
        int first = 0;
        String why = "";
        PortLostException last = null;
        for (int attempt = 0; attempt < settings.portAttempts(); attempt++) {
            Set<Integer> exclude = Set.copyOf(excluded);
            PortLease lease = Hosts.onRelay(spec, () -> identity.allocate(spec, router, relay, spec.portRange(), requested, exclude));
            int port = lease.port();
            if (first == 0) {
                first = port;
            }
            Undo attemptUndo = new Undo();
            attemptUndo.push("release relay port " + port, () -> identity.release(spec, Optional.of(router), relay, port));
            try {
                store.savePortLease(lease);
                attemptUndo.push("forget the lease of port " + port, () -> store.removePortLease(lease.relay(), port));
                CleanupToken token = tokens.next(rid, port);
                ProbeResult.Reached reached = launchAndAwait(spec, router, relay, routerKey, port, token, attemptUndo,
                        settings.connectProbeWait());
                undo.adopt(attemptUndo);
                return new Started(port, token, reached.roundTrip(), first, why);
            } catch (PortLostException lost) {
                attemptUndo.run();
                if (requested.isPresent()) {
                    throw new PortUnavailableException("relay port " + port + " was asked for but cannot be bound: "
                            + lost.getMessage() + ". Ask for another with --port, or leave --port out to let NetPilot choose.");
                }
                LOG.warn("relay port {} is lost ({}); trying another", port, lost.getMessage());
                excluded.add(port);
                why = "relay port " + port + " was lost: " + lost.getMessage();
                last = lost;
            } catch (RuntimeException e) {
                undo.adopt(attemptUndo);
                throw e;
            }
        }
        throw new PortUnavailableException("no relay port could be bound after " + settings.portAttempts()
                + " attempts (last: " + (last == null ? "none" : last.getMessage()) + "); free ports in "
                + spec.portRange() + " on the relay, or give a wider --port-range");
    }

    /**
     * Launches again on {@code port} with {@code token}: stops what is left on the router, ends a
     * stale relay session that still holds the port, leases it again and waits up to {@code wait}
     * for the probe. A failure undoes this attempt, except a launch whose supervisor runs but whose
     * probe did not pass yet: that one is kept, since the supervisor reconnects by itself as soon as
     * its path to the relay heals.
     *
     * @throws PortLostException when another session holds the port
     * @throws NotAnsweringYetException when it was launched and runs but does not answer yet (kept)
     */
    ProbeResult.Reached onSamePort(TunnelSpec spec, RemoteShell router, RemoteShell relay, Supplier<String> routerKey,
            int port, CleanupToken token, Duration wait) {
        Hosts.onRouter(spec, () -> teardown.stopRouterSide(router, token));
        if (Hosts.onRelay(spec, () -> gateway.isListening(relay, port))) {
            boolean ended = Hosts.onRelay(spec, () -> gateway.endSession(relay, token));
            if (ended) {
                LOG.info("ended the relay's stale session of {} to free port {}", token, port);
            }
            if (!ended || !portFreed(spec, relay, port)) {
                throw new PortLostException(port, "relay port " + port + " is held by another session");
            }
        }
        PortLease lease;
        try {
            lease = Hosts.onRelay(spec, () -> identity.allocate(spec, router, relay, spec.portRange(), OptionalInt.of(port), Set.of()));
        } catch (PortLostException e) {
            throw e;
        } catch (PortUnavailableException e) {
            throw new PortLostException(port, e.getMessage());
        }
        store.savePortLease(lease);
        Undo undo = new Undo();
        try {
            return launchAndAwait(spec, router, relay, routerKey, port, token, undo, wait);
        } catch (NotAnsweringYetException e) {
            throw e;
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
    }

    /** The relay ports the other wanted tunnels on the same relay hold, so an allocation avoids them. */
    Set<Integer> portsOfOtherTunnels(TunnelSpec spec) {
        String relay = spec.relay().address().hostAndPort();
        Set<Integer> ports = new HashSet<>();
        for (TunnelRecord r : store.tunnels()) {
            if (!r.id().equals(spec.id()) && r.spec().relay().address().hostAndPort().equals(relay)) {
                r.port().ifPresent(ports::add);
            }
        }
        return ports;
    }

    /**
     * Authorizes the router on the relay (with the key {@code routerKey} gives, waited for here, so it
     * can be made while the port was leased), launches with {@code token} and waits for the probe. The
     * authorization comes first: a router client that logs in before it is refused, and its supervisor
     * tries again only after a pause.
     */
    private ProbeResult.Reached launchAndAwait(TunnelSpec spec, RemoteShell router, RemoteShell relay, Supplier<String> routerKey,
            int port, CleanupToken token, Undo undo, Duration wait) {
        long t0 = System.nanoTime();
        String key = routerKey.get();
        long keyed = System.nanoTime();
        Hosts.runOnRelay(spec, () -> gateway.authorize(relay, key, token, identity.agent()));
        undo.push("revoke " + token + " on the relay", () -> gateway.revoke(relay, token));
        SshAddress relayAddress = spec.relay().address();
        LaunchPlan plan = new LaunchPlan(token, new Forward(port, spec.targetPort()),
                new SshAddress(spec.relay().tunnelUser(), relayAddress.host(), relayAddress.port()),
                relay.hostPublicKey(), spec.leaseTtl(), relay.hostPublicKeys());
        undo.push("stop the router processes of " + token, () -> teardown.stopRouterSide(router, token));
        long authorized = System.nanoTime();
        int pid = Hosts.onRouter(spec, () -> launcher.launch(router, plan));
        LOG.info("launched {} on the router (supervisor pid {}); waiting for the end-to-end probe", token, pid);
        long launched = System.nanoTime();
        ProbeResult.Reached reached = awaitProbe(spec, router, relay, port, token, wait);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: router key waited for {} ms, authorized in {} ms, launched in {} ms, probe passed after {} ms",
                    token, Timing.between(t0, keyed), Timing.between(keyed, authorized), Timing.between(authorized, launched),
                    Timing.since(launched));
        }
        Hosts.runOnRelay(spec, () -> identity.confirm(spec, router, relay, port));
        return reached;
    }

    /**
     * Polls the probe until it passes or {@code wait} has passed: every
     * {@value #SOON_PAUSE_MS} ms for the first {@value #SOON_FOR_MS} ms (a tunnel usually answers
     * within them, and a probe that fails costs one channel open on the relay session), then every
     * {@link ManagerSettings#connectProbePoll()}; reads the router's log about once a second for a relay
     * that refused the port.
     */
    private ProbeResult.Reached awaitProbe(TunnelSpec spec, RemoteShell router, RemoteShell relay, int port, CleanupToken token,
            Duration wait) {
        long[] nextInspect = {System.nanoTime() + INSPECT_EVERY.toNanos()};
        ProbeResult last = Poll.soonThenEvery(ProbeResult.Reached.class::isInstance, Duration.ofMillis(SOON_PAUSE_MS),
                Duration.ofMillis(SOON_FOR_MS), settings.connectProbePoll(), wait,
                () -> {
                    ProbeResult r = Hosts.onRelay(spec, () -> probe.probe(relay, port, settings.probeTimeout()));
                    if (r instanceof ProbeResult.Unreached && System.nanoTime() - nextInspect[0] >= 0) {
                        nextInspect[0] = System.nanoTime() + INSPECT_EVERY.toNanos();
                        refusedPort(spec, router, port, token);
                    }
                    return r;
                });
        if (last instanceof ProbeResult.Reached reached) {
            return reached;
        }
        String lastReason = ((ProbeResult.Unreached) last).reason();
        RouterTunnelStatus status = refusedPort(spec, router, port, token);
        String log = status.logTail().strip();
        if (Hosts.onRelay(spec, () -> gateway.isListening(relay, port))
                && !Hosts.onRelay(spec, () -> gateway.liveSessions(relay)).contains(token)) {
            throw new PortLostException(port, "another process listens on relay port " + port);
        }
        String message = "the tunnel on relay port " + port + " did not answer within "
                + wait + " (last probe: " + lastReason + "; the router's supervisor "
                + (status.alive() ? "runs" : "is not running") + (log.isEmpty() ? "" : "; router log: " + lastWords(log))
                + "). Check that the router can reach " + spec.relay().address().hostAndPort()
                + " and that its SSH server listens on port " + spec.targetPort() + ".";
        throw status.alive() ? new NotAnsweringYetException(message) : new NetPilotException(message);
    }

    /**
     * Reads the router's status of {@code token}.
     *
     * @throws PortLostException when its log says the relay refused to let it listen on {@code port}
     */
    private RouterTunnelStatus refusedPort(TunnelSpec spec, RemoteShell router, int port, CleanupToken token) {
        RouterTunnelStatus status = Hosts.onRouter(spec, () -> launcher.inspect(router, token));
        String log = status.logTail().strip();
        if (BIND_FAILURE.matcher(log).find()) {
            throw new PortLostException(port, "the relay refused to let the router listen on port " + port
                    + " (router log: " + lastLine(log) + ")");
        }
        return status;
    }

    private boolean portFreed(TunnelSpec spec, RemoteShell relay, int port) {
        boolean listening = Poll.<Boolean>until(stillListening -> !stillListening, settings.connectProbePoll(), PORT_FREED_POLLS,
                poll -> Hosts.onRelay(spec, () -> gateway.isListening(relay, port)));
        return !listening;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return clip(lines[lines.length - 1]);
    }

    /**
     * The log's last line and, when that is the supervisor's own ("client exited with 1", "lease lapsed"),
     * also the last thing the router's SSH client said itself (the lines the supervisor did not stamp),
     * which is what tells a refused login from a refused forward or an unreachable relay.
     */
    static String lastWords(String text) {
        String[] lines = text.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.isEmpty() && !SUPERVISOR_LINE.matcher(line).lookingAt()) {
                return i == lines.length - 1 ? clip(line) : lastLine(text) + "; its client said before: " + clip(line);
            }
        }
        return lastLine(text);
    }

    private static String clip(String line) {
        String l = line.strip();
        return l.length() > 200 ? l.substring(0, 200) + "..." : l;
    }
}
