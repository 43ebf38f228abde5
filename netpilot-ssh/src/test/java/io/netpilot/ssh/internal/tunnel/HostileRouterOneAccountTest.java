package io.netpilot.ssh.internal.tunnel;

import java.nio.file.Path;

/** The earlier layout: agent and routers share one account and its ~/.ssh/authorized_keys. */
class HostileRouterOneAccountTest extends HostileRouterContract {
    @Override
    AccountRelay startRelay(Path dir) throws Exception {
        return AccountRelay.oneAccount(dir);
    }
}
