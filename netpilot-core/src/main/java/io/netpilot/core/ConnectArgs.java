package io.netpilot.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A validated {@code connect}: every value parsed into core's records before anything touches the
 * home or the network, so bad input fails with one line and changes nothing. Immutable.
 *
 * @param spec the tunnel
 * @param routerKey a private key file for the router, when given
 * @param relayKey a private key file for the relay, when given
 * @param hostKeyPolicy whether unknown host keys may be pinned
 */
public record ConnectArgs(TunnelSpec spec, Optional<Path> routerKey, Optional<Path> relayKey, HostKeyPolicy hostKeyPolicy) {
    public ConnectArgs {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(routerKey, "routerKey");
        Objects.requireNonNull(relayKey, "relayKey");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        routerKey.ifPresent(k -> readable("--router-key", k));
        relayKey.ifPresent(k -> readable("--relay-key", k));
        // Absolute here, in the process the user typed them in: the agent that gets them (over the
        // control socket, or at its next start from the state) has another working directory.
        routerKey = routerKey.map(k -> k.toAbsolutePath().normalize());
        relayKey = relayKey.map(k -> k.toAbsolutePath().normalize());
    }

    /**
     * Parses what the user typed, in the CLI's words (its option names) for every refusal: the CLI's
     * {@code connect} and the desktop's Connect Tunnel dialog both validate through here.
     *
     * @param router the router, {@code user@host[:port]}
     * @param targetPort the router-side port to expose
     * @param relay the relay, {@code user@host[:port]}
     * @param tunnelUser the relay account routers log in as (default: the relay user)
     * @param portRange the relay ports to choose from, {@code A-B} (default: {@link PortRange#DEFAULT})
     * @param port exactly this relay port, when given
     * @param leaseTtl how long the router keeps the tunnel without the agent
     * @param routerKey a private key file for the router, when given (must be readable)
     * @param relayKey a private key file for the relay, when given (must be readable)
     * @param acceptNewHostKeys whether host keys seen for the first time may be pinned
     * @return the validated values
     * @throws InvalidInputException naming the first bad value
     */
    public static ConnectArgs parse(String router, int targetPort, String relay, Optional<String> tunnelUser,
            Optional<String> portRange, Optional<Integer> port, Duration leaseTtl, Optional<Path> routerKey,
            Optional<Path> relayKey, boolean acceptNewHostKeys) {
        SshAddress routerAddress = SshAddress.parse(router);
        SshAddress relayAddress = SshAddress.parse(relay);
        RelayEndpoint relayEndpoint = new RelayEndpoint(relayAddress, tunnelUser.orElse(relayAddress.user()), Optional.empty());
        PortRange range = portRange.map(PortRange::parse).orElse(PortRange.DEFAULT);
        OptionalInt requested = port.map(OptionalInt::of).orElse(OptionalInt.empty());
        if (requested.isPresent() && (requested.getAsInt() < 1 || requested.getAsInt() > 65535)) {
            throw new InvalidInputException("--port must be a port from 1 to 65535, not " + requested.getAsInt());
        }
        TunnelSpec spec = new TunnelSpec(TunnelId.derive(routerAddress, targetPort, relayAddress), RouterEndpoint.of(routerAddress),
                relayEndpoint, targetPort, range, requested, leaseTtl);
        return new ConnectArgs(spec, routerKey, relayKey, acceptNewHostKeys ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.PINNED_ONLY);
    }

    /**
     * The request, with the agent's own key where no key file was given.
     *
     * @return the request for {@link TunnelManager#connect}
     */
    public ConnectRequest request() {
        return new ConnectRequest(spec,
                routerKey.<Credentials>map(Credentials.KeyFile::new).orElse(Credentials.AGENT_KEY),
                relayKey.<Credentials>map(Credentials.KeyFile::new).orElse(Credentials.AGENT_KEY),
                hostKeyPolicy);
    }

    private static void readable(String option, Path key) {
        if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
            throw new InvalidInputException(option + " " + key + " is not a readable file");
        }
    }
}
