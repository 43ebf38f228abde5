/**
 * The desktop's state and logic with no Swing or AWT in it (an ArchUnit rule keeps it so): the tunnel
 * table and its live updates, the Connect Tunnel and Settings forms with the CLI's validation, the
 * connect steps with the host-key questions, and the session's quit. Unit-tested without a display.
 */
package io.netpilot.desktop.presentation;
