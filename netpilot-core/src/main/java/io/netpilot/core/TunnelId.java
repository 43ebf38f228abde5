package io.netpilot.core;

import java.util.regex.Pattern;

/**
 * A tunnel's id as users see and type it ({@code netpilot disconnect ID}): lower-case letters,
 * digits and hyphens. It stays the same when the tunnel moves to another relay port.
 *
 * @param value the id text
 */
public record TunnelId(String value) {
    private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** @throws InvalidInputException when the text is not a tunnel id */
    public TunnelId {
        Checks.matches("tunnel id", FORM, value);
    }

    /**
     * The id of the tunnel from {@code router}'s port {@code targetPort} to {@code relay}: the same
     * three always give the same id, so connecting twice finds the tunnel that already exists.
     */
    public static TunnelId derive(SshAddress router, int targetPort, SshAddress relay) {
        return new TunnelId("t" + Checks.sha256Hex(router.hostAndPort() + "|" + targetPort + "|" + relay.hostAndPort(), 4));
    }

    @Override
    public String toString() {
        return value;
    }
}
