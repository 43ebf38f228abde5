package io.netpilot.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StopPolicy;
import io.netpilot.core.StopResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellQuoting;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.RouterExtension;
import io.netpilot.testkit.TestTimeouts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding and stopping router processes, and quoting values for the router's shell, run against a
 * real shell of each flavour (see the two subclasses).
 */
abstract class RouterProcessControlContract {
    private static final Duration T = Duration.ofSeconds(15);
    private static final CleanupToken TOKEN = new CleanupToken("np_0123abcd_40001_k3x9q2");

    @TempDir
    Path home;

    private SshTransport transport;
    private RemoteShell shell;
    private final RemoteProcessController controller = SshProcessControllers.create();

    abstract RouterExtension routerExt();

    EmbeddedRouter router() {
        return routerExt().router();
    }

    @BeforeEach
    void login() {
        transport = SshTransport.start(SshSettings.defaults(home.resolve("known_hosts"), home.resolve("id_ed25519")));
        router().authorize(transport.agentKeys().keyPair().getPublic());
        shell = transport.open(router().address(), Credentials.AGENT_KEY, HostKeyPolicy.ACCEPT_NEW);
    }

    @AfterEach
    void logout() {
        shell.close();
        transport.close();
    }

    @Test
    void processesHaveParentsWhateverTheFlavourOfPs() {
        shell.exec("sleep 1003 </dev/null >/dev/null 2>&1 & echo $!", T);
        List<RemoteProcess> all = controller.processes(shell);
        RemoteProcess sleeper = all.stream().filter(p -> p.commandLine().equals("sleep 1003")).findFirst().orElseThrow();
        assertThat(sleeper.ppid()).isPositive();
        assertThat(all).anyMatch(p -> p.pid() == sleeper.ppid() || sleeper.ppid() == 1);
        assertThat(sleeper.user()).isNotBlank();
    }

    @Test
    void aTokenTreeWithATermIgnoringChildIsFoundAndStoppedInStages() {
        // Parent carries the token ($0 of sh -c); one child ignores TERM, one does not.
        shell.exec("setsid sh -c '(trap \"\" TERM; exec sleep 1001) & sleep 1002 & wait' " + ShellQuoting.quote(TOKEN.value())
                + " </dev/null >/dev/null 2>&1 &", T).orThrow("starting the tree");
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10)))
                .until(() -> controller.findByToken(shell, TOKEN).size() >= 3);
        List<RemoteProcess> tree = controller.findByToken(shell, TOKEN);
        assertThat(tree).extracting(RemoteProcess::commandLine)
                .anyMatch(c -> c.contains(TOKEN.value()))
                .contains("sleep 1001", "sleep 1002");
        assertThat(controller.findByToken(shell, new CleanupToken("np_0123abcd_40001_zzzzzz"))).isEmpty();

        List<RemoteProcess> roots = tree.stream().filter(p -> p.commandLine().contains(TOKEN.value())).toList();
        Duration grace = Duration.ofMillis(600);
        long t0 = System.nanoTime();
        StopResult result = controller.stopTrees(shell, roots, new StopPolicy(grace, 2));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(result.complete()).as("survivors %s", result.survivors()).isTrue();
        assertThat(result.stopped()).extracting(RemoteProcess::pid).containsAll(tree.stream().map(RemoteProcess::pid).toList());
        assertThat(took).as("the TERM-ignoring child outlived the grace period").isGreaterThanOrEqualTo(grace);
        for (RemoteProcess p : tree) {
            assertThat(running(p.pid())).as("pid %s (%s) still runs", p.pid(), p.commandLine()).isFalse();
        }
        assertThat(controller.findByToken(shell, TOKEN)).isEmpty();
    }

    @Test
    void anAutosshParentAndItsSshChildAreFoundByTheForwardedPortAndStopped() throws IOException {
        Path autossh = Binaries.require("autossh");
        Path fakeSsh = router().home().resolve("fake-ssh");
        Files.writeString(fakeSsh, "#!/bin/sh\nsleep 1004\n");
        Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwx------"));
        shell.exec("AUTOSSH_PATH=" + ShellQuoting.quote(fakeSsh.toString()) + " AUTOSSH_GATETIME=0 AUTOSSH_POLL=600 setsid "
                + ShellQuoting.quote(autossh.toString())
                + " -M 0 -N -R 127.0.0.1:40002:127.0.0.1:22 -o ExitOnForwardFailure=yes tunnel@relay.invalid </dev/null >/dev/null 2>&1 &", T)
                .orThrow("starting autossh");
        await().atMost(TestTimeouts.scaled(Duration.ofSeconds(10)))
                .until(() -> controller.findByForwardPort(shell, 40002).stream().anyMatch(p -> p.commandLine().equals("sleep 1004")));
        List<RemoteProcess> found = controller.findByForwardPort(shell, 40002);
        assertThat(found).extracting(RemoteProcess::commandLine)
                .anyMatch(c -> c.contains("autossh") && !c.contains("fake-ssh"))
                .anyMatch(c -> c.contains("fake-ssh") && c.contains("-R 127.0.0.1:40002:127.0.0.1:22"))
                .contains("sleep 1004");
        assertThat(controller.findByForwardPort(shell, 40003)).isEmpty();
        assertThat(controller.findByForwardPort(shell, 4000)).isEmpty();

        StopResult result = controller.stopTrees(shell, found, new StopPolicy(Duration.ofSeconds(2), 3));
        assertThat(result.complete()).as("survivors %s", result.survivors()).isTrue();
        for (RemoteProcess p : found) {
            assertThat(running(p.pid())).as("pid %s (%s) still runs", p.pid(), p.commandLine()).isFalse();
        }
        assertThat(controller.findByForwardPort(shell, 40002)).isEmpty();
    }

    @Test
    void stoppingWhatIsAlreadyGoneCountsAsStoppedAndReusedPidsAreNotTouched() {
        RemoteProcess ghost = new RemoteProcess(999_999, 1, "nobody", "sleep 1 " + TOKEN.value());
        StopResult r = controller.stopTrees(shell, List.of(ghost), StopPolicy.DEFAULT);
        assertThat(r.complete()).isTrue();
        assertThat(r.stopped()).containsExactly(ghost);

        // A pid that now runs something else is not this process any more: left alone.
        String pid = shell.exec("sleep 1005 </dev/null >/dev/null 2>&1 & echo $!", T).stdout().strip();
        RemoteProcess stale = new RemoteProcess(Integer.parseInt(pid), 1, "nobody", "autossh -R 40009:h:22 old");
        assertThat(controller.stopTrees(shell, List.of(stale), StopPolicy.DEFAULT).complete()).isTrue();
        assertThat(running(Integer.parseInt(pid))).isTrue();
    }

    @Test
    void hostileValuesReachTheRealShellAsLiteralText() {
        Path canary = router().home().resolve("canary");
        String touch = "touch " + canary;
        List<String> hostile = List.of(
                "; " + touch,
                "$(" + touch + ")",
                "`" + touch + "`",
                "' ; " + touch + " ; '",
                "\" ; " + touch + " ; \"",
                "a'b\"c\\d",
                "line one\n" + touch + "\nline three",
                "$HOME * ~ && || | > < &",
                "-n",
                "--",
                "'",
                "");
        for (String value : hostile) {
            String out = shell.exec("printf %s " + ShellQuoting.quote(value), T).orThrow("printf").stdout();
            assertThat(out).as("round trip of %s", value).isEqualTo(value);
        }
        assertThat(canary).doesNotExist();
        assertThatThrownBy(() -> ShellQuoting.quote("a\0b")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> controller.findByForwardPort(shell, 70000)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> controller.findByForwardPort(shell, 0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new CleanupToken("np_0123abcd_70000_k3x9q2")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new CleanupToken("np_0123abcd_4000_k3x9q2; " + touch)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RouterKeyInstaller.create().install(shell, "ssh-ed25519 AAAA $(" + touch + ")"))
                .isInstanceOf(InvalidInputException.class);
        assertThat(canary).doesNotExist();
    }

    /** Whether {@code pid} runs on this machine (the router's), a zombie counting as gone. */
    static boolean running(int pid) {
        Path stat = Path.of("/proc", Integer.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }
}
