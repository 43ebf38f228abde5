package io.netpilot.core;

import io.netpilot.core.internal.Managers;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Makes the {@link TunnelManager}: the orchestration of core over the SPIs the other modules
 * implement. Stateless; thread-safe.
 *
 * <pre>{@code
 * TunnelManager manager = TunnelManagers.builder()
 *         .connector(connector).launcher(launcher).relayGateway(gateway).portAllocator(allocator)
 *         .probe(probe).processes(processes).store(store)
 *         .clock(Clock.systemUTC()).settings(ManagerSettings.DEFAULTS)
 *         .build();
 * }</pre>
 */
public final class TunnelManagers {
    private TunnelManagers() {}

    /** A builder with the system clock, {@link ManagerSettings#DEFAULTS} and no SPIs yet. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects the manager's collaborators. Not thread-safe: build on one thread, then share the
     * manager.
     */
    public static final class Builder {
        private ShellConnector connector;
        private TunnelLauncher launcher;
        private RelayGateway relayGateway;
        private PortAllocator portAllocator;
        private EndToEndProbe probe;
        private RemoteProcessController processes;
        private StateStore store;
        private Clock clock = Clock.systemUTC();
        private ManagerSettings settings = ManagerSettings.DEFAULTS;
        private RandomGenerator random;

        private Builder() {}

        public Builder connector(ShellConnector value) {
            this.connector = Objects.requireNonNull(value, "connector");
            return this;
        }

        public Builder launcher(TunnelLauncher value) {
            this.launcher = Objects.requireNonNull(value, "launcher");
            return this;
        }

        public Builder relayGateway(RelayGateway value) {
            this.relayGateway = Objects.requireNonNull(value, "relayGateway");
            return this;
        }

        public Builder portAllocator(PortAllocator value) {
            this.portAllocator = Objects.requireNonNull(value, "portAllocator");
            return this;
        }

        public Builder probe(EndToEndProbe value) {
            this.probe = Objects.requireNonNull(value, "probe");
            return this;
        }

        public Builder processes(RemoteProcessController value) {
            this.processes = Objects.requireNonNull(value, "processes");
            return this;
        }

        public Builder store(StateStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** The clock for timestamps, heartbeats and lease renewals; the system UTC clock by default. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder settings(ManagerSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** The source of cleanup-token nonces; a {@link SecureRandom} by default. */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /**
         * The manager. It supervises nothing until {@link TunnelManager#connect} or
         * {@link TunnelManager#restore()} is called.
         *
         * @throws IllegalStateException naming the collaborator that was not given
         */
        public TunnelManager build() {
            return Managers.supervising(
                    require(connector, "connector"), require(launcher, "launcher"), require(relayGateway, "relayGateway"),
                    require(portAllocator, "portAllocator"), require(probe, "probe"), require(processes, "processes"),
                    require(store, "store"), clock, settings, random == null ? new SecureRandom() : random);
        }

        private static <T> T require(T value, String name) {
            if (value == null) {
                throw new IllegalStateException("TunnelManagers.builder() needs ." + name + "(...) before build()");
            }
            return value;
        }
    }
}
