package io.netpilot.state.internal.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A storm of failed accepts ("Too many open files") backs off to 1 s and logs a handful of lines. */
class AcceptBackoffTest {
    @Test
    void delaysDoubleToTheCapAndWarningsAreRare() {
        AcceptBackoff backoff = new AcceptBackoff();
        List<Duration> delays = new ArrayList<>();
        int warnings = 0;
        for (int i = 0; i < 400; i++) {
            delays.add(backoff.failed());
            warnings += backoff.shouldWarn() ? 1 : 0;
        }
        assertThat(delays.subList(0, 8)).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40),
                Duration.ofMillis(80), Duration.ofMillis(160), Duration.ofMillis(320), Duration.ofMillis(640), Duration.ofSeconds(1));
        assertThat(delays.subList(8, 400)).containsOnly(Duration.ofSeconds(1));
        assertThat(warnings).as("log lines for 400 failures in a row").isEqualTo(5);
    }

    @Test
    void aSuccessStartsOver() {
        AcceptBackoff backoff = new AcceptBackoff();
        backoff.failed();
        backoff.failed();
        backoff.succeeded();
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(10));
        assertThat(backoff.shouldWarn()).isTrue();
    }
}
