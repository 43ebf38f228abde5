package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real network change, seen by the watcher: a JVM in a network namespace of this test's own, an
 * interface added there, the watcher says so. Needs root and iproute2 (CI has both, and there a
 * missing one fails instead of skipping). The namespace holds only a veth pair (both ends inside it)
 * with a documentation address (192.0.2.0/24) and is deleted afterwards.
 */
class NetworkWatcherNamespaceTest {
    @TempDir
    Path dir;

    @Test
    void anInterfaceComingUpIsAChange() throws Exception {
        requireRootAndIp();
        String ns = "netpilot-nw-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", ns);
        Process child = null;
        try {
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            Path out = dir.resolve("child.out");
            child = new ProcessBuilder(childCommand(ns)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("ready"));
            assertThat(Files.readString(out)).contains("ready []").doesNotContain("changed");

            // Both ends of the pair stay inside the namespace: nothing of the host's network is touched.
            run("ip", "netns", "exec", ns, "ip", "link", "add", "np0", "type", "veth", "peer", "name", "np1");
            run("ip", "netns", "exec", ns, "ip", "addr", "add", "192.0.2.1/24", "dev", "np0");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "np1", "up");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "np0", "up");

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(out).contains("np0=192.0.2.1"));
            assertThat(Files.readString(out)).contains("changed");
        } finally {
            if (child != null) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
            run("ip", "netns", "del", ns);
        }
    }

    private List<String> childCommand(String ns) {
        List<String> cp = new ArrayList<>();
        cp.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        cp.add(Path.of("target", "classes").toAbsolutePath().toString());
        Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
                .filter(p -> !p.isBlank())
                .forEach(cp::add);
        return List.of("ip", "netns", "exec", ns, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), NetworkWatchMain.class.getName());
    }

    private static void requireRootAndIp() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean ip = Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").anyMatch(p -> Files.isExecutable(Path.of(p)));
        String why = "this test makes a network namespace: it needs root and iproute2's ip";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(root && ip).as(why + " (CI=true, so it fails instead of skipping)").isTrue();
        }
        Assumptions.assumeTrue(root && ip, why);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
