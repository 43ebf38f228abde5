package io.netpilot.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an agent's start brought back ({@link NetPilot#restore()}). Immutable, thread-safe.
 *
 * @param restored every wanted tunnel after restoring, each in its state
 * @param problems the state files that were unreadable at start and set aside
 * @param rediscoveries when {@code tunnel-state.json} was set aside: one entry per known router,
 *     asked for the tunnels it still runs; empty otherwise
 */
public record RestoreReport(List<TunnelSnapshot> restored, List<StateProblem> problems, List<Rediscovery> rediscoveries) {
    /** @throws NullPointerException when a list is missing */
    public RestoreReport {
        restored = List.copyOf(restored);
        problems = List.copyOf(problems);
        rediscoveries = List.copyOf(rediscoveries);
    }

    /**
     * Every tunnel the agent now supervises: the restored ones and those rediscovered on routers.
     *
     * @return the tunnels, restored first
     */
    public List<TunnelSnapshot> tunnels() {
        List<TunnelSnapshot> all = new ArrayList<>(restored);
        rediscoveries.forEach(r -> r.report().ifPresent(rep -> rep.found().forEach(f -> all.add(f.tunnel()))));
        return List.copyOf(all);
    }

    /**
     * One router asked for the tunnels the lost state forgot.
     *
     * @param router the router, from {@code router-connections.json}
     * @param report what it held, when it could be asked
     * @param error why it could not be asked
     */
    public record Rediscovery(SshAddress router, Optional<RediscoveryReport> report, Optional<String> error) {
        /** @throws NullPointerException when a value is missing */
        public Rediscovery {
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(error, "error");
        }
    }
}
