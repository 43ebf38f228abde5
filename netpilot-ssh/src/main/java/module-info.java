/**
 * The Apache MINA SSHD client side of NetPilot: sessions whose host keys are pinned in the home's
 * {@code known_hosts}, the agent's own key pair, remote process control on busybox and procps
 * routers, the router key installer, the tunnel plumbing (router-side supervisor, relay gateway,
 * port leases, end-to-end probe). It provides core's {@link io.netpilot.core.spi.TransportService}
 * to the front door, and optional Guice modules in {@code io.netpilot.ssh.guice}.
 */
module io.netpilot.ssh {
    requires transitive io.netpilot.core;
    // Optional: only io.netpilot.ssh.guice uses Guice, for applications that bring it.
    requires static com.google.guice;
    requires org.apache.sshd.osgi;
    // Not used by our code: required so that the automatic module org.apache.sshd.osgi, which reads
    // every module in the graph, finds BouncyCastle and with it ed25519 keys.
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports io.netpilot.ssh;
    exports io.netpilot.ssh.tunnel;
    exports io.netpilot.ssh.guice;

    provides io.netpilot.core.spi.TransportService with io.netpilot.ssh.internal.SshTransportService;

    opens io.netpilot.ssh.guice to com.google.guice;
}
