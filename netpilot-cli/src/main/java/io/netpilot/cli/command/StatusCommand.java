package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.StatusDocument;
import io.netpilot.cli.internal.StatusTable;
import io.netpilot.core.Agent;
import io.netpilot.core.TunnelSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code netpilot status}: from the running agent, or from the state files when none runs. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show one line per wanted tunnel: id, router, relay:port, state, since, RTT, last error.",
            "Asks the running agent; without one, reads the state files (states are then the last ones seen)."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  netpilot status", "  netpilot status --json | jq '.tunnels[] | select(.state != \"UP\") | .id'",
            "", "The --json document is stable; see docs/cli.md."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    NetPilotCommand root;

    @Option(names = "--json", description = "Print the stable machine-readable document.")
    boolean json;

    @Override
    public Integer call() {
        Path homePath = root.homePath();
        boolean running;
        List<TunnelSnapshot> tunnels;
        List<String> problems = List.of();
        Optional<Agent> agent = Agents.attach(homePath);
        if (agent.isPresent()) {
            try (Agent live = agent.get()) {
                tunnels = live.tunnels();
                running = true;
            }
        } else {
            running = false;
            Agents.Persisted persisted = Files.isDirectory(homePath)
                    ? Agents.persistedTunnels(root.openHome())
                    : new Agents.Persisted(List.of(), List.of());
            tunnels = persisted.tunnels();
            problems = persisted.problems();
        }
        problems.forEach(root.console::warn);
        if (json) {
            var doc = StatusDocument.status(running, tunnels, Instant.now());
            var list = doc.putArray("problems");
            problems.forEach(list::add);
            root.console.println(doc.toPrettyString());
        } else if (tunnels.isEmpty()) {
            root.console.println("no tunnels" + (running ? "" : " (no agent running)"));
        } else {
            StatusTable.render(tunnels, Instant.now()).forEach(root.console::println);
            if (!running) {
                root.console.println("(no agent running: states are the last ones seen)");
            }
        }
        return ExitCode.OK;
    }
}
