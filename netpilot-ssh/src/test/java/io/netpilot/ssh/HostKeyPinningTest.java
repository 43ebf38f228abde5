package io.netpilot.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyMismatchException;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostKeyUnknownException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust on first use only with consent; a changed key refused loudly under every policy. Uses plain
 * MINA servers so a second server with a new key can take over the first one's port.
 */
class HostKeyPinningTest {
    @TempDir
    Path home;

    private SshTransport transport;
    private SshServer server;

    @BeforeEach
    void start() {
        transport = SshTransport.start(SshSettings.builder(home.resolve("known_hosts"), home.resolve("id_ed25519"))
                .connectTimeout(Duration.ofSeconds(5)).authTimeout(Duration.ofSeconds(5)).build());
    }

    @AfterEach
    void stop() throws IOException {
        transport.close();
        if (server != null) {
            server.stop(true);
        }
    }

    private SshServer serve(int port, KeyPair hostKey) throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(port);
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        s.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, transport.agentKeys().keyPair().getPublic()));
        s.start();
        return s;
    }

    @Test
    void unknownKeyNeedsConsentThenIsPinnedAndAChangedKeyIsRefusedNamingBothFingerprints() throws Exception {
        KeyPair first = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        server = serve(0, first);
        int port = server.getPort();
        SshAddress address = new SshAddress("tech", "127.0.0.1", port);
        String firstFp = KeyUtils.getFingerPrint(first.getPublic());

        assertThatThrownBy(() -> transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY))
                .isInstanceOfSatisfying(HostKeyUnknownException.class, e -> {
                    assertThat(e.fingerprint()).isEqualTo(firstFp);
                    assertThat(e.host()).isEqualTo("[127.0.0.1]:" + port);
                });
        assertThat(home.resolve("known_hosts")).doesNotExist();

        try (RemoteShell shell = transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW)) {
            assertThat(shell.isOpen()).isTrue();
        }
        String pinned = Files.readString(home.resolve("known_hosts"));
        assertThat(pinned).startsWith("[127.0.0.1]:" + port + " ssh-ed25519 AAAA").hasLineCount(1);

        // Pinned now: accepted without consent.
        try (RemoteShell shell = transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
            assertThat(shell.isOpen()).isTrue();
        }

        // Another server, another key, the same port.
        server.stop(true);
        KeyPair second = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        server = serve(port, second);
        String secondFp = KeyUtils.getFingerPrint(second.getPublic());
        for (HostKeyPolicy policy : HostKeyPolicy.values()) {
            assertThatThrownBy(() -> transport.open(address, Credentials.AGENT_KEY, policy))
                    .isInstanceOfSatisfying(HostKeyMismatchException.class, e -> {
                        assertThat(e.expected()).isEqualTo(firstFp);
                        assertThat(e.actual()).isEqualTo(secondFp);
                        assertThat(e.getMessage()).contains(firstFp, secondFp, "[127.0.0.1]:" + port);
                    });
        }
        assertThat(Files.readString(home.resolve("known_hosts"))).isEqualTo(pinned);
    }

    @Test
    void entriesWrittenByOpenSshAreHonoured() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        server = serve(0, key);
        int port = server.getPort();
        // A file OpenSSH wrote: a comment, another host, no newline at the end.
        Files.writeString(home.resolve("known_hosts"), "# mine\nexample.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMRuUAOkA1PafyQvy7lJkWyQCYfOp8j34JAl9umHeVzM\n"
                + "[127.0.0.1]:" + port + " " + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(key.getPublic()));
        SshAddress address = new SshAddress("tech", "127.0.0.1", port);
        try (RemoteShell shell = transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
            assertThat(shell.hostPublicKey()).isEqualTo(org.apache.sshd.common.config.keys.PublicKeyEntry.toString(key.getPublic()));
        }
    }

    @Test
    void aKeyMarkedRevokedIsRefusedEvenWhenNewKeysMayBeAcceptedAndEvenWhenPinned() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        server = serve(0, key);
        int port = server.getPort();
        String keyText = org.apache.sshd.common.config.keys.PublicKeyEntry.toString(key.getPublic());
        SshAddress address = new SshAddress("tech", "127.0.0.1", port);
        Files.writeString(home.resolve("known_hosts"), "@revoked * " + keyText + "\n");
        assertThatThrownBy(() -> transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW))
                .isInstanceOf(HostKeyMismatchException.class).hasMessageContaining("revoke");
        assertThat(Files.readString(home.resolve("known_hosts"))).doesNotContain("[127.0.0.1]:" + port);

        Files.writeString(home.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + keyText + "\n@revoked * " + keyText + "\n");
        assertThatThrownBy(() -> transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY))
                .isInstanceOf(HostKeyMismatchException.class);
    }

    @Test
    void aServerWithSeveralKeysIsCheckedAgainstTheTypeThatIsPinned() throws Exception {
        KeyPair ecdsa = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        KeyPair ed25519 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 255);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setKeyPairProvider(KeyPairProvider.wrap(ecdsa, ed25519));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, transport.agentKeys().keyPair().getPublic()));
        server.start();
        int port = server.getPort();
        String pinned = org.apache.sshd.common.config.keys.PublicKeyEntry.toString(ed25519.getPublic());
        // Only the ed25519 key is pinned (as ssh-keyscan -t ed25519 or OpenSSH would leave it); the client's
        // own first choice would be ecdsa, which must not read as a changed key.
        Files.writeString(home.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + pinned + "\n");
        SshAddress address = new SshAddress("tech", "127.0.0.1", port);
        try (RemoteShell shell = transport.open(address, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
            assertThat(shell.hostPublicKey()).isEqualTo(pinned);
        }
    }
}
