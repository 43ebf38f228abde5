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

    /**
     * The fingerprint of a public key in {@code authorized_keys} form ({@code TYPE BASE64 [comment]}),
     * as {@code ssh-keygen -l} prints it: SHA-256 of the key blob, base64 without padding. Use it for a
     * router's pinned key ({@link io.netpilot.core.spi.RemoteShell#hostPublicKey()}) in a {@link LeaseOwner}.
     *
     * @throws InvalidInputException when the text is not a public key line
     */
    public static HostKeyFingerprint ofPublicKey(String authorizedKeysForm) {
        String[] f = authorizedKeysForm.strip().split("\\s+");
        if (f.length < 2 || !f[1].matches("[A-Za-z0-9+/]+={0,2}")) {
            throw new InvalidInputException("not a public key in authorized_keys form (TYPE BASE64): " + Checks.printable(authorizedKeysForm));
        }
        byte[] blob;
        try {
            blob = java.util.Base64.getDecoder().decode(f[1]);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("the public key's base64 does not decode: " + e.getMessage());
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(blob);
            return new HostKeyFingerprint("SHA256:" + java.util.Base64.getEncoder().withoutPadding().encodeToString(digest));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
