package io.netpilot.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.StateCorruptException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetPilotHomeTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void anExplicitPathWinsOverTheEnvironmentWhichWinsOverTheUsersHome() {
        Path explicit = dir.resolve("explicit");
        Path fromEnv = dir.resolve("env");
        Map<String, String> env = Map.of(NetPilotHome.ENV_VAR, fromEnv.toString());

        assertThat(NetPilotHome.resolve(Optional.of(explicit), env, dir).root()).isEqualTo(explicit);
        assertThat(NetPilotHome.resolve(Optional.empty(), env, dir).root()).isEqualTo(fromEnv);
        assertThat(NetPilotHome.resolve(Optional.empty(), Map.of(NetPilotHome.ENV_VAR, " "), dir).root()).isEqualTo(dir.resolve(".netpilot"));
        assertThat(NetPilotHome.resolve(Optional.empty(), Map.of(), dir).root()).isEqualTo(dir.resolve(".netpilot"));
    }

    @Test
    void theHomeAndItsLogsAreCreatedPrivateAndNameEveryFile() throws IOException {
        NetPilotHome home = NetPilotHome.at(dir.resolve("a/b/home"));

        assertThat(mode(home.root())).isEqualTo("rwx------");
        assertThat(mode(home.logsDir())).isEqualTo("rwx------");
        assertThat(home.root()).isAbsolute();
        assertThat(home.tunnelStateFile()).hasFileName("tunnel-state.json").hasParentRaw(home.root());
        assertThat(home.portAllocationsFile()).hasFileName("port-allocations.json");
        assertThat(home.routerConnectionsFile()).hasFileName("router-connections.json");
        assertThat(home.knownHostsFile()).hasFileName("known_hosts");
        assertThat(home.agentKeyFile()).hasFileName("id_ed25519");
        assertThat(home.lockFile()).hasFileName("agent.lock");
        assertThat(home.controlSocket()).hasFileName("agent.sock");
        assertThat(home.configFile()).hasFileName("config.json");
        assertThat(home).isEqualTo(NetPilotHome.at(dir.resolve("a/b/./home")));
    }

    @Test
    void anExistingHomeOpenToOthersIsTightened() throws IOException {
        Path existing = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));

        NetPilotHome home = NetPilotHome.at(existing);

        assertThat(mode(home.root())).isEqualTo("rwx------");
    }

    @Test
    void aFileWhereTheHomeShouldBeIsRefusedWithAnAdvice() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> NetPilotHome.at(file)).isInstanceOf(StateCorruptException.class).hasMessageContaining("--home");
    }

    @Test
    void privateFilesAreWrittenAtomically0600AndOnlyInsideTheHome() throws IOException {
        NetPilotHome home = NetPilotHome.at(dir.resolve("home"));
        home.writePrivateFile(home.configFile(), "{\"relay\":\"a@b\"}".getBytes(StandardCharsets.UTF_8));
        home.writePrivateFile(home.configFile(), "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(home.configFile()).hasContent("{}");
        assertThat(mode(home.configFile())).isEqualTo("rw-------");
        assertThatThrownBy(() -> home.writePrivateFile(dir.resolve("elsewhere"), new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> home.writePrivateFile(home.root().resolve("../escape"), new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("escape")).doesNotExist();
    }
}
