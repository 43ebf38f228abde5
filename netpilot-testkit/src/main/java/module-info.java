/**
 * Embedded relay and router SSH servers whose commands run in real shells, a fault-injecting TCP
 * link, JUnit 5 extensions, and the ArchUnit rules every module is checked against.
 */
module io.netpilot.testkit {
    requires transitive io.netpilot.core;
    // JUnit types appear in the extensions' signatures, ArchUnit's in the rules'.
    requires static transitive org.junit.jupiter.api;
    requires static transitive com.tngtech.archunit;
    requires org.apache.sshd.osgi;
    requires org.slf4j;
    // Not used by name: MINA finds BouncyCastle reflectively and needs it for ed25519 client keys
    // (OpenSSH's ssh-keygen -t ed25519); requiring it puts it in the module graph.
    requires org.bouncycastle.provider;

    exports io.netpilot.testkit;
    exports io.netpilot.testkit.arch;
}
