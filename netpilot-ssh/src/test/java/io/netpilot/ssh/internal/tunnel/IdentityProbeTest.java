package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.HostKeyFingerprint;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.Loopback;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real dropbear routers with different host keys, one after the other on the same address and
 * port (two customers' {@code 192.168.1.1} behind one relay port): the identity probe sees each one's
 * own key, and a swapped router fails with a reason that says so. The "relay" is this machine
 * ({@link LocalShell}'s loopback connection); the relay's own channel is covered by the suites on a
 * real sshd.
 */
class IdentityProbeTest {
    @TempDir
    Path dir;

    private final KexIdentityProbe probe = new KexIdentityProbe(System::nanoTime);
    private final LocalShell relay = new LocalShell(List.of("/bin/sh"), Map.of(), "", UUID.randomUUID().toString());
    private Process router;

    @AfterEach
    void tearDown() throws Exception {
        stopRouter();
    }

    private void stopRouter() throws InterruptedException {
        if (router != null) {
            router.destroy();
            if (!router.waitFor(5, TimeUnit.SECONDS)) {
                router.destroyForcibly();
            }
        }
    }

    private HostKeyFingerprint hostKey(String name) throws Exception {
        Path key = dir.resolve(name);
        Process gen = new ProcessBuilder(Binaries.require("dropbearkey").toString(), "-t", "ed25519", "-f", key.toString())
                .redirectErrorStream(true).start();
        String out = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gen.waitFor()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("ssh-ed25519 ")).findFirst().orElseThrow();
        return new HostKeyFingerprint(KeyUtils.getFingerPrint(
                PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING)));
    }

    private void startRouter(String key, int port) throws Exception {
        router = new ProcessBuilder(Binaries.require("dropbear").toString(), "-F", "-E", "-s", "-r", dir.resolve(key).toString(),
                "-p", "127.0.0.1:" + port, "-P", dir.resolve(key + ".pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(key + ".log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Loopback.accepting(port));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoRoutersOnOneAddressAreTellApartByTheirKeys() throws Exception {
        HostKeyFingerprint a = hostKey("router_a");
        HostKeyFingerprint b = hostKey("router_b");
        int port = freePort();

        startRouter("router_a", port);
        assertThat(probe.verify(relay, port, a, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ProbeResult.Reached.class, r -> assertThat(r.banner()).startsWith("SSH-2.0-dropbear"));
        assertThat(probe.verify(relay, port, b, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason())
                        .contains("host key " + a).contains("not this router's pinned key " + b));

        stopRouter();
        startRouter("router_b", port);
        assertThat(probe.verify(relay, port, b, Duration.ofSeconds(10))).isInstanceOf(ProbeResult.Reached.class);
        assertThat(probe.verify(relay, port, a, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason()).contains("not this router's pinned key " + a));
    }

    @Test
    void somethingThatIsNotSshOrNothingIsUnreachedWithAReason() throws Exception {
        HostKeyFingerprint a = hostKey("router_a");
        try (ServerSocket web = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = web.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception closed) {
                    // the test is over
                }
            });
            assertThat(probe.verify(relay, web.getLocalPort(), a, Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason()).contains("did not complete an SSH key exchange"));
        }
        assertThat(probe.verify(relay, freePort(), a, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProbeResult.Unreached.class, u -> assertThat(u.reason()).contains("nothing answers"));
    }
}
