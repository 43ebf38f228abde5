/** The Apache MINA SSHD client side of NetPilot. */
package io.netpilot.ssh;
