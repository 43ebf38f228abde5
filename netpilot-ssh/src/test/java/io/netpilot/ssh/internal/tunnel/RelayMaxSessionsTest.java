package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.testkit.OpenSshRelay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real OpenSSH relay lets one connection hold at most {@code MaxSessions} (10) session channels, and
 * counts a command's until it has reaped the command's process. One agent session shared by many
 * tunnels can ask for more at once; the ones refused are opened again within their timeout, so every
 * command runs.
 */
class RelayMaxSessionsTest {
    @TempDir
    Path dir;

    @Test
    void moreCommandsAtOnceThanMaxSessionsAllowsAllRunOnOneSession() throws Exception {
        try (OpenSshRelay relay = OpenSshRelay.oneAccount(dir.resolve("relay"));
                SshTransport ssh = SshTransport.start(SshSettings.defaults(dir.resolve("known_hosts"), dir.resolve("agent_key")))) {
            relay.authorizeAgent(ssh.agentKeys().publicKeyLine());
            try (RemoteShell shell = ssh.open(new SshAddress(relay.agent, "127.0.0.1", relay.port), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<CommandResult>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    String n = Integer.toString(i);
                    // each holds its session channel for a while, so 16 at once is over the 10 sshd allows
                    results.add(pool.submit(() -> shell.exec("sleep 1; echo done " + n, Duration.ofSeconds(60))));
                }
                for (int i = 0; i < results.size(); i++) {
                    CommandResult r = results.get(i).get();
                    assertThat(r.exitCode()).as("command %d: %s", i, r.stderr()).isZero();
                    assertThat(r.stdout().strip()).isEqualTo("done " + i);
                }
            }
        }
    }
}
