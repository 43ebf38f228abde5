package io.netpilot.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.testkit.RouterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ShellRouterKeyInstallerTest {
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMRuUAOkA1PafyQvy7lJkWyQCYfOp8j34JAl9umHeVzM netpilot-agent";

    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.busybox();

    @Test
    void onARealRouterTheDropbearDirectoryIsUsedForRootWhenItExists() {
        String script = new ShellRouterKeyInstaller("/etc/dropbear").command(KEY);
        assertThat(script)
                .contains("db='/etc/dropbear'")
                .contains("if [ \"$(id -u)\" = 0 ] && [ -d \"$db\" ]; then")
                .contains("f=\"$db/authorized_keys\"")
                .contains("key='" + KEY + "'");
    }

    @Test
    void refusesWhatIsNotAKeyLine() {
        ShellRouterKeyInstaller installer = new ShellRouterKeyInstaller("/etc/dropbear");
        assertThatThrownBy(() -> installer.command("ssh-ed25519 AAAA x'; rm -rf /"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> installer.command("command=\"x\" ssh-ed25519 AAAA")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new ShellRouterKeyInstaller("/etc/drop bear")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theDropbearBranchRunsForRootInADirectoryOfTheTest(@TempDir Path home) throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip()),
                "the dropbear branch is taken only by root");
        Path dropbear = routerExt.router().home().resolve("etc-dropbear");
        Files.createDirectories(dropbear);
        Files.writeString(dropbear.resolve("authorized_keys"), "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ old"); // no final newline
        try (SshTransport transport = SshTransport.start(SshSettings.defaults(home.resolve("kh"), home.resolve("id")))) {
            routerExt.router().authorize(transport.agentKeys().keyPair().getPublic());
            try (RemoteShell shell = transport.open(routerExt.router().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW)) {
                ShellRouterKeyInstaller installer = new ShellRouterKeyInstaller(dropbear.toString());
                assertThat(installer.install(shell, KEY)).isTrue();
                // Same key, another comment: already there.
                assertThat(installer.install(shell, KEY.replace("netpilot-agent", "other"))).isFalse();
                assertThat(shell.exec("test -e \"$HOME/.ssh/authorized_keys\"", Duration.ofSeconds(5)).exitCode()).isNotZero();
            }
        }
        assertThat(Files.readAllLines(dropbear.resolve("authorized_keys")))
                .containsExactly("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ old", KEY);
    }
}
