package io.netpilot.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation shared by the records of this package. Stateless, thread-safe. */
final class Checks {
    /** RFC 1123 host names: letters, digits, hyphens and dots; no label starts or ends with a hyphen. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /** POSIX portable user names, as routers and relays accept them. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

    private Checks() {}

    static int port(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException(what + " must be a port from 1 to 65535, not " + port);
        }
        return port;
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (!value.isPositive()) {
            throw new InvalidInputException(what + " must be positive, not " + value);
        }
        return value;
    }

    static String host(String what, String host) {
        Objects.requireNonNull(host, what);
        if (HOST_NAME.matcher(host).matches() || (host.contains(":") && IPV6.matcher(host).matches())) {
            return host;
        }
        throw new InvalidInputException(what + " is not a host name or IP address: " + printable(host));
    }

    static String user(String what, String user) {
        Objects.requireNonNull(user, what);
        if (!USER.matcher(user).matches()) {
            throw new InvalidInputException(
                    what + " is not a valid user name (letters, digits, '_', '.', '-'; at most 32): " + printable(user));
        }
        return user;
    }

    static String matches(String what, Pattern pattern, String value) {
        Objects.requireNonNull(value, what);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidInputException(what + " must match " + pattern.pattern() + ": " + printable(value));
        }
        return value;
    }

    /** The first {@code bytes} bytes of the SHA-256 of {@code text} (lower-cased, UTF-8), as hex. */
    static String sha256Hex(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A value quoted for an error message, with control characters made visible and length bounded. */
    static String printable(String value) {
        StringBuilder sb = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        if (value.length() > 80) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
