package io.netpilot.cli.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The archive the build made ({@code target/netpilot-*-linux-*.tar.gz}), unpacked with {@code tar} into a
 * temp dir, and run the way a technician runs it: its own launchers, with {@code JAVA_HOME} unset and a
 * {@code PATH} that holds every system command except any JDK's (each command is linked into a dir of the
 * test's own, leaving out those that live in a JDK's {@code bin}). {@code root} holds the unpacked tree,
 * {@code install} is its one top dir.
 */
record UnpackedDistribution(Path root, Path install, Path pathDir, Path userHome) implements AutoCloseable {
    private static final Path TARGET = Path.of(System.getProperty("user.dir"), "target").toAbsolutePath();
    private static final List<Path> SYSTEM_BIN = Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
            .map(Path::of).toList();

    /** Unpacks the archive into {@code dir}/unpacked and makes the JDK-free PATH in {@code dir}/path. */
    static UnpackedDistribution unpack(Path dir) throws Exception {
        Path archive;
        try (Stream<Path> files = Files.list(TARGET)) {
            archive = files.filter(f -> f.getFileName().toString().matches("netpilot-.*-linux-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no netpilot-*-linux-*.tar.gz in " + TARGET
                            + ": the package phase makes it (netpilot-cli/src/dist/make-dist.sh)"));
        }
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).as("tar ended").isTrue();
        assertThat(tar.exitValue()).as("tar -xzf " + archive).isZero();
        Path install;
        try (Stream<Path> top = Files.list(unpacked)) {
            install = top.collect(java.util.stream.Collectors.toList()).stream().findFirst().orElseThrow();
        }
        return new UnpackedDistribution(unpacked, install, jdkFreePath(Files.createDirectories(dir.resolve("path"))),
                Files.createDirectories(dir.resolve("user-home")));
    }

    private static Path jdkFreePath(Path pathDir) throws IOException {
        for (Path bin : SYSTEM_BIN) {
            if (!Files.isDirectory(bin)) {
                continue;
            }
            try (Stream<Path> commands = Files.list(bin)) {
                for (Path command : commands.toList()) {
                    Path link = pathDir.resolve(command.getFileName().toString());
                    if (Files.exists(link) || !Files.isExecutable(command) || Files.isDirectory(command) || inAJdk(command)) {
                        continue;
                    }
                    Files.createSymbolicLink(link, command);
                }
            }
        }
        assertThat(pathDir.resolve("java")).as("the PATH of the test must hold no java").doesNotExist();
        return pathDir;
    }

    /** True for a command that is, through its links, a JDK's (its dir is the bin of a dir with a release file). */
    private static boolean inAJdk(Path command) {
        try {
            Path real = command.toRealPath();
            Path home = real.getParent() == null ? null : real.getParent().getParent();
            return home != null && Files.exists(home.resolve("release"));
        } catch (IOException e) {
            return false; // a dangling link: nothing to run anyway
        }
    }

    /** The environment of a run: this process's, minus every way to find a JDK, plus a private HOME. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        for (String name : List.of("JAVA_HOME", "JDK_HOME", "JRE_HOME", "JAVA_OPTS", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS",
                "_JAVA_OPTIONS", "CLASSPATH", "NETPILOT_HOME", "NETPILOT_LAUNCHER", "NETPILOT_CDS", "NETPILOT_TRAIN",
                "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS")) {
            env.remove(name);
        }
        env.put("PATH", pathDir.toString());
        env.put("HOME", userHome.toString());
        env.put("XDG_CONFIG_HOME", userHome.resolve(".config").toString());
        env.put("NO_COLOR", "1");
        return env;
    }

    /** A started launcher: its process and the files its output goes to. */
    record Started(Process process, Path out, Path err) {
        String errText() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    record Result(int exitCode, String out, String err) {}

    /** Starts {@code command} as written (a launcher and its arguments) from {@code workDir}, with {@link #environment()} plus {@code extra}. */
    Started start(Path workDir, Map<String, String> extra, List<String> command) throws IOException {
        Path wd = Files.createDirectories(workDir);
        Path out = Files.createTempFile(wd, "out-", ".txt");
        Path err = Files.createTempFile(wd, "err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(wd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment());
        pb.environment().putAll(extra);
        return new Started(pb.start(), out, err);
    }

    /** Runs {@code bin/LAUNCHER ARGS} to its end (bounded) from {@code workDir}. */
    Result run(Path workDir, Map<String, String> extra, String launcher, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(install.resolve("bin").resolve(launcher).toString()));
        command.addAll(List.of(args));
        Started s = start(workDir, extra, command);
        try {
            assertThat(s.process().waitFor(180, TimeUnit.SECONDS)).as("%s %s ended in time", launcher, List.of(args)).isTrue();
        } finally {
            s.process().descendants().forEach(ProcessHandle::destroy);
            s.process().destroy();
        }
        return new Result(s.process().exitValue(), Files.readString(s.out(), StandardCharsets.UTF_8), s.errText());
    }

    @Override
    public void close() throws IOException {
        removePathLinks();
    }

    /** Removes the PATH dir's links to system commands (JUnit's temp dir cleanup warns about each link out). */
    void removePathLinks() throws IOException {
        try (Stream<Path> links = Files.list(pathDir)) {
            for (Path link : links.toList()) {
                Files.delete(link);
            }
        }
    }

    /** The live processes whose command line names a file of this install (its runtime, jars or launchers). */
    List<ProcessHandle> processesRunningFromIt() {
        String prefix = root.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(prefix)).orElse(false)
                        || p.info().command().map(c -> c.startsWith(prefix)).orElse(false))
                .toList();
    }
}
