/** Embedded relay and router SSH servers whose commands run in real shells, a fault-injecting TCP link, JUnit 5 extensions, and the ArchUnit rules every module is checked against. */
module io.netpilot.testkit {
    requires transitive io.netpilot.core;
    requires org.apache.sshd.osgi;
    requires org.junit.jupiter.api;
    requires com.tngtech.archunit;
}
