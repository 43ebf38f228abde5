package io.netpilot.cli.command;

import io.netpilot.cli.internal.Autostart;
import io.netpilot.cli.internal.ExitCode;
import io.netpilot.core.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code netpilot autostart}: start the agent with the user's session. */
@Command(
        name = "autostart",
        description = {
            "Start the agent when you log in (or the machine boots, with lingering on), so wanted tunnels come back",
            "by themselves. On Linux: a systemd user unit for 'netpilot agent' and an XDG autostart entry for the",
            "desktop app, both naming the launchers of this installed NetPilot (INSTALL/bin/netpilot and",
            "INSTALL/bin/netpilot-desktop). From a build tree it refuses (exit 2) and says where the archive to",
            "unpack is. 'status' tells whether the unit and entry are there, what they run, whether the unit is",
            "enabled and whether the agent is running. Elsewhere than Linux it says what to do."
        },
        footer = {"  netpilot autostart install", "  netpilot autostart status", "  netpilot autostart uninstall"})
final class AutostartCommand extends Subcommand {
    @Parameters(paramLabel = "ACTION", description = "install, uninstall or status")
    String action;

    @Override
    public Integer call() {
        Autostart autostart = Autostart.forThisUser(root.homePath());
        return switch (action) {
            case "install" -> {
                autostart.install().forEach(root.console::println);
                yield ExitCode.OK;
            }
            case "uninstall" -> {
                autostart.uninstall().forEach(root.console::println);
                yield ExitCode.OK;
            }
            case "status" -> {
                autostart.status().forEach(root.console::println);
                yield ExitCode.OK;
            }
            default -> throw new InvalidInputException("autostart takes install, uninstall or status, not '" + action + "'");
        };
    }
}
