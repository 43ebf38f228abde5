package io.netpilot.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users type: {@code 90s}, {@code 2m}, {@code 1h}, {@code 500ms}, or ISO-8601. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {}

    /**
     * Parses a duration as users type it.
     *
     * @param text {@code 90s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT2M})
     * @return the duration
     * @throws InvalidInputException when the text is not a duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (RuntimeException e) {
            throw new InvalidInputException("expected a duration such as 90s, 2m or 1h, got '" + t + "'");
        }
    }

    /**
     * A short human form: {@code 850ms}, {@code 42s}, {@code 5m12s}, {@code 3h4m}.
     *
     * @param d the duration
     * @return its short form
     */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
}
