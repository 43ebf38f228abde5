package io.netpilot.ssh;

import io.netpilot.core.RemoteProcessController;

/** Where the {@link RemoteProcessController} for busybox and procps routers comes from. Thread-safe. */
public final class SshProcessControllers {
    private SshProcessControllers() {}

    /** The controller; stateless and thread-safe, so one can serve every router. */
    public static RemoteProcessController create() {
        return Internals.call("processController", RemoteProcessController.class);
    }
}
