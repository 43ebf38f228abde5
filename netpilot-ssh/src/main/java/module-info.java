/** The Apache MINA SSHD client side of NetPilot. */
module io.netpilot.ssh {
    requires transitive io.netpilot.core;
    requires org.apache.sshd.osgi;
    requires com.google.guice;
    requires org.slf4j;

    exports io.netpilot.ssh.tunnel;
}
