package io.netpilot.ssh;

import io.netpilot.core.RemoteProcessController;
import io.netpilot.ssh.internal.SshInternals;

/** Where the {@link RemoteProcessController} for busybox and procps routers comes from. Thread-safe. */
public final class SshProcessControllers {
    private SshProcessControllers() {}

    /** The controller; stateless and thread-safe, so one can serve every router. */
    public static RemoteProcessController create() {
        return SshInternals.processController();
    }
}
