/**
 * Embedded relay and router SSH servers whose commands run in real shells, a fault-injecting TCP
 * link, JUnit 5 extensions, and the ArchUnit rules every module is checked against.
 */
module io.netpilot.testkit {
    requires transitive io.netpilot.core;
    // Optional: JUnit types appear only in the extensions' signatures, ArchUnit's only in the rules'. Not
    // transitive, so that a module using the embedded servers alone compiles and runs without either;
    // tests that use the extensions or rules have JUnit and ArchUnit themselves.
    requires static org.junit.jupiter.api;
    requires static com.tngtech.archunit;
    requires org.apache.sshd.osgi;
    requires org.slf4j;
    // Not used by name: MINA finds BouncyCastle reflectively and needs it for ed25519 client keys
    // (OpenSSH's ssh-keygen -t ed25519); requiring it puts it in the module graph.
    requires org.bouncycastle.provider;

    exports io.netpilot.testkit;
    exports io.netpilot.testkit.arch;
}
