package io.netpilot.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a tunnel is in its life. The states that are not plainly healthy carry the reason a person
 * needs to see. Match with a {@code switch}; every state is a record, so equal states are equal.
 */
public sealed interface TunnelState {
    Connecting CONNECTING = new Connecting();
    Up UP = new Up();
    Stopping STOPPING = new Stopping();
    Stopped STOPPED = new Stopped();

    /** The state's name as printed and stored: {@code CONNECTING}, {@code UP}, ... */
    String name();

    /** Why the tunnel is in this state, for states that have a reason. */
    default Optional<String> reason() {
        return Optional.empty();
    }

    /** {@code state}'s name, with its reason when it has one; what every state's {@code toString()} returns. */
    private static String describe(TunnelState state) {
        return state.name() + state.reason().map(r -> " (" + r + ")").orElse("");
    }

    /** A state that always carries a reason, {@link #why()}. */
    sealed interface Explained extends TunnelState {
        /** The reason a person needs to see. */
        String why();

        @Override
        default Optional<String> reason() {
            return Optional.of(why());
        }
    }

    /** Whether the tunnel carries traffic in this state (possibly slowly). */
    default boolean carriesTraffic() {
        return this instanceof Up || this instanceof Degraded;
    }

    /**
     * The state named {@code name}, with {@code reason} for the states that carry one.
     *
     * @throws InvalidInputException when the name is not a state, or a reason is missing
     */
    static TunnelState of(String name, Optional<String> reason) {
        String why = reason.orElse("");
        return switch (name) {
            case "CONNECTING" -> CONNECTING;
            case "UP" -> UP;
            case "DEGRADED" -> new Degraded(why);
            case "RECOVERING" -> new Recovering(why);
            case "ROUTER_UNREACHABLE" -> new RouterUnreachable(why);
            case "RELAY_UNREACHABLE" -> new RelayUnreachable(why);
            case "STOPPING" -> STOPPING;
            case "STOPPED" -> STOPPED;
            case "FAILED" -> new Failed(why);
            default -> throw new InvalidInputException("unknown tunnel state " + Checks.printable(name));
        };
    }

    /** The agent is bringing the tunnel up. */
    record Connecting() implements TunnelState {
        @Override
        public String name() {
            return "CONNECTING";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The end-to-end probe reads the router's banner through the relay. */
    record Up() implements TunnelState {
        @Override
        public String name() {
            return "UP";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The tunnel works, but probes are slow or some failed. */
    record Degraded(String why) implements Explained {
        public Degraded {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "DEGRADED";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The tunnel is broken and being repaired. */
    record Recovering(String why) implements Explained {
        public Recovering {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "RECOVERING";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The agent cannot reach the router; its tunnel may still work on its own. */
    record RouterUnreachable(String why) implements Explained {
        public RouterUnreachable {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "ROUTER_UNREACHABLE";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The agent cannot reach the relay. */
    record RelayUnreachable(String why) implements Explained {
        public RelayUnreachable {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "RELAY_UNREACHABLE";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The router processes are being stopped. */
    record Stopping() implements TunnelState {
        @Override
        public String name() {
            return "STOPPING";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** No router process of this tunnel runs. */
    record Stopped() implements TunnelState {
        @Override
        public String name() {
            return "STOPPED";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }

    /** The tunnel could not be brought up and will not be retried without a new request. */
    record Failed(String why) implements Explained {
        public Failed {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "FAILED";
        }

        /** The name, with the reason when there is one: {@code DEGRADED (probes are slow)}. */
        @Override public String toString() { return TunnelState.describe(this); }
    }
}
