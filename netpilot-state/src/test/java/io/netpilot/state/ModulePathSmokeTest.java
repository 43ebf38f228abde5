package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpilot.state.smoke.ModuleSmokeMain;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Surefire puts ALL-MODULE-PATH in the graph and patches the tests into the module, which hides a
 * missing {@code requires} or {@code opens}. This runs the module on its own declared graph (only
 * {@code --add-modules io.netpilot.state}), with Jackson reading the internal DTOs and Guice
 * constructing the internal store, from a caller on the class path.
 */
class ModulePathSmokeTest {
    @TempDir
    Path dir;

    @Test
    void theModuleWorksOnItsDeclaredModuleGraph() throws Exception {
        String modulePath = System.getProperty("jdk.module.path");
        assumeTrue(modulePath != null && !modulePath.isBlank(), "tests are not running on the module path");
        String testClasses = Path.of(ModuleSmokeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1",
                "--module-path", modulePath, "--add-modules", "io.netpilot.state,com.google.guice,jakarta.inject",
                "-cp", testClasses + File.pathSeparator + System.getProperty("java.class.path", ""),
                ModuleSmokeMain.class.getName(), dir.resolve("home").toString()));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("MODULE io.netpilot.state").contains("OK");
    }
}
