package io.netpilot.core;

import java.util.regex.Pattern;

/**
 * A router's stable identity: 16 lower-case hex digits. Derived from the router's address, so the
 * same router gets the same id (and so its sticky relay port) in every agent that connects to it;
 * the first 8 digits appear in every {@link CleanupToken} of its tunnels.
 *
 * @param value 16 lower-case hex digits
 */
public record RouterId(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{16}");

    /** @throws InvalidInputException when the value is not 16 lower-case hex digits */
    public RouterId {
        Checks.matches("router id", FORM, value);
    }

    /** The id of the router reached at {@code host:port} (the login user does not change the router). */
    public static RouterId of(SshAddress address) {
        return new RouterId(Checks.sha256Hex(address.hostAndPort(), 8));
    }

    /** The 8 hex digits used in cleanup tokens. */
    public String shortForm() {
        return value.substring(0, 8);
    }

    @Override
    public String toString() {
        return value;
    }
}
