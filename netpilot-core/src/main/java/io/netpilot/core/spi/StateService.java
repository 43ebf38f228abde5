package io.netpilot.core.spi;

import io.netpilot.core.Agent;
import io.netpilot.core.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The service that gives the front door ({@link io.netpilot.core.NetPilot}) everything that lives
 * in the NetPilot home: the single-agent lock, the state store, and the local control channel
 * ({@code agent.sock}) that lets one process attach to another's agent. Core {@code uses} it;
 * {@code netpilot-state} {@code provides} it (module descriptor and {@code META-INF/services}).
 * Implementations are stateless and thread-safe.
 */
public interface StateService {
    /**
     * Prepares the home directory ({@code 0700}, with {@code logs/}) and takes its lock.
     *
     * @param home the home directory
     * @return the held lock; closing it releases the home
     * @throws io.netpilot.core.AgentAlreadyRunningException when another agent owns the home
     * @throws io.netpilot.core.StateCorruptException when the directory cannot be made
     */
    Held lock(Path home);

    /**
     * Opens the home's state for writing; call only while holding its lock.
     *
     * @param home the home directory
     * @param clock stamps the names of files set aside
     * @return the store; unreadable files are set aside and listed in {@link StateStore#problems()}
     * @throws io.netpilot.core.UnsupportedSchemaException when a file was written by a newer NetPilot
     * @throws io.netpilot.core.StateCorruptException when a file cannot be read at all
     */
    StateStore open(Path home, Clock clock);

    /**
     * A read-only view of the home's state that changes nothing on disk (for a look while another
     * process may own the home).
     *
     * @param home the home directory
     * @return the view; every change throws {@link IllegalStateException}
     * @throws io.netpilot.core.UnsupportedSchemaException when a file was written by a newer NetPilot
     */
    StateStore view(Path home);

    /**
     * Serves {@code agent} on the home's control channel; call only while holding the lock.
     *
     * @param home the home directory
     * @param agent what requests are answered with
     * @param stop run when a client asks the agent to stop
     * @return the running server; closing it stops accepting and ends every client connection
     * @throws io.netpilot.core.NetPilotException when the channel cannot be opened
     */
    Held serve(Path home, Agent agent, Runnable stop);

    /**
     * Attaches to the agent serving the home's control channel, when one answers.
     *
     * @param home the home directory
     * @return the other process's agent ({@link Agent#attached()} is true), or empty when none answers
     */
    Optional<Agent> attach(Path home);

    /**
     * Asks the agent serving the home to stop (clean exit), when one answers.
     *
     * @param home the home directory
     * @return whether an agent answered and accepted
     */
    boolean requestStop(Path home);

    /** Something held open in the home (the lock, the control channel); closing it lets go and throws nothing. */
    interface Held extends AutoCloseable {
        /** Lets go; idempotent, never throws. */
        @Override
        void close();
    }
}
