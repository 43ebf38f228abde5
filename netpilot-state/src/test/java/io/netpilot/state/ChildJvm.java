package io.netpilot.state;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a test main class, for what only another process can show (OS file locks,
 * SIGKILL in the middle of a write). It runs on a plain class path made of this JVM's module path
 * (surefire's default) and class path plus the test classes, so it works under either. Its stdout
 * lines are collected as they come; stderr goes to a file. {@link #close()} kills it by pid.
 * Not thread-safe, except {@link #lines()}.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Writer stdin;
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = Thread.ofPlatform().daemon().name("child-" + process.pid() + "-stdout").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the child is gone; what it printed is in lines
            }
        });
    }

    /** Starts {@code main} in a new JVM with {@code args}; its stderr goes to {@code stderrFile}. */
    static ChildJvm start(Class<?> main, Path stderrFile, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classPath(main), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(stderrFile.toFile())
                .start();
        return new ChildJvm(p, stderrFile);
    }

    /** {@code jdk.module.path} first (surefire's module path), then {@code java.class.path}, then the test classes. */
    static String classPath(Class<?> main) {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        try {
            entries.add(Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** The lines the child has printed so far. */
    List<String> lines() {
        return lines;
    }

    /** The last line starting with {@code prefix}, or null. */
    String lastLineStartingWith(String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return lines.get(i);
            }
        }
        return null;
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** SIGKILL, then waits for the child to be gone and its output fully read. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit();
    }

    /** Waits (bounded) for the child to exit on its own and its output to be read; returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child " + process.pid() + " did not exit; see " + stderr);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    String stderrPath() {
        return stderr.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> process).join();
        }
    }
}
