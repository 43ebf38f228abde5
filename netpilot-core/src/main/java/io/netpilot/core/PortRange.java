package io.netpilot.core;

import java.util.stream.IntStream;

/**
 * An inclusive range of relay ports, {@code first-last}.
 *
 * @param first the lowest port
 * @param last the highest port, not below {@code first}
 */
public record PortRange(int first, int last) {
    /** The range used when none is configured. */
    public static final PortRange DEFAULT = new PortRange(20000, 20999);

    /** @throws InvalidInputException when a bound is not a port or the range is empty */
    public PortRange {
        Checks.port("first port of the range", first);
        Checks.port("last port of the range", last);
        if (last < first) {
            throw new InvalidInputException("port range " + first + "-" + last + " is empty: the first port must not exceed the last");
        }
    }

    /**
     * Parses {@code A-B}.
     *
     * @throws InvalidInputException when the text is not two ports joined by a hyphen
     */
    public static PortRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("-", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,5}") || !parts[1].matches("\\d{1,5}")) {
            throw new InvalidInputException("expected a port range A-B, got " + Checks.printable(String.valueOf(text)));
        }
        return new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public int size() {
        return last - first + 1;
    }

    public IntStream ports() {
        return IntStream.rangeClosed(first, last);
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
