/** The Swing desktop app. */
package io.netpilot.desktop;
