package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortRangeTest {
    @Test
    void parsesAndMeasures() {
        PortRange r = PortRange.parse(" 20000-20009 ");
        assertThat(r).isEqualTo(new PortRange(20000, 20009));
        assertThat(r.size()).isEqualTo(10);
        assertThat(r.contains(20000)).isTrue();
        assertThat(r.contains(20009)).isTrue();
        assertThat(r.contains(20010)).isFalse();
        assertThat(r.ports().toArray()).hasSize(10).startsWith(20000).endsWith(20009);
        assertThat(r).hasToString("20000-20009");
        assertThat(PortRange.parse("22-22").size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"20009-20000", "0-10", "1-65536", "20000", "a-b", "-1-5", "1-2-3", "", "1 - 2"})
    void refusesBadRanges(String text) {
        assertThatThrownBy(() -> PortRange.parse(text)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> PortRange.parse(null)).isInstanceOf(InvalidInputException.class);
    }
}
