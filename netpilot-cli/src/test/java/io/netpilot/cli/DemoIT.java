package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: {@code netpilot demo} runs every step green. */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void demoRunsTheWholeLifecycle() throws Exception {
        var demo = NetPilotProcess.run(dir, "demo");
        assertThat(demo.exitCode()).as("stdout:%n%s%nstderr:%n%s", demo.out(), demo.err()).isZero();
        assertThat(demo.err()).contains("SSH-2.0-").contains("none left").contains("on the same port");
        assertThat(demo.out()).contains("demo finished");
    }
}
