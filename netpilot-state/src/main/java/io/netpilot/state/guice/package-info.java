/**
 * Optional Guice modules: {@link io.netpilot.state.guice.NetPilotGuiceModule} binds the front door
 * ({@link io.netpilot.core.NetPilot}); {@link io.netpilot.state.guice.StateModule} binds only the
 * state store. Guice is an optional dependency of {@code netpilot-state} ({@code requires static}).
 */
package io.netpilot.state.guice;
