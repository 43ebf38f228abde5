package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.StatusDocument;
import io.netpilot.cli.internal.StatusTable;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.Agent;
import io.netpilot.core.TunnelSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot status}: from the running agent, or from the state files when none runs. */
@Command(
        name = "status",
        description = {
            "Show one line per wanted tunnel: id, router, relay:port, state, since, RTT, last error.",
            "Asks the running agent; without one, reads the state files (states are then the last ones seen)."
        },
        footer = {"  netpilot status", "  netpilot status --json | jq '.tunnels[] | select(.state != \"UP\") | .id'",
            "", "The --json document is stable; see docs/cli.md."})
final class StatusCommand extends Subcommand {
    @Option(names = "--json", description = "Print the stable machine-readable document.")
    boolean json;

    @Override
    public Integer call() {
        Path homePath = root.homePath();
        List<TunnelSnapshot> tunnels = List.of();
        List<String> problems = List.of();
        Optional<Agent> agent = Agents.attach(homePath);
        boolean running = agent.isPresent();
        if (running) {
            try (Agent live = agent.get()) {
                tunnels = live.tunnels();
            }
        }
        // the state files are always current (every change is written before it is told), so they say what is pending
        Agents.Persisted persisted = Files.isDirectory(homePath)
                ? Agents.persistedTunnels(root.openHome())
                : new Agents.Persisted(List.of(), List.of(), List.of());
        if (!running) {
            tunnels = persisted.tunnels();
            problems = persisted.problems();
        }
        List<PendingRevocation> pending = persisted.pending();
        problems.forEach(root.console::warn);
        if (json) {
            var doc = StatusDocument.status(running, tunnels, Instant.now());
            StatusDocument.pendingRevocations(doc, pending);
            var list = doc.putArray("problems");
            problems.forEach(list::add);
            root.console.println(doc.toPrettyString());
        } else if (tunnels.isEmpty()) {
            root.console.println("no tunnels" + (running ? "" : " (no agent running)"));
            StatusTable.pending(pending, Instant.now()).forEach(root.console::println);
        } else {
            StatusTable.render(tunnels, Instant.now()).forEach(root.console::println);
            StatusTable.pending(pending, Instant.now()).forEach(root.console::println);
            if (!running) {
                root.console.println("(no agent running: states are the last ones seen)");
            }
        }
        return ExitCode.OK;
    }
}
