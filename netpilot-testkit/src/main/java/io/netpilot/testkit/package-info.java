/** Embedded relay and router SSH servers whose commands run in real shells, a fault-injecting TCP link, JUnit 5 extensions, and the ArchUnit rules every module is checked against. */
package io.netpilot.testkit;
