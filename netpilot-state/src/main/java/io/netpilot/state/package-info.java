/**
 * The NetPilot home and what lives in it: {@link io.netpilot.state.NetPilotHome} (where the files
 * are), {@link io.netpilot.state.StateStores} (the JSON {@link io.netpilot.core.StateStore}),
 * {@link io.netpilot.state.AgentLock} (one agent per home) and {@link io.netpilot.state.StateModule}
 * (the Guice wiring).
 */
package io.netpilot.state;
