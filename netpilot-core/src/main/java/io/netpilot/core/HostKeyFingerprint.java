package io.netpilot.core;

import java.util.regex.Pattern;

/**
 * A host key's fingerprint as OpenSSH prints it: {@code SHA256:} and 43 base64 characters.
 *
 * @param value the fingerprint text
 */
public record HostKeyFingerprint(String value) {
    private static final Pattern FORM = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    /** @throws InvalidInputException when the text is not a SHA256 fingerprint */
    public HostKeyFingerprint {
        Checks.matches("host key fingerprint", FORM, value);
    }

    @Override
    public String toString() {
        return value;
    }
}
