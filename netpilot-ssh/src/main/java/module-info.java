/**
 * The Apache MINA SSHD client side of NetPilot: sessions whose host keys are pinned in the home's
 * {@code known_hosts}, the agent's own key pair, remote process control on busybox and procps
 * routers, the router key installer, the tunnel plumbing (router-side supervisor, relay gateway,
 * port leases, end-to-end probe) and a Guice module binding them to core's interfaces.
 */
module io.netpilot.ssh {
    requires transitive io.netpilot.core;
    requires transitive com.google.guice;
    requires org.apache.sshd.osgi;
    // Not used by our code: required so that the automatic module org.apache.sshd.osgi, which reads
    // every module in the graph, finds BouncyCastle and with it ed25519 keys.
    requires org.bouncycastle.provider;
    requires jakarta.inject;
    requires org.slf4j;

    exports io.netpilot.ssh;
    exports io.netpilot.ssh.tunnel;

    opens io.netpilot.ssh.internal to com.google.guice;
}
