package io.netpilot.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.testkit.RouterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Parsing every flavour of {@code ps} output the listing script can produce, captured and live. */
class ProcessListingTest {
    @RegisterExtension
    final RouterExtension routerExt = RouterExtension.busybox();

    @Test
    void procpsWithoutHeaders() {
        String out = """
                @@np:pid-ppid-user-args
                    1     0 root     /sbin/init splash
                  812     1 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups
                 4242   812 verylongusername sh -c sleep 1000; : np_0123abcd_40001_k3x9q2
                 4243  4242 root     [kworker/0:1-events]
                """;
        List<RemoteProcess> ps = ProcessListing.parse(out);
        assertThat(ps).containsExactly(
                new RemoteProcess(1, 0, "root", "/sbin/init splash"),
                new RemoteProcess(812, 1, "root", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"),
                new RemoteProcess(4242, 812, "verylongusername", "sh -c sleep 1000; : np_0123abcd_40001_k3x9q2"),
                new RemoteProcess(4243, 4242, "root", "[kworker/0:1-events]"));
    }

    @Test
    void zombiesAndDyingProcessesAreNotListed() {
        String out = """
                @@np:pid-ppid-user-stat-args
                  812     1 root     Ss   sshd: /usr/sbin/sshd -D
                 4242   812 root     S    sh netpilot-tunnel-v1.sh np_0123abcd_40001_k3x9q2 t relay 22 40001 22
                 4243  4242 root     Z    [dbclient] <defunct>
                 4244  4242 root     X    dbclient -i np_0123abcd_40001_k3x9q2.d/id
                """;
        assertThat(ProcessListing.parse(out)).extracting(RemoteProcess::pid).containsExactly(812, 4242);
        String busybox = """
                @@np:header
                PID   PPID  USER     STAT COMMAND
                 2000  1234 root     S    /usr/sbin/autossh -M 0 -R 40001:127.0.0.1:22 t@relay
                 2001  2000 root     Z    [ssh]
                """;
        assertThat(ProcessListing.parse(busybox)).containsExactly(
                new RemoteProcess(2000, 1234, "root", "/usr/sbin/autossh -M 0 -R 40001:127.0.0.1:22 t@relay"));
    }

    @Test
    void busyboxWithAPpidColumn() {
        String out = """
                @@np:header
                PID   PPID  USER     COMMAND
                    1     0 root     /sbin/procd
                 1234     1 root     /usr/sbin/dropbear -F -P /var/run/dropbear.1.pid -p 22
                 2000  1234 root     {autossh} /usr/sbin/autossh -M 0 -R 40001:127.0.0.1:22 t@relay
                """;
        assertThat(ProcessListing.parse(out)).containsExactly(
                new RemoteProcess(1, 0, "root", "/sbin/procd"),
                new RemoteProcess(1234, 1, "root", "/usr/sbin/dropbear -F -P /var/run/dropbear.1.pid -p 22"),
                new RemoteProcess(2000, 1234, "root", "{autossh} /usr/sbin/autossh -M 0 -R 40001:127.0.0.1:22 t@relay"));
    }

    @Test
    void plainBusyboxWithParentsFromProcStatEvenWhenCommHasSpacesAndParens() {
        String out = """
                @@np:header
                  PID USER       VSZ STAT COMMAND
                    1 root      1432 S    /sbin/procd
                  777 root       900 S    sh -c sleep 1000; : np_0123abcd_40001_k3x9q2
                  778 root       880 S    sleep 1000
                  779 root         0 Z    [sh]
                  780 root         0 SW   [kworker/u2:0]
                @@np:stat
                1 (procd) S 0 1 1 0 -1 4194560
                777 (sh) S 1 777 777 0 -1
                778 (evil) S 1 (x) S 777 777 777 0 -1
                779 (sh) Z 777 777 777 0 -1
                """;
        assertThat(ProcessListing.parse(out)).containsExactly(
                new RemoteProcess(1, 0, "root", "/sbin/procd"),
                new RemoteProcess(777, 1, "root", "sh -c sleep 1000; : np_0123abcd_40001_k3x9q2"),
                new RemoteProcess(778, 777, "root", "sleep 1000"),
                new RemoteProcess(780, 0, "root", "[kworker/u2:0]"));
    }

    @Test
    void garbageIsSkippedNotGuessed() {
        String out = "hello\n@@np:header\nno header here\n@@np:pid-ppid-user-args\n   x y z\n99999999999 1 root a\n-5 1 root b\n 7 1 root ok\n";
        assertThat(ProcessListing.parse(out)).containsExactly(new RemoteProcess(7, 1, "root", "ok"));
        assertThat(ProcessListing.parse("")).isEmpty();
    }

    @Test
    void theFallbackOfThePlainPsAndProcStatWorksOnARealBusybox(@TempDir Path home) throws Exception {
        // A ps that refuses -o, like a minimal busybox build: the script must fall back to plain ps + /proc.
        Path shim = routerExt.router().home().resolve("shim");
        Files.createDirectories(shim);
        Files.writeString(shim.resolve("ps"), "#!/bin/sh\ncase \"$*\" in *-o*) echo 'ps: invalid option -- o' >&2; exit 1;; esac\nexec " + io.netpilot.testkit.Binaries.require("busybox") + " ps \"$@\"\n");
        Files.setPosixFilePermissions(shim.resolve("ps"), PosixFilePermissions.fromString("rwx------"));
        try (SshTransport transport = SshTransport.start(SshSettings.defaults(home.resolve("kh"), home.resolve("id")))) {
            routerExt.router().authorize(transport.agentKeys().keyPair().getPublic());
            try (RemoteShell shell = transport.open(routerExt.router().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW)) {
                String pid = shell.exec("sleep 1006 </dev/null >/dev/null 2>&1 & echo $!", Duration.ofSeconds(10)).stdout().strip();
                String out = shell.exec("PATH=\"$HOME/shim:$PATH\"\n" + ProcessListing.SCRIPT, Duration.ofSeconds(10)).stdout();
                assertThat(out.lines()).contains("@@np:header", "@@np:stat").doesNotContain("@@np:pid-ppid-user-args");
                RemoteProcess sleeper = ProcessListing.parse(out).stream()
                        .filter(p -> p.pid() == Integer.parseInt(pid)).findFirst().orElseThrow(() -> new AssertionError("pid " + pid + " not in:\n" + out));
                assertThat(sleeper.commandLine()).isEqualTo("sleep 1006");
                long realParent = ProcessHandle.of(sleeper.pid()).orElseThrow().parent().map(ProcessHandle::pid).orElse(0L);
                assertThat(sleeper.ppid()).isEqualTo((int) realParent).isPositive();
            }
        }
    }
}
