package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped launcher starts on its own module path and answers the basics. */
class LauncherSmokeIT {
    @TempDir
    Path dir;

    @Test
    void versionAndHelpWorkOnTheShippedModulePath() throws Exception {
        var version = NetPilotProcess.run(dir, "--version");
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("netpilot ");

        var help = NetPilotProcess.run(dir, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("connect", "agent", "status", "disconnect", "cleanup", "watch", "doctor", "demo", "autostart");
    }

    @Test
    void everyCommandHasHelpWithExamples() throws Exception {
        for (String command : java.util.List.of("connect", "agent", "status", "disconnect", "cleanup", "watch", "doctor", "demo", "autostart")) {
            var help = NetPilotProcess.run(dir, command, "--help");
            assertThat(help.exitCode()).as("%s --help: %s", command, help.err()).isZero();
            assertThat(help.out()).as(command).contains("Usage: netpilot " + command).contains("Examples:");
        }
    }

    @Test
    void statusJsonOnAnEmptyHomeIsAStableDocument() throws Exception {
        Path home = dir.resolve("home");
        var status = NetPilotProcess.run(dir, "--home", home.toString(), "status", "--json");
        assertThat(status.exitCode()).as(status.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(status.out());
        assertThat(doc.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(doc.path("agentRunning").asBoolean()).isFalse();
        assertThat(doc.path("tunnels").isArray()).isTrue();
        assertThat(doc.path("tunnels")).isEmpty();
        assertThat(Files.exists(home)).as("status without state must not create the home").isFalse();
    }

    @Test
    void statusReportsAnUnreadableStateFileAndChangesNothing() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("tunnel-state.json"), "{\"schemaVersion\":1,\"tunnels\":[");

        var status = NetPilotProcess.run(dir, "--home", home.toString(), "status", "--json");

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.err()).contains("tunnel-state.json could not be read");
        JsonNode doc = new ObjectMapper().readTree(status.out());
        assertThat(doc.path("problems")).singleElement().satisfies(p -> assertThat(p.asText()).contains("tunnel-state.json"));
        assertThat(Files.readString(home.resolve("tunnel-state.json"))).isEqualTo("{\"schemaVersion\":1,\"tunnels\":[");
        try (var files = Files.list(home)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".corrupt-"));
        }
    }

    @Test
    void completionScriptIsGenerated() throws Exception {
        var completion = NetPilotProcess.run(dir, "generate-completion");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete", "netpilot");
    }
}
