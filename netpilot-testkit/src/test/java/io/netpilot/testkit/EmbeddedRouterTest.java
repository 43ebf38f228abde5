package io.netpilot.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.testkit.EmbeddedRouter.Flavour;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EmbeddedRouterTest {
    @RegisterExtension
    final RouterExtension busybox = RouterExtension.busybox();

    private final KeyPair agentKey = HostKeys.generateEcdsa();

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void runsCommandsInARealShellAndReturnsTheirExitCode(Flavour flavour, @TempDir Path dir) throws Exception {
        if (flavour == Flavour.BUSYBOX) {
            Binaries.require("busybox");
        }
        try (EmbeddedRouter router = EmbeddedRouter.start(flavour, dir)) {
            router.authorize(agentKey.getPublic());
            try (SshExec ssh = SshExec.withKey(router.address(), router.hostPublicKey(), agentKey)) {
                SshExec.Result result = ssh.exec("echo hi; echo oops >&2; exit 3");
                assertThat(result.exitCode()).isEqualTo(3);
                assertThat(result.stdout()).isEqualTo("hi\n");
                assertThat(result.stderr()).isEqualTo("oops\n");

                SshExec.Result env = ssh.exec("echo \"$HOME|$NETPILOT_WORK_DIR\"");
                assertThat(env.stdout().strip()).isEqualTo(router.home() + "|" + router.workDir());
                assertThat(router.home().resolve(".ssh")).isDirectory();
            }
        }
    }

    @Test
    void busyboxFlavourRunsBusyboxPsWhileProcpsFlavourRunsProcps(@TempDir Path dir) throws Exception {
        Path bb = Binaries.require("busybox");
        String busyboxHeader = firstLine(new ProcessBuilder(bb.toString(), "ps").start());
        EmbeddedRouter router = busybox.router();
        router.authorize(agentKey.getPublic());
        try (SshExec ssh = SshExec.withKey(router.address(), router.hostPublicKey(), agentKey)) {
            String header = ssh.exec("ps").stdout().lines().findFirst().orElseThrow();
            assertThat(header).isEqualTo(busyboxHeader).doesNotContain("PPID").doesNotContain("TTY");
            // The tools a router launcher needs stay resolvable next to the applets.
            for (String tool : new String[] {"setsid", "nohup", "ssh", "ssh-keygen"}) {
                if (Binaries.find(tool).isPresent()) {
                    assertThat(ssh.exec("command -v " + tool).exitCode()).as(tool).isZero();
                }
            }
        }
        try (EmbeddedRouter procps = EmbeddedRouter.start(Flavour.PROCPS, dir)) {
            procps.authorize(agentKey.getPublic());
            try (SshExec ssh = SshExec.withKey(procps.address(), procps.hostPublicKey(), agentKey)) {
                assertThat(ssh.exec("ps -eo pid,ppid,args").stdout().lines().findFirst().orElseThrow()).contains("PPID");
            }
        }
    }

    @Test
    void uploadsWithCatThroughStdin() throws Exception {
        EmbeddedRouter router = busybox.router();
        router.authorize(agentKey.getPublic());
        byte[] script = "#!/bin/sh\necho 'it''s here'\n".getBytes(StandardCharsets.UTF_8);
        try (SshExec ssh = SshExec.withKey(router.address(), router.hostPublicKey(), agentKey)) {
            assertThat(ssh.exec("cat > \"$NETPILOT_WORK_DIR/s.sh\" && chmod 700 \"$NETPILOT_WORK_DIR/s.sh\"", script).exitCode()).isZero();
            assertThat(router.workDir().resolve("s.sh")).hasBinaryContent(script);
            assertThat(ssh.exec("\"$NETPILOT_WORK_DIR/s.sh\"").stdout()).isEqualTo("its here\n");
        }
    }

    @Test
    void rebootKillsDetachedTreesAndWipesTheWorkDir() throws Exception {
        EmbeddedRouter router = busybox.router();
        router.authorize(agentKey.getPublic());
        try (SshExec ssh = SshExec.withKey(router.address(), router.hostPublicKey(), agentKey)) {
            SshExec.Result started = ssh.exec(
                    "touch \"$NETPILOT_WORK_DIR/np.pid\"; setsid sh -c 'sleep 1000' </dev/null >/dev/null 2>&1 & echo $!");
            assertThat(started.exitCode()).isZero();
            long setsidPid = Long.parseLong(started.stdout().strip());
            // The shell that started it has exited: the tree is detached, yet the router still sees it.
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10)))
                    .until(() -> router.livePids().stream().anyMatch(pid -> commandLine(pid).contains("sleep1000")));
            Set<Long> before = router.livePids();
            assertThat(before).doesNotContain(ProcessHandle.current().pid());
            long sleepPid = before.stream().filter(pid -> commandLine(pid).contains("sleep1000")).findFirst().orElseThrow();
            assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid))
                    .as("detached: no longer a descendant of this JVM, found by its marker only").doesNotContain(sleepPid, setsidPid);
            assertThat(router.workDir().resolve("np.pid")).exists();

            router.reboot();

            assertThat(router.livePids()).isEmpty();
            assertThat(isRunning(sleepPid)).isFalse();
            try (var files = Files.list(router.workDir())) {
                assertThat(files).isEmpty();
            }
            // Like a power cycle: the session is gone...
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(5))).until(() -> !ssh.isOpen());
        }
        // ...and the router takes new ones with the same key.
        try (SshExec again = SshExec.withKey(router.address(), router.hostPublicKey(), agentKey)) {
            assertThat(again.exec("echo back").stdout()).isEqualTo("back\n");
        }
    }

    @Test
    void passwordLoginWorksOnlyOnceAllowedAndOnlyWithThatPassword() throws Exception {
        EmbeddedRouter router = busybox.router();
        assertThatThrownBy(() -> SshExec.withPassword(router.address(), router.hostPublicKey(), "s3cret").close());
        router.allowPassword("s3cret");
        assertThatThrownBy(() -> SshExec.withPassword(router.address(), router.hostPublicKey(), "wrong").close());
        try (SshExec ssh = SshExec.withPassword(router.address(), router.hostPublicKey(), "s3cret")) {
            assertThat(ssh.exec("id -un").stdout().strip()).isEqualTo(router.address().user());
        }
    }

    @Test
    void closeEndsWhatIsStillRunning(@TempDir Path dir) throws Exception {
        EmbeddedRouter router = EmbeddedRouter.start(Flavour.PROCPS, dir);
        router.authorize(agentKey.getPublic());
        try (SshExec ssh = SshExec.withKey(router.address(), router.hostPublicKey(), agentKey)) {
            ssh.exec("nohup sleep 1000 </dev/null >/dev/null 2>&1 &");
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10))).until(() -> !router.livePids().isEmpty());
        }
        Set<Long> pids = router.livePids();
        router.close();
        assertThat(router.livePids()).isEmpty();
        assertThat(pids).isNotEmpty().allSatisfy(pid -> assertThat(isRunning(pid)).isFalse());
    }

    /** Running, not gone and not a zombie (this machine's init may not reap orphans). */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.ISO_8859_1).replace("\0", "");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String firstLine(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.lines().findFirst().orElseThrow();
    }
}
