package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.core.Durations;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.core.NetPilot;
import io.netpilot.state.NetPilotHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot agent}: the headless agent. */
@Command(
        name = "agent",
        description = {
            "Run the headless agent: take the home's lock, restore every wanted tunnel (adopting healthy ones),",
            "supervise them, renew their leases, and serve connect/status/watch on <home>/agent.sock.",
            "On SIGINT/SIGTERM it stops every tunnel's router processes before exiting; the tunnels stay",
            "wanted, so the next start brings them back."
        },
        footer = {"  netpilot agent", "  netpilot --home /srv/netpilot agent --lease-ttl 5m"})
final class AgentCommand extends Subcommand {
    @Option(names = "--lease-ttl", paramLabel = "DURATION", defaultValue = "2m",
            description = "Lease for tunnels connected through this agent (default: ${DEFAULT-VALUE}).")
    String leaseTtl;

    @Override
    public Integer call() {
        Durations.parse(leaseTtl); // validated, so that a bad value fails before the home is touched
        NetPilotHome home = root.openHome();
        try (NetPilot agent = Agents.start(home, root.console)) {
            root.console.println("agent running (pid " + ProcessHandle.current().pid() + ", home " + home.root() + ")");
            Agents.serveUntilStopped(agent);
        }
        return ExitCode.OK;
    }
}
