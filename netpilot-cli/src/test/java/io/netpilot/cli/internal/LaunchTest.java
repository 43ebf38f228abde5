package io.netpilot.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM cannot use this process's /proc/self/fd paths (the installed launcher's module path): it gets real ones. */
class LaunchTest {
    @TempDir
    Path dir;

    @Test
    @EnabledOnOs(OS.LINUX)
    void descriptorPathsBecomeTheFilesTheyName() throws Exception {
        Path jar = Files.writeString(dir.resolve("app.jar"), "x");
        try (FileInputStream open = new FileInputStream(jar.toFile())) {
            assertThat(open.getFD().valid()).isTrue();
            String fdPath;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                fdPath = fds.filter(fd -> {
                    try {
                        return fd.toRealPath().equals(jar.toRealPath());
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }).findFirst().orElseThrow().toString();
            }
            assertThat(Launch.withRealPaths("-XX:AOTCache=" + fdPath + ":/opt/other.jar"))
                    .isEqualTo("-XX:AOTCache=" + jar.toRealPath() + ":/opt/other.jar");
        }
    }

    @Test
    void otherArgumentsStayAsTheyAre() {
        assertThat(Launch.withRealPaths("-Xss512k")).isEqualTo("-Xss512k");
        assertThat(Launch.withRealPaths("/proc/self/fdx/1")).isEqualTo("/proc/self/fdx/1");
    }
}
