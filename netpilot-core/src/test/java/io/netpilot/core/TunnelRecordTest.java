package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TunnelRecordTest {
    private final TunnelSpec spec = TunnelSpec.of(RouterEndpoint.of(SshAddress.parse("root@192.168.1.1")),
            RelayEndpoint.of(SshAddress.parse("np@relay.example")), 22);
    private final CleanupToken token = new CleanupToken("np_0123abcd_20001_a1b2c3");

    @Test
    void aRequestedTunnelHasNothingYet() {
        TunnelRecord r = TunnelRecord.requested(spec);
        assertThat(r.state()).isEqualTo(TunnelState.CONNECTING);
        assertThat(r.port()).isEmpty();
        assertThat(r.token()).isEmpty();
        assertThat(r.id()).isEqualTo(spec.id());
    }

    @Test
    void refusesATokenOfAnotherPort() {
        assertThatThrownBy(() -> new TunnelRecord(spec, OptionalInt.of(20002), Optional.of(token), TunnelState.UP,
                Optional.empty(), Optional.empty()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("20002");
        assertThatThrownBy(() -> new TunnelRecord(spec, OptionalInt.empty(), Optional.of(token), TunnelState.UP,
                Optional.empty(), Optional.empty()))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void withersKeepEverythingElse() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        TunnelRecord r = TunnelRecord.requested(spec).withLaunch(20001, token).withEstablished(t0).withState(TunnelState.UP);
        assertThat(r.port()).hasValue(20001);
        assertThat(r.token()).hasValue(token);
        assertThat(r.established()).hasValue(t0);
        assertThat(r.lastHeartbeat()).hasValue(t0);
        TunnelRecord later = r.withHeartbeat(t0.plusSeconds(5));
        assertThat(later.established()).hasValue(t0);
        assertThat(later.lastHeartbeat()).hasValue(t0.plusSeconds(5));
        assertThat(later.state()).isEqualTo(TunnelState.UP);
    }
}
