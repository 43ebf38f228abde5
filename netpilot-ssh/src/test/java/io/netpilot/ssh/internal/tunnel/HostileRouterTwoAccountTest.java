package io.netpilot.ssh.internal.tunnel;

import io.netpilot.testkit.OpenSshRelay;
import java.nio.file.Path;

/** The documented layout: the agent's account edits what the tunnel account's sshd reads. */
class HostileRouterTwoAccountTest extends HostileRouterContract {
    @Override
    OpenSshRelay startRelay(Path dir) throws Exception {
        return OpenSshRelay.start(dir);
    }
}
