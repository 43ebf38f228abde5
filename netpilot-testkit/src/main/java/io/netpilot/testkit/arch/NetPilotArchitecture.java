package io.netpilot.testkit.arch;

public final class NetPilotArchitecture {
    private NetPilotArchitecture() {}
}
