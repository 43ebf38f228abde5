package io.netpilot.cli.internal;

import io.netpilot.core.AgentAlreadyRunningException;
import io.netpilot.core.InvalidInputException;

/** The exit codes of the command-line contract. */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** Failed; stderr says why. */
    public static final int FAILED = 1;
    /** Bad usage or bad input; nothing was changed. */
    public static final int USAGE = 2;
    /** Another agent owns the NetPilot home. */
    public static final int AGENT_RUNNING = 3;

    private ExitCode() {}

    /** The exit code for a failure. */
    public static int of(Throwable failure) {
        if (failure instanceof InvalidInputException) {
            return USAGE;
        }
        if (failure instanceof AgentAlreadyRunningException) {
            return AGENT_RUNNING;
        }
        return FAILED;
    }
}
