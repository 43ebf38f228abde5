package io.netpilot.cli.command;

import io.netpilot.cli.internal.Console;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.cli.internal.Failures;
import io.netpilot.cli.internal.LogSetup;
import io.netpilot.core.NetPilotException;
import io.netpilot.state.NetPilotHome;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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
    /**
     * The subcommands, in the order help lists them. They are made and added to picocli only when needed
     * (see {@link #needed}): building picocli's model of every command was most of the startup of a
     * {@code status} call (docs/BENCHMARKS.md).
     */
    private static final List<String> SUBCOMMANDS = List.of("connect", "agent", "status", "disconnect", "retry", "cleanup", "watch",
            "doctor", "demo", "autostart", "generate-completion", "help");

    // A switch, not a map of constructor references: JDK 25's AOT cache (see the launcher) crashed while
    // archiving lambdas that name picocli's classes, which are too old a class version to be archived.
    private static Object subcommand(String name) {
        return switch (name) {
            case "connect" -> new ConnectCommand();
            case "agent" -> new AgentCommand();
            case "status" -> new StatusCommand();
            case "disconnect" -> new DisconnectCommand();
            case "retry" -> new RetryCommand();
            case "cleanup" -> new CleanupCommand();
            case "watch" -> new WatchCommand();
            case "doctor" -> new DoctorCommand();
            case "demo" -> new DemoCommand();
            case "autostart" -> new AutostartCommand();
            case "generate-completion" -> new AutoComplete.GenerateCompletion();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

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
        for (String name : needed(args)) {
            cli.addSubcommand(name, subcommand(name));
        }
        cli.setExecutionStrategy(parsed -> {
            LogSetup.stderr(root.verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            Throwable failure = Failures.unwrap(e);
            int code = ExitCode.of(failure);
            root.console.error(Failures.oneLine(failure));
            if (root.verbose && !(failure instanceof NetPilotException)) {
                e.printStackTrace(System.err);
            }
            return code;
        });
        return cli.execute(args);
    }

    /**
     * The subcommands {@code args} need: only the one it names, or none for {@code --version}; all of them
     * for help, completion, no command or anything unclear (an unknown name, a bad option), so picocli's
     * listings and suggestions are the full ones. Every root option but {@code --home} takes no value.
     */
    static Collection<String> needed(String[] args) {
        List<String> given = Arrays.asList(args);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--home")) {
                i++;
            } else if (a.equals("--")) {
                break;
            } else if (!a.startsWith("-")) {
                boolean alone = SUBCOMMANDS.contains(a) && !a.equals("help") && !a.equals("generate-completion");
                return alone ? List.of(a) : SUBCOMMANDS;
            }
        }
        boolean versionOnly = (given.contains("--version") || given.contains("-V")) && !given.contains("--help") && !given.contains("-h");
        return versionOnly ? List.of() : SUBCOMMANDS;
    }
}
