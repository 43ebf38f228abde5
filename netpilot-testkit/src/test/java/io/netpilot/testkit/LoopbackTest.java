package io.netpilot.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Regression for a flaky FaultyLinkTest: with nothing listening on an ephemeral port, Linux may hand
 * a client that very port as its source and complete a connection to itself (seen here once in
 * ~11,000 attempts), which a naive check reads as "something listens".
 */
class LoopbackTest {
    @Test
    void aSocketConnectedToItselfIsNotAListener() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // The kernel's "simultaneous open", on purpose: a client bound to the very port it dials.
        Socket self = new Socket();
        self.setReuseAddress(true);
        self.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        assertThatThrownBy(() -> Loopback.connect(self, port, Duration.ofSeconds(1)))
                .isInstanceOf(ConnectException.class).hasMessageContaining("connected to itself");
        assertThat(self.isClosed()).isTrue();
        assertThat(Loopback.accepting(port)).isFalse();
    }

    @Test
    void aRealListenerIsAccepting() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Loopback.accepting(server.getLocalPort())).isTrue();
        }
    }
}
