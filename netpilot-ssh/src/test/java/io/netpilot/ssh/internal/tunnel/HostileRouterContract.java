package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RevocationResult;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.testkit.Loopback;


import io.netpilot.testkit.OpenSshRelay;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile router against a real OpenSSH relay: with its own key, as the real gateway installs it,
 * it tries everything but listening on its own port, and each attempt is refused; the agent's probe
 * works on that configuration; revoking ends the router's live session. Run on the layout of
 * {@code docs/relay-setup.md} ({@link HostileRouterTwoAccountTest}) and on the earlier one-account layout
 * ({@link HostileRouterOneAccountTest}), where streamlocal {@code -R} stays open (the doc says so) and is not tried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileRouterContract {
    abstract OpenSshRelay startRelay(Path dir) throws Exception;

    @TempDir
    static Path dir;

    private OpenSshRelay relay;
    private SshTransport ssh;
    private RemoteShell agentShell;
    private ServerSocket routerA;
    private final List<Process> clients = new ArrayList<>();
    private final OpenSshRelayGateway gateway = new OpenSshRelayGateway();
    private static final AgentId AGENT = AgentId.of("hostile-router-test");
    private CleanupToken tokenA;
    private CleanupToken tokenB;

    @BeforeAll
    void setUp() throws Exception {
        relay = startRelay(dir.resolve("relay"));
        ssh = SshTransport.start(SshSettings.defaults(dir.resolve("known_hosts"), dir.resolve("agent_key")));
        relay.authorizeAgent(ssh.agentKeys().publicKeyLine());
        agentShell = ssh.open(new SshAddress(relay.agent, "127.0.0.1", relay.port), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
        routerA = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!routerA.isClosed()) {
                try (Socket s = routerA.accept()) {
                    s.getOutputStream().write("SSH-2.0-routerA\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception closed) {
                    return;
                }
            }
        });
        int pa;
        int pb;
        try (ServerSocket s1 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket s2 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pa = s1.getLocalPort();
            pb = s2.getLocalPort();
        }
        tokenA = new CleanupToken("np_0000000a_" + pa + "_aaaaaa");
        tokenB = new CleanupToken("np_0000000b_" + pb + "_bbbbbb");
        gateway.authorize(agentShell, routerKey("a"), tokenA, AGENT);
        gateway.authorize(agentShell, routerKey("b"), tokenB, AGENT);
    }

    @AfterAll
    void tearDown() throws Exception {
        for (Process p : clients) {
            p.destroyForcibly();
        }
        if (routerA != null) {
            routerA.close();
        }
        if (agentShell != null) {
            agentShell.close();
        }
        if (ssh != null) {
            ssh.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** The public key of router {@code name}'s relay key pair, made as a router makes it. */
    private String routerKey(String name) throws Exception {
        Path key = dir.resolve("router_" + name);
        if (!Files.exists(key)) {
            relay.run("ssh-keygen -q -t ed25519 -N '' -f " + key);
        }
        return Files.readString(Path.of(key + ".pub")).strip();
    }

    /** The router's OpenSSH client logging in to the tunnel account with its key; output to a file. */
    private Process router(String name, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-i", dir.resolve("router_" + name).toString(), "-p", Integer.toString(relay.port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "ExitOnForwardFailure=yes", "-o", "ConnectTimeout=10"));
        cmd.addAll(args.subList(0, args.size() - 1));
        cmd.add(relay.tunnel + "@127.0.0.1");
        cmd.add(args.getLast());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("client-" + clients.size() + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        clients.add(p);
        return p;
    }

    private String output(Process p) throws Exception {
        return Files.readString(dir.resolve("client-" + clients.indexOf(p) + ".log"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Router A's legitimate tunnel, as the launcher starts it: a session (so the forced command runs) with its one -R. */
    private Process startRouterA() throws Exception {
        gateway.authorize(agentShell, routerKey("a"), tokenA, AGENT);
        Process a = router("a", List.of("-T", "-R", "127.0.0.1:" + tokenA.port() + ":127.0.0.1:" + routerA.getLocalPort(), ""));
        await().atMost(Duration.ofSeconds(15)).until(() -> Loopback.accepting(tokenA.port()));
        return a;
    }

    @Test
    void aRouterKeyCanOnlyListenOnItsOwnPort() throws Exception {
        Process a = startRouterA();
        assertThat(Loopback.sshBanner(tokenA.port(), Duration.ofSeconds(5))).contains("SSH-2.0-routerA");

        // -L to another router's port: ssh listens locally, but sshd refuses the channel.
        int local = freePort();
        Process l = router("b", List.of("-N", "-L", local + ":127.0.0.1:" + tokenA.port(), ""));
        await().atMost(Duration.ofSeconds(15)).until(() -> Loopback.accepting(local));
        try (Socket s = Loopback.connect(local, Duration.ofSeconds(5))) {
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).as("bytes from another router's port through -L").isEqualTo(-1);
        }
        // AllowTcpForwarding remote refuses it in the two-account layout; permitopen does in both.
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.log().contains("refused local port forward")
                || relay.log().contains("port " + tokenA.port() + ", but the request was denied"));
        l.destroyForcibly();

        // -L to a unix socket anyone may open.
        Path sockDir = Files.createDirectories(dir.resolve("open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sock = sockDir.resolve("s");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(sock));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rwxrwxrwx"));
            int local2 = freePort();
            Process lu = router("b", List.of("-N", "-L", local2 + ":" + sock, ""));
            await().atMost(Duration.ofSeconds(15)).until(() -> Loopback.accepting(local2));
            try (Socket s = Loopback.connect(local2, Duration.ofSeconds(5))) {
                s.setSoTimeout(5000);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            unix.configureBlocking(false);
            assertThat(unix.accept()).as("a connection reached the unix socket").isNull();
            lu.destroyForcibly();
        }

        // -R of another port, of its own port on 0.0.0.0, of a unix socket path (also where the relay keeps its lock).
        int other = freePort();
        List<String> specs = new ArrayList<>(List.of("127.0.0.1:" + other + ":127.0.0.1:22", "0.0.0.0:" + tokenB.port() + ":127.0.0.1:22"));
        if (relay.hardened()) {
            specs.add(dir.resolve("open/r.sock") + ":127.0.0.1:22");
            specs.add(relay.agentHome + "/.netpilot-relay/leases/" + other + ":127.0.0.1:22");
        }
        for (String spec : specs) {
            Process r = router("b", List.of("-N", "-R", spec, ""));
            assertThat(r.waitFor(20, TimeUnit.SECONDS)).as("ssh -R " + spec + " gave up").isTrue();
            assertThat(r.exitValue()).as("ssh -R " + spec + ": " + output(r)).isNotZero();
            assertThat(output(r)).contains("remote port forwarding failed");
        }
        assertThat(Loopback.accepting(other)).isFalse();
        assertThat(dir.resolve("open/r.sock")).doesNotExist();
        assertThat(relay.agentHome.resolve(".netpilot-relay/leases/" + other)).doesNotExist();

        // A shell command runs the forced command instead; a pty is refused; agent forwarding gives no socket.
        Path pwned = dir.resolve("open/pwned");
        Process cmd = router("b", List.of("-A", "-o", "ForwardAgent=yes", "touch " + pwned + "; echo PWNED"));
        await().atMost(Duration.ofSeconds(15)).until(() -> gateway.liveSessions(agentShell).contains(tokenB));
        assertThat(output(cmd)).doesNotContain("PWNED");
        assertThat(pwned).doesNotExist();
        String agentSockets = relay.run("find /tmp -maxdepth 1 -name 'ssh-*' -user " + relay.tunnel + " 2>/dev/null || true");
        assertThat(agentSockets).isBlank();
        cmd.destroyForcibly();
        Process pty = router("b", List.of("-tt", ""));
        await().atMost(Duration.ofSeconds(15)).until(() -> output(pty).contains("PTY allocation request failed"));
        pty.destroyForcibly();

        a.destroyForcibly();
        a.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void theAgentsProbeWorksOnTheHardenedRelayAndRevokeEndsTheSessionItMayNotSignal() throws Exception {
        Process a = startRouterA();
        await().atMost(Duration.ofSeconds(15)).until(() -> gateway.liveSessions(agentShell).contains(tokenA));

        ProbeResult probe = new BannerProbe(System::nanoTime).probe(agentShell, tokenA.port(), Duration.ofSeconds(10));
        assertThat(probe).isInstanceOfSatisfying(ProbeResult.Reached.class, r -> assertThat(r.banner()).isEqualTo("SSH-2.0-routerA"));

        RevocationResult result = gateway.revokeTunnel(agentShell, tokenA);

        assertThat(result).isEqualTo(new RevocationResult.Revoked(tokenA, false));
        assertThat(a.waitFor(15, TimeUnit.SECONDS)).as("the router's session was ended").isTrue();
        assertThat(Loopback.accepting(tokenA.port())).isFalse();
        assertThat(Files.readString(relay.keysFile())).doesNotContain(tokenA.value());
        Process again = router("a", List.of("-T", "-R", "127.0.0.1:" + tokenA.port() + ":127.0.0.1:" + routerA.getLocalPort(), ""));
        assertThat(again.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(output(again)).contains("Permission denied");
    }

}
