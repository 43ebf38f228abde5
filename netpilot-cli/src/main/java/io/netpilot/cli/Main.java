package io.netpilot.cli;

import io.netpilot.cli.command.NetPilotCommand;

/** Entry point of the {@code netpilot} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(NetPilotCommand.run(args));
    }
}
