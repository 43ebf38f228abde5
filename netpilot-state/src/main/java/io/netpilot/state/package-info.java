/**
 * The NetPilot home and what lives in it: {@link io.netpilot.state.NetPilotHome} (where the files
 * are), {@link io.netpilot.state.StateStores} (the JSON {@link io.netpilot.core.StateStore}),
 * {@link io.netpilot.state.AgentLock} (one agent per home). This module also provides core's
 * {@link io.netpilot.core.spi.StateService} (lock, store and the {@code agent.sock} control channel)
 * to the front door, and the optional Guice wiring in {@code io.netpilot.state.guice}.
 */
package io.netpilot.state;
