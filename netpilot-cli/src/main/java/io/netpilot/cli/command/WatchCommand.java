package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.StatusDocument;
import io.netpilot.core.Agent;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.Subscription;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot watch}: follow the running agent's events. */
@Command(
        name = "watch",
        description = "Follow the running agent's tunnel events (state changes, probe metrics, port changes, errors) until Ctrl-C.",
        footer = {"  netpilot watch", "  netpilot watch --json | jq -c 'select(.type == \"state\")'"})
final class WatchCommand extends Subcommand {
    @Option(names = "--json", description = "One JSON object per event (stable; see docs/cli.md).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Agent agent = Agents.attach(root.homePath())
                .orElseThrow(() -> new NetPilotException("no agent is running on " + root.homePath() + "; start one with: netpilot agent"));
        CountDownLatch never = new CountDownLatch(1);
        Subscription events = agent.subscribe(event -> {
            var doc = StatusDocument.event(event);
            root.console.println(json ? doc.toString() : StatusDocument.eventLine(doc));
        });
        try (agent) {
            // Until Ctrl-C, or until the agent stops answering (then tunnels() throws and says so); each
            // second's answer is the heartbeat of the --json stream (docs/cli.md).
            while (!never.await(1, TimeUnit.SECONDS)) {
                agent.tunnels();
                if (json) {
                    root.console.println("{\"type\":\"heartbeat\"}");
                }
            }
        } finally {
            events.close();
        }
        return ExitCode.OK;
    }
}
