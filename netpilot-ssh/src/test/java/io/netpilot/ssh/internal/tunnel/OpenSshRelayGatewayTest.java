package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel account's authorized_keys, edited in a real shell. */
class OpenSshRelayGatewayTest {
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPh5mZf9HviOGCexo/CWdXybR9Qx1nxxr2Qu35o43qiq";

    @TempDir
    Path dir;

    private final OpenSshRelayGateway gateway = new OpenSshRelayGateway();
    private final CleanupToken t1 = new CleanupToken("np_0123abcd_20001_aaaaaa");
    private final CleanupToken t2 = new CleanupToken("np_0123abcd_20002_bbbbbb");

    private LocalShell relay(Path keys) {
        return new LocalShell(List.of("/bin/sh"), LocalShell.env("HOME", dir.toString(), "NETPILOT_AUTHORIZED_KEYS", keys.toString()),
                "", UUID.randomUUID().toString());
    }

    @Test
    void authorizeIsIdempotentAndRevokeRemovesOnlyItsToken() throws Exception {
        Path keys = dir.resolve("ssh/authorized_keys");
        Files.createDirectories(keys.getParent());
        Files.writeString(keys, "ssh-ed25519 AAAAagent agent@laptop\n");
        LocalShell relay = relay(keys);

        gateway.authorize(relay, KEY + " root@router", t1);
        gateway.authorize(relay, KEY, t1);
        gateway.authorize(relay, KEY, t2);

        List<String> lines = Files.readAllLines(keys);
        assertThat(lines).hasSize(3).first().isEqualTo("ssh-ed25519 AAAAagent agent@laptop");
        assertThat(lines.get(1)).isEqualTo(OpenSshRelayGateway.authorizedKeysLine(KEY, t1,
                dir.toRealPath() + "/.netpilot-relay/sessions", java.util.Optional.empty()));
        assertThat(lines.get(1)).startsWith("restrict,port-forwarding,permitlisten=\"127.0.0.1:20001\",permitopen=\"127.0.0.1:1\",command=");
        assertThat(lines.get(2)).contains("permitlisten=\"127.0.0.1:20002\"").endsWith("np:" + t2);
        assertThat(Files.getPosixFilePermissions(keys)).hasToString("[OWNER_READ, OWNER_WRITE]");

        gateway.revoke(relay, t1);
        gateway.revoke(relay, t1);
        assertThat(Files.readAllLines(keys)).hasSize(2).noneMatch(l -> l.contains(t1.value())).anyMatch(l -> l.contains(t2.value()));
        assertThat(dir.resolve("ssh")).isDirectoryNotContaining("glob:**np-*");
        assertThat(dir.resolve(".netpilot-relay/sessions/" + t1)).doesNotExist();
        assertThat(dir.resolve(".netpilot-relay/sessions/" + t2)).exists();
    }

    @Test
    void aKeyThatIsNotOneIsRefusedBeforeAnythingRuns() {
        Path keys = dir.resolve("authorized_keys");
        assertThatThrownBy(() -> gateway.authorize(relay(keys), "ssh-ed25519 AAAA\" ; rm -rf /", t1))
                .isInstanceOf(InvalidInputException.class);
        assertThat(keys).doesNotExist();
    }

    @Test
    void createsTheKeysFileWhenAbsent() throws Exception {
        Path keys = dir.resolve("fresh/.ssh/authorized_keys");
        gateway.authorize(relay(keys), KEY, t1);
        assertThat(Files.readAllLines(keys)).singleElement().asString().endsWith("np:" + t1);
    }
}
