package io.netpilot.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.AuthenticationFailedException;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostUnreachableException;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.RouterExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Logging in to a real (embedded) router with the agent key, a key file and a password. */
class LoginTest {
    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.procps();

    @TempDir
    Path home;

    private SshTransport transport;

    @BeforeEach
    void start() {
        transport = SshTransport.start(SshSettings.builder(home.resolve("known_hosts"), home.resolve("id_ed25519"))
                .connectTimeout(Duration.ofSeconds(5)).authTimeout(Duration.ofSeconds(5)).build());
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    @Test
    void agentKeyIsEd25519MadeOnceWithPrivateFile0600AndWorksUnderTheModulePath() throws IOException {
        AgentKeys keys = transport.agentKeys();
        assertThat(keys.publicKeyLine()).startsWith("ssh-ed25519 AAAA").endsWith(" netpilot-agent");
        assertThat(Files.getPosixFilePermissions(home.resolve("id_ed25519")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(home.resolve("id_ed25519"))).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(Files.readString(home.resolve("id_ed25519.pub")).strip()).isEqualTo(keys.publicKeyLine());
        // Loaded again (a second agent start): the same key.
        assertThat(AgentKeys.loadOrCreate(home.resolve("id_ed25519")).publicKeyLine()).isEqualTo(keys.publicKeyLine());
        assertThat(getClass().getModule().getName()).isEqualTo("io.netpilot.ssh");

        EmbeddedRouter router = routerExt.router();
        router.authorize(keys.keyPair().getPublic());
        try (RemoteShell shell = transport.open(router.address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW)) {
            assertThat(shell.exec("echo hello", Duration.ofSeconds(10)).stdout()).isEqualTo("hello\n");
            assertThat(shell.hostPublicKey()).isEqualTo(router.hostPublicKey());
            assertThat(shell.isOpen()).isTrue();
        }
    }

    @Test
    void passwordLoginInstallsTheAgentKeyOnceSoTheNextLoginNeedsNoPassword() throws Exception {
        EmbeddedRouter router = routerExt.router();
        router.allowPassword("s3cret pass");
        RouterKeyInstaller installer = RouterKeyInstaller.create();
        Credentials.Password password = new Credentials.Password("s3cret pass".toCharArray());
        try (RemoteShell shell = transport.open(router.address(), password, HostKeyPolicy.ACCEPT_NEW)) {
            assertThat(installer.install(shell, transport.agentKeys().publicKeyLine())).isTrue();
            assertThat(installer.install(shell, transport.agentKeys().publicKeyLine())).isFalse();
        }
        // The caller's password is not cleared by open(): it may be needed again.
        assertThat(password.secret()).containsExactly("s3cret pass".toCharArray());
        Path authorized = router.home().resolve(".ssh/authorized_keys");
        List<String> lines = Files.readAllLines(authorized);
        assertThat(lines).containsExactly(transport.agentKeys().publicKeyLine());
        assertThat(Files.getPosixFilePermissions(authorized)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(authorized.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        // The embedded router authenticates from memory, not from the file: authorize what the file holds,
        // as the router's sshd would read it.
        for (AuthorizedKeyEntry e : AuthorizedKeyEntry.readAuthorizedKeys(authorized)) {
            router.authorize(e.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
        }
        try (RemoteShell shell = transport.open(router.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
            assertThat(shell.exec("id -u", Duration.ofSeconds(10)).succeeded()).isTrue();
        }
    }

    @Test
    void wrongPasswordAndUnauthorizedKeyAreAuthenticationFailures() {
        EmbeddedRouter router = routerExt.router();
        router.allowPassword("right");
        assertThatThrownBy(() -> transport.open(router.address(), new Credentials.Password("wrong".toCharArray()), HostKeyPolicy.ACCEPT_NEW))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> transport.open(router.address(), Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("publickey")
                .hasMessageContaining(transport.agentKeys().fingerprint().value());
    }

    @Test
    void keyFileCredentialsLoadAnOpenSshKeyAndRefuseAMissingFile() {
        EmbeddedRouter router = routerExt.router();
        Path other = home.resolve("other_key");
        AgentKeys otherKeys = AgentKeys.loadOrCreate(other);
        router.authorize(otherKeys.keyPair().getPublic());
        try (RemoteShell shell = transport.open(router.address(), new Credentials.KeyFile(other), HostKeyPolicy.ACCEPT_NEW)) {
            assertThat(shell.exec("true", Duration.ofSeconds(10)).exitCode()).isZero();
        }
        Path missing = home.resolve("nope");
        assertThatThrownBy(() -> transport.open(router.address(), new Credentials.KeyFile(missing), HostKeyPolicy.ACCEPT_NEW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void nothingListeningIsHostUnreachableQuickly() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SshAddress nowhere = new SshAddress("root", "127.0.0.1", port);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> transport.open(nowhere, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW))
                .isInstanceOf(HostUnreachableException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(home.resolve("known_hosts")).doesNotExist();
    }
}
