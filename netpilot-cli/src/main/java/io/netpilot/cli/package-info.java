/** The netpilot command. */
package io.netpilot.cli;
