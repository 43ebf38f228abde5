package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.spi.ProbeResult;
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
    void skipsPreambleLinesUpToTheIdentificationWhereverTheChunksSplitThem() throws Exception {
        byte[] text = "hello\r\nwelcome\r\nSSH-2.0-dropbear_2022.83\r\nrest".getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= text.length; split++) {
            BannerLine line = new BannerLine();
            line.received(text, 0, split);
            line.received(text, split, text.length - split);
            assertThat(line.await(1)).isEqualTo("SSH-2.0-dropbear_2022.83");
        }
    }

    @Test
    void withoutAnIdentificationTheLastLineOrNothingCounts() throws Exception {
        BannerLine partial = new BannerLine();
        byte[] text = "one\r\ntwo, unfinished".getBytes(StandardCharsets.UTF_8);
        partial.received(text, 0, text.length);
        partial.ended(null);
        assertThat(partial.await(1)).isEqualTo("two, unfinished");

        BannerLine silent = new BannerLine();
        silent.ended(null);
        assertThat(silent.await(1)).isEmpty();

        BannerLine chatty = new BannerLine();
        byte[] many = "x\n".repeat(BannerLine.MAX_LINES + 5).getBytes(StandardCharsets.UTF_8);
        chatty.received(many, 0, many.length);
        assertThat(chatty.await(1)).isEqualTo("x");

        BannerLine endless = new BannerLine();
        byte[] noNewline = "y".repeat(BannerLine.MAX_BYTES * 2).getBytes(StandardCharsets.UTF_8);
        endless.received(noNewline, 0, noNewline.length);
        assertThat(endless.await(1)).hasSize(BannerLine.MAX_BYTES);
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
