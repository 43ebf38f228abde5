package io.netpilot.cli.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a technician gets it: the build's tar.gz, unpacked elsewhere, run through its own
 * launchers on a machine without a JDK (no JAVA_HOME, no java on PATH).
 */
class DistributionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static UnpackedDistribution dist;

    @BeforeAll
    static void unpack() throws Exception {
        dist = UnpackedDistribution.unpack(dir);
    }

    @AfterAll
    static void removeLinks() throws Exception {
        dist.close();
    }

    @Test
    void runsOnItsOwnRuntimeWithoutAJdk() throws Exception {
        var version = dist.run(dir.resolve("version"), Map.of(), "netpilot", "--version");
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("netpilot ");

        // JAVA_OPTS reaches the JVM, and that JVM is the bundled runtime.
        var settings = dist.run(dir.resolve("settings"), Map.of("JAVA_OPTS", "-XshowSettings:properties"), "netpilot", "--version");
        assertThat(settings.exitCode()).as(settings.err()).isZero();
        assertThat(settings.err()).contains("java.home = " + dist.install().resolve("runtime"));

        Path home = dir.resolve("empty-home");
        var status = dist.run(dir.resolve("status"), Map.of(), "netpilot", "--home", home.toString(), "status", "--json");
        assertThat(status.exitCode()).as(status.err()).isZero();
        JsonNode doc = JSON.readTree(status.out());
        assertThat(doc.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(doc.path("agentRunning").asBoolean()).isFalse();
        assertThat(doc.path("tunnels")).isEmpty();
    }

    @Test
    void startsThroughASymlinkFromAnotherDirectory() throws Exception {
        Path links = Files.createDirectories(dir.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("netpilot"), dist.install().resolve("bin/netpilot"));
        var started = dist.start(dir.resolve("via-link"), Map.of(), List.of(link.toString(), "--version"));
        assertThat(started.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(started.process().exitValue()).as(started.errText()).isZero();
        assertThat(Files.readString(started.out())).startsWith("netpilot ");
    }

    @Test
    void demoRunsGreenAndLeavesNothingRunning() throws Exception {
        var demo = dist.run(dir.resolve("demo"), Map.of(), "netpilot", "demo");
        assertThat(demo.exitCode()).as("stdout:%n%s%nstderr:%n%s", demo.out(), demo.err()).isZero();
        assertThat(demo.err()).contains("SSH-2.0-").contains("none left");
        assertThat(demo.out()).contains("demo finished");
        assertThat(dist.processesRunningFromIt()).as("processes of the distribution after demo").isEmpty();
    }

    @Test
    void autostartUnitRunsTheInstalledLauncher() throws Exception {
        Path home = dir.resolve("agent-home");
        var install = dist.run(dir.resolve("autostart"), Map.of(), "netpilot", "--home", home.toString(), "autostart", "install");
        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(install.out()).contains("loginctl enable-linger");

        Path config = Path.of(dist.environment().get("XDG_CONFIG_HOME"));
        Path unit = config.resolve("systemd/user/netpilot-agent.service");
        String execStart = Files.readAllLines(unit).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
                .substring("ExecStart=".length());
        List<String> command = systemdWords(execStart);
        assertThat(Path.of(command.get(0))).isEqualTo(dist.install().resolve("bin/netpilot")).isExecutable();
        assertThat(command).containsSubsequence("--home", home.toString(), "agent");

        Path entry = config.resolve("autostart/netpilot-desktop.desktop");
        Path desktop = dist.install().resolve("bin/netpilot-desktop");
        if (Files.exists(desktop)) {
            assertThat(Files.readString(entry)).contains("Exec=\"" + desktop + "\"");
        } else {
            assertThat(entry).doesNotExist();
            assertThat(install.out()).contains("no desktop app in this install");
        }

        // What systemd would run, as written: the agent comes up on the home, and autostart status sees it.
        var agent = dist.start(dir.resolve("agent"), Map.of(), command);
        long pid = agent.process().pid();
        try {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(60)))
                    .untilAsserted(() -> {
                        assertThat(agent.process().isAlive()).as("agent alive; stderr: %s", agent.errText()).isTrue();
                        assertThat(recordedPid(home)).hasValue(pid);
                    });
            var status = dist.run(dir.resolve("autostart"), Map.of(), "netpilot", "--home", home.toString(), "autostart", "status");
            assertThat(status.out()).contains("installed: " + unit).contains("agent: running (pid " + pid + ")");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            assertThat(agent.process().onExit().get(TestTimeouts.scaled(Duration.ofSeconds(60)).toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    .isAlive()).isFalse();
        }

        var uninstall = dist.run(dir.resolve("autostart"), Map.of(), "netpilot", "autostart", "uninstall");
        assertThat(uninstall.exitCode()).isZero();
        assertThat(unit).doesNotExist();
    }

    private static OptionalLong recordedPid(Path home) {
        return Files.isDirectory(home) ? AgentLock.recordedPid(NetPilotHome.at(home)) : OptionalLong.empty();
    }

    /** Splits an ExecStart value into words the way systemd does for the double quotes autostart writes. */
    static List<String> systemdWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1).replaceAll("\\\\(.)", "$1") : m.group(2));
        }
        return words;
    }
}
