package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TunnelManagersTest {
    @Test
    void buildNamesTheMissingCollaborator() {
        assertThatThrownBy(() -> TunnelManagers.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".connector(");
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> ManagerSettings.DEFAULTS.withBackoff(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("backoff cap");
        assertThatThrownBy(() -> ManagerSettings.DEFAULTS.withBackoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5), 2))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("jitter");
    }
}
