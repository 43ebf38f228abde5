package io.netpilot.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteConnection;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.RouterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Running commands through a real shell on the embedded router. */
class ExecTest {
    private static final Duration T = Duration.ofSeconds(10);

    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.procps();

    @TempDir
    Path home;

    private SshTransport transport;
    private RemoteShell shell;

    @BeforeEach
    void start() {
        transport = SshTransport.start(SshSettings.builder(home.resolve("known_hosts"), home.resolve("id_ed25519"))
                .outputLimit(64 * 1024).build());
        routerExt.router().authorize(transport.agentKeys().keyPair().getPublic());
        shell = transport.open(routerExt.router().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    @AfterEach
    void stop() {
        shell.close();
        transport.close();
    }

    @Test
    void exitCodesStdoutAndStderrComeBackSeparately() {
        CommandResult r = shell.exec("echo out; echo err >&2; exit 7", T);
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThatThrownBy(() -> r.orThrow("the test command")).isInstanceOf(RemoteCommandException.class).hasMessageContaining("err");
        assertThat(shell.exec("true", T).exitCode()).isZero();
    }

    @Test
    void stdinIsFedAndClosed() {
        byte[] script = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        CommandResult r = shell.exec("cat > \"$HOME/upload\" && wc -l < \"$HOME/upload\"", script, T);
        assertThat(r.stdout().strip()).isEqualTo("2");
        assertThat(shell.exec("cat", T).stdout()).isEmpty(); // no stdin given: EOF at once, no hang
    }

    @Test
    void aCommandThatRunsTooLongTimesOutAndTheSessionStaysUsable() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> shell.exec("sleep 30", Duration.ofMillis(700)))
                .isInstanceOf(RemoteCommandException.class)
                .hasMessageContaining("timed out after");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(shell.exec("echo still here", T).stdout()).isEqualTo("still here\n");
    }

    @Test
    void outputBeyondTheBoundIsRefusedQuickly() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> shell.exec("yes 0123456789abcdef", Duration.ofSeconds(20)))
                .isInstanceOf(RemoteCommandException.class)
                .hasMessageContaining("more than 65536 bytes");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(shell.exec("head -c 60000 /dev/zero | tr '\\0' x", T).stdout()).hasSize(60000);
    }

    @Test
    void aClosedSessionSaysSoAndIsNotOpen() {
        shell.close();
        assertThat(shell.isOpen()).isFalse();
        assertThatThrownBy(() -> shell.exec("true", T)).isInstanceOf(HostUnreachableException.class);
    }

    @Test
    void loopbackConnectionsReachTheHostsOwnPortsThroughTheSession(@TempDir Path relayDir) throws Exception {
        try (EmbeddedRelay relay = EmbeddedRelay.start(relayDir)) {
            relay.authorize(transport.agentKeys().keyPair().getPublic());
            try (RemoteShell relayShell = transport.open(relay.address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
                    RemoteConnection c = relayShell.connectLoopback(routerExt.router().port(), T)) {
                byte[] banner = new byte[8];
                int n = c.input().readNBytes(banner, 0, 8);
                assertThat(new String(banner, 0, n, StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0-");
            }
            try (RemoteShell relayShell = transport.open(relay.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
                int closed = freePort();
                assertThatThrownBy(() -> relayShell.connectLoopback(closed, T))
                        .isInstanceOf(HostUnreachableException.class)
                        .hasMessageContaining("127.0.0.1:" + closed);
                assertThat(relayShell.isOpen()).isTrue();
            }
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
