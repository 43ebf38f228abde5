package io.netpilot.ssh.internal.tunnel;

import io.netpilot.testkit.OpenSshRelay;
import java.nio.file.Path;

/** The earlier layout: agent and routers share one account and its ~/.ssh/authorized_keys. */
class HostileRouterOneAccountTest extends HostileRouterContract {
    @Override
    OpenSshRelay startRelay(Path dir) throws Exception {
        return OpenSshRelay.oneAccount(dir);
    }
}
