package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupToken;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A router's relay session is found by the token at the end of its forced command's line, so the relay's
 * {@code ps} must not cut lines at a terminal width: a relay account whose profile sets {@code COLUMNS}
 * (procps honours it even when its output is a pipe) must not hide sessions from revocation and repair.
 */
class RelayProcessWidthTest {
    @Test
    void aSessionWhoseCommandLineIsWiderThanColumnsIsStillFoundAndEnded() throws Exception {
        CleanupToken token = new CleanupToken("np_0123abcd_40199_bbbbbb");
        // what OpenSSH shows for a forced command: sh -c 'sleep N; :' [relay dir] TOKEN, here wider than 80 columns
        String relayDir = "/srv/" + "netpilot-relay-".repeat(8) + "sessions";
        Process session = new ProcessBuilder("sh", "-c", "sleep 300; :", relayDir, token.value()).start();
        String marker = UUID.randomUUID().toString();
        LocalShell relay = new LocalShell(List.of("/bin/sh"), LocalShell.env("COLUMNS", "80"), "", marker);
        OpenSshRelayGateway gateway = new OpenSshRelayGateway();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.liveSessions(relay)).contains(token));

            assertThat(gateway.endSession(relay, token)).as("found, so ended").isTrue();
            assertThat(session.waitFor(10, TimeUnit.SECONDS)).as("the session's command ended").isTrue();
        } finally {
            session.destroyForcibly();
            session.waitFor(10, TimeUnit.SECONDS);
            LocalShell.killMarked(marker);
        }
    }
}
