package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.DiscoveredTunnel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A router's {@code TOKEN.plan} is read back strictly: nothing in it is trusted raw. */
class PlanFileTest {
    private static final CleanupToken TOKEN = new CleanupToken("np_0123abcd_20005_abc123");
    private static final String VALID = """
            version=1
            relay_user=tunnel
            relay_host=relay.example.com
            relay_port=2222
            remote_port=20005
            target_port=22
            lease_ttl_seconds=120
            """;

    @Test
    void aValidPlanDescribesTheTunnel() {
        DiscoveredTunnel d = ShTunnelLauncher.parsePlan(TOKEN, VALID);

        assertThat(d.token()).isEqualTo(TOKEN);
        assertThat(d.relay()).isEqualTo(new SshAddress("tunnel", "relay.example.com", 2222));
        assertThat(d.forward().remotePort()).isEqualTo(20005);
        assertThat(d.forward().targetPort()).isEqualTo(22);
        assertThat(d.leaseTtl()).isEqualTo(Duration.ofSeconds(120));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "relay_host=relay.example.com\n|relay_host=evil;rm -rf /\n",
        "relay_user=tunnel\n|relay_user=$(reboot)\n",
        "remote_port=20005\n|remote_port=20006\n",
        "remote_port=20005\n|remote_port=99999\n",
        "target_port=22\n|target_port=-1\n",
        "version=1\n|version=2\n",
        "lease_ttl_seconds=120\n|lease_ttl_seconds=0\n",
        "lease_ttl_seconds=120\n|lease_ttl_seconds=12e3\n",
        "target_port=22\n|",
        "target_port=22\n|target_port=22\ntarget_port=23\n",
        "target_port=22\n|target_port=22\nextra=1\n",
        "target_port=22\n|target_port 22\n",
    })
    void anInvalidPlanIsRefused(String edit) {
        String[] parts = edit.split("\\|", -1);
        String plan = VALID.replace(parts[0], parts[1]);
        assertThat(plan).isNotEqualTo(VALID);

        assertThatThrownBy(() -> ShTunnelLauncher.parsePlan(TOKEN, plan)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void garbageAndOversizedPlansAreRefused() {
        assertThatThrownBy(() -> ShTunnelLauncher.parsePlan(TOKEN, "\u00ff\u0000garbage")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ShTunnelLauncher.parsePlan(TOKEN, VALID + "#".repeat(4096))).isInstanceOf(InvalidInputException.class);
    }
}
