package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.core.Agent;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.TunnelId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code netpilot retry}: check and repair a tunnel now instead of at its next attempt. */
@Command(
        name = "retry",
        description = {
            "Check a tunnel now and, if it does not answer, repair it now: skips the wait before its next",
            "repair attempt (backoff, ride-out window, an open circuit breaker). Needs a running agent;",
            "follow the outcome with `netpilot watch` or `netpilot status`."
        },
        footer = {"  netpilot retry t1a2b3c4d"})
final class RetryCommand extends Subcommand {
    @Parameters(paramLabel = "ID", description = "The tunnel's id (see status).")
    String id;

    @Override
    public Integer call() {
        TunnelId tunnel = new TunnelId(id);
        try (Agent agent = Agents.attach(root.homePath())
                .orElseThrow(() -> new NetPilotException("no agent is running on " + root.homePath()
                        + "; start one with: netpilot agent (it checks and repairs every tunnel when it starts)"))) {
            agent.retry(tunnel);
        }
        root.console.println("retrying " + tunnel + ": checking it now and repairing it if it does not answer");
        return ExitCode.OK;
    }
}
