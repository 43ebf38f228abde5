package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.spi.ProbeResult;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BannerProbeTest {
    private final LocalShell relay = new LocalShell(List.of("/bin/sh"), Map.of(), "", UUID.randomUUID().toString());
    private final BannerProbe probe = new BannerProbe(System::nanoTime);

    @Test
    void skipsPreambleLinesUpToTheIdentification() throws Exception {
        String text = "hello\r\nwelcome\r\nSSH-2.0-dropbear_2022.83\r\nrest";
        assertThat(BannerProbe.readBanner(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))).isEqualTo("SSH-2.0-dropbear_2022.83");
    }

    @Test
    void aClosedPortIsUnreachedNotAnException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(probe.probe(relay, port, Duration.ofSeconds(2))).isInstanceOf(ProbeResult.Unreached.class);
    }

    @Test
    void aSilentServerTimesOutAndAWrongOneIsNamed() throws Exception {
        ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        try {
            ProbeResult silent = probe.probe(relay, s.getLocalPort(), Duration.ofMillis(500));
            assertThat(silent).isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason()).contains("no SSH banner"));

            Thread.ofVirtual().start(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept(); OutputStream out = c.getOutputStream()) {
                        out.write("HTTP/1.1 400 Bad Request\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception closedOrGone) {
                        // the probe may close first; the socket closes at the end of the test
                    }
                }
            });
            ProbeResult http = probe.probe(relay, s.getLocalPort(), Duration.ofSeconds(2));
            assertThat(http).isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason()).contains("not an SSH-2.0 server"));
        } finally {
            s.close();
        }
    }
}
