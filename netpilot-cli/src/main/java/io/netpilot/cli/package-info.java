/** The {@code netpilot} command's entry point; everything else of the CLI is internal. */
package io.netpilot.cli;
