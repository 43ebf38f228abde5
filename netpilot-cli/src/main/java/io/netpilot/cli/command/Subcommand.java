package io.netpilot.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * What every {@code netpilot} subcommand has: {@code --help}/{@code --version}, an examples footer, and
 * the root command with the global options, the console and the home. Picocli reads these annotations
 * from this superclass; a subcommand's own {@code @Command} adds its name, description and examples.
 */
@Command(mixinStandardHelpOptions = true, footerHeading = "%nExamples:%n")
abstract class Subcommand implements Callable<Integer> {
    @ParentCommand
    NetPilotCommand root;
}
