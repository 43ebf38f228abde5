/**
 * The router-side supervisor (launcher), the relay's tunnel account (gateway), relay port leases
 * (allocator) and the end-to-end probe, made by {@link io.netpilot.ssh.tunnel.TunnelPlumbing}.
 */
package io.netpilot.ssh.tunnel;
