package io.netpilot.desktop.presentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.ConnectArgs;
import io.netpilot.core.Credentials;
import io.netpilot.core.Durations;
import io.netpilot.core.InvalidInputException;
import io.netpilot.state.UserConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Connect Tunnel dialog's validation, without a display: the CLI's own checks and words. */
class ConnectFormTest {
    @TempDir
    Path dir;

    private final UserConfig settings = new UserConfig(Optional.of("tunnel@relay.example.com"), Optional.empty(), Optional.empty(),
            Optional.of("22000-22099"), Optional.of("90s"));

    /** What `netpilot connect --router ROUTER --target-port PORT` refuses, in its words. */
    private String cliSays(String router, int port, Optional<Path> key) {
        try {
            ConnectArgs.parse(router, port, "tunnel@relay.example.com", Optional.empty(), Optional.of("22000-22099"), Optional.empty(),
                    Durations.parse("90s"), key, Optional.empty(), false);
            return "accepted";
        } catch (InvalidInputException e) {
            return e.getMessage();
        }
    }

    @Test
    void aBadHostIsRefusedAsTheCliRefusesIt() {
        ConnectForm form = new ConnectForm(settings);
        form.router("root@bad_host!");
        assertThat(form.problem()).contains(cliSays("root@bad_host!", 22, Optional.empty()));
        assertThat(form.problem().orElseThrow()).contains("bad_host!");
        form.router("root@192.168.1.1");
        assertThat(form.problem()).isEmpty();
        assertThat(form.args().spec().portRange().toString()).isEqualTo("22000-22099");
        assertThat(form.args().spec().leaseTtl()).hasSeconds(90);
    }

    @Test
    void aBadPortIsRefusedAsTheCliRefusesIt() {
        ConnectForm form = new ConnectForm(settings);
        form.router("root@192.168.1.1:70000");
        assertThat(form.problem()).contains(cliSays("root@192.168.1.1:70000", 22, Optional.empty()));
        form.router("root@192.168.1.1");
        form.targetPort("0");
        assertThat(form.problem()).contains(cliSays("root@192.168.1.1", 0, Optional.empty()));
        assertThat(form.problem().orElseThrow()).contains("port");
        form.targetPort("ssh");
        assertThat(form.problem().orElseThrow()).contains("'ssh' is not an int");
        form.targetPort("8022");
        assertThat(form.problem()).isEmpty();
        assertThat(form.args().spec().targetPort()).isEqualTo(8022);
    }

    @Test
    void aMissingKeyFileIsRefusedAsTheCliRefusesIt() throws Exception {
        ConnectForm form = new ConnectForm(settings);
        form.router("root@192.168.1.1");
        form.login(ConnectForm.Login.KEY_FILE);
        assertThat(form.problem().orElseThrow()).contains("--router-key is missing");
        Path missing = dir.resolve("id_missing");
        form.keyFile(missing.toString());
        assertThat(form.problem()).contains(cliSays("root@192.168.1.1", 22, Optional.of(missing)));
        assertThat(form.problem().orElseThrow()).contains("is not a readable file");
        Files.writeString(missing, "key");
        assertThat(form.problem()).isEmpty();
        assertThat(form.args().request().routerCredentials()).isEqualTo(new Credentials.KeyFile(missing.toAbsolutePath()));
    }

    @Test
    void thePasswordIsNeededForPasswordLoginAndLivesOnlyInTheFormUntilCleared() {
        ConnectForm form = new ConnectForm(settings);
        form.router("root@192.168.1.1");
        form.login(ConnectForm.Login.PASSWORD);
        assertThat(form.problem()).contains("the router password is empty");
        char[] typed = "s3cret".toCharArray();
        form.password(typed);
        assertThat(form.problem()).isEmpty();
        // the request that goes to the agent carries the agent's key, never the password
        assertThat(form.args().request().routerCredentials()).isEqualTo(Credentials.AGENT_KEY);
        assertThat(form.args().request().toString()).doesNotContain("s3cret");
        assertThat(form.password().orElseThrow().secret()).containsExactly(typed);
        form.clearPassword();
        assertThat(form.password()).isEmpty();
        assertThat(form.problem()).contains("the router password is empty");
    }

    @Test
    void theRelayComesFromTheSettingsUnlessOverridden() {
        ConnectForm none = new ConnectForm(UserConfig.EMPTY);
        none.router("root@192.168.1.1");
        assertThat(none.problem().orElseThrow()).contains("the relay is missing");
        none.relayOverride("tunnel@10.0.0.9:2200");
        assertThat(none.args().spec().relay().address()).hasToString("tunnel@10.0.0.9:2200");
        ConnectForm fromSettings = new ConnectForm(settings);
        fromSettings.router("root@192.168.1.1");
        assertThat(fromSettings.args().spec().relay().address().host()).isEqualTo("relay.example.com");
        fromSettings.relayOverride("tunnel@relay two");
        assertThatThrownBy(fromSettings::args).isInstanceOf(InvalidInputException.class).hasMessageContaining("relay two");
    }

    @Test
    void settingsAreSavedToTheConfigFileTheCliReads() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"relay\": \"old@relay\", \"somethingElse\": 1}");
        SettingsForm form = new SettingsForm(file);
        assertThat(form.get(SettingsForm.Field.RELAY)).isEqualTo("old@relay");
        form.set(SettingsForm.Field.RELAY, "tunnel@relay.example.com:2222");
        form.set(SettingsForm.Field.PORT_RANGE, "30000-29000");
        assertThat(form.problem()).isPresent();
        assertThatThrownBy(form::save).isInstanceOf(InvalidInputException.class);
        assertThat(UserConfig.read(file).relay()).as("nothing written on a bad value").contains("old@relay");
        form.set(SettingsForm.Field.PORT_RANGE, "30000-30099");
        form.set(SettingsForm.Field.LEASE_TTL, "5m");
        form.set(SettingsForm.Field.TUNNEL_USER, "routers");
        assertThat(form.problem()).isEmpty();
        form.save();
        UserConfig read = UserConfig.read(file);
        assertThat(read.relay()).contains("tunnel@relay.example.com:2222");
        assertThat(read.portRange()).contains("30000-30099");
        assertThat(read.leaseTtl()).contains("5m");
        assertThat(read.tunnelUser()).contains("routers");
        assertThat(Files.readString(file)).contains("somethingElse");
    }
}
