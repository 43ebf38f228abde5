package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front door's defaults and its one clear error when a service is missing. */
class NetPilotBuilderTest {
    @TempDir
    Path dir;

    @Test
    void theHomeIsNetpilotHomeWhenSetElseDotNetpilotUnderTheUsersHome() {
        Path user = dir.resolve("user");
        assertThat(NetPilotBuilder.defaultHome(Map.of(), user)).isEqualTo(user.resolve(".netpilot"));
        assertThat(NetPilotBuilder.defaultHome(Map.of("NETPILOT_HOME", " "), user)).isEqualTo(user.resolve(".netpilot"));
        assertThat(NetPilotBuilder.defaultHome(Map.of("NETPILOT_HOME", dir.resolve("h").toString()), user)).isEqualTo(dir.resolve("h"));
    }

    @Test
    void withoutTheStateModuleTheBuilderSaysWhatToAddAndTouchesNothing() {
        // core's own tests have neither netpilot-ssh nor netpilot-state on their path
        assertThatThrownBy(() -> NetPilot.builder().home(dir.resolve("home")).start())
                .isInstanceOf(NetPilotException.class)
                .hasMessageContaining("StateService").hasMessageContaining("netpilot-state");
        assertThat(dir.resolve("home")).doesNotExist();
    }

    @Test
    void aBadExitBoundOrIdentityCheckIntervalIsRefused() {
        assertThatThrownBy(() -> NetPilot.builder().exitCleanupBound(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> NetPilot.builder().identityCheckInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("identity check interval");
    }

    @Test
    void connectRequestConveniencesKeepTheIdInStepWithTheTargetPort() {
        ConnectRequest r = ConnectRequest.of("root@192.168.1.1:2222", "tunnel@relay.example.com");
        assertThat(r.spec().targetPort()).as("the router's own SSH port").isEqualTo(2222);
        assertThat(r.hostKeyPolicy()).isEqualTo(HostKeyPolicy.PINNED_ONLY);
        assertThat(r.routerCredentials()).isEqualTo(Credentials.AGENT_KEY);
        ConnectRequest web = r.withTargetPort(80);
        assertThat(web.spec().id()).isNotEqualTo(r.spec().id())
                .isEqualTo(TunnelId.derive(SshAddress.parse("root@192.168.1.1:2222"), 80, SshAddress.parse("tunnel@relay.example.com")));
        assertThat(r.acceptingNewHostKeys().hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(r.withRouterKey(Path.of("/k")).routerCredentials()).isEqualTo(new Credentials.KeyFile(Path.of("/k")));
        assertThat(r.withTunnelUser("routers").spec().relay().tunnelUser()).isEqualTo("routers");
        assertThat(r.withPort(22042).spec().requestedPort()).hasValue(22042);
        assertThat(r.withRouterKey(Path.of("/k")).toString()).contains("192.168.1.1").contains("key /k");
        assertThatThrownBy(() -> r.withLeaseTtl(Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
    }
}
