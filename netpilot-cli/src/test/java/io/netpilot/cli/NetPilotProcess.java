package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shipped {@code netpilot} the way a user does: {@code java -p target/netpilot-cli.jar:target/lib
 * -m io.netpilot.cli/...}, not surefire's module path, so a missing {@code requires} fails here.
 * Output goes to files in the test's temp dir so a long-running agent never blocks on a full pipe.
 */
public final class NetPilotProcess implements AutoCloseable {
    private static final Path TARGET = Path.of(System.getProperty("user.dir"), "target").toAbsolutePath();

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public final Process process;
    private final Path stdout;
    private final Path stderr;

    private NetPilotProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static NetPilotProcess start(Path dir, String... args) throws IOException {
        return start(dir, java.util.Map.of(), args);
    }

    /** Starts {@code netpilot ARGS} with {@code env} added to this process's environment. */
    public static NetPilotProcess start(Path dir, java.util.Map<String, String> env, String... args) throws IOException {
        // Surefire's test phase runs before package: there, on a fresh clone, the jar is not made yet and
        // java prints its "module not found" on stdout with exit code 1, which reads like a failed command.
        if (!Files.isRegularFile(TARGET.resolve("netpilot-cli.jar"))) {
            throw new IllegalStateException(TARGET.resolve("netpilot-cli.jar") + " is not built yet: a test that runs the shipped "
                    + "netpilot is an *IT (failsafe, after package), not a surefire test");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", TARGET.resolve("netpilot-cli.jar") + ":" + TARGET.resolve("lib"),
                "-m", "io.netpilot.cli/io.netpilot.cli.Main"));
        command.addAll(List.of(args));
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("NETPILOT_HOME");
        pb.environment().put("NO_COLOR", "1");
        pb.environment().putAll(env);
        return new NetPilotProcess(pb.start(), out, err);
    }

    /** Runs to the end (bounded) and returns the exit code. */
    public static Result run(Path dir, String... args) throws Exception {
        return run(dir, java.util.Map.of(), args);
    }

    public static Result run(Path dir, java.util.Map<String, String> env, String... args) throws Exception {
        try (NetPilotProcess p = start(dir, env, args)) {
            boolean ended = p.process.waitFor(120, TimeUnit.SECONDS);
            assertThat(ended).as("netpilot %s ended in time; stderr: %s", List.of(args), p.err()).isTrue();
            return new Result(p.process.exitValue(), p.out(), p.err());
        }
    }

    /** {@code netpilot --home HOME status --json}, parsed; fails the test unless it exits 0. */
    @SuppressWarnings("exports") // a test helper, compiled into the cli module only for its tests
    public static com.fasterxml.jackson.databind.JsonNode status(Path dir, Path home) throws Exception {
        Result r = run(dir, "--home", home.toString(), "status", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    public String out() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    public String err() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Sends SIGTERM to the agent that holds {@code home}'s lock, if one does (a test's clean-up of a background agent). */
    public static void stopAgentOf(Path home) {
        if (home != null && Files.isDirectory(home)) {
            io.netpilot.state.AgentLock.recordedPid(io.netpilot.state.NetPilotHome.at(home))
                    .ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
    }

    /** SIGKILL, as a crash or power loss would, and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed netpilot is gone").isTrue();
    }

    /** SIGTERM, then waits (bounded) for the exit code. */
    public int terminate(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("netpilot did not exit within " + within + " after SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How a finished run ended. */
    public record Result(int exitCode, String out, String err) {}
}
