package io.netpilot.core;

/**
 * Another agent holds the NetPilot home's lock.
 */
public class AgentAlreadyRunningException extends NetPilotException {
    private static final long serialVersionUID = 1L;

    private final long ownerPid;

    public AgentAlreadyRunningException(String home, long ownerPid) {
        super("another NetPilot agent (pid " + ownerPid + ") already owns " + home
                + "; stop it, or use it: commands such as connect and status talk to it");
        this.ownerPid = ownerPid;
    }

    /** The pid of the agent that holds the lock, or -1 when it could not be read. */
    public long ownerPid() {
        return ownerPid;
    }
}
