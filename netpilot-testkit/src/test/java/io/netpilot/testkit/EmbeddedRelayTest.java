package io.netpilot.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The relay against the real clients a router runs: OpenSSH's ssh and dropbear's dbclient. */
class EmbeddedRelayTest {
    @RegisterExtension
    final RelayExtension relayExt = RelayExtension.create();

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endClients() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void openSshClientWithARestrictedKeyBindsOnlyItsPortAndRunsTheForcedCommand() throws Exception {
        Path ssh = Binaries.require("ssh");
        Path keygen = Binaries.require("ssh-keygen");
        EmbeddedRelay relay = relayExt.relay();
        Path key = tmp.resolve("id_ed25519");
        run(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + relay.port() + " " + relay.hostPublicKey() + "\n");

        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int p = freePort();
            String token = "np_0123abcd_" + p + "_abc123";
            authorizeRestricted(relay, Files.readString(tmp.resolve("id_ed25519.pub")), p, token);

            Process client = start(ssh.toString(), "-F", "/dev/null", "-T", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes",
                    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                    "-o", "IdentitiesOnly=yes", "-i", key.toString(), "-p", Integer.toString(relay.port()),
                    "-R", "127.0.0.1:" + p + ":127.0.0.1:" + target.getLocalPort(), relay.address().user() + "@127.0.0.1");
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(15))).until(() -> relay.isListening(p) || !client.isAlive());
            assertThat(client.isAlive()).as("ssh client still running").isTrue();
            assertThat(relay.isListening(p)).isTrue();

            assertBytesFlow(p, target);

            // The forced command runs, visible in ps with its token.
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> psArgs().contains(token));
            assertThat(relay.livePids()).isNotEmpty();

            // The same key asking for another port is refused, and ExitOnForwardFailure ends that client.
            int other = freePort();
            Process greedy = start(ssh.toString(), "-F", "/dev/null", "-T", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes",
                    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                    "-o", "IdentitiesOnly=yes", "-i", key.toString(), "-p", Integer.toString(relay.port()),
                    "-R", "127.0.0.1:" + other + ":127.0.0.1:" + target.getLocalPort(), relay.address().user() + "@127.0.0.1");
            assertThat(greedy.waitFor(TestTimeouts.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(greedy.exitValue()).isNotZero();
            assertThat(new String(greedy.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).containsIgnoringCase("forwarding");
            assertThat(relay.isListening(other)).isFalse();

            // When the router's client goes, so does its listener.
            client.destroy();
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !relay.isListening(p));
        }
    }

    @Test
    void dropbearClientPinnedThroughHomeBindsItsPort() throws Exception {
        Path dbclient = Binaries.require("dbclient");
        Path dropbearkey = Binaries.require("dropbearkey");
        EmbeddedRelay relay = relayExt.relay();
        Path home = Files.createDirectories(tmp.resolve("router-home/.ssh")).getParent();
        Path key = home.resolve(".ssh/id_dropbear");
        String publicKey = run(dropbearkey.toString(), "-t", "ed25519", "-f", key.toString()).lines()
                .filter(l -> l.startsWith("ssh-")).findFirst().orElseThrow();
        Files.writeString(home.resolve(".ssh/known_hosts"), "127.0.0.1 " + relay.hostPublicKey() + "\n");

        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int p = freePort();
            String token = "np_0123abcd_" + p + "_db0001";
            authorizeRestricted(relay, publicKey, p, token);
            ProcessBuilder builder = new ProcessBuilder(dbclient.toString(), "-T", "-i", key.toString(), "-p", Integer.toString(relay.port()),
                    "-R", "127.0.0.1:" + p + ":127.0.0.1:" + target.getLocalPort(), relay.address().user() + "@127.0.0.1");
            builder.environment().put("HOME", home.toString());
            Process client = start(builder);
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(15))).until(() -> relay.isListening(p) || !client.isAlive());
            assertThat(client.isAlive()).as("dbclient still running").isTrue();
            assertBytesFlow(p, target);
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> psArgs().contains(token));
        }
    }

    private static void authorizeRestricted(EmbeddedRelay relay, String publicKey, int port, String token) throws IOException {
        String line = "restrict,port-forwarding,permitlisten=\"127.0.0.1:" + port + "\",command=\"sh -c 'sleep 2147483647; :' " + token + "\" "
                + publicKey.strip() + "\n";
        Files.writeString(relay.authorizedKeysFile(), line, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void assertBytesFlow(int relayPort, ServerSocket target) throws IOException {
        target.setSoTimeout((int) TestTimeouts.scaled(Duration.ofSeconds(10)).toMillis());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relayPort)) {
            client.getOutputStream().write("through the tunnel".getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            try (Socket routerSide = target.accept()) {
                routerSide.setSoTimeout((int) TestTimeouts.scaled(Duration.ofSeconds(10)).toMillis());
                assertThat(new String(routerSide.getInputStream().readNBytes(18), StandardCharsets.UTF_8)).isEqualTo("through the tunnel");
                routerSide.getOutputStream().write("back".getBytes(StandardCharsets.UTF_8));
                routerSide.getOutputStream().flush();
                client.setSoTimeout((int) TestTimeouts.scaled(Duration.ofSeconds(10)).toMillis());
                InputStream in = client.getInputStream();
                assertThat(new String(in.readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("back");
            }
        }
    }

    private Process start(String... command) throws IOException {
        return start(new ProcessBuilder(command));
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        started.add(p);
        return p;
    }

    private static String psArgs() throws IOException, InterruptedException {
        return run("ps", "-eo", "pid,args");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
