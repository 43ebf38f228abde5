/** The Jackson state store over the NetPilot home. */
package io.netpilot.state;
