package io.netpilot.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.spi.EndToEndProbe;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.ssh.internal.tunnel.TunnelInternals;
import io.netpilot.testkit.RelayExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end probe as the agent runs it: through a MINA session to the testkit's embedded relay,
 * {@code direct-tcpip} to servers on {@code 127.0.0.1} that answer as routers (or not). Each server
 * counts the connections it accepted and the ones that ended, so that a probe's channel is seen closed
 * at the far end too.
 */
class ProbeThroughRelayTest {
    private static final byte[] KEXINIT = new byte[1080];

    @RegisterExtension
    final RelayExtension relayExt = RelayExtension.create();

    @TempDir
    Path home;

    private final EndToEndProbe probe = TunnelInternals.probe();
    private final List<Server> servers = new ArrayList<>();
    private SshTransport transport;
    private MinaRemoteShell relay;

    @BeforeEach
    void connect() {
        transport = SshTransport.start(SshSettings.defaults(home.resolve("known_hosts"), home.resolve("id_ed25519")));
        relayExt.relay().authorize(transport.agentKeys().keyPair().getPublic());
        relay = (MinaRemoteShell) transport.open(relayExt.relay().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    @AfterEach
    void close() throws IOException {
        relay.close();
        transport.close();
        for (Server s : servers) {
            s.socket.close();
        }
    }

    @Test
    void aServerThatNeverWritesIsUnreachedWithinTheTimeoutAndItsChannelIsClosed() throws IOException {
        Server silent = serve(null);
        Duration timeout = Duration.ofMillis(700);

        long t0 = System.nanoTime();
        ProbeResult r = probe.probe(relay, silent.port(), timeout);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r).isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason())
                .contains("no SSH banner on relay port " + silent.port() + " within " + timeout));
        assertThat(took).isLessThan(timeout.plusMillis(500));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(relay.channels()).isZero();
            assertThat(silent.ended.get()).isEqualTo(1);
        });
    }

    @Test
    void theIdentificationLineIsFoundAfterOtherLinesAndOtherAnswersAreNamed() throws IOException {
        Server ssh = serve("hello\r\nwelcome, router\r\nSSH-2.0-dropbear_2022.83\r\n");
        Server http = serveAndClose("HTTP/1.1 400 Bad Request\r\n");
        Server hangsUp = serveAndClose("");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Duration timeout = Duration.ofSeconds(5);

        assertThat(probe.probe(relay, ssh.port(), timeout)).isInstanceOfSatisfying(ProbeResult.Reached.class, reached -> {
            assertThat(reached.banner()).isEqualTo("SSH-2.0-dropbear_2022.83");
            assertThat(reached.roundTrip()).isPositive().isLessThan(timeout);
        });
        assertThat(probe.probe(relay, http.port(), timeout)).isInstanceOfSatisfying(ProbeResult.Unreached.class,
                u -> assertThat(u.reason()).contains("not an SSH-2.0 server: 'HTTP/1.1 400 Bad Request'"));
        assertThat(probe.probe(relay, hangsUp.port(), timeout)).isInstanceOfSatisfying(ProbeResult.Unreached.class,
                u -> assertThat(u.reason()).contains("closed the connection without an SSH banner"));
        assertThat(probe.probe(relay, closedPort, timeout)).isInstanceOfSatisfying(ProbeResult.Unreached.class,
                u -> assertThat(u.reason()).contains("nothing answers on the relay's 127.0.0.1:" + closedPort));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(relay.channels()).isZero();
            assertThat(ssh.ended.get() + http.ended.get() + hangsUp.ended.get()).isEqualTo(3);
        });
    }

    @Test
    void manyConcurrentProbesAllReachAndLeaveNoChannelsOrThreadsBehind() throws Exception {
        Server ssh = serve("SSH-2.0-OpenSSH_9.6\r\n");
        // MINA's I/O pool and the virtual threads' carriers start threads on demand, up to their sizes: let them
        assertThat(probeConcurrently(ssh.port(), 100)).hasSize(100).allSatisfy(r -> assertThat(r).isInstanceOf(ProbeResult.Reached.class));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.channels() == 0);
        int threadsBefore = Thread.getAllStackTraces().size();

        int probes = 400;
        assertThat(probeConcurrently(ssh.port(), probes)).hasSize(probes)
                .allSatisfy(r -> assertThat(r).isInstanceOf(ProbeResult.Reached.class));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(relay.channels()).isZero();
            assertThat(ssh.ended.get()).isEqualTo(100 + probes);
            // a pool may still add a thread or two (a carrier compensating for a blocked one), never one per probe
            assertThat(Thread.getAllStackTraces().size()).isLessThanOrEqualTo(threadsBefore + 2);
        });
    }

    /** {@code probes} probes of {@code port} from 50 virtual threads. */
    private List<ProbeResult> probeConcurrently(int port, int probes) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<ProbeResult> results = new ConcurrentLinkedQueue<>();
        List<Thread> probers = new ArrayList<>();
        for (int t = 0; t < 50; t++) {
            probers.add(Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < probes) {
                    results.add(probe.probe(relay, port, Duration.ofSeconds(10)));
                }
            }));
        }
        for (Thread t : probers) {
            t.join();
        }
        return List.copyOf(results);
    }

    @Test
    void aLostRelaySessionIsAnExceptionNotAResult() throws IOException {
        Server ssh = serve("SSH-2.0-OpenSSH_9.6\r\n");
        assertThat(probe.probe(relay, ssh.port(), Duration.ofSeconds(5))).isInstanceOf(ProbeResult.Reached.class);

        relay.close();

        assertThatThrownBy(() -> probe.probe(relay, ssh.port(), Duration.ofSeconds(5))).isInstanceOf(HostUnreachableException.class);
    }

    private record Server(ServerSocket socket, AtomicInteger ended) {
        int port() {
            return socket.getLocalPort();
        }
    }

    /**
     * A server on 127.0.0.1 that writes {@code greeting} and then a key-exchange-sized packet, as an SSH server
     * does, and waits for the peer to close; with no greeting it never writes. It counts the connections that ended.
     */
    private Server serve(String greeting) throws IOException {
        return serve(greeting, false);
    }

    /** A server on 127.0.0.1 that writes {@code greeting} and closes. */
    private Server serveAndClose(String greeting) throws IOException {
        return serve(greeting, true);
    }

    private Server serve(String greeting, boolean thenClose) throws IOException {
        Server server = new Server(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()), new AtomicInteger());
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.socket.isClosed()) {
                try {
                    Socket c = server.socket.accept();
                    Thread.ofVirtual().start(() -> answer(c, greeting, thenClose, server.ended));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    private static void answer(Socket c, String greeting, boolean thenClose, AtomicInteger ended) {
        try (c; OutputStream out = c.getOutputStream(); InputStream in = c.getInputStream()) {
            if (greeting != null) {
                out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                if (thenClose) {
                    return;
                }
                out.write(KEXINIT);
                out.flush();
            }
            while (in.read() >= 0) {
                // the probe sends nothing; wait for its end
            }
        } catch (IOException gone) {
            // reset by the relay: ended too
        } finally {
            ended.incrementAndGet();
        }
    }
}
