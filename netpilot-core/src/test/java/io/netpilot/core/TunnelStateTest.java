package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TunnelStateTest {
    private static final List<TunnelState> EVERY_STATE = List.of(TunnelState.CONNECTING, TunnelState.UP,
            new TunnelState.Degraded("slow"), new TunnelState.Recovering("probe failed"),
            new TunnelState.RouterUnreachable("timeout"), new TunnelState.RelayUnreachable("refused"),
            TunnelState.STOPPING, TunnelState.STOPPED, new TunnelState.Failed("auth refused"));

    @Test
    void everyStateSurvivesARoundTripThroughItsNameAndReason() {
        for (TunnelState s : EVERY_STATE) {
            assertThat(TunnelState.of(s.name(), s.reason())).as(s.name()).isEqualTo(s);
        }
        assertThat(EVERY_STATE).extracting(TunnelState::name).doesNotHaveDuplicates().hasSize(9);
    }

    @Test
    void onlyUpAndDegradedCarryTraffic() {
        assertThat(EVERY_STATE).filteredOn(TunnelState::carriesTraffic).extracting(TunnelState::name)
                .containsExactlyInAnyOrder("UP", "DEGRADED");
    }

    @Test
    void statesWithAReasonKeepIt() {
        assertThat(new TunnelState.Failed("why").reason()).hasValue("why");
        assertThat(TunnelState.UP.reason()).isEmpty();
    }

    @Test
    void printsAsItsNameAndReason() {
        assertThat(TunnelState.UP).hasToString("UP");
        assertThat(new TunnelState.Degraded("probes are slow")).hasToString("DEGRADED (probes are slow)");
        assertThat(EVERY_STATE).allSatisfy(s -> assertThat(s.toString()).startsWith(s.name()));
    }

    @Test
    void refusesAnUnknownName() {
        assertThatThrownBy(() -> TunnelState.of("RUNNING", Optional.empty()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("RUNNING");
    }
}
