package io.netpilot.core;

/** The agent's state files, one per kind of durable memory a {@link StateStore} keeps. */
public enum StateFile {
    /** The wanted tunnels ({@code tunnel-state.json}). */
    TUNNELS,
    /** The relay ports this agent leased ({@code port-allocations.json}). */
    PORT_LEASES,
    /** Every router's connection history ({@code router-connections.json}). */
    ROUTER_CONNECTIONS
}
