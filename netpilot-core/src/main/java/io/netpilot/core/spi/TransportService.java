package io.netpilot.core.spi;

import io.netpilot.core.RouterClient;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The service that gives the front door ({@link io.netpilot.core.NetPilot}) its SSH side. Core
 * {@code uses} it; {@code netpilot-ssh} {@code provides} it (in its module descriptor and in
 * {@code META-INF/services}), so having the jar on the module path or the class path is enough.
 * A test or a custom transport passes its own to {@code NetPilot.Builder.transport}.
 * Implementations are stateless and thread-safe.
 */
public interface TransportService {
    /**
     * Starts a transport.
     *
     * @param options the home's files and the router-side client
     * @return a started transport; the caller closes it
     * @throws io.netpilot.core.NetPilotException when the SSH client cannot start
     */
    Transport start(Options options);

    /**
     * What a transport needs from the front door. Immutable.
     *
     * @param knownHosts the OpenSSH {@code known_hosts} file where host keys are pinned
     * @param agentKey the agent's private key file, made on first use
     * @param routerClient the SSH client routers run for the tunnel
     */
    record Options(Path knownHosts, Path agentKey, RouterClient routerClient) {
        /** @throws NullPointerException when a value is missing */
        public Options {
            Objects.requireNonNull(knownHosts, "knownHosts");
            Objects.requireNonNull(agentKey, "agentKey");
            Objects.requireNonNull(routerClient, "routerClient");
        }
    }
}
