package io.netpilot.core;

import io.netpilot.core.spi.RemoteShell;
import java.util.Collection;
import java.util.List;

/**
 * Finds and stops processes on a router through a {@link RemoteShell}, whatever its {@code ps}
 * (busybox without a parent column, or procps). Implementations are stateless and thread-safe; every
 * method works on the shell it is given.
 *
 * <p>Every method throws {@link RemoteCommandException} when a command fails or times out, and
 * {@link HostUnreachableException} when the shell's connection is lost.
 */
public interface RemoteProcessController {
    /** Every process the shell's user can see, with parents filled in. */
    List<RemoteProcess> processes(RemoteShell shell);

    /** The processes whose command line carries {@code token}, with all their descendants. */
    List<RemoteProcess> findByToken(RemoteShell shell, CleanupToken token);

    /**
     * The SSH client processes (and their descendants and autossh parents) whose {@code -R}
     * argument binds relay port {@code port}, in any of the forms {@code PORT:...},
     * {@code 127.0.0.1:PORT:...}, {@code *:PORT:...} — tunnels with no token, left by older tools.
     */
    List<RemoteProcess> findByForwardPort(RemoteShell shell, int port);

    /**
     * Stops {@code roots} and all their descendants in stages (see {@link StopPolicy}) and verifies
     * the result. Processes that are already gone count as stopped.
     */
    StopResult stopTrees(RemoteShell shell, Collection<RemoteProcess> roots, StopPolicy policy);
}
