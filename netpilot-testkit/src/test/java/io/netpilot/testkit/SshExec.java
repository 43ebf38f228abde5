package io.netpilot.testkit;

import io.netpilot.core.SshAddress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** A MINA SSH client for the tests: pins the server's key, logs in, runs one command. Not thread-safe. */
final class SshExec implements AutoCloseable {
    record Result(int exitCode, String stdout, String stderr) {}

    private final SshClient client;
    private final ClientSession session;

    private SshExec(SshAddress address, String hostKey, Optional<KeyPair> key, Optional<String> password) throws Exception {
        PublicKey pinned = PublicKeyEntry.parsePublicKeyEntry(hostKey).resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((s, remote, offered) -> KeyUtils.compareKeys(pinned, offered));
        client.start();
        Duration timeout = TestTimeouts.scaled(Duration.ofSeconds(10));
        session = client.connect(address.user(), address.host(), address.port()).verify(timeout).getSession();
        key.ifPresent(session::addPublicKeyIdentity);
        password.ifPresent(session::addPasswordIdentity);
        session.auth().verify(timeout);
    }

    static SshExec withKey(SshAddress address, String hostKey, KeyPair key) throws Exception {
        return new SshExec(address, hostKey, Optional.of(key), Optional.empty());
    }

    static SshExec withPassword(SshAddress address, String hostKey, String password) throws Exception {
        return new SshExec(address, hostKey, Optional.empty(), Optional.of(password));
    }

    Result exec(String command) throws IOException {
        return exec(command, new byte[0]);
    }

    Result exec(String command, byte[] stdin) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setIn(new ByteArrayInputStream(stdin));
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(TestTimeouts.scaled(Duration.ofSeconds(10)));
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TestTimeouts.scaled(Duration.ofSeconds(20)));
            Integer status = channel.getExitStatus();
            if (status == null) {
                throw new IOException("no exit status for '" + command + "'; stdout: " + out + " stderr: " + err);
            }
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            session.close();
        } finally {
            client.stop();
        }
    }
}
