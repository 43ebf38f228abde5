package io.netpilot.ssh;

import io.netpilot.testkit.RouterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RouterProcessControlContract} on a router with procps {@code ps} and {@code /bin/sh}. */
class ProcpsRouterProcessControlTest extends RouterProcessControlContract {
    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.procps();

    @Override
    RouterExtension routerExt() {
        return routerExt;
    }
}
