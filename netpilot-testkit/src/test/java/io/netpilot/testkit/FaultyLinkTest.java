package io.netpilot.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultyLinkTest {
    private ServerSocket echo;
    private FaultyLink link;

    @BeforeEach
    void startEchoServerBehindALink() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // reset by the link: expected in these tests
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        link = FaultyLink.between(0, "127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        link.close();
        echo.close();
    }

    @Test
    void passForwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
    }

    @Test
    void cutResetsOpenConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            link.cut();
            assertThatThrownBy(() -> {
                s.getOutputStream().write('x');
                int read = s.getInputStream().read();
                if (read < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);

        link.heal();
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "after")).isEqualTo("after");
        }
    }

    @Test
    void blackholeHoldsBytesSilentlyAndDeliversThemAfterHeal() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            link.blackhole();
            s.getOutputStream().write("held".getBytes());
            s.setSoTimeout((int) TestTimeouts.scaled(Duration.ofMillis(400)).toMillis());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            try (Socket fresh = connect()) { // new connections are accepted, and held too
                fresh.getOutputStream().write('n');
                fresh.setSoTimeout(300);
                assertThatThrownBy(() -> fresh.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                link.heal();
                fresh.setSoTimeout(5_000);
                assertThat(fresh.getInputStream().read()).isEqualTo('n');
            }
            s.setSoTimeout(5_000);
            assertThat(new String(s.getInputStream().readNBytes(4))).isEqualTo("held");
        }
    }

    @Test
    void aSparingLinkFaultsOnlyOtherProcesses() throws Exception {
        try (FaultyLink sparing = FaultyLink.sparingThisProcess(0, "127.0.0.1", echo.getLocalPort());
                Socket own = Loopback.connect(sparing.port(), Duration.ofSeconds(5))) {
            own.setSoTimeout(5_000);
            assertThat(roundTrip(own, "mine")).isEqualTo("mine");
            assertThat(echoFromAnotherProcess(sparing.port())).isEqualTo("hi");

            sparing.blackhole();
            assertThat(roundTrip(own, "still")).isEqualTo("still");
            assertThat(echoFromAnotherProcess(sparing.port())).isEmpty();
            sparing.cut();
            assertThat(roundTrip(own, "through a cut")).isEqualTo("through a cut");
            assertThat(echoFromAnotherProcess(sparing.port())).isEmpty();

            sparing.heal();
            assertThat(echoFromAnotherProcess(sparing.port())).isEqualTo("hi");
        }
    }

    /** What a bash in another process reads back within a second after sending "hi" through {@code port}. */
    private static String echoFromAnotherProcess(int port) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + " || exit 0;"
                + " printf hi >&3; timeout 1 head -c 2 <&3").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            return new String(p.getInputStream().readAllBytes()).strip();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        Duration delay = Duration.ofMillis(200);
        link.latency(delay);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay.multipliedBy(2));
            link.heal();
            start = System.nanoTime();
            assertThat(roundTrip(s, "fast")).isEqualTo("fast");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(delay);
        }
    }

    private Socket connect() throws IOException {
        Socket s = Loopback.connect(link.port(), Duration.ofSeconds(5));
        s.setSoTimeout((int) TestTimeouts.scaled(Duration.ofSeconds(5)).toMillis());
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(text.getBytes());
        out.flush();
        return new String(in.readNBytes(text.length()));
    }
}
