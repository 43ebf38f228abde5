package io.netpilot.ssh.internal.tunnel;

import java.nio.file.Path;

/** The documented layout: the agent's account edits what the tunnel account's sshd reads. */
class HostileRouterTwoAccountTest extends HostileRouterContract {
    @Override
    AccountRelay startRelay(Path dir) throws Exception {
        return AccountRelay.start(dir);
    }
}
