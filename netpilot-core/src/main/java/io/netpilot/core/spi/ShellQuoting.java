package io.netpilot.core.spi;

import io.netpilot.core.InvalidInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Turns values into POSIX shell words that the shell takes literally. The one way a value reaches a
 * remote command. Stateless, thread-safe.
 */
public final class ShellQuoting {
    private ShellQuoting() {}

    /**
     * {@code value} in single quotes, with each {@code '} written as {@code '\''}: inside single
     * quotes no character is special, so {@code ;}, {@code $()}, backticks and newlines stay text.
     *
     * @throws InvalidInputException for a value with a NUL character, which no shell word can hold
     */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidInputException("a value for a remote command contains a NUL character");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Every word quoted and joined with spaces: a simple command that runs {@code words[0]}. */
    public static String command(String... words) {
        if (words.length == 0) {
            throw new IllegalArgumentException("a command needs at least one word");
        }
        return Arrays.stream(words).map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }
}
