package io.netpilot.cli.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.TestTimeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop launcher of the unpacked distribution under Xvfb: its window shows, and SIGTERM quits it.
 * Runs once the desktop app has its main class (the build then ships bin/netpilot-desktop, see
 * make-dist.sh); until then it is reported as skipped, saying so.
 */
class DesktopDistributionIT {
    @TempDir
    Path dir;

    @Test
    void desktopLauncherShowsItsWindowAndQuitsOnSigterm() throws Exception {
        try (UnpackedDistribution dist = UnpackedDistribution.unpack(dir)) {
            runsUnderXvfb(dist);
        }
    }

    private void runsUnderXvfb(UnpackedDistribution dist) throws Exception {
        Assumptions.assumeTrue(Files.exists(dist.install().resolve("bin/netpilot-desktop")),
                "this build has no desktop app yet (no io.netpilot.desktop.Main), so no bin/netpilot-desktop");
        Path xvfb = Binaries.require("Xvfb");
        Path xwininfo = Binaries.require("xwininfo");
        String display = freeDisplay();
        Process x = new ProcessBuilder(xvfb.toString(), display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(dir.resolve("xvfb.log").toFile()).start();
        try {
            await().atMost(TestTimeouts.scaled(Duration.ofSeconds(20)))
                    .until(() -> Files.exists(Path.of("/tmp/.X11-unix/X" + display.substring(1))));
            var app = dist.start(dir.resolve("desktop"), Map.of("DISPLAY", display, "NETPILOT_HOME", dir.resolve("home").toString()),
                    List.of(dist.install().resolve("bin/netpilot-desktop").toString()));
            try {
                await().atMost(TestTimeouts.scaled(Duration.ofSeconds(60))).untilAsserted(() -> {
                    assertThat(app.process().isAlive()).as("desktop app alive; stderr: %s", app.errText()).isTrue();
                    assertThat(windowTree(xwininfo, display)).contains("NetPilot");
                });
            } finally {
                app.process().destroy(); // SIGTERM
                assertThat(app.process().waitFor(TestTimeouts.scaled(Duration.ofSeconds(30)).toSeconds(), TimeUnit.SECONDS))
                        .as("the desktop app quits on SIGTERM").isTrue();
            }
        } finally {
            x.destroy();
            x.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String windowTree(Path xwininfo, String display) throws Exception {
        Process p = new ProcessBuilder(xwininfo.toString(), "-root", "-tree", "-display", display).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static String freeDisplay() {
        for (int n = 90; n < 200; n++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                return ":" + n;
            }
        }
        throw new IllegalStateException("no free X display number in :90-:199");
    }
}
