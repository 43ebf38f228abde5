package io.netpilot.core;

import io.netpilot.core.internal.Managers;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.IdentityProbe;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.ShellConnector;
import io.netpilot.core.spi.TunnelLauncher;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
 *         .agentId(AgentId.of(agentKeyFingerprint)).identityProbe(identityProbe)
 *         .clock(Clock.systemUTC()).settings(ManagerSettings.DEFAULTS)
 *         .build();
 * }</pre>
 */
public final class TunnelManagers {
    /** How often a running tunnel's identity is checked by default: a key exchange costs a small router real CPU. */
    public static final Duration DEFAULT_IDENTITY_CHECK_INTERVAL = Duration.ofMinutes(5);
    /** How often pending revocations are retried by default. */
    public static final Duration DEFAULT_REVOCATION_RETRY_INTERVAL = Duration.ofMinutes(3);

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
        private AgentId agentId;
        private IdentityProbe identityProbe;
        private Duration identityCheckInterval = DEFAULT_IDENTITY_CHECK_INTERVAL;
        private Duration revocationRetryInterval = DEFAULT_REVOCATION_RETRY_INTERVAL;

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

        /**
         * This agent's id on shared relays: its key lines, session markers and port leases carry it, so
         * its sweeps remove only its own. Derive it from something the agent keeps, such as its key's
         * fingerprint, so it is the same after a restart.
         */
        public Builder agentId(AgentId value) {
            this.agentId = Objects.requireNonNull(value, "agentId");
            return this;
        }

        /** Proves that a relay port reaches the router's pinned host key (a key exchange through the tunnel). */
        public Builder identityProbe(IdentityProbe value) {
            this.identityProbe = Objects.requireNonNull(value, "identityProbe");
            return this;
        }

        /**
         * How often a running tunnel's identity is checked (the checks in between are the cheap liveness
         * probe); {@link #DEFAULT_IDENTITY_CHECK_INTERVAL} by default.
         */
        public Builder identityCheckInterval(Duration value) {
            this.identityCheckInterval = positive(value, "identityCheckInterval");
            return this;
        }

        /**
         * How often pending revocations are retried and the relays swept while the agent runs (also at
         * {@code restore()} and {@code cleanup}); {@link #DEFAULT_REVOCATION_RETRY_INTERVAL} by default.
         */
        public Builder revocationRetryInterval(Duration value) {
            this.revocationRetryInterval = positive(value, "revocationRetryInterval");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not " + value);
            }
            return value;
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
                    require(store, "store"), clock, settings, random == null ? new SecureRandom() : random,
                    new Managers.RelaySafety(require(agentId, "agentId"), require(identityProbe, "identityProbe"),
                            identityCheckInterval, revocationRetryInterval));
        }

        private static <T> T require(T value, String name) {
            if (value == null) {
                throw new IllegalStateException("TunnelManagers.builder() needs ." + name + "(...) before build()");
            }
            return value;
        }
    }
}
