package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.TunnelId;
import io.netpilot.state.NetPilotHome;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netpilot disconnect}: stop and forget tunnels. */
@Command(
        name = "disconnect",
        description = {
            "Stop a tunnel for good: its router processes end, its relay authorization and port are released,",
            "and it is no longer wanted (it will not come back at the next start)."
        },
        footer = {"  netpilot disconnect t1a2b3c4d", "  netpilot disconnect --router 192.168.1.1", "  netpilot disconnect --all"})
final class DisconnectCommand extends Subcommand {
    static final class Which {
        @Parameters(paramLabel = "ID", description = "The tunnel's id (see status).")
        String id;

        @Option(names = "--router", paramLabel = "HOST", description = "Every tunnel of this router.")
        String router;

        @Option(names = "--all", description = "Every tunnel.")
        boolean all;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Override
    public Integer call() {
        Optional<TunnelId> id = Optional.ofNullable(which.id).map(TunnelId::new);
        NetPilotHome home = root.openHome();
        // Through the running agent when there is one, else as a one-shot agent over the home.
        try (Agent agent = Agents.attach(home.root()).orElseGet(() -> Agents.open(home, root.console))) {
            List<CleanupReport> reports = Agents.disconnect(agent, id, Optional.ofNullable(which.router), which.all);
            reports.forEach(r -> Agents.print(root.console, r, "disconnected"));
            return reports.stream().allMatch(CleanupReport::complete) ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
