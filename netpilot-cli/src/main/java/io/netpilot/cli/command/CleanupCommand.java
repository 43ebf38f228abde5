package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.Credentials;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilot;
import io.netpilot.core.RouterEndpoint;
import io.netpilot.core.SshAddress;
import io.netpilot.state.NetPilotHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot cleanup}: stop NetPilot's processes on one router, with or without state. */
@Command(
        name = "cleanup",
        description = {
            "Stop every NetPilot tunnel process on a router, found by its cleanup token (np_...), whether or",
            "not this home knows of it; with --port, only that relay port's, plus token-less SSH clients whose",
            "-R binds it (tunnels left by older tools). Refuses when this home still wants a tunnel on that",
            "router (disconnect it instead), unless --force: then it stays wanted and comes back at the next start."
        },
        footer = {"  netpilot cleanup --router root@192.168.1.1", "  netpilot cleanup --force --router root@192.168.1.1 --port 2250"})
final class CleanupCommand extends Subcommand {
    @Option(names = "--router", required = true, paramLabel = "USER@HOST[:PORT]", description = "The router to clean.")
    String router;

    @Option(names = "--router-key", paramLabel = "FILE", description = "Private key for the router (default: the agent's own key).")
    Path routerKey;

    @Option(names = "--port", paramLabel = "N", description = "Only the tunnel on this relay port.")
    Integer port;

    @Option(names = "--force", description = "Clean even when this home still wants tunnels on that router.")
    boolean force;

    @Override
    public Integer call() {
        SshAddress address = SshAddress.parse(router);
        if (port != null && (port < 1 || port > 65535)) {
            throw new InvalidInputException("--port must be a port from 1 to 65535, not " + port);
        }
        if (routerKey != null && !Files.isReadable(routerKey)) {
            throw new InvalidInputException("--router-key " + routerKey + " is not a readable file");
        }
        Credentials credentials = routerKey == null ? Credentials.AGENT_KEY : new Credentials.KeyFile(routerKey);
        NetPilotHome home = root.openHome();
        if (!force) {
            List<String> wanted = Agents.persistedTunnels(home).tunnels().stream()
                    .filter(t -> t.router().hostAndPort().equals(address.hostAndPort())).map(t -> t.id().value()).toList();
            if (!wanted.isEmpty()) {
                throw new InvalidInputException("this home still wants " + wanted + " on " + address
                        + ": use 'netpilot disconnect' to end them, or --force to clean anyway (they come back at the next start)");
            }
        }
        var step = root.console.step("cleaning " + address);
        CleanupReport report;
        try (NetPilot netpilot = Agents.open(home, root.console)) {
            report = netpilot.manager().forceCleanup(RouterEndpoint.of(address), credentials,
                    port == null ? OptionalInt.empty() : OptionalInt.of(port));
        }
        step.done();
        Agents.print(root.console, report, "stopped");
        return report.complete() ? ExitCode.OK : ExitCode.FAILED;
    }
}
