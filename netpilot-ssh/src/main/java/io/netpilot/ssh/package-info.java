/**
 * The Apache MINA SSHD client side of NetPilot.
 *
 * <p>{@link io.netpilot.ssh.SshTransport} opens {@link io.netpilot.core.spi.RemoteShell}s with host
 * keys pinned in a {@code known_hosts} file; {@link io.netpilot.ssh.AgentKeys} is the agent's own
 * key pair; {@link io.netpilot.ssh.SshProcessControllers} gives the
 * {@link io.netpilot.core.RemoteProcessController} for busybox and procps routers;
 * {@link io.netpilot.ssh.RouterKeyInstaller} installs the agent's key on a router; and
 * {@link io.netpilot.ssh.guice.SshModule} binds them for Guice (optional). Every MINA {@code IOException} is turned
 * into a {@link io.netpilot.core.NetPilotException} subclass at this module's edge.
 */
package io.netpilot.ssh;
