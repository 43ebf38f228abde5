package io.netpilot.ssh;

import io.netpilot.testkit.RouterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RouterProcessControlContract} on a router with busybox {@code ps} (no PPID column) and {@code busybox sh}. */
class BusyboxRouterProcessControlTest extends RouterProcessControlContract {
    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.busybox();

    @Override
    RouterExtension routerExt() {
        return routerExt;
    }
}
