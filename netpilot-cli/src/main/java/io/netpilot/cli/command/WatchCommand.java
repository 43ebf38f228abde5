package io.netpilot.cli.command;

import io.netpilot.cli.internal.ControlClient;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.StatusDocument;
import io.netpilot.core.NetPilotException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code netpilot watch}: follow the running agent's events. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = "Follow the running agent's tunnel events (state changes, probe metrics, port changes, errors) until Ctrl-C.",
        footerHeading = "%nExamples:%n",
        footer = {"  netpilot watch", "  netpilot watch --json | jq -c 'select(.type == \"state\")'"})
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    NetPilotCommand root;

    @Option(names = "--json", description = "One JSON object per event (stable; see docs/cli.md).")
    boolean json;

    @Override
    public Integer call() {
        try (ControlClient client = ControlClient.connect(root.homePath().resolve("agent.sock"))
                .orElseThrow(() -> new NetPilotException("no agent is running on " + root.homePath() + "; start one with: netpilot agent"))) {
            client.stream(StatusCommand.op("watch"), event -> {
                root.console.println(json ? event.toString() : StatusDocument.eventLine(event));
                return true;
            });
        }
        return ExitCode.OK;
    }
}
