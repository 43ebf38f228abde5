package io.netpilot.cli.command;

import io.netpilot.cli.internal.Console;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.LogSetup;
import io.netpilot.core.NetPilotException;
import io.netpilot.state.NetPilotHome;
import java.nio.file.Path;
import java.util.Optional;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot}: the root command, its global options and the error-to-exit-code mapping. */
@Command(
        name = "netpilot",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Keeps reverse SSH tunnels from customer routers to a cloud relay alive, and never leaves one behind.",
            ""
        },
        subcommands = {
            ConnectCommand.class,
            AgentCommand.class,
            StatusCommand.class,
            DisconnectCommand.class,
            CleanupCommand.class,
            WatchCommand.class,
            DoctorCommand.class,
            DemoCommand.class,
            AutostartCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  netpilot demo                                   see the whole lifecycle on this machine",
            "  netpilot connect --router root@192.168.1.1 --relay tunnel@relay.example.com",
            "  netpilot status --json                          machine-readable status",
            "  source <(netpilot generate-completion)           bash/zsh completion",
            "",
            "Exit codes: 0 done, 1 failed, 2 bad usage, 3 another agent owns the home.",
            "Home: --home, else $NETPILOT_HOME, else ~/.netpilot (state files, keys, logs, agent.sock)."
        })
public final class NetPilotCommand {
    @Option(names = "--home", paramLabel = "DIR", description = "The NetPilot home (default: $NETPILOT_HOME or ~/.netpilot).")
    Path home;

    @Option(names = {"-v", "--verbose"}, description = "Also log to stderr.")
    boolean verbose;

    final Console console = Console.system();

    /** The home's path, without creating it. */
    Path homePath() {
        return NetPilotHome.resolvePath(Optional.ofNullable(home), System.getenv());
    }

    /** The home, created when missing, with file logging turned on in it. */
    NetPilotHome openHome() {
        NetPilotHome h = NetPilotHome.at(homePath());
        LogSetup.toDirectory(h.logsDir());
        return h;
    }

    /** Parses and runs {@code args}; returns the exit code. */
    public static int run(String[] args) {
        NetPilotCommand root = new NetPilotCommand();
        CommandLine cli = new CommandLine(root);
        cli.setExecutionStrategy(parsed -> {
            LogSetup.stderr(root.verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            int code = e instanceof io.netpilot.cli.internal.ControlClient.AgentReplyException reply ? reply.exitCode() : ExitCode.of(e);
            root.console.error(e instanceof NetPilotException ? e.getMessage() : e.toString());
            if (root.verbose && !(e instanceof NetPilotException)) {
                e.printStackTrace(System.err);
            }
            return code;
        });
        return cli.execute(args);
    }
}
