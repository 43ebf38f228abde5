/**
 * The transport-free orchestration behind {@link io.netpilot.core.TunnelManagers}: connect with undo,
 * supervision and repair with backoff, cleanup, force cleanup, restore/adopt and the event
 * dispatcher. Not exported: only {@link io.netpilot.core.TunnelManagers} reaches it.
 */
package io.netpilot.core.internal;
