package io.netpilot.cli;

import io.netpilot.cli.command.NetPilotCommand;

/** Entry point of the {@code netpilot} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Guice 7 would otherwise define AOP classes through sun.misc.Unsafe, which JDK 23+ warns about
        // loudly on stderr; NetPilot uses no method interception.
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        System.exit(NetPilotCommand.run(args));
    }
}
