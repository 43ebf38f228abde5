package io.netpilot.cli.command;

import picocli.CommandLine.IVersionProvider;

/** The version from the module descriptor (set by Maven), with the Java runtime it runs on. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = NetPilotCommand.class.getModule().getDescriptor() == null
                ? "dev"
                : NetPilotCommand.class.getModule().getDescriptor().rawVersion().orElse("dev");
        return new String[] {"netpilot " + version, "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
