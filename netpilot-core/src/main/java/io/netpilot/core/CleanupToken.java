package io.netpilot.core;

import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one tunnel's processes and files on the router and relay:
 * {@code np_<8 hex of router id>_<port>_<6 base36>}. It is validated wherever it is read back (from
 * {@code ps}, a file name, a state file), so a token can safely appear in a file name or a command.
 *
 * @param value the token text
 */
public record CleanupToken(String value) {
    /** The token's form; group 1 is the router's short id, group 2 the relay port, group 3 the nonce. */
    public static final Pattern FORM = Pattern.compile("np_([0-9a-f]{8})_([0-9]{1,5})_([0-9a-z]{6})");
    /** Finds tokens inside a longer text, such as a {@code ps} command line. */
    private static final Pattern WITHIN = Pattern.compile("(?<![0-9A-Za-z_])" + FORM.pattern() + "(?![0-9A-Za-z_])");
    private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    /** @throws InvalidInputException when the value is not a token or names an impossible port */
    public CleanupToken {
        Checks.matches("cleanup token", FORM, value);
        Matcher m = FORM.matcher(value);
        m.matches();
        Checks.port("cleanup token port", Integer.parseInt(m.group(2)));
    }

    /** A fresh token for a tunnel of {@code router} on relay port {@code port}. */
    public static CleanupToken generate(RouterId router, int port, RandomGenerator random) {
        Checks.port("relay port", port);
        StringBuilder nonce = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            nonce.append(BASE36.charAt(random.nextInt(BASE36.length())));
        }
        return new CleanupToken("np_" + router.shortForm() + "_" + port + "_" + nonce);
    }

    /** The first token inside {@code text} (a command line, a file name), if any. */
    public static Optional<CleanupToken> findIn(String text) {
        Matcher m = WITHIN.matcher(text);
        while (m.find()) {
            try {
                return Optional.of(new CleanupToken(m.group()));
            } catch (InvalidInputException impossiblePort) {
                // np_..._99999_... looks like a token but cannot be one; keep looking.
            }
        }
        return Optional.empty();
    }

    /** The relay port this token was made for. */
    public int port() {
        Matcher m = FORM.matcher(value);
        m.matches();
        return Integer.parseInt(m.group(2));
    }

    /** The router's short id (8 hex digits) inside this token. */
    public String routerShortId() {
        return value.substring(3, 11);
    }

    /** Whether this token names a tunnel of {@code router}. */
    public boolean belongsTo(RouterId router) {
        return routerShortId().equals(router.shortForm());
    }

    @Override
    public String toString() {
        return value;
    }
}
