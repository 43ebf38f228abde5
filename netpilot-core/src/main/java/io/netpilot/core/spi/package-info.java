/**
 * The small service interfaces the orchestration needs from the outside world — a shell on a host,
 * the router-side launcher, the end-to-end probe — shaped so that core never sees an SSH library.
 * {@code io.netpilot.ssh} implements them with Apache MINA SSHD; tests may implement them too.
 */
package io.netpilot.core.spi;
