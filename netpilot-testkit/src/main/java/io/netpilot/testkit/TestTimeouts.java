package io.netpilot.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts for tests that wait on real processes, scaled by the system property
 * {@value #SCALE_PROPERTY} (default 1; the build passes {@code -Dnetpilot.test.timeoutScale=3} on a
 * slow machine). Stateless, thread-safe.
 */
public final class TestTimeouts {
    /** The system property holding the factor. */
    public static final String SCALE_PROPERTY = "netpilot.test.timeoutScale";

    private TestTimeouts() {}

    /**
     * {@code d} times the configured factor.
     *
     * @throws IllegalArgumentException when the property is not a positive number
     */
    public static Duration scaled(Duration d) {
        Objects.requireNonNull(d, "d");
        double factor = scale();
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    /**
     * The configured factor.
     *
     * @throws IllegalArgumentException when the property is not a positive number
     */
    public static double scale() {
        String text = System.getProperty(SCALE_PROPERTY, "1").strip();
        double factor;
        try {
            factor = Double.parseDouble(text.isEmpty() ? "1" : text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SCALE_PROPERTY + " must be a positive number such as 2 or 1.5, not '" + text + "'", e);
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(SCALE_PROPERTY + " must be a positive number such as 2 or 1.5, not '" + text + "'");
        }
        return factor;
    }
}
