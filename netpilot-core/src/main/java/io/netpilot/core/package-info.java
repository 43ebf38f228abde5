/**
 * NetPilot's domain: validated value records, the sealed {@link io.netpilot.core.TunnelState} and
 * {@link io.netpilot.core.TunnelEvent} types, the {@link io.netpilot.core.NetPilotException}
 * hierarchy, and the four interfaces the product is built around: {@link
 * io.netpilot.core.TunnelManager}, {@link io.netpilot.core.PortAllocator}, {@link
 * io.netpilot.core.StateStore} and {@link io.netpilot.core.RemoteProcessController}.
 *
 * <p>Every record validates in its compact constructor, so an instance that exists is valid:
 * a value read from a user, a file or a remote host is turned into one of these records before it
 * is used anywhere, and a bad value fails there with an {@link io.netpilot.core.InvalidInputException}.
 * Records are immutable and thread-safe.
 */
package io.netpilot.core;
