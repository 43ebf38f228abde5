/**
 * Optional Guice modules for the SSH side ({@link io.netpilot.ssh.guice.SshModule},
 * {@link io.netpilot.ssh.guice.TunnelModule}). Guice is an optional dependency of
 * {@code netpilot-ssh} ({@code requires static}): nothing else in this module needs it.
 */
package io.netpilot.ssh.guice;
