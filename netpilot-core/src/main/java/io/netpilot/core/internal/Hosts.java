package io.netpilot.core.internal;

import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.RelayUnreachableException;
import io.netpilot.core.RouterUnreachableException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelSpec;
import java.util.function.Supplier;

/**
 * Names the host that could not be reached: a step on the router that fails with a
 * {@link HostUnreachableException} becomes a {@link RouterUnreachableException}, one on the relay a
 * {@link RelayUnreachableException}, each saying what to check. Stateless.
 */
final class Hosts {
    private Hosts() {}

    static <T> T onRouter(TunnelSpec spec, Supplier<T> step) {
        return onRouter(spec.router().address(), step);
    }

    static <T> T onRouter(SshAddress router, Supplier<T> step) {
        try {
            return step.get();
        } catch (HostUnreachableException e) {
            throw routerUnreachable(router, e);
        }
    }

    static void runOnRouter(TunnelSpec spec, Runnable step) {
        onRouter(spec, () -> {
            step.run();
            return null;
        });
    }

    static <T> T onRelay(TunnelSpec spec, Supplier<T> step) {
        try {
            return step.get();
        } catch (HostUnreachableException e) {
            throw relayUnreachable(spec.relay().address(), e);
        }
    }

    static void runOnRelay(TunnelSpec spec, Runnable step) {
        onRelay(spec, () -> {
            step.run();
            return null;
        });
    }

    static RouterUnreachableException routerUnreachable(SshAddress address, HostUnreachableException e) {
        if (e instanceof RouterUnreachableException r) {
            return r;
        }
        return new RouterUnreachableException("router " + address + " cannot be reached (" + e.getMessage()
                + "); check that it is on and that this machine can reach it", e);
    }

    static RelayUnreachableException relayUnreachable(SshAddress address, HostUnreachableException e) {
        if (e instanceof RelayUnreachableException r) {
            return r;
        }
        return new RelayUnreachableException("relay " + address + " cannot be reached (" + e.getMessage()
                + "); check this machine's network and the relay", e);
    }
}
