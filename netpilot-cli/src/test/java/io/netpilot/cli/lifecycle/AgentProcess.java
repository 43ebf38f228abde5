package io.netpilot.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shipped {@code netpilot} launched as users run it ({@code java -p target/netpilot-cli.jar:target/lib
 * -m io.netpilot.cli/...}, so only after {@code package}: *IT tests). Output goes to files in the
 * test's dir so a long-running agent never blocks on a full pipe. Closing it kills the process (by its
 * own handle) if it is still alive. Not thread-safe.
 */
final class AgentProcess implements AutoCloseable {
    private static final Path TARGET = Path.of(System.getProperty("user.dir"), "target").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    final Process process;
    private final Path stdout;
    private final Path stderr;

    private AgentProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static AgentProcess start(Path dir, String... args) throws IOException {
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
        return new AgentProcess(pb.start(), out, err);
    }

    /** Runs a short command to its end (bounded) and returns its exit code and output. */
    static Result run(Path dir, String... args) throws Exception {
        try (AgentProcess p = start(dir, args)) {
            boolean ended = p.process.waitFor(120, TimeUnit.SECONDS);
            assertThat(ended).as("netpilot %s ended in time; stderr: %s", List.of(args), p.err()).isTrue();
            return new Result(p.process.exitValue(), p.out(), p.err());
        }
    }

    /** {@code netpilot --home HOME status --json}, parsed. */
    static JsonNode status(Path dir, Path home) throws Exception {
        Result r = run(dir, "--home", home.toString(), "status", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    String out() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** SIGKILL, as a crash or power loss would, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed agent is gone").isTrue();
    }

    /** SIGTERM, then waits (bounded) for the exit code. */
    int terminate(java.time.Duration within) throws InterruptedException {
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

    record Result(int exitCode, String out, String err) {}
}
