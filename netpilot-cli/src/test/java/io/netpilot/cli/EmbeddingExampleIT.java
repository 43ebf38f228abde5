package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.testkit.TestTimeouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example application of docs/embedding.md ({@code examples/embedding}), compiled with javax.tools
 * against the shipped jars and run in a child JVM, on the module path and on the plain class path: it
 * exits 0, reads the router's SSH banner through the relay port, and leaves no process behind. The
 * documentation's example is the example's code.
 */
class EmbeddingExampleIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Path SOURCES = REPO.resolve("examples/embedding/src");
    private static final Path MAIN = SOURCES.resolve("io/netpilot/example/EmbeddingExample.java");
    private static final Path LIB = Path.of(System.getProperty("user.dir"), "target", "lib").toAbsolutePath();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theExampleRunsAndLeavesNothingBehind(boolean modulePath) throws Exception {
        String jars = embedderJars();
        Path classes = dir.resolve("classes");
        List<String> javac = new ArrayList<>(List.of("-Xlint:all,-try", "-Werror", "-d", classes.toString()));
        javac.addAll(modulePath ? List.of("-p", jars, SOURCES.resolve("module-info.java").toString()) : List.of("-cp", jars));
        javac.add(MAIN.toString());
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, javac.toArray(String[]::new))).as("javac %s", javac).isZero();

        Path work = dir.resolve("work");
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        java.addAll(modulePath
                ? List.of("-p", jars + ":" + classes, "-m", "io.netpilot.example/io.netpilot.example.EmbeddingExample")
                : List.of("-cp", jars + ":" + classes, "io.netpilot.example.EmbeddingExample"));
        java.add(work.toString());
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(java).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean ended = p.waitFor(TestTimeouts.scaled(Duration.ofSeconds(120)).toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(ended).as("the example ended by itself (no thread left running); output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("is UP on relay port").contains("banner: SSH-2.0-").contains("router processes left: 0");
        assertThat(output).as("events were delivered").contains("event: StateChanged");
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(work.toString())))
                .as("processes still naming the example's directory").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void docsEmbeddingShowsTheExamplesCode() throws IOException {
        List<String> example = Files.readAllLines(MAIN, StandardCharsets.UTF_8);
        int start = indexOf(example, "--8<-- [start:embedding]");
        int end = indexOf(example, "--8<-- [end:embedding]");
        String region = example.subList(start + 1, end).stream().map(String::strip).collect(Collectors.joining("\n"));
        String docs = Files.readAllLines(REPO.resolve("docs/embedding.md"), StandardCharsets.UTF_8).stream()
                .map(String::strip).collect(Collectors.joining("\n"));
        assertThat(end - start - 1).as("lines in the documented example").isLessThanOrEqualTo(15);
        assertThat(docs).contains(region);
    }

    /** The jars an embedder puts on its path: core, ssh, state, testkit and theirs; not the CLI's own. */
    private static String embedderJars() throws IOException {
        try (Stream<Path> files = Files.list(LIB)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().matches("(logback|picocli|guice|guava|failureaccess|jakarta|aopalliance|error_prone|j2objc|jspecify|listenablefuture|netpilot-desktop|flatlaf).*"))
                    .map(Path::toString).sorted().collect(Collectors.joining(":"));
        }
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return i;
            }
        }
        throw new AssertionError("no marker " + marker + " in " + MAIN);
    }
}
