package io.netpilot.desktop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.NetPilot;
import io.netpilot.testkit.Binaries;
import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.EmbeddedRouter;
import io.netpilot.testkit.Loopback;
import io.netpilot.testkit.TestTimeouts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real app end to end under Xvfb: a child JVM on the desktop's shipped module path (the module jar
 * and its runtime dependencies), against the testkit's SSH relay and router. The {@link Driver} inside
 * the app clicks the real Swing components: Connect Tunnel with the router's password (the app installs
 * its key there), the new host key accepted in its dialog; the table shows UP; the router's banner comes
 * through the relay port; Quit from the File menu stops the router's processes; a second start restores
 * the tunnel on the same port, and SIGTERM to it stops the router's processes again. Screenshots go to target/screenshots.
 */
class DesktopEndToEndIT {
    private static final Duration WAIT = TestTimeouts.scaled(Duration.ofSeconds(90));

    @TempDir
    Path dir;

    private Process xvfb;
    private String display;
    private EmbeddedRelay relay;
    private EmbeddedRouter router;

    @BeforeEach
    void display() throws Exception {
        Path x = Binaries.require("Xvfb"); // under CI=true a missing Xvfb fails, never skips
        Binaries.require("autossh");
        display = freeDisplay();
        xvfb = new ProcessBuilder(x.toString(), display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(dir.resolve("xvfb.log").toFile()).start();
        await().atMost(WAIT).until(() -> Files.exists(Path.of("/tmp/.X11-unix/X" + display.substring(1))));
        relay = EmbeddedRelay.start(dir.resolve("relay"));
        router = EmbeddedRouter.start(EmbeddedRouter.Flavour.PROCPS, dir.resolve("router"));
    }

    @AfterEach
    void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        if (relay != null) {
            relay.close();
        }
        xvfb.destroy();
        xvfb.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void connectThroughTheDialogQuitFromTheMenuAndRestoreOnTheNextStart() throws Exception {
        Path home = dir.resolve("home");
        // The relay trusts this home's agent key (as an admin would install it). The app installs it on the
        // router with the password (checked below in the router's authorized_keys); the embedded router
        // authenticates from its own list, not that file, so the test adds the key there too.
        try (NetPilot once = NetPilot.builder().home(home).open()) {
            relay.authorize(once.agentPublicKey());
            router.authorize(once.agentPublicKey());
        }
        router.allowPassword("router-pw");
        Path shots = Path.of("target", "screenshots").toAbsolutePath();

        String port;
        try (App app = App.start(home, display, logs().resolve("app1.log"))) {
            app.expect("window true NetPilot");
            app.send("connect " + router.address() + " router-pw " + router.port() + " " + relay.address() + " " + shots.resolve("desktop-connect.png"));
            app.expect("connect-enabled true problem= ");
            app.expect("asked The host key of ");
            app.expect("connect-dialog-closed true");
            assertThat(Files.readString(router.home().resolve(".ssh/authorized_keys")))
                    .as("the password installed the agent's key on the router").contains("netpilot-agent");
            app.send("await-state UP");
            port = app.expectPrefix("state ").substring("state ".length());
            assertThat(port).startsWith("127.0.0.1:");
            int relayPort = Integer.parseInt(port.substring(port.indexOf(':') + 1));
            assertThat(Loopback.sshBanner(relayPort, TestTimeouts.scaled(Duration.ofSeconds(10))))
                    .as("the router's SSH banner through the relay port").hasValueSatisfying(b -> assertThat(b).startsWith("SSH-2.0-"));
            assertThat(router.livePids()).isNotEmpty();
            app.send("click retryMenuItem"); // Retry now: the agent checks the tunnel at once
            app.expect("clicked retryMenuItem");
            app.send("await-status Retrying");
            app.expect("status Retrying " + router.address());
            app.send("await-state UP");
            assertThat(app.expectPrefix("state ")).isEqualTo("state " + port);
            app.send("screenshot-main " + shots.resolve("desktop-main.png"));
            app.expectPrefix("screenshot ");
            app.send("quit");
            app.awaitExit();
        }
        assertThat(router.livePids()).as("quitting stopped the tunnel's processes on the router").isEmpty();

        try (App again = App.start(home, display, logs().resolve("app2.log"))) {
            again.expect("window true NetPilot");
            again.send("await-state UP");
            assertThat(again.expectPrefix("state ")).as("restored on the same relay port").isEqualTo("state " + port);
            assertThat(router.livePids()).isNotEmpty();
            again.process().destroy(); // SIGTERM, as at logout: the same clean exit as Quit
            assertThat(again.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the app exits on SIGTERM").isTrue();
        }
        assertThat(router.livePids()).as("SIGTERM stopped the tunnel's processes on the router").isEmpty();
    }

    /** The apps' stderr, kept as test artefacts. */
    private static Path logs() throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "desktop-it").toAbsolutePath());
    }

    /** The app in a child JVM with the driver, its stdout collected line by line. */
    private record App(Process process, Writer stdin, List<String> lines, List<String> seen, Path log) implements AutoCloseable {
        static App start(Path home, String display, Path log) throws Exception {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dnetpilot.desktop.testDriver=" + Driver.class.getName(),
                    "-p", System.getProperty("netpilot.desktop.modulePath"),
                    "--patch-module", "io.netpilot.desktop=" + Path.of("target", "test-classes").toAbsolutePath(),
                    "-m", "io.netpilot.desktop/io.netpilot.desktop.Main", "--home", home.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
            pb.environment().put("DISPLAY", display);
            pb.environment().remove("NETPILOT_HOME");
            Process p = pb.start();
            List<String> lines = new CopyOnWriteArrayList<>();
            List<String> seen = new CopyOnWriteArrayList<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                        seen.add(l);
                    }
                } catch (java.io.IOException e) {
                    lines.add("DRIVER stdout closed: " + e);
                }
            });
            return new App(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), lines, seen, log);
        }

        void send(String command) throws java.io.IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }

        void expect(String start) {
            expectPrefix(start);
        }

        /** Waits for (and consumes) the driver's next line starting with {@code prefix}; fails on a driver error. */
        String expectPrefix(String prefix) {
            String[] found = new String[1];
            await().atMost(WAIT).untilAsserted(() -> {
                Optional<String> line = lines.stream().filter(l -> l.startsWith("DRIVER ")).map(l -> l.substring(7)).findFirst();
                assertThat(lines).as("app output; stderr in %s:%n%s", log, Files.exists(log) ? Files.readString(log) : "")
                        .noneMatch(l -> l.startsWith("DRIVER error"));
                assertThat(line).as("waiting for %s; every driver line: %s", prefix, seen).isPresent();
                if (!line.get().startsWith(prefix)) {
                    lines.remove("DRIVER " + line.get());
                    throw new AssertionError("skipped: " + line.get());
                }
                lines.remove("DRIVER " + line.get());
                found[0] = line.get();
            });
            return found[0];
        }

        void awaitExit() throws Exception {
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the app exits after Quit").isTrue();
            assertThat(process.exitValue()).isZero();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                process.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> {
                    process.destroyForcibly();
                    return process;
                }).join();
            }
        }
    }

    private static String freeDisplay() {
        for (int n = 200; n < 400; n++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                return ":" + n;
            }
        }
        throw new IllegalStateException("no free X display number in :200-:399");
    }
}
